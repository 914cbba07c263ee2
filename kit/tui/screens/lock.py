"""The lock screen, and the neutral screen the quick-hide key shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from kit.errors import KitError, WrongSecret
from kit.tui.app_words import app_words
from kit.tui.host import vault_host

if TYPE_CHECKING:
    from collections.abc import Callable

    from kit.vault import Credentials
    from kit.vault.read_ahead import ReadAhead
    from kit.vault.store import Prefetched
    from kit.workspace import Workspace


class LockScreen(Screen[None]):
    """Ask for the passphrase; derive the key and decrypt in a worker, never in the UI."""

    AUTO_FOCUS = "#passphrase"

    # Why keyring unlock did not open the vault this time (said as the command line says it).
    _keyring_note = ""
    # The vault's rows, still encrypted, read while the passphrase is typed or the keyring
    # answers (kit.vault.read_ahead): the unlock then decrypts them without reading the
    # file again, unless it changed meanwhile. None until started, or once an unlock opened.
    _ahead: ReadAhead | None = None

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="lock-box", classes="box"):
            yield Static("Frontline Kit is locked", classes="title")
            yield Label("Your passphrase:", classes="field-label")
            yield Input(password=True, id="passphrase", placeholder="passphrase")
            yield Button("Unlock", id="unlock", variant="primary")
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="progress")
            yield Label("", id="status", markup=False)
            # Forgotten passphrase: the recovery key opens the vault here, in the app.
            yield Button("I have forgotten my passphrase", id="forgot")
            yield Static("Being doxed or swatted right now? Press F9 for calm steps to "
                         "follow; you do not need to unlock.", classes="hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self.call_after_refresh(self._read_ahead)
        host = vault_host(self)
        services = host.services
        if services.demo_passphrase is not None:
            self._start_demo()
        elif services.allow_keyring and host.first_unlock:
            # Only at start-up: after a hide or idle lock the passphrase is always needed,
            # or locking would not lock. Once the screen is up (after the frame that shows it,
            # and after whatever else waits for that frame): the field takes typing at once,
            # and the vault's libraries load in the keyring's thread while it is read.
            self.call_after_refresh(self.call_later, self._keyring_when_idle)

    def on_screen_resume(self) -> None:
        # Shown again after a lock: ready for the passphrase, nothing left from last time.
        if not self.workers:
            self.query_one("#passphrase", Input).value = ""
            demo = vault_host(self).services.demo_passphrase is not None
            self._idle("This is the demo: press Enter to unlock it." if demo else "")

    def on_unmount(self) -> None:
        self._drop_read()

    def _read_ahead(self) -> None:
        """Start reading the rows on a thread of its own (not a worker: the screen's workers
        are the unlock's), once the screen is up."""
        if self._ahead is None and self.is_attached and not vault_host(self).unlocked:
            from kit.vault.read_ahead import ReadAhead

            self._ahead = ReadAhead(vault_host(self).services.vault_path)

    def _take_read(self) -> Callable[[], Prefetched | None] | None:
        """What an unlock hands Vault.open: the read, taken once the key is known."""
        return self._ahead.take if self._ahead is not None else None

    def _drop_read(self) -> None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            ahead.close()

    def _keyring_when_idle(self) -> None:
        if not self.workers:  # not if an unlock was asked for in the meantime
            self._try_keyring()

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False)
    def _try_keyring(self) -> Workspace | None:
        from kit.unlock import STALE_DEVICE_KEY, device_key, device_vault_id
        from kit.vault import Credentials
        from kit.workspace import open_workspace

        path = vault_host(self).services.vault_path
        vault_id = device_vault_id(path)
        if vault_id is None:
            return None
        self.app.call_from_thread(self._busy, "Opening with this computer's keyring…")
        try:
            key, why = device_key(vault_id)
        except KitError as exc:
            key, why = None, exc.message
        if key is None:
            self._keyring_note = why
            return None
        try:
            return open_workspace(path, Credentials(device_key=key), self._take_read())
        except WrongSecret:
            self._keyring_note = STALE_DEVICE_KEY
            return None

    @on(Input.Submitted, "#passphrase")
    @on(Button.Pressed, "#unlock")
    def submit(self) -> None:
        from kit.vault import Credentials

        field = self.query_one("#passphrase", Input)
        if vault_host(self).services.demo_passphrase is not None:
            self._start_demo()
            return
        if not field.value:
            self._say("Type your passphrase, then press Enter.")
            return
        creds = Credentials(passphrase=field.value)
        field.value = ""
        self._start(creds, "Checking your passphrase… this takes a few seconds.")

    @on(Button.Pressed, "#forgot")
    def forgot(self) -> None:
        from kit.tui.screens.recover import RecoverScreen

        if not self.workers:  # not while the passphrase is being checked
            self.app.push_screen(RecoverScreen())

    def _start_demo(self) -> None:
        from kit.vault import Credentials

        passphrase = vault_host(self).services.demo_passphrase
        self._start(Credentials(passphrase=passphrase), "Opening the demo…")

    def _start(self, creds: Credentials, message: str) -> None:
        self._busy(message)
        self._unlock(creds, self._take_read())

    def _busy(self, message: str) -> None:
        self.query_one("#progress").display = True
        self.query_one("#passphrase", Input).disabled = True
        self.query_one("#unlock", Button).disabled = True
        self._say(message)

    def _idle(self, message: str) -> None:
        self.query_one("#progress").display = False
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        self.query_one("#unlock", Button).disabled = False
        field.focus()
        self._say(message)

    def _say(self, message: str) -> None:
        self.query_one("#status", Label).update(message)

    @work(thread=True, exclusive=True, group="unlock", exit_on_error=False,
          description="unlock")  # not the default repr of the args: it holds the secret
    def _unlock(self, creds: Credentials,
                prefetched: Callable[[], Prefetched | None] | None) -> Workspace:
        from kit.workspace import open_workspace

        path = vault_host(self).services.vault_path
        return open_workspace(path, creds, prefetched)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.group != "unlock":
            return
        if event.state == WorkerState.SUCCESS:
            workspace = worker.result
            if workspace is None:  # no keyring key: say why, and ask for the passphrase
                note, self._keyring_note = self._keyring_note, ""
                self._idle(f"Keyring unlock is on, but it did not open the vault: "
                           f"{note.rstrip('.')}. Type your passphrase." if note else "")
            elif worker.is_cancelled:
                workspace.close()
            else:
                self._drop_read()  # the vault took the rows over, or closed them
                vault_host(self).open_workspace(workspace)
        elif event.state == WorkerState.ERROR:
            error = worker.error
            if not isinstance(error, WrongSecret):
                # A wrong secret leaves the rows unused, for the next try; after any other
                # failure they may have been taken over and closed: read again.
                self._drop_read()
                self.call_after_refresh(self._read_ahead)
            if isinstance(error, WrongSecret):
                self._idle("That passphrase did not open the vault. Please try again.")
            elif isinstance(error, KitError):
                self._idle(f"The vault could not be opened: {app_words(error.message)}")
            else:
                self._idle(f"Something went wrong while opening the vault: {error!r}")
        elif event.state == WorkerState.CANCELLED:
            self._idle("")


class HiddenScreen(Screen[None]):
    """Deliberately empty: nothing on it says what was open. Any key goes to the lock."""

    BINDINGS: ClassVar[list[Any]] = [Binding("enter", "show_lock", "Continue", show=False)]

    def compose(self) -> ComposeResult:
        yield Static("", id="neutral")

    def on_key(self, event: Any) -> None:
        event.stop()
        self.action_show_lock()

    def action_show_lock(self) -> None:
        app: Any = self.app
        app.switch_mode("welcome" if app.workspace is None and not _has_vault(app) else "locked")


def _has_vault(app: Any) -> bool:
    from kit.vault.files import is_vault

    return bool(is_vault(app.services.vault_path))
