"""Content lint for the checklists the kit ships (checklists/ at the top of the repository).

Every file validates with no problem at all; there are enough items, each with an https source;
ids are unique; the "It's happening now" walk-through has something in every stage; both regions
are covered. The content review record (docs/content-review.toml) covers every item, and the
content lint (kit/guidance/content_review.py) finds nothing: an item carries a date only when
the record says it was compared with its source that day, and UK legal and process claims cite
a primary page. CI runs this, so a content change that breaks either never ships.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date

import pytest

from kit.guidance.checklists import (
    REGIONS,
    STAGES,
    Library,
    load_library,
    read_path,
    shipped_folder,
    validate_path,
)
from kit.guidance.content_review import lint, lint_helplines, read_record, record_path
from kit.guidance.planner import happening_now, next_steps
from kit.records.progress import ItemProgress
from kit.tui.screens.prepare import item_details
from kit.tui.widgets.support import support_text
from kit.wellbeing.helplines import helplines
from tests.conftest import run_kit

MIN_ITEMS = 45


@pytest.fixture(scope="module")
def library() -> Library:
    problems = validate_path(shipped_folder())
    assert problems == [], "\n".join(str(p) for p in problems)
    return load_library()


def test_every_shipped_file_validates_with_no_problem() -> None:
    folder = shipped_folder()
    files = sorted(folder.glob("*.toml"))
    assert files, f"no checklists in {folder}"
    for path in files:
        assert re.fullmatch(r"[0-9]{2}-[a-z0-9-]+\.toml", path.name), \
            f"{path.name}: name checklist files NN-slug.toml"
    problems = validate_path(folder)
    assert problems == [], "\n".join(str(p) for p in problems)


def test_enough_items_with_unique_ids(library: Library) -> None:
    assert len(library.items) >= MIN_ITEMS
    sections, _problems = read_path(shipped_folder())
    every_id = [item.id for section in sections for item in section.items]
    repeated = [i for i, n in Counter(every_id).items() if n > 1]
    assert repeated == [] and len(every_id) == len(library.items)
    section_ids = [s.id for s in library.sections]
    assert len(set(section_ids)) == len(section_ids)


def test_every_item_has_https_sources(library: Library) -> None:
    for item in library.items.values():
        assert item.sources, item.id
        for source in item.sources:
            assert source.url.startswith("https://") and source.title.strip(), item.id


def test_the_content_lint_passes_on_the_shipped_content() -> None:
    entries, problems = read_record(record_path())
    assert problems == [], "\n".join(str(p) for p in problems)
    sections, _problems = read_path(shipped_folder())
    problems = lint(sections, entries, str(record_path()))
    assert problems == [], "\n".join(str(p) for p in problems)


def test_the_content_review_record_covers_every_item(library: Library) -> None:
    entries, _problems = read_record(record_path())
    assert set(entries) == set(library.items)


def test_an_item_not_compared_with_its_source_says_so_and_shows_no_date(
        library: Library) -> None:
    entries, _problems = read_record(record_path())
    unchecked = [i for i in library.items.values() if entries[i.id].compared_on is None]
    assert unchecked
    for item in unchecked:
        assert item.last_verified is None and item.to_json()["last_verified"] is None
        shown = item_details(item, ItemProgress(item.id), date.today(), first=False).plain
        assert "Not yet checked against its source." in shown, item.id
        assert not re.search(r"checked [^.]*20[0-9]{2}", shown, re.IGNORECASE), item.id


def test_the_walk_through_has_every_stage(library: Library) -> None:
    stages = happening_now(library, "uk")
    assert [stage for stage, _title, _items in stages] == [stage for stage, _title in STAGES]
    for stage, _title, items in stages:
        assert items, stage
        assert all(item.mode in ("incident", "both") for item in items)


def test_both_regions_are_covered(library: Library) -> None:
    tagged = {region for item in library.items.values() for region in item.regions}
    assert {"uk", "us"} <= tagged <= set(REGIONS)
    for region in REGIONS:
        assert library.for_region(region), region


def test_there_is_always_a_first_step(library: Library) -> None:
    for region in REGIONS:
        for incident in (False, True):
            plan = next_steps(library, {}, date.today(), region=region, incident=incident)
            assert plan.first is not None and plan.first.item.priority == "now"


def test_the_walk_through_runs_on_the_shipped_content() -> None:
    ran = run_kit("checklist", "now", passphrase=None)
    assert ran.code == 0, ran.err
    assert "1. " + STAGES[0][1] in ran.out and "Traceback" not in ran.err
    ran = run_kit("checklist", "now", "--json", passphrase=None)
    first = json.loads(ran.out)["stages"][0]["items"][0]
    assert first["last_verified"] is None
    assert first["checked"] == "Not yet checked against its source."


def test_the_support_lines_follow_the_same_rule() -> None:
    entries, problems = read_record(record_path(), "helplines")
    assert problems == [], "\n".join(str(p) for p in problems)
    problems = lint_helplines(helplines(), entries, str(record_path()))
    assert problems == [], "\n".join(str(p) for p in problems)
    assert set(entries) == {line.id for line in helplines()}
    unchecked = [line for line in helplines() if entries[line.id].compared_on is None]
    shown = support_text().plain
    assert shown.count("Not yet checked against its source") == len(unchecked) > 0
    if len(unchecked) == len(helplines()):
        assert not re.search(r"[Cc]hecked [^\n]*20[0-9]{2}", shown)
    listed = run_kit("helplines", passphrase=None)
    assert listed.code == 0, listed.err
    assert listed.out.count("Not yet checked against its source.") == len(unchecked)


CAPTURE_WORDS = re.compile(r"screenshot|screen recording|capture|download|save a copy", re.I)


@pytest.mark.parametrize("region", ["uk"])
def test_the_warning_about_sexual_images_of_children_comes_before_any_capture_step(
        region: str) -> None:
    """Com channels carry child sexual abuse material: the walk-through must warn against
    copying it before it first asks anyone to screenshot or record anything."""
    walk = [item for _stage, _title, items in happening_now(load_library(), region)
            for item in items]
    ids = [item.id for item in walk]
    assert "evidence-csam-warning" in ids
    first_capture = next(n for n, item in enumerate(walk) if item.id != "evidence-csam-warning"
                         and any(CAPTURE_WORDS.search(step) for step in item.steps))
    assert ids.index("evidence-csam-warning") < first_capture, ids[:first_capture + 1]
