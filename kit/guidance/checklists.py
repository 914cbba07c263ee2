"""Checklists: the TOML format (docs/checklist-format.md), loaded and validated.

A checklist file is untrusted input: the kit ships its own, and an organisation may add a
folder of its own through the config. Every field is checked and nothing unknown is accepted;
texts are length-capped and free of control characters (they would be printed to a terminal);
files and item counts are capped. Validation never stops at the first mistake: it collects a
Problem for each, naming the file, the item and the field, so an author can fix them all in
one go. Nothing here raises anything but a kit error, whatever bytes it is given.

Why one long module: it is the checklist format end to end (what a loaded checklist is, loading,
and the validation that collects every problem), and the validation is the format's rules in code
(docs/checklist-format.md). Kept together, a field added to the model is checked in the same
change.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kit.bounded_read import read_bounded
from kit.errors import BadInput, FileRefused, NotFound, UsageError
from kit.outside_data import Malformed, parse_toml

FORMAT = "frontline-kit-checklist"
# Version 2 made last_verified optional and added claim; version 1 files still load.
VERSION = 2
VERSIONS: tuple[int, ...] = (1, 2)
MAX_FILE_BYTES = 1024 * 1024
MAX_FILES = 200  # per folder
MAX_ITEMS_PER_FILE = 500
MAX_STEPS = 12
MAX_SOURCES = 10
MAX_MINUTES = 480
MAX_RECHECK_DAYS = 730
MAX_ORDER = 9999
MAX_SHOWN = 25  # problems quoted in one error message; `kit checklist validate` lists all

PRIORITIES: tuple[str, ...] = ("now", "this-week", "this-month", "every-quarter")
PRIORITY_LABELS: dict[str, str] = {
    "now": "Now", "this-week": "This week", "this-month": "This month",
    "every-quarter": "Every quarter",
}
MODES: tuple[str, ...] = ("prepare", "incident", "both")
MODE_LABELS: dict[str, str] = {
    "prepare": "Prepare", "incident": "If it happens", "both": "Prepare, and if it happens",
}
# Where a user lives. "uk" is the whole United Kingdom; the four nations are for the steps that
# differ between them (land registers, electoral registration, social care registers, support
# lines). An item for "uk" applies in every nation; a user who chose "uk" without saying which
# nation sees every nation's steps, each labelled.
UK_NATIONS: tuple[str, ...] = ("england", "scotland", "wales", "northern-ireland")
REGIONS: tuple[str, ...] = ("uk", *UK_NATIONS, "us", "any")
REGION_LABELS: dict[str, str] = {
    "uk": "United Kingdom", "england": "England", "scotland": "Scotland", "wales": "Wales",
    "northern-ireland": "Northern Ireland", "us": "United States", "any": "Anywhere",
}


def nations_label(regions: Sequence[str]) -> str:
    """The UK nations *regions* name ("England and Wales"), or "" unless every one of them is a
    nation (the whole UK, anywhere and the US are not)."""
    named = [REGION_LABELS[r] for r in regions if r in UK_NATIONS]
    if not named or len(named) < len(regions):
        return ""
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def labelled_for(name: str, regions: Sequence[str], region: str) -> str:
    """*name* as shown to a user of *region*: someone who has not said which UK nation they
    live in sees which nation a nation's step or support line is for."""
    nations = nations_label(regions)
    return f"{name} ({nations})" if nations and region not in UK_NATIONS else name


