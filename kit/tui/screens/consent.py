"""What will leave this machine: a check's plan, grouped by host with the exact values, shown
before anything is sent. Nothing is sent unless the user presses "Send"; the safe answer
(Cancel) has the focus.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kit.footprint.plan import Plan

# A scan of many sites plans many requests; the dialog lists this many per host, then a count.
SHOWN_PER_HOST = 6


def plan_text(plan: Plan) -> Text:
    """The plan's own disclosure (the same text the command line shows), its first line bold."""
    text = Text(plan.describe(shown_per_host=SHOWN_PER_HOST))
    text.stylize("bold", 0, len(plan.disclosure))
    return text


class ConsentDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConsentDialog {
        align: center middle;
    }
    ConsentDialog #consent-plan {
        height: auto;
        max-height: 24;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "answer(False)", "Cancel", id="consent-cancel"),
    ]

    # Focused when shown (Cancel is the safe default). Not from on_mount: a dialog answered at
    # once is gone before its mount event runs, and the query there then fails.
    AUTO_FOCUS = "#consent-no"

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("What will leave this computer", classes="title")
            with VerticalScroll(id="consent-plan"):
                yield Static(plan_text(self.plan), markup=False)
            # What the ledger keeps is said at the end of the plan itself (Plan.describe).
            yield Static("Nothing is sent unless you press Send.", classes="hint",
                         markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="consent-no", variant="primary")
                yield Button("Send", id="consent-yes", variant="warning")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "consent-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
