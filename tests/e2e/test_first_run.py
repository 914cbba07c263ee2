"""A newcomer's first run, typed into a real terminal: tmux drives the installed `kit`."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.tmux import KIT, Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it)")

PASSPHRASE = "a calm and private passphrase"


@pytest.fixture
def tmux(kit_env: Path) -> Iterator[Tmux]:
    socket = f"kit-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    env.update(TERM="xterm-256color")
    session = Tmux(socket, env)
    session.run("-f", "/dev/null", "new-session", "-d", "-s", "kit", "-x", "120", "-y", "40",
                "bash --norc --noprofile")
    try:
        yield session
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, env=env)


def test_first_run_in_a_terminal(tmux: Tmux, kit_env: Path) -> None:
    assert Path(KIT).exists(), "the kit console script is installed in the venv"
    tmux.type(f"export KIT_HOME={shlex.quote(str(kit_env))} KIT_KDF_PROFILE=minimum")
    tmux.type(f"{KIT} init")
    tmux.wait_for("Choose a vault passphrase:")
    tmux.type("short")
    tmux.wait_for("too short")
    tmux.wait_for("Choose a vault passphrase:", count=2)
    tmux.type(PASSPHRASE)
    tmux.wait_for("Type the vault passphrase again:")
    tmux.type(PASSPHRASE)
    screen = tmux.wait_for("RECOVERY KEY")
    assert PASSPHRASE not in screen  # never echoed
    tmux.type("echo INIT-DONE=$?")
    tmux.wait_for("INIT-DONE=0")
    # The status is echoed by the same command line: typed afterwards, it could arrive while
    # getpass restores the terminal, which discards pending input (TCSAFLUSH).
    tmux.type(f"echo 'Difficult home visit, handled well' | {KIT} journal add --tag visits; "
              "echo ADDED=$?")
    tmux.wait_for("Passphrase:")
    tmux.type(PASSPHRASE)
    tmux.wait_for("ADDED=0")
    tmux.type(f"{KIT} journal list; echo EXIT=$?")
    tmux.wait_for("Passphrase:", count=2)
    tmux.type(PASSPHRASE)
    tmux.wait_for("EXIT=0")  # the output, not the typed "EXIT=$?"
    screen = tmux.screen()
    assert "Difficult home visit, handled well #visits" in screen
    assert "EXIT=0" in screen
    assert PASSPHRASE not in screen
    assert "Traceback" not in screen
