"""Process hygiene, applied first thing in every run.

Python cannot reliably wipe secrets from memory (strings are immutable and may be copied by
the interpreter), so the kit narrows where they can leak instead: no core dumps, secrets
taken out of the environment so child processes never inherit them, and Textual's debug,
log and screenshot switches cleared before Textual can be imported.
"""

from __future__ import annotations

import contextlib
import os
import sys

_TEXTUAL_WRITERS = ("TEXTUAL", "TEXTUAL_LOG", "TEXTUAL_SCREENSHOT", "TEXTUAL_SCREENSHOT_LOCATION",
                    "TEXTUAL_SCREENSHOT_FILENAME", "TEXTUAL_DEBUG", "TEXTUAL_DEVTOOLS_HOST",
                    "TEXTUAL_DEVTOOLS_PORT", "TEXTUAL_SHOW_RETURN", "TEXTUAL_PRESS")


def disable_core_dumps() -> None:
    if sys.platform.startswith(("linux", "darwin", "freebsd")):
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def clear_textual_debugging() -> None:
    for name in _TEXTUAL_WRITERS:
        os.environ.pop(name, None)


def harden_process() -> None:
    disable_core_dumps()
    clear_textual_debugging()
