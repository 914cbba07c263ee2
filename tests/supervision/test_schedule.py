"""TRiM follow-up dates: the same local time 3 days and 1 month on, across clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kit.errors import UsageError
from kit.supervision import schedule
from kit.supervision.schedule import add_months, follow_ups, local_zone, on_wall_clock

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int,
       fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone, fold=fold)


def elapsed(start: datetime, end: datetime) -> timedelta:
    # In UTC: Python subtracts two times of the same zone by their wall clocks alone.
    return end.astimezone(UTC) - start.astimezone(UTC)


def due(incident: datetime, zone: ZoneInfo = LONDON) -> tuple[datetime, datetime]:
    three_days, one_month = follow_ups(incident, zone)
    return three_days.due, one_month.due


def test_follow_ups_are_named_as_session_types() -> None:
    three_days, one_month = follow_ups(at(LONDON, 2026, 5, 4, 10, 0), LONDON)
    assert (three_days.kind, three_days.label) == ("follow-up-72h", "72-hour follow-up")
    assert (one_month.kind, one_month.label) == ("follow-up-1m", "One-month follow-up")
    assert three_days.to_json() == {"kind": "follow-up-72h", "label": "72-hour follow-up",
                                    "due": "2026-05-07T10:00:00+01:00"}


def test_an_ordinary_week_is_exactly_72_hours() -> None:
    incident = at(LONDON, 2026, 5, 4, 10, 15)
    three_days, one_month = due(incident)
    assert three_days == at(LONDON, 2026, 5, 7, 10, 15)
    assert elapsed(incident, three_days) == timedelta(hours=72)
    assert one_month == at(LONDON, 2026, 6, 4, 10, 15)
    assert three_days.tzinfo is LONDON and one_month.tzinfo is LONDON


def test_clocks_going_forward_keep_the_wall_clock_time() -> None:
    # 29 March 2026: 01:00 GMT becomes 02:00 BST.
    incident = at(LONDON, 2026, 3, 27, 14, 0)
    three_days, one_month = due(incident)
    assert (three_days.date(), three_days.hour, three_days.minute) == (date(2026, 3, 30), 14, 0)
    assert three_days.utcoffset() == timedelta(hours=1)
    assert elapsed(incident, three_days) == timedelta(hours=71)  # an hour fewer than 72 elapsed
    assert one_month == at(LONDON, 2026, 4, 27, 14, 0)


def test_clocks_going_back_keep_the_wall_clock_time() -> None:
    # 25 October 2026: 02:00 BST becomes 01:00 GMT.
    incident = at(LONDON, 2026, 10, 23, 10, 0)
    three_days, one_month = due(incident)
    assert three_days == at(LONDON, 2026, 10, 26, 10, 0)
    assert three_days.utcoffset() == timedelta(0)
    assert elapsed(incident, three_days) == timedelta(hours=73)
    assert one_month == at(LONDON, 2026, 11, 23, 10, 0)


def test_an_incident_at_half_past_midnight_on_the_night_the_clocks_go_forward() -> None:
    incident = at(LONDON, 2026, 3, 29, 0, 30)  # still GMT: the change comes at 01:00
    assert incident.utcoffset() == timedelta(0)
    three_days, one_month = due(incident)
    assert three_days == at(LONDON, 2026, 4, 1, 0, 30)
    assert three_days.astimezone(UTC) == datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert one_month == at(LONDON, 2026, 4, 29, 0, 30)


def test_a_follow_up_in_the_skipped_hour_moves_on_by_the_gap() -> None:
    # 01:30 on 29 March 2026 never happens in London; a wall clock shows 02:30 instead.
    three_days, _ = due(at(LONDON, 2026, 3, 26, 1, 30))
    assert (three_days.day, three_days.hour, three_days.minute) == (29, 2, 30)
    assert three_days.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_follow_up_in_the_repeated_hour_is_the_first_one() -> None:
    # 01:30 on 25 October 2026 happens twice; the follow-up is at the first (BST).
    three_days, _ = due(at(LONDON, 2026, 10, 22, 1, 30))
    assert three_days.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # The incident itself in the second 01:30 still plans by 01:30 on the wall.
    second = at(LONDON, 2026, 10, 25, 1, 30, fold=1)
    assert second.utcoffset() == timedelta(0)
    three_days, one_month = due(second)
    assert three_days == at(LONDON, 2026, 10, 28, 1, 30)
    assert one_month == at(LONDON, 2026, 11, 25, 1, 30)


@pytest.mark.parametrize(("incident", "month_later"), [
    (date(2026, 1, 31), date(2026, 2, 28)),
    (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
    (date(2026, 3, 31), date(2026, 4, 30)),
    (date(2026, 12, 31), date(2027, 1, 31)),
    (date(2026, 2, 28), date(2026, 3, 28)),
])
def test_one_month_is_the_same_day_or_the_month_end(incident: date, month_later: date) -> None:
    _, one_month = due(at(LONDON, incident.year, incident.month, incident.day, 9, 45))
    assert (one_month.date(), one_month.hour, one_month.minute) == (month_later, 9, 45)


def test_the_incident_is_read_in_local_time_whatever_zone_it_came_in() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    three_days, one_month = due(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert three_days == at(LONDON, 2026, 7, 4, 0, 30)
    assert one_month == at(LONDON, 2026, 8, 1, 0, 30)


def test_new_york_clock_changes() -> None:
    # 8 March 2026 and 1 November 2026 in the United States.
    spring = at(NEW_YORK, 2026, 3, 5, 9, 0)
    three_days, one_month = due(spring, NEW_YORK)
    assert three_days == at(NEW_YORK, 2026, 3, 8, 9, 0)
    assert elapsed(spring, three_days) == timedelta(hours=71)
    assert one_month == at(NEW_YORK, 2026, 4, 5, 9, 0)
    autumn = at(NEW_YORK, 2026, 10, 30, 9, 0)
    three_days, _ = due(autumn, NEW_YORK)
    assert three_days == at(NEW_YORK, 2026, 11, 2, 9, 0)
    assert elapsed(autumn, three_days) == timedelta(hours=73)
    # Skipped hour in New York: 02:30 on 8 March becomes 03:30.
    three_days, _ = due(at(NEW_YORK, 2026, 3, 5, 2, 30), NEW_YORK)
    assert (three_days.hour, three_days.utcoffset()) == (3, timedelta(hours=-4))


def test_an_incident_without_a_zone_is_refused() -> None:
    with pytest.raises(UsageError, match="time zone"):
        follow_ups(datetime(2026, 3, 29, 0, 30), LONDON)


def test_add_months_both_ways() -> None:
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 5, 31), -12) == date(2025, 5, 31)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 5, 31), 0) == date(2026, 5, 31)
    with pytest.raises(UsageError, match="outside the calendar"):
        add_months(date(9999, 12, 1), 1)


def test_on_wall_clock_ignores_the_given_fold() -> None:
    second = at(LONDON, 2026, 10, 25, 1, 30, fold=1)
    assert on_wall_clock(date(2026, 10, 25), second, LONDON).utcoffset() == timedelta(hours=1)


# --- which zone ---


@pytest.fixture
def no_system_zone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("TZ", raising=False)
    monkeypatch.setattr(schedule, "LOCALTIME", tmp_path / "localtime")
    monkeypatch.setattr(schedule, "TIMEZONE_FILE", tmp_path / "timezone")
    return tmp_path


def test_a_configured_name_wins(no_system_zone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert local_zone(" Europe/London ") == LONDON


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "Europe", "/etc/passwd", "../etc/passwd",
                                  "Europe/London\x00", "EST5EDT,M3.2.0,M11.1.0"])
def test_a_configured_name_that_is_no_zone_is_an_error(name: str) -> None:
    with pytest.raises(UsageError, match=r"is not known.*Europe/London"):
        local_zone(name)


def test_tz_variable_when_nothing_is_configured(no_system_zone: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    assert local_zone(None) == NEW_YORK
    assert local_zone("  ") == NEW_YORK  # a blank setting is no setting
    monkeypatch.setenv("TZ", ":Europe/Paris")
    assert local_zone() == ZoneInfo("Europe/Paris")
    monkeypatch.setenv("TZ", "/usr/share/zoneinfo/Asia/Tokyo")
    assert local_zone() == ZoneInfo("Asia/Tokyo")


def test_a_bad_tz_variable_falls_back_to_the_system_zone(no_system_zone: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "GMT0BST,M3.5.0/1,M10.5.0")  # a POSIX rule, not a zone name
    (no_system_zone / "localtime").symlink_to("/usr/share/zoneinfo/America/New_York")
    assert local_zone() == NEW_YORK


def test_etc_timezone_when_localtime_is_not_a_link(no_system_zone: Path) -> None:
    (no_system_zone / "localtime").write_bytes(b"TZif")
    (no_system_zone / "timezone").write_text("Europe/London\n", encoding="utf-8")
    assert local_zone() == LONDON


def test_utc_when_nothing_names_a_zone(no_system_zone: Path) -> None:
    (no_system_zone / "timezone").write_text("not a zone\n", encoding="utf-8")
    assert local_zone() == ZoneInfo("UTC")
