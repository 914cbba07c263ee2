"""`kit wellbeing-plan`: what keeps you well, and what to do when things get hard."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from kit.commands.context import json_option
from kit.commands.plans import PlanCommand, edit_plan, part_options, show_plan
from kit.commands.services import open_wellbeing
from kit.records import wellbeing_plan as plan_records

if TYPE_CHECKING:
    from kit.wellbeing.service import PlanStore


@click.group("wellbeing-plan")
def wellbeing_plan() -> None:
    """Your wellbeing plan: what keeps you well, and what to do when things get hard."""


WELLBEING_PLAN = PlanCommand("wellbeing-plan", "wellbeing plan", plan_records.PLAN_FIELDS,
                             "--keeps-me-well TEXT or --contact 'NAME: HOW'")


@contextmanager
def _plan() -> Iterator[PlanStore]:
    """The wellbeing plan, through the Wellbeing service, while the vault is open."""
    with open_wellbeing() as wellbeing:
        yield wellbeing.plan_store


@wellbeing_plan.command("show")
@json_option
def wellbeing_plan_show() -> None:
    """Show your wellbeing plan."""
    show_plan(_plan, WELLBEING_PLAN)


@wellbeing_plan.command("edit")
@part_options(plan_records.PLAN_FIELDS)
@click.option("--contact", "contacts", multiple=True, metavar="'NAME: HOW'",
              help="Add someone to contact and how to reach them; repeat for more.")
@click.option("--clear-contacts", is_flag=True,
              help="Remove every contact first (then add any given with --contact).")
@click.option("--review-date", "review_text", metavar="DATE",
              help="When to look at the plan again (YYYY-MM-DD).")
@click.option("--clear-review-date", is_flag=True, help="Remove the review date.")
@json_option
def wellbeing_plan_edit(contacts: tuple[str, ...], clear_contacts: bool, review_text: str | None,
                        clear_review_date: bool, **texts: str | None) -> None:
    """Change your wellbeing plan.

    Give the parts to change as options (arguments can end up in your shell history, so '-'
    reads one part from stdin). With no options, in a terminal, it walks you through each
    part and keeps whatever you leave blank.
    """
    edit_plan(_plan, WELLBEING_PLAN, title="Your wellbeing plan",
              texts=texts, contacts=contacts, clear_contacts=clear_contacts,
              review_text=review_text, clear_review_date=clear_review_date)
