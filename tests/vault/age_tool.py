"""Driving the standard `age` tool, which reads passphrases only from a terminal: it runs on
a pseudo-terminal it owns as its controlling terminal, and each reply is typed when its prompt
appears. Shared by the vault's age interoperability tests and the evidence pack's."""

from __future__ import annotations

import errno
import fcntl
import os
import pty
import select
import shutil
import signal
import subprocess
import termios
import time
from collections.abc import Sequence

AGE = shutil.which("age")


def _take_terminal() -> None:
    """In the child, after setsid (start_new_session): make the pty on fd 0 its terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def age_on_terminal(args: Sequence[str], replies: Sequence[tuple[bytes, str]],
                    timeout: float = 60) -> tuple[int, str]:
    """Run `age` on a new pty, typing each reply when its prompt appears.

    Returns the exit status and everything age wrote to the terminal.
    """
    assert AGE is not None
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(
            [AGE, *args], stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
            preexec_fn=_take_terminal,  # after setsid: see _take_terminal
        )
    finally:
        os.close(slave)
    transcript = b""
    answered = 0
    pending = list(replies)
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"age did not finish; it wrote:\n{transcript.decode()}")
            ready, _, _ = select.select([master], [], [], min(left, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(master, 4096)
            except OSError as exc:  # EIO: age exited and the terminal closed
                if exc.errno != errno.EIO:
                    raise
                chunk = b""
            if not chunk:
                break
            transcript += chunk
            if pending and pending[0][0] in transcript[answered:]:
                prompt, reply = pending.pop(0)
                answered = transcript.index(prompt, answered) + len(prompt)
                os.write(master, reply.encode() + b"\n")
        code = proc.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    assert not pending, f"age never asked for {pending[0][0]!r}:\n{transcript.decode()}"
    return code, transcript.decode(errors="replace")
