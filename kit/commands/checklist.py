"""`kit checklist`: preparing for doxing and swatting, one step at a time, and the
"It's happening now" walk-through.

`validate` and `now` need no vault: an organisation checks its files anywhere, and the
walk-through must work for someone who has never run `kit init`. The rest read and write
progress, which lives in the vault.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
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
from kit.commands.services import open_prepare
from kit.errors import UsageError
from kit.guidance.service import check_hand_on
from kit.plurals import counted

if TYPE_CHECKING:
    from kit.guidance.checklists import Item, Library
    from kit.guidance.planner import Step
    from kit.records.progress import ItemProgress

REGION_CHOICE = click.Choice(["uk", "england", "scotland", "wales", "northern-ireland", "us",
                              "any"])  # kit.guidance.checklists.REGIONS
STATUS_CHOICE = click.Choice(["todo", "done", "na", "delegated"])  # progress.STATUSES
LIST_FILTERS = click.Choice(["todo", "done", "na", "delegated", "open", "due"])


def _region_option(func: Any) -> Any:
    return click.option("--region", type=REGION_CHOICE, default=None,
                        help="Whose guidance to show: uk (every UK nation's), england, "
                        "scotland, wales, northern-ireland, us, or any (all). Default: the "
                        "[checklists] region in config.toml (`kit checklist region` sets it), "
                        "else uk.")(func)


def _settings(region: str | None) -> tuple[tuple[Path, ...], str]:
    from kit import config

    settings = config.load()
    return settings.checklist_folders, region or settings.region


def _library(region: str | None) -> tuple[Library, str]:
    """The shipped checklists and the config's folders; a broken file is a clear error."""
    from kit.guidance.checklists import load_library

    folders, chosen = _settings(region)
    return load_library(folders), chosen


@click.group("checklist")
def checklist() -> None:
    """Prepare for doxing and swatting, step by step, and what to do if it happens."""


# --- no vault needed ---


@checklist.command("region")
@click.argument("region", type=REGION_CHOICE, required=False)
@json_option
def checklist_region(region: str | None) -> None:
    """Show, or set, where you live: some steps differ between England, Scotland, Wales and
    Northern Ireland. Saved as [checklists] region in config.toml (a settings file, not
    encrypted); the rest of that file is kept as it is."""
    from kit import config
    from kit.guidance.checklists import REGION_LABELS

    if region is not None:
        config.save_region(region)
    chosen = config.load().region
    label = REGION_LABELS[chosen]
    if region is None:
        message = f"Showing the guidance for: {label}. Change it with `kit checklist region NAME`."
    else:
        message = f"Saved. The checklists now show the guidance for: {label}."
    out(message, {"region": chosen, "label": label})


@checklist.command("validate")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
def checklist_validate(path: Path) -> None:
    """Check a checklist file, or a folder of them, against the format (docs/checklist-format.md).

    Prints every problem, one per line, naming the file, the item and the field; exits 1 if
    there is any. Ids are also checked against the checklists that come with the kit, since
    both are loaded together.
    """
    from kit.guidance.checklists import read_path, shipped_folder

    sections, problems = read_path(path, alongside=(shipped_folder(),))
    count = sum(len(s.items) for s in sections)
    doc = {"path": str(path), "valid": not problems, "sections": len(sections),
           "items": count, "problems": [p.to_json() for p in problems]}
    if not problems:
        out(f"{path}: {count} item{'s' if count != 1 else ''} in {len(sections)} "
            f"section{'s' if len(sections) != 1 else ''}, all valid", doc)
        return
    out("\n".join(str(p) for p in problems), doc)
    say("1 problem found; fix it" if len(problems) == 1 else
        f"{len(problems)} problems found; fix them")
    raise click.exceptions.Exit(1)


@checklist.command("now")
@_region_option
@click.option("--path", "path", type=click.Choice(["danger", "swatting", "doxing"]),
              default=None, help="What is happening: someone is in danger now; a false emergency "
              "call was threatened or police are on their way; or your details were shared. "
              "Without it, every step is shown.")
