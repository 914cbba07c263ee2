"""A yes/no question as a modal that returns its answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Static

from kit.tui.widgets.dialog import Dialog


class ConfirmDialog(Dialog[bool]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "answer(False)", "Cancel", id="cancel"),
    ]

    # Focused when shown (the safe answer is the default). Not from on_mount: a dialog answered at
    # once is gone before its mount event runs, and the query there then fails.
    AUTO_FOCUS = "#no"

    def __init__(self, question: str, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def body(self) -> Iterable[Widget]:
        yield Static(self.question, markup=False)

    def buttons(self) -> Iterable[Widget]:
        yield Button(self.no, id="no", variant="primary")
        yield Button(self.yes, id="yes", variant="error")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
