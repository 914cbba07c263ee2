"""First run: what the kit keeps and where, a passphrase, the recovery key, keyring unlock."""

from __future__ import annotations

import threading
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Checkbox,
    ContentSwitcher,
    Footer,
    Input,
    Label,
    ProgressBar,
    Static,
)
from textual.worker import Worker, WorkerState, get_current_worker

from kit.errors import KitError
from kit.tui.app_words import app_words
from kit.tui.host import vault_host
from kit.tui.widgets.new_passphrase import (
    new_passphrase_fields,
    passphrase_refusal,
    strength_advice,
)
from kit.workspace import Workspace, create_workspace

INTRO = """\
Welcome. This kit is a private place for your journal, the material your work exposes you to, \
and how you are doing.

• Everything you write is encrypted on this computer, in one folder:
  {path}
• Nothing leaves this computer unless you choose. Only the footprint checks you start \
yourself use the internet: each shows first exactly what it would send, and to whom, and sends \
nothing until you agree.
• One passphrase opens it. You will also get a recovery key, for the day you forget it.
• Press ctrl+l at any moment to blank the screen and lock the kit.
"""

RECOVERY = """\
This is your recovery key. It opens the vault if you ever forget your passphrase. It is shown \
once, now. Write it on paper and keep it somewhere safe, away from this computer. Anyone holding \
it can open your vault, so do not photograph it or save it in a file.
"""

KEYRING = """\
This computer has a secure keyring. The kit can keep a key there so it opens without your \
passphrase when the app starts.

Think before saying yes: anyone who can use your login on this computer could then open the \
kit. It stays off unless you turn it on. To turn it off later, open the command palette \
(ctrl+p) and choose "Turn off keyring unlock". After the quick-hide key or the idle lock, the \
passphrase is always needed.
"""


