"""A newcomer's first run of the full-screen app, typed into a real terminal.

tmux (a private `-L` socket) runs the installed `kit` with no arguments: the welcome wizard
creates the vault, an entry is written in the journal, the app quits; a second start unlocks
with the passphrase, finds the entry by searching, and the quick-hide key blanks the pane,
retitles it and leaves the lock screen behind. Every step waits for what the screen shows.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import run_kit
from tests.e2e.tmux import KIT, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it)")

PASSPHRASE = "a calm and private passphrase"
RECOVERY_KEY = re.compile(r"\b(?:[0-9A-Z]{4}-){8,}[0-9A-Z]{4}\b")
EXIT = re.compile(r"^KIT-EXIT=(\d+)$", re.MULTILINE)
CONFIG = "set -g default-terminal xterm-256color\nset -g history-limit 5000\n"


class AppPane(Tmux):
    """A shell pane that runs `kit`: its text, its title, its cursor, how the app ended."""

    finished = 0

    def styled(self) -> str:
        """The visible screen with colours and attributes (focus and enabled state show here)."""
        return self.run("capture-pane", "-p", "-e", "-t", "kit")

    def visible(self) -> str:
        return self.run("capture-pane", "-p", "-t", "kit")

    def history(self) -> str:
        return self.run("capture-pane", "-p", "-S", "-", "-t", "kit")

    def var(self, name: str) -> str:
        return self.run("display-message", "-p", "-t", "kit", f"#{{{name}}}").strip()

    def cursor_row(self) -> int:
        value = self.var("cursor_y")
        return int(value) if value else -1

    def key(self, *keys: str) -> None:
        self.run("send-keys", "-t", "kit", *keys)

    def until(self, what: str, condition: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} never happened; screen:\n{self.visible()}")
            time.sleep(0.05)

    def row_of(self, text: str) -> int:
        rows = [i for i, line in enumerate(self.visible().splitlines()) if text in line]
        assert rows, f"{text!r} is not on the screen:\n{self.visible()}"
        return rows[0]

    def focus_moves_to(self, text: str) -> None:
        """Wait until the terminal cursor (Textual puts it in the focused Input) reaches the
        row showing *text*: keys sent earlier than that would land in the previous field."""
        self.until(f"focus reaching {text!r}",
                   lambda: self.cursor_row() == self.row_of(text))

    def line_with(self, text: str) -> str:
        return next((line for line in self.styled().splitlines() if text in line), "")

    def restyles(self, text: str, before: str) -> str:
        """Wait until the line showing *text* is drawn differently from *before*."""
        self.until(f"the line with {text!r} changing", lambda: self.line_with(text) != before)
        return self.line_with(text)

    def launch(self) -> None:
        """Start `kit` from the shell, as a person would; the shell reports how it ended."""
        self.type(f"{shlex.quote(KIT)}; echo KIT-EXIT=$?")

    def exits(self) -> int:
        """Wait for the app to end and the shell to come back; the app's exit status."""
        statuses: list[str] = []

        def back_at_the_shell() -> bool:
            statuses[:] = EXIT.findall(self.history())
            return len(statuses) > self.finished

        self.until("the app exiting", back_at_the_shell)
        self.finished += 1
        return int(statuses[-1])


@pytest.fixture
def pane(kit_env: Path, tmp_path: Path) -> Iterator[AppPane]:
    config = tmp_path / "tmux.conf"
    config.write_text(CONFIG)
    socket = f"kit-tui-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    env.update(KIT_HOME=str(kit_env), KIT_KDF_PROFILE="minimum", TERM="xterm-256color",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", PS1="$ ")
    env.pop("KIT_PASSPHRASE", None)
    app = AppPane(socket, env)
    app.run("-f", str(config), "new-session", "-d", "-s", "kit", "-x", "120", "-y", "40",
            "bash --norc --noprofile")
    try:
        yield app
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, env=env)


def test_first_run_write_quit_unlock_search_and_hide(pane: AppPane, kit_env: Path) -> None:
    word = "lanternfish" + secrets.token_hex(4)
    other = "otherday" + secrets.token_hex(4)
    assert Path(KIT).exists(), "the kit console script is installed in the venv"

    # --- first start: the welcome wizard ---
    pane.launch()
    pane.wait_for("Welcome.")
    assert pane.var("pane_title") == "Frontline Kit"
    pane.key("Enter")  # Continue
    pane.wait_for("Choose a passphrase")
    pane.type(PASSPHRASE, enter=False)
    pane.wait_for("Strong.")
    pane.key("Tab")
    pane.focus_moves_to("the same passphrase")
    pane.type(PASSPHRASE, enter=False)
    pane.wait_for("•" * len(PASSPHRASE), count=2)
    pane.key("Enter")

    screen = pane.wait_for("This is your recovery key")
    keys = RECOVERY_KEY.findall(screen)
    assert len(keys) == 1, screen
    recovery_key = keys[0]
    assert PASSPHRASE not in screen
    button = pane.line_with("Continue")
    pane.key("Space")  # ticks the focused "I have written down" box, enabling Continue
    button = pane.restyles("Continue", button)
    pane.key("Tab")
    pane.restyles("Continue", button)  # now focused
    pane.key("Enter")
    pane.wait_for("What needs attention")
    assert (kit_env / "vault" / "vault.header").exists()
    assert recovery_key not in pane.history()

    # --- the journal: write one entry ---
    pane.key("F3")
    pane.wait_for("No entries yet")
    pane.key("C-n")
    pane.wait_for("Write here.")
    pane.type(f"Quiet shift today. The {word} made me smile.", enter=False)
    pane.wait_for(word)
    pane.key("C-s")
    pane.wait_for("Saved.")
    pane.key("Escape")
    pane.until("the journal list showing the entry",
               lambda: "Write here." not in (s := pane.visible()) and "Quiet shift today" in s
               and "No entries yet" not in s)
    pane.key("C-q")
    assert pane.exits() == 0, pane.history()
    assert "Traceback" not in pane.history()

    # Meanwhile the command line adds another entry to the same vault.
    added = run_kit("journal", "add", f"Long day, nothing about {other}.", passphrase=PASSPHRASE)
    assert added.code == 0, added.err

    # --- second start: locked; unlock, search, hide ---
    pane.launch()
    pane.wait_for("Frontline Kit is locked")
    pane.type(PASSPHRASE, enter=False)  # the field has focus from the start
    pane.wait_for("•" * len(PASSPHRASE))
    pane.key("Enter")
    pane.wait_for("What needs attention")
    pane.key("F3")
    pane.wait_for("Quiet shift today")
    pane.wait_for("Long day")
    pane.key("C-f")
    pane.focus_moves_to("Search your journal")
    pane.type(word, enter=False)
    pane.until("the search leaving one entry", lambda: "Long day" not in pane.visible())
    screen = pane.visible()
    assert "Quiet shift today" in screen
    assert "1 of 2" in screen
    assert pane.var("pane_title") == "Frontline Kit"
    assert word in pane.history()  # so its absence below means something

    pane.key("C-l")
    pane.until("the screen blanking",
               lambda: "Frontline Kit" not in (s := pane.visible()) and word not in s)
    assert pane.visible().strip() == ""
    assert pane.var("pane_title") == "Terminal"
    assert word not in pane.history()

    pane.key("x")  # any key
    screen = pane.wait_for("Frontline Kit is locked")
    assert word not in screen
    assert "•" not in screen  # the key only woke it; nothing was typed into the field
    pane.key("C-q")
    assert pane.exits() == 0, pane.history()
    assert "Traceback" not in pane.history()
