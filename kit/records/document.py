"""One document per vault, kept in versions: the shape the wellbeing plan and the safety plan share.

A plan is a handful of parts, each described once by a PlanField (free text, a list of contacts,
or a date), so the command line, the app and the exports all walk the same list in the same
order. Each kind of plan is one document. Two devices that each saved one leave two records:
the newest is the plan, and the other stays readable (versions()); nothing is ever deleted to
tidy up. Fields a newer kit wrote are kept and written back unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple, TypeVar

from kit.errors import UsageError

# parse_date is re-exported ("as"): the plans' modules and their callers import it from here.
from kit.records.fields import parse_date as parse_date
from kit.records.fields import stored_day, stored_stamp, stored_text
from kit.records.latest import LatestRecord, StoredSet
from kit.records.source import RecordSource

if TYPE_CHECKING:
    from kit.vault import Record, Vault


class PlanField(NamedTuple):
    """One part of a plan, described once for the command line, the app and the exports."""

    key: str  # the document's attribute; the CLI option is --key-with-dashes
    label: str
    hint: str
    kind: Literal["text", "contacts", "date"]

    @property
    def option(self) -> str:
        return "--" + self.key.replace("_", "-")


class Contact(NamedTuple):
    name: str
    how: str  # how to reach them: a phone number, an email, "desk by the window"


def check_contact(name: str, how: str) -> Contact:
    name, how = name.strip(), how.strip()
    if not name:
        raise UsageError("a contact needs a name")
    if not how:
        raise UsageError(f"say how to reach {name} (for example a phone number)")
    return Contact(name, how)


def parse_contact(text: str) -> Contact:
    """'NAME: HOW TO REACH THEM' (split at the first colon, so a number may hold colons)."""
    name, colon, how = text.partition(":")
    if not colon:
        raise UsageError(f"contact {text!r} should look like 'NAME: HOW TO REACH THEM', "
                         "for example 'Sam: 07700 900123'")
    return check_contact(name, how)


@dataclass(frozen=True)
class PlanDocument(StoredSet):
    """What every plan shares. A plan is a frozen subclass adding its parts as fields, with
    FIELDS naming them in order. An unsaved, empty plan has no id and no updated time."""

    FIELDS: ClassVar[tuple[PlanField, ...]] = ()

    review_date: date | None = None
    updated: datetime | None = None
    id: str | None = None
    # Fields a newer kit wrote: kept and written back unchanged, so no save loses them.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not any(_filled(f.kind, getattr(self, f.key)) for f in self.FIELDS)

    def text(self, key: str) -> str:
        """The text of one part of kind "text"."""
        if key not in {f.key for f in self.FIELDS if f.kind == "text"}:
            raise KeyError(key)
        value: str = getattr(self, key)
        return value

    def review_due(self, today: date) -> bool:
        """True from the review date on; never when no date is set."""
        return self.review_date is not None and self.review_date <= today

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id,
                **{f.key: _encode(f.kind, getattr(self, f.key)) for f in self.FIELDS},
                "updated": self.updated.isoformat() if self.updated else None}



def _filled(kind: str, value: Any) -> bool:
    if kind == "text":
        return bool(value.strip())
    return bool(value) if kind == "contacts" else value is not None


def _encode(kind: str, value: Any) -> Any:
    if kind == "contacts":
        return [c._asdict() for c in value]
    if kind == "date":
        return value.isoformat() if value else None
    return value


D = TypeVar("D", bound=PlanDocument)


def _decode(document: type[D], record: Record) -> D:
    d = record.data
    values: dict[str, Any] = {}
    for f in document.FIELDS:
        if f.kind == "text":
            values[f.key] = stored_text(d.get(f.key, ""), f.key)
        elif f.kind == "contacts":
            raw = d.get(f.key, [])
            if not isinstance(raw, list):
                raise TypeError(f"{f.key} must be a list")
            contacts = []
            for c in raw:
                if not isinstance(c, dict) or not isinstance(c.get("name"), str) or \
                        not isinstance(c.get("how"), str):
                    raise TypeError("a contact must have a name and how to reach them")
                contacts.append(Contact(c["name"], c["how"]))
            values[f.key] = tuple(contacts)
        else:
            day = d.get(f.key)
            values[f.key] = stored_day(None if day == "" else day, f.key)  # "": no date
    known = {*values, "updated"}
    return document(**values, updated=stored_stamp(d["updated"], "updated"), id=record.id,
                    extra={k: v for k, v in d.items() if k not in known})


def _checked(doc: D) -> D:
    """Texts trimmed (stdin brings a final newline), contacts checked and without repeats."""
    changes: dict[str, Any] = {}
    for f in doc.FIELDS:
        value = getattr(doc, f.key)
        if f.kind == "text":
            if not isinstance(value, str):
                raise UsageError(f"{f.label.lower()} must be text")
            changes[f.key] = value.strip()
        elif f.kind == "contacts":
            if not all(isinstance(c, tuple) and len(c) == 2 for c in value):
                raise UsageError(f"each entry in {f.label.lower()} must be a name and how to "
                                 "reach them")
            changes[f.key] = tuple(dict.fromkeys(check_contact(*c) for c in value))
        elif value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
            raise UsageError(f"the {f.label.lower()} must be a date (YYYY-MM-DD)")
    return dataclasses.replace(doc, **changes)


class DocumentStore(LatestRecord[D]):
    """The saved versions of one kind of plan in one vault (kit/records/latest.py)."""

    def __init__(self, vault: Vault, source: RecordSource | None, *, kind: str,
                 document: type[D], noun: str, problem_code: str) -> None:
        super().__init__(vault, source)
        self.KIND, self.PROBLEM, self._document = kind, problem_code, document
        self.UNREADABLE = (f"a saved {noun} ({{id}}) has a shape this version of the kit "
                           "cannot read; it was left untouched")

    def empty(self) -> D:
        return self._document()

    def parse(self, record: Record) -> D:
        return _decode(self._document, record)

    def check(self, details: D) -> D:
        return _checked(details)

    def review_due(self, today: date) -> bool:
        return self.get().review_due(today)
