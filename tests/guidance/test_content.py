"""Content lint for the checklists the kit ships (checklists/ at the top of the repository).

Every file validates with no problem at all; there are enough items, each with an https source;
ids are unique; the "It's happening now" walk-through has something in every stage; both regions
are covered. The content review record (docs/content-review/) covers every item, and the
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
    for stage in json.loads(ran.out)["stages"]:
        for item in stage["items"]:
            day = item["last_verified"]
            assert item["checked"] == ("Not yet checked against its source." if day is None
                                       else "Checked against its source on "
                                       f"{date.fromisoformat(day):%d %B %Y}.")


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


# --- the walk-through built around the Com scenario (issue 14) ---

WALK_PATHS = ("danger", "swatting", "doxing")
# Command syntax: a code quote, an option, or the kit's own command (the app shows buttons).
COMMAND_WORDS = re.compile(
    r"`|--[a-z]|\bkit (incident|evidence|checklist|safety-plan|helplines|vault|journal)\b")
# Notes written for the content's authors, which once reached the screen.
AUTHOR_NOTES = re.compile(r"US sources|research author|get (it|your plan) reviewed|research notes",
                          re.I)


def _walk(path: str, region: str = "uk") -> list[tuple[str, list[str]]]:
    return [(stage, [item.id for item in items])
            for stage, _title, items in happening_now(load_library(), region, path)]


def test_the_stages_run_from_safety_through_the_first_hour_to_aftercare() -> None:
    assert [stage for stage, _title in STAGES] == [
        "safety", "tell", "evidence", "report", "young-people", "work", "aftercare"]
    assert "first hour" in dict(STAGES)["tell"]


@pytest.mark.parametrize("region", ["uk", "us"])
@pytest.mark.parametrize("path", WALK_PATHS)
def test_each_path_puts_safety_first_then_telling_people_and_email_before_evidence(
        path: str, region: str) -> None:
    walk = _walk(path, region)
    stages = [stage for stage, _ids in walk]
    assert stages[0] == "safety" and stages.index("tell") < stages.index("evidence")
    assert stages.index("evidence") < stages.index("report")
    safety = dict(walk)["safety"]
    assert safety[0] == ("triage-danger-999" if region == "uk" else "triage-danger-emergency-us")
    assert safety[1] == "triage-tonight"
    tell = dict(walk)["tell"]
    # The manager first, then one trusted person, then email before phone and bank.
    assert tell[:2] == ["triage-tell-manager-today", "triage-trusted-person"]
    assert tell.index("triage-secure-email") < tell.index("triage-secure-phone") \
        < tell.index("triage-secure-bank")
    assert stages[-1] == "aftercare"


def test_telling_the_manager_and_warning_the_police_of_a_hoax_call_are_for_today() -> None:
    items = load_library().items
    for item_id in ("triage-tell-manager-today", "triage-trusted-person",
                    "triage-secure-email", "swatting-tell-police-first",
                    "evidence-report-police"):
        assert items[item_id].priority == "now", item_id


@pytest.mark.parametrize("region", ["uk", "us"])
@pytest.mark.parametrize("path", WALK_PATHS)
def test_no_step_asks_anyone_to_capture_before_the_warning_about_images_of_children(
        path: str, region: str) -> None:
    walk = [item for _stage, _title, items in happening_now(load_library(), region, path)
            for item in items]
    ids = [item.id for item in walk]
    captures = [n for n, item in enumerate(walk) if item.id != "evidence-csam-warning"
                and any(CAPTURE_WORDS.search(step) for step in item.steps)]
    assert captures, ids
    if region == "uk":
        assert ids.index("evidence-csam-warning") < captures[0], ids[:captures[0] + 1]
        assert dict(_walk(path, region))["evidence"][0] == "evidence-csam-warning"


def test_the_armed_police_items_show_only_on_the_swatting_path() -> None:
    swatting_only = {"swatting-if-police-arrive", "swatting-tell-police-first",
                     "swatting-keep-threats", "swatting-afterwards"}
    for path in WALK_PATHS:
        shown = {i for _stage, ids in _walk(path) for i in ids}
        if path == "swatting":
            assert swatting_only <= shown
        else:
            assert not swatting_only & shown, path


def test_the_com_scenario_steps_are_in_the_walk_through() -> None:
    walk = dict(_walk("doxing"))
    assert walk["young-people"] == [
        "young-people-safeguarding-lead", "young-people-who-works-with-the-child",
        "young-people-cyber-choices", "young-people-filmed-visits"]
    assert {"support-data-protection-officer", "support-false-complaints"} <= set(walk["work"])
    items = load_library().items
    police = " ".join(items["evidence-report-police"].steps)
    assert "group" in police and "usernames" in police and "101" in police and "999" in police
    assert "group name" in " ".join(items["evidence-record-details"].steps)
    # The report stage carries the police, the platforms and POSH, in that order.
    report = walk["report"]
    assert report.index("evidence-report-police") < report.index("evidence-report-platform") \
        < report.index("evidence-escalate-helpline")


def test_no_command_or_note_for_authors_reaches_the_walk_through() -> None:
    library = load_library()
    for region in ("uk", "us"):
        for path in WALK_PATHS:
            for _stage, _title, items in happening_now(library, region, path):
                for item in items:
                    for text in (item.title, *item.steps, item.why, item.caution):
                        assert not COMMAND_WORDS.search(text), (item.id, text)
                        assert not AUTHOR_NOTES.search(text), (item.id, text)
    # The items that used to name a command now open the app instead.
    assert library.items["evidence-log"].in_app == "incidents"
    assert library.items["triage-trusted-person"].in_app == "prepare"
    assert library.items["support-look-after-yourself"].in_app == "wellbeing"


def test_advice_for_later_is_not_a_walk_through_step() -> None:
    for item in load_library().items.values():
        if item.stage is not None:
            assert item.mode in ("incident", "both"), item.id
        if item.mode == "prepare":
            assert item.stage is None, item.id
