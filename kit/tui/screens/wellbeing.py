"""Wellbeing: check in, see trends, keep a personal plan.

Scores are shown with their band and words, never colour alone; a concerning band or a sharp
change for the worse brings a gentle prompt with helplines, shown only here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual_plotext import PlotextPlot

from kit.errors import KitError
from kit.plurals import counted
from kit.records import wellbeing_plan as wp
from kit.tui.app import AreaScreen
from kit.tui.key_hint import key_hint
from kit.tui.refusal import refuse
from kit.tui.widgets.plan_form import PlanForm
from kit.tui.widgets.scale import ScaleInput
from kit.wellbeing.instruments import Instrument, show_number
from kit.wellbeing.signposting import support_prompt
from kit.wellbeing.trends import series, weekly_exposure

# A chart needs this much before it shows anything but noise: with fewer points, or all of them
# within a few days, a line has no direction and one bar fills the width (and plotext stretches
# a lone date into an axis across a century). Three points a week or more apart are the least
# that can show a direction; the check-ins themselves ask about the past week or two.
CHART_MIN_POINTS = 3
CHART_MIN_SPAN = timedelta(days=7)


def enough_for_a_chart(times: Sequence[datetime]) -> bool:
    return len(times) >= CHART_MIN_POINTS and max(times) - min(times) >= CHART_MIN_SPAN


def not_enough_yet(n: int, noun: str) -> str:
    return (f"Not enough yet for a chart: so far {counted(n, noun)}. The chart appears once "
            f"there are at least {CHART_MIN_POINTS} {noun}s, a week or more apart from the "
            "first to the last.\n")


class WellbeingScreen(AreaScreen):
    DEFAULT_CSS = """
    WellbeingScreen #checkin-form, WellbeingScreen #instruments-pane,
    WellbeingScreen #trends-pane {
        padding: 0 2;
    }
    WellbeingScreen #instrument {
        width: 60;
    }
    WellbeingScreen #items {
        height: auto;
    }
    WellbeingScreen .item-text {
        margin-top: 1;
        text-style: bold;
    }
    WellbeingScreen #checkin-note {
        height: 4;
    }
    WellbeingScreen #score-plot, WellbeingScreen #exposure-plot {
        height: 16;
    }
    WellbeingScreen #due {
        color: $text-muted;
        width: 100%;
    }
    WellbeingScreen #import-status,
    WellbeingScreen #checkin-result {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+s", "save", "Save", id="wellbeing-save", priority=True),
    ]

    # Names come from instrument files an organisation hands out: Text, so never markup.
    def _instrument_options(self) -> list[tuple[Text, str]]:
        return [(Text(i.name), i.id) for i in self.workspace.instruments.list()]

    def _subscale_options(self) -> list[tuple[Text, str]]:
        return [(Text(f"{i.short_name}: {s.name}"), f"{i.id}/{s.id}")
                for i in self.workspace.instruments.list() for s in i.subscales]

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="wellbeing-tabs", initial="checkin"):
            with TabPane("Check in", id="checkin"), VerticalScroll(id="checkin-form"):
                yield Label("", id="due", markup=False)
                yield Select(self._instrument_options(), id="instrument", allow_blank=False)
                yield Static("", id="instrument-about", markup=False)
                yield Vertical(id="items")
                yield Label("A note for yourself (optional)")
                yield TextArea("", id="checkin-note", tab_behavior="focus")
                yield Button(f"Save check-in ({key_hint(self, 'wellbeing-save')})",
                             id="save-checkin", variant="primary")
                yield Static("", id="checkin-result", markup=False)
            with TabPane("Trends", id="trends"), VerticalScroll(id="trends-pane"):
                yield Select(self._subscale_options(), id="trend-subscale",
                             allow_blank=False)
                yield PlotextPlot(id="score-plot")
                yield Static("", id="trend-notes", markup=False)
                yield Static("Exposure by week", classes="heading")
                yield PlotextPlot(id="exposure-plot")
                yield Static("", id="exposure-notes", markup=False)
            with TabPane("Instruments", id="instruments"), \
                    VerticalScroll(id="instruments-pane"):
                yield Static("", id="instrument-list", markup=False)
                yield Static("Import a questionnaire your organisation holds a licence "
                             "for (a TOML file, see docs/instrument-format.md). Its text "
                             "is kept inside the vault.", classes="hint", markup=False)
                yield Input(placeholder="path to the .toml file", id="import-path")
                with Horizontal(classes="buttons"):
                    yield Button("Import", id="import", variant="primary")
                    yield Button("Replace the existing version", id="import-replace")
                yield Static("", id="import-status", markup=False)
            with TabPane("My plan", id="plan"):
                yield PlanForm(wp.PLAN_FIELDS, prefix="plan", draft_area="plan",
                               intro="A plan in your own words for staying well at work. Only "
                                     "you see it.",
                               repository=lambda: self.workspace.plan,
                               save_label=f"Save my plan ({key_hint(self, 'wellbeing-save')})",
                               id="plan-form")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Wellbeing"
        self.reload()

    # --- loading ---

    def reload(self) -> None:
        for select_id, options in (("#instrument", self._instrument_options()),
                                   ("#trend-subscale", self._subscale_options())):
            picker = self.query_one(select_id, Select)
            current = picker.value
            picker.set_options(options)
            values = [value for _label, value in options]
            picker.value = current if current in values else values[0]
        self._show_due()
        self._list_instruments()
        self.query_one(PlanForm).load()
        self._charts_stale = True
        self._draw_charts_if_shown()

    def _today(self) -> Any:
        return self.kit_app.services.clock().astimezone().date()

    def _show_due(self) -> None:
        today = self._today()
        lines = []
        for due in self.workspace.checkins.due(today):
            if due.next_due is None:
                continue
            if due.last_done is None:
                lines.append(f"{due.instrument.name}: not done yet")
            elif due.is_due(today):
                lines.append(f"{due.instrument.name}: due (last {due.last_done:%d %b})")
            else:
                lines.append(f"{due.instrument.name}: next on {due.next_due:%d %b}")
        self.query_one("#due", Label).update("  ·  ".join(lines))

    @property
    def instrument(self) -> Instrument:
        value = self.query_one("#instrument", Select).value
        return self.workspace.instruments.get(str(value))

    @on(Select.Changed, "#instrument")
    def _instrument_changed(self) -> None:
        self._build_items()

    def _build_items(self) -> None:
        instrument = self.instrument
        about = Text()
        about.append(f"{instrument.description}\n", style="bold")
        about.append(f"Time frame: {instrument.recall_period}.\n")
        about.append("For each question, press ← → or type the number; Tab moves on.\n")
        labels = [f"{v} = {scale_label}" for v in instrument.scale.values
                  if (scale_label := instrument.scale.label(v))]
        if labels:
            about.append("Answers: " + ";  ".join(labels) + "\n")
        about.append(f"{instrument.credit.rstrip('.')}. {instrument.licence}", style="dim")
        self.query_one("#instrument-about", Static).update(about)
        box = self.query_one("#items", Vertical)
        box.remove_children()
        scale = instrument.scale
        widgets: list[Label | ScaleInput] = []
        for n, item in enumerate(instrument.items, 1):
            widgets.append(Label(f"{n}. {item.text}", classes="item-text", markup=False))
            widgets.append(ScaleInput(scale.min, scale.max, id=f"item-{item.id}"))
        box.mount_all(widgets)

    # --- check-in ---

    def _answers(self) -> dict[str, int]:
        answers = {}
        for item in self.instrument.items:
            value = self.query_one(f"#item-{item.id}", ScaleInput).value
            if value is not None:
                answers[item.id] = value
        return answers

    @on(Button.Pressed, "#save-checkin")
    def save_checkin(self) -> None:
        instrument = self.instrument
        answers = self._answers()
        missing = [n for n, item in enumerate(instrument.items, 1) if item.id not in answers]
        result_box = self.query_one("#checkin-result", Static)
        if missing:
            item = instrument.items[missing[0] - 1]
            refuse(self.query_one(f"#item-{item.id}"), f"Please answer question {missing[0]} "
                   f"({len(missing)} still to answer). Nothing was saved.", result_box)
            return
        note = self.query_one("#checkin-note", TextArea).text
        checkins = self.workspace.checkins
        try:
            saved = checkins.add(instrument, answers, note=note or None)
        except KitError as exc:
            refuse(self.query_one("#checkin-note"), f"Not saved: {exc.message}", result_box)
            return
        previous = [c.result for c in checkins.before(saved)]
        text = Text("Saved. ", style="bold")
        for s in saved.scores:
            text.append(f"\n{s.name}: {show_number(s.score)} — "
                        f"{instrument.band_label(s.subscale, s.band)}")
        result_box.update(text)
        self.query_one("#checkin-note", TextArea).text = ""
        for scale in self.query(ScaleInput):
            scale.value = None
        self._show_due()
        self._charts_stale = True
        prompt = support_prompt(instrument, saved.result, previous)
        if prompt is not None:
            from kit.tui.screens.support import SupportScreen

            region = self.kit_app.services.config.region
            self.app.push_screen(SupportScreen(prompt.message, region))

    # --- trends ---

    # Charts are drawn when the Trends tab is shown, not when the area opens: plotting is
    # the slowest part of this screen, and most visits are to check in.
    _charts_stale = True

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self._draw_charts_if_shown()

    def _draw_charts_if_shown(self) -> None:
        tabs = self.query_one("#wellbeing-tabs", TabbedContent)
        if self._charts_stale and tabs.active == "trends":
            self._charts_stale = False
            self._draw_trends()
            self._draw_exposure()

    @on(Select.Changed, "#trend-subscale")
    def _trend_changed(self) -> None:
        self._draw_trends()

    def _draw_trends(self) -> None:
        value = self.query_one("#trend-subscale", Select).value
        if value is Select.NULL:
            return
        instrument_id, subscale_id = str(value).split("/", 1)
        instrument = self.workspace.instruments.get(instrument_id)
        subscale = instrument.subscale(subscale_id)
        points = series(instrument, subscale_id, self.workspace.checkins.entries())
        widget = self.query_one("#score-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        plt.date_form("d/m/Y")
        low, high, _step = subscale.possible(instrument.scale)
        plt.ylim(float(low), float(high))
        plt.title(f"{instrument.short_name}: {subscale.name}")
        edges = sorted({float(low), float(high), *(float(b.high) for b in subscale.bands[:-1])})
        plt.yticks(edges, [show_number(e) for e in edges])
        for band in subscale.bands[:-1]:
            plt.hline(float(band.high))
        notes = Text()
        charted = enough_for_a_chart([p.when for p in points])
        widget.display = charted
        if points:
            dates = [p.when.astimezone().strftime("%d/%m/%Y") for p in points]
            marked = [(d, p) for d, p in zip(dates, points, strict=True) if p.mark]
            if charted:
                plt.plot(dates, [p.score for p in points], marker="dot")
                if marked:
                    plt.scatter([d for d, _ in marked], [p.score for _, p in marked],
                                marker="x")
            else:
                notes.append(not_enough_yet(len(points), "check-in"))
            latest = points[-1]
            notes.append(f"Latest: {show_number(latest.score)} — "
                         f"{instrument.band_label(subscale_id, latest.band)} "
                         f"({latest.when.astimezone():%d %b %Y}). ", style="bold")
            bands = ", ".join(f"{b.shown} {show_number(float(b.low))}–"
                              f"{show_number(float(b.high))}" for b in subscale.bands)
            notes.append(f"Bands: {bands}."
                         + (" Lines on the chart mark the band edges.\n" if charted else "\n"))
            for when, point in marked:
                why = ("moved into a band that suggests things are hard"
                       if point.mark == "into_concern" else "a noticeable change for the worse")
                notes.append(f"{'x ' if charted else ''}{when}: {show_number(point.score)}, "
                             f"{why}.\n")
            if marked:
                notes.append("Marks are prompts to look after yourself, not a diagnosis."
                             if charted else "These are prompts to look after yourself, not "
                             "a diagnosis.", style="italic")
        else:
            notes.append("No check-ins yet. Your scores will appear here over time.")
        widget.refresh()
        self.query_one("#trend-notes", Static).update(notes)

    def _draw_exposure(self) -> None:
        entries = self.workspace.exposure.entries()
        weeks = weekly_exposure(entries)[-12:]
        widget = self.query_one("#exposure-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        notes = Text()
        sessions = [e.when for e in entries
                    if weeks and e.when.astimezone().date() >= weeks[0].start]
        charted = enough_for_a_chart(sessions)
        widget.display = charted
        if charted:
            labels = [w.start.strftime("%d %b") for w in weeks]
            plt.bar(labels, [w.sessions for w in weeks])
            most = max(w.sessions for w in weeks)
            step = max(1, (most + 4) // 5)
            plt.yticks(list(range(0, most + 1, step)))  # whole sessions only
            plt.title("Sessions logged per week (last 12 weeks)")
        elif weeks:
            notes.append(not_enough_yet(len(sessions), "session"))
        for w in weeks:
            impact = "-" if w.mean_impact is None else show_number(w.mean_impact)
            notes.append(f"Week of {w.start:%d %b}: {counted(w.sessions, 'session')}, "
                         f"{w.minutes} min, mean impact {impact}, violent {w.violent}\n")
        if not weeks:
            notes.append("Nothing in the exposure log yet.")
        widget.refresh()
        self.query_one("#exposure-notes", Static).update(notes)

    # --- instruments ---

    def _list_instruments(self) -> None:
        text = Text()
        for instrument in self.workspace.instruments.list():
            text.append(f"{instrument.name}", style="bold")
            text.append(f"  ({len(instrument.items)} questions, "
                        f"{'built in' if instrument.builtin else 'imported'})\n")
            text.append(f"{instrument.credit.rstrip('.')}. {instrument.licence}\n\n",
                        style="dim")
        self.query_one("#instrument-list", Static).update(text)

    @on(Button.Pressed, "#import")
    @on(Input.Submitted, "#import-path")
    def import_instrument(self) -> None:
        self._import(replace=False)

    @on(Button.Pressed, "#import-replace")
    def import_replace(self) -> None:
        self._import(replace=True)

    def _import(self, *, replace: bool) -> None:
        status = self.query_one("#import-status", Static)
        raw = self.query_one("#import-path", Input).value.strip()
        field = self.query_one("#import-path", Input)
        if not raw:
            refuse(field, "Type the path of the file to import.", status)
            return
        try:
            imported = self.workspace.instruments.add(Path(raw).expanduser(), replace=replace)
        except KitError as exc:
            refuse(field, f"Not imported: {exc.message}", status)
            return
        verb = {"added": "Imported", "replaced": "Replaced", "unchanged": "Already imported:"}
        status.update(f"{verb[imported.outcome]} {imported.instrument.name}.")
        self.reload()

    def action_save(self) -> None:
        tabs = self.query_one("#wellbeing-tabs", TabbedContent)
        if tabs.active == "plan":
            self.query_one(PlanForm).save()
        elif tabs.active == "checkin":
            self.save_checkin()

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        state = self.query_one(PlanForm).unsaved() if self.is_mounted else None
        return None if state is None else ("plan", state)

    def quick_action(self, action: str) -> None:
        pane = "plan" if action == "plan" else "checkin"
        self.query_one("#wellbeing-tabs", TabbedContent).active = pane
        # The focus goes into the tab shown: left in another tab, it would bring that one back.
        if pane == "plan":
            self.query_one(PlanForm).first_field().focus()
        else:
            self.query_one("#instrument").focus()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("Check in", "Answer a short wellbeing check-in",
                 lambda: self.quick_action("check-in")),
                ("My wellbeing plan", "What keeps you well, and who to contact",
                 lambda: self.quick_action("plan"))]

