"""A tmux session driven like a person at a terminal, and the installed `kit` to run in it:
shared by the end-to-end first-run tests."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

KIT = str(Path(sys.executable).with_name("kit"))


class Tmux:
    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,
                              text=True, env=self.env, check=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-S", "-200", "-t", "kit")

    def wait_for(self, text: str, timeout: float = 30, count: int = 1) -> str:
        """Poll the screen until *text* shows at least *count* times."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; screen:\n{screen}")
            time.sleep(0.1)

    def type(self, text: str, enter: bool = True) -> None:
        self.run("send-keys", "-t", "kit", "-l", text)
        if enter:
            self.run("send-keys", "-t", "kit", "Enter")
