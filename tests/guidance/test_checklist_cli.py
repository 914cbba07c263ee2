"""`kit checklist` as a user runs it. The commands run in this process through kit.cli.main
(the one place errors become exit codes), with the fixture checklists standing in for the
shipped ones so the output is predictable; one test runs the real program in a subprocess."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from kit.records.progress import KIND
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit
from tests.conftest import KitRun as Kit
from tests.guidance.conftest import FIXTURES, VALID, only_you_checklist


@pytest.fixture
def kit(shipped_fixtures: Path, kit_in_process: Kit) -> Kit:
    """`kit` in this process, over the fixture checklists."""
    return kit_in_process


def progress_records(vault_path: Path) -> list[dict[str, Any]]:
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as v:
        return [r.data for r in v.snapshot().records.values() if r.kind == KIND]


def write_config(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text)


# --- validate: no vault needed ---


def test_validate_a_good_folder_and_file(kit: Kit, tmp_path: Path) -> None:
    ran = kit("checklist", "validate", str(FIXTURES))
    assert (ran.code, ran.out) == (0, f"{FIXTURES}: 10 items in 2 sections, all valid\n")
    path = tmp_path / "50-org.toml"
    path.write_text(VALID)
    ran = kit("checklist", "validate", str(path), "--json")
    assert ran.code == 0 and ran.json() == {"path": str(path), "valid": True, "sections": 1,
                                            "items": 2, "problems": []}


def test_validate_prints_every_problem_and_exits_1(kit: Kit, tmp_path: Path) -> None:
    path = tmp_path / "50-org.toml"
    path.write_text(VALID.replace('priority = "now"', 'priority = "soon"')
                    .replace('"https://example.org/two"', '"http://example.org/two"')
                    .replace('"alpha-two"', '"prep-2fa"'))  # taken by the 'shipped' set
    ran = kit("checklist", "validate", str(path))
    assert ran.code == 1
    assert ran.out.splitlines() == [
        f'{path}: item alpha-one: field priority: "soon" is not one of now, this-week, '
        "this-month, every-quarter",
        f'{path}: item prep-2fa: field sources[1].url: "http://example.org/two" must start '
        "with https:// (a secure link)",
    ]
    assert "2 problems found" in ran.err
    ran = kit("checklist", "validate", str(path), "--json")
    doc = ran.json()
    assert ran.code == 1 and doc["valid"] is False and len(doc["problems"]) == 2
    assert doc["problems"][0] == {
        "path": str(path), "item": "alpha-one", "field": "priority",
        "message": '"soon" is not one of now, this-week, this-month, every-quarter',
        "text": ran.out and doc["problems"][0]["text"]}
    # Fixed, the id still clashes with the kit's own checklists, which load alongside.
    path.write_text(VALID.replace('"alpha-two"', '"prep-2fa"'))
    ran = kit("checklist", "validate", str(path))
    assert ran.code == 1 and ran.out == (
        f'{path}: item prep-2fa: field id: "prep-2fa" is already used in '
        "checklists/20-prepare.toml; item ids must be unique across every loaded checklist\n")


def test_validate_never_crashes_on_junk(kit: Kit, tmp_path: Path) -> None:
    (tmp_path / "binary.toml").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "deep.toml").write_text("a = " + "[" * 3000)
    (tmp_path / "notes.txt").write_text("ignored")
    ran = kit("checklist", "validate", str(tmp_path))
    assert ran.code == 1 and len(ran.out.splitlines()) == 2
    assert f"{tmp_path}/binary.toml: is not UTF-8 text" in ran.out
    for target, words in ((tmp_path / "nowhere", "does not exist"),
                          (tmp_path / "notes.txt", "is not valid TOML")):
        ran = kit("checklist", "validate", str(target))
        assert ran.code == 1 and words in ran.out


# --- now: no vault needed ---


def test_now_walks_through_the_stages_without_a_vault(kit: Kit, kit_env: Path) -> None:
    assert not (kit_env / "vault").exists()
    ran = kit("checklist", "now")
    assert ran.code == 0, ran.err
    text = ran.out
    order = ["This is not your fault.", "1. Make sure you are safe",
             "Check that everyone is safe", "1. Step one.",
             "2. In the first hour: tell people and lock down your accounts",
             "Tell your manager", "3. Keep a record of what is happening", "Take screenshots",
             "Please note: Made-up caution.",
             "4. Report it", "Report the post to the platform", "kit helplines"]
    places = [text.index(words) for words in order]
    assert places == sorted(places)
    assert "(US)" not in text
    doc = kit("checklist", "now", "--json", "--region", "us").json()
    assert doc["region"] == "us"
    assert [s["id"] for s in doc["stages"]] == ["safety", "tell", "evidence", "report"]
    assert [i["id"] for i in doc["stages"][0]["items"]] == ["now-safe-us"]


def test_now_carries_on_when_settings_or_extra_folders_are_broken(kit: Kit,
                                                                 kit_env: Path) -> None:
    write_config(kit_env, '[checklists]\nfolders = ["missing-folder"]\n')
    ran = kit("checklist", "now")
    assert ran.code == 0 and "Check that everyone is safe" in ran.out
    assert "could not be loaded" in ran.err and "kit's own steps" in ran.err
    write_config(kit_env, "[checklists\n")
    ran = kit("checklist", "now")
    assert ran.code == 0 and "Check that everyone is safe" in ran.out
    assert "is not valid TOML" in ran.err


def test_the_region_comes_from_the_config(kit: Kit, kit_env: Path) -> None:
    write_config(kit_env, '[checklists]\nregion = "us"\n')
    assert "Check that everyone is safe (US)" in kit("checklist", "now").out
    assert "(US)" not in kit("checklist", "now", "--region", "uk").out
    ran = kit("checklist", "now", "--region", "fr")
    assert ran.code == 2 and "'fr' is not one of" in ran.err


# --- progress: needs the vault ---


def test_list_needs_a_vault(kit: Kit) -> None:
    ran = kit("checklist", "list")
    assert ran.code == 1 and "kit init" in ran.err


def test_list_show_mark_and_next(kit: Kit, made_vault: Path) -> None:
    ran = kit("checklist", "list")
    assert ran.code == 0, ran.err
    assert "Prepare (prepare)" in ran.out
    assert "  To do           Now             20 min  prep-2fa: Turn on two-step " \
        "verification" in ran.out
    assert "prep-brokers" not in ran.out  # a US step
    assert "0 of 8 steps are done or handed on." in ran.out

    today = date.today()
    ran = kit("checklist", "mark", "prep-2fa", "done", "--note", "-",
              stdin=b"Phone and email, not the old tablet.\n")
    assert ran.code == 0, ran.err
    due = (today + timedelta(days=90)).isoformat()
    assert f"Turn on two-step verification: done. It will come up again for a check on {due}" \
        in ran.err
    ran = kit("checklist", "mark", "now-tell", "delegated", "--to", "Sam", "--json")
    assert ran.code == 0 and ran.json()["delegated_to"] == "Sam"

    shown = kit("checklist", "show", "prep-2fa")
    assert shown.code == 0
    for words in ("Turn on two-step verification", "1. Open the settings.",
                  "Example: 2FA page: https://example.org/2fa",
                  "Checked against its source on 10 January 2026.",
                  f"Your progress: Done (done on {today}; check again on {due})",
                  "Phone and email, not the old tablet."):
        assert words in shown.out
    doc = kit("checklist", "show", "now-tell", "--json").json()
    assert doc["progress"]["status"] == "delegated" and doc["open"] is False

    listed = kit("checklist", "list", "--json").json()
    assert (listed["done"], listed["total"]) == (2, 8)
    rows = {i["id"]: i for s in listed["sections"] for i in s["items"]}
    assert rows["prep-2fa"]["progress"]["note"] == "Phone and email, not the old tablet."
    assert rows["prep-register"]["open"] is True
    done = kit("checklist", "list", "--status", "done", "--json").json()
    assert [i["id"] for s in done["sections"] for i in s["items"]] == ["prep-2fa"]
    assert "No items match." in kit("checklist", "list", "--status", "due").out
    us = kit("checklist", "list", "--region", "us", "--json").json()
    assert "prep-brokers" in {i["id"] for s in us["sections"] for i in s["items"]}

    nxt = kit("checklist", "next")
    assert nxt.code == 0
    assert nxt.out.startswith("Do this next (not done yet, about 10 minutes):\n\n"
                              "Take screenshots with the address and time\n")
    assert "When it is done: kit checklist mark now-screenshot done" in nxt.out
    assert "After that:\n  prep-register: Opt out of the open register (10 min, now; " \
        "not done yet)" in nxt.out
    assert "2 of 8 steps are done or handed on." in nxt.out
    fits = kit("checklist", "next", "--minutes", "15", "--json").json()
    assert fits["first"]["item"]["id"] == "now-screenshot"
    assert [s["item"]["id"] for s in fits["rest"]] == ["now-safe"]
    assert [lv["number"] for lv in fits["levels"]] == [1, 2, 3]
    incident = kit("checklist", "next", "--incident", "--json").json()
    assert incident["first"]["item"]["id"] == "now-safe"
    tiny = kit("checklist", "next", "--minutes", "1")
    assert tiny.code == 0 and "the shortest takes 2" in tiny.out

    assert kit("checklist", "mark", "prep-2fa", "todo", "--note", "").code == 0
    (record,) = [r for r in progress_records(made_vault) if r["item"] == "prep-2fa"]
    assert (record["status"], record["note"], record["done_on"]) == ("todo", "", None)


def test_next_when_everything_is_handled(kit: Kit, made_vault: Path) -> None:
    for item in ("now-safe", "now-screenshot", "now-tell", "now-report", "prep-register",
                 "prep-2fa", "prep-plan", "prep-search"):
        assert kit("checklist", "mark", item, "na").code == 0
    ran = kit("checklist", "next")
    assert ran.code == 0 and "Nothing is waiting" in ran.out
    assert kit("checklist", "next", "--json").json()["first"] is None


def test_mark_mistakes_exit_cleanly_and_save_nothing(kit: Kit, made_vault: Path) -> None:
    cases = [
        (("mark", "prep-2af", "done"), 1, "did you mean prep-2fa"),
        (("mark", "prep-2fa", "finished"), 2, "'finished' is not one of"),
        (("mark", "now-tell", "delegated"), 2, "delegated --to NAME"),
        (("mark", "now-tell", "delegated", "--to", "  "), 2, "delegated --to NAME"),
        (("mark", "now-tell", "done", "--to", "Sam"), 2, "--to is only for delegated"),
        (("show", "nothing-like-this"), 1, "no checklist item 'nothing-like-this'"),
        (("next", "--minutes", "0"), 2, "--minutes"),
    ]
    for args, code, words in cases:
        ran = kit("checklist", *args)
        assert (ran.code, words in ran.err) == (code, True), (args, ran)
    # A typo in the id is found before any passphrase is asked for.
    ran = kit("checklist", "mark", "prep-2af", "done", passphrase=None)
    assert ran.code == 1 and "did you mean" in ran.err
    ran = kit("checklist", "mark", "prep-2fa", "done", "--note", "-", stdin=b"\xff\xfe bad")
    assert ran.code == 1 and "not valid UTF-8" in ran.err
    ran = kit("checklist", "mark", "prep-2af", "done", "--json")
    assert ran.json() == {"error": {"code": "not_found", "exit": 1, "message": ran.json()[
        "error"]["message"]}}
    assert progress_records(made_vault) == []


def test_a_broken_extra_folder_names_the_file(kit: Kit, kit_env: Path, made_vault: Path,
                                              tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    (org / "50-org.toml").write_text(VALID.replace("minutes = 5", "minutes = 0"))
    write_config(kit_env, f'[checklists]\nfolders = ["{org}"]\n')
    ran = kit("checklist", "list", "--json")
    assert ran.code == 1
    error = ran.json()["error"]
    assert error["code"] == "bad_checklist" and error["exit"] == 1
    assert f"{org}/50-org.toml: item alpha-one: field minutes: must be a whole number from 1 " \
        "to 480, not 0" in error["message"]
    (org / "50-org.toml").write_text(VALID)
    listed = kit("checklist", "list", "--json").json()
    assert "alpha-one" in {i["id"] for s in listed["sections"] for i in s["items"]}
    assert kit("checklist", "mark", "alpha-one", "done").code == 0


def test_the_real_program_never_shows_a_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "junk.toml"
    junk.write_bytes(b"\x00\x01\x02 format = \xff")
    ran = run_kit("checklist", "validate", str(junk), passphrase=None)
    assert (ran.code, ran.out) == (1, f"{junk}: is not UTF-8 text\n")
    assert "Traceback" not in ran.err
    helped = run_kit("checklist", "--help", passphrase=None)
    for command in ("validate", "now", "list", "show", "next", "mark"):
        assert command in helped.out


def test_now_follows_the_answer_given_with_path(kit: Kit) -> None:
    every = kit("checklist", "now", "--json").json()
    assert every["path"] is None
    for path in ("danger", "swatting", "doxing"):
        doc = kit("checklist", "now", "--json", "--path", path).json()
        assert doc["path"] == path
        for stage in doc["stages"]:
            assert all(path in item["paths"] for item in stage["items"])
    text = kit("checklist", "now").out
    assert "add --path with danger" in text
    wrong = kit("checklist", "now", "--path", "panic")
    assert wrong.code == 2 and "panic" in wrong.err


# --- where you live ---


def test_region_shows_and_saves_where_you_live_keeping_the_rest_of_the_config(
        kit: Kit, kit_env: Path) -> None:
    ran = kit("checklist", "region")
    assert ran.code == 0 and "Showing the guidance for: United Kingdom." in ran.out
    assert not (kit_env / "config.toml").exists()  # showing writes nothing
    write_config(kit_env, '# our team\'s settings\n[app]\ntheme = "kit-calm"  # calm\n')
    ran = kit("checklist", "region", "scotland", "--json")
    assert ran.code == 0 and ran.json() == {"region": "scotland", "label": "Scotland"}
    text = (kit_env / "config.toml").read_text()
    assert text.startswith('# our team\'s settings\n[app]\ntheme = "kit-calm"  # calm\n')
    assert '[checklists]\nregion = "scotland"' in text
    assert (kit_env / "config.toml").stat().st_mode & 0o077 == 0
    assert "Showing the guidance for: Scotland." in kit("checklist", "region").out
    assert kit("checklist", "now", "--json").json()["region"] == "scotland"


@pytest.mark.parametrize(("config", "words"), [
    ("[checklists\n", "is not valid TOML"),
    ('[checklists]\nregion = "fr"\n', "region must be one of"),
])
def test_region_never_overwrites_a_config_with_a_mistake(kit: Kit, kit_env: Path, config: str,
                                                         words: str) -> None:
    write_config(kit_env, config)
    ran = kit("checklist", "region", "wales")
    assert ran.code == 1 and words in ran.err
    assert (kit_env / "config.toml").read_text() == config
    ran = kit("checklist", "region", "france")
    assert ran.code == 2 and "'france' is not one of" in ran.err
    assert (kit_env / "config.toml").read_text() == config


def test_a_step_only_you_can_take_is_never_handed_on(kit: Kit, kit_env: Path,
                                                     made_vault: Path) -> None:
    only_you_checklist(kit_env)
    write_config(kit_env, '[checklists]\nfolders = ["team"]\n')
    ran = kit("checklist", "mark", "team-one", "delegated", "--to", "Sam")
    assert ran.code == 2 and "only you can take" in ran.err and "nothing was saved" in ran.err
    assert kit("checklist", "show", "team-one", "--json").json()["progress"]["status"] == "todo"
    assert kit("checklist", "mark", "team-two", "delegated", "--to", "Sam").code == 0