@json_option
def checklist_now(region: str | None, path: str | None) -> None:
    """It's happening now: what to do, in order, if you are being doxed or swatted."""
    from kit.errors import BadInput
    from kit.guidance.checklists import IN_APP, PATHS, load_library
    from kit.guidance.planner import WALK_THROUGH_INTRO, happening_now

    # At the worst moment, a mistake in config.toml or in an organisation's folder must not
    # hide the kit's own steps: say so briefly and carry on without them.
    try:
        folders, chosen = _settings(region)
    except BadInput as exc:
        say(f"Note: {exc.message.splitlines()[0]}; carrying on without your settings.")
        folders, chosen = (), region or "uk"
    try:
        library = load_library(folders)
    except BadInput:
        if not folders:
            raise
        say("Note: your own checklist folders could not be loaded (`kit checklist validate "
            "FOLDER` says why), so these are the kit's own steps.")
        library = load_library()
    stages = happening_now(library, chosen, path)
    lines = ["It's happening now.", WALK_THROUGH_INTRO]
    if path is None:
        lines += ["", "Steps for one situation only: add --path with " + "; ".join(
            f"{name} ({label.lower()})" for name, label in PATHS) + "."]
    number = 0
    for n, (_stage, title, items) in enumerate(stages, 1):
        lines += ["", f"{n}. {title}"]
        for item in items:
            number += 1
            lines += ["", f"  {item.title_for(chosen)}", *_numbered(item.steps, "    ")]
            lines.append(f"    Why: {item.why}")
            if item.caution:
                lines.append(f"    Please note: {item.caution}")
            if item.in_app is not None:
                lines.append(f"    In the kit: {IN_APP[item.in_app][1]}")
            if path is None and len(item.paths) < len(PATHS):
                lines.append("    Only if: " + "; or ".join(
                    label.lower() for name, label in PATHS if name in item.paths))
    if not stages:
        lines += ["", "No walk-through steps are available for this region."]
    lines += ["", "`kit helplines` lists people you can talk to. When things are calmer,",
              "`kit checklist next` helps you prepare, one step at a time."]
    out("\n".join(lines), {"region": chosen, "path": path, "stages": [
        {"id": stage, "title": title, "items": [i.to_json() for i in items]}
        for stage, title, items in stages]})


def _numbered(steps: tuple[str, ...], indent: str) -> list[str]:
    return [f"{indent}{n}. {step}" for n, step in enumerate(steps, 1)]


# --- progress, in the vault ---


def _row(item: Item, progress: ItemProgress, today: date, region: str) -> str:
    status = "Re-check due" if progress.recheck_due(today) else progress.label
    return (f"  {status:<14}  {item.priority_label:<13}  {item.minutes:>3} min  "
            f"{item.id}: {item.title_for(region)}")


def _item_json(item: Item, progress: ItemProgress, today: date) -> dict[str, Any]:
    return {**item.to_json(), "progress": progress.to_json(),
            "open": progress.is_open(today), "recheck_due": progress.recheck_due(today)}


def _wanted(progress: ItemProgress, status: str | None, today: date) -> bool:
    if status is None:
        return True
    if status == "open":
        return progress.is_open(today)
    if status == "due":
        return progress.recheck_due(today)
    return progress.status == status


@checklist.command("list")
@_region_option
@click.option("--status", type=LIST_FILTERS, default=None,
              help="Only items with this status (open: to do or due for a re-check; due: "
              "due for a re-check).")
@json_option
def checklist_list(region: str | None, status: str | None) -> None:
    """Every checklist item, by section, with its status, priority and minutes."""
    from kit.guidance.planner import next_steps

    library, chosen = _library(region)
    today = date.today()
    with open_prepare() as prepare:
        progress = prepare.progress()
        warn_problems(prepare.problems)
    lines: list[str] = []
    sections = []
    for section in library.sections:
        rows = [(item, progress.get(item.id) or _todo(item.id)) for item in section.items
                if item.applies_to(chosen)]
        rows = [(item, p) for item, p in rows if _wanted(p, status, today)]
        if not rows:
            continue
        if lines:
            lines.append("")
        lines += [f"{section.title} ({section.id})",
                  *(_row(item, p, today, chosen) for item, p in rows)]
        sections.append({"id": section.id, "title": section.title, "summary": section.summary,
                         "items": [_item_json(item, p, today) for item, p in rows]})
    summary = next_steps(library, progress, today, region=chosen)
    tally = (f"{summary.done} of {counted(summary.total, 'step')} "
             f"{'is' if summary.done == 1 else 'are'} done or handed on. "
             "`kit checklist next` shows what to do first.")
    human = "\n".join(lines) if lines else \
        "No items match." if status else "No checklist items for this region."
    out(f"{human}\n\n{tally}" if summary.total else human,
        {"region": chosen, "status": status, "sections": sections, "done": summary.done,
         "total": summary.total})


def _todo(item_id: str) -> ItemProgress:
    from kit.records.progress import ItemProgress

    return ItemProgress(item_id)


def _item_text(item: Item, library: Library) -> list[str]:
    from kit.guidance.checklists import IN_APP, MODE_LABELS, REGION_LABELS

    lines = [item.title, f"id: {item.id}, in {library.section(item.section).title}",
             f"Priority: {item.priority_label}. About {counted(item.minutes, 'minute')}. "
             f"{MODE_LABELS[item.mode]}. For: "
             + ", ".join(REGION_LABELS[r] for r in item.regions) + ".",
             "", *_numbered(item.steps, "  "), "", f"Why: {item.why}"]
    if item.caution:
        lines.append(f"Please note: {item.caution}")
    if item.in_app is not None:
        lines.append(f"In the kit: {IN_APP[item.in_app][1]}")
    lines += ["", "Sources:", *(f"  {s.title}: {s.url}" for s in item.sources),
              item.checked_text]
    if item.recheck_days:
        lines.append(f"Worth checking again every {counted(item.recheck_days, 'day')} once "
                     "done.")
    return lines


