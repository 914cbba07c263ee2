"""`kit safety-plan`: your personal safety plan for doxing and swatting, and its printable copy."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit import config
from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.commands.plans import PlanCommand, edit_plan, part_options, show_plan
from kit.commands.services import open_prepare
from kit.records.safety_plan import SAFETY_FIELDS

if TYPE_CHECKING:
    from kit.wellbeing.service import PlanStore

SAFETY_PLAN = PlanCommand("safety-plan", "safety plan", SAFETY_FIELDS,
                          "--household-plan TEXT or --trusted-person 'NAME: HOW'")


@click.group("safety-plan")
def safety_plan() -> None:
    """Your safety plan: who to call, what to say, and what to do if you are doxed or swatted."""


@contextmanager
def _plan() -> Iterator[PlanStore]:
    """The safety plan, through the Prepare service, while the vault is open."""
    with open_prepare() as prepare:
        yield prepare.safety_plan_store


@safety_plan.command("show")
@json_option
def safety_plan_show() -> None:
    """Show your safety plan."""
    show_plan(_plan, SAFETY_PLAN)


@safety_plan.command("edit")
@click.option("--trusted-person", "people", multiple=True, metavar="'NAME: HOW'",
              help="Add someone you trust and how to reach them; repeat for more.")
@click.option("--clear-trusted-people", is_flag=True,
              help="Remove everyone listed first (then add any given with --trusted-person).")
@part_options(SAFETY_FIELDS)
@click.option("--review-date", "review_text", metavar="DATE",
              help="When to look at the plan again (YYYY-MM-DD).")
@click.option("--clear-review-date", is_flag=True, help="Remove the review date.")
@json_option
def safety_plan_edit(people: tuple[str, ...], clear_trusted_people: bool,
                     review_text: str | None, clear_review_date: bool,
                     **texts: str | None) -> None:
    """Change your safety plan.

    Give the parts to change as options (arguments can end up in your shell history, so '-'
    reads one part from stdin). With no options, in a terminal, it walks you through each
    part and keeps whatever you leave blank.
    """
    edit_plan(_plan, SAFETY_PLAN, title="Your safety plan",
              texts=texts, contacts=people, clear_contacts=clear_trusted_people,
              review_text=review_text, clear_review_date=clear_review_date)


@safety_plan.command("export")
@click.option("--format", "fmt", type=click.Choice(["md", "pdf"]), required=True,
              help="md: Markdown to read or edit; pdf: one A4 page to print.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@json_option
def safety_plan_export(fmt: str, out_path: Path, force: bool) -> None:
    """Write your safety plan to a PLAINTEXT file, to print or keep (Markdown or PDF)."""
    from kit.chosen_file import check_chosen_path
    from kit.reports.plaintext import warning
    from kit.reports.safety_plan_export import export

    # Said before the passphrase is asked for, not after; the export checks again.
    check_chosen_path(out_path, overwrite=force)
    region = config.load().region  # the support lines for where the user lives
    with open_prepare(allow_device=False) as prepare:  # a plaintext copy: the passphrase
        exported = export(prepare, fmt, out_path, today=date.today(), region=region,
                          overwrite=force)
        warn_problems(prepare.problems)
    written, lost, cut, font = exported.path, exported.lost, exported.cut, exported.font
    say(warning("your safety plan", written))
    if exported.empty:
        say("Your safety plan is empty, so the file is a blank form to fill in by hand "
            "(`kit safety-plan edit` fills it in here).")
    if lost:
        say(f"Note: the font used ({font}) cannot show some characters in: "
            f"{', '.join(lost)}. They are printed as '?'; the Markdown export "
            "(--format md) keeps every character.")
    if cut:
        say(f"Note: to fit on one page, these parts were cut short and end with "
            f"\"(continued in the kit)\": {', '.join(cut)}. `kit safety-plan show` has "
            "them in full.")
    say(f"Wrote your safety plan to {written}.")
    if opts().json:
        out("", {"out": str(written), "format": fmt, "empty": exported.empty,
                 "font": font, "lost_characters": list(lost), "cut": list(cut)})
