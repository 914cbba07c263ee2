"""Footprint's screen: the three tabs, the Stop key, and the palette's ways in. What each tab
shows and does is in its own module (checks, findings, ledger); the findings and the ledger
are built when first shown."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, TabPane

from kit.tui.app import AreaScreen
from kit.tui.panes import AreaPane, LazyPane, LazyTabs, shown_pane
from kit.tui.screens.footprint.checks import ChecksPane
from kit.tui.screens.footprint.findings import FindingsPane
from kit.tui.screens.footprint.ledger import LedgerPane


class FootprintScreen(AreaScreen):
    # A class attribute, not set on mount: setting it then lays the header out again.
    SUB_TITLE = "Your digital footprint"

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+x", "cancel", "Stop", id="footprint-cancel",
                tooltip="Stop the check that is running (what was sent is in the ledger)"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with LazyTabs(id="footprint-tabs", initial="checks-tab"):
            with TabPane("Checks", id="checks-tab"):
                yield ChecksPane()
            yield LazyPane("Findings", FindingsPane, id="findings-tab")
            yield LazyPane("Ledger", LedgerPane, id="ledger-tab")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()

    @property
    def checks(self) -> ChecksPane:
        return self.query_one(ChecksPane)

    def reload(self) -> None:
        kinds: tuple[type[AreaPane], ...] = (FindingsPane, LedgerPane)
        for kind in kinds:
            pane = shown_pane(self, kind)
            if pane is not None:
                pane.reload()

    @on(ChecksPane.Recorded)
    def _recorded(self) -> None:
        self.reload()

    def action_cancel(self) -> None:
        self.checks.cancel()

    def action_forget_key(self) -> None:
        self.checks.forget_key()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        tabs = self.query_one("#footprint-tabs", LazyTabs)
        return [("Findings", "What the checks found, and what to do",
                 lambda: setattr(tabs, "active", "findings-tab")),
                ("Network ledger", "Every request the kit has sent",
                 lambda: setattr(tabs, "active", "ledger-tab")),
                ("Forget my HIBP key", "Remove the Have I Been Pwned API key kept in this "
                 "computer's keyring", self.action_forget_key)]
