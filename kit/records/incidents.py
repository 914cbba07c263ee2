"""Incidents and their evidence: what happened, and the files, links and notes that show it.

Evidence follows the practice gathered in research/doxing.md (section 5): each file is copied
into the vault exactly as it was, with the SHA-256 of those bytes, when and how it was captured
and by whom, and a custody log of everything done with it since. The original file is only
read, never changed: the guidance is to keep it, untouched, as the evidentiary copy.

Two record kinds live here, `incident` and `evidence`; an evidence item of kind "file" points at
a stored blob holding the file's bytes.

Why one long module: its two kinds are one unit. Evidence exists only under an incident, and a
file's bytes, its hash and its custody log are written in the same transaction as its item, so
their rules, records, files and repository are read and changed together.
"""

from __future__ import annotations

import builtins
import dataclasses
import hashlib
import os
import stat
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from kit.errors import BadInput, KitError, NotFound, RecordDamaged, UsageError
from kit.records import fields
from kit.records.fields import (
    Choice,
    aware,
    label,
    stored_stamp,
    stored_text,
    stored_texts,
    stored_whole,
)

# check_text is re-exported ("as"): the one rule for typed text (no control characters; a
# line break only where a field may have several lines), which the incident form and the
# letters import from here.
from kit.records.fields import check_text as check_text
from kit.records.ids import SHORT_ID, by_prefix
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault
    from kit.vault.store import WriteTxn

KIND_INCIDENT = "incident"
KIND_EVIDENCE = "evidence"

# A stored file is held whole in memory while it is sealed, exported and verified; this keeps
# that within what a work laptop can spare. Tests lower it.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_SHORT = 200  # one-line fields: platform, a username, a title, a name
MAX_LONG = 20_000  # a description or a note
MAX_URL = 2048
MAX_ITEMS = 100  # URLs or usernames on one incident
MAX_REFERENCES = 50
# Clocks and time zones differ a little; anything later is a typo.
FUTURE_SLACK = timedelta(days=1)

CATEGORIES: Final = (
    Choice("doxing", "Doxing: private details published"),
    Choice("swatting", "Swatting: a false emergency call about you"),
    Choice("threat", "A threat"),
    Choice("impersonation", "Impersonation"),
    Choice("harassment", "Harassment"),
)

STATUSES: Final = (
    Choice("open", "Open"),
    Choice("reported", "Reported"),
    Choice("closed", "Closed"),
)

REFERENCE_KINDS: Final = (
    Choice("police", "Police reference"),
    Choice("platform", "Platform report"),
    Choice("helpline", "Helpline case"),
    Choice("other", "Other reference"),
)

EVIDENCE_KINDS: Final = (
    Choice("file", "File"),
    Choice("url", "Web address"),
    Choice("note", "Note"),
)

# value -> label, for pickers and tables
CATEGORY_LABELS: Final = {c.value: c.label for c in CATEGORIES}
STATUS_LABELS: Final = {c.value: c.label for c in STATUSES}
REFERENCE_LABELS: Final = {c.value: c.label for c in REFERENCE_KINDS}

RECORDED: Final = {"url": "web address recorded in the encrypted vault",
                   "note": "note recorded in the encrypted vault"}

# Where an item's capture time came from, so nobody mistakes a default for a fact.
CAPTURE_BASES: Final = (
    Choice("given", "given when it was added"),
    Choice("file-modified", "the file's last-modified time"),
    Choice("added", "the time it was added to the kit"),
)


# --- validation: every error a UsageError naming the field ---


def _allowed(choices: Iterable[Choice]) -> str:
    return ", ".join(c.value for c in choices)


def check_choice(field_name: str, choices: Sequence[Choice], value: str) -> str:
    if not isinstance(value, str) or not any(c.value == value for c in choices):
        raise UsageError(f"{field_name} {value!r} is not one of: {_allowed(choices)}")
    return value


def _name_as_title(name: str) -> str:
    """A file's name as the default title of its evidence: a name may hold any character but
    a slash, and one a title may not (a control character) is shown as "?" rather than
    refusing the file. The name itself is kept as it is, in file_name."""
    return "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in name)


