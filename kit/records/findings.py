"""The findings register: every exposure a footprint check found, what a stranger could learn
from it, how serious it is, the checklist step that deals with it, and where it stands.

A check records a finding under its own name (`source`) and a `key` it chooses for the thing it
found (a domain and a contact role, a breach name, a site and a username). Running the check
again finds the same finding by (source, key) and updates it in place: the last time it was
seen moves on, nothing is duplicated. Each change of status is kept with its date, which is how
the home screen can say how the number of open findings has changed over time.

Two devices that each recorded the same finding leave two records: the newest counts and the
other is left as it is (never deleted to tidy up).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kit.errors import UsageError
from kit.records.fields import check_text, stored_day, stored_stamp, stored_text, stored_whole
from kit.records.ids import SHORT_ID, by_prefix
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault

KIND = "finding"
SEVERITIES: Final = ("high", "medium", "low")
SEVERITY_LABELS: Final = {"high": "High", "medium": "Medium", "low": "Low"}
STATUSES: Final = ("open", "fixed", "accepted")
STATUS_LABELS: Final = {"open": "Open", "fixed": "Fixed", "accepted": "Accepted"}
# Listings come back when a site buys new data (research/footprint.md section 5): a fixed
# finding is looked at again after this long unless the user picks another date.
FIXED_RECHECK_DAYS = 90
MAX_SOURCE = 40
MAX_KEY = 500
MAX_TITLE = 200
MAX_EXPOSED = 2000
MAX_EVIDENCE = 4000
MAX_NOTE = 10_000
MAX_ITEM_ID = 64
MAX_HISTORY = 200  # status changes kept per finding; the oldest are dropped beyond this
TREND_POINTS = 6
TREND_STEP_DAYS = 30


@dataclass(frozen=True)
class Change:
    """One change of status: when, to what, and why in a few words."""

    at: datetime
    status: str
    why: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "status": self.status, "why": self.why}


@dataclass(frozen=True)
class Finding:
    """One exposure, as the register keeps it."""

    id: str
    source: str  # the check that found it: "domain", "email", "usernames" ...
    title: str
    exposed: str  # what is exposed, in plain words
    severity: str  # "high" | "medium" | "low"
    evidence: str  # where: a URL, a breach name, a registry
    fix_item: str | None  # the checklist item that deals with it
    status: str  # "open" | "fixed" | "accepted"
    found_at: datetime
    recheck_on: date | None
    note: str
    key: str = ""
    last_seen: datetime | None = None
    seen_count: int = 1
    history: tuple[Change, ...] = ()
    updated: datetime | None = None
    # Fields a newer kit wrote: kept and written back unchanged, so no save loses them.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, self.severity)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def recheck_due(self, today: date) -> bool:
        """Fixed or accepted, with a re-check date that has come."""
        return self.status != "open" and self.recheck_on is not None and \
            self.recheck_on <= today

    def status_on(self, day: date) -> str | None:
        """Where it stood at the end of *day* (UTC dates); None before it was found."""
        if self.found_at.date() > day:
            return None
        status = "open"
        for change in self.history:
            if change.at.date() <= day:
                status = change.status
        return status

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "source": self.source, "key": self.key, "title": self.title,
            "exposed": self.exposed, "severity": self.severity, "evidence": self.evidence,
            "fix_item": self.fix_item, "status": self.status,
            "found_at": self.found_at.isoformat(),
            "last_seen": (self.last_seen or self.found_at).isoformat(),
            "seen_count": self.seen_count,
            "recheck_on": self.recheck_on.isoformat() if self.recheck_on else None,
            "note": self.note, "history": [c.to_json() for c in self.history],
            "updated": self.updated.isoformat() if self.updated else None,
        }

    def _data(self) -> dict[str, Any]:
        data = {**self.extra, **self.to_json()}
        del data["id"]
        return data


@dataclass(frozen=True)
class TrendPoint:
    day: date
    open: int
    high: int  # of which high severity


@dataclass(frozen=True)
class Summary:
    """The register at a glance, for the home screen."""

    total: int
    open_by_severity: Mapping[str, int]
    by_status: Mapping[str, int]
    recheck_due: int
    trend: tuple[TrendPoint, ...]  # open findings at the end of each step, oldest first

    @property
    def open(self) -> int:
        return self.by_status.get("open", 0)

    def to_json(self) -> dict[str, Any]:
        return {"total": self.total, "open": self.open,
                "open_by_severity": dict(self.open_by_severity),
                "by_status": dict(self.by_status), "recheck_due": self.recheck_due,
                "trend": [{"day": p.day.isoformat(), "open": p.open, "high": p.high}
                          for p in self.trend]}


# --- validation: every error a UsageError naming the field ---


def _tidy(value: object, limit: int, *, one_line: bool) -> str:
    """Text a check found (often from a remote answer) made safe to keep: control characters
    become spaces (newlines and tabs stay where several lines are allowed), and anything over
    *limit* is cut with an ellipsis, rather than failing a check that has already run."""
    if not isinstance(value, str):
        raise UsageError("a finding's title, description and evidence must be text")
    text = "".join(" " if unicodedata.category(ch) == "Cc" and (one_line or ch not in "\n\t")
                   else ch for ch in value).strip()
    if one_line:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def _name(what: str, value: object, limit: int) -> str:
    """A check name or checklist item id: lower-case letters, digits and dashes."""
    text = check_text(f"the finding's {what}", value, limit, required=True, one_line=True)
    if not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in text) or \
            text != text.lower():
        raise UsageError(f"{text!r} is not a valid {what} (lower-case letters, digits and "
                         "dashes)")
    return text


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise UsageError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    return status


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise UsageError("the time must be a date and time with a time zone")
    return now.astimezone(UTC)


def _from_record(record: Record) -> Finding:
    d = record.data
    texts = {}
    for name in ("source", "key", "title", "exposed", "severity", "evidence", "status"):
        texts[name] = stored_text(d[name], name)
    note = stored_text(d.get("note", ""), "note")
    fix_item = d.get("fix_item")
    if fix_item is not None:
        fix_item = stored_text(fix_item, "fix_item")
    seen_count = stored_whole(d.get("seen_count", 1), "seen_count")
    raw_history = d.get("history", [])
    if not isinstance(raw_history, list):
        raise TypeError("history must be a list")
    history = []
    for c in raw_history:
        if not isinstance(c, dict) or not isinstance(c.get("status"), str) or \
                not isinstance(c.get("why", ""), str):
            raise TypeError("a status change must have a time and a status")
        history.append(Change(stored_stamp(c.get("at"), "a status change"), c["status"],
                              c.get("why", "")))
    found_at = stored_stamp(d["found_at"], "found_at")
    last_seen = stored_stamp(d.get("last_seen") or d["found_at"], "last_seen")
    updated = stored_stamp(d["updated"], "updated")
    known = {"source", "key", "title", "exposed", "severity", "evidence", "fix_item", "status",
             "found_at", "last_seen", "seen_count", "recheck_on", "note", "history", "updated"}
    # An unknown status or severity (a newer kit's) is kept as it is: it shows as written.
    return Finding(record.id, texts["source"], texts["title"], texts["exposed"],
                   texts["severity"], texts["evidence"], fix_item, texts["status"], found_at,
                   stored_day(d.get("recheck_on"), "recheck_on"), note, key=texts["key"],
                   last_seen=last_seen, seen_count=seen_count, history=tuple(history),
                   updated=updated, extra={k: v for k, v in d.items() if k not in known})


def _newer(a: Finding, b: Finding) -> bool:
    """Whether *a* was saved after *b* (ids break a tie, so every device picks the same)."""
    epoch = datetime.min.replace(tzinfo=UTC)
    return (a.updated or epoch, a.id) > (b.updated or epoch, b.id)


def _changed(history: Sequence[Change], change: Change) -> tuple[Change, ...]:
    return (*history, change)[-MAX_HISTORY:]


class Findings:
    """The findings register in one vault, decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._current: dict[tuple[str, str], Finding] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[tuple[str, str], Finding]:
        if self._current is None:
            from kit.vault import Problem  # here: the CLI imports this module at start

            read, self.problems = read_kind(self.source, KIND, _from_record, lambda r: Problem(
                "unreadable_finding", f"a finding ({r.id}) has a shape this version of the kit "
                "cannot read; it was left untouched", r.id))
            current: dict[tuple[str, str], Finding] = {}
            for finding in read.values():
                slot = (finding.source, finding.key)
                seen = current.get(slot)
                if seen is None or _newer(finding, seen):
                    current[slot] = finding
            self._current = current
        return self._current

    def list(self, status: str | None = None) -> list[Finding]:
        """Every finding (one per source and key), open first, then by severity and newest."""
        if status is not None:
            check_status(status)
        order = {s: n for n, s in enumerate(SEVERITIES)}
        found = [f for f in self._load().values() if status is None or f.status == status]
        found.sort(key=lambda f: f.found_at, reverse=True)
        found.sort(key=lambda f: (f.status != "open", order.get(f.severity, len(order))))
        return found

    def get(self, id_or_prefix: str) -> Finding:
        """The finding whose id starts with *id_or_prefix* (at least 4 characters)."""
        return by_prefix({f.id: f for f in self._load().values()}, id_or_prefix, "finding",
                         problems=self.problems)

    def find(self, source: str, key: str) -> Finding | None:
        """The finding a check recorded under (source, key), if any."""
        return self._load().get((source, _tidy(key, MAX_KEY, one_line=True)))

    def record(self, source: str, key: str, title: str, exposed: str, severity: str,
               evidence: str, fix_item: str | None, *, now: datetime | None = None) -> Finding:
        """Record what a check found; idempotent per (source, key).

        A new (source, key) makes an open finding. One seen before is updated in place: the
        title, what is exposed, the severity and the evidence take the new values, last_seen
        and seen_count move on. A finding marked fixed is opened again (it has come back, as
        listings do); one the user accepted stays accepted.
        """
        source = _name("source", source, MAX_SOURCE)
        key = _tidy(key, MAX_KEY, one_line=True)  # the same text always gives the same key
        title = _tidy(title, MAX_TITLE, one_line=True)
        exposed = _tidy(exposed, MAX_EXPOSED, one_line=False)
        if not key or not title or not exposed:
            raise UsageError("a finding needs a key, a title and a description of what is "
                             "exposed")
        if severity not in SEVERITIES:
            raise UsageError(f"severity {severity!r} is not one of {', '.join(SEVERITIES)}")
        evidence = _tidy(evidence, MAX_EVIDENCE, one_line=False)
        if fix_item is not None:
            fix_item = _name("checklist item id", fix_item, MAX_ITEM_ID)
        stamp = _now(now)
        old = self.find(source, key)
        if old is None:
            finding = Finding("", source, title, exposed, severity, evidence, fix_item, "open",
                              stamp, None, "", key=key, last_seen=stamp, seen_count=1,
                              history=(Change(stamp, "open", "found"),), updated=stamp)
        else:
            status, recheck_on, history = old.status, old.recheck_on, old.history
            if old.status == "fixed":
                status, recheck_on = "open", None
                history = _changed(history, Change(stamp, "open",
                                                   "found again after it was marked fixed"))
            finding = dataclasses.replace(
                old, title=title, exposed=exposed, severity=severity, evidence=evidence,
                fix_item=fix_item, status=status, recheck_on=recheck_on,
                last_seen=max(stamp, old.last_seen or stamp), seen_count=old.seen_count + 1,
                history=history, updated=stamp)
        return self._save(finding, old)

    def record_gone(self, source: str, key: str, *, now: datetime | None = None
                    ) -> Finding | None:
        """A check ran and no longer found (source, key): an open finding becomes fixed, with
        the usual re-check date. Returns it, or None when there was nothing open."""
        old = self.find(source, key)
        if old is None or old.status != "open":
            return None
        stamp = _now(now)
        finding = dataclasses.replace(
            old, status="fixed", recheck_on=stamp.date() + timedelta(days=FIXED_RECHECK_DAYS),
            history=_changed(old.history, Change(stamp, "fixed", "a check no longer found it")),
            updated=stamp)
        return self._save(finding, old)

    def mark(self, id_or_prefix: str, status: str, note: str | None = None, *,
             today: date | None = None, recheck_on: date | None = None,
             now: datetime | None = None) -> Finding:
        """Set a finding's status: fixed (re-checked FIXED_RECHECK_DAYS later unless
        *recheck_on* says otherwise), open again, or accepted (you have decided to live with
        it). A *note* of None keeps the note as it was; "" clears it."""
        check_status(status)
        stamp = _now(now)
        day = today if today is not None else stamp.astimezone().date()
        if isinstance(day, datetime) or not isinstance(day, date):
            raise UsageError("today must be a date")
        if recheck_on is not None:
            if isinstance(recheck_on, datetime) or not isinstance(recheck_on, date):
                raise UsageError("the re-check date must be a date")
            if status == "open":
                raise UsageError("a re-check date goes with fixed or accepted, not open")
            if recheck_on < day:
                raise UsageError(f"the re-check date {recheck_on} is in the past")
        elif status == "fixed":
            recheck_on = day + timedelta(days=FIXED_RECHECK_DAYS)
        old = self.get(id_or_prefix)
        history = old.history
        if status != old.status:
            history = _changed(history, Change(stamp, status, "marked by you"))
        finding = dataclasses.replace(
            old, status=status, recheck_on=recheck_on,
            note=old.note if note is None else check_text("the finding's note", note, MAX_NOTE),
            history=history, updated=stamp)
        return self._save(finding, old)

    def _save(self, finding: Finding, old: Finding | None) -> Finding:
        record = self.vault.put(KIND, finding._data(), record_id=old.id if old else None)
        saved = dataclasses.replace(finding, id=record.id)
        self._load()[(saved.source, saved.key)] = saved
        return saved

    def summary(self, today: date) -> Summary:
        """Counts by severity and status, re-checks due, and the number open over time."""
        findings = list(self._load().values())
        by_status = {s: 0 for s in STATUSES}
        open_by_severity = {s: 0 for s in SEVERITIES}
        for f in findings:
            by_status[f.status] = by_status.get(f.status, 0) + 1
            if f.status == "open":
                open_by_severity[f.severity] = open_by_severity.get(f.severity, 0) + 1
        points = []
        for step in range(TREND_POINTS - 1, -1, -1):
            day = today - timedelta(days=step * TREND_STEP_DAYS)
            states = [(f, f.status_on(day)) for f in findings]
            points.append(TrendPoint(day, sum(1 for _, s in states if s == "open"),
                                     sum(1 for f, s in states
                                         if s == "open" and f.severity == "high")))
        return Summary(len(findings), open_by_severity, by_status,
                       sum(1 for f in findings if f.recheck_due(today)), tuple(points))
