"""Removal requests, kept encrypted in the vault: whom you asked to take what down, how, when,
where it stands, and everything that happened to it since.

One record kind, `removal`. A request links to the incident it belongs to and to the findings
it should fix; marking it removed marks those findings fixed (through kit.records.findings, the
one place findings change).

A request made under the UK GDPR (erasure or objection) has a legal clock: its reply is due by
kit.removals.deadlines. A platform report or a search engine's own delisting form has none, so
the user picks a day to look again; the kit suggests one (SUGGESTED_RECHECK_DAYS, its own
judgement, not a rule).
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kit.errors import UsageError
from kit.records.fields import (
    Choice,
    check_text,
    label,
    stored_day,
    stored_stamp,
    stored_text,
    stored_texts,
)
from kit.records.ids import SHORT_ID, by_prefix
from kit.records.incidents import check_url
from kit.records.source import RecordSource, read_kind
from kit.removals.deadlines import reply_due

if TYPE_CHECKING:
    from kit.records.findings import Findings
    from kit.vault import Problem, Record, Snapshot, Vault

KIND: Final = "removal"

TARGETS: Final = (
    Choice("people-search", "A people-search site"),
    Choice("platform", "A social media platform or other site"),
    Choice("search-engine", "A search engine"),
    Choice("other", "Another organisation"),
)
ASKS: Final = (
    Choice("erasure", "Erase my personal data (UK GDPR Article 17)"),
    Choice("objection", "Stop processing my personal data (UK GDPR Article 21)"),
    Choice("platform-report", "Take it down under the platform's own rules"),
    Choice("delisting", "Stop showing it in search results"),
)
# The asks a reply is legally due for, one calendar month after the organisation receives it.
LEGAL_ASKS: Final = frozenset({"erasure", "objection"})
CHANNELS: Final = (
    Choice("web-form", "A form on their website"),
    Choice("email", "Email"),
    Choice("post", "Post"),
)
STATUSES: Final = (
    Choice("draft", "Not sent yet"),
    Choice("sent", "Sent"),
    Choice("acknowledged", "They replied that they have it"),
    Choice("removed", "Removed"),
    Choice("partly-removed", "Partly removed"),
    Choice("refused", "Refused"),
    Choice("no-reply", "No reply in time"),
    Choice("escalated", "Taken further (the ICO, or an appeal)"),
    Choice("closed", "Closed"),
)
# Waiting for the organisation: the reply clock runs.
WAITING: Final = frozenset({"sent", "acknowledged"})
# Finished: nothing more comes up, unless the user sets a re-check.
FINISHED: Final = frozenset({"closed"})
# How long the kit suggests waiting before looking again where the law sets no clock, and
# after a removal (listings come back when a site buys new data; research/footprint.md §5).
SUGGESTED_RECHECK_DAYS: Final = {"platform-report": 7, "delisting": 14, "removed": 30}
DUE_SOON_DAYS: Final = 7

MAX_SHORT: Final = 200
MAX_NOTE: Final = 10_000
MAX_PAGES: Final = 100
MAX_LINKS: Final = 100
MAX_HISTORY: Final = 200


def _codes(choices: Iterable[Choice]) -> tuple[str, ...]:
    return tuple(c.value for c in choices)


@dataclass(frozen=True)
class Event:
    """One thing that happened to a request: when, what it became, and in a few words."""

    at: datetime
    status: str
    what: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "status": self.status, "what": self.what}


@dataclass(frozen=True)
class Removal:
    """One removal request, as the vault keeps it."""

    id: str
    target: str  # who: "192.com", "Instagram", "Google"
    target_kind: str  # TARGETS
    asked: str  # ASKS
    channel: str  # CHANNELS
    status: str  # STATUSES
    pages: tuple[str, ...] = ()
    sent_on: date | None = None
    # When the organisation got it; for a web form or email that is the day it was sent.
    received_on: date | None = None
    reference: str = ""
    extended: bool = False  # they said they need the extra two months
    recheck_on: date | None = None
    incident_id: str | None = None
    finding_ids: tuple[str, ...] = ()
    note: str = ""
    history: tuple[Event, ...] = ()
    created: datetime | None = None
    updated: datetime | None = None
    # Fields a newer kit wrote: kept and written back unchanged, so no save loses them.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def status_label(self) -> str:
        return label(STATUSES, self.status)

    @property
    def asked_label(self) -> str:
        return label(ASKS, self.asked)

    @property
    def has_legal_clock(self) -> bool:
        return self.asked in LEGAL_ASKS

    @property
    def clock_starts(self) -> date | None:
        """The day the organisation received it: given, or else the day it was sent."""
        return self.received_on or self.sent_on

    def reply_due(self, nation: str = "england") -> date | None:
        """When their reply is due by law; None without a legal clock or before sending."""
        start = self.clock_starts
        if not self.has_legal_clock or start is None:
            return None
        return reply_due(start, nation, extended=self.extended)

    def waiting(self) -> bool:
        return self.status in WAITING

    def overdue(self, today: date, nation: str = "england") -> bool:
        due = self.reply_due(nation)
        return self.waiting() and due is not None and today > due

    def recheck_due(self, today: date) -> bool:
        return self.status not in FINISHED and self.recheck_on is not None and \
            self.recheck_on <= today

    def to_json(self, nation: str = "england") -> dict[str, Any]:
        due = self.reply_due(nation)
        return {
            "id": self.id, "target": self.target, "target_kind": self.target_kind,
            "asked": self.asked, "channel": self.channel, "status": self.status,
            "pages": list(self.pages),
            "sent_on": _iso(self.sent_on), "received_on": _iso(self.received_on),
            "reference": self.reference, "extended": self.extended,
            "recheck_on": _iso(self.recheck_on), "incident_id": self.incident_id,
            "finding_ids": list(self.finding_ids), "note": self.note,
            "history": [e.to_json() for e in self.history],
            "created": self.created.isoformat() if self.created else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "reply_due": _iso(due),
        }

    def _data(self) -> dict[str, Any]:
        data = {**self.extra, **self.to_json()}
        for computed in ("id", "reply_due"):
            del data[computed]
        return data


@dataclass(frozen=True)
class Due:
    """What needs the user now: replies due within a week, overdue replies, and re-checks."""

    replies_soon: tuple[tuple[Removal, date], ...]
    overdue: tuple[tuple[Removal, date], ...]
    rechecks: tuple[Removal, ...]

    def __bool__(self) -> bool:
        return bool(self.replies_soon or self.overdue or self.rechecks)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- checking what the user gives: every error a UsageError naming the field ---


def _choice(what: str, value: str, choices: Sequence[Choice]) -> str:
    if value not in _codes(choices):
        raise UsageError(f"{what} {value!r} is not one of {', '.join(_codes(choices))}")
    return value


def check_day(what: str, value: date | None, today: date, *, future_ok: bool) -> date | None:
    """*value* if it is a date on the right side of *today* (a day something happened: not
    after it; a day to look again: not before it)."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise UsageError(f"{what} must be a date")
    if not future_ok and value > today:
        raise UsageError(f"{what} {value} is in the future; give the day it happened")
    if future_ok and value < today:
        raise UsageError(f"{what} {value} is in the past; give a day from today on")
    return value


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise UsageError("the time must have a time zone")
    return now.astimezone(UTC)


