"""`kit supervision`, `kit action` and `kit team`: agreements and session records, their
countersignatures, agreed actions, and the supervisor's view of the team."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click

from kit import config as kit_config
from kit.chosen_file import check_chosen_path
from kit.commands.context import (
    go_ahead,
    json_option,
    optional_private_text,
    out,
    read_private_text,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.commands.identity import service
from kit.errors import UsageError
from kit.plurals import counted
from kit.records.fields import Choice, label
from kit.supervision.records import (
    ACTION_STATUSES,
    REFERRALS,
    SESSION_TYPES,
    Action,
    Agreement,
    Session,
    new_action,
    owner_shown,
)
from kit.supervision.times import parse_optional_day, parse_time
from kit.terminal_text import shown

if TYPE_CHECKING:
    from kit.supervision.records import SupervisionDoc
    from kit.supervision.service import Supervision


def _choice(options: Sequence[Choice]) -> click.Choice[str]:
    return click.Choice([o.value for o in options])


def _local(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%a %d %b %Y, %H:%M")


FORCE_HELP = "Overwrite the --out file if it is already there."


def _doc_lines(sup: Supervision, doc: SupervisionDoc) -> list[str]:
    """The record as the app and the exports show it (kit.supervision.view), with what a
    command needs besides: the full id, each action's id, and the follow-ups' schedule."""
    from kit.supervision.view import EMPTY, Field, history, view

    v = view(doc, sup.names(), sup.zone, sup.today())

    def field(f: Field) -> list[str]:
        if f.long:
            return [f"{f.label}:", *(_indent("\n".join(f.lines)) if f.lines else ["  —"])]
        return [f"{f.label}: {' '.join(f.lines) or EMPTY}"]

    lines = [v.title, f"Record: {doc.short_id} ({doc.id})"]
    for f in (*v.about, *v.fields):
        lines += field(f)
    if doc.type == "session":
        s = doc.session
        if s.type == "post-incident" and s.incident_at:
            lines += ["Follow-ups:", *_follow_up_lines(sup, doc, s.incident_at)]
        lines.append("Agreed actions:")
        lines += [f"  [{a.id[:6]}] {text} — {owner}, due {due}, {status}"
                  for a, (text, owner, due, status) in zip(s.actions, v.actions or (),
                                                            strict=True)] or ["  —"]
    for f in v.after:
        if f.label != "Supervisee's comment":  # each answer is under its version, below
            lines += field(f)
    for h in history(doc, sup.zone):
        line = f"Version {h.n}: " + (f"sent {h.sent}" if h.sent else "not sent")
        if h.n > 1:
            line += f"; changed: {', '.join(h.changed) or 'nothing'}"
        if h.answer:
            line += f"; {h.answer[0].lower()}{h.answer[1:]}"
        lines.append(line)
        if h.comment:
            lines += ["  Supervisee's comment:", *(f"    {part}" for part in h.comment)]
    return lines


def _follow_up_lines(sup: Supervision, doc: SupervisionDoc, incident_at: datetime) -> list[str]:
    """The 72-hour and one-month follow-ups after an incident, and whether each was held."""
    from kit.supervision.schedule import follow_ups

    held = {d.session.type for d in sup.workspace.supervision.sessions_for(doc.supervisee)
            if d.session.follows == doc.id}
    return [f"  {f.label}: {_local(f.due, sup.zone)}"
            + (" (held)" if f.kind in held else "") for f in follow_ups(incident_at, sup.zone)]


def _indent(text: str) -> list[str]:
    return [f"  {line}" for line in text.splitlines()] or ["  —"]


@click.group("supervision")
def supervision() -> None:
    """Supervision agreements and session records, countersigned by both of you."""


@supervision.command("agreement")
@click.argument("who")
@click.option("--every", "frequency", type=int, default=28, show_default=True,
              help="How often you meet, in days.")
@click.option("--window", type=int, default=5, show_default=True,
              help="Days the supervisee has to accept or comment on a record.")
@click.option("--confidentiality", help="The limits of confidentiality ('-' reads stdin).")
@click.option("--records", "records_kept", help="Where records are kept and who can see them.")
@click.option("--disagreement", help="How disagreement is recorded.")
@click.option("--cancellations", help="How cancellations are handled.")
@click.option("--review", help="When to review the agreement (YYYY-MM-DD).")
@json_option
def agreement_cmd(who: str, frequency: int, window: int, confidentiality: str | None,
                  records_kept: str | None, disagreement: str | None,
                  cancellations: str | None, review: str | None) -> None:
    """Write (or revise) the supervision agreement with someone you supervise."""
    agreement = Agreement(frequency_days=frequency, comment_window_days=window,
                          confidentiality=optional_private_text(confidentiality),
                          records_kept=optional_private_text(records_kept),
                          disagreement=optional_private_text(disagreement),
                          cancellations=optional_private_text(cancellations),
                          review_date=parse_optional_day(review, "--review"))
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        doc = sup.add_agreement(sup.supervisee(who), agreement)
    out(f"Agreement {doc.short_id} saved (version {doc.latest.n}, {doc.status_label.lower()}). "
        f"Send it with `kit supervision send {doc.short_id} --out FILE`.", doc.to_json())


def _action(spec: str, zone: ZoneInfo) -> Action:
    """'TEXT; OWNER; DUE' (the due date is optional)."""
    parts = [p.strip() for p in spec.split(";")]
    if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
        raise UsageError(f"--action takes \"what; who; due date\" (the date may be left out), "
                         f"not {spec!r}")
    return new_action(parts[0], parts[1], parse_optional_day(parts[2], "an action's due date")
                      if len(parts) == 3 and parts[2] else None)


@supervision.command("add")
@click.argument("who")
@click.option("--held", help="When the session took place (\"YYYY-MM-DD HH:MM\", local time; "
                             "default now). A time still to come is refused.")
@click.option("--type", "session_type", type=_choice(SESSION_TYPES), default="routine",
              show_default=True)
@click.option("--incident-at", help="For a session after an incident: when it happened.")
@click.option("--follows", help="For a follow-up: the id of the post-incident session.")
@click.option("--attendee", "attendees", multiple=True,
              help="Who attended (repeat; default both of you).")
@click.option("--summary", help="The exposure and wellbeing summary received ('-' reads "
                                "stdin; default the latest share they sent you).")
@click.option("--impact", help="Impact on them ('-' reads stdin).")
@click.option("--coping", help="What helps, what does not ('-' reads stdin).")
@click.option("--action", "actions", multiple=True,
              help="An agreed action: \"what; who; YYYY-MM-DD\" (repeat). Open actions from "
                   "the last session are carried forward by themselves.")
@click.option("--escalation", help="Escalation, and what happens if things get worse.")
@click.option("--referral", "referrals", multiple=True, type=_choice(REFERRALS))
@click.option("--review", help="Review date (YYYY-MM-DD).")
@json_option
def session_add(who: str, held: str | None, session_type: str, incident_at: str | None,
                follows: str | None, attendees: tuple[str, ...], summary: str | None,
                impact: str | None, coping: str | None, actions: tuple[str, ...],
                escalation: str | None, referrals: tuple[str, ...], review: str | None) -> None:
    """Record a supervision session with someone you supervise (saved as a draft)."""
    if sum(v == "-" for v in (summary, impact, coping, escalation)) > 1:
        raise UsageError("only one option can read from stdin ('-')")
    texts = {k: optional_private_text(v) for k, v in (("impact", impact), ("coping", coping),
                                                      ("escalation", escalation))}
    summary_text = optional_private_text(summary) if summary is not None else None
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        person = sup.supervisee(who)
        share_packet = None
        if summary_text is None:
            latest = sup.latest_share_from(person)
            summary_text = latest.text if latest else ""
            share_packet = latest.packet_id if latest else None
        follows_id = ws.supervision.get(follows).id if follows else None
        session = Session(
            held=parse_time(held, sup.zone, "--held") if held else sup.clock(),
            attendees=attendees or (sup.me().name, person.card.name), type=session_type,
            incident_at=(parse_time(incident_at, sup.zone, "--incident-at") if incident_at
                         else None),
            follows=follows_id, share_packet=share_packet, summary_received=summary_text,
            actions=(*sup.carried_forward(person), *(_action(a, sup.zone) for a in actions)),
            referrals=referrals, review_date=parse_optional_day(review, "--review"), **texts)
        doc = sup.add_session(person, session)
        lines = _doc_lines(sup, doc)
    out("\n".join(lines), doc.to_json())


@supervision.command("list")
@click.option("--for", "who", help="Only records about this person.")
@json_option
def session_list(who: str | None) -> None:
    """Agreements and session records, newest first."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        docs = ws.supervision.all()
        if who:
            fpr = sup.contact(who).fingerprint
            docs = [d for d in docs if fpr in (d.supervisee, d.supervisor)]
        names = sup.names()
        warn_problems(ws.supervision.problems)
        # A session by when it was held (not when its record was typed); an agreement by when
        # it was written. Newest first.
        docs = sorted(docs, key=lambda d: (_listed_at(d), d.id), reverse=True)
        rows = [f"{d.short_id}  {_listed_when(d, sup.zone)}  "
                f"{names.get(d.supervisee, '?'):<18} "
                f"{d.type_label if d.type == 'agreement' else d.session.type_label:<22} "
                f"{d.status_label} (v{d.latest.n})" for d in docs]
    out("\n".join(rows) or "No supervision records yet.", [d.to_json() for d in docs])


