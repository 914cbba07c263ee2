"""Where to find support: shown on the home screen and wherever a score suggests it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kit.wellbeing.helplines import EMERGENCY, helplines


class SupportPanel(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("Support", classes="heading")
        yield Static(support_text(), markup=False)


def support_text() -> Text:
    """Every helpline with how to reach it and whether (and when) its details were checked
    against its source."""
    text = Text()
    text.append(EMERGENCY + "\n\n", style="bold")
    for line in helplines():
        text.append(f"{line.name}\n", style="bold")
        text.append(f"{line.action} · {line.hours}\n")
        text.append(f"{line.who_for}\n")
        checked = line.checked
        if line.recheck:
            checked += " (please re-check)"
        text.append(checked + "\n\n", style="dim")
    return text
