"""Finding a record by the first characters of its id, as people type them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from kit.errors import NotFound, UsageError

T = TypeVar("T")
MIN_PREFIX = 4
SHORT_ID = 8


def by_prefix(records: Mapping[str, T], id_or_prefix: str, what: str) -> T:
    """The one record whose id starts with *id_or_prefix*; *what* names it in errors
    ("journal entry", "check-in")."""
    prefix = id_or_prefix.strip().lower()
    if len(prefix) < MIN_PREFIX:
        raise UsageError(f"give at least the first {MIN_PREFIX} characters of the {what}'s id")
    matches = [key for key in records if key.startswith(prefix)]
    if not matches:
        raise NotFound(f"no {what} with id {id_or_prefix!r}")
    if len(matches) > 1:
        ids = ", ".join(key[:SHORT_ID] for key in matches[:5])
        raise UsageError(f"{id_or_prefix!r} matches several of them ({ids}); give more of it")
    return records[matches[0]]
