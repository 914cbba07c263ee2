"""The supervisor's team view, and which records are old enough to delete.

The team view says only whether check-ins are up to date and whether actions are open. It shows
no scores unless the practitioner shared them, and it never ranks staff
(research/wellbeing.md, recommended features (b)). Rows are therefore sorted by name alone:
any other order (overdue first, lowest band first) would be a ranking.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Final, Protocol

from kit.errors import UsageError
from kit.records.fields import Choice
from kit.supervision.records import SupervisionDoc, latest_agreement, latest_session
from kit.supervision.schedule import FollowUp, add_months, follow_ups

BAND_FIELD: Final = "checkin_bands"  # the share field that carries check-in bands
MAX_RETENTION_MONTHS: Final = 1200

ROSTER_STATUSES: Final = (
    Choice("no-sessions", "No session recorded yet"),
    Choice("no-agreement", "No agreement on how often to meet"),
    Choice("up-to-date", "Up to date"),
    Choice("due", "Check-in due today"),
    Choice("overdue", "Check-in overdue"),
)


class ContactLike(Protocol):
    """What the roster needs of a contact (kit.supervision.contacts.Contact has it)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def archived(self) -> bool: ...


class ShareLike(Protocol):
    """What the roster needs of a received share: who sent it, when, and its fields as
    (key, label, text)."""

    @property
    def sender(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def fields(self) -> tuple[tuple[str, str, str], ...]: ...


@dataclass(frozen=True)
class RosterRow:
    """One person in the team view. shared_band is only ever what they chose to share."""

    contact_id: str
    name: str
    fingerprint: str
    last_session: datetime | None
    next_due: date | None
    overdue_actions: int
    open_actions: int
    follow_ups_due: tuple[FollowUp, ...]
    shared_band: str | None
    last_share: datetime | None
    status: str  # a ROSTER_STATUSES value

    def to_json(self) -> dict[str, Any]:
        return {"contact_id": self.contact_id, "name": self.name,
                "fingerprint": self.fingerprint,
                "last_session": self.last_session.isoformat() if self.last_session else None,
                "next_due": self.next_due.isoformat() if self.next_due else None,
                "overdue_actions": self.overdue_actions, "open_actions": self.open_actions,
                "follow_ups_due": [f.to_json() for f in self.follow_ups_due],
                "shared_band": self.shared_band,
                "last_share": self.last_share.isoformat() if self.last_share else None,
                "status": self.status}


def _status(last_session: datetime | None, next_due: date | None, today: date) -> str:
    if last_session is None:
        return "no-sessions"
    if next_due is None:
        return "no-agreement"
    if next_due < today:
        return "overdue"
    return "due" if next_due == today else "up-to-date"


def follow_ups_due(docs: Iterable[SupervisionDoc], supervisee: str,
                   zone: tzinfo) -> tuple[FollowUp, ...]:
    """Follow-ups not yet recorded, soonest first: for each session after an incident, the
    72-hour and one-month follow-ups that no follow-up session of that type names."""
    sessions = [d for d in docs if d.type == "session" and d.supervisee == supervisee]
    done = {(d.session.type, d.session.follows) for d in sessions}
    due: list[FollowUp] = []
    for doc in sessions:
        incident_at = doc.session.incident_at
        if doc.session.type != "post-incident" or incident_at is None:
            continue
        due.extend(f for f in follow_ups(incident_at, zone) if (f.kind, doc.id) not in done)
    # In UTC: times in one zone compare by wall clock, wrong in the hour that comes twice.
    return tuple(sorted(due, key=lambda f: (f.due.astimezone(UTC), f.kind)))


def _latest_share(shares: Iterable[ShareLike], fingerprint: str) -> ShareLike | None:
    return max((s for s in shares if s.sender == fingerprint), key=lambda s: s.received_at,
               default=None)


def _band(share: ShareLike | None) -> str | None:
    """The check-in bands in the latest share only: if the person left them out this time,
    an older share does not speak for them."""
    if share is None:
        return None
    return next((text for key, _label, text in share.fields if key == BAND_FIELD), None)


def roster(contacts: Iterable[ContactLike], records: Iterable[SupervisionDoc],
           shares: Iterable[ShareLike], now: datetime, zone: tzinfo) -> list[RosterRow]:
    """One row per current (not archived) contact, sorted by name. *records* is every
    supervision record (SupervisionRecords.all()); dates are those of *zone*."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise UsageError("now needs a time zone")
    docs = list(records)
    share_list = list(shares)
    today = now.astimezone(zone).date()
    rows: list[RosterRow] = []
    for contact in contacts:
        if contact.archived:
            continue
        fpr = contact.fingerprint
        session_doc = latest_session(docs, fpr)
        agreement_doc = latest_agreement(docs, fpr)
        last_session = session_doc.session.held if session_doc else None
        next_due = None
        if last_session is not None and agreement_doc is not None:
            next_due = (last_session.astimezone(zone).date()
                        + timedelta(days=agreement_doc.agreement.frequency_days))
        open_actions = session_doc.session.open_actions() if session_doc else ()
        share = _latest_share(share_list, fpr)
        rows.append(RosterRow(
            contact_id=contact.id, name=contact.name, fingerprint=fpr,
            last_session=last_session, next_due=next_due,
            overdue_actions=sum(a.overdue(today) for a in open_actions),
            open_actions=len(open_actions),
            follow_ups_due=follow_ups_due(docs, fpr, zone),
            shared_band=_band(share), last_share=share.received_at if share else None,
            status=_status(last_session, next_due, today)))
    return sorted(rows, key=lambda r: (r.name.casefold(), r.name, r.contact_id))


def expired(records: Iterable[SupervisionDoc], now: datetime,
            months: int) -> list[SupervisionDoc]:
    """Records nothing has happened to (no version made, sent or answered) for more than
    *months* calendar months, the oldest first: candidates for deletion under a retention
    policy. Nothing is deleted here; the caller asks first."""
    if isinstance(months, bool) or not isinstance(months, int) or not (
            1 <= months <= MAX_RETENTION_MONTHS):
        raise UsageError(f"the retention period must be a whole number of months from 1 to "
                         f"{MAX_RETENTION_MONTHS}, not {months!r}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise UsageError("now needs a time zone")
    cutoff = datetime.combine(add_months(now.date(), -months), now.timetz())
    old = [d for d in records if d.last_activity() < cutoff]
    return sorted(old, key=lambda d: (d.last_activity(), d.id))
