"""Helpers for the tests of the tabbed areas (Prepare, Wellbeing, Footprint)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import TabbedContent, TabPane

from tests.tui.conftest import wait_for


def tab_ready(pane: TabPane) -> bool:
    """All of the tab is there: a tab shown for the first time is built then (kit.tui.panes),
    and its widgets are mounted a moment after it is shown."""
    content = getattr(pane, "content", pane)
    return content is not None and content.is_mounted


async def show_tab(pilot: Pilot[Any], tabs_id: str, pane_id: str) -> Any:
    """Show the tab *pane_id* as a click on it would, wait until all of it is there, and
    return it."""
    tabs = pilot.app.screen.query_one(f"#{tabs_id}", TabbedContent)
    tabs.active = pane_id
    pane = tabs.get_pane(pane_id)
    await wait_for(pilot, lambda: tab_ready(pane), f"the {pane_id} tab built")
    await pilot.pause()
    return pane
