"""Check-in instruments: the TOML format (docs/instrument-format.md), parsed and validated.

An instrument file is untrusted input: an organisation may hand one round, and anyone may
edit it. Every field is checked, nothing unknown is accepted, every text is length-capped and
free of control characters (they could rewrite the terminal), and every error names the file,
the item or section and the field, so the author can fix it without reading this code.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NoReturn
from urllib.parse import urlsplit

from kit.bounded_read import read_bounded
from kit.errors import BadInput, FileRefused
from kit.outside_data import Malformed, parse_toml

FORMAT = "frontline-kit-instrument"
VERSION = 2  # version 2 added the optional band `label`; version 1 files still read
MAX_BYTES = 256 * 1024
MAX_ITEMS = 200
MAX_SUBSCALES = 20
MAX_BANDS = 10
SCALE_LIMIT = 100  # answers lie in -100..100 ...
MAX_SCALE_SPAN = 100  # ... and one scale spans at most 100 points
MAX_MULTIPLIER = 1000
MAX_EVERY_DAYS = 365
BUILTIN = "pulse"

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_INT_KEY = re.compile(r"-?(0|[1-9][0-9]{0,2})")
# Bidirectional overrides can make text read differently from what it is (CVE-2021-42574).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")

Method = Literal["sum", "mean"]


class InstrumentError(BadInput):
    """An instrument file is malformed; says which file, which item or section, which field."""

    code = "bad_instrument"

    def __init__(self, file: str, problem: str, place: str | None = None,
                 field: str | None = None) -> None:
        parts = [file, *([place] if place else []), *([f"field '{field}'"] if field else [])]
        super().__init__(_printable(": ".join(parts) + " " + problem))
        self.file, self.place, self.field, self.problem = file, place, field, problem


def _printable(message: str) -> str:
    """Escape control and bidi characters: messages quote names straight from the file, and
    they are printed to a terminal."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cc" or ch in _BIDI
                   else ch for ch in message)


@dataclass(frozen=True)
class Scale:
    """The answers every item accepts: whole numbers from min to max, some with labels."""

    min: int
    max: int
    labels: Mapping[int, str]

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)

    def label(self, value: int) -> str | None:
        return self.labels.get(value)

    def reverse(self, answer: int) -> int:
        """The reverse-scored value: min + max - answer (applying it twice gives the answer)."""
        return self.min + self.max - answer


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Band:
    """A named score range, inclusive at both ends; a concerning band prompts gentle support."""

    name: str
    low: Fraction
    high: Fraction
    description: str
    concern: bool
    label: str = ""  # the words people see; `name` stays the id saved check-ins refer to

    def holds(self, score: Fraction) -> bool:
        return self.low <= score <= self.high

    @property
    def shown(self) -> str:
        """The band as people read it: its label, else its name."""
        return self.label or self.name


@dataclass(frozen=True)
class Subscale:
    id: str
    name: str
    items: tuple[str, ...]
    method: Method
    multiplier: Fraction
    higher_is_better: bool
    meaningful_change: Fraction | None
    bands: tuple[Band, ...]

    def band_for(self, score: Fraction) -> Band:
        for band in self.bands:
            if band.holds(score):
                return band
        # Validation proved every possible score lies in exactly one band.
        raise AssertionError(f"score {score} of subscale {self.id!r} is in no band")

    def possible(self, scale: Scale) -> tuple[Fraction, Fraction, Fraction]:
        """(lowest, highest, step) of the scores this subscale can give."""
        n = len(self.items)
        divisor = n if self.method == "mean" else 1
        unit = self.multiplier / divisor
        return n * scale.min * unit, n * scale.max * unit, unit


