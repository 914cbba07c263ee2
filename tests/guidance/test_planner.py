""""Do this first": the order, the time budget, the levels, and the walk-through, on the
fixture checklists (tests/guidance/fixtures/valid)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kit.errors import UsageError
from kit.guidance.checklists import Library
from kit.guidance.planner import happening_now, next_steps, recheck_due, step_for
from kit.records.progress import ItemProgress

TODAY = date(2026, 3, 1)
# Every item the UK sees when nothing is done, best first when preparing: priority, then
# prepare/both before incident-only, then shorter, then library order.
PREPARING = ["now-screenshot", "prep-register", "prep-2fa", "now-safe", "now-tell",
             "prep-plan", "now-report", "prep-search"]


def ids(steps: object) -> list[str]:
    return [s.item.id for s in steps]  # type: ignore[attr-defined]


def done(item_id: str, days_ago: int, recheck_days: int | None) -> ItemProgress:
    on = TODAY - timedelta(days=days_ago)
    return ItemProgress(item_id, "done", done_on=on,
                        next_check=on + timedelta(days=recheck_days) if recheck_days else None)


def test_nothing_done_preparing(fixture_library: Library) -> None:
    plan = next_steps(fixture_library, {}, TODAY)
    assert plan.first is not None
    assert [plan.first.item.id, *ids(plan.rest)] == PREPARING
    assert plan.first.reason == "not done yet" and plan.first.progress == ItemProgress(
        "now-screenshot")
    assert (plan.done, plan.total) == (0, 8)


def test_an_incident_shows_no_preparation_advice(fixture_library: Library) -> None:
    plan = next_steps(fixture_library, {}, TODAY, incident=True)
    assert plan.first is not None
    # prep-register, prep-2fa and prep-search are preparation only: not a to-do now.
    assert [plan.first.item.id, *ids(plan.rest)] == [
        "now-safe", "now-tell", "now-screenshot", "now-report", "prep-plan"]
    assert (plan.done, plan.total) == (0, 5)


def test_a_due_recheck_comes_before_a_step_never_done(fixture_library: Library) -> None:
    progress = {"prep-2fa": done("prep-2fa", days_ago=100, recheck_days=90),
                "prep-search": done("prep-search", days_ago=10, recheck_days=90)}
    plan = next_steps(fixture_library, progress, TODAY)
    assert plan.first is not None and plan.first.item.id == "prep-2fa"
    assert plan.first.reason == "due for its re-check"
    assert "prep-search" not in ids(plan.rest)  # done, and not yet due
    assert (plan.done, plan.total) == (1, 8)


def test_done_na_and_delegated_are_not_open(fixture_library: Library) -> None:
    progress = {"now-screenshot": done("now-screenshot", 1, None),
                "prep-register": ItemProgress("prep-register", "na"),
                "prep-2fa": ItemProgress("prep-2fa", "delegated", delegated_to="Sam"),
                "now-safe-us": ItemProgress("now-safe-us", "done"),  # another region's
                "retired-item": ItemProgress("retired-item", "done")}  # no longer shipped
    plan = next_steps(fixture_library, progress, TODAY)
    assert [plan.first.item.id if plan.first else None, *ids(plan.rest)] == PREPARING[3:]
    assert (plan.done, plan.total) == (3, 8)
    item = fixture_library.get("prep-2fa")
    assert step_for(item, progress["prep-2fa"], TODAY).reason == "delegated to Sam"
    assert step_for(item, ItemProgress("prep-2fa", "na"), TODAY).reason == \
        "marked not applicable"
    assert step_for(item, done("prep-2fa", 10, 90), TODAY).reason == \
        "done on 2026-02-19; check again on 2026-05-20"


def test_the_time_you_have(fixture_library: Library) -> None:
    plan = next_steps(fixture_library, {}, TODAY, minutes=15)
    # The best step that fits (10 minutes), then whatever else fits in the 5 left, in order.
    assert plan.first is not None and plan.first.item.id == "now-screenshot"
    assert ids(plan.rest) == ["now-safe"]
    plan = next_steps(fixture_library, {}, TODAY, minutes=3)
    assert plan.first is not None and plan.first.item.id == "now-safe" and plan.rest == ()
    plan = next_steps(fixture_library, {}, TODAY, minutes=1)
    assert plan.first is None and plan.rest == ()
    assert len(plan.levels) == 3  # the levels still show everything open
    plan = next_steps(fixture_library, {}, TODAY, minutes=60)
    assert plan.first is not None
    assert sum(s.item.minutes for s in (plan.first, *plan.rest)) <= 60
    assert [plan.first.item.id, *ids(plan.rest)] == PREPARING[:5]
    for bad in (0, -5):
        with pytest.raises(UsageError, match="at least 1 minute"):
            next_steps(fixture_library, {}, TODAY, minutes=bad)


def test_levels_are_time_boxed_along_the_order(fixture_library: Library) -> None:
    levels = next_steps(fixture_library, {}, TODAY).levels
    assert [(lv.number, ids(lv.steps), lv.minutes) for lv in levels] == [
        (1, ["now-screenshot"], 10),  # the next one (10 more minutes) would pass 15
        (2, ["prep-register", "prep-2fa", "now-safe", "now-tell"], 37),
        (3, ["prep-plan", "now-report", "prep-search"], 90),
    ]
    # A first step longer than 15 minutes still makes level 1; a level left empty is dropped.
    progress = {i: ItemProgress(i, "na") for i in PREPARING[:5]}
    levels = next_steps(fixture_library, progress, TODAY).levels
    assert [(lv.number, ids(lv.steps)) for lv in levels] == [
        (1, ["prep-plan"]), (2, ["now-report", "prep-search"])]
    assert next_steps(fixture_library, {i: ItemProgress(i, "na") for i in PREPARING},
                      TODAY).levels == ()


def test_the_region_decides_what_is_listed(fixture_library: Library) -> None:
    us = next_steps(fixture_library, {}, TODAY, region="us")
    listed = ids((us.first, *us.rest))
    assert "prep-brokers" in listed and "now-safe-us" in listed and "prep-register" not in listed
    assert us.total == 7
    assert next_steps(fixture_library, {}, TODAY, region="any").total == 10
    with pytest.raises(UsageError):
        next_steps(fixture_library, {}, TODAY, region="mars")


def test_happening_now_walks_through_the_stages_in_order(fixture_library: Library) -> None:
    stages = happening_now(fixture_library)
    assert [(stage, [i.id for i in items]) for stage, _title, items in stages] == [
        ("safety", ["now-safe"]), ("tell", ["now-tell"]), ("evidence", ["now-screenshot"]),
        ("report", ["now-report"])]
    assert stages[0][1] == "Make sure you are safe"
    us = happening_now(fixture_library, "us")
    assert [i.id for i in us[0][2]] == ["now-safe-us"]
    everything = happening_now(fixture_library, "any")
    assert [i.id for i in everything[0][2]] == ["now-safe", "now-safe-us"]
    prepare_only = Library([fixture_library.section("prepare")])
    assert happening_now(prepare_only) == []


def test_rechecks_due_longest_overdue_first(fixture_library: Library) -> None:
    progress = {"prep-search": done("prep-search", 200, 90),
                "prep-2fa": done("prep-2fa", 95, 90),
                "prep-register": done("prep-register", 30, 365),
                "prep-brokers": done("prep-brokers", 400, 90)}  # a US item: not for the UK
    due = recheck_due(fixture_library, progress, TODAY)
    assert ids(due) == ["prep-search", "prep-2fa"]
    assert {s.reason for s in due} == {"due for its re-check"}
    assert ids(recheck_due(fixture_library, progress, TODAY, "any"))[0] == "prep-brokers"
    assert recheck_due(fixture_library, {}, TODAY) == []
    # Due on the very day of the re-check, not before.
    exactly = {"prep-2fa": done("prep-2fa", 90, 90)}
    assert ids(recheck_due(fixture_library, exactly, TODAY)) == ["prep-2fa"]
    assert recheck_due(fixture_library, exactly, TODAY - timedelta(days=1)) == []


def test_the_first_answer_decides_which_walk_through_items_show() -> None:
    from kit.guidance.checklists import parse_checklist
    from tests.guidance.conftest import VALID

    text = VALID.replace("version = 1", "version = 2").replace(
        'stage = "evidence"', 'stage = "evidence"\npaths = ["swatting"]')
    section, problems = parse_checklist(text.encode(), "20-test.toml")
    assert section is not None, problems
    library = Library((section,))
    def shown(path: str | None) -> list[str]:
        return [item.id for _s, _t, items in happening_now(library, "any", path)
                for item in items]

    assert shown("swatting") == ["alpha-two"]
    assert shown("doxing") == [] and shown("danger") == []
    assert shown(None) == ["alpha-two"]
