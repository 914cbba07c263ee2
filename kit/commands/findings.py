"""`kit findings`: the findings register, what each footprint check found and the step that
deals with it; `kit findings mark ID fixed|open|accepted` records what you did about one."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from kit.commands.context import (
    json_option,
    opts,
    out,
    read_private_text,
    say,
    warn_problems,
)
from kit.commands.services import open_footprint

if TYPE_CHECKING:
    from kit.guidance.checklists import Item
    from kit.records.findings import Finding

INDENT = " " * 12
STATUS_CHOICE = click.Choice(["open", "fixed", "accepted"])  # kit.records.findings.STATUSES


def _fix_items() -> dict[str, Item]:
    """The checklist items findings link to; none (not an error) if the checklists or the
    config cannot be read: the findings still show, with the item id."""
    from kit import config
    from kit.errors import KitError
    from kit.guidance.checklists import load_library

    try:
        return dict(load_library(config.load().checklist_folders).items)
    except KitError:
        return {}


def _finding_json(finding: Finding, items: dict[str, Item], today: date) -> dict[str, Any]:
    item = items.get(finding.fix_item or "")
    return {**finding.to_json(), "recheck_due": finding.recheck_due(today),
            "fix": {"id": item.id, "title": item.title} if item else None}


def _finding_text(finding: Finding, items: dict[str, Item], today: date) -> list[str]:
    lines = [f"  {finding.short_id}  {finding.severity_label:<6}  {finding.title}",
             *(textwrap.fill(line, 100, initial_indent=INDENT, subsequent_indent=INDENT)
               for line in finding.exposed.splitlines())]
    if finding.evidence:
        first, *rest = finding.evidence.splitlines()
        lines.append(f"            Evidence: {first}" + (" ..." if rest else ""))
    if finding.fix_item:
        item = items.get(finding.fix_item)
        lines.append(f"            What to do: {item.title} (`kit checklist show {item.id}`)"
                     if item else f"            What to do: checklist step {finding.fix_item}")
    seen = (finding.last_seen or finding.found_at).astimezone()
    when = f"            Found {finding.found_at.astimezone():%Y-%m-%d}"
    if finding.seen_count > 1:
        when += f", seen again {seen:%Y-%m-%d}"
    if finding.recheck_on:
        when += f"; re-check {'due since' if finding.recheck_due(today) else 'on'} " \
            f"{finding.recheck_on}"
    lines.append(when)
    if finding.note:
        lines.append(f"            Note: {finding.note.splitlines()[0]}"
                     + (" ..." if "\n" in finding.note else ""))
    return lines


@click.group("findings", invoke_without_command=True)
@click.option("--status", type=STATUS_CHOICE, default=None,
              help="Only findings with this status.")
@json_option
@click.pass_context
def findings(ctx: click.Context, status: str | None) -> None:
    """What your footprint checks found, and the step that deals with each.

    Each check (`kit check ...`) records what it finds here; running it again updates the
    same finding rather than adding another. `kit findings mark ID fixed` records that you
    dealt with one.
    """
    if ctx.invoked_subcommand is not None:
        return
    today = date.today()
    with open_footprint() as fp:
        listed = fp.findings(status)
        summary = fp.findings_summary(today)
        warn_problems(fp.problems)
    items = _fix_items()
    lines: list[str] = []
    for group in ("open", "fixed", "accepted"):
        these = [f for f in listed if f.status == group]
        if these:
            lines += [*([""] if lines else []), f"{group.capitalize()} ({len(these)})"]
            for finding in these:
                lines += _finding_text(finding, items, today)
    others = [f for f in listed if f.status not in ("open", "fixed", "accepted")]
    for finding in others:  # a status a newer kit wrote
        lines += [f"{finding.status_label}:", *_finding_text(finding, items, today)]
    if not listed:
        human = "No findings with that status." if status else (
            "No findings yet. The checks under `kit check` record what they find here.")
    else:
        counts = ", ".join(f"{n} {s}" for s, n in summary.open_by_severity.items() if n)
        tail = f"{summary.open} open" + (f" ({counts})" if counts else "") + ". " \
            "`kit findings mark ID fixed` records one you have dealt with."
        human = "\n".join(lines) + "\n\n" + tail
    out(human, {"findings": [_finding_json(f, items, today) for f in listed],
                "summary": summary.to_json()})


@findings.command("mark")
@click.argument("finding_id", metavar="ID")
@click.argument("status", type=STATUS_CHOICE)
@click.option("--note", metavar="TEXT|-",
              help="A private note (what you did, who you asked). '-' reads it from stdin.")
@click.option("--recheck", "recheck_text", metavar="YYYY-MM-DD",
              help="When to look again (fixed: default in 90 days).")
@json_option
def findings_mark(finding_id: str, status: str, note: str | None,
                  recheck_text: str | None) -> None:
    """Mark finding ID (its first characters will do) fixed, open again, or accepted."""
    from kit.records.fields import parse_date

    recheck_on = parse_date(recheck_text, "--recheck") if recheck_text is not None else None
    text = read_private_text("-") if note == "-" else note
    with open_footprint() as fp:
        marked = fp.mark(finding_id, status, text, recheck_on=recheck_on)
        warn_problems(fp.problems)
    message = f"Finding {marked.short_id} is now {marked.status_label.lower()}."
    if marked.recheck_on:
        message += f" It comes up for a re-check on {marked.recheck_on}."
    say(message)
    if opts().json:
        out("", marked.to_json())
