"""What will leave this machine: a check's plan, grouped by host with the exact values, shown
before anything is sent. Nothing is sent unless the user presses "Send"; the safe answer
(Cancel) has the focus.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Static

from kit.footprint.plan import Plan
from kit.tui.widgets.dialog import Dialog

# A scan of many sites plans many requests; the dialog lists this many per host, then a count.
SHOWN_PER_HOST = 6


def plan_text(plan: Plan) -> Text:
    """The plan's own disclosure (the same text the command line shows), its first line bold."""
    text = Text(plan.describe(shown_per_host=SHOWN_PER_HOST))
    text.stylize("bold", 0, len(plan.disclosure))
    return text


class ConsentDialog(Dialog[bool]):
    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "answer(False)", "Cancel", id="consent-cancel"),
    ]

    # Focused when shown (Cancel is the safe default). Not from on_mount: a dialog answered at
    # once is gone before its mount event runs, and the query there then fails.
    AUTO_FOCUS = "#consent-no"
    BODY_ID = "consent-plan"

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan

    def head(self) -> Iterable[Widget]:
        yield Static("What will leave this computer", classes="title")

    def body(self) -> Iterable[Widget]:
        # The plan scrolls (the buttons stay under it): Tab from the buttons reaches it, and
        # the arrow keys read the whole plan.
        yield Static(plan_text(self.plan), markup=False)

    def foot(self) -> Iterable[Widget]:
        # What the ledger keeps is said at the end of the plan itself (Plan.describe).
        yield Static("Nothing is sent unless you press Send.", classes="hint", markup=False)

    def buttons(self) -> Iterable[Widget]:
        yield Button("Cancel", id="consent-no", variant="primary")
        yield Button("Send", id="consent-yes", variant="warning")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "consent-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
