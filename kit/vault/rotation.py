"""Key changes: a new data key, everything re-encrypted, backups too, and never a moment in
which the user holds no recovery key that works.

A key change (`kit passwd --rotate`, `kit recover`, `kit keyring disable`) goes in three steps:

1. Add. The header gains the new passphrase slot and a slot for a new recovery key, both
   wrapping the current data key. The old recovery key still works; so do the new secrets.
2. Show. The caller shows the new recovery key (and may ask the user to confirm it). Only now
   can the old one be retired: the user has seen the key that replaces it.
3. Retire. A new data key: the database is re-encrypted in one transaction that also records
   the new key id; the new header (the new passphrase and the new recovery key only) is written
   beside the old one as vault.header.next and then replaces it. On open, settle() uses the
   database's key id to finish or discard a retire that a crash interrupted.

So at every instant either the old recovery key opens the vault, or the new one does and has
been shown. A header with more than one recovery slot is a change stopped between steps 1 and 3:
both keys work, and every unlock says so until a change completes (Vault.key_change_unfinished).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kit.atomic import fsync_dir, sweep_temp_files, write_atomic
from kit.errors import KeyChangeStopped, KitError, VaultDamaged
from kit.vault import backups, recovery
from kit.vault import header as hdr
from kit.vault.crypto import (
    SealError,
    Subkeys,
    chunk_aad,
    digest_of,
    mac_equal,
    open_sealed,
    record_aad,
    seal,
)
from kit.vault.lock import sqlite_errors, vault_lock
from kit.vault.manifest import (
    DB_FORMAT,
    MANIFEST_TABLE,
    DbState,
    commit_mac,
    manifest_altered,
    table_entries,
)
from kit.vault.slots import PassphraseKey, recovery_slot

if TYPE_CHECKING:
    from kit.vault.kdf import KdfParams


class Found(Protocol):
    @property
    def message(self) -> str: ...


class Vault(backups.Vault, Protocol):
    """The open vault as a key change works on it (kit.vault.store.Vault is one): its lock,
    header, keys and meta. The store settles and starts key changes through this module, so
    the module names what it uses instead of importing the store."""

    _dek: bytes

    @property
    def vault_id(self) -> bytes: ...
    def verify(self) -> Sequence[Found]: ...
    def kdf_params(self) -> KdfParams | None: ...
    def set_slots(self, slots: tuple[hdr.Slot, ...]) -> None: ...
    def _reload_header(self) -> bool: ...
    def locked(self) -> AbstractContextManager[None]: ...
    def _checked_write(self, what: str) -> AbstractContextManager[
        tuple[sqlite3.Connection, DbState, hdr.Commit]]: ...
    def _read_meta(self, conn: sqlite3.Connection) -> DbState: ...


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


def redigest(conn: sqlite3.Connection, vault_id: bytes, state: DbState, old: Subkeys,
             new: Subkeys) -> DbState:
    """Inside the caller's transaction: *state* under the new keys. A format 2 digest is
    keyed, so it is computed again over the manifest table, once the table is shown to add up
    to the old digest (whose MAC the caller checked): a new digest over rows nobody checked
    would vouch for whatever they had become. A format 1 manifest is unkeyed and stays."""
    if state.format == 1:
        return state
    entries = table_entries(conn)
    if not mac_equal(digest_of(old.manifest, vault_id, entries.items()), state.proof):
        raise manifest_altered()
    digest = digest_of(new.manifest, vault_id, entries.items())
    conn.execute("UPDATE meta SET value = ? WHERE key = 'digest'", (digest,))
    return state._replace(proof=digest)


class _Deferred:
    interrupted = False


@contextlib.contextmanager
def _ctrl_c_deferred() -> Iterator[_Deferred]:
    """Hold ctrl+c back for the steps that must not be cut in two in this process.

    A SIGKILL cannot be held back, and settle() covers it; this is so that a ctrl+c never
    leaves the process believing, and telling the user, something other than what is on disk.
    Python handles signals only on the main thread, so elsewhere there is nothing to defer.
    """
    state = _Deferred()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def remember(_signum: int, _frame: object) -> None:
        state.interrupted = True

    previous = signal.signal(signal.SIGINT, remember)
    try:
        yield state
    finally:
        signal.signal(signal.SIGINT, previous)


STOPPED_BEFORE_RETIRING = (
    "stopped before the old recovery key was retired. Your new passphrase is set, and your old "
    "recovery key still works. So does the new one, if it was shown. To finish changing the "
    "keys, run `kit passwd --rotate` again."
)


def change_keys(vault: Vault, passphrase: str, profile: str | None,
                show: Callable[[str], None]) -> str:
    """Change the data key and the recovery key, setting *passphrase*; *show* is called with
    the new recovery key once it opens the vault, before the old one stops working."""
    problems = vault.verify()
    if problems:
        raise VaultDamaged(
            f"the vault has damage, so its key was not changed: {problems[0].message}. "
            "Run `kit vault verify` for the full list."
        )
    old_params = vault.kdf_params()
    chosen = profile or (old_params.profile_name() if old_params else "default")
    chosen = chosen if chosen != "custom" else "default"
    passphrase_key = PassphraseKey.derive(passphrase, chosen)
    recovery_text, recovery_key = recovery.generate()
    with _ctrl_c_deferred() as held:
        _add_secrets(vault, passphrase_key, recovery_key)
    try:
        if held.interrupted:
            raise KeyboardInterrupt
        show(recovery_text)
        old_keys = _retire(vault, passphrase_key, recovery_key)
    except KeyboardInterrupt:
        raise KeyChangeStopped(f"stopped {STOPPED_BEFORE_RETIRING}") from None
    except KeyChangeStopped:
        raise
    except KitError as exc:  # a full disk, a busy vault: the same state, and the same words
        stopped = KeyChangeStopped(f"{exc.message}. So the key change {STOPPED_BEFORE_RETIRING}")
        stopped.exit_code = exc.exit_code
        raise stopped from exc
    try:
        for backup in backups.list_backups(vault.path):
            _rekey_backup(backup, vault, old_keys)
    except KeyboardInterrupt:
        raise KeyChangeStopped(
            "stopped after the keys were changed: your new passphrase and the new recovery key "
            "are the ones that work now. Some backup copies were not yet re-encrypted; they "
            "are removed the next time the vault opens."
        ) from None
    return recovery_text


def _add_secrets(vault: Vault, passphrase_key: PassphraseKey, recovery_key: bytes) -> None:
    """Step 1: the new passphrase and a new recovery key open the vault; the old key still does."""
    with vault.locked():
        vault._reload_header()
        dek, vid = vault._dek, vault.vault_id
        kept = tuple(s for s in vault.header.slots if s.type != "passphrase")
        vault.set_slots((passphrase_key.slot(dek, vid), *kept,
                         recovery_slot(recovery_key, dek, vid)))


def _retire(vault: Vault, passphrase_key: PassphraseKey, recovery_key: bytes) -> Subkeys:
    """Step 3: a new data key, which only the new passphrase and recovery key open. Returns
    the old keys, for re-encrypting the backups."""
    from kit.vault.files import HEADER_FILE, NEXT_HEADER_FILE
    new_dek = os.urandom(32)
    new_keys = Subkeys(new_dek, vault.vault_id)
    slots = (passphrase_key.slot(new_dek, vault.vault_id),
             recovery_slot(recovery_key, new_dek, vault.vault_id))
    nxt = vault.path / NEXT_HEADER_FILE
    with vault.locked():
        vault._reload_header()
        sweep_temp_files(vault.path)
        backups.take(vault)
        committed = False
        try:
            with vault._checked_write("re-encrypt the vault") as (conn, db, _):
                reencrypt(conn, vault.vault_id, vault._keys, new_keys)
                db = redigest(conn, vault.vault_id, db, vault._keys, new_keys)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'commit'", (db.counter + 1,))
                state = hdr.Commit(db.counter + 1, commit_mac(
                    new_keys.manifest, vault.vault_id, db, db.counter + 1))
                header = hdr.Header(vault.vault_id, new_keys.key_id, slots, state,
                                    minor=vault.header.minor, critical=vault.header.critical,
                                    extra=vault.header.extra)
                data = hdr.encode(header, new_keys.header_mac)
                write_atomic(nxt, data)
                # From COMMIT until the new header is in place, this process must not stop
                # believing the old key is current: ctrl+c waits.
                with _ctrl_c_deferred():
                    conn.execute("COMMIT")
                    committed = True
                    os.replace(nxt, vault.path / HEADER_FILE)
                    fsync_dir(vault.path)
                    old_keys = vault._keys
                    vault.header, vault._header_bytes = header, data
                    vault._dek, vault._keys = new_dek, new_keys
        except BaseException:
            # Before COMMIT the old key is still current and vault.header.next must go; after
            # it, vault.header.next is the only copy of the new key's slots, and settle() on
            # the next open puts it in place.
            if not committed:
                with contextlib.suppress(OSError):
                    nxt.unlink()
            raise
        return old_keys


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
            db = vault._read_meta(conn)
            _check_backup(db, vault.vault_id, old_keys, hdr.decode(
                (staging / HEADER_FILE).read_bytes())[0])
            reencrypt(conn, vault.vault_id, old_keys, vault._keys)
            db = redigest(conn, vault.vault_id, db, old_keys, vault._keys)
            conn.execute("COMMIT")
        state = hdr.Commit(db.counter, commit_mac(vault._keys.manifest, vault.vault_id, db,
                                                  db.counter))
        header = hdr.Header(vault.vault_id, vault._keys.key_id, vault.header.slots, state,
                            critical=(MANIFEST_TABLE,) if db.format == DB_FORMAT else ())
        write_atomic(staging / HEADER_FILE, hdr.encode(header, vault._keys.header_mac))
        retired = backup.with_name(f".{backup.name}.old")
        os.rename(backup, retired)
        os.rename(staging, backup)
        shutil.rmtree(retired, ignore_errors=True)
    except (OSError, sqlite3.Error, SealError, KitError):
        # A backup the old key cannot open would still open with the retired secrets: remove it.
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)


def _check_backup(db: DbState, vault_id: bytes, old: Subkeys, header: hdr.Header) -> None:
    """A backup is re-encrypted only if its database is the commit its own header vouches
    for under the old key (redigest then checks a format 2 table row by row)."""
    expected = [c for c in (header.state, header.pending) if c is not None
                and c.counter == db.counter]
    if not expected or not mac_equal(commit_mac(old.manifest, vault_id, db, db.counter),
                                     expected[0].mac):
        raise KitError("this backup does not match its header")


def settle(path: Path) -> None:
    """Finish a rotation whose database committed, or discard one that did not; remove the
    temp files of header writes that a kill cut short."""
    from kit.vault.files import DB_FILE, HEADER_FILE, NEXT_HEADER_FILE

    nxt = path / NEXT_HEADER_FILE
    db = path / DB_FILE
    with vault_lock(path):
        sweep_temp_files(path)
        if not nxt.exists():
            return
        try:
            pending, _s, _t = hdr.decode(hdr.read_file(nxt))
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
