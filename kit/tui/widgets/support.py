"""Where to find support: shown on the home screen and wherever a score suggests it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kit.wellbeing.helplines import EMERGENCY, helplines_for


class SupportPanel(VerticalScroll):
    def __init__(self, region: str = "uk", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.support_region = region

    def compose(self) -> ComposeResult:
        yield Static("Support", classes="heading")
        yield Static(support_text(self.support_region), markup=False, id="support-lines")

    def show(self, region: str) -> None:
        """Show the lines for *region*, if it is not the one shown (the user changed it)."""
        if region != self.support_region:
            self.support_region = region
            self.query_one("#support-lines", Static).update(support_text(region))


def support_text(region: str = "uk") -> Text:
    """The helplines for *region* (config.region; "uk" is every line, a nation's labelled),
    each with how to reach it and whether (and when) its details were checked against its
    source."""
    text = Text()
    text.append(EMERGENCY + "\n\n", style="bold")
    for line in helplines_for(region):
        text.append(f"{line.name_for(region)}\n", style="bold")
        text.append(f"{line.action} · {line.hours}\n")
        text.append(f"{line.who_for}\n")
        checked = line.checked
        if line.recheck:
            checked += " (please re-check)"
        text.append(checked + "\n\n", style="dim")
    return text
