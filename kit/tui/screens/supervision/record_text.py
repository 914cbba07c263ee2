"""A supervision record as the Records tab shows it: every field, its versions and the
supervisee's answers, as plain text (never markup: the words are other people's)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from rich.text import Text

from kit.plurals import counted
from kit.records.exposure import label
from kit.supervision.records import REFERRALS, Action, SupervisionDoc, owner_shown
from kit.supervision.times import shown_day, shown_time


def action_line(action: Action, today: date, owner: str | None = None) -> str:
    due = f"due {shown_day(action.due)}" if action.due else "no due date"
    overdue = ", OVERDUE" if action.overdue(today) else ""
    return f"{action.text} ({owner or action.owner}, {due}; {action.status_label}{overdue})"


def record_details(doc: SupervisionDoc, names: dict[str, str], me: str, zone: ZoneInfo,
                   today: date) -> Text:
    """Every field of a record, its versions and the supervisee's answers, as plain text."""
    text = Text()

    def row(name: str, value: str) -> None:
        text.append(f"{name}: ", style="bold")
        text.append(f"{value}\n")

    def block(title: str, value: str) -> None:
        text.append(f"\n{title}\n", style="bold")
        text.append((value or "(nothing written)") + "\n")

    def who(fingerprint: str) -> str:
        return names.get(fingerprint, fingerprint) + (" (you)" if fingerprint == me else "")

    row("Record", f"{doc.type_label} {doc.short_id}")
    row("Supervisor", who(doc.supervisor))
    row("Supervisee", who(doc.supervisee))
    row("Status", f"{doc.status_label} (version {doc.latest.n})")
    if doc.type == "session":
        s = doc.session
        row("Held", shown_time(s.held, zone))
        row("Type", s.type_label)
        if s.incident_at is not None:
            row("Incident", shown_time(s.incident_at, zone))
        if s.follows:
            row("Follows", f"session record {s.follows[:8]}")
        row("Attendees", ", ".join(s.attendees) or "not recorded")
        if s.share_packet:
            row("Drew on share", s.share_packet[:8])
        block("Summary received", s.summary_received)
        block("Impact", s.impact)
        block("Coping and support", s.coping)
        text.append(f"\nActions ({len(s.actions)})\n", style="bold")
        if not s.actions:
            text.append("None agreed.\n")
        for action in s.actions:
            text.append(f"• {action_line(action, today, owner_shown(action, doc, names))}\n")
        block("Escalation", s.escalation)
        text.append("\n")
        row("Referrals", ", ".join(label(REFERRALS, r) for r in s.referrals) or "none")
        row("Review date", shown_day(s.review_date, "not set"))
    else:
        a = doc.agreement
        row("Meet every", counted(a.frequency_days, "day"))
        row("Time to comment on a record", counted(a.comment_window_days, "day"))
        block("Limits of confidentiality", a.confidentiality)
        block("Where records are kept, and who sees them", a.records_kept)
        block("How disagreement is recorded", a.disagreement)
        block("Cancellations", a.cancellations)
        text.append("\n")
        row("Review date", shown_day(a.review_date, "not set"))
    text.append("\nVersions\n", style="bold")
    for v in doc.versions:
        sent = f"sent {shown_time(v.sent_at, zone)}" if v.sent_at else "not sent"
        line = f"• Version {v.n}: made {shown_time(v.created, zone)}; {sent}"
        if v.response is not None:
            line += f"; {v.response.decision_label.lower()} {shown_time(v.response.at, zone)}"
            if v.response.late:
                line += " (after the agreed window)"
        text.append(line + "\n")
        if v.response is not None and v.response.comment:
            text.append("  The supervisee's comment:\n", style="italic")
            text.append("".join(f"    {part}\n" for part in v.response.comment.split("\n")))
    return text
