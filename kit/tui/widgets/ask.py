"""A small form as a modal: a few labelled text fields, returned as a dict (None if cancelled)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, NamedTuple

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Static

from kit.tui.widgets.dialog import Dialog, problem_label


class Ask(NamedTuple):
    key: str
    label: str
    value: str = ""
    placeholder: str = ""
    password: bool = False
    tick: bool = False  # a yes/no checkbox; its answer is "yes" or ""


class AskDialog(Dialog[dict[str, str] | None]):
    DEFAULT_CSS = """
    AskDialog Input {
        margin-bottom: 1;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "cancel", "Cancel", id="ask-cancel"),
    ]

    def __init__(self, question: str, fields: Sequence[Ask], ok: str = "OK",
                 required: Sequence[str] = ()) -> None:
        super().__init__()
        self.question, self.fields, self.ok, self.required = question, fields, ok, required

    def body(self) -> Iterable[Widget]:
        yield Static(self.question, markup=False)
        for f in self.fields:
            if f.tick:
                yield Checkbox(f.label, bool(f.value), id=f"ask-{f.key}")
                continue
            yield Label(f.label)
            yield Input(f.value, placeholder=f.placeholder, password=f.password,
                        id=f"ask-{f.key}")

    def foot(self) -> Iterable[Widget]:
        yield problem_label("ask-problem")

    def buttons(self) -> Iterable[Widget]:
        yield Button(self.ok, id="ask-ok", variant="primary")
        yield Button("Cancel", id="ask-no")

    def answers(self) -> dict[str, str]:
        result = {}
        for f in self.fields:
            widget = self.query_one(f"#ask-{f.key}")
            if isinstance(widget, Checkbox):
                result[f.key] = "yes" if widget.value else ""
            else:
                assert isinstance(widget, Input)
                result[f.key] = widget.value
        return result

    @on(Button.Pressed, "#ask-ok")
    def submit(self) -> None:
        answers = self.answers()
        missing = [f for f in self.fields if f.key in self.required
                   and not answers[f.key].strip()]
        if missing:
            self.refuse(f"Please fill in: {missing[0].label}", f"#ask-{missing[0].key}")
            return
        self.dismiss(answers)

    @on(Button.Pressed, "#ask-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
