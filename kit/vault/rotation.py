"""Key rotation: a new data key, everything re-encrypted, backups too.

The new header is written beside the old one as vault.header.next; the database is
re-encrypted in one transaction that also records the new key id; then the new header
replaces the old. On open, settle() uses the database's key id to finish or discard an
interrupted rotation.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from kit.errors import KitError, VaultDamaged
from kit.vault import header as hdr
from kit.vault import recovery
from kit.vault.atomic import fsync_dir, write_atomic
from kit.vault.crypto import (
    SealError,
    Subkeys,
    chunk_aad,
    manifest_mac,
    open_sealed,
    record_aad,
    seal,
)

if TYPE_CHECKING:
    from kit.vault.store import Vault


def reencrypt(conn: sqlite3.Connection, vault_id: bytes, old: Subkeys, new: Subkeys) -> None:
    """Re-seal every record and chunk under *new*, inside the caller's transaction."""
    ids = [row[0] for row in conn.execute("SELECT id FROM records")]
    for rid in ids:
        gen, ct = conn.execute("SELECT gen, ct FROM records WHERE id = ?", (rid,)).fetchone()
        aad = record_aad(vault_id, rid, gen)
        plain = open_sealed(old.records, ct, aad)
        conn.execute("UPDATE records SET ct = ? WHERE id = ?", (seal(new.records, plain, aad), rid))
    counts = dict(conn.execute("SELECT blob, COUNT(*) FROM chunks GROUP BY blob").fetchall())
    for blob, count in counts.items():
        for index in range(count):
            (ct,) = conn.execute("SELECT ct FROM chunks WHERE blob = ? AND idx = ?",
                                 (blob, index)).fetchone()
            aad = chunk_aad(vault_id, blob, index, index == count - 1)
            plain = open_sealed(old.blobs, ct, aad)
            conn.execute("UPDATE chunks SET ct = ? WHERE blob = ? AND idx = ?",
                         (seal(new.blobs, plain, aad), blob, index))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'key_id'", (new.key_id,))


def rotate(vault: Vault, passphrase: str, profile: str | None) -> str:
    from kit.vault.backups import list_backups, take
    from kit.vault.files import HEADER_FILE, NEXT_HEADER_FILE
    from kit.vault.store import passphrase_slot, recovery_slot

    problems = vault.verify()
    if problems:
        raise VaultDamaged(
            f"the vault has damage, so its key was not changed: {problems[0].message}. "
            "Run `kit vault verify` for the full list."
        )
    old_params = vault.kdf_params()
    chosen = profile or (old_params.profile_name() if old_params else "default")
    chosen = chosen if chosen != "custom" else "default"
    new_dek = os.urandom(32)
    new_keys = Subkeys(new_dek, vault.vault_id)
    recovery_text, recovery_key = recovery.generate()
    slots = (passphrase_slot(passphrase, new_dek, vault.vault_id, chosen),
             recovery_slot(recovery_key, new_dek, vault.vault_id))
    with vault._mutex, vault._locked():
        vault._reload_header()
        take(vault)
        try:
            with vault._checked_write("re-encrypt the vault") as (conn, counter, manifest, _):
                reencrypt(conn, vault.vault_id, vault._keys, new_keys)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'commit'", (counter + 1,))
                state = hdr.Commit(counter + 1, manifest_mac(
                    new_keys.manifest, vault.vault_id, counter + 1, manifest))
                header = hdr.Header(vault.vault_id, new_keys.key_id, slots, state,
                                    minor=vault.header.minor, extra=vault.header.extra)
                data = hdr.encode(header, new_keys.header_mac)
                write_atomic(vault.path / NEXT_HEADER_FILE, data)
                conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(OSError):
                (vault.path / NEXT_HEADER_FILE).unlink()
            raise
        os.replace(vault.path / NEXT_HEADER_FILE, vault.path / HEADER_FILE)
        fsync_dir(vault.path)
        old_keys = vault._keys
        vault.header, vault._header_bytes = header, data
        vault._dek, vault._keys = new_dek, new_keys
        for backup in list_backups(vault.path):
            _rekey_backup(backup, vault, old_keys)
    return recovery_text


def _rekey_backup(backup: Path, vault: Vault, old_keys: Subkeys) -> None:
    """Re-encrypt one backup copy under the vault's new key, or remove it if it cannot be."""
    from kit.vault.files import DB_FILE, HEADER_FILE

    staging = backup.with_name(f".{backup.name}.rekey")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        shutil.copytree(backup, staging)
        hdr.decode((staging / HEADER_FILE).read_bytes())  # unreadable: removed below
        with contextlib.closing(sqlite3.connect(staging / DB_FILE, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            reencrypt(conn, vault.vault_id, old_keys, vault._keys)
            counter, manifest = vault._read_meta(conn)
            conn.execute("COMMIT")
        state = hdr.Commit(counter, manifest_mac(vault._keys.manifest, vault.vault_id, counter,
                                                 manifest))
        header = hdr.Header(vault.vault_id, vault._keys.key_id, vault.header.slots, state)
        write_atomic(staging / HEADER_FILE, hdr.encode(header, vault._keys.header_mac))
        retired = backup.with_name(f".{backup.name}.old")
        os.rename(backup, retired)
        os.rename(staging, backup)
        shutil.rmtree(retired, ignore_errors=True)
    except (OSError, sqlite3.Error, SealError, KitError):
        # A backup the old key cannot open would still open with the retired secrets: remove it.
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


def settle(path: Path) -> None:
    """Finish a rotation whose database committed, or discard one that did not."""
    from kit.vault.files import DB_FILE, HEADER_FILE, NEXT_HEADER_FILE
    from kit.vault.store import sqlite_errors, vault_lock

    nxt = path / NEXT_HEADER_FILE
    db = path / DB_FILE
    with vault_lock(path):
        if not nxt.exists():
            return
        try:
            pending, _s, _t = hdr.decode(nxt.read_bytes())
        except (KitError, OSError):
            nxt.unlink()
            return
        if not db.exists():
            return  # reported as a missing database once the header is read
        with sqlite_errors("finish an interrupted key change"), contextlib.closing(
                sqlite3.connect(f"{db.as_uri()}?mode=rw", uri=True)) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'key_id'").fetchone()
        if row is not None and row[0] == pending.key_id:
            os.replace(nxt, path / HEADER_FILE)
        else:
            nxt.unlink()
        fsync_dir(path)
