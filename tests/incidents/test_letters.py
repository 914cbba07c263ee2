"""The UK GDPR erasure and objection letter: its content, and `kit letter` as a user runs it."""

from __future__ import annotations

import json
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from kit.errors import UsageError
from kit.records.my_details import Details
from kit.reports.letters import erasure_letter, long_date
from tests.conftest import run_kit

ME = Details("Sam Example", "sam.replies@example.org")
PAGES = ["https://people.example/sam-example", "https://people.example/address/sam"]


def test_the_letter_says_what_the_research_supports() -> None:
    text = erasure_letter(ME, "PeopleFinder", [*PAGES, PAGES[0]], date(2026, 3, 5))
    assert text.startswith("Sam Example\nsam.replies@example.org\n\n5 March 2026\n")
    assert "the data protection team, PeopleFinder" in text
    assert text.count(f"- {PAGES[0]}\n") == 1 and PAGES[1] in text  # each page once
    flat = " ".join(text.split())
    for phrase in ("erase my personal data", "stop processing", "objection to processing",
                   "UK General Data Protection Regulation (UK GDPR)",
                   "reply to this request within one month",
                   "complain to the Information Commissioner's Office (ICO)",
                   "Yours faithfully, Sam Example"):
        assert phrase in flat, phrase
    # only the legal facts the research gives: no article numbers, no deadlines but one month
    assert not re.search(r"\bArt(icle|\.)?\s*\d", text)
    assert not re.search(r"\b\d+\s*(days|weeks)\b", text)
    assert max(len(line) for line in text.splitlines()) <= 78 or any(
        u in text for u in PAGES)
    without_pages = erasure_letter(ME, "PeopleFinder", [], date(2026, 3, 5))
    assert "pages above" not in without_pages and "on your site" in without_pages


def test_letter_inputs_are_checked() -> None:
    today = date(2026, 3, 5)
    with pytest.raises(UsageError, match="--name"):
        erasure_letter(Details("", "x@example.org"), "Site", PAGES, today)
    with pytest.raises(UsageError, match="--reply-to"):
        erasure_letter(Details("Sam", " "), "Site", PAGES, today)
    with pytest.raises(UsageError, match="site"):
        erasure_letter(ME, "  ", PAGES, today)
    with pytest.raises(UsageError, match="url"):
        erasure_letter(ME, "Site", ["people.example/sam"], today)
    assert long_date(date(2026, 12, 1)) == "1 December 2026"


def test_letter_without_a_vault_from_options(tmp_path: Path) -> None:
    result = run_kit("letter", "erasure", "--site", "192.com", "--url", PAGES[0], "--name",
                     "Sam Example", "--reply-to", "sam.replies@example.org", passphrase=None)
    assert result.code == 0, result.err
    assert "Sam Example" in result.out and PAGES[0] in result.out
    assert "one month" in result.err or "Keep a copy" in result.err
    missing = run_kit("letter", "erasure", "--site", "192.com", passphrase=None)
    assert missing.code == 2 and "--name" in missing.err
    reply = run_kit("letter", "erasure", "--site", "192.com", "--name", "Sam", passphrase=None)
    assert reply.code == 2 and "--reply-to" in reply.err
    bad = run_kit("letter", "erasure", "--site", "192.com", "--url", "ftp://x", "--name", "S",
                  "--reply-to", "r")
    assert bad.code == 2 and "--url" in bad.err


def test_letter_from_saved_details_and_an_incident(cli_vault: Path, tmp_path: Path) -> None:
    short = run_kit("incident", "add", "--category", "doxing", "--platform", "PeopleFinder",
                    "--url", PAGES[1]).out.strip()
    missing = run_kit("letter", "erasure", "--site", "PeopleFinder")
    assert missing.code == 2 and "--name" in missing.err and "--save-details" in missing.err
    saved = run_kit("letter", "erasure", "--site", "PeopleFinder", "--name", "Sam Example",
                    "--reply-to", "sam.replies@example.org", "--save-details", "--url",
                    PAGES[0], "--incident", short, "--json")
    assert saved.code == 0, saved.err
    doc = json.loads(saved.out)
    assert doc["urls"] == PAGES and doc["out"] is None and "Sam Example" in doc["letter"]
    details = json.loads(run_kit("letter", "details", "--json").out)
    assert (details["name"], details["reply_to"]) == ("Sam Example", "sam.replies@example.org")

    out = tmp_path / "letter.txt"
    written = run_kit("letter", "erasure", "--site", "PeopleFinder", "--incident", short,
                      "--out", str(out))
    assert written.code == 0, written.err
    text = out.read_text()
    assert "Sam Example" in text and PAGES[1] in text and PAGES[0] not in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "is NOT encrypted" in written.err and str(out) in written.err
    again = run_kit("letter", "erasure", "--site", "PeopleFinder", "--out", str(out))
    assert again.code == 1 and "--force" in again.err
    forced = run_kit("letter", "erasure", "--site", "Other", "--out", str(out), "--force")
    assert forced.code == 0 and "Other" in out.read_text()

    changed = run_kit("letter", "details", "--reply-to", "PO Box 1\nTown")
    assert changed.code == 0 and "PO Box 1" in changed.out and "Sam Example" in changed.out