def check_url(url: str, field_name: str = "url") -> str:
    """A web address: http or https, with a host, no spaces."""
    url = check_text(field_name, url, MAX_URL, required=True)
    bad = UsageError(f"{field_name} {url[:200]!r} is not a web address; give one starting "
                     "with https:// or http://")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise bad
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise bad from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise bad
    return url


def check_when(when: datetime, field_name: str = "when") -> datetime:
    """Aware, in UTC, and not in the future."""
    if not isinstance(when, datetime):
        raise UsageError(f"{field_name} must be a date and time")
    when = aware(when, field_name)
    if when > datetime.now(UTC) + FUTURE_SLACK:
        raise UsageError(f"{field_name} is in the future ({when:%Y-%m-%d}); give the date it "
                         "happened")
    return when


def parse_when(text: str, field_name: str = "when") -> datetime:
    """A date or date-time typed by a person (YYYY-MM-DD or YYYY-MM-DD HH:MM, local time
    unless it carries an offset), as aware UTC, and not in the future."""
    return check_when(fields.parse_when(text, field_name), field_name)


def _unique_texts(field_name: str, values: Iterable[str], limit: int, count: int,
                  check: Callable[[str, str], str] | None = None) -> tuple[str, ...]:
    if isinstance(values, str):  # one value, not its letters
        values = (values,)
    checked: list[str] = []
    for value in values:
        text = check(value, field_name) if check else check_text(
            field_name, value, limit, required=True, one_line=True)
        if text not in checked:
            checked.append(text)
    if len(checked) > count:
        raise UsageError(f"too many {field_name}s ({len(checked)}; at most {count})")
    return tuple(checked)


def check_urls(urls: Iterable[str]) -> tuple[str, ...]:
    return _unique_texts("url", urls, MAX_URL, MAX_ITEMS, check_url)


def check_usernames(usernames: Iterable[str]) -> tuple[str, ...]:
    return _unique_texts("username", usernames, MAX_SHORT, MAX_ITEMS)


# --- the records ---


@dataclass(frozen=True)
class Reference:
    """A reference number someone gave you: a police crime number, a platform report id."""

    kind: str
    value: str
    note: str = ""

    @property
    def kind_label(self) -> str:
        return label(REFERENCE_KINDS, self.kind)

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "value": self.value, "note": self.note}


def check_reference(ref: Reference) -> Reference:
    return Reference(
        check_choice("reference kind", REFERENCE_KINDS, ref.kind),
        check_text("reference", ref.value, MAX_SHORT, required=True, one_line=True),
        check_text("reference note", ref.note, 1000),
    )


def parse_reference(text: str) -> Reference:
    """'KIND:VALUE', e.g. 'police:CR/12345/26' (split at the first colon)."""
    kind, colon, value = text.partition(":")
    if not colon:
        raise UsageError(f"reference {text!r} should look like KIND:VALUE, for example "
                         f"police:CR/12345/26 (KIND is one of {_allowed(REFERENCE_KINDS)})")
    return check_reference(Reference(kind.strip().lower(), value))


@dataclass(frozen=True)
class Incident:
    id: str
    when: datetime
    category: str
    platform: str
    description: str
    urls: tuple[str, ...]
    usernames: tuple[str, ...]
    references: tuple[Reference, ...]
    status: str
    created: datetime
    updated: datetime
    # Fields a newer kit wrote: kept and written back unchanged.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def category_label(self) -> str:
        return label(CATEGORIES, self.category)

    @property
    def status_label(self) -> str:
        return label(STATUSES, self.status)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "when": self.when.isoformat(),
            "category": self.category,
            "platform": self.platform,
            "description": self.description,
            "urls": list(self.urls),
            "usernames": list(self.usernames),
            "references": [r.to_json() for r in self.references],
            "status": self.status,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
        }

    def _data(self) -> dict[str, Any]:
        data = {**self.extra, **self.to_json()}
        del data["id"]
        return data


@dataclass(frozen=True)
class HandlingEvent:
    """One line of an item's custody log: when, what was done, by whom, and details."""

    at: datetime
    action: str  # "added", "exported", ...
    by: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"at": self.at.isoformat(), "action": self.action, "by": self.by,
                "detail": self.detail}


