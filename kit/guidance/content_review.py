"""The content review record (docs/content-review/) and the kit's own content lint.

An item's date means one thing: the day its claims were compared with the text of a source it
cites. The record holds, per item, that comparison (the page read, which copy of it, what it
says, what changed in the item) or, where no comparison has been made yet, why not. The lint
holds the shipped checklists to the record:

- every item has exactly one entry in the record, and the record names no unknown item;
- an item carries a date only when its entry records a comparison, and the two dates agree;
- every page an entry says was read is one the item cites;
- an item making a UK legal or process claim cites a primary page (PRIMARY_HOSTS), unless its
  entry records that the primary page is still missing, and why (a debt that is written down,
  and that the lint reports as stale once a primary page is cited);
- every item says what kind of claim it makes;
- every stage of the "It's happening now" walk-through has an item, in each region;
- the support lines (kit/wellbeing/data/helplines.toml) follow the same date rule, each with
  its own entry under [[helplines]], and cite the helpline's own site (lint_helplines);
- so do the official removal routes (kit/removals/data/routes.toml), each with its entry under
  [[routes]] in removal-routes.toml, a source for each, and no command in their text
  (lint_routes).

This is the kit's rule for its own content, not the reader's: a checklist an organisation
writes loads without any record (docs/checklist-format.md).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from kit.guidance.checklists import STAGES, Item, Library, Problem, Section


class Helpline(Protocol):
    """What the lint reads of a support line (kit.wellbeing.helplines.Helpline is one). Guidance
    sits below wellbeing and removals, so it names the fields it reads instead of importing them."""

    @property
    def id(self) -> str: ...
    @property
    def source_url(self) -> str: ...
    @property
    def last_verified(self) -> date | None: ...


class Route(Helpline, Protocol):
    """What the lint reads of an official removal route (kit.removals.routes.Route is one)."""

    @property
    def name(self) -> str: ...
    @property
    def what(self) -> str: ...


FORMAT = "frontline-kit-content-review"
VERSION = 1
UK_CLAIMS = ("uk-legal", "uk-process")
WALK_THROUGH_REGIONS = ("uk", "us")

# The primary pages for UK legal and process claims: government, regulators, the police and
# the NCA, the registers, and the helplines' and services' own sites. A host matches itself
# and any name under it (www.gov.uk, ico.org.uk, devon-cornwall.police.uk).
PRIMARY_HOSTS: tuple[str, ...] = (
    "gov.uk", "gov.scot", "gov.wales", "legislation.gov.uk", "nidirect.gov.uk",
    "ico.org.uk", "electoralcommission.org.uk", "eoni.org.uk", "police.uk", "psni.police.uk",
    "nationalcrimeagency.gov.uk", "cps.gov.uk", "ncsc.gov.uk", "ros.gov.uk",
    "socialworkengland.org.uk", "socialcare.wales", "sssc.uk.com", "niscc.info", "gtcs.org.uk",
    "scwonline.wales", "niscconline.hscni.net",  # Social Care Wales's and the NISCC's own portals
    "ewc.wales", "gtcni.org.uk", "companieshouse.org.uk",
    "nominet.uk", "nominet.org.uk",  # the .uk registry: its current and its older domain
    "swgfl.org.uk", "saferinternet.org.uk", "reportharmfulcontent.com",
    "revengepornhelpline.org.uk", "stopncii.org", "iwf.org.uk",
    "samaritans.org", "giveusashout.org", "educationsupport.org.uk", "policecare.org.uk",
    "oscarkilo.org.uk", "suzylamplugh.org", "victimsupport.org.uk",
    "victimsupport.scot",  # Victim Support Scotland's own site
    "publichealth.hscni.net",  # Northern Ireland's Public Health Agency (HSC), behind Lifeline
    "educationsupportpartnership.org.uk",
    "breathingspace.scot",  # Scotland's Breathing Space line, run by NHS 24: its own site
    "cifas.org.uk",  # runs Protective Registration: its own site is primary for that service
)

_ENTRY_KEYS = ("id", "compared_on", "changed", "read", "not_checked", "no_primary_source")
_READ_KEYS = ("url", "copy", "copy_date", "says")


@dataclass(frozen=True)
class Reading:
    """One source read for a comparison: its address, which copy was read and its date, and
    what it says, in our words."""

    url: str
    copy: str
    copy_date: date
    says: str


@dataclass(frozen=True)
class Entry:
    """One item's line in the record."""

    id: str
    compared_on: date | None
    changed: str
    read: tuple[Reading, ...]
    not_checked: str
    no_primary_source: str
    file: str | None = None  # the record file it came from, when the record is a folder


