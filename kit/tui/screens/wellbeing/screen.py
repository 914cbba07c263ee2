"""Wellbeing's screen: the four tabs, ctrl+s, and the way in from Home and the palette. What
each tab shows and does is in its own module (checkin, trends, instruments); the plan is the
shared plan form. Every tab but the check-in is built when it is first shown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, TabbedContent, TabPane

from kit.records import wellbeing_plan as wp
from kit.tui.app import AreaScreen
from kit.tui.key_hint import key_hint
from kit.tui.panes import AreaPane, LazyPane, LazyTabs, shown_pane
from kit.tui.screens.wellbeing.checkin import CheckInPane
from kit.tui.screens.wellbeing.instruments import InstrumentsPane
from kit.tui.screens.wellbeing.trends import TrendsPane
from kit.tui.widgets.plan_form import PlanForm

if TYPE_CHECKING:
    from kit.wellbeing.service import Wellbeing

DRAFT_AREA = "plan"


class WellbeingPlanForm(PlanForm):
    """The personal plan: fills itself from the vault (and a kept draft) as it is built."""

    def on_mount(self) -> None:
        self.load()


class WellbeingScreen(AreaScreen):
    # A class attribute, not set on mount: setting it then lays the header out again.
    SUB_TITLE = "Wellbeing"

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+s", "save", "Save", id="wellbeing-save", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with LazyTabs(id="wellbeing-tabs", initial="checkin"):
            with TabPane("Check in", id="checkin"):
                yield CheckInPane()
            yield LazyPane("Trends", TrendsPane, id="trends")
            yield LazyPane("Instruments", InstrumentsPane, id="instruments")
            yield LazyPane("My plan", self._plan_form, id="plan")
        yield Footer(compact=True)

    @property
    def wellbeing(self) -> Wellbeing:
        """The one door to the wellbeing records (kit.wellbeing.service)."""
        from kit.wellbeing.service import Wellbeing

        return Wellbeing(self.workspace)

    def _plan_form(self) -> PlanForm:
        return WellbeingPlanForm(
            wp.PLAN_FIELDS, prefix="plan", draft_area=DRAFT_AREA,
            intro="A plan in your own words for staying well at work. Only you see it.",
            repository=lambda: self.wellbeing.plan_store,
            save_label=f"Save my plan ({key_hint(self, 'wellbeing-save')})", id="plan-form")

    def on_mount(self) -> None:
        super().on_mount()
        if self.workspace.drafts.list(DRAFT_AREA):
            self._tabs.build("plan")  # a draft kept at the last lock comes back at once

    @property
    def _tabs(self) -> LazyTabs:
        return self.query_one("#wellbeing-tabs", LazyTabs)

    @property
    def checkin(self) -> CheckInPane:
        return self.query_one(CheckInPane)

    def reload(self) -> None:
        self.checkin.reload()
        kinds: tuple[type[AreaPane], ...] = (TrendsPane, InstrumentsPane)
        for kind in kinds:
            pane = shown_pane(self, kind)
            if pane is not None:
                pane.reload()
        form = shown_pane(self, PlanForm)
        if form is not None:
            form.load()
        self._draw_if_shown()

    # --- what the tabs say to each other ---

    @on(CheckInPane.Saved)
    def _checked_in(self) -> None:
        trends = shown_pane(self, TrendsPane)
        if trends is not None:
            trends.stale = True

    @on(InstrumentsPane.Imported)
    def _imported(self) -> None:
        self.reload()

    @on(TabbedContent.TabActivated, "#wellbeing-tabs")
    def _tab_shown(self) -> None:
        self._draw_if_shown()

    def _draw_if_shown(self) -> None:
        trends = shown_pane(self, TrendsPane)
        if trends is not None and self._tabs.active == "trends":
            trends.draw()

    # --- keys ---

    def action_save(self) -> None:
        active = self._tabs.active
        if active == "plan":
            form = shown_pane(self, PlanForm)
            if form is not None:
                form.save()
        elif active == "checkin":
            self.checkin.save()

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        form = shown_pane(self, PlanForm) if self.is_mounted else None
        state = form.unsaved() if form is not None else None
        return None if state is None else (DRAFT_AREA, state)

    @property
    def instrument(self) -> Any:
        """The questionnaire chosen on the check-in tab."""
        return self.checkin.instrument

    # --- from Home and the palette ---

    def quick_action(self, action: str) -> None:
        pane = "plan" if action == "plan" else "checkin"
        self._tabs.active = pane
        # The focus goes into the tab shown: left in another tab, it would bring that one back.
        if pane == "plan":
            self._tabs.when_built("plan", lambda form: form.first_field().focus())
        else:
            self.query_one("#instrument").focus()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("Check in", "Answer a short wellbeing check-in",
                 lambda: self.quick_action("check-in")),
                ("My wellbeing plan", "What keeps you well, and who to contact",
                 lambda: self.quick_action("plan"))]