@dataclass(frozen=True)
class EvidenceItem:
    id: str
    incident_id: str
    kind: str  # file | url | note
    title: str
    file_name: str  # the original file's name (kind "file"), else ""
    blob_id: str  # the stored file (kind "file"), else ""
    size: int
    sha256: str  # of the original bytes (kind "file"), else ""
    captured_at: datetime
    captured_by: str
    method: str
    url: str
    note: str
    added: datetime
    handling: tuple[HandlingEvent, ...]
    captured_at_basis: str = "given"  # one of CAPTURE_BASES
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def kind_label(self) -> str:
        return label(EVIDENCE_KINDS, self.kind)

    @property
    def captured_at_basis_label(self) -> str:
        return label(CAPTURE_BASES, self.captured_at_basis)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "incident_id": self.incident_id,
            "kind": self.kind,
            "title": self.title,
            "file_name": self.file_name,
            "blob_id": self.blob_id,
            "size": self.size,
            "sha256": self.sha256,
            "captured_at": self.captured_at.isoformat(),
            "captured_at_basis": self.captured_at_basis,
            "captured_by": self.captured_by,
            "method": self.method,
            "url": self.url,
            "note": self.note,
            "added": self.added.isoformat(),
            "handling": [h.to_json() for h in self.handling],
        }

    def _data(self) -> dict[str, Any]:
        data = {**self.extra, **self.to_json()}
        del data["id"]
        return data


@dataclass(frozen=True)
class Deletion:
    """What deleting an incident removed: the incident, its evidence, and how many stored
    files (blobs) went with them."""

    incident: Incident
    evidence: tuple[EvidenceItem, ...]
    files: int

    def to_json(self) -> dict[str, Any]:
        return {"deleted": self.incident.id, "evidence": [e.id for e in self.evidence],
                "files": self.files}


# --- reading stored records (types checked; choice values not, so a newer kit's values
# still show, their raw value standing in for the label) ---


def _loose(value: object) -> str:
    """A field of a record that could not be read, if it is text; else empty."""
    return value if isinstance(value, str) else ""


def _objects(value: object) -> builtins.list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise TypeError("expected a list of objects")
    return value


INCIDENT_FIELDS = frozenset(("when", "category", "platform", "description", "urls",
                             "usernames", "references", "status", "created", "updated"))
EVIDENCE_FIELDS = frozenset(("incident_id", "kind", "title", "file_name", "blob_id", "size",
                             "sha256", "captured_at", "captured_at_basis", "captured_by",
                             "method", "url", "note", "added", "handling"))


def _incident_from(record: Record) -> Incident:
    d = record.data
    return Incident(
        id=record.id,
        when=stored_stamp(d["when"]),
        category=stored_text(d["category"]),
        platform=stored_text(d.get("platform", "")),
        description=stored_text(d.get("description", "")),
        urls=stored_texts(d.get("urls", [])),
        usernames=stored_texts(d.get("usernames", [])),
        references=tuple(Reference(stored_text(r["kind"]), stored_text(r["value"]),
                                   stored_text(r.get("note", "")))
                         for r in _objects(d.get("references", []))),
        status=stored_text(d["status"]),
        created=stored_stamp(d["created"]),
        updated=stored_stamp(d["updated"]),
        extra={k: v for k, v in d.items() if k not in INCIDENT_FIELDS},
    )


def _evidence_from(record: Record) -> EvidenceItem:
    d = record.data
    return EvidenceItem(
        id=record.id,
        incident_id=stored_text(d["incident_id"]),
        kind=stored_text(d["kind"]),
        title=stored_text(d.get("title", "")),
        file_name=stored_text(d.get("file_name", "")),
        blob_id=stored_text(d.get("blob_id", "")),
        size=stored_whole(d.get("size", 0)),
        sha256=stored_text(d.get("sha256", "")),
        captured_at=stored_stamp(d["captured_at"]),
        captured_at_basis=stored_text(d.get("captured_at_basis", "given")),
        captured_by=stored_text(d.get("captured_by", "")),
        method=stored_text(d.get("method", "")),
        url=stored_text(d.get("url", "")),
        note=stored_text(d.get("note", "")),
        added=stored_stamp(d["added"]),
        handling=tuple(HandlingEvent(stored_stamp(h["at"]), stored_text(h["action"]),
                                     stored_text(h.get("by", "")),
                                     stored_text(h.get("detail", "")))
                       for h in _objects(d.get("handling", []))),
        extra={k: v for k, v in d.items() if k not in EVIDENCE_FIELDS},
    )


