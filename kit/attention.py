"""What the home screen asks the user to look at, gathered from every area of the vault."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from kit.workspace import Workspace


class Attention(NamedTuple):
    area: str  # the app area that deals with it: "journal", "wellbeing", ...
    title: str
    detail: str = ""


def needs_attention(workspace: Workspace, today: date) -> list[Attention]:
    """Most pressing first: damage, then unsaved writing, then what is due."""
    items: list[Attention] = []
    problems = workspace.problems
    if problems:
        items.append(Attention(
            "home", f"{len(problems)} record(s) in the vault could not be read",
            "The rest is safe. Run `kit vault verify` in a terminal for the details."))
    drafts = workspace.drafts.list()
    if drafts:
        items.append(Attention(
            "journal", "Unsaved writing was kept safe when the kit locked",
            ("One draft" if len(drafts) == 1 else f"{len(drafts)} drafts")
            + "; each area offers its draft back when you open it."))
    for due in workspace.checkins.due(today):
        if not due.is_due(today):
            continue
        if due.last_done is None:
            detail = "You have not done this one yet."
        else:
            detail = f"Last done {due.last_done.astimezone():%d %b}; you chose every " \
                     f"{due.every_days} days."
        items.append(Attention("wellbeing", f"Check-in due: {due.instrument.name}", detail))
    if workspace.plan.review_due(today):
        items.append(Attention("wellbeing", "Time to look at your wellbeing plan again",
                               "You set a review date for it."))
    return items
