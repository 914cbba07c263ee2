"""A supervision record in words: one view of a record's version, every value already a
phrase, that every place showing a record sets out in its own way (the app's Records tab, the
command line's `kit supervision show`, the Markdown and PDF exports), so they always say the
same thing. Also each version's history line: when it was made and sent, and the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from kit.records.fields import label
from kit.supervision.records import (
    ACTION_STATUSES,
    REFERRALS,
    SESSION_TYPES,
    Agreement,
    Session,
    owner_shown,
)

if TYPE_CHECKING:
    from kit.supervision.records import Action, SupervisionDoc, Version

EMPTY = "—"
PLAINTEXT = ("This is a plaintext copy of an encrypted supervision record. The signed original "
             "stays in Frontline Kit; keep this copy somewhere safe and destroy it when you no "
             "longer need it.")
ACTION_COLUMNS = ("Action", "Owner", "Due", "Status")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day(when: date) -> str:
    """A date as people read it, the same in every locale: Tue 24 Nov 2026."""
    return f"{_DAYS[when.weekday()]} {when.day} {_MONTHS[when.month - 1]} {when.year}"


def moment(when: datetime, zone: ZoneInfo) -> str:
    """A time in *zone*: Tue 24 Nov 2026, 10:00."""
    local = when.astimezone(zone)
    return f"{day(local.date())}, {local:%H:%M}"


def digest_groups(digest: str) -> str:
    """The first 16 hex digits of a digest in groups of four, to read aloud or compare."""
    head = digest[:16]
    return " ".join(head[i:i + 4] for i in range(0, len(head), 4))


class Field(NamedTuple):
    """One labelled part of the record. No lines: empty, shown as a dash."""

    label: str
    lines: tuple[str, ...]
    long: bool  # free text set as a paragraph, not a "label: value" line


@dataclass(frozen=True)
class View:
    """The record as both formats show it, every value already in words."""

    title: str
    about: tuple[Field, ...]  # who, which version, status
    fields: tuple[Field, ...]  # the content, in order
    actions: tuple[tuple[str, str, str, str], ...] | None  # session records only
    after: tuple[Field, ...]  # after the actions: escalation, referrals, review, comment
    footer: tuple[str, ...]


def _lines(value: str) -> tuple[str, ...]:
    """A text's lines as a field shows them: trailing spaces and outer blank lines gone."""
    value = value.strip()
    return tuple(line.rstrip() for line in value.splitlines()) if value else ()


def _short(label_: str, value: str | None) -> Field:
    return Field(label_, (value,) if value else (), False)


def _status(version: Version, zone: ZoneInfo) -> tuple[str, str | None]:
    """(status, response line) for one version."""
    if version.sent_at is None:
        return "Draft, not sent", None
    response = version.response
    if response is None:
        return "Sent, awaiting reply", None
    decision = "Accepted" if response.decision == "accepted" else "Commented"
    # "Agreed" only where the reader can see an agreement: without one the kit's default
    # window applied, and the export cannot say one was agreed.
    window = "after the comment window" if response.late else "within the comment window"
    return decision, f"{decision} on {moment(response.at, zone)} ({window})"


def _action_row(action: Action, doc: SupervisionDoc, names: Mapping[str, str],
                today: date) -> tuple[str, str, str, str]:
    status = label(ACTION_STATUSES, action.status)
    if action.overdue(today):
        status += " (overdue)"
    owner = owner_shown(action, doc, names).strip()
    return (" ".join(_lines(action.text)) or EMPTY, owner or EMPTY,
            day(action.due) if action.due else EMPTY, status)


def view(doc: SupervisionDoc, names: Mapping[str, str], zone: ZoneInfo, today: date,
         version: int | None = None) -> View:
    """The record's *version* (default: the latest) in words."""
    chosen = doc.latest if version is None else doc.version(version)  # NotFound if absent
    supervisee = names.get(doc.supervisee) or doc.supervisee
    status, responded = _status(chosen, zone)
    about = (
        _short("Supervisor", names.get(doc.supervisor) or doc.supervisor),
        _short("Supervisee", supervisee),
        _short("Version", f"{chosen.n} of {max(v.n for v in doc.versions)}"),
        _short("Status", status),
        _short("Sent", moment(chosen.sent_at, zone) if chosen.sent_at else None),
        _short("Response", responded),
    )
    response = chosen.response
    comment = Field("Supervisee's comment",
                    _lines(response.comment) if response is not None else (), True)
    footer = (f"Record digest: {digest_groups(chosen.digest)}", f"Exported {day(today)}",
              PLAINTEXT)
    if doc.type == "agreement":
        a = Agreement.from_json(chosen.content)
        agreed = (
            _short("How often we meet", f"Every {a.frequency_days} days"),
            _short("Time to comment on a record",
                   f"{a.comment_window_days} day{'' if a.comment_window_days == 1 else 's'}"),
            Field("Limits of confidentiality", _lines(a.confidentiality), True),
            Field("Where records are kept and who can see them", _lines(a.records_kept), True),
            Field("How disagreement is recorded", _lines(a.disagreement), True),
            Field("How cancellations are handled", _lines(a.cancellations), True),
            # A paragraph under its own heading, so it does not read as part of the one above.
            Field("Review date", (day(a.review_date),) if a.review_date else (), True),
        )
        return View("Supervision agreement", about, agreed, None, (comment,), footer)
    s = Session.from_json(chosen.content)
    fields = [
        _short("Held", moment(s.held, zone)),
        _short("Session type", label(SESSION_TYPES, s.type)),
        _short("Attendees", ", ".join(s.attendees)),
    ]
    if s.incident_at is not None:
        fields.append(_short("Incident", moment(s.incident_at, zone)))
    if s.follows:
        fields.append(_short("Follows the session record", s.follows[:8]))
    if s.share_packet:
        fields.append(_short("Share packet drawn on", s.share_packet[:8]))
    fields += [
        Field("Exposure and wellbeing summary received", _lines(s.summary_received), True),
        Field("Impact", _lines(s.impact), True),
        Field("Coping", _lines(s.coping), True),
    ]
    after = (
        Field("Escalation: what happens if things get worse", _lines(s.escalation), True),
        Field("Referrals", _lines("; ".join(label(REFERRALS, r) for r in s.referrals)), True),
        Field("Review date", (day(s.review_date),) if s.review_date else (), True),
        comment,
    )
    title = f"Supervision record — {supervisee}, {day(s.held.astimezone(zone).date())}"
    actions = tuple(_action_row(a, doc, names, today) for a in s.actions)
    return View(title, about, tuple(fields), actions, after, footer)


class HistoryLine(NamedTuple):
    """One version: when it was made and sent, how it was answered, what it changed."""

    n: int
    made: str
    sent: str | None
    answer: str | None  # "Accepted on …", "Commented on … (after the comment window)"
    comment: tuple[str, ...]  # the supervisee's comment, line by line
    changed: tuple[str, ...]  # the fields that differ from the version before (none: first)


def history(doc: SupervisionDoc, zone: ZoneInfo) -> tuple[HistoryLine, ...]:
    """Every version of *doc*, oldest first."""
    lines = []
    for v in doc.versions:
        before = next((p.content for p in doc.versions if p.n == v.n - 1), None)
        changed = (() if before is None else
                   tuple(k.replace("_", " ") for k in v.content if v.content[k] != before.get(k)))
        _status_word, answer = _status(v, zone)
        lines.append(HistoryLine(
            v.n, moment(v.created, zone), moment(v.sent_at, zone) if v.sent_at else None,
            answer, _lines(v.response.comment) if v.response is not None else (), changed))
    return tuple(lines)
