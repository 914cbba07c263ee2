"""Footprint's "Ledger" tab: every request the kit has sent, newest first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from kit.footprint.plan import LEDGER_KEEPS
from kit.tui.panes import AreaPane

if TYPE_CHECKING:
    from kit.footprint.service import Footprint

SHOWN = 500  # the newest requests; the CLI lists them all


class LedgerPane(VerticalScroll, AreaPane):
    DEFAULT_CSS = """
    LedgerPane {
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="ledger-pane")

    def compose(self) -> ComposeResult:
        yield Static("Every request the kit has sent, newest first. " + LEDGER_KEEPS
                     + " The full address is the last column: on a narrow window, "
                     "move along a row with the arrow keys to read it.",
                     classes="hint", markup=False)
        yield DataTable(id="ledger", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        # The address is last and may be long: when, check, status and size always fit.
        self.query_one("#ledger", DataTable).add_columns("When", "Check", "Status", "Bytes",
                                                         "Request")
        self.reload()

    @property
    def footprint(self) -> Footprint:
        """The one door to the footprint records (kit.footprint.service)."""
        from kit.footprint.service import Footprint

        return Footprint(self.workspace)

    def reload(self) -> None:
        table = self.query_one("#ledger", DataTable)
        table.clear()
        for entry in self.footprint.ledger()[:SHOWN]:
            status = str(entry.status) if entry.status is not None else entry.error or "–"
            table.add_row(entry.at.astimezone().strftime("%d %b %H:%M:%S"), entry.check,
                          Text(status), f"{entry.bytes_received:,}",
                          Text(f"{entry.method} {entry.host}{entry.path}"))
