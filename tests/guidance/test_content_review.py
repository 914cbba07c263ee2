"""The content lint's rules (kit/guidance/content_review.py), each shown to fail on a bad
fixture (tests/guidance/fixtures/review/) and to pass on the good one it was made from, so each
failure is the rule's doing and nothing else's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kit.guidance.checklists import Problem, Section, read_path
from kit.guidance.content_review import is_primary, lint, lint_helplines, read_record
from kit.wellbeing.helplines import Helpline

REVIEW = Path(__file__).parent / "fixtures" / "review"
TODAY = date(2026, 12, 7)


def sections(path: Path) -> tuple[Section, ...]:
    found, problems = read_path(path)
    assert problems == [], problems
    return tuple(found)


def run(checklist: Path = REVIEW / "good",
        record: Path = REVIEW / "good-record.toml") -> list[Problem]:
    entries, problems = read_record(record)
    return problems + lint(sections(checklist), entries, str(record), TODAY)


def test_the_good_fixture_passes() -> None:
    assert run() == []


@pytest.mark.parametrize(("case", "item", "field", "words"), [
    ("date-without-record", "now-note", "last_verified",
     "has the date 2026-11-30 but no check record"),
    ("date-differs", "now-safe", "last_verified",
     "is 2026-12-01 but the record compared the item with its source on 2026-11-30"),
    ("checked-without-date", "now-safe", "last_verified",
     "is missing but the record compared the item with its source on 2026-11-30"),
    ("uk-claim-no-primary", "now-report", "sources",
     "makes a uk-legal claim but cites no primary page"),
    ("empty-stage", None, "stage report", '"Report it" has no item for region uk'),
    ("no-claim", "now-tell", "claim", "is missing: say what the item claims"),
    ("command-in-walk-through", "now-tell", "steps",
     "has command syntax ('`') in a walk-through item"),
])
def test_a_bad_checklist_fails_the_lint(case: str, item: str | None, field: str,
                                        words: str) -> None:
    (problem,) = run(checklist=REVIEW / "bad-checklists" / f"{case}.toml")
    assert (problem.item, problem.field) == (item, field)
    assert words in problem.message


@pytest.mark.parametrize(("case", "item", "field", "words"), [
    ("missing-entry", "now-tell", "id", "has no entry in the content review record"),
    ("unknown-entry", "now-gone", "id", "names no item in the checklists"),
    ("read-not-cited", "now-safe", "read[1].url",
     "https://www.police.uk/other is not one of the item's sources"),
    ("stale-no-primary", "now-report", "no_primary_source",
     "cites one: https://ico.org.uk/example"),
    ("no-reason", "now-note", "not_checked", "does not say why"),
])
def test_a_bad_record_fails_the_lint(case: str, item: str, field: str, words: str) -> None:
    record = REVIEW / "bad-records" / f"{case}.toml"
    problems = run(record=record)
    # An entry the record cannot accept is left out, so its item is also reported as having
    # none: both point at the same item.
    assert problems and {p.item for p in problems} == {item}
    assert any(p.field == field and words in p.message for p in problems), problems
    assert all(p.path == str(record) for p in problems if p.field != "last_verified")


def test_a_date_in_the_future_fails() -> None:
    entries, _problems = read_record(REVIEW / "good-record.toml")
    problems = lint(sections(REVIEW / "good"), entries, "record", date(2026, 11, 29))
    assert {(p.item, p.field) for p in problems} == {("now-safe", "last_verified"),
                                                     ("now-safe", "compared_on")}
    assert all("2026-11-30 is in the future" in p.message for p in problems)


@pytest.mark.parametrize(("url", "primary"), [
    ("https://www.gov.uk/register-to-vote", True),
    ("https://ico.org.uk/for-the-public/", True),
    ("https://www.devon-cornwall.police.uk/report", True),
    ("https://swgfl.org.uk/helplines/", True),
    ("https://onlinesos.org/guide", False),
    ("https://notgov.uk/", False),  # a look-alike is not gov.uk
    ("https://gov.uk.example.com/", False),
])
def test_primary_hosts(url: str, primary: bool) -> None:
    assert is_primary(url) is primary


# --- the support lines follow the same rule ---


def line(line_id: str, day: date | None, url: str = "https://www.samaritans.org/example"
         ) -> Helpline:
    return Helpline(line_id, "A line", "phone", "116 123", "Always", "Anyone.", url, day, False)


GOOD_LINES = (line("line-checked", date(2026, 11, 30)), line("line-unchecked", None))


def lint_lines(lines: tuple[Helpline, ...]) -> list[Problem]:
    entries, problems = read_record(REVIEW / "good-record.toml", "helplines")
    assert problems == []
    return lint_helplines(lines, entries, "record", TODAY)


def test_good_support_lines_pass() -> None:
    assert lint_lines(GOOD_LINES) == []
    assert GOOD_LINES[0].checked == "Checked against its source on 30 Nov 2026"
    assert GOOD_LINES[1].checked == "Not yet checked against its source"


@pytest.mark.parametrize(("lines", "problem", "words"), [
    ((GOOD_LINES[0], line("line-unchecked", date(2026, 11, 30))),
     ("line-unchecked", "last_verified"), "has the date 2026-11-30 but no check record"),
    ((line("line-checked", date(2026, 12, 1)), GOOD_LINES[1]),
     ("line-checked", "last_verified"), "the two must be the same day"),
    ((line("line-checked", None), GOOD_LINES[1]),
     ("line-checked", "last_verified"), "is missing but the record compared"),
    ((GOOD_LINES[0], line("line-unchecked", None, "https://news.example.org/about-it")),
     ("line-unchecked", "source_url"), "is not the helpline's own site"),
    ((GOOD_LINES[0],), ("line-unchecked", "id"), "names no support line"),
    ((*GOOD_LINES, line("line-new", None)), ("line-new", "id"), "has no [[helplines]] entry"),
])
def test_a_bad_support_line_fails_the_lint(lines: tuple[Helpline, ...],
                                           problem: tuple[str, str], words: str) -> None:
    (found,) = lint_lines(lines)
    assert (found.item, found.field) == problem and words in found.message