@dataclass(frozen=True)
class Instrument:
    """A validated instrument. `text` is the exact file it came from; `digest` its SHA-256."""

    id: str
    name: str
    short_name: str
    description: str
    recall_period: str
    attribution: str
    licence: str
    source_url: str  # "" when the instrument has no public home (our own pulse)
    recommended_every_days: int
    wording_changed: bool
    scale: Scale
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    text: str
    digest: str
    builtin: bool = False

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def subscale(self, subscale_id: str) -> Subscale:
        for sub in self.subscales:
            if sub.id == subscale_id:
                return sub
        raise KeyError(subscale_id)

    def band_label(self, subscale_id: str, band: str) -> str:
        """How to show a saved band name: its label in this version, else the name itself
        (a band renamed or removed since, or a subscale this version lacks)."""
        for sub in self.subscales:
            if sub.id == subscale_id:
                return next((b.shown for b in sub.bands if b.name == band), band)
        return band

    @property
    def credit(self) -> str:
        """The attribution as shown on screen, marked when the wording was changed."""
        return f"Adapted from {self.attribution}" if self.wording_changed else self.attribution

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "short_name": self.short_name,
            "description": self.description, "recall_period": self.recall_period,
            "attribution": self.attribution, "licence": self.licence,
            "source_url": self.source_url,
            "recommended_every_days": self.recommended_every_days,
            "wording_changed": self.wording_changed, "builtin": self.builtin,
            "digest": self.digest,
            "scale": {"min": self.scale.min, "max": self.scale.max,
                      "labels": {str(k): v for k, v in sorted(self.scale.labels.items())}},
            "items": [{"id": i.id, "text": i.text, "reverse": i.reverse} for i in self.items],
            "subscales": [{
                "id": s.id, "name": s.name, "items": list(s.items), "method": s.method,
                "multiplier": number(s.multiplier), "higher_is_better": s.higher_is_better,
                "meaningful_change": (None if s.meaningful_change is None
                                      else number(s.meaningful_change)),
                "bands": [{"name": b.name, "label": b.shown, "from": number(b.low),
                           "to": number(b.high), "description": b.description,
                           "concern": b.concern}
                          for b in s.bands],
            } for s in self.subscales],
        }


def number(value: Fraction) -> int | float:
    """A score for JSON and screens: an int when whole, else rounded to 2 places."""
    if value.denominator == 1:
        return int(value)
    # Halves round up, as people round (round() would give 0.12 for 1/8, banker's style).
    return math.floor(value * 100 + Fraction(1, 2)) / 100


def show_number(value: Fraction | float) -> str:
    """A score as people read it: '60', '6.5', '3.83'."""
    shown = number(value if isinstance(value, Fraction) else Fraction(repr(value)))
    return str(shown) if isinstance(shown, int) else f"{shown:.2f}".rstrip("0").rstrip(".")


# --- reading ---


