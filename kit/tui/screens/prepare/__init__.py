"""Prepare: the doxing and swatting checklists as one "do this first" list, and the safety plan.

A small screen (screen.py) composes one pane per tab: the steps (steps.py) and the safety plan
with its export (safety.py). The safety plan's tab is built when it is first shown.
"""

from kit.tui.screens.prepare.screen import PrepareScreen
from kit.tui.screens.prepare.steps import item_details, mark

__all__ = ["PrepareScreen", "item_details", "mark"]
