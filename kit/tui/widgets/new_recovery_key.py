"""A new recovery key, shown once after a key change, and the wait for "written down".

Every key change (recovery, keyring unlock turned off, a stopped change finished) ends with a
new recovery key: the core hands it to a *show* callback once it opens the vault, and retires
the old key when the callback returns (kit.vault.rotation). `shown_until_written` makes that
callback for a worker thread: it shows the key in a dialog and waits until the person says it is
written down; if the worker is cancelled first (the kit locked or quit), the change stops with
the old recovery key still working.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from textual import on
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Static

from kit.errors import KeyChangeStopped
from kit.tui.widgets.dialog import Dialog

NEW_KEY = """\
This is your NEW recovery key. It opens the vault if you ever forget your passphrase. It is \
shown once, now. Write it on paper and keep it somewhere safe, away from this computer. Your old \
recovery key stops working when you press Continue.
"""


class NewRecoveryKeyDialog(Dialog[bool]):
    """The key, a box to tick once it is written down, and Continue (only then)."""

    FRAME_ID = "new-key-dialog"
    AUTO_FOCUS = "#new-key-written"

    def __init__(self, recovery_text: str) -> None:
        super().__init__()
        self._recovery_text = recovery_text

    def body(self) -> Iterable[Widget]:
        yield Static(NEW_KEY, markup=False)
        yield Static(self._recovery_text, id="new-recovery-key", markup=False)
        yield Checkbox("I have written down my new recovery key", id="new-key-written")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Continue", id="new-key-done", variant="primary", disabled=True)

    @on(Checkbox.Changed, "#new-key-written")
    def written(self, event: Checkbox.Changed) -> None:
        self.query_one("#new-key-done", Button).disabled = not event.value

    @on(Button.Pressed, "#new-key-done")
    def done(self) -> None:
        self.query_one("#new-recovery-key", Static).update("")  # off the screen for good
        self.dismiss(True)


def shown_until_written(app: Any, cancelled: Callable[[], bool]) -> Callable[[str], None]:
    """A *show* callback for the core's key changes, to be called on a worker thread: it shows
    the new key and returns once it is written down. *cancelled* says whether the worker was
    cancelled; if it is before then, KeyChangeStopped: the old key is not retired."""
    written = threading.Event()

    def show(recovery_text: str) -> None:
        app.call_from_thread(app.push_screen, NewRecoveryKeyDialog(recovery_text),
                             lambda _answer: written.set())
        while not written.wait(0.1):
            if cancelled():
                raise KeyChangeStopped("the new recovery key was not confirmed")

    return show
