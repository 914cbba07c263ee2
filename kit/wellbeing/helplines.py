"""Support lines, from the shipped data/helplines.toml, each with its source and the date it
was last checked. The emergency line is fixed here in code: it must never depend on a file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Literal

from kit.errors import BadInput

EMERGENCY = "In an emergency, or if a life is at risk right now, call 999."
FORMAT = "frontline-kit-helplines"
VERSION = 1

_FIELDS = {"id", "name", "how", "number", "text_word", "hours", "who_for", "source_url",
           "last_verified", "recheck"}
_NUMBER = re.compile(r"[0-9][0-9 ]{2,18}[0-9]")


@dataclass(frozen=True)
class Helpline:
    id: str
    name: str
    how: Literal["phone", "text"]
    number: str
    hours: str
    who_for: str
    source_url: str
    last_verified: date
    recheck: bool  # the research's only source is old: confirm before relying on it
    text_word: str = ""

    @property
    def action(self) -> str:
        """What to do, in a few words: 'Call 116 123' or 'Text SHOUT to 85258'."""
        if self.how == "text":
            return f"Text {self.text_word} to {self.number}"
        return f"Call {self.number}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "how": self.how, "number": self.number,
                "text_word": self.text_word or None, "action": self.action,
                "hours": self.hours, "who_for": self.who_for, "source_url": self.source_url,
                "last_verified": self.last_verified.isoformat(), "recheck": self.recheck}


def _line(t: Mapping[str, Any], n: int) -> Helpline:
    where = f"helplines.toml: helpline {t.get('id', n)!r}"
    unknown = set(t) - _FIELDS
    if unknown:
        raise BadInput(f"{where}: unknown field {sorted(unknown)[0]!r}")
    for key in ("id", "name", "how", "number", "hours", "who_for", "source_url"):
        if not isinstance(t.get(key), str) or not t[key].strip():
            raise BadInput(f"{where}: field {key!r} must be a non-empty string")
    if t["how"] not in ("phone", "text") or (t["how"] == "text") != bool(t.get("text_word")):
        raise BadInput(f"{where}: field 'how' must be \"phone\", or \"text\" with a text_word")
    if not _NUMBER.fullmatch(t["number"]):
        raise BadInput(f"{where}: field 'number' must be digits and spaces")
    if not t["source_url"].startswith("https://"):
        raise BadInput(f"{where}: field 'source_url' must be an https:// address")
    if not isinstance(t.get("last_verified"), date) or not isinstance(t.get("recheck"), bool):
        raise BadInput(f"{where}: fields 'last_verified' (a date) and 'recheck' (true or "
                       "false) are required")
    return Helpline(t["id"], t["name"], t["how"], t["number"], t["hours"], t["who_for"],
                    t["source_url"], t["last_verified"], t["recheck"], t.get("text_word", ""))


@cache
def helplines() -> tuple[Helpline, ...]:
    """The shipped support lines, in the file's order."""
    data = resources.files("kit.wellbeing").joinpath("data", "helplines.toml").read_text(
        encoding="utf-8")
    doc = tomllib.loads(data)
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise BadInput("helplines.toml: not a version 1 helplines file")
    lines = doc.get("helplines")
    if not isinstance(lines, list) or not lines:
        raise BadInput("helplines.toml: field 'helplines' must be a non-empty list")
    return tuple(_line(t, n) for n, t in enumerate(lines, 1))


def helplines_json() -> dict[str, Any]:
    return {"emergency": EMERGENCY, "helplines": [h.to_json() for h in helplines()]}
