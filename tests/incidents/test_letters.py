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
from kit.reports.letters import (
    GOOGLE_PERSONAL_INFO,
    erasure_letter,
    long_date,
    next_steps,
    site_host,
)
from tests.conftest import run_kit

ME = Details("Sam Example", "sam.replies@example.org")
PAGES = ["https://people.example/sam-example", "https://people.example/address/sam"]


A_PAGES = ["https://a.example/sam", "https://uk.a.example/people/sam",
           "https://WWW.a.example/addr/sam"]
B_PAGES = ["https://b.example/sam"]
LOOKALIKES = ["https://nota.example/sam", "https://a.example.evil.test/sam"]
TODAY = date(2026, 3, 5)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_letter_lists_only_the_named_sites_pages() -> None:
    mixed = [B_PAGES[0], A_PAGES[0], LOOKALIKES[0], A_PAGES[1], LOOKALIKES[1], A_PAGES[2]]
    to_a = erasure_letter(ME, "a.example", mixed, TODAY)
    listed = [line.strip()[2:] for line in to_a.splitlines() if line.startswith("  - ")]
    assert listed == A_PAGES  # the site, its subdomain and www., in the order given
    for other in B_PAGES + LOOKALIKES:
        assert other not in to_a, other
    # the site may be given as a web address too, with or without www.
    assert erasure_letter(ME, "https://www.a.example/", mixed, TODAY).count("  - ") == 3
    to_b = erasure_letter(ME, "b.example", mixed, TODAY)
    assert B_PAGES[0] in to_b and not any(p in to_b for p in A_PAGES + LOOKALIKES)
    assert site_host("192.com") == "192.com" and site_host("PeopleFinder") is None
    assert site_host("People Finder") is None and site_host("www.192.com") == "192.com"


def test_a_site_with_no_known_page_says_so() -> None:
    text = erasure_letter(ME, "c.example", A_PAGES + B_PAGES, TODAY)
    assert "  - " not in text and not any(p in text for p in A_PAGES + B_PAGES)
    assert "I do not yet know the addresses of the pages" in _flat(text)
    assert "on your site and in any records" in _flat(text) and "pages above" not in text


def test_a_named_site_takes_its_host_from_your_own_pages() -> None:
    text = erasure_letter(ME, "PeopleFinder", [*PAGES, PAGES[0]], TODAY)
    assert text.count(f"- {PAGES[0]}\n") == 1 and PAGES[1] in text  # each page once
    with pytest.raises(UsageError, match="more than one site"):
        erasure_letter(ME, "PeopleFinder", [PAGES[0], B_PAGES[0]], TODAY)


def test_the_letter_states_the_situation_and_asks_for_source_and_recipients() -> None:
    text = erasure_letter(ME, "PeopleFinder", PAGES, TODAY)
    assert text.startswith("Sam Example\nsam.replies@example.org\n\n5 March 2026\n")
    assert "the data protection team, PeopleFinder" in text
    flat = _flat(text)
    for phrase in (
            # 1. the particular situation, and why without delay
            "My particular situation: my details on your site put me and my family at risk",
            "in connection with my safeguarding work", "is known as doxing",
            "act without undue delay",
            # 2. where the data came from, and who it went to
            "where you got my personal data from (its source), as Article 15(1)(g)",
            "who you have passed it to or shared it with (the recipients), by name, as "
            "Article 15(1)(c)",
            # the requests themselves, and the ICO's time limit as the ICO words it
            "erase my personal data", "stop processing", "under Article 17",
            "objection to processing under Article 21",
            "UK General Data Protection Regulation (UK GDPR)",
            "without undue delay and within one month of receiving it",
            "complain to the Information Commissioner's Office (ICO)",
            "Yours faithfully, Sam Example"):
        assert phrase in flat, phrase
    assert not re.search(r"\b\d+\s*(days|weeks)\b", text)  # no invented deadlines
    assert all(len(line) <= 78 for line in text.splitlines() if "://" not in line)
    # 3. the search engines' routes are a note for the user, not part of the letter
    assert "Google" not in text and "Bing" not in text
    note = _flat(next_steps("PeopleFinder"))
    assert '"Results about you"' in note and "Bing" in note and "PeopleFinder" in note
    assert "does not take the page down" in note
    assert re.findall(r"https?://\S+", note) == [GOOGLE_PERSONAL_INFO]


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
    result = run_kit("letter", "erasure", "--site", "people.example", "--url", PAGES[0],
                     "--name", "Sam Example", "--reply-to", "sam.replies@example.org",
                     passphrase=None)
    assert result.code == 0, result.err
    assert "Sam Example" in result.out and PAGES[0] in result.out
    assert "Keep a copy" in result.err and "Results about you" in result.err
    assert "Bing" in result.err and "Bing" not in result.out  # the note is not the letter
    other = run_kit("letter", "erasure", "--site", "192.com", "--url", PAGES[0], "--name",
                    "Sam", "--reply-to", "r", passphrase=None)
    assert other.code == 2 and f"--url {PAGES[0]} is not on 192.com" in other.err
    assert other.out == ""
    two = run_kit("letter", "erasure", "--site", "PeopleFinder", "--url", PAGES[0], "--url",
                  B_PAGES[0], "--name", "Sam", "--reply-to", "r", passphrase=None)
    assert two.code == 2 and "more than one site" in two.err and "--site 192.com" in two.err
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
    written = run_kit("letter", "erasure", "--site", "people.example", "--incident", short,
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


def test_letter_from_an_incident_lists_only_that_sites_links(cli_vault: Path) -> None:
    short = run_kit("incident", "add", "--category", "doxing", "--platform", "a.example",
                    *[a for url in [B_PAGES[0], *A_PAGES, LOOKALIKES[0]] for a in ("--url", url)]
                    ).out.strip()
    to_a = run_kit("letter", "erasure", "--site", "a.example", "--incident", short, "--name",
                   "Sam", "--reply-to", "r", "--save-details", "--json")
    assert to_a.code == 0, to_a.err
    doc = json.loads(to_a.out)
    assert doc["urls"] == A_PAGES and doc["left_out"] == [B_PAGES[0], LOOKALIKES[0]]
    assert all(p in doc["letter"] for p in A_PAGES)
    assert B_PAGES[0] not in doc["letter"] and LOOKALIKES[0] not in doc["letter"]
    assert "Left out 2 of the incident's links: they are not on a.example." in to_a.err
    assert "Results about you" in doc["next_steps"]

    to_c = run_kit("letter", "erasure", "--site", "c.example", "--incident", short)
    assert to_c.code == 0, to_c.err
    assert "://" not in to_c.out and "I do not yet know the addresses" in _flat(to_c.out)
    assert "no page of this site is known" in to_c.err and "Left out 5" in to_c.err

    # a plain name matches nothing: the incident's links are not guessed onto it
    named = run_kit("letter", "erasure", "--site", "PeopleFinder", "--incident", short)
    assert named.code == 0 and "://" not in named.out
    assert "give the site's web address as --site" in named.err