STAGES: tuple[tuple[str, str], ...] = (
    ("safety", "Make sure you are safe"),
    ("tell", "In the first hour: tell people and lock down your accounts"),
    ("evidence", "Keep a record of what is happening"),
    ("report", "Report it"),
    ("young-people", "If a young person may be behind it"),
    ("work", "Your employer's part"),
    ("aftercare", "Looking after yourself"),
)
STAGE_IDS: tuple[str, ...] = tuple(stage for stage, _title in STAGES)
CLAIMS: tuple[str, ...] = ("uk-legal", "uk-process", "how-to")
# The walk-through's first question: someone is in danger now; someone threatened a false
# emergency call or police are on their way (swatting); or details were shared (doxing).
PATHS: tuple[tuple[str, str], ...] = (
    ("danger", "Someone is in danger right now"),
    ("swatting", "Someone has threatened a false emergency call, or police are on their way"),
    ("doxing", "My details have been shared, but nobody is in danger right now"),
)
PATH_IDS: tuple[str, ...] = tuple(path for path, _label in PATHS)
# Where in the kit an item's step is done (its `in_app`): what the app's button says (None: the
# app has no such screen, so no button) and the command the command line prints instead. An
# item's own words never carry a command: the app never shows one.
IN_APP: dict[str, tuple[str | None, str]] = {
    "incidents": ("Open the incident log", "kit incident add"),
    "prepare": ("Open your safety plan and checklists", "kit safety-plan show"),
    "wellbeing": ("Open support lines", "kit helplines"),
    "letter": (None, "kit letter erasure --site NAME --url LINK"),
    # The Removals view opens from Incidents; the walk-through has no button for it yet.
    "removals": (None, "kit removal due"),
}
NOT_CHECKED = "Not yet checked against its source."

_SECTION_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_ITEM_ID = re.compile(r"[a-z0-9][a-z0-9-]{2,63}")
# Bidirectional overrides can make text read differently from what it is (CVE-2021-42574).
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")

_TOP_KEYS = ("format", "version", "section", "items")
_SECTION_KEYS = ("id", "title", "summary", "order")
_ITEM_KEYS_V1 = ("id", "title", "steps", "why", "priority", "minutes", "mode", "regions",
                 "recheck_days", "stage", "caution", "last_verified", "sources")
_ITEM_KEYS = (*_ITEM_KEYS_V1[:-2], "claim", "paths", "in_app", "only_you", "last_verified",
              "sources")
_SOURCE_KEYS = ("title", "url")


# --- what a loaded checklist is ---


@dataclass(frozen=True)
class Source:
    """An official page an item rests on."""

    title: str
    url: str


@dataclass(frozen=True)
class Item:
    """One thing to do, with its steps, why it matters, and where the advice comes from."""

    id: str
    title: str
    steps: tuple[str, ...]
    why: str
    priority: str
    minutes: int
    mode: str
    regions: tuple[str, ...]
    sources: tuple[Source, ...]
    # The day the item's claims were compared with the text of a source it cites; None until
    # that has been done (docs/content-review/ records each comparison).
    last_verified: date | None
    recheck_days: int | None
    stage: str | None
    caution: str
    section: str
    claim: str | None = None
    # Which answers to the walk-through's first question show the item (all, by default).
    paths: tuple[str, ...] = PATH_IDS
    # The app area the item's button opens (IN_APP), if any.
    in_app: str | None = None
    # A step nobody can take for the user ("don't reply", "tell your manager"): never offered
    # to be handed on to someone else.
    only_you: bool = False

    def on_path(self, path: str | None) -> bool:
        """True when the walk-through shows the item for the answer *path* (None: every)."""
        return path is None or path in self.paths

    @property
    def checked_text(self) -> str:
        """What the kit says about the date: never a date that was not a real comparison."""
        if self.last_verified is None:
            return NOT_CHECKED
        return f"Checked against its source on {self.last_verified:%d %B %Y}."

    def applies_to(self, region: str) -> bool:
        """True when the item is for *region*. The region "any" shows every item; a UK nation
        shows the items for the whole UK and its own; "uk" shows every nation's."""
        if region == "any" or region in self.regions or "any" in self.regions:
            return True
        if region in UK_NATIONS:
            return "uk" in self.regions
        return region == "uk" and any(r in UK_NATIONS for r in self.regions)

    @property
    def nations(self) -> str:
        """The UK nations the item is for ("England and Wales"), or "" when it is for the whole
        UK, for anywhere, or for the US."""
        return nations_label(self.regions)

    def title_for(self, region: str) -> str:
        """The title as shown to a user of *region*: someone who has not said which UK nation
        they live in sees which nation a nation's step is for."""
        return labelled_for(self.title, self.regions, region)

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "section": self.section, "title": self.title,
            "steps": list(self.steps), "why": self.why, "priority": self.priority,
            "minutes": self.minutes, "mode": self.mode, "regions": list(self.regions),
            "recheck_days": self.recheck_days, "stage": self.stage,
            "caution": self.caution or None,
            "sources": [{"title": s.title, "url": s.url} for s in self.sources],
            "claim": self.claim,
            "paths": list(self.paths), "in_app": self.in_app, "only_you": self.only_you,
            "last_verified": self.last_verified.isoformat() if self.last_verified else None,
            "checked": self.checked_text,
        }