# --- reading a stored record ---


_KNOWN: Final = frozenset({
    "target", "target_kind", "asked", "channel", "status", "pages", "sent_on", "received_on",
    "reference", "extended", "recheck_on", "incident_id", "finding_ids", "note", "history",
    "created", "updated"})


def _from_record(record: Record) -> Removal:
    d = record.data
    texts = {}
    for name in ("target", "target_kind", "asked", "channel", "status", "reference", "note"):
        texts[name] = stored_text(d.get(name, ""), name)
    extended, incident = d.get("extended", False), d.get("incident_id")
    if not isinstance(extended, bool) or not (incident is None or isinstance(incident, str)):
        raise TypeError("extended must be true or false, and incident_id text")
    raw_history = d.get("history", [])
    if not isinstance(raw_history, list):
        raise TypeError("history must be a list")
    history = []
    for e in raw_history:
        if not isinstance(e, dict) or not isinstance(e.get("status"), str) or \
                not isinstance(e.get("what", ""), str):
            raise TypeError("an event must have a time and a status")
        history.append(Event(stored_stamp(e.get("at")), e["status"], e.get("what", "")))
    # An unknown status, target or ask (a newer kit's) is kept as it is: it shows as written.
    return Removal(
        record.id, texts["target"], texts["target_kind"], texts["asked"], texts["channel"],
        texts["status"], stored_texts(d.get("pages", []), "pages"),
        stored_day(d.get("sent_on")), stored_day(d.get("received_on")), texts["reference"],
        extended, stored_day(d.get("recheck_on")), incident,
        stored_texts(d.get("finding_ids", []), "finding_ids"), texts["note"], tuple(history),
        stored_stamp(d["created"]), stored_stamp(d["updated"]),
        extra={k: v for k, v in d.items() if k not in _KNOWN})


def _unreadable(record: Record) -> Problem:
    from kit.vault import Problem  # here: the CLI imports this module at start

    return Problem("unreadable_removal", f"a removal request ({record.id}) has a shape this "
                   "version of the kit cannot read; it was left untouched", record.id)


