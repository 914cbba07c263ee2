"""The live username scan: a progress bar, results as they arrive, and a way to stop.

The scan runs in a thread worker over one approved transport session; each result comes back
to the screen as it completes. Stopping sets the engine's cancel event: what has not answered
is reported as uncertain, and every request already sent is in the ledger.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Footer, Header, Label, ProgressBar

from kit.errors import KitError
from kit.plurals import counted
from kit.tui.app import AreaScreen
from kit.tui.app_words import app_words
from kit.tui.key_hint import key_hint

if TYPE_CHECKING:
    from kit.footprint.transport import LedgerEntry
    from kit.footprint.usernames import ScanPlan, SiteResult

# Shapes as well as words: a result's status never depends on colour.
MARKS = {"found": "● found", "not_found": "○ not found", "uncertain": "? uncertain",
         "skipped": "– skipped"}


class ScanScreen(AreaScreen):
    DEFAULT_CSS = """
    ScanScreen #scan-top {
        height: auto;
        padding: 0 1;
    }
    ScanScreen #scan-progress {
        width: 1fr;
    }
    ScanScreen #scan-status {
        width: 100%;
        padding: 0 1;
    }
    ScanScreen #scan-results {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+x", "stop", "Stop", id="scan-stop"),
        Binding("escape", "back", "Back", id="scan-back"),
    ]

    def __init__(self, scan_plan: ScanPlan) -> None:
        super().__init__()
        self.scan_plan = scan_plan
        self.cancel = threading.Event()
        self.results: list[SiteResult] = []
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="scan-top"):
            yield ProgressBar(total=self.scan_plan.total, show_eta=False, id="scan-progress")
            yield Button(f"Stop ({key_hint(self, 'scan-stop')})", id="scan-stop-button",
                         variant="warning")
        yield Label("", id="scan-status", markup=False)
        yield DataTable(id="scan-results", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Where your usernames have public profiles"
        table = self.query_one("#scan-results", DataTable)
        table.add_columns("Result", "Site", "Username", "Why", "Profile")
        self.running = True
        self._status()
        self._run()

    @work(thread=True, exclusive=True, group="scan", exit_on_error=False)
    def _run(self) -> None:
        from kit.footprint import usernames
        from kit.footprint.service import Footprint
        from kit.footprint.transport import Session

        config = self.kit_app.services.config
        entries: list[LedgerEntry] = []
        failure: KitError | None = None
        settings = usernames.ScanSettings(timeout=config.network_timeout)

        def send(session: Session, _timeout: float) -> None:
            for result in usernames.scan(session, self.scan_plan, settings,
                                         cancel=self.cancel):
                self.app.call_from_thread(self._add, result)

        try:
            Footprint.send(self.scan_plan.plan, config, entries, send)
        except KitError as exc:
            failure = exc
        self.app.call_from_thread(self._finished, entries, failure)

    def _add(self, result: SiteResult) -> None:
        if not self.is_mounted:
            return
        self.results.append(result)
        self.query_one("#scan-progress", ProgressBar).advance(1)
        row = (MARKS.get(result.status, result.status), Text(result.site),
               Text(result.username), Text(result.reason),
               Text(result.profile_url if result.status == "found" else ""))
        self.query_one("#scan-results", DataTable).add_row(*row)
        self._status()

    def _status(self, extra: str = "") -> None:
        from collections import Counter

        counts = Counter(r.status for r in self.results)
        line = (f"{len(self.results)} of {self.scan_plan.total} checked · "
                f"{counts['found']} found · {counts['not_found']} not found · "
                f"{counts['uncertain']} uncertain · {counts['skipped']} skipped")
        self.query_one("#scan-status", Label).update(line + (f". {extra}" if extra else ""))

    def _finished(self, entries: list[LedgerEntry], failure: KitError | None) -> None:
        from kit.footprint.service import Footprint

        self.running = False
        workspace = self.kit_app.workspace
        if workspace is None:
            return  # locked meanwhile: the vault is closed and cannot take the ledger
        # Kept even if the user has gone back to another screen meanwhile: the requests, the
        # profiles found and what the scan learned, in one commit.
        unsaved: KitError | None = None
        try:
            found = Footprint(workspace).record_scan(entries, self.scan_plan, self.results)
        except KitError as exc:
            unsaved, found = exc, 0
        if not self.is_mounted:
            return
        if unsaved is not None:
            self._status("The results could not be saved in your findings: "
                         f"{app_words(unsaved.message)}")
        elif failure is not None:
            self._status(f"The scan did not finish: {app_words(failure.message)}")
        elif self.cancel.is_set():
            self._status("Stopped; what had not answered is marked uncertain.")
        else:
            self._status(f"Done. {counted(found, 'profile')} found and added to your "
                         "findings: open each to see whether it is you. Uncertain means the "
                         "site did not give a clear answer.")
        self.query_one("#scan-stop-button", Button).disabled = True

    @on(Button.Pressed, "#scan-stop-button")
    def action_stop(self) -> None:
        if self.running:
            self.cancel.set()
            self._status("Stopping…")

    def action_back(self) -> None:
        if self.running:
            self.cancel.set()
        self.dismiss(None)