def _read_record(record: Record) -> Incident | EvidenceItem:
    return (_incident_from if record.kind == KIND_INCIDENT else _evidence_from)(record)


# --- files ---


@dataclass(frozen=True)
class FileFacts:
    """What a file offered as evidence is, checked before anything is read or saved."""

    path: Path
    size: int
    modified: datetime


def check_file(path: Path) -> FileFacts:
    """A readable regular file within the size cap, or an error naming the path. Reads
    nothing: used to check every file before the first one is saved."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; nothing was added") from None
    except OSError as exc:
        raise BadInput(f"could not read {path}: {exc.strerror}; nothing was added") from exc
    if stat.S_ISDIR(st.st_mode):
        raise UsageError(f"{path} is a folder; give the files inside it (for example "
                         f"{path}{os.sep}*); nothing was added")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path} is not a regular file; nothing was added")
    _check_size(path, st.st_size)
    if not os.access(path, os.R_OK):
        raise BadInput(f"could not read {path}: permission denied; nothing was added")
    return FileFacts(path, st.st_size, datetime.fromtimestamp(st.st_mtime, UTC))


def _check_size(path: Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise UsageError(f"{path} is too large to keep in the vault ({size:,} bytes; at most "
                         f"{MAX_FILE_BYTES:,}). Keep the original safe and record it with a "
                         "note instead; nothing was added")


def read_file_once(path: Path) -> tuple[bytes, os.stat_result]:
    """The file's bytes, read in one pass through one open file (so the bytes hashed are the
    bytes stored), and its status from that same open file. Opens without blocking, so a
    named pipe is refused rather than waited on."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; nothing was added") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give the files inside it; nothing was "
                         "added") from None
    except OSError as exc:
        raise BadInput(f"could not read {path}: {exc.strerror}; nothing was added") from exc
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"{path} is a folder; give the files inside it; nothing was added")
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"{path} is not a regular file; nothing was added")
        _check_size(path, st.st_size)
    except BaseException:
        os.close(fd)
        raise
    with open(fd, "rb", closefd=True) as fh:
        try:
            data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise BadInput(f"could not read {path}: {exc.strerror}; nothing was "
                           "added") from exc
    _check_size(path, len(data))  # it grew while being read
    return data, st


# --- the repository ---