class _Decrypted:
    """A RecordSource over records already decrypted (an evidence pack is given those)."""

    def __init__(self, records: Mapping[str, Record]) -> None:
        self.records = records

    def snapshot(self) -> Snapshot:
        from kit.vault import Snapshot

        return Snapshot(0, dict(self.records))


def for_incident(records: Mapping[str, Record],
                 incident_id: str) -> tuple[builtins.list[Removal], int]:
    """The requests linked to one incident among decrypted *records*, oldest first, for its
    evidence pack, and how many requests in the vault this kit cannot read: those are left
    out (which incident they belong to cannot be read either), and the pack says so."""
    read, problems = read_kind(_Decrypted(records), KIND, _from_record, _unreadable)
    unreadable = sum(problem.code == "unreadable_removal" for problem in problems)
    epoch = datetime.min.replace(tzinfo=UTC)
    return sorted((r for r in read.values() if r.incident_id == incident_id),
                  key=lambda r: r.created or epoch), unreadable


def check_target(target: str) -> str:
    """Who is asked: one line, not empty."""
    return check_text("the request's target", target, MAX_SHORT, required=True, one_line=True)


def check_pages(pages: Sequence[str]) -> tuple[str, ...]:
    """Each page a web address, each once, at most MAX_PAGES."""
    if len(pages) > MAX_PAGES:
        raise UsageError(f"too many pages for one request ({len(pages)}; at most {MAX_PAGES})")
    return tuple(dict.fromkeys(check_url(p, "page") for p in pages))