def is_primary(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in PRIMARY_HOSTS)


def record_path() -> Path:
    """docs/content-review/ at the top of the source tree: one file per checklist file, named
    as it is (10-triage.toml), and helplines.toml for the support lines."""
    return Path(__file__).resolve().parents[2] / "docs" / "content-review"


def read_record(path: Path, table: str = "items") -> tuple[dict[str, Entry], list[Problem]]:
    """The record's entries by id ([[items]] for checklist items, [[helplines]] for support
    lines), and every problem with the record itself. *path* is one record file, or a folder
    of them (each entry then remembers its file, so the lint can say where it belongs)."""
    if not path.is_dir():
        return _read_record_file(path, table, required=True)
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    for file in sorted(path.glob("*.toml")):
        found, bad = _read_record_file(file, table, required=False)
        problems += bad
        for entry_id, entry in found.items():
            if entry_id in entries:
                problems.append(Problem(str(file), entry_id, "id",
                                        f"has a second entry (the first is in "
                                        f"{entries[entry_id].file}); each item has one"))
            else:
                entries[entry_id] = replace(entry, file=file.name)
    return entries, problems


def _read_record_file(path: Path, table: str,
                      required: bool) -> tuple[dict[str, Entry], list[Problem]]:
    shown = str(path)
    problems: list[Problem] = []

    def bad(message: str, item: str | None = None, field: str | None = None) -> None:
        problems.append(Problem(shown, item, field, message))

    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        bad(f"cannot be read: {exc}")
        return {}, problems
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        bad(f'must start with format = "{FORMAT}" and version = {VERSION}')
        return {}, problems
    raw = doc.get(table, None if required else [])
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        bad(f"must hold [[{table}]] tables", None, table)
        return {}, problems
    entries: dict[str, Entry] = {}
    for n, fields in enumerate(raw, 1):
        entry = _entry(fields, n, bad)
        if entry is None:
            continue
        if entry.id in entries:
            bad("has a second entry; each item has one", entry.id, "id")
        else:
            entries[entry.id] = entry
    return entries, problems


def _text_or_empty(table: Mapping[str, Any], key: str) -> str:
    value = table.get(key, "")
    return value.strip() if isinstance(value, str) else ""


def _entry(table: Mapping[str, Any], n: int,
           bad: Callable[[str, str | None, str | None], None]) -> Entry | None:
    item_id = table.get("id")
    label = item_id if isinstance(item_id, str) and item_id else f"#{n}"
    for key in table:
        if key not in _ENTRY_KEYS:
            bad(f"is not a field of the record (allowed: {', '.join(_ENTRY_KEYS)})", label,
                str(key))
    if not isinstance(item_id, str) or not item_id:
        bad("is missing", label, "id")
        return None
    compared = table.get("compared_on")
    if compared is not None and (isinstance(compared, datetime)
                                 or not isinstance(compared, date)):
        bad("must be a TOML date such as 2026-12-07", label, "compared_on")
        return None
    not_checked = _text_or_empty(table, "not_checked")
    changed = _text_or_empty(table, "changed")
    readings: list[Reading] = []
    if compared is None:
        if not not_checked:
            bad("has no comparison (compared_on) and does not say why (not_checked): write "
                '"not yet checked against its source" and the reason', label, "not_checked")
            return None
        if "read" in table or changed:
            bad("records pages read or changes but no compared_on date", label, "compared_on")
            return None
    else:
        if not_checked:
            bad("has both a comparison date and not_checked; keep one", label, "not_checked")
            return None
        if not changed:
            bad('is missing: say what changed in the item (or "nothing")', label, "changed")
            return None
        raw = table.get("read")
        if not isinstance(raw, list) or not raw:
            bad("is missing: name each page read ([[items.read]] with url, copy, copy_date "
                "and says)", label, "read")
            return None
        for k, reading in enumerate(raw, 1):
            where = f"read[{k}]"
            if not isinstance(reading, dict) or set(reading) != set(_READ_KEYS):
                bad(f"must have exactly the fields {', '.join(_READ_KEYS)}", label, where)
                return None
            copy_date = reading["copy_date"]
            if isinstance(copy_date, datetime) or not isinstance(copy_date, date):
                bad("must be a TOML date", label, where + ".copy_date")
                return None
            texts = [reading[key] for key in ("url", "copy", "says")]
            if not all(isinstance(t, str) and t.strip() for t in texts):
                bad("url, copy and says must be non-empty text", label, where)
                return None
            readings.append(Reading(reading["url"].strip(), reading["copy"].strip(), copy_date,
                                    reading["says"].strip()))
    return Entry(item_id, compared, changed, tuple(readings), not_checked,
                 _text_or_empty(table, "no_primary_source"))


