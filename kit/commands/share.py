"""`kit share`: build a share packet for your supervisor, open packets sent to you, and list
what was shared and when."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit.chosen_file import check_chosen_path
from kit.commands.context import (
    go_ahead,
    json_option,
    opts,
    out,
    read_private_text,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.commands.identity import service
from kit.errors import UsageError
from kit.supervision import share as builder
from kit.terminal_text import quoted

if TYPE_CHECKING:
    from kit.supervision.packets import Packet
    from kit.supervision.service import Supervision

NOT_RECALLED = ("Once sent, a packet cannot be recalled: your supervisor keeps what they "
                "receive. Your journal is never part of a packet.")


@click.group("share")
def share_group() -> None:
    """Share packets: a summary you choose, signed and encrypted to one person."""


def _since(text: str | None, zone: object) -> datetime | None:
    if text is None:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise UsageError(f"--since must be a date like 2026-11-02, not {text!r}") from None
    return datetime.combine(day, time(0), tzinfo=zone)  # type: ignore[arg-type]


@share_group.command("build")
@click.option("--for", "who", required=True, help="Who receives it (a name from `kit id list`).")
@click.option("--fields", "fields_spec",
              help="Comma-separated fields to share (default: those ticked by default). "
                   f"Known: {', '.join(builder.KEYS)}.")
@click.option("--note", help="A note for them; '-' reads it from stdin (safer than an argument).")
@click.option("--since", help="Start of the period (YYYY-MM-DD); default: since your last "
                              "share to them, or 28 days.")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="Where to write the packet (an .age file).")
@click.option("--yes", is_flag=True, help="Seal without asking (the preview is still shown).")
@click.option("--force", is_flag=True, help="Overwrite the --out file if it is already there.")
@json_option
def share_build(who: str, fields_spec: str | None, note: str | None, since: str | None,
                out_path: Path, yes: bool, force: bool) -> None:
    """Preview exactly what will be shared, then seal it for one person.

    Only summaries of your exposure log and check-ins, and a note if you write one. Raw
    scores and impact ratings are left out unless you name them in --fields."""
    note_text = read_private_text("-") if note == "-" else (note or "")
    check_chosen_path(out_path, overwrite=force)
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        contact = sup.contact(who)
        start, end = sup.share_period(contact)
        given = _since(since, sup.zone)
        if given is not None:
            start = given
        fields = sup.share_fields(start, end)
        chosen = builder.parse_fields(fields_spec) if fields_spec else builder.defaults(fields)
        sealed = sup.seal_share(contact, fields, chosen, note_text, start, end)
        preview = sealed.packet.content["text"]
        say(f"This is exactly what {contact.name} ({contact.fingerprint}) will receive:\n")
        say(quoted(preview))
        say(f"\n{NOT_RECALLED}")
        if not contact.verified:
            say(f"Note: you have not checked {contact.name}'s fingerprint with them yet "
                "(`kit id verify`).")
        go_ahead(yes, f"Seal this for {contact.name} into {out_path}?",
                 to_do="seal what the preview above shows", otherwise="nothing was shared")
        logged = sup.save(sealed, out_path, overwrite=force)
    out(f"Sealed for {contact.name}: {out_path.resolve()}\n"
        f"Send the file to them any way you like; only they can open it.",
        {"id": logged.packet.id, "path": str(out_path.resolve()), "to": contact.name,
         "fingerprint": contact.fingerprint,
         "fields": [f["key"] for f in sealed.packet.content["fields"]], "text": preview})


def _received_lines(sup: Supervision, packet: Packet, summary: str) -> list[str]:
    """What a received packet holds, for reading: a share's text, or the record it carried
    (as kept in this vault, with every version and answer), under the one-line summary."""
    from kit.commands.supervision import _doc_lines

    lines = [summary]
    if packet.type == "share" and isinstance(packet.content.get("text"), str):
        # The text is the sender's: quoted, so none of its lines can pass for the kit's own.
        lines += ["", quoted(packet.content["text"])]
    elif packet.type in ("record", "response"):
        doc_id = packet.content.get("doc")
        # Found by its whole id (a record deleted since, by retention, is simply not shown).
        doc = next((d for d in sup.workspace.supervision.all() if d.id == doc_id), None)
        if doc is not None:
            lines += ["", *_doc_lines(sup, doc)]
            if packet.type == "record" and doc.supervisee == sup.fingerprint \
                    and doc.latest.response is None:
                lines += ["", f"Accept it or add a comment: `kit supervision accept "
                          f"{doc.short_id} --out FILE` or `kit supervision comment "
                          f"{doc.short_id} --out FILE`."]
    return lines


@share_group.command("open")
@click.argument("packet_file", metavar="FILE", type=click.Path(path_type=Path))
@json_option
def share_open(packet_file: Path) -> None:
    """Open a packet sent to you (a share, a record, an answer or a handover), keep it and
    show it. A packet is opened once; `kit share received` shows it again later."""
    from kit.supervision.packets import read_packet_file

    data = read_packet_file(packet_file)
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        opened = sup.open(data)
        human = _received_lines(sup, opened.packet, opened.summary)
    for why in opened.left_out if opts().json else ():  # the summary says it otherwise
        say(f"Note: {why}")
    out("\n".join(human), {"summary": opened.summary, "packet": opened.packet.to_json(),
                           "record": opened.doc.id if opened.doc else None,
                           "left_out": list(opened.left_out)})


@share_group.command("received")
@click.argument("packet_id", metavar="[ID]", required=False)
@json_option
def share_received(packet_id: str | None) -> None:
    """What you have received, newest first; with an ID (its first 4 or more characters),
    show that packet again as it was opened: a share's text, or the record it carried."""
    from kit.records.ids import by_prefix

    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        received = {e.packet.id: e for e in ws.packet_log.received()}
        warn_problems(ws.packet_log.problems)
        if packet_id is None:
            lines = [f"{e.packet.id[:8]}  {e.at.astimezone(sup.zone):%Y-%m-%d %H:%M}  from "
                     f"{e.peer_name:<18} {e.summary}" for e in received.values()]
            out("\n".join(lines) or "Nothing received yet.",
                [e.to_json() for e in received.values()])
            return
        entry = by_prefix(received, packet_id, "received packet", problems=())
        lines = [f"Received {entry.at.astimezone(sup.zone):%a %d %b %Y, %H:%M} from "
                 f"{entry.peer_name}:",
                 *_received_lines(sup, entry.packet, entry.summary)]
    out("\n".join(lines), {**entry.to_json(), "packet": entry.packet.to_json()})


@share_group.command("list")
@json_option
def share_list() -> None:
    """What you have sent and received, and when (newest first)."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        entries = ws.packet_log.entries()
        warn_problems(ws.packet_log.problems)
        zone = sup.zone
    lines = [f"{e.at.astimezone(zone):%Y-%m-%d %H:%M}  "
             f"{'to  ' if e.direction == 'sent' else 'from'} {e.peer_name:<18} {e.summary}"
             for e in entries]
    out("\n".join(lines) or "Nothing sent or received yet.", [e.to_json() for e in entries])