class WelcomeScreen(Screen[None]):
    DEFAULT_CSS = """
    WelcomeScreen #welcome-box Input {
        margin-bottom: 1;
    }
    WelcomeScreen ContentSwitcher > * {
        height: auto;
    }
    WelcomeScreen #recovery-key {
        text-style: bold;
        color: $accent;
        border: heavy $accent;
        padding: 1 2;
        margin: 1 0;
        width: auto;
    }
    WelcomeScreen #strength, WelcomeScreen #mismatch {
        width: 100%;
    }
    """

    AUTO_FOCUS = "#start"

    def __init__(self) -> None:
        super().__init__()
        self._workspace: Workspace | None = None
        self._keyring_available = False
        # Set when the user says the recovery key is written down: only then is the new vault
        # moved into place (Vault.create's show), so no vault exists whose key went unseen.
        self._key_written = threading.Event()

    def compose(self) -> ComposeResult:
        path = vault_host(self).services.vault_path
        with Center(), Vertical(id="welcome-box", classes="box"):
            yield Static("Frontline Kit", classes="title")
            with ContentSwitcher(initial="intro", id="steps"):
                with VerticalScroll(id="intro"):
                    yield Static(INTRO.format(path=path), markup=False)
                    yield Button("Continue", id="start", variant="primary")
                with Vertical(id="passphrase-step"):
                    yield from new_passphrase_fields()
                    yield Button("Create my vault", id="create", variant="primary")
                with Vertical(id="creating"):
                    yield Label("Creating your vault… this takes a few seconds.")
                    yield ProgressBar(total=None, show_eta=False, show_percentage=False)
                with VerticalScroll(id="recovery"):
                    yield Static(RECOVERY, markup=False)
                    yield Static("", id="recovery-key", markup=False)
                    yield Checkbox("I have written down my recovery key", id="written")
                    yield Button("Continue", id="recovery-done", variant="primary",
                                 disabled=True)
                with Vertical(id="keyring"):
                    yield Static(KEYRING, markup=False)
                    with Horizontal(classes="buttons"):
                        yield Button("No, keep asking for my passphrase", id="keyring-no",
                                     variant="primary")
                        yield Button("Turn on keyring unlock", id="keyring-yes")
        yield Footer(compact=True)

    def _show(self, step: str, focus: str | None = None) -> None:
        self.query_one("#steps", ContentSwitcher).current = step
        if focus:
            # Once the step is on the screen: a widget still hidden cannot take the focus, and
            # the recovery key's box then needed a Tab before Space would tick it.
            self.call_after_refresh(self.query_one(focus).focus)

    @on(Button.Pressed, "#start")
    def start(self) -> None:
        self._show("passphrase-step", "#new")

    @on(Input.Changed, "#new")
    def rate(self, event: Input.Changed) -> None:
        self.query_one("#strength", Label).update(strength_advice(event.value))

    @on(Input.Submitted, "#new")
    def next_field(self) -> None:
        self.query_one("#again", Input).focus()

    @on(Input.Submitted, "#again")
    @on(Button.Pressed, "#create")
    def create(self) -> None:
        new = self.query_one("#new", Input).value
        again = self.query_one("#again", Input).value
        refusal = passphrase_refusal(new, again)
        if refusal is not None:
            problem, at_fault = refusal
            # The focus goes to the field at fault, so what is typed next lands there.
            self.query_one("#mismatch", Label).update(problem)
            self.query_one("#again", Input).value = ""
            self.query_one(at_fault, Input).focus()
            return
        self.query_one("#new", Input).value = ""
        self.query_one("#again", Input).value = ""
        self._show("creating")
        self._create(new)

    @work(thread=True, exclusive=True, group="create", exit_on_error=False,
          description="create")  # not the default repr of the args: it holds the secret
    def _create(self, passphrase: str) -> tuple[Workspace, bool]:
        services = vault_host(self).services
        worker = get_current_worker()
        self._key_written.clear()

        def show_and_wait(recovery_text: str) -> None:
            self.app.call_from_thread(self._present_key, recovery_text)
            while not self._key_written.wait(0.1):
                if worker.is_cancelled:  # quit or hidden: the staged vault is removed
                    raise KitError("the recovery key was not confirmed")

        workspace, _text = create_workspace(services.vault_path, passphrase,
                                            services.kdf_profile, show_and_wait)
        available = False
        if services.allow_keyring:
            from kit.vault import device

            available = device.backend_status().available
        return workspace, available

    def _present_key(self, recovery_text: str) -> None:
        self.query_one("#recovery-key", Static).update(recovery_text)
        self._show("recovery", "#written")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.group == "create" and event.state == WorkerState.SUCCESS:
            created: tuple[Workspace, bool] | None = worker.result  # what _create returned
            assert created is not None, "a worker that succeeded has its result"
            self._workspace, self._keyring_available = created
            if self._keyring_available:
                self._show("keyring", "#keyring-no")
            else:
                self._finish()
        elif worker.group == "create" and event.state == WorkerState.ERROR:
            error = worker.error
            message = app_words(error.message) if isinstance(error, KitError) else repr(error)
            self.query_one("#mismatch", Label).update(f"The vault was not created: {message}")
            self._show("passphrase-step", "#new")
        elif worker.group == "keyring" and event.state in (WorkerState.SUCCESS,
                                                            WorkerState.ERROR):
            if event.state == WorkerState.ERROR:
                error = worker.error
                message = error.message if isinstance(error, KitError) else repr(error)
                self.notify(f"Keyring unlock was not turned on: {message}",
                            severity="warning", timeout=10, markup=False)
            else:
                self.notify("Keyring unlock is on for this computer.", timeout=6)
            self._finish()

    @on(Checkbox.Changed, "#written")
    def written(self, event: Checkbox.Changed) -> None:
        self.query_one("#recovery-done", Button).disabled = not event.value

    @on(Button.Pressed, "#recovery-done")
    def recovery_done(self) -> None:
        self.query_one("#recovery-key", Static).update("")  # off the screen for good
        self._show("creating")
        self._key_written.set()  # the worker moves the vault into place and opens it

    @on(Button.Pressed, "#keyring-yes")
    def keyring_yes(self) -> None:
        self._enable_keyring()

    @work(thread=True, exclusive=True, group="keyring", exit_on_error=False)
    def _enable_keyring(self) -> None:
        from kit.vault import device

        assert self._workspace is not None
        device.enable_device_unlock(self._workspace.vault)

    @on(Button.Pressed, "#keyring-no")
    def _finish(self) -> None:
        workspace, self._workspace = self._workspace, None
        if workspace is not None:
            vault_host(self).open_workspace(workspace)

    def on_unmount(self) -> None:
        # Hidden or quit before the recovery key was confirmed: Textual cancels the worker and
        # the staged vault is removed, so no vault exists whose key went unseen. After it: the
        # new vault stays, locked. Nothing decrypted is kept either way.
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None
