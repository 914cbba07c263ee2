"""Footprint: see what a doxer could find first, without the kit becoming the leak.

A small screen (screen.py) composes one pane per tab: the checks (checks.py), the findings
(findings.py) and the ledger of requests sent (ledger.py). The checks pane says when it kept
something with a typed message (ChecksPane.Recorded); the screen then shows the other tabs again.
"""

from kit.tui.screens.footprint.screen import FootprintScreen

__all__ = ["FootprintScreen"]
