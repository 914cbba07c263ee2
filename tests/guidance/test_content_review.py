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
     "has command syntax ('`'): the app shows every item and never a command"),
    ("command-in-prepare-item", "prep-register", "steps",
     "has command syntax ('`'): the app shows every item and never a command"),
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


def _record_folder(tmp_path: Path, files: dict[str, list[str]]) -> Path:
    """A record folder made from the good record's entries: *files* maps a file name to the
    ids of the entries it holds."""
    good = (REVIEW / "good-record.toml").read_text(encoding="utf-8")
    head, *blocks = good.split("\n[[items]]\n")
    by_id = {block.split('"')[1]: block for block in blocks}
    folder = tmp_path / "record"
    folder.mkdir(parents=True)
    for name, ids in files.items():
        body = "".join("\n[[items]]\n" + by_id[i] for i in ids)
        (folder / name).write_text(head + body, encoding="utf-8")
    return folder


def test_a_record_folder_holds_each_entry_in_the_file_named_after_its_checklist(
        tmp_path: Path) -> None:
    checklist = next((REVIEW / "good").glob("*.toml")).name
    entries, _problems = read_record(REVIEW / "good-record.toml")
    ids = list(entries)
    assert run(record=_record_folder(tmp_path, {checklist: ids})) == []
    wrong = _record_folder(tmp_path / "wrong", {checklist: ids[1:], "99-other.toml": ids[:1]})
    (problem,) = run(record=wrong)
    assert (problem.item, problem.field) == (ids[0], "id")
    assert f"its entry is in 99-other.toml; it belongs in {checklist}" in problem.message


def test_a_record_folder_refuses_a_second_entry_in_another_file(tmp_path: Path) -> None:
    checklist = next((REVIEW / "good").glob("*.toml")).name
    entries, _problems = read_record(REVIEW / "good-record.toml")
    ids = list(entries)
    folder = _record_folder(tmp_path, {checklist: ids, "99-other.toml": ids[:1]})
    _entries, problems = read_record(folder)
    (problem,) = problems
    assert problem.path.endswith("99-other.toml") and problem.item == ids[0]
    assert f"has a second entry (the first is in {checklist})" in problem.message
