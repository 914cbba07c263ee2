"""The vault: an encrypted record store in a directory.

    vault.header   key slots, vault id, commit state (kit.vault.header)
    vault.sqlite   opaque ids, generations and ciphertext only
    vault.lock     an OS lock held only around a write transaction
    backups/       rotating copies of the two files above

The format is specified in docs/vault-format.md (database format 2). A write is: take the
lock, re-read the header, check the database against it, write the header with the new commit
as *pending*, commit the SQLite transaction, then write the header again with the commit
settled. A crash at any point leaves a header that accepts what the database holds.

Why one long module: the Vault class is the write protocol (the lock, the header, the database, the
commit) and every read checked against it. Its methods share that state, and how a commit is
written must be changed against how it is read. The header's encoding, key derivation, encryption,
key slots, backups and rotation already live in modules of their own.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import orjson
from cryptography.exceptions import InvalidTag

from kit.atomic import TEMP_SUFFIX, fsync_dir, sweep_temp_files, write_atomic
from kit.errors import (
    BadInput,
    HeaderDamaged,
    HeaderTampered,
    KeyChanged,
    KitError,
    ManifestMismatch,
    NotFound,
    NoVault,
    RecordDamaged,
    RollbackDetected,
    UsageError,
    VaultBusy,
    VaultClosed,
    VaultDamaged,
    VaultExists,
    WrongSecret,
)
from kit.vault import header as hdr
from kit.vault import kdf, recovery
from kit.vault.crypto import (
    DIGEST_BYTES,
    FORMAT_VERSION,
    LABEL_RECORD_AAD,
    NONCE_BYTES,
    TAG_BYTES,
    SealError,
    Subkeys,
    chunk_aad,
    digest_add,
    digest_mac,
    digest_of,
    entry_value,
    hkdf,
    mac_equal,
    open_sealed,
    pad,
    padding_is_zero,
    record_aad,
    seal,
    unpad_view,
)
from kit.vault.files import DB_FILE, HEADER_FILE, LOCK_FILE, NEXT_HEADER_FILE, is_vault
from kit.vault.lock import lock_timeout as lock_timeout
from kit.vault.lock import sqlite_errors as sqlite_errors
from kit.vault.lock import vault_busy as vault_busy
from kit.vault.lock import vault_lock as vault_lock
from kit.vault.manifest import (
    DB_FORMAT,
    DB_FORMATS,
    ID_BYTES,
    MANIFEST_SCHEMA,
    MANIFEST_TABLE,
    DbState,
    commit_mac,
    entries_of,
    manifest_altered,
    table_entries,
    with_manifest_table,
)
from kit.vault.manifest import decode_manifest as decode_manifest
from kit.vault.manifest import encode_manifest as encode_manifest
from kit.vault.slots import PassphraseKey as PassphraseKey
from kit.vault.slots import _unwrap
from kit.vault.slots import device_slot as device_slot
from kit.vault.slots import passphrase_slot as passphrase_slot
from kit.vault.slots import recovery_slot as recovery_slot

CHUNK_BYTES = 64 * 1024
_AAD_TAIL = struct.Struct(">QH")  # a record's associated data ends u64(gen) || u16(version)
_LENGTH = struct.Struct(">I")  # a padded plaintext starts with its payload's length

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    id BLOB PRIMARY KEY, gen INTEGER NOT NULL, ct BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS chunks (
    blob BLOB NOT NULL, idx INTEGER NOT NULL, ct BLOB NOT NULL,
    PRIMARY KEY (blob, idx)) WITHOUT ROWID;
""" + MANIFEST_SCHEMA + ";\n"
T = TypeVar("T")

if TYPE_CHECKING:
    from filelock import FileLock


class Record(NamedTuple):
    """One decrypted record. A tuple, not a frozen dataclass: loads build thousands."""

    id: str
    generation: int
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """One thing verify or load found wrong, named precisely."""

    code: str
    message: str
    record_id: str | None = None


@dataclass
class Snapshot:
    """Everything readable in the vault at one commit, plus what could not be trusted."""

    commit: int
    records: dict[str, Record]
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class BlobInfo:
    id: str
    size: int
    sha256: str
    chunks: int


@contextlib.contextmanager
def bulk_build() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load builds thousands of objects that all
    stay alive. Each of its rounds would walk every object the program holds (in the app,
    every widget too) only to free nothing. Reference counting still frees what dies; the
    collector runs again, as before, at the end. Nested and concurrent uses are safe: only the
    use that paused it turns it back on."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _plaintext(kind: str, data: dict[str, Any]) -> bytes:
    # Compact UTF-8 JSON, the same bytes json.dumps(separators=(",", ":")) gives.
    try:
        return pad(orjson.dumps({"kind": kind, "data": data}))
    except orjson.JSONEncodeError as exc:  # a lone surrogate, an integer over 64 bits ...
        raise BadInput(f"this {kind} record cannot be stored: {exc}; nothing was saved") from exc


def _parse_plaintext(padded: bytes) -> tuple[str, dict[str, Any]]:
    # orjson validates UTF-8 and parses in one pass (json.loads was the largest load cost),
    # and it reads the envelope through a view: no copy of it.
    body = orjson.loads(unpad_view(padded))
    kind, data = body["kind"], body["data"]
    if not isinstance(kind, str) or not isinstance(data, dict):
        raise ValueError("record body has the wrong shape")
    return kind, data


def _meta_state(meta: dict[str, Any]) -> DbState:
    """The database's commit as its meta rows state it, or VaultDamaged."""
    counter, fmt = meta.get("commit"), meta.get("format")
    proof = meta.get("manifest" if fmt == 1 else "digest")
    if (not isinstance(counter, int) or not isinstance(proof, bytes)
            or (fmt == DB_FORMAT and len(proof) != DIGEST_BYTES)):
        raise VaultDamaged("vault.sqlite is missing its commit record; restore a backup")
    return DbState(counter, fmt if fmt in DB_FORMATS else DB_FORMAT, proof)


def _connect(path: Path) -> sqlite3.Connection:
    if not path.exists():
        # SQLite would create it with the umask's mode; the vault's files are the user's alone.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return _configured(sqlite3.connect(path, isolation_level=None, timeout=30,
                                       check_same_thread=False))


