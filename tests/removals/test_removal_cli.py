"""`kit removal` as a person uses it: from a finding to a sent request, due, re-checked, closed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from kit.records.findings import Findings
from kit.removals.deadlines import reply_due
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, KitRun

PAGE = "https://people.example/listing/jo"


def _finding(vault_path: Path) -> str:
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault:
        return Findings(vault).record("usernames", "people.example jo", "Listed on "
                                      "people.example", "home address", "high", PAGE,
                                      None).id


def test_from_a_finding_to_a_request_that_is_due_then_gone(
        kit_in_process: KitRun, made_vault: Path) -> None:
    finding = _finding(made_vault)
    today = date.today()
    sent = today - timedelta(days=40)  # its month has passed
    made = kit_in_process("removal", "add", "people.example", "--channel", "email",
                          "--page", PAGE, "--sent", sent.isoformat(), "--finding",
                          finding[:6], "--reference", "T-1", "--json")
    assert made.code == 0, made.err
    request = made.json()
    assert request["status"] == "sent" and request["finding_ids"] == [finding]
    assert request["reply_due"] == reply_due(sent).isoformat() and request["overdue"]
    assert "has not come" in request["next_step"]

    due = kit_in_process("removal", "due", "--json").json()
    assert [r["id"] for r in due["overdue"]] == [request["id"]]
    human = kit_in_process("removal", "due")
    assert "Replies overdue:" in human.out and "people.example" in human.out

    # They answer that they need more time: the reply is due three months on.
    extended = kit_in_process("removal", "update", request["id"][:6], "--extended",
                              "--status", "acknowledged", "--json").json()
    assert extended["reply_due"] == reply_due(sent, extended=True).isoformat()
    assert kit_in_process("removal", "due", "--json").json()["overdue"] == []

    # Looking again: the kit lists the pages and fetches nothing.
    look = kit_in_process("removal", "recheck", request["id"][:6])
    assert PAGE in look.out and "fetches nothing" in look.out
    gone = kit_in_process("removal", "recheck", request["id"][:6], "--gone", "--json")
    assert gone.code == 0 and gone.json()["status"] == "removed"
    assert "1 linked finding marked fixed" in gone.err
    findings = kit_in_process("findings", "--json").json()["findings"]
    assert [f["status"] for f in findings] == ["fixed"]

    shown = kit_in_process("removal", "show", request["id"][:6])
    history = shown.out.split("History:")[1]
    assert history.index("sent") < history.index("two more months") < history.index("gone")


def test_a_platform_report_has_no_clock_and_a_suggested_look(
        kit_in_process: KitRun, made_vault: Path) -> None:
    today = date.today()
    made = kit_in_process("removal", "add", "Instaphoto", "--kind", "platform", "--ask",
                          "platform-report", "--sent", today.isoformat(), "--json").json()
    assert made["reply_due"] is None
    assert made["recheck_on"] == (today + timedelta(days=7)).isoformat()
    listed = kit_in_process("removal", "list")
    assert f"look again {today + timedelta(days=7)}" in listed.out


def test_bad_input_is_refused_clearly_and_nothing_is_saved(
        kit_in_process: KitRun, made_vault: Path) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for args, words in [
        (("--sent", tomorrow), "in the future"),
        (("--sent", "31/01/2027"), "not a date"),
        (("--kind", "forum"), "forum"),
        (("--page", "people.example/jo"), "not a web address"),
        (("--finding", "abcd1234"), "no finding"),  # not found: exit 1
    ]:
        ran = kit_in_process("removal", "add", "people.example", *args)
        assert ran.code == (1 if "abcd1234" in args else 2), (args, ran.err)
        assert words in ran.err.lower(), (args, ran.err)
    assert kit_in_process("removal", "list", "--json").json() == {"removals": []}
    made = kit_in_process("removal", "add", "people.example", "--json").json()
    nothing = kit_in_process("removal", "update", made["id"][:6])
    assert nothing.code == 2 and "nothing was changed" in nothing.err
    unsent = kit_in_process("removal", "update", made["id"][:6], "--status", "refused")
    assert unsent.code == 2 and "--sent" in unsent.err
    missing = kit_in_process("removal", "show", "ffffffff")
    assert missing.code == 1 and "no removal request" in missing.err


def test_the_evidence_pack_carries_the_request_history(
        kit_in_process: KitRun, made_vault: Path, tmp_path: Path) -> None:
    import json
    import zipfile

    incident = kit_in_process("incident", "add", "--category", "doxing", "--platform", "Web",
                              "--url", PAGE, "--json").json()["id"]
    sent = date.today() - timedelta(days=3)
    request = kit_in_process("removal", "add", "people.example", "--page", PAGE, "--sent",
                             sent.isoformat(), "--incident", incident[:6], "--note",
                             "private: I was shaking", "--json").json()
    assert request["incident_id"] == incident
    kit_in_process("removal", "update", request["id"][:6], "--status", "acknowledged",
                   "--what", "they replied with ticket 55", "--reference", "55")
    pack = tmp_path / "pack.zip"
    exported = kit_in_process("evidence", "export", incident[:6], "--out", str(pack))
    assert exported.code == 0, exported.err
    with zipfile.ZipFile(pack) as z:
        manifest = json.loads(z.read("manifest.json"))
        summary = z.read("SUMMARY.md").decode()
    [carried] = manifest["removals"]
    assert carried["id"] == request["id"] and "note" not in carried
    assert [e["what"] for e in carried["history"]] == ["sent", "they replied with ticket 55"]
    assert "## Removal requests (1)" in summary and "they replied with ticket 55" in summary
    assert "shaking" not in summary + json.dumps(manifest)
    verified = kit_in_process("evidence", "verify", str(pack))
    assert verified.code == 0, verified.out + verified.err


def test_letters_written_from_the_record(kit_in_process: KitRun, made_vault: Path,
                                         tmp_path: Path) -> None:
    sent = date.today() - timedelta(days=45)
    request = kit_in_process("removal", "add", "people.example", "--channel", "email",
                             "--page", PAGE, "--sent", sent.isoformat(), "--reference",
                             "T-9", "--json").json()
    who = ("--name", "Jo Bloggs", "--reply-to", "jo@example.org")
    chaser = kit_in_process("removal", "letter", request["id"][:6], "--kind", "chaser", *who)
    assert chaser.code == 0, chaser.err
    due = reply_due(sent)
    assert f"by {due.day} {due:%B %Y}" in chaser.out and "(your reference: T-9)" in chaser.out
    assert PAGE in chaser.out and "Information Commissioner's Office" in chaser.out
    kit_in_process("removal", "update", request["id"][:6], "--status", "no-reply", "--what",
                   "sent a reminder; still nothing")
    out = tmp_path / "ico.txt"
    summary = kit_in_process("removal", "letter", request["id"][:6], "--kind", "complaint",
                             *who, "--out", str(out))
    assert summary.code == 0 and "NOT encrypted" in summary.err
    text = out.read_text()
    assert f"{sent.isoformat()}  I sent the request" in text
    assert "sent a reminder; still nothing" in text and "no reply in time" in text
    assert "within three months of your last" in summary.err
    pdf = tmp_path / "ico.pdf"
    as_pdf = kit_in_process("removal", "letter", request["id"][:6], "--kind", "complaint",
                            *who, "--out", str(pdf))
    assert as_pdf.code == 0 and pdf.read_bytes().startswith(b"%PDF-")
    import subprocess

    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout  # poppler-utils, installed by .ci/run
    assert "sent a reminder; still nothing" in words and "Jo Bloggs" in words
    # No legal clock, no ICO summary; no name and no terminal: told which option to give.
    report = kit_in_process("removal", "add", "Instaphoto", "--kind", "platform", "--ask",
                            "platform-report", "--sent", sent.isoformat(), "--json").json()
    refused = kit_in_process("removal", "letter", report["id"][:6], "--kind", "complaint",
                             *who)
    assert refused.code == 2 and "does not apply" in refused.err
    nameless = kit_in_process("removal", "letter", request["id"][:6], "--kind", "chaser")
    assert nameless.code == 2 and "--name" in nameless.err
    draft = kit_in_process("removal", "add", "x.example", "--json").json()
    unsent = kit_in_process("removal", "letter", draft["id"][:6], "--kind", "chaser", *who)
    assert unsent.code == 2 and "not been sent" in unsent.err


def test_looking_again_also_searches_those_sites_for_your_name(
        kit_in_process: KitRun, made_vault: Path) -> None:
    request = kit_in_process("removal", "add", "people.example", "--page", PAGE, "--page",
                             "https://www.people.example/other", "--json").json()
    nameless = kit_in_process("removal", "recheck", request["id"][:6], "--json").json()
    assert nameless["searches"] == []
    hint = kit_in_process("removal", "recheck", request["id"][:6])
    assert "save it first" in hint.out
    assert kit_in_process("search-queries", "--name", "Jo Bloggs", "--save").code == 0
    looked = kit_in_process("removal", "recheck", request["id"][:6], "--json").json()
    # One search per site (www. is the same site), never fetched: links for the browser.
    assert [q["query"] for q in looked["searches"]] == ['"Jo Bloggs" site:people.example']
    assert looked["searches"][0]["url"].startswith("https://www.google.com/search?q=")