@dataclass(frozen=True)
class Section:
    """One checklist file: a titled group of items."""

    id: str
    title: str
    summary: str
    order: int
    items: tuple[Item, ...]
    path: Path

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "summary": self.summary,
                "order": self.order, "items": [i.id for i in self.items]}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a checklist file. `message` says what; str() gives the whole line,
    naming the file, the item (its id, or #N when it has no usable id) and the field."""

    path: str
    item: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.path]
        if self.item is not None:
            parts.append(f"item {self.item}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        return _printable(": ".join([*parts, self.message]))

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "item": self.item, "field": self.field,
                "message": self.message, "text": str(self)}


class ChecklistError(BadInput):
    """Checklists that could not be loaded; `problems` holds every one found."""

    code = "bad_checklist"

    def __init__(self, problems: Sequence[Problem]) -> None:
        shown = [f"  {p}" for p in problems[:MAX_SHOWN]]
        if len(problems) > MAX_SHOWN:
            shown.append(f"  ... and {len(problems) - MAX_SHOWN} more "
                         "(`kit checklist validate FOLDER` lists them all)")
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(f"the checklists could not be loaded ({count}):\n" + "\n".join(shown))
        self.problems = tuple(problems)


class Library:
    """Every loaded section and item. Sections in ascending `order` (ties in load order);
    items in section order, then file order."""

    def __init__(self, sections: Iterable[Section]) -> None:
        self.sections: tuple[Section, ...] = tuple(sorted(sections, key=lambda s: s.order))
        self.items: dict[str, Item] = {
            item.id: item for section in self.sections for item in section.items}

    def get(self, item_id: str) -> Item:
        """The item with this exact id; NotFound (suggesting close ids) otherwise."""
        found = self.items.get(item_id)
        if found is not None:
            return found
        close = difflib.get_close_matches(item_id.strip().lower(), list(self.items), n=3,
                                          cutoff=0.7)
        choices = ", ".join(close[:-1]) + " or " + close[-1] if len(close) > 1 else "".join(close)
        hint = f"; did you mean {choices}?" if close else \
            " (`kit checklist list` shows every id)"
        raise NotFound(_printable(f"no checklist item {item_id!r}{hint}"))

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise NotFound(_printable(f"no checklist section {section_id!r}"))

    def for_region(self, region: str) -> list[Item]:
        """Items that apply to *region*, in library order."""
        check_region(region)
        return [item for item in self.items.values() if item.applies_to(region)]


def check_region(region: str) -> str:
    if region not in REGIONS:
        raise UsageError(f"region {region!r} is not one of {', '.join(REGIONS)}")
    return region


# --- loading ---