class Incidents:
    """Incidents and evidence in one vault, decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._incidents: dict[str, Incident] | None = None
        self._evidence: dict[str, EvidenceItem] = {}
        # Evidence records this version cannot read: id -> (incident id, blob id) as far as
        # they can be made out, so a delete neither orphans them nor takes a file they use.
        self._unreadable: dict[str, tuple[str, str]] = {}
        self.problems: builtins.list[Problem] = []

    def _load(self) -> dict[str, Incident]:
        if self._incidents is None:
            # Here, not at the top: the CLI imports this module for its choice lists before
            # any vault is opened, and kit.vault brings in the whole crypto stack.
            from kit.vault import Problem

            unreadable: dict[str, tuple[str, str]] = {}

            def cannot_read(record: Record) -> Problem:
                what = "incident" if record.kind == KIND_INCIDENT else "evidence item"
                if record.kind == KIND_EVIDENCE:
                    unreadable[record.id] = (_loose(record.data.get("incident_id")),
                                             _loose(record.data.get("blob_id")))
                return Problem("unreadable_" + record.kind, f"{what} {record.id} has a shape "
                               "this version of the kit cannot read; it was left untouched",
                               record.id)

            read, self.problems = read_kind(self.source, (KIND_INCIDENT, KIND_EVIDENCE),
                                            _read_record, cannot_read)
            incidents = {i: r for i, r in read.items() if isinstance(r, Incident)}
            evidence = {i: r for i, r in read.items() if isinstance(r, EvidenceItem)}
            for item in evidence.values():
                if item.incident_id not in incidents:
                    self.problems.append(Problem(
                        "orphan_evidence", f"evidence item {item.id} belongs to an incident "
                        f"({item.incident_id[:40]}) that is missing or unreadable", item.id))
            self._incidents, self._evidence = incidents, evidence
            self._unreadable = unreadable
        return self._incidents

    # --- incidents ---

    def list(self) -> builtins.list[Incident]:
        """Every incident, newest first (by when it happened)."""
        return sorted(self._load().values(), key=lambda i: (i.when, i.id), reverse=True)

    def get(self, id_or_prefix: str) -> Incident:
        incidents = self._load()  # first: it sets self.problems
        # An evidence item's own trouble is not an incident's: its id would be "no incident".
        problems = [p for p in self.problems if not p.code.endswith("_" + KIND_EVIDENCE)]
        return by_prefix(incidents, id_or_prefix, "incident", problems=problems)

    def add(self, *, category: str, platform: str, when: datetime | None = None,
            description: str = "", urls: Iterable[str] = (), usernames: Iterable[str] = (),
            references: Iterable[Reference] = (), status: str = "open") -> Incident:
        """Validate and save a new incident; *when* defaults to now."""
        now = datetime.now(UTC)
        incident = _checked_incident(Incident(
            id="", when=now if when is None else when, category=category, platform=platform,
            description=description, urls=tuple(urls), usernames=tuple(usernames),
            references=tuple(references), status=status, created=now, updated=now))
        record = self.vault.put(KIND_INCIDENT, incident._data())
        saved = dataclasses.replace(incident, id=record.id)
        self._load()[saved.id] = saved
        return saved

    def update(self, incident: Incident) -> Incident:
        """Save changed fields of an incident read from here (get(), then
        dataclasses.replace()). Values a newer kit wrote pass unchecked while unchanged."""
        old = self.get(incident.id)
        if len(incident.id) != len(old.id):
            raise UsageError("update() needs the incident's full id, as get() returns it")
        checked = _checked_incident(incident, old)
        changed = dataclasses.replace(checked, created=old.created, extra=old.extra)
        if changed == dataclasses.replace(old, updated=changed.updated):
            return old
        changed = dataclasses.replace(changed, updated=datetime.now(UTC))
        self.vault.put(KIND_INCIDENT, changed._data(), record_id=old.id)
        self._load()[old.id] = changed
        return changed

    def delete(self, incident_id: str) -> Deletion:
        """Remove an incident, every evidence item of it and their stored files, in one
        transaction. Exported packs and the original files are outside the vault: untouched."""
        incident = self.get(incident_id)
        items = tuple(self.evidence(incident.id))
        unread = [rid[:SHORT_ID] for rid, (owner, _blob) in self._unreadable.items()
                  if owner == incident.id]
        if unread:
            # Deleting the incident without them would leave them behind, unseen.
            raise KitError(f"incident {incident.short_id} has evidence this version of the "
                           f"kit cannot read ({', '.join(unread[:5])}); update the kit to "
                           "delete it; nothing was deleted")
        files = self._remove(incident.id, items)
        return Deletion(incident, items, files)

    # --- evidence ---

    def evidence(self, incident_id: str) -> builtins.list[EvidenceItem]:
        """The incident's evidence, in the order it was added."""
        incident = self.get(incident_id)
        return sorted((e for e in self._evidence.values() if e.incident_id == incident.id),
                      key=lambda e: (e.added, e.id))

    def evidence_item(self, id_or_prefix: str) -> EvidenceItem:
        self._load()
        problems = [p for p in self.problems if p.code != "unreadable_" + KIND_INCIDENT]
        return by_prefix(self._evidence, id_or_prefix, "evidence item", problems=problems)

    def evidence_counts(self) -> dict[str, int]:
        """How many evidence items each incident has."""
        self._load()
        counts: dict[str, int] = {}
        for item in self._evidence.values():
            counts[item.incident_id] = counts.get(item.incident_id, 0) + 1
        return counts

    def add_file(self, incident_id: str, path: Path, *, captured_by: str = "",
                 method: str = "", captured_at: datetime | None = None, note: str = "",
                 title: str = "") -> EvidenceItem:
        """Copy a file into the vault: read once, hashed, stored with its record in one
        transaction. The file itself is only read. Without *captured_at*, the file's
        last-modified time stands in (captured_at_basis says so)."""
        incident = self.get(incident_id)
        path = Path(path)
        by, method, note = _capture_fields(captured_by, method, note)
        title = check_text("title", title or _name_as_title(path.name), MAX_SHORT,
                           one_line=True)
        given = None if captured_at is None else check_when(captured_at, "captured at")
        data, st = read_file_once(path)
        now = datetime.now(UTC)
        if given is not None:
            when, basis = given, "given"
        else:
            modified = datetime.fromtimestamp(st.st_mtime, UTC)
            when, basis = ((modified, "file-modified") if modified <= now + FUTURE_SLACK
                           else (now, "added"))
        sha = hashlib.sha256(data).hexdigest()
        item = EvidenceItem(
            id="", incident_id=incident.id, kind="file", title=title, file_name=path.name,
            blob_id="", size=len(data), sha256=sha, captured_at=when, captured_at_basis=basis,
            url="", added=now, handling=(HandlingEvent(
                now, "added", by, f"copied into the encrypted vault from {path.resolve()} "
                f"({len(data):,} bytes, SHA-256 {sha}); the original was left as it was"),),
            captured_by=by, method=method, note=note)

        def store(txn: WriteTxn) -> EvidenceItem:
            blob = txn.put_blob(data)
            if blob.sha256 != sha:  # cannot happen: the same bytes; says what is relied on
                raise KitError("the stored copy does not match the file; nothing was added")
            stored = dataclasses.replace(item, blob_id=blob.id)
            record = txn.put(KIND_EVIDENCE, stored._data())
            return dataclasses.replace(stored, id=record.id)

        saved = self.vault.write(store)
        self._evidence[saved.id] = saved
        return saved

    def add_url(self, incident_id: str, url: str, *, captured_by: str = "", note: str = "",
                captured_at: datetime | None = None, method: str = "",
                title: str = "") -> EvidenceItem:
        """Record a web address where something was seen (http or https only)."""
        incident = self.get(incident_id)
        url = check_url(url)
        return self._save_simple(incident, "url", title or url, url=url, note=note,
                                 captured_by=captured_by, method=method,
                                 captured_at=captured_at)

    def add_note(self, incident_id: str, text: str, *, captured_by: str = "",
                 title: str = "", captured_at: datetime | None = None) -> EvidenceItem:
        """Record a written note as evidence (what you saw or heard, and when)."""
        incident = self.get(incident_id)
        text = check_text("note", text, MAX_LONG, required=True)
        first = text.splitlines()[0].strip()
        default_title = first if len(first) <= 80 else first[:79] + "…"
        return self._save_simple(incident, "note", title or default_title, url="", note=text,
                                 captured_by=captured_by, method="",
                                 captured_at=captured_at)

    def _save_simple(self, incident: Incident, kind: str, title: str, *, url: str, note: str,
                     captured_by: str, method: str,
                     captured_at: datetime | None) -> EvidenceItem:
        by, method, note = _capture_fields(captured_by, method, note)
        title = check_text("title", title, MAX_SHORT, one_line=True)
        now = datetime.now(UTC)
        when = now if captured_at is None else check_when(captured_at, "captured at")
        item = EvidenceItem(
            id="", incident_id=incident.id, kind=kind, title=title, file_name="", blob_id="",
            size=0, sha256="", captured_at=when,
            captured_at_basis="added" if captured_at is None else "given", url=url,
            added=now, handling=(HandlingEvent(now, "added", by, RECORDED[kind]),),
            captured_by=by, method=method, note=note)
        record = self.vault.put(KIND_EVIDENCE, item._data())
        saved = dataclasses.replace(item, id=record.id)
        self._evidence[saved.id] = saved
        return saved

    def file_bytes(self, item: EvidenceItem) -> bytes:
        """The stored file's exact bytes, checked against the SHA-256 taken when it was added."""
        if item.kind != "file" or not item.blob_id:
            raise NotFound(f"evidence item {item.short_id} is a {item.kind_label.lower()}, "
                           "not a file")
        data = self.vault.get_blob(item.blob_id)
        if hashlib.sha256(data).hexdigest() != item.sha256:
            raise RecordDamaged(f"the stored copy of evidence item {item.short_id} does not "
                                "match its recorded SHA-256", item.id)
        return data

    def delete_evidence(self, evidence_id: str) -> EvidenceItem:
        """Remove one evidence item and its stored file, in one transaction. The original
        file, and any pack already exported, are untouched."""
        item = self.evidence_item(evidence_id)
        self._remove(None, (item,))
        return item

    def _remove(self, incident_id: str | None, items: Sequence[EvidenceItem]) -> int:
        """Delete the incident (if given), the items and the files only they use, all in one
        transaction, then forget them here; returns how many stored files went."""
        gone = {item.id for item in items}
        still_used = {e.blob_id for e in self._evidence.values() if e.id not in gone}
        still_used |= {blob for _owner, blob in self._unreadable.values()}
        blobs = [blob for blob in dict.fromkeys(i.blob_id for i in items if i.blob_id)
                 if blob not in still_used and self._is_blob(blob)]

        def remove(txn: WriteTxn) -> int:
            if incident_id is not None:
                txn.delete(incident_id)
            for item in items:
                txn.delete(item.id)
            present = [b for b in blobs if bytes.fromhex(b) in txn.entries]
            for blob in present:
                txn.delete(blob)  # its record and every chunk
            return len(present)

        files = self.vault.write(remove)
        incidents = self._load()
        if incident_id is not None:
            del incidents[incident_id]
        for item in items:
            del self._evidence[item.id]
        removed = gone | set(blobs) | ({incident_id} if incident_id else set())
        self.problems = [p for p in self.problems if p.record_id not in removed]
        return files

    def _is_blob(self, blob_id: str) -> bool:
        """True if *blob_id* names a stored file, so a delete never takes another record."""
        try:
            return self.vault.get(blob_id).kind == "blob"
        except NotFound:
            return False  # never stored, or already gone
        except RecordDamaged:
            return True  # the item's own file, damaged: it goes with the item

    def record_handling(self, items: Iterable[EvidenceItem],
                        event: HandlingEvent) -> builtins.list[EvidenceItem]:
        """Append *event* to each item's custody log, all in one transaction."""
        event = HandlingEvent(
            aware(event.at, "handling time"),
            check_text("handling action", event.action, MAX_SHORT, required=True,
                       one_line=True),
            check_text("handling by", event.by, MAX_SHORT, one_line=True),
            check_text("handling detail", event.detail, MAX_LONG))
        self._load()
        current = [self._evidence[i.id] for i in items]
        updated = [dataclasses.replace(i, handling=(*i.handling, event)) for i in current]

        def save(txn: WriteTxn) -> None:
            for item in updated:
                txn.put(KIND_EVIDENCE, item._data(), record_id=item.id)

        self.vault.write(save)
        for item in updated:
            self._evidence[item.id] = item
        return updated


