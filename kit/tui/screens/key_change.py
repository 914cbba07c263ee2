"""Keyring unlock on or off, and finishing a key change that stopped, from inside the app.

Each asks for the passphrase first (as the command line does: someone who finds the kit unlocked
must not be able to change how it opens), then makes the same change as the command line
(kit.vault.key_changes). Turning keyring unlock off and finishing a key change give the vault a
new recovery key, shown once (kit.tui.widgets.new_recovery_key).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from textual import on, work
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from kit.errors import KeyChangeStopped, KitError, VaultDamaged, WrongSecret
from kit.tui.widgets.dialog import Dialog, problem_label
from kit.tui.widgets.new_recovery_key import shown_until_written

Change = Literal["keyring-on", "keyring-off", "finish"]

# What each change is called in the app (the palette's names), and what it does.
TITLES: dict[Change, str] = {
    "keyring-on": "Turn on keyring unlock",
    "keyring-off": "Turn off keyring unlock",
    "finish": "Finish the key change",
}

EXPLAINED: dict[Change, str] = {
    "keyring-on": (
        "With keyring unlock on, the kit opens without your passphrase when it starts on this "
        "computer. Anyone who can use your login on this computer could then open it: turn it "
        "on only on a computer that is yours alone. After the quick-hide key or the idle lock, "
        "the passphrase is always needed."),
    "keyring-off": (
        "The kit will ask for your passphrase every time it starts. The key kept in this "
        "computer's keyring is removed, and the vault's keys are changed so that any copy of "
        "it opens nothing. You will be given a new recovery key to write down; your current "
        "one keeps working until then."),
    "finish": (
        "A change of your vault's keys stopped before it finished, so two recovery keys open "
        "it. Finishing gives you one new recovery key to write down; after that, only the new "
        "one works. Your passphrase stays the same."),
}

DONE: dict[Change, str] = {
    "keyring-on": "Keyring unlock is on for this computer. To turn it off, choose \"Turn off "
                  "keyring unlock\" in the command palette (ctrl+p).",
    "keyring-off": "Keyring unlock is off: the kit asks for your passphrase when it starts. "
                   "Your new recovery key is the only one that works now.",
    "finish": "The key change is finished. Your new recovery key is the only one that works "
              "now.",
}


class KeyChangeDialog(Dialog[bool]):
    """The passphrase, then the change in a worker; True once it is made."""

    FRAME_ID = "key-change-dialog"
    AUTO_FOCUS = "#key-change-passphrase"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, change: Change) -> None:
        super().__init__()
        self.change = change

    def head(self) -> Iterable[Widget]:
        yield Static(TITLES[self.change], classes="title")

    def body(self) -> Iterable[Widget]:
        yield Static(EXPLAINED[self.change], markup=False)
        yield Label("Your passphrase:", classes="field-label")
        yield Input(password=True, id="key-change-passphrase", placeholder="passphrase")

    def foot(self) -> Iterable[Widget]:
        progress = ProgressBar(total=None, show_eta=False, show_percentage=False,
                               id="key-change-progress")
        progress.display = False
        yield progress
        yield problem_label("key-change-problem")

    def buttons(self) -> Iterable[Widget]:
        yield Button(TITLES[self.change], id="key-change-go", variant="primary")
        yield Button("Cancel", id="key-change-cancel")

    def on_mount(self) -> None:
        if self.change == "keyring-on":
            self._keyring_here()

    @work(thread=True, exclusive=True, group="keyring-here", exit_on_error=False)
    def _keyring_here(self) -> str:
        """Why keyring unlock cannot be turned on here ("" when it can): said before the
        passphrase is typed, not after."""
        from kit.vault import device

        status = device.backend_status()
        return "" if status.available else status.reason

    @on(Button.Pressed, "#key-change-go")
    def submit(self) -> None:
        if self.query_one("#key-change-go", Button).disabled:  # Enter in the field
            return
        field = self.query_one("#key-change-passphrase", Input)
        if not field.value:
            self.refuse("Type your passphrase first.", field)
            return
        passphrase, field.value = field.value, ""
        self._busy(True)
        self._make(passphrase)

    @on(Button.Pressed, "#key-change-cancel")
    def action_cancel(self) -> None:
        if not self.workers:  # a change under way finishes, or stops safely, by itself
            self.dismiss(False)

    def _busy(self, busy: bool) -> None:
        self.query_one("#key-change-progress").display = busy
        for widget in self.query("#key-change-passphrase, .buttons Button"):
            widget.disabled = busy
        if busy:
            problem = self.query_one("#key-change-problem", Label)
            problem.update("Checking your passphrase… this takes a few seconds.")
            problem.add_class("-shown")

    @work(thread=True, exclusive=True, group="key-change", exit_on_error=False,
          description="key change")  # not the default repr of the args: it holds the secret
    def _make(self, passphrase: str) -> str:
        """Make the change; what else the person should know ("" for nothing)."""
        from kit.vault import key_changes

        app: Any = self.app
        workspace = app.workspace
        if workspace is None:
            raise KeyChangeStopped("the kit locked before the change began")
        vault = workspace.vault
        key_changes.check_passphrase(vault, passphrase)
        worker = get_current_worker()
        show = shown_until_written(app, lambda: worker.is_cancelled)
        if self.change == "keyring-on":
            key_changes.keyring_on(vault)
            return ""
        if self.change == "keyring-off":
            if "device" not in vault.slot_types():  # turned off meanwhile, elsewhere
                return ""
            keys = key_changes.keyring_off(vault, passphrase, show)
        else:
            keys = key_changes.new_keys(vault, passphrase, None, show)
        notes = []
        if keys.keyring_ended and self.change == "finish":
            notes.append("Keyring unlock is now off: the new keys ended it.")
        if keys.keyring_note:
            notes.append("The keyring's old entry could not be removed "
                         f"({keys.keyring_note.rstrip('.')}), but it opens nothing now.")
        return " ".join(notes)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker: Worker[Any] = event.worker
        if worker.group == "keyring-here" and event.state == WorkerState.SUCCESS:
            if worker.result:
                self.query_one("#key-change-go", Button).disabled = True
                problem = self.query_one("#key-change-problem", Label)
                problem.update("Keyring unlock cannot be turned on on this computer: "
                               f"{worker.result}.")
                problem.add_class("-shown")
            return
        if worker.group != "key-change":
            return
        if event.state == WorkerState.SUCCESS:
            self.app.notify(f"{DONE[self.change]} {worker.result}".strip(), timeout=10)
            self.dismiss(True)
        elif event.state == WorkerState.ERROR:
            self._busy(False)
            error = worker.error
            field = self.query_one("#key-change-passphrase", Input)
            if isinstance(error, WrongSecret):
                self.refuse("That passphrase did not open the vault; nothing was changed. "
                            "Please try again.", field)
            elif isinstance(error, VaultDamaged):
                done = ("Keyring unlock is off, but " if self.change == "keyring-off"
                        else "Nothing was changed: ")
                self.refuse(f"{done}some records in the vault are damaged, so its keys were "
                            "not changed and your recovery key stays the same. Choose \"Check "
                            "the vault\" in the command palette (ctrl+p) to see what is "
                            "damaged.", field)
            elif isinstance(error, KeyChangeStopped):
                self.refuse("The change stopped before it finished: your passphrase and your "
                            "old recovery key still work. Try again when you are ready.", field)
            elif isinstance(error, KitError):
                self.refuse(f"Nothing was changed: {error.message}", field)
            else:
                self.refuse(f"Something went wrong: {error!r}", field)