@checklist.command("show")
@click.argument("item_id", metavar="ID")
@json_option
def checklist_show(item_id: str) -> None:
    """Everything about one item: its steps, why, sources, and your progress."""
    from kit.guidance.planner import step_for

    library, _region = _library(None)
    item = library.get(item_id)
    today = date.today()
    with open_prepare() as prepare:
        progress = prepare.step(item.id)
        warn_problems(prepare.problems)
    lines = _item_text(item, library)
    lines += ["", f"Your progress: {progress.label} ({step_for(item, progress, today).reason})"]
    if progress.delegated_to:
        lines.append(f"Delegated to: {progress.delegated_to}")
    if progress.note:
        lines += ["Note:", *(f"  {line}" for line in progress.note.splitlines())]
    out("\n".join(lines), _item_json(item, progress, today))


def _step_line(step: Step, region: str) -> str:
    item = step.item
    return (f"  {item.id}: {item.title_for(region)} ({item.minutes} min, "
            f"{item.priority_label.lower()}; {step.reason})")


@checklist.command("next")
@click.option("--minutes", type=click.IntRange(min=1, max=24 * 60), default=None,
              help="How long you have: the next step that fits, and what else fits.")
@click.option("--incident", is_flag=True,
              help="It is happening now: only the steps that help now, no preparation advice.")
@_region_option
@json_option
def checklist_next(minutes: int | None, incident: bool, region: str | None) -> None:
    """The one step to do next, in full, then the rest, one line each."""

    library, chosen = _library(region)
    today = date.today()
    with open_prepare() as prepare:
        plan = prepare.next_steps(library, today, region=chosen, minutes=minutes,
                                  incident=incident)
        warn_problems(prepare.problems)
    lines: list[str] = []
    if plan.first is None:
        waiting = [s for level in plan.levels for s in level.steps]
        if waiting and minutes is not None:
            shortest = min(s.item.minutes for s in waiting)
            lines.append(f"Nothing still to do fits in {counted(minutes, 'minute')}; the "
                         f"shortest takes {shortest}. That is fine: come back when you have a "
                         "little longer.")
        else:
            lines.append("Nothing is waiting: every step for your region is done, not "
                         "applicable or with someone you trust.")
    else:
        step = plan.first
        lines += [f"Do this next ({step.reason}, about {step.item.minutes} minutes):", "",
                  *_item_text(step.item, library), "",
                  f"When it is done: kit checklist mark {step.item.id} done"]
        if plan.rest:
            heading = "Also fits in the time left:" if minutes is not None else "After that:"
            lines += ["", heading, *(_step_line(s, chosen) for s in plan.rest)]
    if plan.total:
        lines += ["", f"{plan.done} of {plan.total} steps are done or handed on."]
    out("\n".join(lines), {"region": chosen, "minutes": minutes, "incident": incident,
                           **plan.to_json()})


@checklist.command("mark")
@click.argument("item_id", metavar="ID")
@click.argument("status", type=STATUS_CHOICE)
@click.option("--note", metavar="TEXT",
              help="A private note to keep with it; '-' reads it from stdin (safer: text typed "
              "as an argument can end up in your shell history); '' clears it.")
@click.option("--to", "delegated_to", metavar="NAME",
              help="Who has it in hand (needed for delegated).")
@json_option
def checklist_mark(item_id: str, status: str, note: str | None,
                   delegated_to: str | None) -> None:
    """Mark an item done, na (not applicable), todo, or delegated --to someone."""
    if status == "delegated" and not (delegated_to or "").strip():
        raise UsageError("say who has it in hand: `kit checklist mark ID delegated --to NAME`; "
                         "nothing was saved")
    if status != "delegated" and delegated_to is not None:
        raise UsageError("--to is only for delegated; nothing was saved")
    library, _region = _library(None)
    item = library.get(item_id)  # before unlocking: a typo needs no passphrase
    check_hand_on(item, status)  # nor does a step only you can take (the service's rule)
    note_text = read_private_text(note) if note == "-" else note
    with open_prepare() as prepare:
        saved = prepare.mark(item, status, today=date.today(), note=note_text,
                             delegated_to=delegated_to)
    message = {"todo": f"{item.title}: back on your list.",
               "done": f"{item.title}: done.",
               "na": f"{item.title}: marked not applicable.",
               "delegated": f"{item.title}: with {saved.delegated_to}."}[status]
    if saved.next_check is not None:
        message += f" It will come up again for a check on {saved.next_check.isoformat()}."
    say(message)
    if opts().json:
        out("", {"item": item.id, **saved.to_json()})
