"""When the TRiM follow-ups fall due after an incident, in local time.

In TRiM, a structured interview comes about 72 hours after an incident, and a follow-up about a
month later (research/wellbeing.md section 2). People plan by the clock on the wall, so here
"72 hours" means the same local time three days later, not 72 elapsed hours. Across a clock
change the two differ by an hour, and the wall-clock reading keeps the follow-up at the hour
people planned for.
"""

from __future__ import annotations

import calendar
import contextlib
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kit.errors import UsageError
from kit.records.fields import label
from kit.supervision.records import SESSION_TYPES

# Where the computer's own zone is named, when the configuration and $TZ do not name one.
LOCALTIME: Final = Path("/etc/localtime")   # a link into a zoneinfo folder (Linux, macOS)
TIMEZONE_FILE: Final = Path("/etc/timezone")  # the zone's name as text (Debian, Ubuntu)
FOLLOW_UP_DAYS: Final = 3
FOLLOW_UP_MONTHS: Final = 1


@dataclass(frozen=True)
class FollowUp:
    """One TRiM follow-up: its session type, a label for people, and when it is due."""

    kind: str       # follow-up-72h | follow-up-1m (a session type)
    label: str
    due: datetime   # in the zone follow_ups() was given

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "due": self.due.isoformat()}


def _zone(key: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(key)
    # ValueError: not a relative key ("/etc/passwd", "../x") or not a zone file; OSError: a
    # folder or an unreadable file.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _key_from_path(path: str) -> str | None:
    """The zone name inside a zoneinfo path (".../zoneinfo/Europe/London" -> "Europe/London")."""
    marker = "zoneinfo/"
    if marker not in path:
        return None
    key = path.rsplit(marker, 1)[1]
    return key.removeprefix("posix/") or None


def _tz_variable() -> str | None:
    value = os.environ.get("TZ", "").strip().removeprefix(":")
    if not value:
        return None
    return _key_from_path(value) if value.startswith("/") else value


def _system_zone_names() -> list[str]:
    names: list[str] = []
    with contextlib.suppress(OSError):
        if LOCALTIME.is_symlink() and (key := _key_from_path(os.readlink(LOCALTIME))):
            names.append(key)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        names.append(TIMEZONE_FILE.read_text(encoding="utf-8").strip())
    return names


def local_zone(name: str | None = None) -> ZoneInfo:
    """The zone to show and plan times in: *name* from the configuration, else $TZ if it names a
    zone, else the computer's own zone, else UTC. A configured name that is not a zone is an
    error, not a silent fall-back: follow-ups would land at the wrong hour."""
    if name is not None and name.strip():
        zone = _zone(name.strip())
        if zone is None:
            raise UsageError(f"time zone {name.strip()!r} is not known; use a name from the "
                             "time zone database, such as Europe/London or America/New_York")
        return zone
    for key in [_tz_variable(), *_system_zone_names()]:
        if key and (zone := _zone(key)) is not None:
            return zone
    return ZoneInfo("UTC")


def add_months(day: date, months: int) -> date:
    """The same day *months* later (or earlier, if negative), moved back to the month's last
    day when that month is shorter: 31 January plus one month is 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise UsageError(f"{months} months from {day.isoformat()} is outside the calendar")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def on_wall_clock(day: date, wall: datetime, zone: tzinfo) -> datetime:
    """*wall*'s local time of day on *day*, in *zone*. If the clocks skipped that time (01:30
    on the night they go forward) it moves on by the gap, as a wall clock would; if the time
    came twice (the night they go back), it is the first of the two."""
    naive = datetime.combine(day, wall.time().replace(fold=0))
    return naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def follow_ups(incident_at: datetime, zone: tzinfo) -> tuple[FollowUp, FollowUp]:
    """The 72-hour and one-month follow-ups after an incident, at the incident's local time of
    day, three days and one month later."""
    if incident_at.tzinfo is None or incident_at.utcoffset() is None:
        raise UsageError("the incident time needs a time zone")
    local = incident_at.astimezone(zone)
    three_days = on_wall_clock(local.date() + timedelta(days=FOLLOW_UP_DAYS), local, zone)
    one_month = on_wall_clock(add_months(local.date(), FOLLOW_UP_MONTHS), local, zone)
    return (FollowUp("follow-up-72h", label(SESSION_TYPES, "follow-up-72h"), three_days),
            FollowUp("follow-up-1m", label(SESSION_TYPES, "follow-up-1m"), one_month))
