"""What will leave this machine: a check's plan, grouped by host with the exact values, shown
before anything is sent. Nothing is sent unless the user presses "Send"; the safe answer
(Cancel) has the focus.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

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
    text = Text()
    text.append(plan.disclosure + "\n", style="bold")
    hosts = plan.by_host()
    text.append(f"\n{len(plan.requests)} request(s) to {len(hosts)} host(s):\n")
    for host, requests in hosts.items():
        text.append(f"\n{host}\n", style="bold")
        for request in requests[:SHOWN_PER_HOST]:
            parts = urlsplit(request.url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            text.append(f"  {request.method} {path}\n")
            for value in request.sends:
                text.append(f"    sends: {value}\n", style="dim")
        if len(requests) > SHOWN_PER_HOST:
            text.append(f"  … and {len(requests) - SHOWN_PER_HOST} more to this host\n",
                        style="dim")
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
            yield Static("Every request is recorded in your encrypted ledger (host, path, "
                         "status and size; never the values). Nothing is sent unless you press "
                         "Send.", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="consent-no", variant="primary")
                yield Button("Send", id="consent-yes", variant="warning")

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "consent-yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
