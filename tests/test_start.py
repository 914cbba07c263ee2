"""`kit` on its own in a terminal opens the app without loading the command line (kit.start);
anything else, and every error, goes through kit.cli as before."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.pty_session import PtySession

# Stands in for the app (kit.tui.launch.launch_app), then runs the real entry point.
PROBE = """
import sys
import kit.tui.launch
from kit.errors import UsageError

def launch_app(vault_path):
    import gc
    print("OPENED", vault_path, "click loaded:", "click" in sys.modules,
          "collector paused:", not gc.isenabled(), flush=True)
    if sys.argv[1] == "refuse":
        raise UsageError("config.toml: idle_lock_minutes must be a whole number")

kit.tui.launch.launch_app = launch_app
from kit.start import main
main(sys.argv[2:])
"""


def _run(tmp_path: Path, *args: str) -> tuple[int, str]:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    env = {**os.environ, "KIT_HOME": str(tmp_path / "home")}
    env.pop("KIT_VAULT", None)
    session = PtySession([sys.executable, str(probe), *args], env=env)
    code = session.wait(timeout=60)
    return code, session.text


def test_kit_alone_opens_the_app_without_the_command_line(tmp_path: Path) -> None:
    code, text = _run(tmp_path, "open")
    assert code == 0, text
    assert (f"OPENED {tmp_path / 'home' / 'vault'} click loaded: False collector paused: True"
            in text)


def test_an_error_opening_the_app_has_its_message_and_exit_code(tmp_path: Path) -> None:
    code, text = _run(tmp_path, "refuse")
    assert code == 2, text  # UsageError's, as kit.cli gives it
    assert "kit: config.toml: idle_lock_minutes must be a whole number" in text
    assert "Traceback" not in text


def test_any_argument_goes_to_the_command_line(tmp_path: Path) -> None:
    code, text = _run(tmp_path, "open", "--vault", str(tmp_path / "other"))
    assert code == 0, text
    assert f"OPENED {tmp_path / 'other'} click loaded: True collector paused: False" in text
