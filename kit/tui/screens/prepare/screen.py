"""Prepare's screen: the two tabs, the keys that act on them, and the way in from Home and the
palette. What each tab shows and does is in its own module (steps, safety)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, TabbedContent, TabPane

from kit.tui.app import AreaScreen
from kit.tui.panes import LazyPane, LazyTabs, shown_pane
from kit.tui.screens.prepare.safety import DRAFT_AREA, SafetyPlanPane, export_safety_plan
from kit.tui.screens.prepare.steps import StepsPane


class PrepareScreen(AreaScreen):
    # A class attribute, not set on mount: setting it then lays the header out again.
    SUB_TITLE = "Prepare for doxing and swatting"

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+s", "save", "Save", id="prepare-save", priority=True),
        Binding("d", "mark('done')", "Done", id="prepare-done"),
        Binding("n", "mark('na')", "Not for me", id="prepare-na"),
        Binding("g", "delegate", "Delegate", id="prepare-delegate"),
        # On the buttons and in the help; the footer has no room for them.
        Binding("t", "mark('todo')", "To do", id="prepare-todo", show=False),
        Binding("o", "note", "Note", id="prepare-note", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with LazyTabs(id="prepare-tabs", initial="first"):
            with TabPane("Do this first", id="first"):
                yield StepsPane()
            # Built when first shown: most visits are for the next step, not the plan.
            yield LazyPane("Safety plan", SafetyPlanPane, id="safety")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        if self.workspace.drafts.list(DRAFT_AREA):
            self._tabs.build("safety")  # a draft kept at the last lock comes back at once
        self.steps.focus_list()

    @property
    def _tabs(self) -> LazyTabs:
        return self.query_one("#prepare-tabs", LazyTabs)

    @property
    def steps(self) -> StepsPane:
        return self.query_one(StepsPane)

    def _safety(self) -> SafetyPlanPane | None:
        """The safety plan's pane, if it has been shown (or holds a restored draft)."""
        return shown_pane(self, SafetyPlanPane)

    def reload(self) -> None:
        self.steps.reload()
        safety = self._safety()
        if safety is not None:
            safety.reload()

    # --- the keys ---

    def action_mark(self, status: str) -> None:
        self.steps.mark(status)

    def action_delegate(self) -> None:
        self.steps.delegate()

    def action_note(self) -> None:
        self.steps.note()

    def action_save(self) -> None:
        safety = self._safety()
        if self._tabs.active == "safety" and safety is not None:
            safety.save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("mark", "delegate", "note", "save"):
            tabs = self.query_one("#prepare-tabs", TabbedContent) if self.is_mounted else None
            if tabs is None:
                return True
            if tabs.active != ("safety" if action == "save" else "first"):
                return False
            if action == "delegate":
                item = self.steps.current()
                return item is None or not item.only_you
        return super().check_action(action, parameters)

    @on(TabbedContent.TabActivated, "#prepare-tabs")
    @on(StepsPane.Chosen)
    def _keys_changed(self) -> None:
        self.refresh_bindings()

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        safety = self._safety() if self.is_mounted else None
        state = safety.unsaved() if safety is not None else None
        return None if state is None else (DRAFT_AREA, state)

    def export(self, fmt: str) -> None:
        """Export the saved safety plan (from the palette: the tab may not have been shown)."""
        safety = self._safety()
        if safety is not None:
            safety.export(fmt)
        else:  # never shown, so nothing typed in it that is not saved
            export_safety_plan(self.kit_app, fmt)

    # --- from Home and the palette ---

    def quick_action(self, action: str) -> None:
        pane = "safety" if action == "safety-plan" else "first"
        self._tabs.active = pane
        # The focus goes into the tab shown, ready to type. Left in the other tab, it would
        # bring that tab back: a screen just opened focuses its steps list on mount.
        if pane == "safety":
            self._tabs.when_built("safety", lambda safety: safety.form.first_field().focus())
        else:
            self.steps.focus_list()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("Do this first", "The next preparation step for doxing and swatting",
                 lambda: self.quick_action("steps")),
                ("My safety plan", "What you will do if you are doxed or swatted",
                 lambda: self.quick_action("safety-plan")),
                ("Export safety plan as PDF", "A printable one-page copy (not encrypted)",
                 lambda: self.export("pdf"))]