def _configured(conn: sqlite3.Connection) -> sqlite3.Connection:
    """Every connection to vault.sqlite, the vault's own and prefetch()'s (which the vault
    takes over and writes through), is set up the same way."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA secure_delete=ON")
    return conn


_read_header_file = hdr.read_file


def read_header(path: Path) -> hdr.Header:
    """The stored header, checksummed but not authenticated (that needs the data key): for
    what may be known before unlocking, such as whether keyring unlock is on."""
    return hdr.decode(_read_header_file(path / HEADER_FILE))[0]


@dataclass(frozen=True)
class Credentials:
    """What the user offers to open the vault; exactly one is used."""

    # Never in a repr: a repr can reach a log, a worker's description or a traceback.
    passphrase: str | None = field(default=None, repr=False)
    recovery_key: bytes | None = field(default=None, repr=False)
    device_key: bytes | None = field(default=None, repr=False)


def unwrap_dek(header: hdr.Header, creds: Credentials) -> tuple[bytes, str]:
    """The data key and how it was opened, or WrongSecret. Touches no file."""
    vid = header.vault_id
    if creds.passphrase is not None:
        for slot in header.slots_of("passphrase"):
            assert slot.kdf is not None
            dek = _unwrap(kdf.derive(creds.passphrase, slot.kdf), slot, vid)
            if dek is not None:
                return dek, "passphrase"
        raise WrongSecret("wrong passphrase: the vault did not open. Nothing was changed.")
    if creds.recovery_key is not None:
        for slot in header.slots_of("recovery"):
            assert slot.salt is not None
            dek = _unwrap(hkdf(creds.recovery_key, slot.salt, b"flk/v1/recovery-slot"), slot, vid)
            if dek is not None:
                return dek, "recovery"
        raise WrongSecret("wrong recovery key: the vault did not open. Nothing was changed.")
    if creds.device_key is not None:
        for slot in header.slots_of("device"):
            dek = _unwrap(hkdf(creds.device_key, slot.id, b"flk/v1/device-slot"), slot, vid)
            if dek is not None:
                return dek, "device"
        raise WrongSecret("the key in this device's keyring does not open this vault")
    raise UsageError("no passphrase, recovery key or device key was given")


def require_vault(path: Path) -> None:
    if (path / HEADER_FILE).exists() or (path / NEXT_HEADER_FILE).exists():
        return
    if (path / DB_FILE).exists():
        raise HeaderDamaged(
            f"{path / HEADER_FILE} is missing but vault.sqlite is there: the vault is damaged. "
            "Restore both vault.header and vault.sqlite from the same folder in backups/."
        )
    raise NoVault(f"no vault here ({path}) — run `kit init`")


class _Entries:
    """The manifest as a write transaction sees it, one id at a time: `rid in txn.entries`
    and `txn.entries.get(rid, 0)` look the id up in the manifest table (uncommitted changes
    included), so a write never reads the whole manifest."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def get(self, rid: bytes, default: int = 0) -> int:
        row = self._conn.execute("SELECT gen FROM manifest WHERE id = ?", (rid,)).fetchone()
        if row is None:
            return default
        gen = row[0]
        if type(gen) is not int or not 1 <= gen < 2**63:
            raise manifest_altered()
        return int(gen)

    def __contains__(self, rid: object) -> bool:
        return isinstance(rid, bytes) and self.get(rid) > 0


