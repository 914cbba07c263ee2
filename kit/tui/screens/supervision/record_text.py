"""A supervision record as the Records tab shows it: the one view of a record
(kit.supervision.view, which the command line and the exports set out too), then every version
and the supervisee's answers, as plain text (never markup: the words are other people's)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from rich.text import Text

from kit.supervision.records import SupervisionDoc
from kit.supervision.view import EMPTY, Field, history, view


def action_line(row: tuple[str, str, str, str]) -> str:
    text, owner, due, status = row
    return f"{text} ({owner}, {'no due date' if due == EMPTY else f'due {due}'}; {status})"


def record_details(doc: SupervisionDoc, names: dict[str, str], me: str, zone: ZoneInfo,
                   today: date) -> Text:
    """Every field of a record, its versions and the supervisee's answers, as plain text."""
    shown = {**names, me: f"{names.get(me, me)} (you)"}
    v = view(doc, shown, zone, today)
    text = Text()

    def put(f: Field) -> None:
        if f.long:
            text.append(f"\n{f.label}\n", style="bold")
            text.append("\n".join(f.lines or ("(nothing written)",)) + "\n")
        else:
            text.append(f"{f.label}: ", style="bold")
            text.append(" ".join(f.lines) or EMPTY)
            text.append("\n")

    text.append(f"{v.title} ({doc.short_id})\n", style="bold")
    for f in (*v.about, *v.fields):
        put(f)
    if v.actions is not None:
        text.append(f"\nAgreed actions ({len(v.actions)})\n", style="bold")
        if not v.actions:
            text.append("None agreed.\n")
        for row in v.actions:
            text.append(f"• {action_line(row)}\n")
    for f in v.after:
        if f.label != "Supervisee's comment":  # each answer is under its version, below
            put(f)
    text.append("\nVersions\n", style="bold")
    for h in history(doc, zone):
        line = f"• Version {h.n}: made {h.made}; " + (f"sent {h.sent}" if h.sent else "not sent")
        if h.answer:
            line += f"; {h.answer[0].lower()}{h.answer[1:]}"
        if h.changed:
            line += f"; changed: {', '.join(h.changed)}"
        text.append(line + "\n")
        if h.comment:
            text.append("  The supervisee's comment:\n", style="italic")
            text.append("".join(f"    {part}\n" for part in h.comment))
    return text
