"""Drive a program through a pseudo-terminal, as a person at a keyboard would.

Programs that read secrets from /dev/tty (kit's prompts, the `age` binary) need a real
controlling terminal; this gives the child one and lets the test wait for prompts.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import termios
import time
from collections.abc import Sequence


class PtySession:
    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None,
                 cwd: str | None = None) -> None:
        master, slave = os.openpty()

        def become_terminal_owner() -> None:
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen(
            list(argv), stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            preexec_fn=become_terminal_owner, close_fds=True, pass_fds=(slave,),
        )
        os.close(slave)
        self.master = master
        self.output = b""

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the child closed the terminal
            return False
        self.output += chunk
        return bool(chunk)

    def expect(self, text: str, timeout: float = 30) -> None:
        """Wait until *text* has appeared in the output (since the start)."""
        deadline = time.monotonic() + timeout
        needle = text.encode()
        while needle not in self.output:
            left = deadline - time.monotonic()
            if left <= 0 or (not self._read(min(left, 0.2)) and self.proc.poll() is not None
                             and not self._read(0.05)):
                if needle in self.output:
                    return
                raise AssertionError(f"did not see {text!r}; output so far:\n{self.text}")

    def expect_count(self, text: str, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(text.encode()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"saw {text!r} fewer than {count} times:\n{self.text}")
            self._read(0.2)

    def send(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def wait(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            self._read(0.1)
            if time.monotonic() > deadline:
                self.proc.send_signal(signal.SIGKILL)
                raise AssertionError(f"program did not finish:\n{self.text}")
        while self._read(0.05):
            pass
        os.close(self.master)
        return self.proc.returncode

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")
