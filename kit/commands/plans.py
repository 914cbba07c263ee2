"""Showing and editing a personal plan on the command line.

The wellbeing plan and the safety plan are each one document of parts described by a field
tuple (kit.records.document), so both commands share what is here: the same layout for `show`,
the same options for `edit`, and the same walk through each part at a terminal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kit import credentials
from kit.commands.context import local_time, opts, out, read_private_text, say, warn_problems
from kit.errors import UsageError
from kit.plurals import counted
from kit.records.document import (
    PlanDocument,
    PlanField,
    parse_contact,
)
from kit.records.fields import parse_date

if TYPE_CHECKING:
    from kit.wellbeing.service import PlanStore

D = TypeVar("D", bound=PlanDocument)


@dataclass(frozen=True)
class PlanCommand:
    """What differs between the plans' commands."""

    command: str  # "wellbeing-plan"
    noun: str  # "wellbeing plan"
    fields: tuple[PlanField, ...]
    example: str  # an edit to suggest: "--keeps-me-well TEXT or --contact 'NAME: HOW'"

    @property
    def contacts(self) -> PlanField:
        return next(f for f in self.fields if f.kind == "contacts")


def indent(text: str) -> str:
    return "\n".join("  " + line for line in text.strip().splitlines())


def plan_text(plan: PlanDocument, cmd: PlanCommand, today: date) -> str:
    """The plan as the terminal shows it: each part under its label."""
    if plan.is_empty:
        return (f"You have not written a {cmd.noun} yet.\n"
                f"`kit {cmd.command} edit` walks you through it, one part at a time.")
    parts = []
    for f in cmd.fields:
        value = getattr(plan, f.key)
        if f.kind == "text":
            parts.append(f"{f.label}\n{indent(value) or '  (not filled in yet)'}")
        elif f.kind == "contacts":
            listed = "\n".join(f"  {c.name}: {c.how}" for c in value)
            parts.append(f"{f.label}\n{listed or '  (nobody listed yet)'}")
        elif value is None:
            parts.append(f"{f.label}\n  (none set)")
        else:
            due = (" (it is time to look at the plan again)"
                   if f.key == "review_date" and plan.review_due(today) else "")
            parts.append(f"{f.label}\n  {value.isoformat()}{due}")
    if plan.updated is not None:
        parts.append(f"Last saved {local_time(plan.updated)} (local time).")
    return "\n\n".join(parts)


def plan_json(plan: PlanDocument, today: date, versions: int) -> dict[str, Any]:
    return {**plan.to_json(), "review_due": plan.review_due(today),
            "older_versions": max(0, versions - 1)}


def note_versions(count: int) -> None:
    if count > 1:
        older = count - 1
        say(f"Note: {counted(older, 'older version')} of the plan "
            f"{'is' if older == 1 else 'are'} also kept (saved on another device at about the "
            "same time, perhaps); this is the newest.")


def show_plan(opened: Callable[[], AbstractContextManager[PlanStore]],
              cmd: PlanCommand) -> None:
    """Show the plan *opened* reads (its area's service: `open_plan`)."""
    with opened() as repo:
        plan, versions = repo.get(), len(repo.versions())
        warn_problems(repo.problems)
    note_versions(versions)
    today = date.today()
    out(plan_text(plan, cmd, today), plan_json(plan, today, versions))


