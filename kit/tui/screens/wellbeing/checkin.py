"""Wellbeing's "Check in" tab: one questionnaire answered and saved, its scores said in words,
and a gentle prompt with helplines when they suggest things are hard."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Label, Select, Static, TextArea

from kit.errors import KitError
from kit.tui.key_hint import key_hint
from kit.tui.panes import AreaPane
from kit.tui.refusal import refuse
from kit.tui.widgets.scale import ScaleInput
from kit.wellbeing.instruments import Instrument, show_number

if TYPE_CHECKING:
    from kit.wellbeing.service import Wellbeing


def instrument_options(instruments: list[Instrument]) -> list[tuple[Text, str]]:
    # Names come from instrument files an organisation hands out: Text, so never markup.
    return [(Text(i.name), i.id) for i in instruments]


def keep_choice(picker: Select[str], options: list[tuple[Text, str]]) -> None:
    """Give *picker* new options, keeping its choice when it is still one of them."""
    current = picker.value
    picker.set_options(options)
    values = [value for _label, value in options]
    picker.value = current if current in values else values[0]


class CheckInPane(VerticalScroll, AreaPane):
    DEFAULT_CSS = """
    CheckInPane {
        padding: 0 2;
    }
    CheckInPane #instrument {
        width: 60;
    }
    CheckInPane #items {
        height: auto;
    }
    CheckInPane .item-text {
        margin-top: 1;
        text-style: bold;
    }
    CheckInPane #checkin-note {
        height: 4;
    }
    CheckInPane #due {
        color: $text-muted;
        width: 100%;
    }
    CheckInPane #checkin-result {
        width: 100%;
    }
    """

    class Saved(Message):
        """A check-in was saved: the trends have a new point."""

    def __init__(self) -> None:
        super().__init__(id="checkin-form")
        self._items_for: str | None = None  # the instrument whose questions are shown

    @property
    def wellbeing(self) -> Wellbeing:
        """The one door to the wellbeing records (kit.wellbeing.service)."""
        from kit.wellbeing.service import Wellbeing

        return Wellbeing(self.workspace)

    def compose(self) -> ComposeResult:
        instruments = self.wellbeing.instruments()
        yield Label(self._due(), id="due", markup=False)
        yield Select(instrument_options(instruments), id="instrument", allow_blank=False)
        # The first questionnaire's questions come with the pane, not a moment after it.
        yield Static(self._about(instruments[0]), id="instrument-about", markup=False)
        yield Vertical(*self._questions(instruments[0]), id="items")
        self._items_for = instruments[0].id
        yield Label("A note for yourself (optional)")
        yield TextArea("", id="checkin-note", tab_behavior="focus")
        yield Button(f"Save check-in ({key_hint(self, 'wellbeing-save')})",
                     id="save-checkin", variant="primary")
        yield Static("", id="checkin-result", markup=False)

    def reload(self) -> None:
        keep_choice(self.query_one("#instrument", Select),
                    instrument_options(self.wellbeing.instruments()))
        self.show_due()

    def _today(self) -> date:
        return self.services.clock().astimezone().date()

    def show_due(self) -> None:
        self.query_one("#due", Label).update(self._due())

    def _due(self) -> str:
        """When each questionnaire is next due (composed with the pane, so the first frame
        needs no second layout)."""
        today = self._today()
        lines = []
        for due in self.wellbeing.due(today):
            if due.next_due is None:
                continue
            if due.last_done is None:
                lines.append(f"{due.instrument.name}: not done yet")
            elif due.is_due(today):
                lines.append(f"{due.instrument.name}: due (last {due.last_done:%d %b})")
            else:
                lines.append(f"{due.instrument.name}: next on {due.next_due:%d %b}")
        return "  ·  ".join(lines)

    @property
    def instrument(self) -> Instrument:
        """The questionnaire chosen."""
        value = self.query_one("#instrument", Select).value
        return self.wellbeing.instrument(str(value))

    @on(Select.Changed, "#instrument")
    def _instrument_changed(self) -> None:
        instrument = self.instrument
        if instrument.id == self._items_for:
            return  # its questions are the ones shown (the box says so as it is first shown)
        self._items_for = instrument.id
        self.query_one("#instrument-about", Static).update(self._about(instrument))
        box = self.query_one("#items", Vertical)
        box.remove_children()
        box.mount_all(self._questions(instrument))

    @staticmethod
    def _about(instrument: Instrument) -> Text:
        about = Text()
        about.append(f"{instrument.description}\n", style="bold")
        about.append(f"Time frame: {instrument.recall_period}.\n")
        about.append("For each question, press ← → or type the number; Tab moves on.\n")
        labels = [f"{v} = {scale_label}" for v in instrument.scale.values
                  if (scale_label := instrument.scale.label(v))]
        if labels:
            about.append("Answers: " + ";  ".join(labels) + "\n")
        about.append(f"{instrument.credit.rstrip('.')}. {instrument.licence}", style="dim")
        return about

    @staticmethod
    def _questions(instrument: Instrument) -> list[Label | ScaleInput]:
        scale = instrument.scale
        widgets: list[Label | ScaleInput] = []
        for n, item in enumerate(instrument.items, 1):
            widgets.append(Label(f"{n}. {item.text}", classes="item-text", markup=False))
            widgets.append(ScaleInput(scale.min, scale.max, id=f"item-{item.id}"))
        return widgets

    def _answers(self) -> dict[str, int]:
        answers = {}
        for item in self.instrument.items:
            value = self.query_one(f"#item-{item.id}", ScaleInput).value
            if value is not None:
                answers[item.id] = value
        return answers

    @on(Button.Pressed, "#save-checkin")
    def save(self) -> None:
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
        try:
            checked = self.wellbeing.check_in(instrument, answers, note=note or None)
        except KitError as exc:
            refuse(self.query_one("#checkin-note"), f"Not saved: {exc.message}", result_box)
            return
        saved = checked.checkin
        text = Text("Saved. ", style="bold")
        for s in saved.scores:
            text.append(f"\n{s.name}: {show_number(s.score)} — "
                        f"{instrument.band_label(s.subscale, s.band)}")
        result_box.update(text)
        self.query_one("#checkin-note", TextArea).text = ""
        for scale in self.query(ScaleInput):
            scale.value = None
        self.show_due()
        self.post_message(self.Saved())
        prompt = checked.support
        if prompt is not None:
            from kit.tui.screens.support import SupportScreen

            self.app.push_screen(SupportScreen(prompt.message, self.services.config.region))