def _listed_at(doc: SupervisionDoc) -> datetime:
    return doc.session.held if doc.type == "session" else doc.latest.created


def _listed_when(doc: SupervisionDoc, zone: ZoneInfo) -> str:
    """'held 2026-12-01 10:00' for a session, 'written 2026-11-02' for an agreement."""
    when = _listed_at(doc).astimezone(zone)
    text = (f"held {when:%Y-%m-%d %H:%M}" if doc.type == "session"
            else f"written {when:%Y-%m-%d}")
    return f"{text:<21}"  # the columns after it line up


@supervision.command("show")
@click.argument("record_id", metavar="ID")
@json_option
def session_show(record_id: str) -> None:
    """One record in full, with every version and answer."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        doc = ws.supervision.get(record_id)
        lines = _doc_lines(sup, doc)
        warn_problems(ws.supervision.problems)
    out("\n".join(lines), doc.to_json())


@supervision.command("send")
@click.argument("record_id", metavar="ID")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True)
@click.option("--force", is_flag=True, help=FORCE_HELP)
@json_option
def session_send(record_id: str, out_path: Path, force: bool) -> None:
    """Seal a record's latest version for the supervisee, to accept or comment on."""
    check_chosen_path(out_path, overwrite=force)
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        sealed = sup.send_record(ws.supervision.get(record_id))
        sup.save(sealed, out_path, overwrite=force)
    out(f"Version {sealed.version} sealed for {sealed.to.name}: {out_path.resolve()}",
        {"id": sealed.packet.id, "path": str(out_path.resolve()), "to": sealed.to.name,
         "version": sealed.version})