def _capture_fields(captured_by: str, method: str, note: str) -> tuple[str, str, str]:
    return (check_text("captured by", captured_by, MAX_SHORT, one_line=True),
            check_text("method", method, 500),
            check_text("note", note, MAX_LONG))


def _checked_incident(incident: Incident, old: Incident | None = None) -> Incident:
    """Every field checked; a choice value left as it was stored is not re-checked, so an
    incident a newer kit wrote can still have its status changed."""
    def choice(name: str, choices: Sequence[Choice], value: str, was: str | None) -> str:
        return value if value == was else check_choice(name, choices, value)

    when = incident.when if old is not None and incident.when == old.when else check_when(
        incident.when)
    references = tuple(
        r if old is not None and r in old.references else check_reference(r)
        for r in dict.fromkeys(incident.references))
    if len(references) > MAX_REFERENCES:
        raise UsageError(f"too many references ({len(references)}; at most {MAX_REFERENCES})")
    return dataclasses.replace(
        incident,
        when=when,
        category=choice("category", CATEGORIES, incident.category,
                        old.category if old else None),
        status=choice("status", STATUSES, incident.status, old.status if old else None),
        platform=check_text("platform", incident.platform, MAX_SHORT, one_line=True),
        description=check_text("description", incident.description, MAX_LONG),
        urls=check_urls(incident.urls),
        usernames=check_usernames(incident.usernames),
        references=references,
    )