def shipped_folder() -> Path:
    """The checklists that come with the kit: kit/checklists in an installed wheel, else the
    checklists/ folder at the top of the source tree (an editable install)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "checklists"
    if packaged.is_dir():
        return packaged
    return package.parent / "checklists"


def load_library(extra_folders: Sequence[Path] = ()) -> Library:
    """The shipped checklists plus each folder in *extra_folders* (from the config).

    Raises ChecklistError (a BadInput) listing every problem when anything is malformed, an id
    is used twice, or a folder cannot be read. A folder's files are parsed once per process
    while none of them changes (the app loads the library whenever the area opens).
    """
    shipped = shipped_folder()
    folders: list[tuple[Path, str]] = [(shipped, "checklists")]
    seen = {_same_file_key(shipped)}
    for folder in extra_folders:
        folder = Path(folder).expanduser()
        key = _same_file_key(folder)
        if key in seen:  # listed twice, or the shipped folder itself: read it once
            continue
        seen.add(key)
        folders.append((folder, str(folder)))
    parsed: list[tuple[str, Section]] = []
    problems: list[Problem] = []
    for folder, shown in folders:
        fingerprint = _fingerprint(folder)
        if fingerprint is None:  # missing or unreadable: say so every time, never from a cache
            sections, found = _read_folder(folder, shown)
            parsed += sections
            problems += found
        else:
            cached_sections, cached_problems = _folder_cached(folder, shown, fingerprint)
            parsed += cached_sections
            problems += cached_problems
    problems += _duplicates(parsed)
    if problems:
        raise ChecklistError(problems)
    return Library(section for _name, section in parsed)


def validate_path(path: Path, *, alongside: Sequence[Path] = ()) -> list[Problem]:
    """Every problem in the checklist file, or folder of *.toml files, at *path*; [] when it
    is valid. Ids are also checked against the folders in *alongside* (the shipped ones, say),
    since they will be loaded together; problems inside those folders are not reported."""
    return read_path(path, alongside=alongside)[1]


def read_path(path: Path, *, alongside: Sequence[Path] = ()) -> tuple[
        list[Section], list[Problem]]:
    """validate_path(), also returning the sections read (only meaningful with no problems)."""
    shown = str(path)
    try:
        is_dir = path.is_dir()
    except OSError as exc:
        return [], [Problem(shown, None, None, f"cannot be read: {_reason(exc)}")]
    if is_dir:
        parsed, problems = _read_folder(path, shown)
        if not parsed and not problems:
            problems.append(Problem(shown, None, None, "holds no checklist files (*.toml)"))
    else:
        parsed, problems = [], []
        section, found = _read_file(path, shown)
        problems += found
        if section is not None:
            parsed.append((shown, section))
    taken: list[tuple[str, Section]] = []
    files = {_same_file_key(section.path) for _name, section in parsed}
    for folder in alongside:  # the file or folder under test is not compared with itself
        if _same_file_key(folder) != _same_file_key(path):
            taken += [(name, section) for name, section in _read_folder(
                folder, "checklists" if folder == shipped_folder() else str(folder))[0]
                if _same_file_key(section.path) not in files]
    # The folders alongside come first, so a clash is reported against the file under test.
    ours = {name for name, _section in parsed}
    problems += [p for p in _duplicates([*taken, *parsed]) if p.path in ours]
    return [section for _name, section in parsed], problems


def parse_checklist(data: bytes, shown: str, path: Path | None = None) -> tuple[
        Section | None, list[Problem]]:
    """Validate one file's bytes; *shown* is how problems name the file. The section is None
    whenever there is a problem."""
    return _FileReader(shown, path or Path(shown)).document(data)


def _same_file_key(path: Path) -> str:
    try:
        return str(path.expanduser().resolve())
    except (OSError, RuntimeError):
        return str(path)


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...] | None:
    """What changes when a file is edited, added or removed: the cache key for a folder."""
    try:
        return tuple(sorted((p.name, st.st_size, st.st_mtime_ns)
                            for p in folder.iterdir() if p.suffix == ".toml"
                            for st in (p.stat(),)))
    except OSError:
        return None


@cache
def _folder_cached(folder: Path, shown: str, _fingerprint: object) -> tuple[
        tuple[tuple[str, Section], ...], tuple[Problem, ...]]:
    parsed, problems = _read_folder(folder, shown)
    return tuple(parsed), tuple(problems)


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _read_folder(folder: Path, shown: str) -> tuple[list[tuple[str, Section]], list[Problem]]:
    """Every *.toml file in *folder*, in name order (dot-files, such as editors' lock files,
    are skipped)."""
    try:
        names = sorted(p.name for p in folder.iterdir()
                       if p.suffix == ".toml" and not p.name.startswith("."))
    except FileNotFoundError:
        return [], [Problem(shown, None, None, "this checklist folder does not exist")]
    except NotADirectoryError:
        return [], [Problem(shown, None, None, "is not a folder")]
    except OSError as exc:
        return [], [Problem(shown, None, None, f"cannot be read: {_reason(exc)}")]
    problems: list[Problem] = []
    if len(names) > MAX_FILES:
        problems.append(Problem(shown, None, None, f"holds {len(names)} checklist files; at "
                                f"most {MAX_FILES} are read from one folder"))
        names = names[:MAX_FILES]
    parsed: list[tuple[str, Section]] = []
    for name in names:
        file_shown = f"{shown.rstrip('/')}/{name}"
        section, found = _read_file(folder / name, file_shown)
        problems += found
        if section is not None:
            parsed.append((file_shown, section))
    return parsed, problems


def _read_file(path: Path, shown: str) -> tuple[Section | None, list[Problem]]:
    try:
        # Never opened if it is a pipe or a device (it could block or run for ever), and
        # never read past the limit.
        data = read_bounded(path, MAX_FILE_BYTES, "checklist file", pass_os_errors=True)
    except FileNotFoundError:
        return None, [Problem(shown, None, None, "does not exist")]
    except OSError as exc:
        return None, [Problem(shown, None, None, f"cannot be read: {_reason(exc)}")]
    except FileRefused as exc:
        return None, [Problem(shown, None, None, exc.reason)]
    return parse_checklist(data, shown, path)


def _duplicates(parsed: Sequence[tuple[str, Section]]) -> list[Problem]:
    """Section and item ids used in more than one file (the first file keeps the id)."""
    problems: list[Problem] = []
    sections: dict[str, str] = {}
    items: dict[str, str] = {}
    for shown, section in parsed:
        if section.id in sections:
            problems.append(Problem(shown, None, "section.id", f"{_shown(section.id)} is "
                                    f"already the id of a section in {sections[section.id]}"))
        else:
            sections[section.id] = shown
        for item in section.items:
            if item.id in items:
                problems.append(Problem(shown, item.id, "id", f"{_shown(item.id)} is already "
                                        f"used in {items[item.id]}; item ids must be unique "
                                        "across every loaded checklist"))
            else:
                items[item.id] = shown
    return problems


# --- validation ---


def _printable(message: str) -> str:
    """Escape control and bidi characters: messages quote names straight from the file, and
    they are printed to a terminal."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) == "Cc" or ch in _BIDI
                   else ch for ch in message)