def part_options(fields: Sequence[PlanField]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """An option for each text part: --key-with-dashes TEXT."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for f in reversed([f for f in fields if f.kind == "text"]):
            help_text = f"{f.label}: {f.hint} '-' reads it from stdin; '' clears it."
            func = click.option(f.option, f.key, metavar="TEXT", help=help_text)(func)
        return func

    return decorate


def walk_through(plan: D, fields: Sequence[PlanField], title: str) -> D:
    """Walk through each part on the terminal; an empty answer keeps what is there."""
    ask = credentials.ask_terminal
    changes: dict[str, Any] = {}
    intro = (f"{title}, one part at a time. Press Enter to keep what is there,\n"
             "or type - on its own to clear it. Ctrl-C stops without saving anything.\n")
    for f in fields:
        heading = f"{intro}\n{f.label}\n{f.hint}\n"
        intro = ""
        if f.kind == "text":
            current = indent(plan.text(f.key)) or "  (empty)"
            answer = ask(f"{heading}Now:\n{current}\n> ")
            if answer == "-":
                changes[f.key] = ""
            elif answer:
                changes[f.key] = answer
        elif f.kind == "contacts":
            changes[f.key] = _ask_contacts(tuple(getattr(plan, f.key)), heading)
        else:
            _ask_date(getattr(plan, f.key), heading, f, changes)
    return dataclasses.replace(plan, **changes)


def _ask_contacts(contacts: tuple[Any, ...], heading: str) -> tuple[Any, ...]:
    ask = credentials.ask_terminal
    listed = "\n".join(f"  {c.name}: {c.how}" for c in contacts) or "  (nobody yet)"
    prompt = (f"{heading}Now:\n{listed}\n"
              "Add one as NAME: HOW TO REACH THEM, press Enter when done,\n"
              "or type - to remove everyone listed.\n> ")
    kept = list(contacts)
    while answer := ask(prompt):
        if answer == "-":
            kept = []
            prompt = "Removed. Add someone, or press Enter when done.\n> "
            continue
        try:
            contact = parse_contact(answer)
        except UsageError as exc:
            prompt = f"{exc.message}.\n> "
            continue
        kept.append(contact)
        prompt = f"Added {contact.name}. Add someone else, or press Enter when done.\n> "
    return tuple(kept)


def _ask_date(current: date | None, heading: str, f: PlanField,
              changes: dict[str, Any]) -> None:
    ask = credentials.ask_terminal
    now = current.isoformat() if current else "none set"
    prompt = (f"{heading}Now: {now}\n"
              "A new date as YYYY-MM-DD (Enter keeps it, - clears it)\n> ")
    while answer := ask(prompt):
        if answer == "-":
            changes[f.key] = None
            return
        try:
            changes[f.key] = parse_date(answer, f.label.lower())
            return
        except UsageError as exc:
            prompt = f"{exc.message}. Try again, or press Enter to keep it.\n> "


def edit_plan(opened: Callable[[], AbstractContextManager[PlanStore]], cmd: PlanCommand, *,
              title: str,
              texts: Mapping[str, str | None], contacts: Sequence[str], clear_contacts: bool,
              review_text: str | None, clear_review_date: bool) -> Any:
    """Apply the options given (or, with none, walk through the plan at a terminal) and save.

    Everything is checked before anything is saved, so a mistake leaves the plan as it was."""
    given: dict[str, Any] = {key: value for key, value in texts.items() if value is not None}
    interactive = not (given or contacts or clear_contacts or review_text is not None
                       or clear_review_date)
    if interactive and not credentials.terminal_available():
        raise UsageError(f"say what to change, for example {cmd.example} (see `kit "
                         f"{cmd.command} edit --help`), or run this in a terminal to go "
                         "through the plan one part at a time; nothing was saved")
    from_stdin = [key for key, value in given.items() if value == "-"]
    if len(from_stdin) > 1:
        options = " and ".join("--" + key.replace("_", "-") for key in from_stdin)
        raise UsageError(f"only one part can be read from stdin at a time ({options} both "
                         "asked); nothing was saved")
    if review_text is not None and clear_review_date:
        raise UsageError("give --review-date or --clear-review-date, not both")
    for key in from_stdin:
        given[key] = read_private_text("-")
    added = [parse_contact(text) for text in contacts]
    review = parse_date(review_text, "--review-date") if review_text is not None else None
    with opened() as repo:
        plan = repo.get()
        warn_problems(repo.problems)
        if interactive:
            changed = walk_through(plan, cmd.fields, title)
        else:
            key = cmd.contacts.key
            kept = () if clear_contacts else getattr(plan, key)
            given[key] = (*kept, *added)
            given["review_date"] = None if clear_review_date else (review or plan.review_date)
            changed = dataclasses.replace(plan, **given)
        if changed == plan:
            say("Nothing changed; your plan is as it was.")
            saved = plan
        else:
            saved = repo.save(changed)
            say(f"Your {cmd.noun} is saved.")
        versions = len(repo.versions())
    if opts().json:
        out("", plan_json(saved, date.today(), versions))
    return saved
