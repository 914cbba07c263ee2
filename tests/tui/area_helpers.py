"""Helpers for the tests of the tabbed areas (Prepare, Wellbeing, Footprint)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import TabbedContent, TabPane, Tabs

from tests.tui.conftest import wait_for


def tab_ready(pane: TabPane) -> bool:
    """All of the tab is there: a tab shown for the first time is built then (kit.tui.panes),
    and its widgets are mounted a moment after it is shown."""
    content = getattr(pane, "content", pane)
    return content is not None and content.is_mounted


async def show_tab(pilot: Pilot[Any], tabs_id: str, pane_id: str) -> Any:
    """Show the tab *pane_id* as a click on it would (the focus on the tab bar), wait until
    all of it is there, and return it.

    A screen just opened focuses a field in its first tab, and the tabs follow the focus: on a
    busy machine that can arrive after the tab was chosen here and bring the first tab back.
    So the choice is made again until it holds."""
    screen = pilot.app.screen
    tabs = screen.query_one(f"#{tabs_id}", TabbedContent)
    bar = tabs.query_one(Tabs)
    pane = tabs.get_pane(pane_id)

    def shown() -> bool:
        if tabs.active != pane_id or screen.focused is not bar:
            screen.set_focus(bar)
            tabs.active = pane_id
            return False
        return tab_ready(pane)

    for _ in range(2):  # and still so a moment later
        await wait_for(pilot, shown, f"the {pane_id} tab shown and built")
        await pilot.pause()
    return pane
