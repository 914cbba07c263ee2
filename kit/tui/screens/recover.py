"""Forgotten passphrase: open the vault with the recovery key and choose a new passphrase.

The same change as the command line's recovery (kit.vault.key_changes.recover): the new
passphrase is set, and because the recovery key has been used, the vault gets a new data key and
a new recovery key, shown once; the old recovery key works until the new one is written down.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from kit.errors import KeyChangeStopped, KitError, UsageError, WrongSecret
from kit.tui.app_words import app_words
from kit.tui.host import vault_host
from kit.tui.key_hint import key_hint
from kit.tui.widgets.new_passphrase import (
    new_passphrase_fields,
    passphrase_refusal,
    strength_advice,
)
from kit.tui.widgets.new_recovery_key import shown_until_written

if TYPE_CHECKING:
    from kit.vault.key_changes import Recovered
    from kit.workspace import Workspace

INTRO = ("Type the recovery key you wrote down on paper, then choose a new passphrase. Nothing "
         "is lost. Afterwards the kit gives you a new recovery key to write down.")

WRONG_KEY = ("That recovery key did not open the vault. Check each group against your paper "
             "copy and try again; nothing was changed.")

STOPPED = ("The change stopped before it finished. Your new passphrase is set and your old "
           "recovery key still works. Unlock with the new passphrase; Home then offers to "
           "finish the change.")


class RecoverScreen(Screen[None]):
    """Recovery key, new passphrase twice, then the new recovery key; then the vault is open."""

    AUTO_FOCUS = "#recovery-key-input"

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the passphrase"),
    ]

    DEFAULT_CSS = """
    RecoverScreen #recover-box {
        height: auto;
        max-height: 100%;
    }
    RecoverScreen #recover-form Input {
        margin-bottom: 1;
    }
    RecoverScreen #strength, RecoverScreen #recover-problem {
        width: 100%;
    }
    RecoverScreen #mismatch {
        display: none;
    }
    """

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="recover-box", classes="box"):
            yield Static("Open the vault with your recovery key", classes="title")
            with VerticalScroll(id="recover-form"):
                yield Static(INTRO, markup=False)
                yield Label("Your recovery key:", classes="field-label")
                yield Input(id="recovery-key-input", placeholder="XXXX-XXXX-…")
                yield from new_passphrase_fields()
            yield ProgressBar(total=None, show_eta=False, show_percentage=False,
                              id="recover-progress")
            # Under the fields, not among them: in view however far they scroll.
            yield Static("", id="recover-problem", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Open my vault", id="recover", variant="primary")
                yield Button(f"Back ({key_hint(self, 'back')})", id="recover-back")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#recover-progress").display = False

    @on(Input.Changed, "#new")
    def rate(self, event: Input.Changed) -> None:
        self.query_one("#strength", Label).update(strength_advice(event.value))

    @on(Input.Submitted, "#recovery-key-input")
    def to_new(self) -> None:
        self.query_one("#new", Input).focus()

    @on(Input.Submitted, "#new")
    def to_again(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Button.Pressed, "#recover-back")
    def action_back(self) -> None:
        if not self.workers:  # a key change under way is never left half-shown
            self.dismiss(None)

    @on(Input.Submitted, "#again")
    @on(Button.Pressed, "#recover")
    def submit(self) -> None:
        from kit.vault import recovery

        typed_key = self.query_one("#recovery-key-input", Input).value
        if not typed_key.strip():
            self._refuse("Type your recovery key first.", "#recovery-key-input")
            return
        try:
            key = recovery.parse(typed_key)
        except UsageError as exc:
            self._refuse("That is not a recovery key as the kit writes them: "
                         f"{exc.message.rstrip('.')}.",
                         "#recovery-key-input")
            return
        new = self.query_one("#new", Input).value
        refusal = passphrase_refusal(new, self.query_one("#again", Input).value)
        if refusal is not None:
            problem, at_fault = refusal
            self.query_one("#again", Input).value = ""
            self._refuse(problem, at_fault)
            return
        self._busy(True, "Opening the vault and setting your new passphrase… this takes a few "
                   "seconds.")
        self._recover(key, new)

    def _refuse(self, problem: str, at_fault: str) -> None:
        """Say what is wrong and put the focus on the field at fault; what was typed stays."""
        self.query_one("#recover-problem", Static).update(app_words(problem))
        self.query_one(at_fault, Input).focus()

    def _busy(self, busy: bool, message: str = "") -> None:
        self.query_one("#recover-progress").display = busy
        for widget in self.query("#recover-form Input, .buttons Button"):
            widget.disabled = busy
        self.query_one("#recover-problem", Static).update(message)

    @work(thread=True, exclusive=True, group="recover", exit_on_error=False,
          description="recover")  # not the default repr of the args: they hold secrets
    def _recover(self, key: bytes, new: str) -> tuple[Workspace, Recovered]:
        from kit.vault import Credentials, Vault, key_changes
        from kit.workspace import Workspace

        worker = get_current_worker()
        vault = Vault.open(vault_host(self).services.vault_path,
                           Credentials(recovery_key=key))
        try:
            show = shown_until_written(self.app, lambda: worker.is_cancelled)
            recovered = key_changes.recover(vault, new, None, show)
            workspace = Workspace(vault)
            workspace.snapshot()
        except BaseException:
            vault.close()
            raise
        return workspace, recovered

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.group != "recover":
            return
        if event.state == WorkerState.SUCCESS:
            opened: tuple[Workspace, Recovered] | None = worker.result  # what _recover returned
            assert opened is not None, "a worker that succeeded has its result"
            workspace, recovered = opened
            if worker.is_cancelled:
                workspace.close()
                return
            self.dismiss(None)
            vault_host(self).open_workspace(workspace)
            self._say_done(recovered)
        elif event.state == WorkerState.ERROR:
            self._busy(False)
            error = worker.error
            # Nothing typed is cleared: only the field at fault needs another look.
            if isinstance(error, WrongSecret):
                self._refuse(WRONG_KEY, "#recovery-key-input")
            elif isinstance(error, KeyChangeStopped):
                self._refuse(STOPPED, "#recovery-key-input")
            elif isinstance(error, KitError):
                self._refuse(f"The vault could not be opened: {error.message}",
                             "#recovery-key-input")
            else:
                self._refuse(f"Something went wrong while opening the vault: {error!r}",
                             "#recovery-key-input")

    def _say_done(self, recovered: Recovered) -> None:
        app = self.app
        if recovered.keys is None:
            app.notify("Your new passphrase is set. Some records in the vault are damaged, so "
                       "its keys were not changed and your old recovery key still works. Home "
                       "shows what to do.", severity="warning", timeout=15)
            return
        ended = (" Keyring unlock is now off: the new keys ended it."
                 if recovered.keys.keyring_ended else "")
        app.notify("Your new passphrase is set, and your new recovery key is the only one that "
                   f"works now.{ended}", timeout=10)