class Removals:
    """The removal requests in one vault, decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._current: dict[str, Removal] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, Removal]:
        if self._current is None:
            self._current, self.problems = read_kind(self.source, KIND, _from_record,
                                                     _unreadable)
        return self._current

    def list(self, status: str | None = None) -> list[Removal]:
        """Every request (or those with *status*): waiting ones first, then newest first."""
        if status is not None:
            _choice("status", status, STATUSES)
        found = [r for r in self._load().values() if status is None or r.status == status]
        epoch = datetime.min.replace(tzinfo=UTC)
        found.sort(key=lambda r: r.created or epoch, reverse=True)
        found.sort(key=lambda r: (r.status in FINISHED, not r.waiting()))
        return found

    def get(self, id_or_prefix: str) -> Removal:
        return by_prefix(self._load(), id_or_prefix, "removal request", problems=self.problems)

    def add(self, target: str, target_kind: str, asked: str, channel: str, *,
            pages: Sequence[str] = (), sent_on: date | None = None,
            received_on: date | None = None, reference: str = "",
            recheck_on: date | None = None, incident_id: str | None = None,
            finding_ids: Sequence[str] = (), note: str = "", today: date | None = None,
            now: datetime | None = None) -> Removal:
        """A new request: a draft, or sent when *sent_on* is given."""
        stamp = _now(now)
        day = today or stamp.astimezone().date()
        request = Removal(
            "", check_target(target),
            _choice("the kind of target", target_kind, TARGETS),
            _choice("what is asked", asked, ASKS),
            _choice("the channel", channel, CHANNELS),
            "sent" if sent_on else "draft", check_pages(pages),
            reference=check_text("the request's reference", reference, MAX_SHORT,
                                 one_line=True),
            incident_id=(check_text("the request's incident", incident_id, MAX_SHORT,
                                    one_line=True) or None)
            if incident_id is not None else None,
            finding_ids=self._links(finding_ids),
            note=check_text("the request's note", note, MAX_NOTE),
            created=stamp, updated=stamp)
        request = self._dates(request, day, sent_on=sent_on, received_on=received_on,
                              recheck_on=recheck_on)
        what = "written" if request.status == "draft" else "sent"
        request = dataclasses.replace(request, history=(Event(stamp, request.status, what),))
        return self._save(request)

    def update(self, id_or_prefix: str, *, status: str | None = None,
               sent_on: date | None = None, received_on: date | None = None,
               reference: str | None = None, extended: bool | None = None,
               recheck_on: date | None = None, clear_recheck: bool = False,
               pages: Sequence[str] | None = None, note: str | None = None,
               incident_id: str | None = None, unlink_incident: bool = False,
               what: str = "", today: date | None = None,
               now: datetime | None = None) -> Removal:
        """Change a request and add what happened to its history. None leaves a field as it
        was (*unlink_incident* takes it off its incident); a status change, a date or a reply
        each leave an event."""
        old = self.get(id_or_prefix)
        stamp = _now(now)
        day = today or stamp.astimezone().date()
        new_status = _choice("status", status, STATUSES) if status is not None else old.status
        if sent_on is not None and status is None and old.status == "draft":
            new_status = "sent"
        if new_status != "draft" and not (sent_on or old.sent_on) and new_status != "closed":
            raise UsageError("say when it was sent (--sent) before it can be "
                             f"{label(STATUSES, new_status).lower()}")
        request = dataclasses.replace(
            old, status=new_status,
            reference=old.reference if reference is None
            else check_text("the request's reference", reference, MAX_SHORT, one_line=True),
            extended=old.extended if extended is None else extended,
            pages=old.pages if pages is None else check_pages(pages),
            note=old.note if note is None else check_text("the request's note", note, MAX_NOTE),
            incident_id=check_text("the request's incident", incident_id, MAX_SHORT,
                                   one_line=True) if incident_id
            else None if unlink_incident else old.incident_id,
            recheck_on=None if clear_recheck else old.recheck_on, updated=stamp)
        request = self._dates(request, day, sent_on=sent_on, received_on=received_on,
                              recheck_on=recheck_on)
        said = check_text("the request's what happened", what, MAX_SHORT,
                          one_line=True) if what else ""
        if new_status != old.status or said or request.extended != old.extended:
            if not said:
                said = ("they said they need up to two more months"
                        if request.extended and not old.extended else
                        label(STATUSES, new_status).lower())
            history = (*old.history, Event(stamp, new_status, said))[-MAX_HISTORY:]
            request = dataclasses.replace(request, history=history)
        return self._save(request, old)

    def recheck(self, id_or_prefix: str, gone: bool, findings: Findings | None = None, *,
                today: date | None = None, now: datetime | None = None) -> Removal:
        """Record what a look at the pages showed. Gone: the request is removed, its
        findings fixed, and a later look suggested (listings come back). Still there: the
        status stays, and the re-check date is cleared so the next step can be chosen."""
        stamp = _now(now)
        day = today or stamp.astimezone().date()
        if gone:
            request = self.update(
                id_or_prefix, status="removed", what="looked again: the pages are gone",
                recheck_on=day + timedelta(days=SUGGESTED_RECHECK_DAYS["removed"]),
                today=day, now=stamp)
            if findings is not None:
                for finding_id in request.finding_ids:
                    findings.mark(finding_id, "fixed", today=day, now=stamp)
            return request
        return self.update(id_or_prefix, what="looked again: the pages are still there",
                           clear_recheck=True, today=day, now=stamp)

    def due(self, today: date, nation: str = "england") -> Due:
        """Replies due within DUE_SOON_DAYS, overdue replies, and re-checks that have come;
        *nation*'s bank holidays move a due date (kit.removals.deadlines)."""
        soon, late, looks = [], [], []
        for request in self.list():
            due = request.reply_due(nation)
            if request.waiting() and due is not None:
                if today > due:
                    late.append((request, due))
                elif (due - today).days < DUE_SOON_DAYS:
                    soon.append((request, due))
            if request.recheck_due(today):
                looks.append(request)
        return Due(tuple(sorted(soon, key=lambda p: p[1])),
                   tuple(sorted(late, key=lambda p: p[1])), tuple(looks))

    # --- helpers ---

    def _links(self, finding_ids: Sequence[str]) -> tuple[str, ...]:
        if len(finding_ids) > MAX_LINKS:
            raise UsageError(f"too many findings for one request (at most {MAX_LINKS})")
        return tuple(dict.fromkeys(check_text("the request's finding", f, MAX_SHORT,
                                              required=True, one_line=True)
                                   for f in finding_ids))

    def _dates(self, request: Removal, today: date, *, sent_on: date | None,
               received_on: date | None, recheck_on: date | None) -> Removal:
        sent = check_day("the day it was sent", sent_on, today, future_ok=False) \
            or request.sent_on
        received = check_day("the day they received it", received_on, today,
                             future_ok=False) or request.received_on
        if received is not None and sent is not None and received < sent:
            raise UsageError(f"they cannot have received it ({received}) before it was sent "
                             f"({sent})")
        if received is not None and sent is None:
            raise UsageError("say when it was sent (--sent) as well as when it arrived")
        recheck = check_day("the re-check date", recheck_on, today, future_ok=True) \
            or request.recheck_on
        if recheck is None and sent_on is not None and request.asked in SUGGESTED_RECHECK_DAYS:
            recheck = sent + timedelta(days=SUGGESTED_RECHECK_DAYS[request.asked]) \
                if sent else None
            if recheck is not None and recheck < today:
                recheck = today
        return dataclasses.replace(request, sent_on=sent, received_on=received,
                                   recheck_on=recheck)

    def _save(self, request: Removal, old: Removal | None = None) -> Removal:
        record = self.vault.put(KIND, request._data(), record_id=old.id if old else None)
        saved = dataclasses.replace(request, id=record.id)
        self._load()[saved.id] = saved
        return saved
