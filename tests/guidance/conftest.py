"""Shared pieces for the guidance tests: a small made-up checklist set (tests/guidance/fixtures,
not guidance) standing in for the shipped one, so the engine's tests do not depend on content
that changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.guidance import checklists
from kit.guidance.checklists import Library, read_path

FIXTURES = Path(__file__).parent / "fixtures" / "valid"

# One valid file, as the tests mutate it. Item alpha-one is the one most tests break.
VALID = '''\
format = "frontline-kit-checklist"
version = 1

[section]
id = "alpha"
title = "Alpha"
summary = "A made-up section for tests."
order = 10

[[items]]
id = "alpha-one"
title = "Do the first thing"
steps = ["First step.", "Second step."]
why = "Because it matters."
priority = "now"
minutes = 5
mode = "prepare"
regions = ["uk"]
recheck_days = 90
last_verified = 2026-01-10

[[items.sources]]
title = "Example: a page"
url = "https://example.org/one"

[[items]]
id = "alpha-two"
title = "Do the second thing"
steps = ["Only step."]
why = "Because it also matters."
priority = "this-week"
minutes = 10
mode = "incident"
regions = ["any"]
stage = "evidence"
caution = "Not confirmed."
last_verified = 2026-01-11

[[items.sources]]
title = "Example: another page"
url = "https://example.org/two"
'''


def only_you_checklist(home: Path) -> Path:
    """A folder "team" in *home* holding VALID as an organisation's version 2 checklist whose
    first item, team-one, is a step only the user can take (team-two can be handed on)."""
    folder = home / "team"
    folder.mkdir()
    (folder / "50-team.toml").write_text(
        VALID.replace("version = 1", "version = 2").replace('id = "alpha"', 'id = "team"')
        .replace("alpha-", "team-")
        .replace("recheck_days = 90\n", "recheck_days = 90\nonly_you = true\n"),
        encoding="utf-8")
    return folder


@pytest.fixture
def fixture_library() -> Library:
    sections, problems = read_path(FIXTURES)
    assert problems == []
    return Library(sections)


@pytest.fixture
def shipped_fixtures(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make the fixture set the 'shipped' checklists for this test."""
    monkeypatch.setattr(checklists, "shipped_folder", lambda: FIXTURES)
    return FIXTURES
