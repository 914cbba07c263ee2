"""Wellbeing: check in, see trends, keep a personal plan.

Scores are shown with their band and words, never colour alone; a concerning band or a sharp
change for the worse brings a gentle prompt with helplines, shown only here.

A small screen (screen.py) composes one pane per tab: the check-in (checkin.py), the trends
(trends.py), the questionnaires (instruments.py) and the plan form. The panes tell the screen
what happened with typed messages (CheckInPane.Saved, InstrumentsPane.Imported).
"""

from kit.tui.screens.wellbeing.screen import WellbeingScreen
from kit.tui.screens.wellbeing.trends import enough_for_a_chart, not_enough_yet

__all__ = ["WellbeingScreen", "enough_for_a_chart", "not_enough_yet"]
