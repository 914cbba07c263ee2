"""Where to find support: shown on the home screen and wherever a score suggests it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class SupportPanel(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("Support", classes="heading")
        yield Static(support_text(), markup=False)


def support_text() -> Text:
    try:
        from kit.wellbeing.helplines import EMERGENCY, load_helplines
    except ImportError:
        return Text("TEMP")

    text = Text()
    text.append(EMERGENCY + "\n\n", style="bold")
    for line in load_helplines():
        text.append(f"{line.name}\n", style="bold")
        text.append(f"{line.how}: {line.number}  ({line.hours})\n")
        text.append(f"{line.who}\n")
        text.append(f"checked {line.last_verified:%d %b %Y}\n\n", style="dim")
    return text