def lint(sections: Iterable[Section], entries: Mapping[str, Entry], record: str,
         today: date | None = None) -> list[Problem]:
    """Every way the checklists and the record disagree with the rules above."""
    today = today or date.today()
    sections = tuple(sections)
    problems: list[Problem] = []
    seen: set[str] = set()
    for section in sections:
        shown = str(section.path)
        for item in section.items:
            seen.add(item.id)
            problems += _lint_item(item, entries.get(item.id), shown, record, today)
    for item_id in entries:
        if item_id not in seen:
            problems.append(Problem(record, item_id, "id", "names no item in the checklists; "
                                    "remove the entry or fix the id"))
    for section in sections:
        for item in section.items:
            problems += _lint_command_words(item, str(section.path))
    library = Library(sections)
    for region in WALK_THROUGH_REGIONS:
        shown_items = library.for_region(region)
        for stage, title in STAGES:
            if not any(item.stage == stage for item in shown_items):
                problems.append(Problem("checklists", None, f"stage {stage}",
                                        f'"{title}" has no item for region {region}: every '
                                        "stage of the walk-through needs at least one"))
    return problems


# Command syntax: code quotes, or the kit's own command. The app shows every item (in Prepare,
# and in the walk-through to a frightened person) and never shows a command; an item's in_app
# gives its button, and the command the command line prints instead.
_COMMAND = re.compile(
    r"`|--[a-z]|\bkit (?:init|passwd|recover|keyring|vault|journal|exposure|checkin|instrument|"
    r"helplines|grounding|demo|incident|evidence|letter|checklist|safety-plan|scan|check|sites|"
    r"share|id|supervision|team|action|findings|ledger|search-queries|removal)\b")


