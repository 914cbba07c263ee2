"""What the home screen asks the user to look at, gathered from every area of the vault."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from kit.errors import KitError
from kit.plurals import counted
from kit.workspace import Workspace

if TYPE_CHECKING:
    from kit.config import Config


# Where the app gives each kind of draft back (kit.tui: the area that kept it), in the
# order of the app's area keys.
DRAFT_PLACES = {
    "journal": "Journal", "exposure": "Exposure", "incident": "Incidents",
    "safety-plan": "Prepare (Safety plan)", "plan": "Wellbeing (My plan)",
    "supervision-session": "Supervision", "supervision-agreement": "Supervision",
    "removal": "Incidents (removal requests, r)",
}


class Attention(NamedTuple):
    area: str  # the app area that deals with it: "journal", "wellbeing", ...
    title: str
    detail: str = ""
    action: str = ""  # an app action that deals with it at once (Home shows it as a button)


def needs_attention(workspace: Workspace, today: date,
                    config: Config | None = None) -> list[Attention]:
    """Most pressing first: damage, then unsaved writing, then what is due."""
    items: list[Attention] = []
    if workspace.vault.key_change_unfinished:
        items.append(Attention(
            "home", "A change of your vault's keys did not finish",
            "Your recovery key from before still works, and so does the new one if it was "
            "shown to you. \"Finish the key change\" below gives you one recovery key you "
            "know works.", "finish-key-change"))
    problems = workspace.problems
    if problems:
        items.append(Attention(
            "home", f"{counted(len(problems), 'record')} in the vault could not be read",
            "The rest is safe. \"Check the vault\" below says what is damaged and what to "
            "do next.", "check-vault"))
    drafts = workspace.drafts.list()
    if drafts:
        areas = {d.area for d in drafts}
        places = list(dict.fromkeys([place for area, place in DRAFT_PLACES.items()
                                     if area in areas]
                                    + (["its own area"] if areas - DRAFT_PLACES.keys() else [])))
        where = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        detail = (f"One draft; it comes back when you open {where}." if len(drafts) == 1
                  else f"{len(drafts)} drafts; each comes back when you open {where}.")
        items.append(Attention("journal", "Unsaved writing was kept safe when the kit locked",
                               detail))
    for due in workspace.checkins.due(today):
        if not due.is_due(today):
            continue
        if due.last_done is None:
            detail = "You have not done this one yet."
        else:
            detail = f"Last done {due.last_done.astimezone():%d %b}; you chose every " \
                     f"{counted(due.every_days, 'day')}."
        items.append(Attention("wellbeing", f"Check-in due: {due.instrument.name}", detail))
    if workspace.plan.review_due(today):
        items.append(Attention("wellbeing", "Time to look at your wellbeing plan again",
                               "You set a review date for it."))
    if workspace.safety_plan.review_due(today):
        items.append(Attention("prepare", "Time to look at your safety plan again",
                               "You set a review date for it."))
    items += _checklists(workspace, today, config)
    items += _footprint(workspace, today)
    items += _supervision(workspace, today, config)
    items += _removals(workspace, today, config)
    return items


def _removals(workspace: Workspace, today: date, config: Config | None) -> list[Attention]:
    """Replies overdue, replies due this week, and pages due a second look."""
    from kit import config as config_file

    try:
        nation = (config if config is not None else config_file.load()).region
    except KitError:
        nation = "england"  # the checklists' item says what is wrong with the file
    due = workspace.removals.due(today, nation)
    items: list[Attention] = []
    if due.overdue:
        first, day = due.overdue[0]
        items.append(Attention(
            "incidents", ("1 reply to a removal request is" if len(due.overdue) == 1 else
                          f"{len(due.overdue)} replies to removal requests are") + " overdue",
            f"{first.target}'s was due by {day:%d %B}. Removal requests (Incidents, F7, "
            "then r) say what to do next."))
    if due.replies_soon:
        first, day = due.replies_soon[0]
        items.append(Attention(
            "incidents", ("1 reply to a removal request is" if len(due.replies_soon) == 1
                          else f"{len(due.replies_soon)} replies to removal requests are")
            + " due this week", f"{first.target}'s is due by {day:%A %d %B}."))
    if due.rechecks:
        items.append(Attention(
            "incidents", ("1 removal request is" if len(due.rechecks) == 1 else
                          f"{len(due.rechecks)} removal requests are")
            + " due a second look",
            "Look at the pages again and say whether they are gone."))
    # One button under them all, not one under each.
    return [*items[:-1], items[-1]._replace(action="removals")] if items else items


def _supervision(workspace: Workspace, today: date, config: Config | None) -> list[Attention]:
    """Records waiting for your answer, overdue actions, and follow-ups due for your team."""
    from kit.supervision.schedule import local_zone
    from kit.supervision.team import follow_ups_due
    from kit.vault.identity import public_identity

    docs = workspace.supervision.all()
    if not docs:
        return []
    me = public_identity(workspace.snapshot().records).fingerprint
    items: list[Attention] = []
    waiting = [d for d in docs if d.supervisee == me and d.status == "sent"]
    if waiting:
        items.append(Attention(
            "supervision", ("1 supervision record is" if len(waiting) == 1 else
                            f"{len(waiting)} supervision records are") + " waiting for your answer",
            "Accept it, or add a comment, within the window you agreed: Supervision (F10)."))
    gone = {c.fingerprint for c in workspace.contacts.all() if c.archived}
    overdue = [a for doc, a in workspace.supervision.actions(today, overdue_only=True)
               if doc.supervisee not in gone]
    if overdue:
        items.append(Attention(
            "supervision", ("1 agreed action is past its due date" if len(overdue) == 1 else
                            f"{len(overdue)} agreed actions are past their due date"),
            "Supervision (F10) lists "
            + ("it" if len(overdue) == 1 else "them") + "."))
    zone = local_zone(config.time_zone if config else None)
    follow_ups = [f for c in workspace.contacts.all(archived=False) if c.relation == "supervisee"
                  for f in follow_ups_due(docs, c.fingerprint, zone)
                  if f.due.date() <= today]
    if follow_ups:
        items.append(Attention(
            "supervision", ("1 follow-up after an incident is" if len(follow_ups) == 1 else
                            f"{len(follow_ups)} follow-ups after incidents are") + " due",
            "The team view shows who: Supervision (F10)."))
    return items


def _footprint(workspace: Workspace, today: date) -> list[Attention]:
    """The exposure summary: open findings by severity, and fixed ones due a second look."""
    summary = workspace.findings.summary(today)
    items: list[Attention] = []
    if summary.open:
        counts = ", ".join(f"{n} {severity}" for severity, n in
                           summary.open_by_severity.items() if n)
        month_ago = summary.trend[-2].open if len(summary.trend) > 1 else summary.open
        change = f" A month ago there were {month_ago}." if month_ago != summary.open else ""
        items.append(Attention(
            "footprint", ("1 footprint finding is open" if summary.open == 1 else
                          f"{summary.open} footprint findings are open") + f" ({counts})",
            "Each one names the step that deals with it: Footprint (F8) lists them. Taking "
            "them one at a time is fine." + change))
    if summary.recheck_due:
        items.append(Attention(
            "footprint", ("1 fixed finding is" if summary.recheck_due == 1 else
                          f"{summary.recheck_due} fixed findings are") + " due for a re-check",
            "Listings can come back; running the same check again shows whether they have."))
    return items


def _checklists(workspace: Workspace, today: date, config: Config | None) -> list[Attention]:
    """Re-checks that have come round, and the preparation steps marked "now" not yet done.
    *config* gives the region and extra folders (read from config.toml when not given)."""
    from kit import config as config_file
    from kit.guidance.checklists import load_library
    from kit.guidance.planner import recheck_due

    try:
        settings = config if config is not None else config_file.load()
        library = load_library(settings.checklist_folders)
    except KitError as exc:
        return [Attention("prepare", "The checklists could not be loaded",
                          exc.message.splitlines()[0])]
    progress = workspace.progress.all()
    items: list[Attention] = []
    due = recheck_due(library, progress, today, settings.region)
    if due:
        items.append(Attention(
            "prepare", ("1 checklist step is" if len(due) == 1 else
                        f"{len(due)} checklist steps are") + " due for a re-check",
            "Settings change and lists get republished; looking again keeps them right."))
    waiting = [item for item in library.for_region(settings.region)
               if item.priority == "now" and item.mode != "incident"
               and (progress.get(item.id) is None or progress[item.id].status == "todo")]
    if waiting:
        # The kit's checklists mark these urgent, not the user: on a new vault they have
        # marked nothing, and the words must not say they did.
        items.append(Attention(
            "prepare", ("1 step the kit marks as urgent is" if len(waiting) == 1 else
                        f"{len(waiting)} steps the kit marks as urgent are") + " not done yet",
            "Take them one at a time, when you are ready: Prepare (F6) shows the first one."))
    return items