def parse(data: bytes | str, name: str, *, builtin: bool = False) -> Instrument:
    """Validate an instrument file's contents; *name* is how errors refer to the file."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > MAX_BYTES:
        raise InstrumentError(name, f"is larger than {MAX_BYTES // 1024} KiB, the most an "
                              "instrument file may be")
    try:
        text = raw.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise InstrumentError(name, "is not UTF-8 text") from None
    try:
        doc = parse_toml(text)
    except Malformed as exc:
        raise InstrumentError(name, exc.reason) from None
    instrument = _Reader(name).document(doc)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Instrument(**instrument, text=text, digest=digest, builtin=builtin)


def load_file(path: Path) -> Instrument:
    """Read and validate the instrument file at *path* (errors name the file)."""
    try:
        data = read_bounded(path, MAX_BYTES, "instrument file")
    except FileRefused as exc:  # a pipe, a device, too large, missing: named like the rest
        raise InstrumentError(str(path), exc.reason) from None
    return parse(data, path.name)


@cache
def builtin_instruments() -> tuple[Instrument, ...]:
    """The instruments shipped with the kit: our own pulse check-in."""
    data = resources.files("kit.wellbeing").joinpath("data", f"{BUILTIN}.toml").read_bytes()
    return (parse(data, f"{BUILTIN}.toml", builtin=True),)


# --- validation ---


def _cut(name: str) -> str:
    """A name from the file, shortened for quoting in a message."""
    return name if len(name) <= 40 else name[:40] + "…"


class _Reader:
    """Checks one parsed document; every error carries the file name."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.version = VERSION  # the file's own, once read: it decides which fields exist

    def fail(self, problem: str, place: str | None = None,
             field: str | None = None) -> NoReturn:
        raise InstrumentError(self.file, problem, place, field)

    def table(self, value: object, place: str | None, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail("must be a table", place, field)
        return value

    def known(self, table: Mapping[str, Any], allowed: Iterable[str], place: str | None) -> None:
        allowed = set(allowed)
        for key in table:
            if key not in allowed:
                self.fail(f"is not part of instrument format version {self.version} "
                          f"(allowed here: {', '.join(sorted(allowed))})", place, _cut(key))

    def required(self, table: Mapping[str, Any], key: str, place: str | None) -> Any:
        if key not in table:
            self.fail("is missing", place, key)
        return table[key]

    def text(self, table: Mapping[str, Any], key: str, place: str | None, limit: int, *,
             multiline: bool = False, optional: bool = False) -> str:
        if optional and key not in table:
            return ""
        value = self.required(table, key, place)
        if not isinstance(value, str) or not value.strip():
            self.fail("must be a non-empty string", place, key)
        if len(value) > limit:
            self.fail(f"is {len(value)} characters; at most {limit} are allowed", place, key)
        for ch in value:
            if ch in "\n\t" and multiline:
                continue
            if unicodedata.category(ch) == "Cc" or ch in _BIDI:
                self.fail(f"contains the control character U+{ord(ch):04X}; remove it",
                          place, key)
        return value.strip()

    def boolean(self, table: Mapping[str, Any], key: str, place: str | None,
                default: bool | None = None) -> bool:
        if default is not None and key not in table:
            return default
        value = self.required(table, key, place)
        if not isinstance(value, bool):
            self.fail("must be true or false", place, key)
        return value

    def integer(self, table: Mapping[str, Any], key: str, place: str | None,
                low: int, high: int) -> int:
        value = self.required(table, key, place)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(f"must be a whole number from {low} to {high}", place, key)
        return value

    def decimal(self, table: Mapping[str, Any], key: str, place: str | None) -> Fraction:
        value = self.required(table, key, place)
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                isinstance(value, float) and not math.isfinite(value)):
            self.fail("must be a number", place, key)
        # repr() gives the shortest decimal that round-trips, so 6.4 means exactly 6.4.
        return Fraction(value) if isinstance(value, int) else Fraction(repr(value))

    def slug(self, table: Mapping[str, Any], key: str, place: str | None) -> str:
        value = self.required(table, key, place)
        if not isinstance(value, str) or not _SLUG.fullmatch(value):
            self.fail("must be 1 to 40 lower-case letters, digits, '-' or '_', starting with "
                      "a letter or digit", place, key)
        return value

    def array(self, value: object, place: str | None, field: str, limit: int) -> list[Any]:
        if not isinstance(value, list) or not value:
            self.fail("must be a non-empty list", place, field)
        if len(value) > limit:
            self.fail(f"has {len(value)} entries; at most {limit} are allowed", place, field)
        return value

    # --- the document, section by section ---

    def document(self, doc: dict[str, Any]) -> dict[str, Any]:
        # Format and version first, so a newer file gets "made for a newer kit", not
        # complaints about fields this kit has never heard of.
        fmt = self.required(doc, "format", None)
        if fmt != FORMAT:
            self.fail(f'must be "{FORMAT}"', None, "format")
        version = self.required(doc, "version", None)
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.fail(f"must be a whole number (this kit reads versions 1 to {VERSION})", None,
                      "version")
        if version > VERSION:
            self.fail(f"was made for a newer Frontline Kit (instrument format version "
                      f"{version}; this kit reads version {VERSION}). Update Frontline Kit to "
                      "use it")
        self.version = version
        self.known(doc, ("format", "version", "instrument", "scale", "items", "subscales"),
                   None)
        head = self.instrument(self.table(self.required(doc, "instrument", None), None,
                                          "instrument"))
        scale = self.scale(self.table(self.required(doc, "scale", None), None, "scale"))
        items = self.items(self.required(doc, "items", None))
        subscales = self.subscales(self.required(doc, "subscales", None), items, scale)
        return {**head, "scale": scale, "items": items, "subscales": subscales}

    def instrument(self, t: dict[str, Any]) -> dict[str, Any]:
        place = "[instrument]"
        self.known(t, ("id", "name", "short_name", "description", "recall_period",
                       "attribution", "licence", "source_url", "recommended_every_days",
                       "wording_changed"), place)
        head = {
            "id": self.slug(t, "id", place),
            "name": self.text(t, "name", place, 100),
            "short_name": self.text(t, "short_name", place, 24),
            "description": self.text(t, "description", place, 2000, multiline=True,
                                     optional=True),
            "recall_period": self.text(t, "recall_period", place, 200),
            "attribution": self.text(t, "attribution", place, 1000, multiline=True),
            "licence": self.text(t, "licence", place, 4000, multiline=True),
            "source_url": self.url(t, "source_url", place) if "source_url" in t else "",
            "recommended_every_days": self.integer(t, "recommended_every_days", place, 1,
                                                   MAX_EVERY_DAYS),
            "wording_changed": self.boolean(t, "wording_changed", place),
        }
        return head

    def url(self, t: Mapping[str, Any], key: str, place: str) -> str:
        value = self.text(t, key, place, 500)
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in value):
            self.fail("must be an https:// address", place, key)
        if "@" in parts.netloc:  # user@host addresses are a classic way to disguise a link
            self.fail("must not contain a user name ('@')", place, key)
        return value

    def scale(self, t: dict[str, Any]) -> Scale:
        place = "[scale]"
        self.known(t, ("min", "max", "labels"), place)
        low = self.integer(t, "min", place, -SCALE_LIMIT, SCALE_LIMIT)
        high = self.integer(t, "max", place, -SCALE_LIMIT, SCALE_LIMIT)
        if low >= high:
            self.fail(f"must be greater than min ({low})", place, "max")
        if high - low > MAX_SCALE_SPAN:
            self.fail(f"is more than {MAX_SCALE_SPAN} above min", place, "max")
        raw = self.table(self.required(t, "labels", place), place, "labels")
        labels: dict[int, str] = {}
        for key in raw:
            if not _INT_KEY.fullmatch(key) or not low <= int(key) <= high:
                self.fail(f"has the key '{_cut(key)}'; keys must be answer values from {low} to "
                          f"{high}", place, "labels")
            labels[int(key)] = self.text(raw, key, "[scale.labels]", 60)
        if set(labels) not in ({low, high}, set(range(low, high + 1))):
            self.fail(f"must label every value from {low} to {high}, or just the two ends "
                      f"({low} and {high})", place, "labels")
        return Scale(low, high, dict(sorted(labels.items())))

    def identified(self, value: object, kind: str, field: str,
                   limit: int) -> Iterator[tuple[dict[str, Any], str, str]]:
        """Each table of an array of tables (items, subscales) with its id, which must be
        unique, and its place for messages ("item 'q3'")."""
        seen: set[str] = set()
        for n, raw in enumerate(self.array(value, None, field, limit), 1):
            t = self.table(raw, f"{kind} {n}", field)
            ident = self.slug(t, "id", f"{kind} {n}")
            place = f"{kind} '{ident}'"
            if ident in seen:
                self.fail(f"is used by more than one {kind}", place, "id")
            seen.add(ident)
            yield t, ident, place

    def items(self, value: object) -> tuple[Item, ...]:
        items: list[Item] = []
        for t, item_id, place in self.identified(value, "item", "items", MAX_ITEMS):
            self.known(t, ("id", "text", "reverse"), place)
            items.append(Item(item_id, self.text(t, "text", place, 500),
                              self.boolean(t, "reverse", place, default=False)))
        return tuple(items)

    def subscales(self, value: object, items: tuple[Item, ...],
                  scale: Scale) -> tuple[Subscale, ...]:
        item_ids = {i.id for i in items}
        subscales: list[Subscale] = []
        for t, sub_id, place in self.identified(value, "subscale", "subscales", MAX_SUBSCALES):
            self.known(t, ("id", "name", "items", "method", "multiplier", "higher_is",
                           "meaningful_change", "bands"), place)
            members = self.array(self.required(t, "items", place), place, "items", MAX_ITEMS)
            for member in members:
                if not isinstance(member, str):
                    self.fail("must list item ids as strings", place, "items")
                if member not in item_ids:
                    self.fail(f"names '{_cut(member)}', which is not an item id", place,
                              "items")
            if len(set(members)) != len(members):
                self.fail("names the same item twice", place, "items")
            method = self.required(t, "method", place)
            if method not in ("sum", "mean"):
                self.fail('must be "sum" or "mean"', place, "method")
            multiplier = self.decimal(t, "multiplier", place) if "multiplier" in t else \
                Fraction(1)
            if not 0 < multiplier <= MAX_MULTIPLIER:
                self.fail(f"must be above 0 and at most {MAX_MULTIPLIER}", place, "multiplier")
            direction = self.required(t, "higher_is", place)
            if direction not in ("better", "worse"):
                self.fail('must be "better" or "worse"', place, "higher_is")
            change = self.decimal(t, "meaningful_change", place) \
                if "meaningful_change" in t else None
            if change is not None and change <= 0:
                self.fail("must be above 0", place, "meaningful_change")
            sub = Subscale(sub_id, self.text(t, "name", place, 100), tuple(members), method,
                           multiplier, direction == "better", change, ())
            bands = self.bands(self.required(t, "bands", place), sub, scale, place)
            subscales.append(Subscale(sub.id, sub.name, sub.items, sub.method, sub.multiplier,
                                      sub.higher_is_better, sub.meaningful_change, bands))
        return tuple(subscales)

    def bands(self, value: object, sub: Subscale, scale: Scale,
              place: str) -> tuple[Band, ...]:
        lowest, highest, step = sub.possible(scale)
        bands: list[Band] = []
        for n, raw in enumerate(self.array(value, place, "bands", MAX_BANDS), 1):
            t = self.table(raw, f"{place}: band {n}", "bands")
            name = self.text(t, "name", f"{place}: band {n}", 40)
            where = f"{place}: band '{name}'"
            self.known(t, ("name", "from", "to", "description", "concern",
                           *(("label",) if self.version >= 2 else ())), where)
            if any(b.name == name for b in bands):
                self.fail("is used by more than one band", where, "name")
            low, high = self.decimal(t, "from", where), self.decimal(t, "to", where)
            if low > high:
                self.fail(f"must not be below 'from' ({show_number(low)})", where, "to")
            band = Band(name, low, high, self.text(t, "description", where, 500),
                        self.boolean(t, "concern", where),
                        self.text(t, "label", where, 60, optional=True))
            self._fits(band, bands[-1] if bands else None, where, lowest, highest, step)
            bands.append(band)
        if bands[-1].high != highest:
            self.fail(f"must be the highest possible score, {show_number(highest)}",
                      f"{place}: band '{bands[-1].name}'", "to")
        return tuple(bands)

    def _fits(self, band: Band, before: Band | None, where: str, lowest: Fraction,
              highest: Fraction, step: Fraction) -> None:
        """Bands run from the lowest possible score to the highest, in order, and every
        possible score lies in exactly one of them (possible scores are lowest + k * step)."""
        first_in = lowest + math.ceil((band.low - lowest) / step) * step
        last_in = lowest + math.floor((band.high - lowest) / step) * step
        if before is None:
            if band.low != lowest:
                self.fail(f"must be the lowest possible score, {show_number(lowest)}",
                          where, "from")
        else:
            if band.low <= before.high:
                self.fail(f"overlaps band '{before.name}', which ends at "
                          f"{show_number(before.high)}; bands include both ends", where, "from")
            after_before = lowest + (math.floor((before.high - lowest) / step) + 1) * step
            if first_in > after_before:
                self.fail(f"leaves a gap: the possible score {show_number(after_before)} is "
                          f"in no band (band '{before.name}' ends at "
                          f"{show_number(before.high)})", where, "from")
        if band.high > highest:
            self.fail(f"must be at most the highest possible score, {show_number(highest)}",
                      where, "to")
        if first_in > last_in:
            self.fail(f"holds no possible score (scores run from {show_number(lowest)} to "
                      f"{show_number(highest)} in steps of {show_number(step)})", where, "to")
