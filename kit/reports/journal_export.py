"""Journal exports: Markdown for reading, JSON for other tools. Both are plaintext."""

from __future__ import annotations

import json
from collections.abc import Sequence

from kit.records.journal import JournalEntry

FORMATS = ("md", "json")


def to_markdown(entries: Sequence[JournalEntry]) -> str:
    parts = ["# Journal\n"]
    for entry in entries:
        parts.append(f"## {entry.created:%Y-%m-%d %H:%M} UTC\n")
        meta = []
        if entry.tags:
            meta.append("Tags: " + ", ".join(entry.tags))
        if entry.mood is not None:
            meta.append(f"Mood: {entry.mood}/10")
        if meta:
            parts.append("*" + " · ".join(meta) + "*\n")
        parts.append(entry.text.rstrip() + "\n")
    return "\n".join(parts)


def to_json(entries: Sequence[JournalEntry]) -> str:
    return json.dumps({"entries": [e.to_json() for e in entries]}, ensure_ascii=False, indent=2)


def render(entries: Sequence[JournalEntry], fmt: str) -> str:
    return to_markdown(entries) if fmt == "md" else to_json(entries)
