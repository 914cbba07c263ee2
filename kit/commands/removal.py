"""`kit removal`: removal requests carried to their end — what you asked of whom, when the
reply is due (the ICO's one-month rule), when to look again, and what to do next."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit.commands.context import (
    complete_letter_details,
    json_option,
    local_time,
    opts,
    out,
    read_private_text,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.errors import UsageError

if TYPE_CHECKING:
    from kit.removals.requests import Removal
    from kit.workspace import Workspace

# kit.removals.requests's codes, written out so `kit removal --help` does not load the vault.
TARGET_CHOICE = click.Choice(["people-search", "platform", "search-engine", "other"])
ASK_CHOICE = click.Choice(["erasure", "objection", "platform-report", "delisting"])
CHANNEL_CHOICE = click.Choice(["web-form", "email", "post"])
STATUS_CHOICE = click.Choice(["draft", "sent", "acknowledged", "removed", "partly-removed",
                              "refused", "no-reply", "escalated", "closed"])
INDENT = " " * 12


def _date(text: str | None, option: str) -> date | None:
    from kit.records.fields import parse_date

    return None if text is None else parse_date(text, option)


def _nation() -> str:
    """Whose bank holidays move a due date: the region the user set (config.toml)."""
    from kit import config

    return config.load().region


def _json(request: Removal, today: date, nation: str) -> dict[str, Any]:
    from kit.removals.advice import next_step

    return {**request.to_json(nation), "overdue": request.overdue(today, nation),
            "recheck_due": request.recheck_due(today),
            "next_step": next_step(request, today, nation)}


def _done(what: str, request: Removal, today: date, nation: str) -> None:
    """After a change: say *what* was done and what to do next; with --json, the request as
    it is now."""
    from kit.removals.advice import next_step

    say(f"{what} {next_step(request, today, nation)}")
    if opts().json:
        out("", _json(request, today, nation))


def _line(request: Removal, today: date, nation: str) -> str:
    due = request.reply_due(nation)
    when = ""
    if request.overdue(today, nation) and due:
        when = f" · reply overdue since {due}"
    elif request.waiting() and due:
        when = f" · reply due {due}"
    elif request.recheck_on and request.status != "closed":
        when = f" · look again {'now' if request.recheck_due(today) else request.recheck_on}"
    return f"  {request.short_id}  {request.target} · {request.asked_label} · " \
        f"{request.status_label}{when}"


def _details(request: Removal, today: date, nation: str) -> str:
    from kit.records.fields import label
    from kit.removals.advice import next_step
    from kit.removals.requests import CHANNELS, TARGETS

    lines = [f"Removal request {request.short_id}: {request.target}",
             f"  Who:        {label(TARGETS, request.target_kind)}",
             f"  Asked:      {request.asked_label}",
             f"  How:        {label(CHANNELS, request.channel)}",
             f"  Status:     {request.status_label}"]
    if request.sent_on:
        lines.append(f"  Sent:       {request.sent_on}")
    if request.received_on and request.received_on != request.sent_on:
        lines.append(f"  Received:   {request.received_on}")
    due = request.reply_due(nation)
    if due:
        lines.append(f"  Reply due:  {due}" + (" (they extended it)" if request.extended
                                                else ""))
    if request.recheck_on:
        lines.append(f"  Look again: {request.recheck_on}")
    if request.reference:
        lines.append(f"  Reference:  {request.reference}")
    if request.incident_id:
        lines.append(f"  Incident:   {request.incident_id[:8]}")
    if request.finding_ids:
        lines.append(f"  Findings:   {', '.join(f[:8] for f in request.finding_ids)}")
    if request.pages:
        lines += ["  Pages:", *(f"    - {page}" for page in request.pages)]
    if request.note:
        lines += ["  Note:", *(f"    {line}" for line in request.note.splitlines())]
    lines.append("  History:")
    for event in request.history:
        lines.append(f"    {local_time(event.at)}  {event.what}")
    lines += ["", *textwrap.wrap(f"Next: {next_step(request, today, nation)}", 90)]
    return "\n".join(lines)


def _links(ws: Workspace, incident: str | None, finding_ids: tuple[str, ...]
           ) -> tuple[str | None, list[str]]:
    """The full ids of the incident and findings given by their first characters."""
    full_incident = ws.incidents.get(incident).id if incident is not None else None
    return full_incident, [ws.findings.get(f).id for f in finding_ids]


@click.group("removal")
def removal() -> None:
    """Removal requests: what you asked a site, platform or search engine to take down.

    The kit keeps each request in your vault with its history, says when a reply is due by
    law (one calendar month for a UK GDPR request, by the ICO's rule) and when to look again,
    and what to do next. `kit removal due` lists what needs you now.
    """


@removal.command("add")
@click.argument("target", metavar="WHO")
@click.option("--kind", "target_kind", type=TARGET_CHOICE, default="people-search",
              show_default=True, help="What WHO is.")
@click.option("--ask", "asked", type=ASK_CHOICE, default="erasure", show_default=True,
              help="What you ask: erasure or objection (UK GDPR: the reply is due in a "
              "month), a platform report, or a search engine delisting (no legal deadline).")
@click.option("--channel", type=CHANNEL_CHOICE, default="web-form", show_default=True,
              help="How you send it.")
@click.option("--page", "pages", multiple=True, metavar="URL",
              help="A page that shows your details (repeat for more).")
@click.option("--sent", "sent_text", metavar="YYYY-MM-DD",
              help="The day you sent it (leave out for a draft).")
@click.option("--received", "received_text", metavar="YYYY-MM-DD",
              help="The day they received it, if later (a letter in the post); the month "
              "runs from then.")
@click.option("--reference", default="", metavar="TEXT", help="Their reference or ticket.")
@click.option("--recheck", "recheck_text", metavar="YYYY-MM-DD",
              help="When to look again (suggested for reports without a legal deadline).")
@click.option("--incident", metavar="ID", help="The incident it belongs to.")
@click.option("--finding", "finding_ids", multiple=True, metavar="ID",
              help="A finding it should fix (repeat for more); marked fixed when it is gone.")
@click.option("--note", metavar="TEXT|-", help="A private note; '-' reads it from stdin.")
@json_option
def removal_add(target: str, target_kind: str, asked: str, channel: str,
                pages: tuple[str, ...], sent_text: str | None, received_text: str | None,
                reference: str, recheck_text: str | None, incident: str | None,
                finding_ids: tuple[str, ...], note: str | None) -> None:
    """Record a request to WHO (a site's name or address) to take your details down."""
    sent_on, received_on = _date(sent_text, "--sent"), _date(received_text, "--received")
    recheck_on = _date(recheck_text, "--recheck")
    text = read_private_text("-") if note == "-" else (note or "")
    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        incident_id, findings = _links(ws, incident, finding_ids)
        removals = ws.removals
        made = removals.add(target, target_kind, asked, channel, pages=pages, sent_on=sent_on,
                            received_on=received_on, reference=reference,
                            recheck_on=recheck_on, incident_id=incident_id,
                            finding_ids=findings, note=text, today=today)
        warn_problems(removals.problems)
    _done(f"Removal request {made.short_id} to {made.target} is saved "
          f"({made.status_label.lower()}).", made, today, nation)


@removal.command("list")
@click.option("--status", type=STATUS_CHOICE, default=None, help="Only requests with this status.")
@json_option
def removal_list(status: str | None) -> None:
    """Every removal request: those waiting for a reply first."""
    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        removals = ws.removals
        listed = removals.list(status)
        warn_problems(removals.problems)
    if listed:
        human = "\n".join(_line(r, today, nation) for r in listed)
    else:
        human = ("No removal requests with that status." if status else
                 "No removal requests yet. `kit removal add WHO` records one.")
    out(human, {"removals": [_json(r, today, nation) for r in listed]})


@removal.command("show")
@click.argument("request_id", metavar="ID")
@json_option
def removal_show(request_id: str) -> None:
    """One request (its first characters will do): its details, history and next step."""
    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        removals = ws.removals
        request = removals.get(request_id)
        warn_problems(removals.problems)
    out(_details(request, today, nation), _json(request, today, nation))


@removal.command("update")
@click.argument("request_id", metavar="ID")
@click.option("--status", type=STATUS_CHOICE, default=None, help="Where it stands now.")
@click.option("--sent", "sent_text", metavar="YYYY-MM-DD", help="The day you sent it.")
@click.option("--received", "received_text", metavar="YYYY-MM-DD",
              help="The day they received it, if later than sent.")
@click.option("--reference", default=None, metavar="TEXT", help="Their reference or ticket.")
@click.option("--extended", is_flag=True, default=None,
              help="They told you they need up to two more months (the reply is then due "
              "three months after they received it).")
@click.option("--recheck", "recheck_text", metavar="YYYY-MM-DD", help="When to look again.")
@click.option("--what", default="", metavar="TEXT",
              help="What happened, in a few words, for the history (their reply, a call).")
@click.option("--note", metavar="TEXT|-", help="Replace the private note; '-' reads stdin.")
@json_option
def removal_update(request_id: str, status: str | None, sent_text: str | None,
                   received_text: str | None, reference: str | None, extended: bool | None,
                   recheck_text: str | None, what: str, note: str | None) -> None:
    """Record what happened to request ID: sent, a reply, a refusal, an extension."""
    sent_on, received_on = _date(sent_text, "--sent"), _date(received_text, "--received")
    recheck_on = _date(recheck_text, "--recheck")
    text = read_private_text("-") if note == "-" else note
    if all(v is None for v in (status, sent_on, received_on, reference, extended, recheck_on,
                               text)) and not what:
        raise UsageError("say what changed: --status, --sent, --received, --reference, "
                         "--extended, --recheck, --what or --note; nothing was changed")
    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        removals = ws.removals
        updated = removals.update(request_id, status=status, sent_on=sent_on,
                                  received_on=received_on, reference=reference,
                                  extended=extended, recheck_on=recheck_on, note=text,
                                  what=what, today=today)
        warn_problems(removals.problems)
    _done(f"Removal request {updated.short_id} is now {updated.status_label.lower()}.",
          updated, today, nation)


@removal.command("recheck")
@click.argument("request_id", metavar="ID")
@click.option("--gone", "result", flag_value="gone", help="The pages are gone.")
@click.option("--still-there", "result", flag_value="still-there",
              help="The pages are still there.")
@json_option
def removal_recheck(request_id: str, result: str | None) -> None:
    """Look again at a request's pages, then record what you saw.

    Without --gone or --still-there it lists the pages to look at (the kit fetches nothing:
    open them yourself, in a private window). --gone marks the request removed and its
    findings fixed; --still-there keeps it open and says what to do next."""
    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        removals = ws.removals
        searches: list[Any] = []
        if result is None:
            from kit.footprint.queries import names_to_search, site_queries

            request = removals.get(request_id)
            searches = site_queries(names_to_search(ws.search_details.get(),
                                                    ws.my_details.get().name), request.pages)
        else:
            from kit.removals.service import recheck

            request = recheck(ws, request_id, gone=result == "gone", today=today)
        warn_problems(removals.problems)
    if result is None:
        pages = "\n".join(f"  - {page}" for page in request.pages) or \
            "  (no pages were recorded for this request)"
        if searches:
            found = "\n".join(f"  - {q.text}: {q.url}" for q in searches)
            more = f"\n\nAnd search those sites for your name, in case it moved:\n{found}"
        else:
            more = ("\n\nTo also search those sites for your name, save it first: "
                    "`kit search-queries --name \"YOUR NAME\" --save`.")
        human = (f"Look at these pages yourself (the kit fetches nothing):\n{pages}{more}\n\n"
                 f"Then record what you saw: `kit removal recheck {request.short_id} --gone` "
                 "or `--still-there`.")
        out(human, {**_json(request, today, nation),
                    "searches": [q.to_json() for q in searches]})
        return
    from kit.plurals import counted

    fixed = f" {counted(len(request.finding_ids), 'linked finding')} marked fixed." \
        if result == "gone" and request.finding_ids else ""
    _done(f"Recorded.{fixed}", request, today, nation)


@removal.command("due")
@json_option
def removal_due() -> None:
    """What needs you now: replies due this week, overdue replies, and pages to look at."""
    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        removals = ws.removals
        due = removals.due(today, nation)
        warn_problems(removals.problems)
    lines: list[str] = []
    if due.overdue:
        lines += ["Replies overdue:", *(f"  {r.short_id}  {r.target}: due {d}"
                                        for r, d in due.overdue)]
    if due.replies_soon:
        lines += ["Replies due this week:", *(f"  {r.short_id}  {r.target}: due {d}"
                                              for r, d in due.replies_soon)]
    if due.rechecks:
        lines += ["Time to look again:", *(f"  {r.short_id}  {r.target}"
                                           for r in due.rechecks)]
    out("\n".join(lines) if due else "Nothing is due.", {
        "overdue": [{**_json(r, today, nation), "due": d.isoformat()} for r, d in due.overdue],
        "replies_soon": [{**_json(r, today, nation), "due": d.isoformat()}
                         for r, d in due.replies_soon],
        "rechecks": [_json(r, today, nation) for r in due.rechecks]})


@removal.command("routes")
@click.option("--kind", "kind", type=click.Choice([*TARGET_CHOICE.choices, "regulator"]),
              help="Only the routes for this kind of target (regulator: the ICO).")
@json_option
def removal_routes(kind: str | None) -> None:
    """The official places to ask: the ICO's complaint service, search engines' removal forms
    and platforms' reporting pages, each with the page it came from and when it was checked.
    Needs no passphrase."""
    from kit.removals.routes import routes_for

    found = routes_for(kind)
    blocks = []
    for route in found:
        what = textwrap.fill(route.what, width=88, initial_indent="  ",
                             subsequent_indent="  ")
        source = "" if route.source_url == route.url else f"\n  Source: {route.source_url}"
        blocks.append(f"{route.name}\n  {route.url}\n{what}{source}\n  {route.checked}.")
    human = "\n\n".join(blocks) if blocks else "No official route is listed for that kind yet."
    out(human, {"kind": kind, "routes": [r.to_json() for r in found]})


@removal.command("letter")
@click.argument("request_id", metavar="ID")
@click.option("--kind", "kind", type=click.Choice(["chaser", "complaint"]), required=True,
              help="chaser: a reminder when the reply is late; complaint: a summary of what "
              "happened, for a complaint to the ICO.")
@click.option("--name", metavar="NAME", help="Your name (default: your saved details).")
@click.option("--reply-to", metavar="ADDRESS",
              help="Where they should reply (default: your saved details).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this file instead of printing it: a PDF when the name ends in "
              ".pdf, else plain text; NOT encrypted either way.")
@click.option("--force", is_flag=True, help="Overwrite the --out file if it exists.")
@json_option
def removal_letter(request_id: str, kind: str, name: str | None, reply_to: str | None,
                   out_path: Path | None, force: bool) -> None:
    """A letter written from request ID's record: a chaser, or an ICO complaint summary."""
    import dataclasses

    from kit.reports.removal_letters import (
        chaser_letter,
        check_can_write,
        complaint_next_steps,
        complaint_summary,
    )

    today, nation = date.today(), _nation()
    ws = unlocked_workspace()
    with ws.vault:
        removals = ws.removals
        request = removals.get(request_id)
        warn_problems(removals.problems)
        saved = ws.my_details.get()
    details = dataclasses.replace(saved, name=saved.name if name is None else name,
                                  reply_to=saved.reply_to if reply_to is None else reply_to)
    check_can_write(kind, request)  # before asking for anything
    write = chaser_letter if kind == "chaser" else complaint_summary
    details = complete_letter_details(
        details, keep_hint="`kit letter details` keeps it in your vault for next time")
    text = write(details, request, today, nation)
    after = complaint_next_steps() if kind == "complaint" else ""
    if kind == "chaser":
        say("Send it the same way as your request, keep a copy, and record it: "
            f"`kit removal update {request.short_id} --what \"sent a reminder\"`.")
    else:
        say(after.rstrip("\n"))
    doc = {"id": request.id, "kind": kind, "letter": text, "out": None}
    if out_path is None:
        out(text.rstrip("\n"), doc)
        return
    from kit.chosen_file import write_chosen_file
    from kit.reports.plaintext import warning
    from kit.reports.removal_letters import letter_pdf

    data = letter_pdf(text, "Letter") if out_path.suffix.lower() == ".pdf" \
        else text.encode("utf-8")
    written = write_chosen_file(out_path, data, overwrite=force)
    say(warning("your name, your reply address and what you asked", written))
    out(str(written), {**doc, "out": str(written)})
