"""Writing to a file the person named, asking first if one is already there.

The core (kit.chosen_file) refuses an existing file unless told it may replace it; on the
command line --force says so, here a yes to a plain question does. Every screen that writes a
file the person named calls write_or_ask(), so the app asks the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App

from kit.errors import FileAlreadyExists, KitError
from kit.tui.widgets.confirm import ConfirmDialog

T = TypeVar("T")


def replace_question(path: Path) -> str:
    return (f"There is already a file at {path}. Replace it? What is in that file now will be "
            "lost; choose Keep it to leave it as it is and write nothing.")


def write_or_ask(app: App[Any], write: Callable[[bool], T], done: Callable[[T], None],
                 failed: Callable[[str], None], kept: Callable[[str], None]) -> None:
    """Run write(overwrite=False); if a file is there already, ask, and run write(True) only
    on a yes. done() gets the result, failed() the reason nothing was written, and kept()
    a calm line when the person chose to keep their file (a choice, not an error).

    *write* raises FileAlreadyExists before changing anything (kit.chosen_file), so it may
    run twice; a file that appears between a check and the write is refused there too, and
    the question is asked about it."""

    def attempt(overwrite: bool) -> None:
        try:
            result = write(overwrite)
        except FileAlreadyExists as exc:
            ask(Path(exc.path))
            return
        except KitError as exc:
            failed(exc.message)
            return
        done(result)

    def ask(path: Path) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                attempt(True)
            else:
                kept(kept_message(path))

        app.push_screen(ConfirmDialog(replace_question(path), yes="Replace it", no="Keep it"),
                        answered)

    attempt(False)


def kept_message(path: Path) -> str:
    return f"Nothing was written: you kept the file already at {path}, as it was."
