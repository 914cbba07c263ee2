"""Trends over saved check-ins, and exposure summed by ISO week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

from kit.wellbeing.checkins import CheckIn
from kit.wellbeing.instruments import Instrument, builtin_instruments
from kit.wellbeing.scoring import SubscaleScore, score
from kit.wellbeing.trends import series, weekly_exposure

PULSE = builtin_instruments()[0]
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def pulse_checkin(n: int, total: int, instrument: str = "pulse") -> CheckIn:
    """A pulse check-in whose six answers sum (after reversing) to *total*."""
    answers = {"energy": 0, "sleep": 0, "intrusions": 10, "connected": 0, "switch-off": 0,
               "coping": 0}
    for item in ("energy", "sleep", "connected", "switch-off", "coping"):
        step = min(10, total)
        answers[item], total = step, total - step
    answers["intrusions"] = 10 - total
    result = score(PULSE, answers)
    return CheckIn(f"id{n:04d}", START + timedelta(days=7 * n), instrument, PULSE.digest,
                   answers, result.scores)


def test_series_is_oldest_first_with_worsenings_marked() -> None:
    # Sums out of 60: 48 (8, steady), 42 (7, steady: a fall of 1, not meaningful),
    # 33 (5.5, stretched: a fall of 1.5 = meaningful), 30 (5), 21 (3.5, into struggling),
    # 12 (2, still struggling: a fall of 1.5 marked), 45 (7.5: better, unmarked).
    sums = [48, 42, 33, 30, 21, 12, 45]
    checkins = [pulse_checkin(n, s) for n, s in enumerate(sums)]
    other = pulse_checkin(99, 0, instrument="who5")  # another instrument: ignored
    points = series(PULSE, "total", [*reversed(checkins), other])
    assert [p.checkin_id for p in points] == [c.id for c in checkins]
    assert [p.score for p in points] == [8, 7, 5.5, 5, 3.5, 2, 7.5]
    assert [p.band for p in points] == ["steady", "steady", "stretched", "stretched",
                                        "struggling", "struggling", "steady"]
    assert [p.mark for p in points] == [None, None, "worsened", None, "into_concern",
                                        "worsened", None]
    assert points[4].concern and points[4].to_json()["mark"] == "into_concern"


def test_a_fall_of_exactly_the_meaningful_change_counts_despite_rounding() -> None:
    # 31/6 = 5.17 then 22/6 = 3.67 as saved: exactly 1.5 apart in truth.
    points = series(PULSE, "total", [pulse_checkin(0, 40), pulse_checkin(1, 31),
                                     pulse_checkin(2, 22)])
    assert [p.score for p in points] == [6.67, 5.17, 3.67]
    assert [p.mark for p in points] == [None, "worsened", "into_concern"]
    # 31/6 to 23/6 (8/6 = 1.33) is not a meaningful fall; it stays in bands, so no mark.
    calmer = series(PULSE, "total", [pulse_checkin(0, 31), pulse_checkin(1, 24)])
    assert [p.mark for p in calmer] == [None, None]


def test_higher_is_worse_marks_rises(proqol: Instrument) -> None:
    def checkin(n: int, burnout_answer: int) -> CheckIn:
        plain, reversed_ = (8, 10, 19, 21, 26), (1, 4, 15, 17, 29)
        answers = {f"q{i}": 3 for i in range(1, 31)}
        answers |= {f"q{i}": burnout_answer for i in plain}
        answers |= {f"q{i}": 6 - burnout_answer for i in reversed_}
        return CheckIn(f"p{n}", START + timedelta(days=30 * n), proqol.id, proqol.digest,
                       answers, score(proqol, answers).scores)

    points = series(proqol, "burnout", [checkin(0, 2), checkin(1, 4), checkin(2, 5),
                                        checkin(3, 1)])
    assert [p.score for p in points] == [20, 40, 50, 10]
    # No meaningful_change in the ProQOL template: only moves into "high" are marked.
    assert [p.mark for p in points] == [None, None, "into_concern", None]


def test_checkins_without_the_subscale_are_skipped() -> None:
    odd = CheckIn("x", START, "pulse", "old", {}, (SubscaleScore("gone", "Gone", 1, "b",
                                                                  False),))
    assert series(PULSE, "total", [odd, pulse_checkin(1, 30)])[0].checkin_id == "id0001"


@dataclass(frozen=True)
class Exposure:
    when: datetime
    minutes: int | None
    impact: int
    flags: tuple[str, ...] = ()


def test_weekly_exposure_across_iso_week_and_year_boundaries() -> None:
    entries = [
        Exposure(datetime(2026, 12, 28, 10, tzinfo=UTC), 30, 4, ("violent",)),  # Mon, W53
        Exposure(datetime(2027, 1, 1, 16, tzinfo=UTC), None, 8, ("violent", "unexpected")),
        Exposure(datetime(2027, 1, 3, 23, 30, tzinfo=UTC), 15, 3),  # Sunday: still W53
        Exposure(datetime(2027, 1, 4, 0, 30, tzinfo=UTC), 60, 6),   # Monday: 2027-W01
        Exposure(datetime(2027, 1, 20, 8, tzinfo=UTC), 10, 2, ("unexpected",)),  # W03
    ]
    weeks = weekly_exposure(reversed(entries), tz=UTC)
    assert [w.label for w in weeks] == ["2026-W53", "2027-W01", "2027-W02", "2027-W03"]
    first, second, quiet, third = weeks
    assert first.start == date(2026, 12, 28)
    assert (first.sessions, first.minutes, first.mean_impact, first.violent) == (3, 45, 5.0, 2)
    assert (second.sessions, second.minutes, second.mean_impact, second.violent) == (1, 60, 6, 0)
    assert (quiet.sessions, quiet.minutes, quiet.mean_impact) == (0, 0, None)  # gap filled
    assert (third.sessions, third.violent) == (1, 0)
    assert third.to_json() == {"week": "2027-W03", "start": "2027-01-18", "sessions": 1,
                               "minutes": 10, "mean_impact": 2.0, "violent": 0}
    assert [w.label for w in weekly_exposure(entries, tz=UTC, fill_gaps=False)] == [
        "2026-W53", "2027-W01", "2027-W03"]
    assert weekly_exposure([], tz=UTC) == []


def test_weekly_exposure_uses_the_given_time_zone() -> None:
    # Sunday 23:30 UTC is already Monday in UTC+2: a different ISO week.
    late = Exposure(datetime(2024, 12, 29, 23, 30, tzinfo=UTC), 5, 1)
    assert weekly_exposure([late], tz=UTC)[0].label == "2024-W52"
    assert weekly_exposure([late], tz=timezone(timedelta(hours=2)))[0].label == "2025-W01"
    mixed = weekly_exposure([Exposure(START, 1, 1), Exposure(START, 2, 2)], tz=UTC)
    assert mixed[0].mean_impact == 1.5
