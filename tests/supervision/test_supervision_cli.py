"""Two vaults, a practitioner's and a supervisor's, through the CLI end to end: identity cards,
a share packet, an agreement and a session record, countersigned both ways, a revision, the
team view, exports, the standard `age` tool, and a journal canary.

The commands run through kit.cli.main in this process (kit_in_process): some sixty of them,
each a second of a subprocess's start-up and imports, and the process is not what is tested
here (tests/test_cli.py and the journal's and vault's tests run the installed command)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pyrage
import pytest

from tests.conftest import KitRun, Ran

JOURNAL_CANARY = "CANARY-journal-5c1e9"
EXPOSURE_NOTE_CANARY = "CANARY-exposure-note-77ab"
NOTE_FOR_SUPERVISOR = "Shared note: a hard week, the Tuesday case stayed with me."


class Vault:
    def __init__(self, kit: KitRun, path: Path) -> None:
        self.kit, self.env = kit, {"KIT_VAULT": str(path)}

    def run(self, *args: str, input: str | None = None, code: int = 0) -> Ran:
        result = self.kit(*args, stdin=input or "", env=self.env)
        assert result.code == code, (args, result.code, result.out, result.err)
        return result

    def json(self, *args: str, input: str | None = None, code: int = 0) -> object:
        return json.loads(self.run(*args, "--json", input=input, code=code).out)

    def error(self, *args: str, code: int) -> str:
        doc = self.json(*args, code=code)
        assert isinstance(doc, dict)
        return str(doc["error"]["code"])


def test_two_vaults_end_to_end(kit_in_process: KitRun, tmp_path: Path) -> None:
    ana, bo = Vault(kit_in_process, tmp_path / "ana"), Vault(kit_in_process, tmp_path / "bo")
    for side in (ana, bo):
        side.run("init")
    # Without a name there is no card, and the kit says how to set one.
    assert "--name" in ana.run("id", "show", code=2).err

    ana_card = ana.json("id", "show", "--name", "Ana Practitioner", "--role", "Social worker")
    bo_card = bo.json("id", "show", "--name", "Bo Supervisor", "--role", "Team manager")
    assert isinstance(ana_card, dict) and isinstance(bo_card, dict)
    (tmp_path / "ana.card").write_text(ana_card["card"])
    (tmp_path / "bo.card").write_text(bo_card["card"])

    # A fingerprint read out wrongly is refused; the right one is recorded as checked.
    assert bo.error("id", "add", str(tmp_path / "ana.card"), "--name", "Ana",
                    "--fingerprint", "0" * 32, code=4) == "fingerprint_mismatch"
    bo.run("id", "add", str(tmp_path / "ana.card"), "--name", "Ana", "--relation",
           "supervisee", "--fingerprint", ana_card["fingerprint"])
    ana.run("id", "add", "-", "--name", "Bo", "--relation", "supervisor", "--fingerprint",
            bo_card["fingerprint"].replace(" ", "").upper(), input=bo_card["card"])
    listed = ana.json("id", "list")
    assert isinstance(listed, list) and listed[0]["verified"] is True

    # The practitioner's private material.
    ana.run("journal", "add", "-", input=f"Private reflection {JOURNAL_CANARY}")
    ana.run("exposure", "add", "--type", "video", "--flag", "violent", "--impact", "7",
            "--note", EXPOSURE_NOTE_CANARY)
    ana.run("exposure", "add", "--type", "image", "--volume", "some", "--impact", "3")

    # Share: no terminal and no --yes seals nothing, but shows the preview.
    refused = ana.run("share", "build", "--for", "Bo", "--out", str(tmp_path / "no.age"),
                      code=2)
    assert "Video: 1 session" in refused.err and not (tmp_path / "no.age").exists()
    share = ana.json("share", "build", "--for", "Bo", "--fields",
                     "exposure_sessions,exposure_flags", "--note", "-", "--out",
                     str(tmp_path / "share.age"), "--yes", input=NOTE_FOR_SUPERVISOR)
    assert isinstance(share, dict) and share["fields"] == ["exposure_sessions",
                                                           "exposure_flags", "note"]
    opened = bo.json("share", "open", str(tmp_path / "share.age"))
    assert isinstance(opened, dict)
    assert opened["packet"]["content"]["text"] == share["text"]
    assert NOTE_FOR_SUPERVISOR in share["text"] and "Violent: 1 of 2" in share["text"]

    # Every refusal, through the CLI, with its own code.
    assert bo.error("share", "open", str(tmp_path / "share.age"), code=1) == "packet_replayed"
    assert ana.error("share", "open", str(tmp_path / "share.age"),
                     code=1) == "packet_wrong_recipient"
    damaged = bytearray((tmp_path / "share.age").read_bytes())
    damaged[-3] ^= 0x40
    (tmp_path / "damaged.age").write_bytes(bytes(damaged))
    assert bo.error("share", "open", str(tmp_path / "damaged.age"), code=4) == "packet_damaged"

    # The agreement and a session record, sealed back to the practitioner.
    agreement = bo.json("supervision", "agreement", "Ana", "--every", "21", "--window", "5",
                        "--confidentiality", "Safety of practice can override confidentiality")
    assert isinstance(agreement, dict)
    bo.run("supervision", "send", agreement["id"][:8], "--out", str(tmp_path / "agr.age"))
    session = bo.json("supervision", "add", "Ana", "--impact", "Tired, sleeping badly",
                      "--coping", "Walks at lunch", "--action",
                      "Refer to occupational health; Bo; 2026-01-05",
                      "--referral", "occupational-health")
    assert isinstance(session, dict)
    record = session["versions"][0]["content"]
    assert record["summary_received"] == share["text"].strip()  # drawn from the share by default
    assert record["actions"][0]["text"] == "Refer to occupational health"
    bo.run("supervision", "send", session["id"][:8], "--out", str(tmp_path / "rec.age"))

    # The practitioner accepts the record straight from the file, and comments on the
    # agreement after opening it.
    ana.run("supervision", "accept", str(tmp_path / "rec.age"), "--out",
            str(tmp_path / "accept.age"))
    ana.run("share", "open", str(tmp_path / "agr.age"))
    ana.run("supervision", "comment", agreement["id"][:8], "-", "--out",
            str(tmp_path / "comment.age"), input="Please add how cancellations are recorded.")
    for reply in ("accept.age", "comment.age"):
        bo.run("share", "open", str(tmp_path / reply))
    shown = bo.json("supervision", "show", agreement["id"][:8])
    assert isinstance(shown, dict)
    response = shown["versions"][0]["response"]
    assert response["decision"] == "commented" and "cancellations" in response["comment"]
    assert ana.error("supervision", "accept", session["id"][:8], "--out",
                     str(tmp_path / "again.age"), code=2) == "usage"

    # The team view and overdue actions: bands only as shared, never a score.
    team = bo.json("team")
    assert isinstance(team, list) and [r["name"] for r in team] == ["Ana"]
    assert team[0]["overdue_actions"] == 1
    overdue = bo.json("action", "list", "--overdue")
    assert isinstance(overdue, list) and len(overdue) == 1

    # Closing the action after the record was sent is a new version, which goes out signed.
    bo.run("action", "set", overdue[0]["id"][:6], "done")
    bo.run("supervision", "send", session["id"][:8], "--out", str(tmp_path / "rec2.age"))
    ana.run("share", "open", str(tmp_path / "rec2.age"))
    mine = ana.json("supervision", "show", session["id"][:8])
    assert isinstance(mine, dict) and [v["n"] for v in mine["versions"]] == [1, 2]
    assert "Version 2: sent" in ana.run("supervision", "show", session["id"][:8]).out
    assert "changed: actions" in ana.run("supervision", "show", session["id"][:8]).out
    assert mine["versions"][0]["response"]["decision"] == "accepted"
    assert mine["versions"][1]["content"]["actions"][0]["status"] == "done"
    assert bo.json("action", "list", "--overdue") == []
    # Opened to read it first, the file can still be accepted; the older file cannot.
    assert "now at version 2" in ana.run("supervision", "accept", str(tmp_path / "rec.age"),
                                         "--out", str(tmp_path / "old.age"), code=2).err
    ana.run("supervision", "accept", str(tmp_path / "rec2.age"), "--out",
            str(tmp_path / "accept2.age"))
    assert "Ana accepted version 2" in bo.run("share", "open", str(tmp_path / "accept2.age")).out

    # Someone who leaves is archived: off the team view, which still says they are kept.
    bo.run("supervision", "archive", "Ana")
    assert bo.run("team").out.startswith("Archived: Ana (")
    assert bo.json("team") == []
    bo.run("supervision", "archive", "Ana", "--undo")
    assert "Archived" not in bo.run("team").out

    # Exports on both sides.
    bo.run("supervision", "export", session["id"][:8], "--out", str(tmp_path / "bo.md"))
    ana.run("supervision", "export", session["id"][:8], "--format", "pdf", "--out",
            str(tmp_path / "ana.pdf"))
    assert "Walks at lunch" in (tmp_path / "bo.md").read_text()

    # The standard age tool opens a packet with the supervisor's exported identity.
    bo.run("id", "export-age-identity", "--out", str(tmp_path / "bo.key"), "--yes")
    age = shutil.which("age")
    assert age is not None, "CI installs the age binary (.ci/run)"
    plain = subprocess.run([age, "-d", "-i", str(tmp_path / "bo.key"),
                            str(tmp_path / "share.age")], capture_output=True, check=True,
                           timeout=30).stdout.decode()
    assert plain.startswith("Frontline Kit packet, version 1\n")
    assert NOTE_FOR_SUPERVISOR in plain

    # The canary: the journal (and the exposure note) never reach a packet or an export.
    ana.run("id", "export-age-identity", "--out", str(tmp_path / "ana.key"), "--yes")
    keys = [pyrage.x25519.Identity.from_str(
        (tmp_path / f"{who}.key").read_text().strip().splitlines()[-1]) for who in ("ana", "bo")]
    packets = sorted(tmp_path.glob("*.age"))
    assert len(packets) == 8
    opened_all = 0
    for packet in packets:
        if packet.name == "damaged.age":
            continue
        text = pyrage.decrypt(packet.read_bytes(), keys).decode()
        assert JOURNAL_CANARY not in text and EXPOSURE_NOTE_CANARY not in text, packet
        opened_all += 1
    assert opened_all == 7
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.suffix in (".age", ".md", ".pdf", ".card", ".key"):
            data = path.read_bytes()
            assert JOURNAL_CANARY.encode() not in data, path
            assert EXPOSURE_NOTE_CANARY.encode() not in data, path


@pytest.mark.parametrize("args", [
    ("id", "add", "not a card at all", "--name", "X"),
    ("id", "add", "-", "--name", "X"),
])
def test_bad_cards_are_refused_with_a_reason(kit_in_process: KitRun, made_vault: Path,
                                             args: tuple[str, ...]) -> None:
    result = kit_in_process(*args, "--json",
                            stdin="Frontline Kit identity card, version 1\nName: X\n")
    assert result.code in (1, 4)
    assert json.loads(result.out)["error"]["code"] in ("bad_input", "card_invalid")


def test_a_session_after_an_incident_shows_its_follow_ups_in_local_time(
        kit_in_process: KitRun, kit_env: Path, tmp_path: Path) -> None:
    """Across the March clock change the 72-hour follow-up keeps the same wall-clock time."""
    (kit_env / "config.toml").write_text('[supervision]\ntime_zone = "Europe/London"\n')
    bo = Vault(kit_in_process, tmp_path / "bo")
    bo.run("init")
    bo.run("id", "show", "--name", "Bo Supervisor")
    ana = Vault(kit_in_process, tmp_path / "ana")
    ana.run("init")
    card = ana.json("id", "show", "--name", "Ana Practitioner")
    assert isinstance(card, dict)
    bo.run("id", "add", "-", "--name", "Ana", "--relation", "supervisee", input=card["card"])
    bo.run("supervision", "add", "Ana", "--type", "post-incident", "--held", "2026-03-27 15:00",
           "--incident-at", "2026-03-27 10:00")
    listed = bo.json("supervision", "list")
    assert isinstance(listed, list)
    shown = bo.run("supervision", "show", listed[0]["id"][:8]).out
    assert "72-hour follow-up: Mon 30 Mar 2026, 10:00" in shown
    assert "One-month follow-up: Mon 27 Apr 2026, 10:00" in shown
    assert "follow-up-72h" in bo.run("team", "--json").out
