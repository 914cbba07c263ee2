"""Wellbeing's "Trends" tab: a chosen score over time and exposure by week, as charts once there
is enough to draw, and always in words (scores with their band, never colour alone)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Select, Static
from textual_plotext import PlotextPlot

from kit.plurals import counted
from kit.tui.panes import AreaPane
from kit.tui.screens.wellbeing.checkin import keep_choice
from kit.wellbeing.instruments import Instrument, show_number

if TYPE_CHECKING:
    from kit.wellbeing.service import Wellbeing

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


def subscale_options(instruments: list[Instrument]) -> list[tuple[Text, str]]:
    return [(Text(f"{i.short_name}: {s.name}"), f"{i.id}/{s.id}")
            for i in instruments for s in i.subscales]


class TrendsPane(VerticalScroll, AreaPane):
    """Built when the tab is first shown (plotting is the slowest part of the area, and most
    visits are to check in); drawn again when shown after a change."""

    DEFAULT_CSS = """
    TrendsPane {
        padding: 0 2;
    }
    TrendsPane #score-plot, TrendsPane #exposure-plot {
        height: 16;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="trends-pane")
        self.stale = True  # what is drawn is older than the vault

    @property
    def wellbeing(self) -> Wellbeing:
        """The one door to the wellbeing records (kit.wellbeing.service)."""
        from kit.wellbeing.service import Wellbeing

        return Wellbeing(self.workspace)

    def compose(self) -> ComposeResult:
        yield Select(subscale_options(self.wellbeing.instruments()), id="trend-subscale",
                     allow_blank=False)
        yield PlotextPlot(id="score-plot")
        yield Static("", id="trend-notes", markup=False)
        yield Static("Exposure by week", classes="heading")
        yield PlotextPlot(id="exposure-plot")
        yield Static("", id="exposure-notes", markup=False)

    def on_mount(self) -> None:
        self.draw()

    def reload(self) -> None:
        keep_choice(self.query_one("#trend-subscale", Select),
                    subscale_options(self.wellbeing.instruments()))
        self.stale = True

    def draw(self) -> None:
        """Draw both charts, if they are older than the vault."""
        if self.stale:
            self.stale = False
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
        wellbeing = self.wellbeing
        instrument = wellbeing.instrument(instrument_id)
        subscale = instrument.subscale(subscale_id)
        points = wellbeing.trend(instrument_id, subscale_id)
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
        chart = self.wellbeing.exposure_by_week(12)
        weeks = chart.weeks
        widget = self.query_one("#exposure-plot", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        plt.clear_figure()
        notes = Text()
        sessions = chart.sessions
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
