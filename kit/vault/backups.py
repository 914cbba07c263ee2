"""Rotating local backups: consistent copies of vault.header and vault.sqlite.

A copy is taken at most once a day before a write, and always before a passphrase change
(`kit passwd`) or a key rotation. Copies hold ciphertext only. The newest KEEP are kept.
They follow the vault's keys: a passphrase change re-slots them, a rotation re-encrypts them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from kit.atomic import fsync_dir, write_atomic
from kit.errors import KitError
from kit.vault import header as hdr
from kit.vault.crypto import Subkeys

KEEP = 7
DAILY = 24 * 3600
# Leftovers of a crash: half-made copies, and copies under a retired key (.rekey/.old).
LEFTOVERS = (".*.partial", ".*.rekey", ".*.old")


class Vault(Protocol):
    """The open vault as its backups read it (kit.vault.store.Vault is one). The vault takes
    its backups through this module, so the module names what it reads instead of importing
    the store."""

    path: Path
    header: hdr.Header
    _header_bytes: bytes
    _keys: Subkeys
    _mutex: threading.RLock

    def _conn(self) -> sqlite3.Connection: ...


def backup_root(vault_path: Path) -> Path:
    return vault_path / "backups"


def list_backups(vault_path: Path) -> list[Path]:
    root = backup_root(vault_path)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def take(vault: Vault) -> Path:
    """Copy the vault as it stands now. The caller holds the vault's write lock."""
    from kit.vault.files import DB_FILE, HEADER_FILE

    root = backup_root(vault.path)
    root.mkdir(mode=0o700, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    staging = root / f".{stamp}.partial"
    staging.mkdir(mode=0o700)
    try:
        os.close(os.open(staging / DB_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        target = sqlite3.connect(staging / DB_FILE)
        try:
            with vault._mutex:
                vault._conn().backup(target)
        finally:
            target.close()
        with open(staging / DB_FILE, "rb+") as fh:
            os.fsync(fh.fileno())
        write_atomic(staging / HEADER_FILE, vault._header_bytes)
        final = root / stamp
        os.rename(staging, final)
        fsync_dir(root)
    except (OSError, sqlite3.Error) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise KitError(f"could not make a backup copy of the vault: {exc}") from exc
    prune(vault.path)
    return final


def prune(vault_path: Path, keep: int = KEEP) -> None:
    root = backup_root(vault_path)
    for pattern in LEFTOVERS:
        for leftover in root.glob(pattern):
            shutil.rmtree(leftover, ignore_errors=True)
    for old in list_backups(vault_path)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)


def tidying_due(vault: Vault) -> bool:
    """Whether prune() or retire_foreign() has anything to remove: read without the lock, so
    that opening a vault whose backups are in order (nearly always) takes no lock. A writer
    may change them meanwhile; what this misses, the next open finds."""
    root = backup_root(vault.path)
    if not root.is_dir():
        return False
    if any(next(root.glob(pattern), None) for pattern in LEFTOVERS):
        return True
    backups = list_backups(vault.path)
    return len(backups) > KEEP or any(_foreign(vault, backup) for backup in backups)


def _foreign(vault: Vault, backup: Path) -> bool:
    """A backup under another data key, or whose header cannot be read."""
    from kit.vault.files import HEADER_FILE

    try:
        header, _signed, _tag = hdr.decode(hdr.read_file(backup / HEADER_FILE))
    except (OSError, KitError):
        return True
    return header.key_id != vault.header.key_id


def retire_foreign(vault: Vault) -> None:
    """Remove backups under another data key. Only an interrupted rotation leaves them, and
    they would still open with the secrets that rotation retired. Caller holds the lock."""
    prune(vault.path)
    for backup in list_backups(vault.path):
        if _foreign(vault, backup):
            shutil.rmtree(backup, ignore_errors=True)


def take_if_due(vault: Vault) -> None:
    backups = list_backups(vault.path)
    if backups and time.time() - backups[-1].stat().st_mtime < DAILY:
        return
    take(vault)


def reslot_backups(vault: Vault) -> None:
    """Give every backup the vault's current key slots, so an old passphrase opens none."""
    from kit.vault.files import HEADER_FILE

    for backup in list_backups(vault.path):
        path = backup / HEADER_FILE
        try:
            header, _signed, _tag = hdr.decode(hdr.read_file(path))
            if header.key_id != vault.header.key_id:
                raise KitError("backup is under another data key")
            updated = replace(header, slots=vault.header.slots)
            write_atomic(path, hdr.encode(updated, vault._keys.header_mac))
        except (OSError, KitError):
            # It would still open with the old secrets; a stale copy is worth less than that.
            shutil.rmtree(backup, ignore_errors=True)
