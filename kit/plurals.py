"""Counts in words: "1 entry", "2 entries", "0 sessions". One helper, so no message says
"1 entries" because its author forgot the singular."""

from __future__ import annotations


def counted(count: int, word: str, plural: str | None = None) -> str:
    """*count* and *word*, singular for exactly one: counted(1, "entry", "entries") is
    "1 entry". The plural is *word* + "s" unless given. Thousands are grouped (1,200)."""
    return f"{count:,} {word if count == 1 else plural or word + 's'}"
