"""Trends: a subscale's scores over time with changes for the worse marked, and exposure by week.

Pure functions over saved check-ins and exposure entries, so screens and reports share them.
"For the worse" follows the subscale's direction: a fall where higher is better (WHO-5), a rise
where higher is worse (ProQOL burnout).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Literal, Protocol

from kit.wellbeing.instruments import Instrument, Subscale
from kit.wellbeing.scoring import SubscaleScore

VIOLENT = "violent"
ROUNDING = 0.01

# "worsened": moved the wrong way by at least the subscale's meaningful_change since the check-in
# before; "into_concern": entered a concerning band from one that was not.
Mark = Literal["worsened", "into_concern"]


class Scored(Protocol):
    """A saved check-in as trends need it (kit.wellbeing.checkins.CheckIn)."""

    @property
    def id(self) -> str: ...
    @property
    def when(self) -> datetime: ...
    @property
    def instrument(self) -> str: ...
    @property
    def scores(self) -> tuple[SubscaleScore, ...]: ...


class ExposureLike(Protocol):
    """An exposure log entry as the weekly summary needs it (kit.records.exposure)."""

    @property
    def when(self) -> datetime: ...
    @property
    def minutes(self) -> int | None: ...
    @property
    def impact(self) -> int: ...
    @property
    def flags(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class TrendPoint:
    checkin_id: str
    when: datetime
    score: float
    band: str
    concern: bool
    mark: Mark | None

    def to_json(self) -> dict[str, Any]:
        return {"checkin": self.checkin_id, "when": self.when.isoformat(), "score": self.score,
                "band": self.band, "concern": self.concern, "mark": self.mark}


def change(subscale: Subscale, before: SubscaleScore | None, after: SubscaleScore) -> Mark | None:
    """How *after* compares with the check-in before it, if it changed for the worse."""
    if before is None:
        return None
    if after.concern and not before.concern:
        return "into_concern"
    worse_by = before.score - after.score if subscale.higher_is_better else \
        after.score - before.score
    # Saved scores are rounded to 2 places, so a change can look up to 0.01 smaller than it was.
    if subscale.meaningful_change is not None and \
            worse_by >= float(subscale.meaningful_change) - ROUNDING:
        return "worsened"
    return None


def series(instrument: Instrument, subscale_id: str,
           checkins: Iterable[Scored]) -> list[TrendPoint]:
    """One subscale's scores, oldest first, each marked if it changed for the worse."""
    subscale = instrument.subscale(subscale_id)
    relevant = sorted((c for c in checkins if c.instrument == instrument.id),
                      key=lambda c: (c.when, c.id))
    points: list[TrendPoint] = []
    before: SubscaleScore | None = None
    for c in relevant:
        now = next((s for s in c.scores if s.subscale == subscale_id), None)
        if now is None:  # answered a version without this subscale
            continue
        points.append(TrendPoint(c.id, c.when, now.score, now.band, now.concern,
                                 change(subscale, before, now)))
        before = now
    return points


@dataclass(frozen=True)
class ExposureWeek:
    """One ISO week of exposure. mean_impact is None in a week with no sessions."""

    year: int
    week: int
    start: date  # the Monday
    sessions: int
    minutes: int
    mean_impact: float | None
    violent: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    def to_json(self) -> dict[str, Any]:
        return {"week": self.label, "start": self.start.isoformat(), "sessions": self.sessions,
                "minutes": self.minutes, "mean_impact": self.mean_impact,
                "violent": self.violent}


def weekly_exposure(entries: Iterable[ExposureLike], tz: tzinfo | None = None,
                    fill_gaps: bool = True) -> list[ExposureWeek]:
    """Exposure per ISO week (Monday to Sunday in *tz*, default local time), oldest first.

    Entries without minutes count as sessions but add no minutes. With *fill_gaps*, quiet weeks
    between the first and last appear with zero sessions, so a chart's spacing is honest.
    """
    weeks: dict[date, list[ExposureLike]] = {}
    for entry in entries:
        day = entry.when.astimezone(tz).date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(entry)
    if not weeks:
        return []
    starts: Sequence[date] = sorted(weeks)
    if fill_gaps:
        first, last = starts[0], starts[-1]
        starts = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    out = []
    for start in starts:
        group = weeks.get(start, [])
        iso = start.isocalendar()
        impacts = [e.impact for e in group]
        out.append(ExposureWeek(
            iso.year, iso.week, start, len(group), sum(e.minutes or 0 for e in group),
            round(sum(impacts) / len(impacts), 2) if impacts else None,
            sum(1 for e in group if VIOLENT in e.flags)))
    return out
