"""Prepare's "Do this first" tab: the doxing and swatting checklists as one list, the chosen
step's details, and what the user marks.

The order, the levels and what counts as open come from kit.guidance.planner, exactly as
`kit checklist next` shows them; this pane only draws them and records what the user marks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from kit.config import save_region
from kit.errors import KitError
from kit.guidance.checklists import (
    PRIORITY_LABELS,
    REGION_LABELS,
    REGIONS,
    Item,
    Library,
    load_library,
)
from kit.plurals import counted
from kit.records.progress import ItemProgress
from kit.tui.app_words import app_words
from kit.tui.panes import AreaPane
from kit.tui.widgets.ask import Ask, AskDialog

if TYPE_CHECKING:
    from kit.guidance.service import Prepare

# "Anywhere" shows every region's steps: useful to an organisation, not to someone preparing.
REGION_CHOICES = tuple((REGION_LABELS[r], r) for r in REGIONS if r != "any")
TIME_CHOICES = (("Any time", 0), ("5 min", 5), ("15 min", 15), ("30 min", 30),
                ("1 hour", 60), ("2 hours", 120))

# Shapes, not colours, say where each step stands.
MARKS = {"todo": "○", "done": "✓", "na": "–", "delegated": "→", "recheck": "↻"}


def mark(progress: ItemProgress, today: date) -> str:
    if progress.recheck_due(today):
        return MARKS["recheck"]
    return MARKS.get(progress.status, "○")


def item_details(item: Item, progress: ItemProgress, today: date, first: bool) -> Text:
    text = Text()
    if first:
        text.append("Do this first\n", style="bold reverse")
    text.append(f"{item.title}\n", style="bold")
    text.append(f"{PRIORITY_LABELS.get(item.priority, item.priority)} · about {item.minutes} "
                f"minutes\n", style="dim")
    if item.nations:
        text.append(f"For people who live in {item.nations}.\n", style="dim")
    if item.only_you:
        text.append("Only you can take this step, so it cannot be handed on.\n", style="dim")
    text.append(f"\n{item.why}\n\n")
    for number, step in enumerate(item.steps, 1):
        text.append(f"{number}. {step}\n")
    if item.caution:
        text.append(f"\nNote: {item.caution}\n", style="italic")
    text.append("\nWhere is this from?\n", style="bold")
    for source in item.sources:
        text.append(f"• {source.title}\n  {source.url}\n")
    text.append(item.checked_text + "\n", style="dim")
    text.append("\nWhere you are with it\n", style="bold")
    status = {"todo": "Not done yet", "done": "Done", "na": "Not applicable to you",
              "delegated": f"Delegated to {progress.delegated_to}"}.get(progress.status,
                                                                        progress.status)
    if progress.status == "done" and progress.done_on:
        status += f" on {progress.done_on:%d %B %Y}"
    text.append(status + "\n")
    if progress.next_check:
        due = " (due now)" if progress.recheck_due(today) else ""
        text.append(f"Look at it again on {progress.next_check:%d %B %Y}{due}.\n")
    if progress.note:
        text.append(f"Your note: {progress.note}\n")
    return text


class StepsPane(Horizontal, AreaPane):
    """The list of steps on the left, the chosen one on the right. Reads the progress through
    the Prepare service (kit.guidance.service) and the checklists through kit.guidance."""

    DEFAULT_CSS = """
    StepsPane #prepare-left {
        width: 2fr;
        min-width: 39;
        padding: 0 1;
    }
    StepsPane #prepare-detail-box {
        width: 3fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    StepsPane #prepare-controls {
        height: auto;
    }
    StepsPane #minutes {
        width: 16;
    }
    StepsPane #prepare-where {
        height: auto;
    }
    StepsPane #prepare-where Label {
        padding: 1 1 0 1;
    }
    StepsPane #region {
        width: 1fr;
        max-width: 26;
    }
    StepsPane #prepare-count {
        width: 100%;
    }
    StepsPane #steps {
        height: 1fr;
    }
    """

    class Chosen(Message):
        """Another step is shown: which keys apply (Delegate) may have changed."""

    def __init__(self) -> None:
        super().__init__()
        self.library: Library | None = None
        self.first_id: str | None = None
        self._listed_for: tuple[object, bool] | None = None  # the filters the list was made for
        self._shown: str | None = None  # the step whose details are drawn

    def compose(self) -> ComposeResult:
        with Vertical(id="prepare-left"):
            with Horizontal(id="prepare-controls"):
                yield Select(TIME_CHOICES, value=0, allow_blank=False, id="minutes",
                             tooltip="How much time do you have now?")
                yield Checkbox("Show finished", id="show-all")
            with Horizontal(id="prepare-where"):
                yield Label("You live in")
                yield Select(self._region_choices(), allow_blank=False, id="region",
                             value=self.services.config.region,
                             tooltip="Where you live: some steps differ between "
                                     "England, Scotland, Wales and Northern Ireland")
            # The list comes with the pane (not a moment after it, which would lay the
            # screen out again): made for the filters as they start, any time and unfinished.
            options, count = self._listing(0, False)
            yield Label(count, id="prepare-count", markup=False)
            # Titles may come from an organisation's checklist folder: plain text.
            yield OptionList(*options, id="steps", markup=False)
        first = self.library.items[self.first_id] if self.library and self.first_id else None
        with VerticalScroll(id="prepare-detail-box"):
            yield Static(self._details(first), id="prepare-detail", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Done (d)", id="mark-done", variant="primary")
                yield Button("Not for me (n)", id="mark-na")
                yield Button("Delegate (g)", id="mark-delegated",
                             disabled=first is not None and first.only_you)
                yield Button("Note (o)", id="mark-note")
                yield Button("To do (t)", id="mark-todo")

    def on_mount(self) -> None:
        self._shown = self.first_id  # its details were composed with the pane
        self.highlight(self.first_id, again=False)

    def reload(self) -> None:
        self.load()

    @property
    def prepare(self) -> Prepare:
        """The one door to the Prepare records (kit.guidance.service)."""
        from kit.guidance.service import Prepare

        return Prepare(self.workspace)

    def _today(self) -> date:
        return self.services.clock().astimezone().date()

    def focus_list(self) -> None:
        self.query_one("#steps").focus()

    # --- the list ---

    def _listing(self, minutes: object, show_all: bool) -> tuple[list[Option | None], str]:
        """The list's rows and the line above it, for the filters given; the checklists are
        read again (an organisation's folder may have changed)."""
        config = self.services.config
        self._listed_for = (minutes, show_all)
        try:
            self.library = load_library(config.checklist_folders)
        except KitError as exc:
            self.library = None
            self.first_id = None
            return [], f"The checklists could not be loaded: {app_words(exc.message)}"
        today = self._today()
        prepare = self.prepare
        progress = prepare.progress()
        plan = prepare.next_steps(self.library, today, region=config.region,
                                  minutes=int(minutes) if isinstance(minutes, int) and minutes
                                  else None)
        options: list[Option | None] = []

        def heading(title: str) -> None:
            if options:
                options.append(None)
            options.append(Option(Text(title, style="bold"), disabled=True))

        def row(item: Item) -> None:
            state = progress.get(item.id) or ItemProgress(item.id)
            options.append(Option(f"{mark(state, today)} {item.title_for(config.region)} · "
                                  f"{item.minutes} min",
                                  id=item.id))

        self.first_id = plan.first.item.id if plan.first else None
        if plan.first is not None:
            heading("Do this first")
            row(plan.first.item)
        if minutes:
            if plan.rest:
                heading("Also fits in your time")
                for step in plan.rest:
                    row(step.item)
        else:
            for level in plan.levels:
                shown = [s for s in level.steps if s.item.id != self.first_id]
                if shown:
                    heading(level.title)
                    for step in shown:
                        row(step.item)
        if show_all:
            finished = [item for item in self.library.for_region(config.region)
                        if item.id in progress and not progress[item.id].is_open(today)]
            if finished:
                heading("Finished or handed on")
                for item in finished:
                    row(item)
        if plan.first is None:
            count = ("Nothing left to do in the time you chose. Well done for looking after "
                     "yourself." if minutes else "Every step is done or handed on.")
        else:
            count = f"{plan.done} of {counted(plan.total, 'step')} done. One at a time is fine."
        return options, count

    def load(self) -> None:
        """Make the list again from the checklists and the progress kept in the vault."""
        steps = self.query_one("#steps", OptionList)
        options, count = self._listing(*self._filters())
        highlighted = steps.highlighted_option.id if steps.highlighted_option else None
        steps.clear_options()
        steps.add_options(options)
        self.query_one("#prepare-count", Label).update(count)
        self.highlight(highlighted or self.first_id)

    def highlight(self, item_id: str | None, *, again: bool = True) -> None:
        """Highlight the step *item_id* (or the first one) and show it; *again*: draw its
        details even if they are the ones shown (what the vault holds about it changed)."""
        steps = self.query_one("#steps", OptionList)
        index = None
        if item_id is not None:
            try:
                index = steps.get_option_index(item_id)
            except Exception:  # the step has gone from the list (done, say)
                index = None
        if index is None:
            index = next((i for i in range(steps.option_count)
                          if not steps.get_option_at_index(i).disabled), None)
        steps.highlighted = index
        self._show(steps.get_option_at_index(index).id if index is not None else None,
                   again=again)

    @on(OptionList.OptionHighlighted, "#steps")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id, again=False)

    def _details(self, item: Item | None) -> Text | str:
        if item is None:
            return ""
        return item_details(item, self.prepare.step(item.id), self._today(),
                            item.id == self.first_id)

    def _show(self, item_id: str | None, *, again: bool = True) -> None:
        if not again and item_id == self._shown:
            return  # drawn already (the list says the first step is highlighted as it opens)
        self._shown = item_id
        box = self.query_one("#prepare-detail", Static)
        item = self.library.items[item_id] if item_id is not None and self.library else None
        box.update(self._details(item))
        if item is None:
            return
        # A step nobody can take for you ("don't reply") is never offered to be handed on.
        self.query_one("#mark-delegated", Button).disabled = item.only_you
        self.post_message(self.Chosen())

    @on(Select.Changed, "#minutes")
    @on(Checkbox.Changed, "#show-all")
    def _filters_changed(self) -> None:
        # The time box says it changed as it is first shown, to the value the list was just
        # made for: the list is made again only when a filter really changed.
        if self._filters() != self._listed_for:
            self.load()

    def _filters(self) -> tuple[object, bool]:
        return (self.query_one("#minutes", Select).value,
                self.query_one("#show-all", Checkbox).value)

    def _region_choices(self) -> tuple[tuple[str, str], ...]:
        current = self.services.config.region
        extra = () if any(r == current for _label, r in REGION_CHOICES) else (
            (REGION_LABELS[current], current),)
        return REGION_CHOICES + extra

    @on(Select.Changed, "#region")
    def _region_changed(self, event: Select.Changed) -> None:
        services = self.services
        region = event.value
        if not isinstance(region, str) or region == services.config.region:
            return
        try:
            save_region(region)
        except KitError as exc:
            self.notify(f"Shown for now, but not saved for next time: {exc.message}",
                        severity="warning")
        else:
            self.notify(f"Showing the steps for {REGION_LABELS[region]}. Saved in the kit's "
                        "settings file on this computer.")
        services.config = replace(services.config, region=region)
        self.load()

    # --- marking ---

    def current(self) -> Item | None:
        """The step highlighted in the list, if any."""
        option = self.query_one("#steps", OptionList).highlighted_option
        if option is None or option.id is None or self.library is None:
            return None
        return self.library.items.get(option.id)

    def mark(self, status: str, delegated_to: str | None = None,
             note: str | None = None) -> None:
        item = self.current()
        if item is None:
            return
        try:
            self.prepare.mark(item, status, today=self._today(), note=note,
                              delegated_to=delegated_to)
        except KitError as exc:
            self.notify(f"Not saved: {exc.message}", severity="error")
            return
        self.load()
        self.app.call_after_refresh(self.highlight, item.id)

    @on(Button.Pressed, "#mark-done")
    def _done(self) -> None:
        self.mark("done")

    @on(Button.Pressed, "#mark-na")
    def _na(self) -> None:
        self.mark("na")

    @on(Button.Pressed, "#mark-todo")
    def _todo(self) -> None:
        self.mark("todo")

    @on(Button.Pressed, "#mark-delegated")
    def delegate(self) -> None:
        item = self.current()
        if item is None or item.only_you:
            return

        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self.mark("delegated", delegated_to=answers["who"], note=answers["note"] or None)

        self.app.push_screen(AskDialog(
            f"Who will do “{item.title}” for you?",
            [Ask("who", "Their name", placeholder="someone you trust"),
             Ask("note", "A note (optional)", placeholder="e.g. asked on Monday")],
            ok="Delegate", required=("who",)), answered)

    @on(Button.Pressed, "#mark-note")
    def note(self) -> None:
        item = self.current()
        if item is None:
            return
        current = self.prepare.step(item.id)

        def answered(answers: dict[str, str] | None) -> None:
            if answers is not None:
                self.mark(current.status, delegated_to=current.delegated_to or None,
                          note=answers["note"])

        self.app.push_screen(AskDialog(f"A note for “{item.title}”",
                                       [Ask("note", "Note", value=current.note)],
                                       ok="Save note"), answered)
