"""Check the vault: every record, stored file and the manifest, as the command line's check does
(Vault.verify, then every record read as the kit uses it), with what is damaged, what is fine
and what to do next said plainly."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, ProgressBar, Static
from textual.worker import Worker, WorkerState

from kit.errors import KitError, VaultDamaged
from kit.plurals import counted
from kit.tui.app_words import app_words
from kit.tui.host import vault_host
from kit.tui.widgets.dialog import Dialog
from kit.vault.store import Problem

SHOWN = 20  # problems listed one by one; more are counted (a badly damaged file can hold many)
LONGEST = 300  # characters of one problem's description: it may quote what the file holds

NEXT_STEPS = (
    "What to do next: nothing was changed, and you can keep using the kit; what is damaged "
    "stays as it is, so it can still be restored. Do not delete the vault. The kit keeps "
    "recent copies of it in its backups folder:\n  {backups}\nAsk someone you trust with "
    "computers (your IT support) to put back the damaged records from one of those copies, "
    "or from a backup file you made.")


class VaultCheckDialog(Dialog[None]):
    """Runs the check in a worker on opening; says the result in the body."""

    FRAME_ID = "vault-check-dialog"
    AUTO_FOCUS = "#vault-check-close"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "close", "Close", id="close")]

    def head(self) -> Iterable[Widget]:
        yield Static("Check the vault", classes="title")

    def body(self) -> Iterable[Widget]:
        yield Static("Checking every record and stored file… on a large vault this takes a "
                     "while.", id="vault-check-result", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=False,
                          id="vault-check-progress")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Close", id="vault-check-close", variant="primary")

    def on_mount(self) -> None:
        self._check()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="vault-check", exit_on_error=False)
    def _check(self) -> tuple[list[Problem], int]:
        app: Any = self.app
        workspace = app.workspace
        if workspace is None:
            raise KitError("the kit locked before the check began")
        from kit.workspace import Workspace

        vault = workspace.vault
        problems = vault.verify()
        # Then every record read as the kit uses it, from the disk as it is now (a workspace of
        # the check's own, so the app's is not touched from this thread): one of a shape this
        # kit cannot read is damage too, named with the rest.
        try:
            fresh = Workspace(vault)
            problems += fresh.unreadable()
            records = fresh.snapshot().records
        except VaultDamaged:
            return problems, 0  # nothing could be read: the check has said why
        unreadable = {p.record_id for p in problems}
        readable = sum(1 for record_id in records if record_id not in unreadable)
        return problems, readable

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.group != "vault-check" or not worker.is_finished:
            return
        self.query_one("#vault-check-progress").display = False
        result = self.query_one("#vault-check-result", Static)
        if event.state == WorkerState.SUCCESS:
            checked: tuple[list[Problem], int] | None = worker.result  # what _check returned
            assert checked is not None, "a worker that succeeded has its result"
            problems, readable = checked
            result.update(self.report(problems, readable))
        elif event.state == WorkerState.ERROR:
            error = worker.error
            message = app_words(error.message) if isinstance(error, KitError) else repr(error)
            result.update(Text(f"The check could not finish: {message}. Nothing was changed."))

    def report(self, problems: list[Problem], readable: int) -> Text:
        """What is damaged, what is fine, what to do next."""
        from kit.vault.backups import backup_root

        if not problems:
            return Text(f"The vault is healthy: all {counted(readable, 'record')} and stored "
                        "files checked out. Nothing needs doing.")
        text = Text()
        text.append(f"Damaged ({counted(len(problems), 'problem')}):\n", style="bold")
        for problem in problems[:SHOWN]:
            message = app_words(problem.message)
            if len(message) > LONGEST:
                message = message[:LONGEST] + "…"
            text.append(f"• {message}\n")
        if len(problems) > SHOWN:
            text.append(f"• and {counted(len(problems) - SHOWN, 'more problem')}\n")
        text.append("\nFine: ", style="bold")
        text.append(f"{counted(readable, 'record')} read correctly.\n\n")
        path = vault_host(self).services.vault_path
        text.append(NEXT_STEPS.format(backups=backup_root(path)))
        return text
