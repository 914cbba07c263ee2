"""Times and dates in supervision, as people type and read them: one parser for the app's forms
and the command line's options, and one way of showing each.

A time typed without a zone is a wall-clock time in the supervision time zone (config.toml
[supervision] time_zone): "2026-11-23 14:30", "2026-11-23T14:30", or a date alone for its
midnight. A time that names its offset keeps it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kit.errors import UsageError

TYPED_TIME = "YYYY-MM-DD HH:MM"


def parse_time(text: str, zone: ZoneInfo, field: str) -> datetime:
    """A date and time as typed, in *zone* unless it names its own offset."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text.strip()!r} is not a date and time; use "
                         f"{TYPED_TIME}, such as 2026-11-23 14:30") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def parse_day(text: str, field: str) -> date:
    """A date as typed (YYYY-MM-DD)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text.strip()!r} is not a date; use YYYY-MM-DD, such as "
                         "2026-12-01") from None


def parse_optional_day(text: str | None, field: str) -> date | None:
    """A date as typed, or None when nothing was typed."""
    return parse_day(text, field) if text is not None and text.strip() else None


def shown_time(when: datetime, zone: ZoneInfo) -> str:
    """A moment as a person reads it in *zone*: 23 Nov 2026, 14:30."""
    return when.astimezone(zone).strftime("%d %b %Y, %H:%M")


def shown_day(day: date | None, none: str = "–") -> str:
    """A date as a person reads it (23 Nov 2026), or *none*."""
    return day.strftime("%d %b %Y") if day is not None else none


def typed_time(when: datetime, zone: ZoneInfo) -> str:
    """A moment in the form parse_time() reads back, in *zone*: 2026-11-23 14:30."""
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")
