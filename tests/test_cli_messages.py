"""What the kit says, as a person reads it: command-line messages (in this process, through
kit.cli.main, the one place errors become exit codes), counts in words, the passphrase guide,
and the README, welcome and help text about what leaves the computer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit import credentials
from kit.config import Config
from kit.plurals import counted
from tests.conftest import KitRun as Kit

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")




@pytest.fixture
def kit(kit_in_process: Kit) -> Kit:
    return kit_in_process


def test_a_check_in_with_a_questionnaire_not_loaded_says_how_to_load_it(
        kit: Kit, made_vault: Path) -> None:
    ran = kit("checkin", "add", "--instrument", "who5")
    assert ran.code == 2
    assert "'who5' is not loaded" in ran.err and "kit instrument add FILE" in ran.err
    assert "no terminal" not in ran.err
    doc = kit("checkin", "add", "--instrument", "who5", "--json").json()
    assert doc["error"]["exit"] == 2 and "not loaded" in doc["error"]["message"]
    # A loaded one without answers and without a terminal still says how to give them.
    assert "no terminal" in kit("checkin", "add").err


def test_counts_are_singular_for_one(kit: Kit, made_vault: Path, tmp_path: Path) -> None:
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(0, "entry", "entries") == "0 entries"
    assert counted(1, "local copy", "local copies") == "1 local copy"
    assert counted(2, "session") == "2 sessions" and counted(1_200, "day") == "1,200 days"
    kit("journal", "add", "-", stdin=b"One entry only.")
    info = kit("vault", "info").out
    assert re.search(r"Journal: +1 entry\n", info), info
    assert not re.search(r"\b1 (entries|local copies)\b", info), info
    exported = kit("journal", "export", "--format", "md", "--out", str(tmp_path / "j.md"))
    assert "Exported 1 entry to" in exported.err
    assert "every 1 days" not in kit("checkin", "rhythm", "pulse", "1").err


def test_the_passphrase_guide_never_repeats_its_verdict() -> None:
    for passphrase in ("abc", "password1", "tulip lantern orbit", "correct horse battery staple"):
        verdict = credentials.strength(passphrase)
        shown = str(verdict)
        assert shown.startswith(verdict.label.capitalize() + ". ")
        assert not verdict.advice.lower().startswith(verdict.label), shown
    assert str(credentials.strength("correct horse battery staple")).startswith(
        "Strong. Make sure you can remember it")


def test_retention_defaults_to_keeping_every_record_everywhere_it_is_said(
        kit: Kit, made_vault: Path) -> None:
    assert Config().retention_months == 0
    assert "the default, 0, keeps every record" in README
    ran = kit("supervision", "retention")
    assert ran.code == 2 and "no retention period is set, so every record is kept" in ran.err
    helped = kit("supervision", "retention", "--help").out
    assert "by default every record is kept" in " ".join(helped.split())


def _environment_table() -> str:
    start = README.index("| environment variable | meaning |")
    return README[start:README.index("\n\n", start)]


def test_every_environment_variable_the_kit_reads_is_in_the_readme_table() -> None:
    read = set()
    for path in (ROOT / "kit").rglob("*.py"):
        read |= set(re.findall(r"\"(KIT_[A-Z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"KIT_NEW_PASSPHRASE", "KIT_HIBP_API_KEY", "KIT_OFFLINE"} <= read
    table = _environment_table()
    missing = {name for name in read - {"KIT_DEBUG"} if f"`{name}`" not in table}
    assert not missing, missing
    assert "KIT_DEBUG=1" in README  # for developers, under "For developers"
    assert "evidence export --encrypt" in table


def test_the_commands_name_the_variables_they_read(kit: Kit) -> None:
    assert "KIT_NEW_PASSPHRASE" in kit("evidence", "export", "--help").out
    assert "KIT_HIBP_API_KEY" in kit("check", "email", "--help").out


def test_readme_welcome_and_help_say_what_is_sent_and_when() -> None:
    from kit.tui.screens.welcome import INTRO

    help_text = (ROOT / "kit" / "tui" / "help.md").read_text(encoding="utf-8")
    for old in ("never sends anything over the network", "in later releases",
                "Nothing is sent anywhere", "Later features"):
        for name, text in (("README", README), ("welcome", INTRO), ("help", help_text)):
            assert old not in text, (name, old)
    for text in (README, INTRO, help_text):
        flat = " ".join(text.split())
        assert "unless you choose" in flat and "footprint checks you start" in flat
        assert "exactly what it would send, and to whom" in flat
    assert "With `KIT_OFFLINE=1` set, nothing is sent at all." in " ".join(README.split())
    assert "\n| F10 | Supervision" in README
    assert "under 6 minutes on two cores" in " ".join(README.split())


def test_the_command_line_help_says_what_is_sent(kit: Kit) -> None:
    said = " ".join(kit("--help").out.split())
    assert "nothing is sent anywhere" not in said.lower()
    assert "Nothing leaves it unless you choose" in said and "KIT_OFFLINE=1" in said


def test_a_letter_missing_your_name_names_options_the_command_has(
        kit: Kit, made_vault: Path) -> None:
    """Without a terminal, each letter says how to give the name and how to keep it, in words
    that work for that command (`kit removal letter` has no --save-details)."""
    sent = kit("removal", "add", "people.example", "--sent", "2026-01-05", "--json").json()
    chaser = kit("removal", "letter", sent["id"][:6], "--kind", "chaser")
    assert chaser.code == 2 and "--name NAME" in chaser.err
    assert "--save-details" not in chaser.err and "`kit letter details`" in chaser.err
    erasure = kit("letter", "erasure", "--site", "people.example", "--reply-to", "r@example.org")
    assert erasure.code == 2 and "--name NAME" in erasure.err and "--save-details" in erasure.err
    # The hint holds: details kept with `kit letter details` sign the removal letter.
    assert kit("letter", "details", "--name", "Jo", "--reply-to", "r@example.org").code == 0
    written = kit("removal", "letter", sent["id"][:6], "--kind", "chaser")
    assert written.code == 0 and "Jo" in written.out