class WriteTxn:
    """The operations allowed inside one write transaction."""

    def __init__(self, vault: Vault, conn: sqlite3.Connection, digest: bytes) -> None:
        self._vault = vault
        self._conn = conn
        self.entries = _Entries(conn)
        self.digest = digest  # the manifest digest with this transaction's changes
        self.changed = False

    def _entry(self, rid: bytes, old: int, new: int) -> None:
        """Record that *rid* went from generation *old* to *new* (0: absent), in the manifest
        table and in the digest: the digest changes by these two entries' values alone."""
        key, vid = self._vault._keys.manifest, self._vault.vault_id
        change = 0
        if old:
            change -= entry_value(key, vid, rid, old)
        if new:
            change += entry_value(key, vid, rid, new)
            self._conn.execute("INSERT OR REPLACE INTO manifest (id, gen) VALUES (?, ?)",
                               (rid, new))
        else:
            self._conn.execute("DELETE FROM manifest WHERE id = ?", (rid,))
        self.digest = digest_add(self.digest, change)
        self.changed = True

    def put(self, kind: str, data: dict[str, Any], record_id: str | None = None) -> Record:
        rid = bytes.fromhex(record_id) if record_id else os.urandom(ID_BYTES)
        old = self.entries.get(rid)
        if record_id is not None and not old:
            raise NotFound(f"no record {record_id} in this vault")
        return self._put(rid, old, kind, data)

    def _put(self, rid: bytes, old: int, kind: str, data: dict[str, Any]) -> Record:
        self._check_index(rid, old)
        gen = old + 1
        ct = seal(self._vault._keys.records, _plaintext(kind, data), self._vault._aad(rid, gen))
        self._conn.execute("INSERT OR REPLACE INTO records (id, gen, ct) VALUES (?, ?, ?)",
                           (rid, gen, ct))
        self._entry(rid, old, gen)
        return Record(rid.hex(), gen, kind, data)

    def delete(self, record_id: str) -> None:
        rid = bytes.fromhex(record_id)
        old = self.entries.get(rid)
        if not old:
            raise NotFound(f"no record {record_id} in this vault")
        self._check_index(rid, old)
        self._conn.execute("DELETE FROM records WHERE id = ?", (rid,))
        self._conn.execute("DELETE FROM chunks WHERE blob = ?", (rid,))
        self._entry(rid, old, 0)

    def _check_index(self, rid: bytes, gen: int) -> None:
        """Refuse to write through a damaged id index. Writes find a record's row by its id
        in SQLite's index; an index that no longer agrees with the table (which only
        `PRAGMA integrity_check` finds) would have an edit replace another record's row or
        add a second row for this one, turning a damaged index into lost records. *gen* is
        the record's generation in the manifest (0: a new id)."""
        indexed = self._conn.execute("SELECT rowid FROM records WHERE id = ?", (rid,)).fetchone()
        if indexed is not None:
            row = self._conn.execute("SELECT id FROM records WHERE rowid = ?", indexed).fetchone()
            agrees = row is not None and row[0] == rid
        elif gen > 0:  # written before, yet not in the index: is it there?
            agrees = self._conn.execute("SELECT 1 FROM records NOT INDEXED WHERE id = ?",
                                        (rid,)).fetchone() is None
        else:  # a new id: no row can hold it, so no scan
            agrees = True
        if not agrees:
            raise VaultDamaged(
                "vault.sqlite is damaged: its index of records no longer matches the records, "
                "so nothing was saved (saving could overwrite another record). Run `kit vault "
                "verify`, then restore from a backup.")

    def put_new(self, record_id: str, kind: str, data: dict[str, Any]) -> Record:
        """Insert a record under a given new id (restoring an export keeps its ids)."""
        rid = _parse_id(record_id)
        if rid in self.entries:
            raise KitError(f"record {record_id} already exists")
        return self._put(rid, 0, kind, data)

    def put_blob(self, data: bytes, blob_id: str | None = None) -> BlobInfo:
        """Store *data* in sealed 64 KiB chunks, described by a record of kind 'blob'."""
        bid = _parse_id(blob_id) if blob_id else os.urandom(ID_BYTES)
        if bid in self.entries:
            raise KitError(f"record {bid.hex()} already exists")
        count = max(1, -(-len(data) // CHUNK_BYTES))
        vid = self._vault.vault_id
        for index in range(count):
            piece = data[index * CHUNK_BYTES : (index + 1) * CHUNK_BYTES]
            aad = chunk_aad(vid, bid, index, index == count - 1)
            ct = seal(self._vault._keys.blobs, piece, aad)
            self._conn.execute("INSERT INTO chunks (blob, idx, ct) VALUES (?, ?, ?)",
                               (bid, index, ct))
        info = BlobInfo(bid.hex(), len(data), hashlib.sha256(data).hexdigest(), count)
        gen = 1
        meta = {"size": info.size, "sha256": info.sha256, "chunks": count}
        ct = seal(self._vault._keys.records, _plaintext("blob", meta), self._vault._aad(bid, gen))
        self._conn.execute("INSERT INTO records (id, gen, ct) VALUES (?, ?, ?)", (bid, gen, ct))
        self._entry(bid, 0, gen)
        return info


# A record row ready to decrypt: its id in hex, its generation, its sealed bytes (nonce, then
# ciphertext and tag) and the associated data they were sealed with.
ReadyRow = tuple[str, int, bytes, bytes]


class SortedRows(NamedTuple):
    """A read's record rows sorted against the manifest (sort_rows), before any decryption."""

    ready: list[ReadyRow]  # the rows to decrypt, in the order read
    problems: list[Problem]  # rows not in the manifest, of another generation, or not sealed
    missing: list[Problem]  # manifest entries with no row, by id


def sort_rows(rows: list[tuple[Any, Any, Any]], expected: dict[bytes, int],
              vault_id: bytes) -> SortedRows:
    """The half of a snapshot that needs no key: which rows the manifest *expected* vouches
    for, at the generation it names, each with its associated data; and what is wrong with
    the rest. Vault.snapshot runs it on rows it has just read; prefetch runs it on the rows it
    reads ahead, while the KDF runs, on the manifest and vault id as the database states them,
    which the first snapshot checks with the key before it uses what this made."""
    ready: list[ReadyRow] = []
    problems: list[Problem] = []
    seen: set[bytes] = set()
    prefix = LABEL_RECORD_AAD + vault_id  # as record_aad, built once
    tail, want_of, saw, keep = _AAD_TAIL.pack, expected.get, seen.add, ready.append
    for rid, gen, ct in rows:
        want = want_of(rid) if type(rid) is bytes else None
        if want is None:
            rid_hex = rid.hex() if isinstance(rid, bytes) else str(rid)
            problems.append(Problem(
                "unexpected_record",
                f"record {rid_hex} is not in the vault's record list (added from "
                "outside); it was ignored", rid_hex))
            continue
        saw(rid)
        if gen != want:
            problems.append(Problem(
                "stale_record",
                f"record {rid.hex()} is generation {gen} but generation {want} was "
                "last written (an older copy was put back); it was ignored", rid.hex()))
            continue
        # (A generation equal to an int but not one, 1.0, is only possible in a database
        # made outside the kit; it is damage, not a crash.)
        if type(gen) is not int or type(ct) is not bytes or len(ct) < NONCE_BYTES + TAG_BYTES:
            problems.append(_damaged(rid.hex()))
            continue
        keep((rid.hex(), gen, ct, prefix + rid + tail(gen, FORMAT_VERSION)))
    missing = [Problem("missing_record", f"record {rid.hex()} is missing from vault.sqlite",
                       rid.hex()) for rid in sorted(set(expected) - seen)]
    return SortedRows(ready, problems, missing)


def _damaged(rid_hex: str) -> Problem:
    return Problem("damaged_record", f"record {rid_hex} is damaged and cannot be read", rid_hex)


@dataclass(frozen=True)
class Prefetched:
    """What vault.sqlite holds, read before the key is known (while the passphrase is typed):
    one read transaction's meta rows, manifest rows and record rows, on the connection that
    read them, with what tells whether the file changed since. Vault.open adopts it, and the
    first snapshot() checks it with the key exactly as a fresh read is checked (section 7.8 of
    docs/vault-format.md), or, if the file changed, reads afresh."""

    path: Path
    conn: sqlite3.Connection = field(repr=False)
    file: tuple[int, int]  # (st_dev, st_ino) of vault.sqlite when it was read
    version: int  # PRAGMA data_version in that read: another connection's commit changes it
    meta: dict[str, Any] = field(repr=False)
    manifest: list[tuple[Any, Any]] = field(repr=False)
    records: list[tuple[Any, Any, Any]] = field(repr=False)
    # For database format 2: the manifest rows as a dict, and the record rows sorted against
    # it with the meta table's vault id (sort_rows), made on the read's thread; or None if
    # they could not be made so (the first snapshot then makes them, or names what is wrong).
    sorted: tuple[dict[bytes, int], SortedRows] | None = field(default=None, repr=False)

    def close(self) -> None:
        self.conn.close()


def prefetch(path: Path) -> Prefetched | None:
    """Read what an unlock will check and decrypt, needing no key, while the unlock waits for
    the key (see kit.vault.read_ahead). None if there is nothing to read or it cannot be read
    now, short of memory included (the unlock then reads as usual and reports what is wrong)."""
    db = path / DB_FILE
    try:
        stat = db.stat()
        # mode=rw: never made here if it is not there.
        conn = sqlite3.connect(f"file:{db}?mode=rw", uri=True, isolation_level=None,
                               timeout=30, check_same_thread=False)
    except (OSError, sqlite3.Error, MemoryError):
        return None
    try:
        _configured(conn)
        conn.execute("BEGIN")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        manifest = conn.execute("SELECT id, gen FROM manifest").fetchall() if meta.get(
            "format") == DB_FORMAT else []
        records = conn.execute("SELECT id, gen, ct FROM records").fetchall()
        conn.execute("COMMIT")
        sorted_rows = _sorted_ahead(meta, manifest, records)
    except (sqlite3.Error, MemoryError):
        conn.close()
        return None
    return Prefetched(path, conn, (stat.st_dev, stat.st_ino), version, meta, manifest, records,
                      sorted_rows)


def _sorted_ahead(meta: dict[str, Any], manifest: list[tuple[Any, Any]],
                  records: list[tuple[Any, Any, Any]],
                  ) -> tuple[dict[bytes, int], SortedRows] | None:
    """What prefetch can do of a snapshot with no key: the manifest table's rows checked and
    made a dict, and the record rows sorted against it (sort_rows), for database format 2.
    None where the rows are not as they should be: the first snapshot finds out why, once
    the key has shown the passphrase right."""
    vault_id = meta.get("vault_id")
    if meta.get("format") != DB_FORMAT or type(vault_id) is not bytes:
        return None
    try:
        entries = entries_of(manifest)
    except ManifestMismatch:
        return None
    return entries, sort_rows(records, entries, vault_id)


# What a closed vault holds instead of its keys: derived from zeros, opening nothing.
_CLOSED_KEYS = Subkeys(bytes(32), bytes(16))


class Vault:
    """An unlocked vault. Create with Vault.create or Vault.open; close when done."""

    def __init__(self, path: Path, header: hdr.Header, header_bytes: bytes, dek: bytes,
                 unlocked_by: str) -> None:
        self.path = path
        self.header = header
        self._header_bytes = header_bytes
        self._dek = dek
        self._keys = Subkeys(dek, header.vault_id)
        self.unlocked_by = unlocked_by
        self._conn_: sqlite3.Connection | None = None
        self._closed = False
        self._mutex = threading.RLock()
        # Made at the first write: a vault that is only read never imports filelock.
        self._file_lock: FileLock | None = None
        # The write transaction open in transaction(): (txn, counter it began at, thread).
        self._txn: tuple[WriteTxn, int, int] | None = None
        # The last format 2 manifest read and checked: ((counter, digest), entries).
        self._verified: tuple[tuple[int, bytes], dict[bytes, int]] | None = None
        # Read before the key was known (prefetch()): used, or dropped, by the first snapshot.
        self._prefetched: Prefetched | None = None

    # --- opening and creating ---

    @property
    def vault_id(self) -> bytes:
        return self.header.vault_id

    @classmethod
    def open(cls, path: Path, creds: Credentials,
             prefetched: Prefetched | Callable[[], Prefetched | None] | None = None) -> Vault:
        """Unlock the vault at *path*. A wrong secret raises before any file is touched.
        *prefetched* (see prefetch()) is taken over once the vault opens, or closed if it is
        not of this file; after a wrong secret it is still the caller's, to try again with.
        It may be a function that gives it, called once the key is known, as
        kit.vault.read_ahead.ReadAhead.take: the read can then go on while the KDF runs."""
        require_vault(path)
        # A key change cut short leaves vault.header.next, or a temp file of a header write.
        if (path / NEXT_HEADER_FILE).exists() or any(path.glob(f".*{TEMP_SUFFIX}")):
            _settle_rotation(path)
        try:
            data = _read_header_file(path / HEADER_FILE)
        except FileNotFoundError:
            raise NoVault(f"no vault here ({path}) — run `kit init`") from None
        header, signed, tag = hdr.decode(data)
        dek, how = unwrap_dek(header, creds)
        vault = cls(path, header, data, dek, how)
        hdr.check_mac(signed, tag, vault._keys.header_mac)
        if not mac_equal(header.key_id, vault._keys.key_id):
            raise HeaderTampered("the vault header names a different data key; restore a backup")
        if not (path / DB_FILE).exists():
            raise VaultDamaged(f"{path / DB_FILE} is missing; restore it from the backups folder")
        vault._finish_backup_rekey()
        vault._adopt(prefetched() if callable(prefetched) else prefetched)
        return vault

    def _adopt(self, prefetched: Prefetched | None) -> None:
        """Use the connection and rows read before the key was known, if they were read from
        the file that is vault.sqlite now; the first snapshot() checks whether anything was
        committed to it since."""
        if prefetched is None:
            return
        try:
            stat = (self.path / DB_FILE).stat()
            same = (prefetched.path == self.path and self._conn_ is None
                    and (stat.st_dev, stat.st_ino) == prefetched.file)
        except OSError:
            same = False
        if not same:
            prefetched.close()
            return
        self._conn_, self._prefetched = prefetched.conn, prefetched

    @classmethod
    def create(cls, path: Path, passphrase: str, profile: str = "default",
               show: Callable[[str], None] | None = None,
               fill: Callable[[Vault], object] | None = None) -> tuple[Vault, str]:
        """A new vault at *path*; returns it and the recovery key text, to be shown once.

        While the vault is still in its staging folder, *fill* may write its first records (a
        restore), and then *show* is given the recovery key: a failure or kill before that
        leaves no vault, and one after it leaves a whole vault whose key was shown."""
        if path.exists() and (is_vault(path) or (path / DB_FILE).exists()):
            raise VaultExists(f"a vault already exists at {path}; `kit init` never overwrites one")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise VaultExists(f"{path} exists and is not an empty folder; choose another place")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = path.parent / f".{path.name}.init-{os.urandom(4).hex()}"
        staging.mkdir(mode=0o700)
        try:
            vault_id, dek = os.urandom(16), os.urandom(32)
            recovery_text, recovery_key = recovery.generate()
            keys = Subkeys(dek, vault_id)
            slots = (passphrase_slot(passphrase, dek, vault_id, profile),
                     recovery_slot(recovery_key, dek, vault_id))
            with contextlib.closing(_connect(staging / DB_FILE)) as conn, sqlite_errors("create"):
                conn.executescript(SCHEMA)
                conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [
                    ("format", DB_FORMAT), ("vault_id", vault_id), ("key_id", keys.key_id),
                    ("commit", 0), ("digest", bytes(DIGEST_BYTES)),
                ])
            first = hdr.Commit(0, digest_mac(keys.manifest, vault_id, 0, bytes(DIGEST_BYTES)))
            header = hdr.Header(vault_id, keys.key_id, slots, first, critical=(MANIFEST_TABLE,))
            data = hdr.encode(header, keys.header_mac)
            write_atomic(staging / HEADER_FILE, data)
            (staging / LOCK_FILE).touch(mode=0o600)
            staged = cls(staging, header, data, dek, "passphrase")
            from kit.vault.identity import create_identity

            create_identity(staged)
            if fill is not None:
                fill(staged)
            staged.close()
            if show is not None:
                show(recovery_text)
            if path.exists():
                path.rmdir()
            os.rename(staging, path)
            fsync_dir(path.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return cls.open(path, Credentials(passphrase=passphrase)), recovery_text

    def close(self) -> None:
        """Close the database and forget the keys: a closed vault cannot be read again.

        (Python cannot wipe the key bytes from memory; dropping every reference is what it can
        do, and it makes any later use fail loudly instead of quietly decrypting.)
        """
        with self._mutex:
            if self._conn_ is not None:
                self._conn_.close()
                self._conn_ = None
            self._closed = True
            self._verified = None
            self._prefetched = None
            self._dek = b""
            self._keys = _CLOSED_KEYS

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ---

    def _conn(self) -> sqlite3.Connection:
        if self._closed:
            raise VaultClosed("the vault is locked; unlock it again to continue")
        if self._conn_ is None:
            with sqlite_errors("open vault.sqlite"):
                self._conn_ = _connect(self.path / DB_FILE)
        return self._conn_

    def _aad(self, rid: bytes, gen: int) -> bytes:
        return record_aad(self.vault_id, rid, gen)

    def _reload_header(self) -> bool:
        """Re-read the header from disk; True if it changed (another process wrote)."""
        data = _read_header_file(self.path / HEADER_FILE)
        if data == self._header_bytes:
            return False
        header, signed, tag = hdr.decode(data)
        if header.key_id != self.header.key_id:
            raise KeyChanged(
                "the vault's key was changed in another window while this one had it open, so "
                "nothing was saved here. Unlock the vault again (with the new passphrase if "
                "one was set) and try again."
            )
        hdr.check_mac(signed, tag, self._keys.header_mac)
        self.header, self._header_bytes = header, data
        return True

    def _write_header(self, header: hdr.Header) -> None:
        data = hdr.encode(header, self._keys.header_mac)
        try:
            write_atomic(self.path / HEADER_FILE, data)
        except OSError as exc:
            raise KitError(
                f"could not save the vault header ({exc.strerror}); nothing was changed"
            ) from exc
        self.header, self._header_bytes = header, data

    def _read_meta(self, conn: sqlite3.Connection) -> DbState:
        return _meta_state(dict(conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('commit', 'format', 'manifest', 'digest')")))

    def _expected(self, counter: int) -> hdr.Commit | None:
        if counter == self.header.state.counter:
            return self.header.state
        if self.header.pending is not None and counter == self.header.pending.counter:
            return self.header.pending
        return None

    def _check_commit(self, state: DbState) -> hdr.Commit:
        """The header commit the database is at, or the rollback/tamper error."""
        counter = state.counter
        expected = self._expected(counter)
        if expected is None:
            raise RollbackDetected(
                f"vault.sqlite is at commit {counter} but vault.header expects commit "
                f"{self.header.state.counter}: the two files do not belong together (one was "
                "replaced by an older or foreign copy). Restore both from the same backup."
            )
        if not mac_equal(commit_mac(self._keys.manifest, self.vault_id, state, counter),
                         expected.mac):
            raise manifest_altered()
        return expected

    def _manifest(self, conn: sqlite3.Connection, state: DbState,
                  settled: bool = True) -> dict[bytes, int]:
        """Every manifest entry, vouched for: format 1's encoded list is covered by the MAC
        _check_commit checked; format 2's table must add up to the digest it checked.

        A format 2 check reads every row, so the entries of a *settled* commit (not one this
        process is writing) are kept for the next read at the same commit and digest: a
        read of one record or file then costs no more than in format 1. A commit changes
        both, so nothing written since is missed; the vault does not guard its files against
        changes made while it is unlocked (section 15.3 of docs/vault-format.md)."""
        if state.format == 1:
            return decode_manifest(state.proof)
        known = self._verified
        if settled and known is not None and known[0] == (state.counter, state.proof):
            return known[1]
        entries = table_entries(conn)
        if not mac_equal(digest_of(self._keys.manifest, self.vault_id, entries.items()),
                         state.proof):
            raise manifest_altered()
        if settled:
            self._verified = ((state.counter, state.proof), entries)
        return entries

    def _upgrade(self, conn: sqlite3.Connection, state: DbState) -> bytes:
        """Inside a write transaction on a format 1 database that _check_commit vouched for:
        make it format 2 (the manifest table and its digest), so that it commits with the
        transaction's own changes or not at all. Returns the digest."""
        entries = decode_manifest(state.proof)
        conn.execute("DROP TABLE IF EXISTS manifest")  # nothing of a format 1 vault's own
        conn.execute(MANIFEST_SCHEMA)
        conn.executemany("INSERT INTO manifest (id, gen) VALUES (?, ?)", entries.items())
        digest = digest_of(self._keys.manifest, self.vault_id, entries.items())
        conn.execute("DELETE FROM meta WHERE key IN ('manifest', 'digest')")
        conn.execute("INSERT INTO meta (key, value) VALUES ('digest', ?)", (digest,))
        conn.execute("UPDATE meta SET value = ? WHERE key = 'format'", (DB_FORMAT,))
        return digest

    def _finish_backup_rekey(self) -> None:
        """If a rotation died before re-keying every backup, retire what it left behind."""
        from kit.vault.backups import retire_foreign, tidying_due

        if not tidying_due(self):  # nearly always: no lock taken, and filelock not imported
            return
        from filelock import Timeout as LockTimeout

        try:
            with vault_lock(self.path, timeout=0):
                retire_foreign(self)
        except LockTimeout:
            pass  # a writer is busy; the next open will do it

    def _rotation_in_flight(self) -> bool:
        """Another process has committed a key change and is about to replace the header."""
        if not (self.path / NEXT_HEADER_FILE).exists():
            return False
        time.sleep(0.05)
        return True

    @contextlib.contextmanager
    def _read_txn(self) -> Iterator[tuple[sqlite3.Connection, int, dict[bytes, int]]]:
        """A consistent snapshot, checked against the header (retrying if a writer moved on):
        the connection, the commit counter, and the manifest, vouched for."""
        with self._mutex, sqlite_errors("read the vault"):
            conn = self._conn()
            joined = self._open_txn()
            if joined is not None:  # inside this thread's write: its own view, writes and all
                txn, counter = joined
                yield conn, counter, self._manifest(conn, DbState(counter, DB_FORMAT, txn.digest),
                                                    settled=False)
                return
            for _attempt in range(50):
                conn.execute("BEGIN")
                try:
                    state = self._read_meta(conn)
                    if self._expected(state.counter) is None and (
                            self._reload_header() or self._rotation_in_flight()):
                        conn.execute("COMMIT")
                        continue
                    self._check_meta(conn)
                    self._check_commit(state)
                    yield conn, state.counter, self._manifest(conn, state)
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
                return
            raise VaultBusy("the vault kept changing while it was being read; try again")

    def _take_prefetched(self) -> tuple[int, SortedRows] | None:
        """The prefetched read, checked as _read_txn checks a fresh one: the commit counter
        and the record rows sorted against the manifest it vouches for; or None if there is
        none or the database has had a commit since it was read (the caller then reads
        afresh). Used once."""
        with self._mutex:
            pre, self._prefetched = self._prefetched, None
            if pre is None or self._conn_ is not pre.conn or self._open_txn() is not None:
                return None
            with sqlite_errors("read the vault"):
                if pre.conn.execute("PRAGMA data_version").fetchone()[0] != pre.version:
                    return None
                state = _meta_state(pre.meta)
                if self._expected(state.counter) is None:
                    return None  # another writer may have moved on: _read_txn sorts it out
                self._check_meta_values(pre.meta)
                self._check_commit(state)
                if state.format == 1:
                    entries = decode_manifest(state.proof)
                    return state.counter, sort_rows(pre.records, entries, self.vault_id)
                # Made on the read's thread from these same rows, with meta's vault id, which
                # _check_meta_values has just found to be the header's.
                if pre.sorted is not None:
                    entries, rows = pre.sorted
                else:
                    entries = entries_of(pre.manifest)
                    rows = sort_rows(pre.records, entries, self.vault_id)
                if not mac_equal(digest_of(self._keys.manifest, self.vault_id, entries.items()),
                                 state.proof):
                    raise manifest_altered()
                self._verified = ((state.counter, state.proof), entries)
            return state.counter, rows

    # --- reading ---

    def snapshot(self) -> Snapshot:
        """Decrypt every record the manifest vouches for; name every one that fails.

        In two halves (section 7.8 of docs/vault-format.md): sort_rows, which needs no key and
        so runs while the KDF does when the rows were read ahead (prefetch), and _open_rows,
        which decrypts. Together they check what get() and _parse_plaintext check."""
        early = self._take_prefetched()
        if early is not None:
            counter, rows = early
        else:
            with self._read_txn() as (conn, counter, expected):
                read = conn.execute("SELECT id, gen, ct FROM records").fetchall()
            rows = sort_rows(read, expected, self.vault_id)
        records, damaged = self._open_rows(rows.ready)
        return Snapshot(counter, records, [*rows.problems, *damaged, *rows.missing])

    def _open_rows(self, ready: list[ReadyRow]) -> tuple[dict[str, Record], list[Problem]]:
        """Decrypt and parse rows sort_rows made ready: the records by id, and a
        damaged_record problem for each that fails.

        The loop is the unlock's cost (10,000 entries are read at each unlock), so it is
        written flat, each step a call into C: the padding compared with zeros in one memcmp,
        orjson reading the payload through a view, Record tuples made without NamedTuple's
        Python-level constructor, and the cyclic garbage collector paused while it builds
        thousands of objects that all live on (see bulk_build)."""
        records: dict[str, Record] = {}
        damaged: list[Problem] = []
        decrypt, length_of, loads = self._keys.records.decrypt, _LENGTH.unpack_from, orjson.loads
        new_record = tuple.__new__
        with bulk_build():
            for rid_hex, gen, ct, aad in ready:
                try:
                    padded = decrypt(ct[:NONCE_BYTES], ct[NONCE_BYTES:], aad)
                    end = 4 + length_of(padded)[0]
                    if end > len(padded) or not padding_is_zero(padded, end):
                        raise ValueError("padding is malformed")
                    body = loads(memoryview(padded)[4:end])
                    kind, data = body["kind"], body["data"]
                    if type(kind) is not str or type(data) is not dict:
                        raise ValueError("record body has the wrong shape")
                except (InvalidTag, ValueError, KeyError, TypeError, struct.error):
                    damaged.append(_damaged(rid_hex))
                    continue
                records[rid_hex] = new_record(Record, (rid_hex, gen, kind, data))
        return records, damaged

    def get(self, record_id: str) -> Record:
        rid = _parse_id(record_id)
        with self._read_txn() as (conn, _counter, expected):
            row = conn.execute("SELECT gen, ct FROM records WHERE id = ?", (rid,)).fetchone()
        if rid not in expected:
            raise NotFound(f"no record {record_id} in this vault")
        if row is None:
            raise RecordDamaged(f"record {record_id} is missing from vault.sqlite", record_id)
        gen, ct = row
        if gen != expected[rid]:
            raise RecordDamaged(f"record {record_id} was replaced by an older copy", record_id)
        try:
            if type(gen) is not int:  # 1.0, in a table made outside the kit: as sort_rows
                raise ValueError("the generation is not a whole number")
            kind, data = _parse_plaintext(open_sealed(self._keys.records, ct, self._aad(rid, gen)))
        except (SealError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise RecordDamaged(f"record {record_id} is damaged and cannot be read",
                                record_id) from exc
        return Record(record_id, gen, kind, data)

    def get_blob(self, blob_id: str) -> bytes:
        meta = self.get(blob_id)
        if meta.kind != "blob":
            raise NotFound(f"{blob_id} is not a stored file")
        bid = bytes.fromhex(blob_id)
        with self._read_txn() as (conn, _c, _m):
            rows = conn.execute("SELECT idx, ct FROM chunks WHERE blob = ? ORDER BY idx",
                                (bid,)).fetchall()
        return self._assemble_blob(blob_id, meta.data, rows)

    def _assemble_blob(self, blob_id: str, meta: dict[str, Any],
                       rows: list[tuple[int, bytes]]) -> bytes:
        count = meta.get("chunks")
        damaged = RecordDamaged(f"stored file {blob_id} is damaged or incomplete", blob_id)
        indexes = [index for index, _ct in rows]
        if (type(count) is not int or indexes != list(range(count))
                or any(type(index) is not int for index in indexes)):  # 1.0 == 1, but not int
            raise damaged
        bid = bytes.fromhex(blob_id)
        parts = []
        for index, ct in rows:
            aad = chunk_aad(self.vault_id, bid, index, index == count - 1)
            try:
                parts.append(open_sealed(self._keys.blobs, ct, aad))
            except (SealError, TypeError) as exc:  # TypeError: a chunk stored as text
                raise damaged from exc
        data = b"".join(parts)
        if hashlib.sha256(data).hexdigest() != meta.get("sha256") or len(data) != meta.get("size"):
            raise damaged
        return data

    # --- writing ---

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the vault's write lock: no write from this process or another runs while the
        block does. Every write takes it (transaction(), set_slots(), a key rotation), and a
        caller takes it to work with the vault's files as they stand, such as a backup copy.

            with vault.locked():
                copy_the_files()

        Waits up to KIT_LOCK_TIMEOUT seconds (default 10), then raises VaultBusy. Re-entrant
        in the thread that holds it: this vault's own writes inside the block go ahead; other
        threads of this process wait for it, as other processes do (section 12 of
        docs/vault-format.md)."""
        from filelock import Timeout as LockTimeout

        with self._mutex:
            if self._file_lock is None:
                self._file_lock = vault_lock(self.path)
            try:
                with self._file_lock:
                    yield
            except LockTimeout:
                raise vault_busy() from None

    @contextlib.contextmanager
    def _checked_write(self, what: str) -> Iterator[tuple[sqlite3.Connection, DbState,
                                                           hdr.Commit]]:
        """Inside the lock: BEGIN IMMEDIATE on a database checked against its header, rolled
        back if the caller fails. The caller commits. The check is of the counter and the
        MAC of the digest (format 1: of the whole manifest), not of every manifest row: a row
        altered on disk stays altered, since a commit only adds and takes out the values of
        the entries it changes, and the next read finds the digest wrong."""
        conn = self._conn()
        with sqlite_errors(what):
            conn.execute("BEGIN IMMEDIATE")
            try:
                state = self._read_meta(conn)
                self._check_meta(conn)
                yield conn, state, self._check_commit(state)
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def write(self, operations: Callable[[WriteTxn], T]) -> T:
        """Run *operations* as one durable, atomic transaction (or as part of the one this
        thread has open; see transaction())."""
        with self.transaction() as txn:
            return operations(txn)

    def _open_txn(self) -> tuple[WriteTxn, int] | None:
        """The transaction this thread has open, with the commit counter it started from."""
        held = self._txn
        if held is None or held[2] != threading.get_ident():
            return None
        return held[0], held[1]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[WriteTxn]:
        """One durable, atomic transaction for everything written in the block, through
        write(), put(), delete() or the transaction itself: all of it lands, or none of it.
        Reads in the block see its writes. A block inside another joins the outer one."""
        from kit.vault.backups import take_if_due

        joined = self._open_txn()
        if joined is not None:
            yield joined[0]
            return
        with self.locked():
            self._reload_header()
            # Only under the lock: no other writer can have a temp file in flight.
            sweep_temp_files(self.path)
            take_if_due(self)
            with self._checked_write("save to the vault") as (conn, state, current):
                counter = state.counter
                digest = self._upgrade(conn, state) if state.format == 1 else state.proof
                txn = WriteTxn(self, conn, digest)
                self._txn = (txn, counter, threading.get_ident())
                try:
                    yield txn
                finally:
                    self._txn = None
                if not txn.changed:
                    conn.execute("ROLLBACK")  # a format 1 database stays as it was
                    return
                new = hdr.Commit(counter + 1, digest_mac(
                    self._keys.manifest, self.vault_id, counter + 1, txn.digest))
                conn.execute("UPDATE meta SET value = ? WHERE key = 'commit'", (new.counter,))
                conn.execute("UPDATE meta SET value = ? WHERE key = 'digest'", (txn.digest,))
                # The header learns of the commit before the database holds it ...
                self._write_header(with_manifest_table(self.header).with_commit(current, new))
                conn.execute("COMMIT")
            # ... and settles once it does. A crash in between leaves both acceptable.
            self._write_header(self.header.with_commit(new, None))

    def put(self, kind: str, data: dict[str, Any], record_id: str | None = None) -> Record:
        return self.write(lambda txn: txn.put(kind, data, record_id))

    def delete(self, record_id: str) -> None:
        self.write(lambda txn: txn.delete(record_id))

    def put_blob(self, data: bytes) -> BlobInfo:
        return self.write(lambda txn: txn.put_blob(data))

    # --- checking ---

    def _check_meta(self, conn: sqlite3.Connection) -> None:
        """vault.sqlite names the vault, data key and format it belongs to: they must be the
        header's. Called once the header is current (a key change made by another window is
        noticed before this, by the commit check and _reload_header), so a mismatch is a
        database from another vault or from before or after a key change, named as such
        rather than blamed on a rollback."""
        self._check_meta_values(dict(conn.execute(
            "SELECT key, value FROM meta WHERE key IN ('format', 'vault_id', 'key_id')")))

    def _check_meta_values(self, meta: dict[str, Any]) -> None:
        """_check_meta, on meta rows read before."""
        wrong = []
        if meta.get("vault_id") != self.vault_id:
            wrong.append("its vault id is not the header's: it belongs to another vault")
        elif meta.get("key_id") != self.header.key_id:
            wrong.append("its data key is not the header's: one of the two files is a copy "
                         "from before or after a key change")
        if meta.get("format") not in DB_FORMATS:
            wrong.append(f"its format number is {meta.get('format')!r}, not 1 or {DB_FORMAT}")
        if wrong:
            raise VaultDamaged(
                "vault.sqlite does not belong with vault.header: " + "; and ".join(wrong)
                + ". Nothing was changed; restore both files from the same folder in backups/.")

    def verify(self) -> list[Problem]:
        """Check the header, the manifest, every record and every stored file."""
        problems: list[Problem] = []
        try:
            with self._read_txn() as (conn, _c, _m), sqlite_errors("check vault.sqlite"):
                # The full check: quick_check skips whether each index matches its table, and
                # a stale id index makes later edits replace or duplicate the wrong rows.
                integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
                chunk_rows = conn.execute("SELECT blob, idx, ct FROM chunks ORDER BY blob, idx")
                chunks: dict[bytes, list[tuple[int, bytes]]] = {}
                for blob, index, ct in chunk_rows:
                    chunks.setdefault(blob, []).append((index, ct))
        except VaultDamaged as exc:
            return [Problem(exc.code, exc.message)]
        if integrity != ["ok"]:
            problems.append(Problem(
                "sqlite", "vault.sqlite is damaged (SQLite's integrity check: "
                + "; ".join(integrity[:5]) + "); the problems listed after this one may "
                "follow from it"))
        snap = self.snapshot()
        problems.extend(snap.problems)
        for record in snap.records.values():
            if record.kind != "blob":
                continue
            try:
                self._assemble_blob(record.id, record.data,
                                    chunks.pop(bytes.fromhex(record.id), []))
            except RecordDamaged as exc:
                problems.append(Problem("damaged_blob", exc.message, record.id))
        damaged_ids = {p.record_id for p in snap.problems}
        # SQLite lets a tampered blob id be text or a number: name it, never crash on it.
        for orphan in sorted(chunks, key=lambda key: (type(key).__name__, key)):
            name = orphan.hex() if isinstance(orphan, bytes) else repr(orphan)
            if name not in damaged_ids:
                problems.append(Problem(
                    "orphan_chunks",
                    f"vault.sqlite holds file chunks ({name}) that no record describes", name))
        return problems

    # --- key management ---

    def set_slots(self, slots: tuple[hdr.Slot, ...]) -> None:
        """Replace the key slots (same data key) in the header and in every backup."""
        if not slots:
            raise UsageError("a vault needs at least one key slot")
        with self.locked():
            self._reload_header()
            self._write_header(replace(self.header, slots=slots))
            from kit.vault.backups import reslot_backups

            reslot_backups(self)

    def change_passphrase(self, new_passphrase: str, profile: str | None = None) -> None:
        keep = tuple(s for s in self.header.slots if s.type != "passphrase")
        old = self.header.slots_of("passphrase")
        chosen = profile or (old[0].kdf.profile_name() if old and old[0].kdf else "default")
        chosen = chosen if chosen in kdf.PROFILES else "default"
        self.set_slots((passphrase_slot(new_passphrase, self._dek, self.vault_id, chosen), *keep))

    def add_device_slot(self, device_key: bytes) -> None:
        keep = tuple(s for s in self.header.slots if s.type != "device")
        self.set_slots((*keep, device_slot(device_key, self._dek, self.vault_id)))

    def remove_device_slot(self) -> None:
        self.set_slots(tuple(s for s in self.header.slots if s.type != "device"))

    def slot_types(self) -> list[str]:
        return [s.type for s in self.header.slots]

    def kdf_params(self) -> kdf.KdfParams | None:
        slots = self.header.slots_of("passphrase")
        return slots[0].kdf if slots else None

    @property
    def key_change_unfinished(self) -> bool:
        """A key change stopped before retiring the old recovery key: both keys still open the
        vault (kit.vault.rotation explains the phases)."""
        return len(self.header.slots_of("recovery")) > 1

    def rotate(self, passphrase: str, profile: str | None = None,
               show: Callable[[str], None] | None = None) -> str:
        """A new data key: re-encrypt everything, backups too. *show* is given the new recovery
        key once it opens the vault and before the old one is retired. Returns the key."""
        from kit.vault.rotation import change_keys

        return change_keys(self, passphrase, profile, show or (lambda _text: None))


def _parse_id(record_id: str) -> bytes:
    try:
        rid = bytes.fromhex(record_id)
    except ValueError:
        raise NotFound(f"{record_id!r} is not a record id") from None
    if len(rid) != ID_BYTES:
        raise NotFound(f"{record_id!r} is not a record id")
    return rid


def _settle_rotation(path: Path) -> None:
    """Finish or discard a key rotation a crash interrupted, using the database as the judge."""
    from filelock import Timeout as LockTimeout

    from kit.vault.rotation import settle

    try:
        settle(path)
    except LockTimeout:
        raise vault_busy("changing its key") from None
