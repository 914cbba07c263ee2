"""What to do first: the open checklist items in a calm order, one next step at a time.

Security Planner's single "do this first" highlight and Zebra Crossing's levels with time
budgets are the models (research/doxing.md): one thing to do now, the rest below it, grouped so
that a first sitting of about a quarter of an hour already gets the most important things done.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kit.errors import UsageError
from kit.guidance.checklists import PRIORITIES, STAGES, Item, Library, check_region
from kit.records.progress import ItemProgress

# (number, title, minutes the level aims to fit in; None: no limit)
LEVELS: tuple[tuple[int, str, int | None], ...] = (
    (1, "Start here: about 15 minutes", 15),
    (2, "Next: about an hour", 60),
    (3, "Everything else, a little at a time", None),
)


@dataclass(frozen=True)
class Step:
    """An item with where it stands, and why it is listed, in plain words."""

    item: Item
    progress: ItemProgress
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item.to_json(), "progress": self.progress.to_json(),
                "reason": self.reason}


@dataclass(frozen=True)
class Level:
    """A time-boxed group of steps; `minutes` is what its steps add up to."""

    number: int
    title: str
    minutes: int
    steps: tuple[Step, ...]

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title, "minutes": self.minutes,
                "items": [s.item.id for s in self.steps]}


@dataclass(frozen=True)
class NextSteps:
    """The one step to do first, what comes after it, the levels, and how far along
    (`done` of `total` items for the region need nothing now)."""

    first: Step | None
    rest: tuple[Step, ...]
    levels: tuple[Level, ...]
    done: int
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"first": self.first.to_json() if self.first else None,
                "rest": [s.to_json() for s in self.rest],
                "levels": [level.to_json() for level in self.levels],
                "done": self.done, "total": self.total}


def step_for(item: Item, progress: ItemProgress, today: date) -> Step:
    """The item as a Step, with a reason that fits its status."""
    if progress.recheck_due(today):
        reason = "due for its re-check"
    elif progress.status == "todo":
        reason = "not done yet"
    elif progress.status == "delegated":
        reason = f"delegated to {progress.delegated_to}"
    elif progress.status == "na":
        reason = "marked not applicable"
    elif progress.status == "done":
        reason = f"done on {progress.done_on}" if progress.done_on else "done"
        if progress.next_check is not None:
            reason += f"; check again on {progress.next_check}"
    else:
        reason = progress.label
    return Step(item, progress, reason)


def _progress(progress: Mapping[str, ItemProgress], item: Item) -> ItemProgress:
    return progress.get(item.id) or ItemProgress(item.id)


def next_steps(library: Library, progress: Mapping[str, ItemProgress], today: date, *,
               region: str = "uk", minutes: int | None = None,
               incident: bool = False) -> NextSteps:
    """The open items for *region* (never done, or due for a re-check), best first.

    With *incident* (it is happening now), preparation advice is left out altogether: a
    to-do list of things to have done beforehand helps nobody in the middle of it.

    The order: priority (now, this week, this month, every quarter); then the mode that fits
    the moment (with *incident*, incident before both; otherwise prepare and both before
    incident-only); then re-checks that are due before items never done; then the
    shorter first; then the order of the library.

    With *minutes*, `first` is the first step in that order that fits in the time, and `rest`
    is what else fits in the time left, taken in order while it fits. Without it, `first` is
    simply the first step and `rest` is everything after it.

    `levels` group every open step, in order, by time: level 1 holds the first step and
    each following step while the level's total stays within 15 minutes; level 2 takes the
    following steps while its total stays within 60; level 3 has the rest. Empty levels are
    left out. Done, not applicable and delegated items are not open; `done` counts them
    (a done item due for its re-check is open, so not counted).
    """
    if minutes is not None and (isinstance(minutes, bool) or minutes < 1):
        raise UsageError(f"the time you have must be at least 1 minute, not {minutes}")
    items = [item for item in library.for_region(region)
             if not (incident and item.mode == "prepare")]
    position = {item.id: n for n, item in enumerate(library.items.values())}
    steps = [step_for(item, _progress(progress, item), today) for item in items]
    open_steps = [s for s in steps if s.progress.is_open(today)]

    def fits_moment(item: Item) -> int:
        if incident:
            return 0 if item.mode == "incident" else 1
        return 1 if item.mode == "incident" else 0

    open_steps.sort(key=lambda s: (
        PRIORITIES.index(s.item.priority), fits_moment(s.item),
        0 if s.progress.recheck_due(today) else 1, s.item.minutes, position[s.item.id]))
    first: Step | None
    if minutes is None:
        first = open_steps[0] if open_steps else None
        rest = tuple(open_steps[1:])
    else:
        first = next((s for s in open_steps if s.item.minutes <= minutes), None)
        left = minutes - (first.item.minutes if first else 0)
        fitting = []
        for step in open_steps:
            if step is not first and first is not None and step.item.minutes <= left:
                fitting.append(step)
                left -= step.item.minutes
        rest = tuple(fitting)
    return NextSteps(first, rest, _levels(open_steps), len(steps) - len(open_steps), len(steps))


def _levels(ordered: Sequence[Step]) -> tuple[Level, ...]:
    levels: list[Level] = []
    remaining = list(ordered)
    for number, title, budget in LEVELS:
        taken: list[Step] = []
        total = 0
        while remaining:
            cost = remaining[0].item.minutes
            within = budget is None or total + cost <= budget
            if not (within or (number == 1 and not taken)):
                break
            taken.append(remaining.pop(0))
            total += cost
        if taken:
            levels.append(Level(number, title, total, tuple(taken)))
    return tuple(levels)


# The first words of the walk-through, in the app and on the command line alike: said plainly,
# before any step, because people targeted like this often blame themselves.
WALK_THROUGH_INTRO = (
    "This is not your fault. Take a breath: you do not have to do everything at once. Go one "
    "step at a time, and ask someone you trust to help. If anyone is in danger right now, call "
    "999."
)


def happening_now(library: Library, region: str = "uk",
                  path: str | None = None) -> list[tuple[str, str, list[Item]]]:
    """The "It's happening now" walk-through: (stage id, stage title, items) in the order of
    STAGES, items in library order. *path* is the answer to the first question (PATHS): only
    its items are shown; None shows every item. A stage with no items is left out."""
    items = [item for item in library.for_region(region) if item.on_path(path)]
    stages = []
    for stage, title in STAGES:
        here = [item for item in items if item.stage == stage]
        if here:
            stages.append((stage, title, here))
    return stages


def recheck_due(library: Library, progress: Mapping[str, ItemProgress], today: date,
                region: str = "uk") -> list[Step]:
    """Done items whose re-check date has come, longest overdue first."""
    check_region(region)
    due = [step_for(item, _progress(progress, item), today)
           for item in library.for_region(region)
           if _progress(progress, item).recheck_due(today)]
    due.sort(key=lambda s: s.progress.next_check or today)
    return due
