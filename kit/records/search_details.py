"""Your search details: the names, usernames, email addresses, phone numbers and towns the
self-search queries look for (`kit search-queries`). Kept encrypted like every other record, so
they need typing only once and stay out of the shell history afterwards.

There is one set, saved over in place (kit/records/latest.py).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from kit.errors import UsageError
from kit.records.fields import stored_stamp, stored_texts
from kit.records.latest import LatestRecord, StoredSet

if TYPE_CHECKING:
    from kit.vault import Record

KIND = "search_details"
PARTS: Final = ("names", "usernames", "emails", "phones", "towns")
PART_WORDS: Final = {"names": "name", "usernames": "username", "emails": "email address",
                     "phones": "phone number", "towns": "town"}
MAX_VALUE = 200
MAX_VALUES = 20  # of each kind


@dataclass(frozen=True)
class SearchDetails(StoredSet):
    """An unsaved, empty set has no id and no updated time."""

    names: tuple[str, ...] = ()
    usernames: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    updated: datetime | None = None
    id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, part) for part in PARTS)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **{part: list(getattr(self, part)) for part in PARTS},
                "updated": self.updated.isoformat() if self.updated else None}



def _one(part: str, value: str) -> str:
    what = PART_WORDS[part]
    if not isinstance(value, str):
        raise UsageError(f"each {what} must be text")
    value = " ".join(value.split())  # one line, single spaces: it goes into a quoted search
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise UsageError(f"the {what} {value[:40]!r} contains control characters")
    if len(value) > MAX_VALUE:
        raise UsageError(f"the {what} {value[:40]!r}... is too long (at most {MAX_VALUE} "
                         "characters)")
    if '"' in value:
        raise UsageError(f"the {what} {value!r} contains a double quote; searches are quoted "
                         "with them, so leave it out")
    if part == "usernames":
        value = value.removeprefix("@")
        if " " in value:
            raise UsageError(f"the username {value!r} contains a space; give each username "
                             "on its own")
    elif part == "emails":
        local, at, domain = value.partition("@")
        if not at or not local or "." not in domain or " " in value:
            raise UsageError(f"{value!r} is not an email address")
    elif part == "phones":
        digits = sum(ch.isdigit() for ch in value)
        if not 7 <= digits <= 15 or any(not (ch.isdigit() or ch in " +-().") for ch in value):
            raise UsageError(f"{value!r} is not a phone number (digits, spaces and + only, "
                             "7 to 15 digits)")
    return value


def _values(part: str, values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):  # one value, not its letters
        values = (values,)
    checked: list[str] = []
    for value in values:
        text = _one(part, value)
        if text and text.casefold() not in {c.casefold() for c in checked}:
            checked.append(text)
    if len(checked) > MAX_VALUES:
        raise UsageError(f"too many {PART_WORDS[part]}s ({len(checked)}; at most {MAX_VALUES})")
    return tuple(checked)


def check_details(details: SearchDetails) -> SearchDetails:
    """Trimmed, one line each, without repeats; a clear UsageError for anything else."""
    changes: dict[str, Any] = {part: _values(part, getattr(details, part)) for part in PARTS}
    return dataclasses.replace(details, **changes)


def _from_record(record: Record) -> SearchDetails:
    d = record.data
    values: dict[str, tuple[str, ...]] = {}
    for part in PARTS:
        values[part] = stored_texts(d.get(part, []), part)
    return SearchDetails(**values, updated=stored_stamp(d["updated"], "updated"), id=record.id,
                         extra={k: v for k, v in d.items() if k not in {*PARTS, "updated"}})


class SearchDetailsStore(LatestRecord[SearchDetails]):
    """Your saved search details in one vault."""

    KIND = KIND
    PROBLEM = "unreadable_search_details"
    UNREADABLE = ("your saved search details ({id}) have a shape this version of the kit "
                  "cannot read; they were left untouched")

    def empty(self) -> SearchDetails:
        return SearchDetails()

    def parse(self, record: Record) -> SearchDetails:
        return _from_record(record)

    def check(self, details: SearchDetails) -> SearchDetails:
        return check_details(details)
