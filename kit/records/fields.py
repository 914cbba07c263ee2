"""Field helpers every kind of record shares, each named for what it does.

Three families, told apart by their names and by what they raise:

* choices (`Choice`, `label`): a stable machine value with a label for people;
* checking what a person gave (`check_text`, `aware`, `parse_date`, `parse_when`): trimmed,
  checked or parsed, or a UsageError that names the field, for the command line and the app
  to show;
* reading back what the kit stored (`stored_text`, `stored_texts`, `stored_whole`,
  `stored_stamp`, `stored_day`): the value with its type checked and ISO text parsed, or a
  TypeError or ValueError, which kit.records.source.read_kind reports as a record this kit
  cannot read (and leaves as it is).

Formatting for people is not here: it belongs to the screen, command or export that shows it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import NamedTuple, Protocol

from kit.errors import UsageError

# --- choices ---


class Choice(NamedTuple):
    """One option: a stable machine value (stored, used in --json) and a label for people."""

    value: str
    label: str


class Labelled(Protocol):
    """Anything with a machine value and a label for people (a Choice, an exposure band)."""

    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


def label(choices: Iterable[Labelled], value: str) -> str:
    """The label for *value*; the value itself if this version of the kit does not know it."""
    return next((c.label for c in choices if c.value == value), value)


# --- checking what a person gave: every error a UsageError naming the field ---


def aware(when: datetime, field: str) -> datetime:
    """*when* in UTC; a time without a time zone is refused (it could mean any hour)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise UsageError(f"{field} needs a time zone")
    return when.astimezone(UTC)


def check_text(what: str, value: object, limit: int, *, required: bool = False,
               one_line: bool = False) -> str:
    """*value* trimmed, at most *limit* characters, and without control characters (a newline
    or tab is allowed unless *one_line*). *what* names the field in errors, as a person reads
    it ("the request's note").

    Where lines are allowed, a Windows or old Mac line break (CR LF, or CR alone, as text
    pasted or read from another computer's file has them) becomes a newline rather than a
    refusal: a carriage return on its own would move a terminal's cursor back over the line
    shown before it, so it is never kept."""
    if not isinstance(value, str):
        raise UsageError(f"{what} must be text")
    if not one_line:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if required and not value:
        raise UsageError(f"{what} is empty; it is needed")
    if len(value) > limit:
        raise UsageError(f"{what} is {len(value):,} characters long; at most {limit:,} are "
                         "allowed")
    if any(unicodedata.category(ch) == "Cc" and (one_line or ch not in "\n\t") for ch in value):
        raise UsageError(f"{what} must be " + ("one line, " if one_line else "")
                         + "without control characters")
    return value


def parse_when(text: str, field: str = "when") -> datetime:
    """An ISO date or date-time typed by a person, as aware UTC. Without an offset it is local
    time; a date alone means the start of that day."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text!r} is not a date; use YYYY-MM-DD or "
                         "YYYY-MM-DD HH:MM (local time)") from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # naive means the computer's local time
    return parsed.astimezone(UTC)


def parse_date(text: str, field: str = "date") -> date:
    """A date typed by a person as YYYY-MM-DD (spaces around it are fine)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text!r} is not a date; use YYYY-MM-DD") from None


# --- reading back what the kit stored: TypeError or ValueError for a shape it cannot read ---


def stored_text(value: object, what: str = "a field") -> str:
    """A stored field that must be text."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be text")
    return value


def stored_texts(value: object, what: str = "a field") -> tuple[str, ...]:
    """A stored list of texts, as a tuple."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{what} must be a list of text")
    return tuple(value)


def stored_whole(value: object, what: str = "a field") -> int:
    """A stored whole number (true and false, which Python counts as numbers, are not)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be a whole number")
    return value


def stored_stamp(value: object, what: str = "a time") -> datetime:
    """Parse a stored ISO date-time, which must carry its time zone: one without would break
    every comparison with the others, and so a whole sorted list."""
    stamp = datetime.fromisoformat(stored_text(value, what))
    if stamp.tzinfo is None:
        raise ValueError(f"{what} has no time zone")
    return stamp


def stored_day(value: object, what: str = "a date") -> date | None:
    """Parse a stored ISO date; None (JSON null) stands for no date."""
    if value is None:
        return None
    return date.fromisoformat(stored_text(value, what))
