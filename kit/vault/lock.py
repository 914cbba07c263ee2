"""The vault folder's write lock, and what SQLite's failures mean to the person. Below the
store, so the key rotation uses them without importing it."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kit.errors import KitError, VaultBusy, VaultDamaged
from kit.vault.files import LOCK_FILE

if TYPE_CHECKING:
    from filelock import FileLock


def vault_lock(path: Path, timeout: float | None = None) -> FileLock:
    """The OS lock around write transactions (flock / LockFileEx), released if the process
    dies. Never a marker file: a filesystem without OS locks is an error, not a fallback.
    filelock is imported here, at the first write: a command that only reads does without it
    and what it brings (logging, traceback and more: some 10-20 ms of a command's start-up)."""
    from filelock import FileLock

    return FileLock(str(path / LOCK_FILE), timeout=lock_timeout() if timeout is None else timeout,
                    fallback_to_soft=False)


def lock_timeout() -> float:
    """Seconds a writer waits for the lock before reporting the vault busy."""
    try:
        return float(os.environ.get("KIT_LOCK_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def vault_busy(doing: str = "saving") -> VaultBusy:
    return VaultBusy(f"the vault is busy: another Frontline Kit window is {doing}. "
                     "Try again in a moment.")


@contextlib.contextmanager
def sqlite_errors(what: str) -> Iterator[None]:
    """Turn SQLite's failures into the vault's own, each saying what to do."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise vault_busy() from exc
        if "full" in text:
            raise KitError(
                f"the disk is full: could not {what}. Nothing was changed; "
                "free some space and try again."
            ) from exc
        if "disk I/O" in text or "readonly" in text or "unable to open" in text:
            raise KitError(
                f"could not {what}: the system refused to write ({text}). Nothing was changed. "
                "Check that the disk has free space and the vault folder is writable, then "
                "try again."
            ) from exc
        raise VaultDamaged(f"vault.sqlite is damaged ({text}); restore it from a backup") from exc
    except sqlite3.DatabaseError as exc:
        raise VaultDamaged(f"vault.sqlite is damaged ({exc}); restore it from a backup") from exc
