"""The app's areas: the screen each one opens and the key that opens it. They live here, below
the app, so the command palette and the preloader read them without importing the app."""

from __future__ import annotations

# Each area's screen is imported when first opened, not at start-up: the lock screen appears
# sooner, and an area the user never visits costs nothing.
AREAS = {
    "home": ("kit.tui.screens.home", "HomeScreen"),
    "journal": ("kit.tui.screens.journal", "JournalScreen"),
    "exposure": ("kit.tui.screens.exposure", "ExposureScreen"),
    "wellbeing": ("kit.tui.screens.wellbeing", "WellbeingScreen"),
    "prepare": ("kit.tui.screens.prepare", "PrepareScreen"),
    "incidents": ("kit.tui.screens.incidents", "IncidentsScreen"),
    "footprint": ("kit.tui.screens.footprint", "FootprintScreen"),
    "supervision": ("kit.tui.screens.supervision", "SupervisionScreen"),
}

AREA_KEYS = (("f2", "home", "Home"), ("f3", "journal", "Journal"),
             ("f4", "exposure", "Exposure"), ("f5", "wellbeing", "Wellbeing"),
             ("f6", "prepare", "Prepare"), ("f7", "incidents", "Incidents"),
             ("f8", "footprint", "Footprint"), ("f10", "supervision", "Supervision"))