def _lint_command_words(item: Item, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    for field, texts in (("steps", item.steps), ("why", (item.why,)),
                         ("caution", (item.caution,))):
        for text in texts:
            found = _COMMAND.search(text)
            if found:
                problems.append(Problem(
                    shown, item.id, field,
                    f"has command syntax ({found.group(0)!r}): the app shows every item and "
                    "never a command; say it in plain words, and give the item an in_app "
                    "for the app's button and the command line's command"))
                break
    return problems


def _lint_item(item: Item, entry: Entry | None, shown: str, record: str,
               today: date) -> list[Problem]:
    problems: list[Problem] = []

    def bad(message: str, field: str, where: str = shown) -> None:
        problems.append(Problem(where, item.id, field, message))

    if item.claim is None:
        bad('is missing: say what the item claims ("uk-legal", "uk-process" or "how-to"), '
            "so the lint can hold UK claims to a primary source", "claim")
    if item.last_verified is not None and item.last_verified > today:
        bad(f"{item.last_verified} is in the future", "last_verified")
    primary = [s.url for s in item.sources if is_primary(s.url)]
    if item.claim in UK_CLAIMS and not primary and not (entry and entry.no_primary_source):
        bad(f"makes a {item.claim} claim but cites no primary page (gov.uk, the ICO, the "
            "CPS, the NCSC, police.uk, the registers, the helpline's own site …)", "sources")
    if entry is None:
        bad("has no entry in the content review record: add one, saying what was compared or "
            '"not yet checked against its source" and why', "id", record)
        return problems
    if entry.file is not None and entry.file != Path(shown).name:
        bad(f"its entry is in {entry.file}; it belongs in {Path(shown).name}, the record file "
            "named after the item's checklist", "id", record)
    if entry.no_primary_source and (primary or item.claim not in UK_CLAIMS):
        bad("is recorded as lacking a primary page, but "
            + ("cites one: " + primary[0] if primary else f"its claim is {item.claim}")
            + "; remove no_primary_source from the record", "no_primary_source", record)
    if entry.compared_on is None:
        if item.last_verified is not None:
            bad(f"has the date {item.last_verified} but no check record: the record says it "
                f"was not compared with its source ({entry.not_checked}); remove the date or "
                "record the comparison", "last_verified")
        return problems
    if entry.compared_on > today:
        bad(f"{entry.compared_on} is in the future", "compared_on", record)
    if item.last_verified != entry.compared_on:
        bad(f"is {item.last_verified or 'missing'} but the record compared the item with its "
            f"source on {entry.compared_on}; the two must be the same day", "last_verified")
    cited = {s.url for s in item.sources}
    for n, reading in enumerate(entry.read, 1):
        if reading.url not in cited:
            bad(f"{reading.url} is not one of the item's sources: a check compares the item "
                "with a page it cites", f"read[{n}].url", record)
        if reading.copy_date > today:
            bad(f"{reading.copy_date} is in the future", f"read[{n}].copy_date", record)
    return problems


def lint_helplines(lines: Iterable[Helpline], entries: Mapping[str, Entry], record: str,
                   today: date | None = None) -> list[Problem]:
    """The date rule for the support lines: a line shows a date only when its entry records a
    comparison with its source_url that day; every line has an entry; its source is primary,
    unless the entry records why not."""
    today = today or date.today()
    shown = "kit/wellbeing/data/helplines.toml"
    problems: list[Problem] = []
    seen: set[str] = set()

    def bad(line: str, message: str, field: str, where: str = shown) -> None:
        problems.append(Problem(where, line, field, message))

    for line in lines:
        seen.add(line.id)
        entry = entries.get(line.id)
        primary = is_primary(line.source_url)
        if not primary and not (entry and entry.no_primary_source):
            bad(line.id, f"{line.source_url} is not the helpline's own site or another primary "
                "page", "source_url")
        if entry is None:
            bad(line.id, "has no [[helplines]] entry in the content review record", "id", record)
            continue
        if entry.file is not None and entry.file != "helplines.toml":
            bad(line.id, f"its entry is in {entry.file}; it belongs in helplines.toml", "id",
                record)
        if entry.no_primary_source and primary:
            bad(line.id, f"is recorded as lacking a primary page, but cites one: "
                f"{line.source_url}; remove no_primary_source", "no_primary_source", record)
        if entry.compared_on is None:
            if line.last_verified is not None:
                bad(line.id, f"has the date {line.last_verified} but no check record: the "
                    f"record says it was not compared with its source ({entry.not_checked})",
                    "last_verified")
            continue
        if entry.compared_on > today:
            bad(line.id, f"{entry.compared_on} is in the future", "compared_on", record)
        if line.last_verified != entry.compared_on:
            bad(line.id, f"is {line.last_verified or 'missing'} but the record compared the "
                f"line with its source on {entry.compared_on}; the two must be the same day",
                "last_verified")
        for n, reading in enumerate(entry.read, 1):
            if reading.url != line.source_url:
                bad(line.id, f"{reading.url} is not the line's source_url", f"read[{n}].url",
                    record)
    for line_id in entries:
        if line_id not in seen:
            bad(line_id, "names no support line; remove the entry or fix the id", "id", record)
    return problems


def lint_routes(routes: Iterable[Route], entries: Mapping[str, Entry], record: str,
                today: date | None = None) -> list[Problem]:
    """The date rule for the official removal routes: a route shows a date only when its entry
    records a comparison with its source_url that day; every route has an entry, and every
    entry a route; each names its source; and none puts a command in front of the user."""
    today = today or date.today()
    shown = "kit/removals/data/routes.toml"
    problems: list[Problem] = []
    seen: set[str] = set()

    def bad(route: str, message: str, field: str, where: str = shown) -> None:
        problems.append(Problem(where, route, field, message))

    for route in routes:
        seen.add(route.id)
        if not route.source_url.strip():
            bad(route.id, "is missing: name the official page the route was read from",
                "source_url")
        for field, text in (("name", route.name), ("what", route.what)):
            found = _COMMAND.search(text)
            if found:
                bad(route.id, f"has command syntax ({found.group(0)!r}): the app shows every "
                    "route and never a command; say it in plain words", field)
        entry = entries.get(route.id)
        if entry is None:
            bad(route.id, "has no [[routes]] entry in the content review record", "id", record)
            continue
        if entry.file is not None and entry.file != "removal-routes.toml":
            bad(route.id, f"its entry is in {entry.file}; it belongs in removal-routes.toml",
                "id", record)
        if entry.compared_on is None:
            if route.last_verified is not None:
                bad(route.id, f"has the date {route.last_verified} but no check record: the "
                    f"record says it was not compared with its source ({entry.not_checked})",
                    "last_verified")
            continue
        if entry.compared_on > today:
            bad(route.id, f"{entry.compared_on} is in the future", "compared_on", record)
        if route.last_verified != entry.compared_on:
            bad(route.id, f"is {route.last_verified or 'missing'} but the record compared the "
                f"route with its source on {entry.compared_on}; the two must be the same day",
                "last_verified")
        for n, reading in enumerate(entry.read, 1):
            if reading.url != route.source_url:
                bad(route.id, f"{reading.url} is not the route's source_url", f"read[{n}].url",
                    record)
            if reading.copy_date > today:
                bad(route.id, f"{reading.copy_date} is in the future", f"read[{n}].copy_date",
                    record)
    for route_id in entries:
        if route_id not in seen:
            bad(route_id, "names no removal route; remove the entry or fix the id", "id",
                record)
    return problems
