"""The `kit` command's entry point.

`kit` on its own, in a terminal, opens the app, and that is how most people start the kit: it
goes straight there, without loading the command line (click and the group), so the lock
screen comes up sooner. Everything else, and every error, goes to kit.cli, the one place errors
become exit codes.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from kit import credentials
from kit.hygiene import harden_process


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args or not (sys.stdin.isatty() and sys.stdout.isatty()):
        # The command line's modules are made without the collector's rounds, and kept out
        # of them after: they live as long as the command.
        gc.disable()
        from kit.cli import main as command_line

        gc.freeze()
        gc.enable()
        command_line(args)
        return
    before_app()
    try:
        open_app()
    except BaseException as exc:
        from kit.cli import exit_code_for

        sys.exit(exit_code_for(exc, as_json=False))
    sys.exit(0)


def before_app() -> None:
    """What `kit` does before it loads the app: the process hardened, the secrets taken out of
    the environment, and the garbage collector paused until the first screen is up (see
    kit.tui.launch.launch_app, which pauses it too, for `kit --vault DIR`)."""
    harden_process()
    credentials.take_from_environment()
    gc.disable()


def open_app() -> None:
    """What `kit` with no arguments does in a terminal (as `kit --vault DIR` does with DIR)."""
    from kit import paths
    from kit.tui.launch import launch_app

    launch_app(paths.vault_dir())
