"""Support lines, from the shipped data/helplines.toml, each with its source and, once it has
been compared with that source, the date of the comparison (docs/content-review.md); until then
it says "Not yet checked against its source", never a date. The emergency line is fixed here in
code: it must never depend on a file.

A line is for the whole UK unless its `regions` name the nations it serves (Breathing Space is
for Scotland). helplines_for() follows the checklists' rule (Item.applies_to): a user who chose
a nation sees the UK-wide lines and that nation's; one who chose "uk" sees every line, each
nation's line labelled with its nation (name_for). The lines are all UK services, so a user
who chose "us" or "any" sees every line too, labelled, rather than none."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

from kit.errors import BadInput
from kit.guidance.checklists import REGIONS, UK_NATIONS, labelled_for, nations_label

EMERGENCY = "In an emergency, or if a life is at risk right now, call 999."
FORMAT = "frontline-kit-helplines"
VERSION = 1

_FIELDS = {"id", "name", "how", "number", "text_word", "hours", "who_for", "source_url",
           "last_verified", "recheck", "regions"}
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
    last_verified: date | None  # the day compared with source_url's text; None: not yet
    recheck: bool  # the research's only source is old: confirm before relying on it
    text_word: str = ""
    regions: tuple[str, ...] = ("uk",)  # as a checklist item's: "uk", or the nations it serves

    def applies_to(self, region: str) -> bool:
        """True when the line is for a user of *region*: the UK-wide lines and a nation's own
        for that nation; every line for "uk", and for "us" or "any" (all lines are UK ones)."""
        if region not in UK_NATIONS or "uk" in self.regions or "any" in self.regions:
            return True
        return region in self.regions

    @property
    def nations(self) -> str:
        """The UK nations the line is for ("England and Wales"), or "" for a UK-wide line."""
        return nations_label(self.regions)

    def name_for(self, region: str) -> str:
        """The name as shown to a user of *region* (labelled_for)."""
        return labelled_for(self.name, self.regions, region)

    @property
    def checked(self) -> str:
        """Whether the details were compared with the source, and when: never a date that was
        not such a comparison."""
        if self.last_verified is None:
            return "Not yet checked against its source"
        return f"Checked against its source on {self.last_verified:%d %b %Y}"

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
                "last_verified": self.last_verified.isoformat() if self.last_verified else None,
                "checked": self.checked, "recheck": self.recheck,
                "regions": list(self.regions), "nations": self.nations or None}


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
    day = t.get("last_verified")
    if day is not None and (isinstance(day, datetime) or not isinstance(day, date)):
        raise BadInput(f"{where}: field 'last_verified' must be a date, or left out until the "
                       "line has been compared with its source")
    if not isinstance(t.get("recheck"), bool):
        raise BadInput(f"{where}: field 'recheck' (true or false) is required")
    regions = t.get("regions", ["uk"])
    if (not isinstance(regions, list) or not regions or len(set(regions)) != len(regions)
            or any(r not in REGIONS for r in regions)):
        raise BadInput(f"{where}: field 'regions' must be a list of one or more of "
                       f"{', '.join(REGIONS)}, none twice")
    return Helpline(t["id"], t["name"], t["how"], t["number"], t["hours"], t["who_for"],
                    t["source_url"], day, t["recheck"], t.get("text_word", ""), tuple(regions))


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


def helplines_for(region: str) -> tuple[Helpline, ...]:
    """The lines a user of *region* sees (config.region), in the file's order."""
    return tuple(h for h in helplines() if h.applies_to(region))


def helplines_json(region: str = "uk") -> dict[str, Any]:
    """The emergency line and the lines for *region* ("uk", the default, is every line)."""
    return {"emergency": EMERGENCY, "region": region,
            "helplines": [h.to_json() for h in helplines_for(region)]}