def _shown(value: object) -> str:
    """A value from the file, quoted for a message and cut short."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value if len(value) <= 60 else value[:60], ensure_ascii=False)
    elif isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, datetime | date | time):
        text = value.isoformat()
    elif isinstance(value, list):
        text = "a list"
    elif isinstance(value, dict):
        text = "a table"
    else:
        text = type(value).__name__
    return text if len(text) <= 64 else text[:63] + "…"


class _Bad(Exception):
    """One field's problem; caught beside the field and recorded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _checked_text(value: object, limit: int, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        raise _Bad(f"must be text, not {_shown(value)}")
    value = value.strip()
    if not value:
        raise _Bad("must not be empty")
    if len(value) > limit:
        raise _Bad(f"is {len(value)} characters long; at most {limit} are allowed")
    for ch in value:
        if multiline and ch in "\n\t":
            continue
        if unicodedata.category(ch) == "Cc" or ch in _BIDI:
            raise _Bad(f"contains the control character U+{ord(ch):04X}; remove it")
    return value


def _whole(value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _Bad(f"must be a whole number from {low} to {high}, not {_shown(value)}")
    return value


def _one_of(value: object, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _Bad(f"{_shown(value)} is not one of {', '.join(allowed)}")
    return value


def _https(value: object) -> str:
    url = _checked_text(value, 2048)
    if any(ch.isspace() for ch in url):
        raise _Bad(f"{_shown(url)} contains a space; write the address without spaces")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise _Bad(f"{_shown(url)} is not a well-formed web address") from None
    if parts.scheme != "https":
        raise _Bad(f"{_shown(url)} must start with https:// (a secure link)")
    if not host or "." not in host or parts.username is not None:
        raise _Bad(f"{_shown(url)} is not a well-formed web address")
    return url


def _toml_date(value: object) -> date:
    # A TOML date is a date; a date-time (also a `date` subclass in Python) or a string is not.
    if isinstance(value, datetime) or not isinstance(value, date):
        hint = " (write it without quotes)" if isinstance(value, str) else ""
        raise _Bad(f"must be a TOML date such as 2026-01-31{hint}, not {_shown(value)}")
    return value


class _FileReader:
    """Checks one file's bytes; every problem carries the file's name."""

    def __init__(self, shown: str, path: Path) -> None:
        self.shown = shown
        self.path = path
        self.problems: list[Problem] = []
        self.version = VERSION

    def add(self, message: str, item: str | None = None, field: str | None = None) -> None:
        self.problems.append(Problem(self.shown, item, field, message))

    def check(self, table: Mapping[str, Any], key: str, checker: Callable[[Any], Any],
              item: str | None, field: str | None = None, *, optional: bool = False) -> Any:
        """checker(table[key]), or None after recording why it could not be had."""
        name = field or key
        if key not in table:
            if not optional:
                self.add("is missing", item, name)
            return None
        try:
            return checker(table[key])
        except _Bad as bad:
            self.add(bad.message, item, name)
            return None

    def unknown(self, table: Mapping[str, Any], allowed: Sequence[str], item: str | None,
                prefix: str = "") -> None:
        for key in table:
            if key not in allowed:
                self.add(f"is not part of checklist format version {self.version} (allowed here: "
                         f"{', '.join(allowed)})", item, prefix + _shown(key).strip('"'))

    def document(self, data: bytes) -> tuple[Section | None, list[Problem]]:
        if len(data) > MAX_FILE_BYTES:
            self.add(f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the most a "
                     "checklist file may be")
            return None, self.problems
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add("is not UTF-8 text")
            return None, self.problems
        try:
            doc = parse_toml(text)
        except Malformed as exc:
            self.add(exc.reason)
            return None, self.problems
        if not self.header(doc):
            return None, self.problems
        self.unknown(doc, _TOP_KEYS, None)
        section = self.section(doc)
        items = self.items(doc, section[0] if section else "")
        if self.problems or section is None or items is None:
            return None, self.problems
        section_id, title, summary, order = section
        return Section(section_id, title, summary, order, tuple(items), self.path), []

    def header(self, doc: Mapping[str, Any]) -> bool:
        """Format and version come first: a newer file is refused without further comment,
        since it may use fields this version does not know."""
        if "format" not in doc:
            self.add(f"is missing; a checklist file starts with format = \"{FORMAT}\"",
                     None, "format")
            return False
        if doc["format"] != FORMAT:
            self.add(f"{_shown(doc['format'])} is not \"{FORMAT}\": this is not a Frontline "
                     "Kit checklist file", None, "format")
            return False
        version = doc.get("version")
        if "version" not in doc:
            self.add(f"is missing; add version = {VERSION}", None, "version")
            return False
        # An integer, as §3 says: 1.0 and true compare equal to 1 in Python, so the type is
        # checked, not just the value.
        if type(version) is int and version > VERSION:
            self.add(f"is {version}: this file was made for a newer Frontline Kit (this one "
                     f"reads checklist format version {VERSION}); update the kit to use it",
                     None, "version")
            return False
        if type(version) is not int or version not in VERSIONS:
            self.add(f"must be 1 or {VERSION}, not {_shown(version)}", None, "version")
            return False
        self.version = version
        return True

    def section(self, doc: Mapping[str, Any]) -> tuple[str, str, str, int] | None:
        if "section" not in doc:
            self.add("is missing: each file needs a [section] table", None, "section")
            return None
        table = doc["section"]
        if not isinstance(table, dict):
            self.add("must be a table, written [section]", None, "section")
            return None
        self.unknown(table, _SECTION_KEYS, None, "section.")
        section_id = self.check(table, "id", _section_id, None, "section.id")
        title = self.check(table, "title", lambda v: _checked_text(v, 100), None, "section.title")
        summary = self.check(table, "summary", lambda v: _checked_text(v, 600, multiline=True),
                             None, "section.summary")
        order = self.check(table, "order", lambda v: _whole(v, 0, MAX_ORDER), None,
                           "section.order")
        if section_id is None or title is None or summary is None or order is None:
            return None
        return section_id, title, summary, order

    def items(self, doc: Mapping[str, Any], section_id: str) -> list[Item] | None:
        if "items" not in doc:
            self.add("is missing: a checklist needs at least one [[items]] table", None,
                     "items")
            return None
        raw = doc["items"]
        if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
            self.add("must be a list of [[items]] tables, at least one", None, "items")
            return None
        if len(raw) > MAX_ITEMS_PER_FILE:
            self.add(f"has {len(raw)} items; at most {MAX_ITEMS_PER_FILE} are allowed in one "
                     "file", None, "items")
            return None
        items: list[Item] = []
        first_seen: dict[str, int] = {}
        for n, table in enumerate(raw, 1):
            raw_id = table.get("id")
            label = raw_id if isinstance(raw_id, str) and _ITEM_ID.fullmatch(raw_id) \
                else f"#{n}"
            if label in first_seen:
                self.add(f"{_shown(label)} is already used by item #{first_seen[label]} in this "
                         "file; every item needs its own id", label, "id")
            else:
                first_seen[label] = n
            item = self.item(table, label, section_id)
            if item is not None:
                items.append(item)
        return items

    def item(self, table: Mapping[str, Any], label: str, section_id: str) -> Item | None:
        v1 = self.version == 1
        self.unknown(table, _ITEM_KEYS_V1 if v1 else _ITEM_KEYS, label)
        before = len(self.problems)
        get = self.check
        mode = get(table, "mode", lambda v: _one_of(v, MODES), label)
        stage = get(table, "stage", lambda v: _one_of(v, STAGE_IDS), label, optional=True)
        if stage is not None and mode == "prepare":
            self.add(f"{_shown(stage)} places the item in the \"It's happening now\" "
                     "walk-through, so its mode must be incident or both, not prepare",
                     label, "stage")
        fields = {
            "id": get(table, "id", _item_id, label),
            "title": get(table, "title", lambda v: _checked_text(v, 100), label),
            "steps": get(table, "steps", _steps, label),
            "why": get(table, "why", lambda v: _checked_text(v, 1000, multiline=True), label),
            "priority": get(table, "priority", lambda v: _one_of(v, PRIORITIES), label),
            "minutes": get(table, "minutes", lambda v: _whole(v, 1, MAX_MINUTES), label),
            "mode": mode,
            "regions": get(table, "regions", _regions, label),
            "recheck_days": get(table, "recheck_days", lambda v: _whole(v, 1, MAX_RECHECK_DAYS),
                                label, optional=True),
            "stage": stage,
            "caution": get(table, "caution", lambda v: _checked_text(v, 1000, multiline=True),
                           label, optional=True) or "",
            # Required in version 1; from version 2 an item without a checked date has none.
            "last_verified": get(table, "last_verified", _toml_date, label, optional=not v1),
            "claim": None if v1 else get(table, "claim", lambda v: _one_of(v, CLAIMS), label,
                                         optional=True),
            "paths": (None if v1 else get(table, "paths", _paths, label, optional=True))
                     or PATH_IDS,
            "in_app": None if v1 else get(table, "in_app", lambda v: _one_of(v, tuple(IN_APP)),
                                          label, optional=True),
            "only_you": False if v1 else bool(get(table, "only_you", _flag, label,
                                                  optional=True)),
            "sources": self.sources(table, label),
        }
        if stage is None and "paths" in table and not v1:
            self.add("only a walk-through item (one with a stage) can be limited to some "
                     "answers of the first question", label, "paths")
        if len(self.problems) > before:
            return None
        return Item(**fields, section=section_id)

    def sources(self, table: Mapping[str, Any], label: str) -> tuple[Source, ...] | None:
        if "sources" not in table:
            self.add("is missing: every item cites at least one official page, as "
                     "[[items.sources]] with a title and an https url", label, "sources")
            return None
        raw = table["sources"]
        if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
            self.add("must be a list of [[items.sources]] tables, at least one", label,
                     "sources")
            return None
        if len(raw) > MAX_SOURCES:
            self.add(f"has {len(raw)} sources; at most {MAX_SOURCES} are allowed", label,
                     "sources")
            return None
        sources = []
        for n, source in enumerate(raw, 1):
            where = f"sources[{n}]"
            self.unknown(source, _SOURCE_KEYS, label, where + ".")
            title = self.check(source, "title", lambda v: _checked_text(v, 200), label,
                               where + ".title")
            url = self.check(source, "url", _https, label, where + ".url")
            if title is not None and url is not None:
                sources.append(Source(title, url))
        return tuple(sources) if len(sources) == len(raw) else None


def _section_id(value: object) -> str:
    if not isinstance(value, str) or not _SECTION_ID.fullmatch(value):
        raise _Bad(f"{_shown(value)} must be 1 to 40 lower-case letters, digits or dashes, "
                   "starting with a letter or digit")
    return value


def _item_id(value: object) -> str:
    if not isinstance(value, str) or not _ITEM_ID.fullmatch(value):
        raise _Bad(f"{_shown(value)} must be 3 to 64 lower-case letters, digits or dashes, "
                   "starting with a letter or digit")
    return value


def _steps(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _Bad(f"must be a list of 1 to {MAX_STEPS} steps, not {_shown(value)}")
    if len(value) > MAX_STEPS:
        raise _Bad(f"has {len(value)} steps; at most {MAX_STEPS} are allowed (split the item)")
    steps = []
    for n, step in enumerate(value, 1):
        try:
            steps.append(_checked_text(step, 400))
        except _Bad as bad:
            raise _Bad(f"step {n} {bad.message}") from None
    return tuple(steps)


def _some_of(value: object, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """A list of one or more of *allowed*, each once, in *allowed*'s order; *what* names one
    in the message ("region", "path")."""
    if not isinstance(value, list) or not value:
        raise _Bad(f"must be a list of one or more of {', '.join(allowed)}, not "
                   f"{_shown(value)}")
    for choice in value:
        _one_of(choice, allowed)
    if len(set(value)) != len(value):
        raise _Bad(f"names a {what} twice")
    return tuple(choice for choice in allowed if choice in value)


def _paths(value: object) -> tuple[str, ...]:
    return _some_of(value, PATH_IDS, "path")


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_shown(value)}")
    return value


def _regions(value: object) -> tuple[str, ...]:
    return _some_of(value, REGIONS, "region")
