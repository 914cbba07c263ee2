"""The names of a vault folder's files, and the cheap test for "is there a vault here?".

Kept apart from the store so that asking costs no cryptography imports (the app's start-up).
"""

from __future__ import annotations

from pathlib import Path

HEADER_FILE = "vault.header"
NEXT_HEADER_FILE = "vault.header.next"
DB_FILE = "vault.sqlite"
LOCK_FILE = "vault.lock"


def is_vault(path: Path) -> bool:
    return (path / HEADER_FILE).exists()