def _answer(sup: Supervision, doc: SupervisionDoc, comment: str, late: bool,
            out_path: Path, force: bool) -> None:
    sealed = sup.respond(doc, comment, late_ok=late)
    sup.save(sealed, out_path, overwrite=force)
    what = "Accepted" if not comment else "Your comment on"
    out(f"{what} version {sealed.version} of {doc.short_id}. Send {out_path.resolve()} to "
        f"{sealed.to.name}; you both keep the signed copy.",
        {"id": sealed.packet.id, "path": str(out_path.resolve()), "record": doc.id,
         "version": sealed.version, "decision": "commented" if comment else "accepted"})


@supervision.command("accept")
@click.argument("source", metavar="FILE|ID")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="Where to write your signed answer, to send back.")
@click.option("--late", is_flag=True, help="Answer after the agreed window, marked late.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@json_option
def session_accept(source: str, out_path: Path, late: bool, force: bool) -> None:
    """Accept a record from your supervisor: a packet FILE (opened first) or a record ID."""
    check_chosen_path(out_path, overwrite=force)
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        path = Path(source)
        if path.exists():  # a pipe or a huge file is refused by name, not taken for an ID
            from kit.supervision.packets import read_packet_file

            doc, opened = sup.record_to_answer(read_packet_file(path))
            if opened:
                say(opened)
        else:
            doc = ws.supervision.get(source)
        _answer(sup, doc, "", late, out_path, force)


@supervision.command("comment")
@click.argument("record_id", metavar="ID")
@click.argument("text", required=False)
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="Where to write your signed answer, to send back.")
@click.option("--late", is_flag=True, help="Comment after the agreed window, marked late.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@json_option
def session_comment(record_id: str, text: str | None, out_path: Path, late: bool,
                    force: bool) -> None:
    """Comment on (or disagree with) a record; TEXT or stdin."""
    check_chosen_path(out_path, overwrite=force)
    comment = read_private_text(text)
    if not comment.strip():
        raise UsageError("the comment is empty; to agree without comment use "
                         "`kit supervision accept`")
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        _answer(sup, ws.supervision.get(record_id), comment, late, out_path, force)


@supervision.command("export")
@click.argument("record_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["md", "pdf"]), default="md",
              show_default=True)
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@json_option
def session_export(record_id: str, fmt: str, out_path: Path, force: bool) -> None:
    """Export a record to Markdown or PDF (plaintext: the kit warns you)."""
    from kit.reports import supervision_export
    from kit.reports.plaintext import warning

    check_chosen_path(out_path, overwrite=force)
    ws = unlocked_workspace(allow_device=False)  # a plaintext copy: the passphrase, always
    with ws.vault:
        sup = service(ws)
        exported = supervision_export.export(sup, sup.record(record_id), fmt, out_path,
                                             overwrite=force)
    written = exported.path.resolve()
    say(warning("this supervision record", written))
    if exported.lost:
        say("Some characters could not be printed in: " + ", ".join(exported.lost) + ".")
    out(f"Written to {written}", {"path": str(written)})


@supervision.command("archive")
@click.argument("who")
@click.option("--undo", is_flag=True, help="Bring an archived person back.")
@json_option
def session_archive(who: str, undo: bool) -> None:
    """Archive someone who has left (their records are kept), or bring them back."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        contact = sup.archive(sup.contact(who), archived=not undo)
    out(f"{contact.name} is {'archived' if contact.archived else 'back on your team'}.",
        contact.to_json())


@supervision.command("handover")
@click.argument("who")
@click.option("--to", "to_who", required=True, help="The new supervisor (a contact).")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@json_option
def session_handover(who: str, to_who: str, out_path: Path, yes: bool, force: bool) -> None:
    """Seal all of a supervisee's records for their new supervisor."""
    check_chosen_path(out_path, overwrite=force)
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        person, to = sup.supervisee(who), sup.contact(to_who)
        sealed = sup.handover(person, to)
        go_ahead(yes, f"{sealed.summary}: seal them for {to.name}?",
                 to_do="hand the records over", otherwise="nothing was written")
        sup.save(sealed, out_path, overwrite=force)
    say(f"When {to.name} has opened it, archive {person.name} here with "
        f"`kit supervision archive {person.name!r}`.")
    out(f"{sealed.summary} sealed for {to.name}: {out_path.resolve()}",
        {"id": sealed.packet.id, "path": str(out_path.resolve()), "to": to.name})


@supervision.command("retention")
@click.option("--months", type=int, help="Keep records this many months after their last "
                                         "change (default: retention_months in config.toml; "
                                         "unset or 0, the default, keeps every record).")
@click.option("--yes", is_flag=True, help="Delete without asking.")
@json_option
def session_retention(months: int | None, yes: bool) -> None:
    """Delete records older than the retention period, after showing them and asking.

    There is no period unless you set one (retention_months in config.toml, or --months):
    by default every record is kept until you delete it."""
    months = months if months is not None else kit_config.load().retention_months
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        old = sup.expired(months)
        names = sup.names()
        listing = [f"  {d.short_id}  {d.type_label}, {names.get(d.supervisee, '?')}, last "
                   f"changed {d.last_activity().astimezone(sup.zone):%Y-%m-%d}" for d in old]
        if not old:
            out(f"Nothing is older than {counted(months, 'month')}.",
                {"deleted": []})
            return
        say(("This record is" if len(old) == 1 else f"These {len(old)} records are")
            + f" older than {counted(months, 'month')}:\n" + "\n".join(listing))
        go_ahead(yes, "Delete them? This cannot be undone.", to_do="delete them",
                 otherwise="nothing was deleted")
        sup.delete_records(old)
    out(f"Deleted {counted(len(old), 'record')}. Encrypted copies stay in the vault's local "
        "backups until newer backups replace them.", {"deleted": [d.id for d in old]})


# --- actions and the team ---


@click.group("action")
def action() -> None:
    """Actions agreed in supervision: who does what, by when."""


def _action_json(doc: SupervisionDoc, a: Action, today: date, names: dict[str, str]
                 ) -> dict[str, Any]:
    return {**a.to_json(), "overdue": a.overdue(today), "record": doc.id,
            "supervisee": names.get(doc.supervisee, doc.supervisee)}


@action.command("list")
@click.option("--overdue", is_flag=True, help="Only actions past their due date.")
@json_option
def action_list(overdue: bool) -> None:
    """Open actions from each person's latest session."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        found = sup.actions(overdue=overdue)
        names, today = sup.names(), sup.today()
        warn_problems(sup.problems)
    lines = [f"{a.id[:6]}  {names.get(d.supervisee, '?'):<16} {a.text} — "
             f"{owner_shown(a, d, names)}, due "
             f"{a.due or 'no date'}{'  OVERDUE' if a.overdue(today) else ''}"
             for d, a in found]
    out("\n".join(lines) or ("No overdue actions." if overdue else "No open actions."),
        [_action_json(d, a, today, names) for d, a in found])


@action.command("set")
@click.argument("action_id", metavar="ID")
@click.argument("status", type=_choice(ACTION_STATUSES))
@json_option
def action_set(action_id: str, status: str) -> None:
    """Mark an action done, dropped or open again (a new version of its record)."""
    ws = unlocked_workspace()
    with ws.vault:
        doc = service(ws).set_action(action_id, status)
    out(f"Action {action_id} is now {label(ACTION_STATUSES, status).lower()} (record "
        f"{doc.short_id}, version {doc.latest.n}).", doc.to_json())


def _band(text: str | None) -> str:
    """The bands a supervisee shared, on their row: the text is theirs, so its lines are joined
    and shown escaped, and none of it can start a row of its own."""
    if not text:
        return "not shared"
    return "; ".join(shown(line) for line in text.splitlines() if line.strip())


@click.command("team")
@json_option
def team() -> None:
    """Your supervisees at a glance: in name order, shared bands only, never a ranking."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        rows = sup.team()
        archived = [c.name for c in sup.supervisees(archived=True) if c.archived]
        warn_problems(sup.problems)
    lines = []
    for r in rows:
        last = f"{r.last_session.astimezone(sup.zone):%Y-%m-%d}" if r.last_session else "none"
        due = ", ".join(f"{f.label} {f.due:%d %b}" for f in r.follow_ups_due)
        lines.append(f"{r.name:<20} last {last:<10} next {r.next_due or '—'!s:<10} "
                     f"actions {r.open_actions} open, {r.overdue_actions} overdue"
                     + (f"; follow-ups due: {due}" if due else "")
                     + f"; shared band: {_band(r.shared_band)}")
    if archived:
        lines.append(f"Archived: {', '.join(archived)} (`kit supervision archive NAME --undo` "
                     "brings someone back).")
    out("\n".join(lines) or "No supervisees yet. Add one with `kit id add CARD --name NAME "
        "--relation supervisee`.", [r.to_json() for r in rows])

