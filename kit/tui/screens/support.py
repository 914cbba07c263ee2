"""A gentle prompt towards support: a message, the helplines and a grounding exercise.

Shown only to the user, on their own screen; nothing is sent or told to anyone.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kit.tui.widgets.support import support_text
from kit.wellbeing.grounding import CAUTION, EXERCISES


def grounding_text() -> Text:
    text = Text()
    for exercise in EXERCISES:
        text.append(exercise.title + "\n", style="bold")
        text.append(exercise.intro + "\n")
        for n, step in enumerate(exercise.steps, 1):
            text.append(f"  {n}. {step}\n")
        text.append("\n")
    text.append(CAUTION, style="italic")
    return text


class SupportScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SupportScreen {
        align: center middle;
    }
    SupportScreen .support-message {
        text-style: bold;
        margin-bottom: 1;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "close", "Close", id="support-close")]

    # Focused when shown (the way out). Not from on_mount: a dialog answered at
    # once is gone before its mount event runs, and the query there then fails.
    AUTO_FOCUS = "#close"

    def __init__(self, message: str, region: str = "uk") -> None:
        super().__init__()
        self.message = message
        self.support_region = region

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="support-dialog"):
            yield Static(self.message, markup=False, classes="support-message")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="close", variant="primary")
                yield Button("A grounding exercise", id="grounding")
            yield Static("", id="grounding-text", markup=False)
            yield Static(support_text(self.support_region), markup=False)

    @on(Button.Pressed, "#grounding")
    def show_grounding(self) -> None:
        self.query_one("#grounding-text", Static).update(grounding_text())

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
