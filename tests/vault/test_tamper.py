"""Tamper sweep: every way of altering a closed vault's files is detected, and nothing the vault
hands back is ever anything but what was written.

One pristine vault is built per module; each case alters a copy of it (rows are located through
SQL on vault.sqlite after the vault is closed, so the WAL is checkpointed and the file holds
everything). By default a seeded sample of about 200 cases runs, each on its own copy opened
afresh. `--slow` adds every bit of the header, every byte and every truncation length of every
record's and chunk's ciphertext; those run on one long-lived copy, undoing each change after it
is checked, because a fresh copy and a fresh Argon2id unlock per byte would take hours.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import struct
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from kit.errors import (
    HeaderDamaged,
    HeaderTampered,
    KitError,
    VaultDamaged,
)
from kit.vault import Credentials, Problem, Record, Vault
from tests.conftest import PASSPHRASE, run_kit

# Fixed so that a failing case reproduces run after run; the case names say where it struck.
SEED = 20_240_607
HEADER = "vault.header"
DB = "vault.sqlite"
CREDS = Credentials(passphrase=PASSPHRASE)
PREFIX = struct.Struct(">8sHHI")  # magic, major, minor, body length: format v1, section 3
DIGEST = 32

# How many cases of each kind the default run samples (the structural cases always run).
SAMPLE_HEADER_FLIPS = 32
SAMPLE_HEADER_CUTS = 8
SAMPLE_RECORD_FLIPS = 16
SAMPLE_RECORD_CUTS = 8
SAMPLE_CHUNK_FLIPS = 20
SAMPLE_CHUNK_CUTS = 8


# --- the pristine vault ---


@dataclass(frozen=True, repr=False)
class Pristine:
    """A closed vault nobody touches after the fixture, and the truth about its contents."""

    path: Path
    records: dict[str, Record]  # every record, exactly as written
    blobs: dict[str, bytes]  # every stored file, exactly as written
    journal: list[str]  # journal[0] was edited once (generation 2)
    identity: str
    big_blob: str  # two chunks: one full 64 KiB chunk and a short last one
    small_blob: str
    empty_blob: str
    old_row: tuple[bytes, int, bytes]  # journal[0]'s row before its edit
    old_db: Path  # vault.sqlite as it was before the later writes
    old_header: Path  # vault.header from the same moment
    foreign_header: bytes  # the header of another vault with the same passphrase
    header: bytes
    record_rows: dict[bytes, tuple[int, bytes]]  # id -> (generation, ciphertext)
    chunk_rows: dict[tuple[bytes, int], bytes]  # (blob id, index) -> ciphertext

    def __repr__(self) -> str:  # the contents would bury a failure report
        return f"Pristine({self.path})"


def _journal(rng: random.Random, words: int) -> dict[str, object]:
    vocabulary = ["safe", "plan", "call", "doorstep", "reflect", "supervision", "tired",
                  "ok", "ça va", "ßtraße", "日記", "🙂", "quote\"d", "back\\slash"]
    return {
        "text": " ".join(rng.choice(vocabulary) for _ in range(words)),
        "tags": ["work", "sleep"][: rng.randint(0, 2)],
        "mood": rng.randint(0, 10),
        "created": "2024-06-07T09:30:00+00:00",
    }


def _assert_checkpointed(path: Path) -> None:
    # Copying vault.sqlite alone is only a faithful copy if nothing waits in the WAL.
    wal = path / f"{DB}-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "closing the vault left a WAL behind"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Pristine:
    # Module scope: conftest's kit_env is function-scoped, so this uses the API directly with
    # the minimum profile rather than the environment.
    root = tmp_path_factory.mktemp("pristine")
    path = root / "vault"
    # Deterministic content keeps ciphertext lengths, and so the sampled positions, stable.
    rng = random.Random(SEED)
    vault, _recovery = Vault.create(path, PASSPHRASE, "minimum")
    with vault:
        journal = [vault.put("journal", _journal(rng, words)).id for words in (3, 90, 500, 8)]
        big = vault.put_blob(rng.randbytes(64 * 1024 + 1000)).id
        small = vault.put_blob(rng.randbytes(300)).id
        empty = vault.put_blob(b"").id
    _assert_checkpointed(path)
    with contextlib.closing(sqlite3.connect(path / DB)) as conn:
        old_row = conn.execute("SELECT id, gen, ct FROM records WHERE id = ?",
                               (bytes.fromhex(journal[0]),)).fetchone()
    shutil.copyfile(path / DB, root / "old.sqlite")
    shutil.copyfile(path / HEADER, root / "old.header")
    with Vault.open(path, CREDS) as vault:
        vault.put("journal", _journal(rng, 12), record_id=journal[0])
        journal.append(vault.put("journal", _journal(rng, 20)).id)
        vault.delete(journal.pop(3))
    _assert_checkpointed(path)
    with Vault.open(path, CREDS) as vault:
        snap = vault.snapshot()
        assert not snap.problems and not vault.verify(), "the pristine vault is not healthy"
        records = dict(snap.records)
        blobs = {bid: vault.get_blob(bid) for bid in (big, small, empty)}
    assert records[journal[0]].generation == 2
    identity = next(r.id for r in records.values() if r.kind == "identity")
    other, _ = Vault.create(root / "foreign", PASSPHRASE, "minimum")
    other.close()
    with contextlib.closing(sqlite3.connect(path / DB)) as conn:
        record_rows = {rid: (gen, ct) for rid, gen, ct in conn.execute(
            "SELECT id, gen, ct FROM records")}
        chunk_rows = {(blob, idx): ct for blob, idx, ct in conn.execute(
            "SELECT blob, idx, ct FROM chunks")}
    assert len([k for k in chunk_rows if k[0] == bytes.fromhex(big)]) == 2
    return Pristine(
        path=path, records=records, blobs=blobs, journal=journal, identity=identity,
        big_blob=big, small_blob=small, empty_blob=empty, old_row=old_row,
        old_db=root / "old.sqlite", old_header=root / "old.header",
        foreign_header=(root / "foreign" / HEADER).read_bytes(),
        header=(path / HEADER).read_bytes(), record_rows=record_rows, chunk_rows=chunk_rows,
    )


# --- cases ---


@dataclass(frozen=True)
class Case:
    """One way of altering a closed vault, and what detecting it must look like.

    refused_with: Vault.open must raise one of these; empty means the header is intact, so
        open must succeed and verify must find the damage.
    named: record ids verify must name.
    damaged: records allowed to become unreadable; every other record must still read back
        (the rest still open). None means the damage is vault-wide (a rolled-back database),
        so any read may be refused, though never answered wrongly.
    """

    name: str
    tamper: Callable[[Path], None]
    refused_with: tuple[type[KitError], ...] = ()
    named: frozenset[str] = frozenset()
    damaged: frozenset[str] | None = frozenset()


@contextlib.contextmanager
def db(path: Path) -> Iterator[sqlite3.Connection]:
    """A write transaction on a closed vault's database, committed if the block succeeds."""
    conn = sqlite3.connect(path / DB, isolation_level=None)
    # A tamper need not survive a power cut; skipping its fsyncs halves the sweep's time.
    conn.execute("PRAGMA synchronous=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


def change(conn: sqlite3.Connection, sql: str, *args: object) -> None:
    # A tamper that matched no row would leave the vault intact and the case meaningless.
    assert conn.execute(sql, args).rowcount >= 1, f"tamper matched no row: {sql}"


def flipped(data: bytes, at: int, bit: int) -> bytes:
    return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]


@dataclass(frozen=True)
class RowEdit:
    """Replace one row's ciphertext by a bit-flipped or truncated copy of itself."""

    table: str  # "records" or "chunks"
    key: tuple[bytes] | tuple[bytes, int]
    owner: str  # the record id whose reads the edit must spoil
    flip_at: int | None = None  # flip bit (flip_at % 8) of this byte, or ...
    cut_to: int | None = None  # ... keep only this many bytes

    @property
    def name(self) -> str:
        where = f"{self.table} {self.key[0].hex()[:8]}" + (
            f"#{self.key[1]}" if len(self.key) == 2 else "")
        if self.flip_at is not None:
            return f"{where}: bit {self.flip_at % 8} of byte {self.flip_at} flipped"
        return f"{where}: ciphertext cut to {self.cut_to} bytes"

    def _where(self) -> str:
        return "id = ?" if self.table == "records" else "blob = ? AND idx = ?"

    def apply(self, conn: sqlite3.Connection) -> bytes:
        """Make the edit through *conn*; return the original ciphertext."""
        (ct,) = conn.execute(f"SELECT ct FROM {self.table} WHERE {self._where()}",
                             self.key).fetchone()
        if self.flip_at is not None:
            new = flipped(ct, self.flip_at, self.flip_at % 8)
        else:
            assert self.cut_to is not None and self.cut_to < len(ct)
            new = ct[: self.cut_to]
        self.put(conn, new)
        return bytes(ct)

    def put(self, conn: sqlite3.Connection, ct: bytes) -> None:
        change(conn, f"UPDATE {self.table} SET ct = ? WHERE {self._where()}", ct, *self.key)

    def case(self) -> Case:
        def tamper(path: Path) -> None:
            with db(path) as conn:
                self.apply(conn)

        owner = frozenset({self.owner})
        return Case(self.name, tamper, named=owner, damaged=owner)


def row_edits(p: Pristine, table: str) -> tuple[list[RowEdit], list[RowEdit]]:
    """Every single-byte flip and every truncation of every row of *table*."""
    rows: list[tuple[tuple[bytes] | tuple[bytes, int], str, int]]
    if table == "records":
        rows = [((rid,), rid.hex(), len(ct)) for rid, (_g, ct) in sorted(p.record_rows.items())]
    else:
        rows = [(key, key[0].hex(), len(ct)) for key, ct in sorted(p.chunk_rows.items())]
    flips = [RowEdit(table, key, owner, flip_at=i) for key, owner, n in rows for i in range(n)]
    cuts = [RowEdit(table, key, owner, cut_to=i) for key, owner, n in rows for i in range(n)]
    return flips, cuts


def row_edit_edges(p: Pristine, table: str) -> list[RowEdit]:
    """Per row: the first nonce byte, the last tag byte, nothing left, 28 bytes left (the
    length of a sealed empty message) and the tag one byte short."""
    flips, cuts = row_edits(p, table)
    last = {e.key: e.flip_at for e in flips}
    edges = [e for e in flips if e.flip_at in (0, last[e.key])]
    return edges + [e for e in cuts if e.cut_to in (0, 28, (last[e.key] or 0))]


def _header_layout(header: bytes) -> tuple[int, int]:
    """(end of the signed bytes, start of the MAC)."""
    _magic, _major, _minor, length = PREFIX.unpack_from(header)
    end = PREFIX.size + length
    return end, end + DIGEST


def _write_header(data: bytes) -> Callable[[Path], None]:
    def tamper(path: Path) -> None:
        (path / HEADER).write_bytes(data)

    return tamper


def header_flips(p: Pristine) -> list[Case]:
    """Every bit of the header. A flip in the MAC is only found once a slot has opened
    (HeaderTampered); anywhere else the unkeyed checksum, the magic or the length catches it
    before any key is derived (HeaderDamaged) - including the major version, which must not
    pass for a vault from a newer kit."""
    mac_start = _header_layout(p.header)[1]
    return [
        Case(f"header: bit {bit} of byte {at} flipped", _write_header(flipped(p.header, at, bit)),
             refused_with=(HeaderTampered,) if at >= mac_start else (HeaderDamaged,))
        for at in range(len(p.header)) for bit in range(8)
    ]


def header_cuts(p: Pristine) -> list[Case]:
    cuts = [Case(f"header: cut to {n} bytes", _write_header(p.header[:n]),
                 refused_with=(HeaderDamaged,)) for n in range(len(p.header))]
    grown = [Case(f"header: {n} byte(s) appended", _write_header(p.header + b"\0" * n),
                  refused_with=(HeaderDamaged,)) for n in (1, 32, 4096)]
    return cuts + grown


def header_flip_sample(p: Pristine, rng: random.Random) -> list[Case]:
    """One flip in each region of the header (so the rare ones are never left out), then a
    uniform sample."""
    everything = header_flips(p)
    end, mac_start = _header_layout(p.header)
    regions = [(0, 8), (8, 10), (10, 12), (12, 16), (16, end), (end, mac_start),
               (mac_start, len(p.header))]
    chosen = [everything[8 * rng.randrange(lo, hi) + rng.randrange(8)] for lo, hi in regions]
    return _unique(chosen + rng.sample(everything, SAMPLE_HEADER_FLIPS - len(chosen)))


def _unique(cases: Sequence[Case]) -> list[Case]:
    return list({c.name: c for c in cases}.values())


def structural_cases(p: Pristine) -> list[Case]:
    """Deleted, added, swapped and replayed rows, a database older (or newer) than its header,
    and values of the wrong type where SQLite allows them."""
    j0, j1, j2 = (bytes.fromhex(j) for j in p.journal[:3])
    big, small = bytes.fromhex(p.big_blob), bytes.fromhex(p.small_blob)
    ident = bytes.fromhex(p.identity)
    stranger = bytes(range(16))
    cases: list[Case] = []

    def add(name: str, tamper: Callable[[Path], None], named: set[bytes] | None = None,
            damaged: set[bytes] | None = None, vault_wide: bool = False,
            refused_with: tuple[type[KitError], ...] = ()) -> None:
        names = frozenset(r.hex() for r in (named or set()))
        hit = None if vault_wide else (
            names if damaged is None else frozenset(r.hex() for r in damaged))
        cases.append(Case(name, tamper, refused_with, names, hit))

    def sql(*statements: tuple[str, tuple[object, ...]]) -> Callable[[Path], None]:
        def tamper(path: Path) -> None:
            with db(path) as conn:
                for statement, args in statements:
                    change(conn, statement, *args)

        return tamper

    def swap_rows(a: bytes, b: bytes) -> Callable[[Path], None]:
        def tamper(path: Path) -> None:
            with db(path) as conn:
                row_a = conn.execute("SELECT gen, ct FROM records WHERE id = ?", (a,)).fetchone()
                row_b = conn.execute("SELECT gen, ct FROM records WHERE id = ?", (b,)).fetchone()
                change(conn, "UPDATE records SET gen = ?, ct = ? WHERE id = ?", *row_b, a)
                change(conn, "UPDATE records SET gen = ?, ct = ? WHERE id = ?", *row_a, b)

        return tamper

    def swap_ids(a: bytes, b: bytes) -> Callable[[Path], None]:
        return sql(("UPDATE records SET id = ? WHERE id = ?", (stranger, a)),
                   ("UPDATE records SET id = ? WHERE id = ?", (a, b)),
                   ("UPDATE records SET id = ? WHERE id = ?", (b, stranger)))

    def swap_chunks(a: tuple[bytes, int], b: tuple[bytes, int]) -> Callable[[Path], None]:
        ct_a, ct_b = p.chunk_rows[a], p.chunk_rows[b]
        update = "UPDATE chunks SET ct = ? WHERE blob = ? AND idx = ?"
        return sql((update, (ct_b, *a)), (update, (ct_a, *b)))

    def copy_file(source: Path, name: str) -> Callable[[Path], None]:
        def tamper(path: Path) -> None:
            shutil.copyfile(source, path / name)

        return tamper

    def remove(name: str) -> Callable[[Path], None]:
        def tamper(path: Path) -> None:
            (path / name).unlink()

        return tamper

    def cut_db(size: int) -> Callable[[Path], None]:
        def tamper(path: Path) -> None:
            with open(path / DB, "r+b") as fh:
                fh.truncate(size)

        return tamper

    def old_meta(path: Path) -> None:
        with contextlib.closing(sqlite3.connect(p.old_db)) as old:
            meta = old.execute("SELECT key, value FROM meta WHERE key IN ('commit', 'digest')")
            rows = meta.fetchall()
        with db(path) as conn:
            for key, value in rows:
                change(conn, "UPDATE meta SET value = ? WHERE key = ?", value, key)

    def old_manifest(path: Path) -> None:
        with contextlib.closing(sqlite3.connect(p.old_db)) as old:
            rows = old.execute("SELECT id, gen FROM manifest").fetchall()
            (digest,) = old.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
        with db(path) as conn:
            change(conn, "DELETE FROM manifest")
            conn.executemany("INSERT INTO manifest (id, gen) VALUES (?, ?)", rows)
            change(conn, "UPDATE meta SET value = ? WHERE key = 'digest'", digest)

    def drop_manifest(path: Path) -> None:
        with db(path) as conn:
            conn.execute("DROP TABLE manifest")

    old_id, old_gen, old_ct = p.old_row
    # Deleted rows.
    add("record row deleted", sql(("DELETE FROM records WHERE id = ?", (j1,))), {j1})
    add("identity record deleted", sql(("DELETE FROM records WHERE id = ?", (ident,))), {ident})
    add("blob record deleted, chunks left", sql(("DELETE FROM records WHERE id = ?", (big,))),
        {big})
    add("first chunk deleted", sql(("DELETE FROM chunks WHERE blob = ? AND idx = 0", (big,))),
        {big})
    add("last chunk deleted", sql(("DELETE FROM chunks WHERE blob = ? AND idx = 1", (big,))),
        {big})
    add("every record deleted", sql(("DELETE FROM records", ())),
        {bytes.fromhex(r) for r in p.records})
    # Swapped rows: the associated data binds each ciphertext to its id and index.
    add("two records' ct+gen swapped", swap_rows(j1, j2), {j1, j2})
    add("edited and unedited records' ct+gen swapped", swap_rows(j0, ident), {j0, ident})
    add("journal and blob records' ct+gen swapped", swap_rows(j2, small), {j2, small})
    add("two records' ids swapped", swap_ids(j1, j2), {j1, j2})
    add("edited and unedited records' ids swapped", swap_ids(j0, j2), {j0, j2})
    add("chunks of one file swapped", swap_chunks((big, 0), (big, 1)), {big})
    add("chunks of two files swapped", swap_chunks((big, 1), (small, 0)), {big, small})
    add("chunk indexes swapped", sql(
        ("UPDATE chunks SET idx = 7 WHERE blob = ? AND idx = 0", (big,)),
        ("UPDATE chunks SET idx = 0 WHERE blob = ? AND idx = 1", (big,)),
        ("UPDATE chunks SET idx = 1 WHERE blob = ? AND idx = 7", (big,))), {big})
    # Rows added from outside.
    add("record copied under a new id", sql(
        ("INSERT INTO records SELECT ?, gen, ct FROM records WHERE id = ?", (stranger, j1))),
        {stranger}, damaged=set())
    add("extra chunk after the last", sql(
        ("INSERT INTO chunks SELECT blob, 2, ct FROM chunks WHERE blob = ? AND idx = 1", (big,))),
        {big})
    add("chunks of a file nobody describes", sql(
        ("INSERT INTO chunks SELECT ?, idx, ct FROM chunks WHERE blob = ?", (stranger, small))),
        {stranger}, damaged=set())
    # An old generation put back.
    add("old generation put back", sql(
        ("UPDATE records SET gen = ?, ct = ? WHERE id = ?", (old_gen, old_ct, old_id))), {j0})
    add("old ciphertext under the new generation", sql(
        ("UPDATE records SET ct = ? WHERE id = ?", (old_ct, old_id))), {j0})
    add("old ciphertext relabelled with the new generation", sql(
        ("UPDATE records SET gen = ?, ct = ? WHERE id = ?", (old_gen + 1, old_ct, old_id))),
        {j0})
    # Whole-database rollback and mismatch.
    add("vault.sqlite older than its header", copy_file(p.old_db, DB), vault_wide=True)
    add("record list and counter put back", old_meta, vault_wide=True)
    add("commit counter moved on", sql(
        ("UPDATE meta SET value = value + 1 WHERE key = 'commit'", ())), vault_wide=True)
    add("record list and its digest from the past under today's counter", old_manifest,
        vault_wide=True)
    # The manifest table (database format 2): each row is covered by the header's digest MAC.
    add("manifest row deleted with its record", sql(
        ("DELETE FROM manifest WHERE id = ?", (j1,)), ("DELETE FROM records WHERE id = ?", (j1,))),
        vault_wide=True)
    add("old generation put back in the manifest and the records", sql(
        ("UPDATE manifest SET gen = ? WHERE id = ?", (old_gen, old_id)),
        ("UPDATE records SET gen = ?, ct = ? WHERE id = ?", (old_gen, old_ct, old_id))),
        vault_wide=True)
    add("record copied under a new id, listed in the manifest", sql(
        ("INSERT INTO records SELECT ?, gen, ct FROM records WHERE id = ?", (stranger, j1)),
        ("INSERT INTO manifest SELECT ?, gen FROM manifest WHERE id = ?", (stranger, j1))),
        vault_wide=True)
    add("manifest digest zeroed", sql(
        ("UPDATE meta SET value = zeroblob(32) WHERE key = 'digest'", ())), vault_wide=True)
    add("manifest generation stored as text", sql(
        ("UPDATE manifest SET gen = 'two' WHERE id = ?", (j0,))), vault_wide=True)
    add("manifest table dropped", drop_manifest, vault_wide=True)
    add("database format set back to 1", sql(
        ("UPDATE meta SET value = 1 WHERE key = 'format'", ())), vault_wide=True)
    add("commit record deleted", sql(("DELETE FROM meta WHERE key = 'commit'", ())),
        vault_wide=True)
    add("header older than vault.sqlite", copy_file(p.old_header, HEADER), vault_wide=True)
    add("header of another vault", _write_header(p.foreign_header), vault_wide=True)
    add("vault.header deleted", remove(HEADER), refused_with=(HeaderDamaged,))
    add("vault.sqlite deleted", remove(DB), refused_with=(VaultDamaged,))
    add("vault.sqlite emptied", cut_db(0), vault_wide=True)
    add("vault.sqlite cut to its first page", cut_db(4096), vault_wide=True)
    add("vault.sqlite cut in half", cut_db((p.path / DB).stat().st_size // 2), vault_wide=True)
    # Values of the wrong type, which SQLite's loose typing lets anyone store.
    add("record ciphertext stored as text", sql(
        ("UPDATE records SET ct = ? WHERE id = ?", ("x" * 300, j1))), {j1})
    add("record generation stored as text", sql(
        ("UPDATE records SET gen = 'two' WHERE id = ?", (j0,))), {j0})
    add("record id stored as text", sql(
        ("UPDATE records SET id = ? WHERE id = ?", (j1.hex(), j1))), {j1})
    add("chunk ciphertext stored as text", sql(
        ("UPDATE chunks SET ct = ? WHERE blob = ? AND idx = 0", ("x" * 300, small))), {small})
    add("chunk file id stored as text", sql(
        ("UPDATE chunks SET blob = ? WHERE blob = ?", (small.hex(), small))), {small})
    return cases


# --- checking one case ---


def check(path: Path, case: Case, p: Pristine) -> None:
    """Open the tampered vault and show the damage is detected and no wrong data comes out."""
    expected = ", ".join(e.__name__ for e in case.refused_with)
    try:
        vault = Vault.open(path, CREDS)
    except KitError as exc:
        if not case.refused_with:
            raise AssertionError(
                f"open refused an intact header ({type(exc).__name__}): {exc.message}") from None
        if not isinstance(exc, case.refused_with):
            raise AssertionError(
                f"open raised {type(exc).__name__}, expected {expected}: {exc.message}") from None
        return
    with vault:
        if case.refused_with:
            raise AssertionError(f"open accepted the vault; expected {expected}")
        check_opened(vault, case, p)


def check_opened(vault: Vault, case: Case, p: Pristine,
                 reads: Collection[str] | None = None) -> None:
    try:
        problems = vault.verify()
    except VaultDamaged as exc:
        if case.damaged is not None:
            raise AssertionError(f"verify raised {exc.code} instead of naming the damage") from None
        problems = [Problem(exc.code, exc.message)]
    if not problems:
        raise AssertionError("NOT DETECTED: verify found nothing wrong")
    unnamed = case.named - {problem.record_id for problem in problems}
    if unnamed:
        raise AssertionError(f"verify did not name {sorted(unnamed)}: {problems}")
    assert_true_plaintext_only(vault, case, p, reads)


def assert_true_plaintext_only(vault: Vault, case: Case, p: Pristine,
                               reads: Collection[str] | None = None) -> None:
    """Every record and file the vault returns equals what was written; the damage refuses
    reads only of what it touched (unless it is vault-wide). The snapshot covers every record;
    get and get_blob are tried on *reads* (default: everything)."""
    spared = set(p.records) - case.damaged if case.damaged is not None else set()
    try:
        snap = vault.snapshot()
    except VaultDamaged as exc:
        if case.damaged is not None:
            raise AssertionError(f"snapshot refused the whole vault ({exc.code})") from None
    else:
        for rid, record in snap.records.items():
            if record != p.records.get(rid):
                raise AssertionError(f"WRONG PLAINTEXT: snapshot returned {record!r}")
        dropped = set(p.records) - set(snap.records)
        if dropped - {problem.record_id for problem in snap.problems}:
            raise AssertionError(f"snapshot silently dropped {sorted(dropped)}")
        if spared - set(snap.records):
            lost = sorted(spared - set(snap.records))
            raise AssertionError(f"snapshot lost intact records {lost}")
    for rid, record in p.records.items():
        if reads is not None and rid not in reads:
            continue
        try:
            got = vault.get(rid)
        except VaultDamaged:
            if rid in spared:
                raise AssertionError(f"get refused intact record {rid}") from None
            continue
        if got != record:
            raise AssertionError(f"WRONG PLAINTEXT: get({rid}) returned {got!r}")
    for bid, data in p.blobs.items():
        if reads is not None and bid not in reads:
            continue
        try:
            content = vault.get_blob(bid)
        except VaultDamaged:
            if bid in spared:
                raise AssertionError(f"get_blob refused intact file {bid}") from None
            continue
        if content != data:
            raise AssertionError(f"WRONG PLAINTEXT: get_blob({bid}) returned other bytes")


# --- runners ---


def _attempt(failures: list[str], case_name: str, run: Callable[[], None]) -> None:
    try:
        run()
    except AssertionError as exc:
        failures.append(f"{case_name}: {exc}")
    except Exception as exc:  # anything but the vault's own errors escaping is a failure too
        failures.append(f"{case_name}: {type(exc).__name__} escaped: {exc}")


def run_isolated(p: Pristine, work: Path, cases: Sequence[Case]) -> list[str]:
    """Each case on its own fresh copy of the pristine vault, unlocked afresh."""
    failures: list[str] = []
    for case in cases:
        target = work / "case"

        def run(case: Case = case, target: Path = target) -> None:
            shutil.copytree(p.path, target)
            try:
                case.tamper(target)
                check(target, case, p)
            finally:
                shutil.rmtree(target)

        _attempt(failures, case.name, run)
    return failures


def run_header_cases_in_place(p: Pristine, work: Path, cases: Sequence[Case]) -> list[str]:
    """Header cases on one copy: each rewrites the whole header, so none sees another's."""
    target = work / "headers"
    shutil.copytree(p.path, target)
    failures: list[str] = []
    for case in cases:

        def run(case: Case = case) -> None:
            case.tamper(target)
            check(target, case, p)

        _attempt(failures, case.name, run)
    return failures


def run_row_edits_in_place(p: Pristine, work: Path, edits: Sequence[RowEdit]) -> list[str]:
    """Row edits on one copy with the vault left open: each edit is made and undone through a
    second connection, and the vault's next read transaction sees it."""
    target = work / "rows"
    shutil.copytree(p.path, target)
    failures: list[str] = []
    conn = sqlite3.connect(target / DB, isolation_level=None)
    # Durability of a tamper that is undone at once is irrelevant; fsyncs would triple the time.
    conn.execute("PRAGMA synchronous=OFF")
    try:
        with Vault.open(target, CREDS) as vault:
            for edit in edits:
                case = edit.case()
                original = edit.apply(conn)
                # Only the touched record is read back by id: the others are untouched rows,
                # and the snapshot still compares every record the vault returns.
                def run(case: Case = case, owner: str = edit.owner) -> None:
                    check_opened(vault, case, p, reads={owner})

                try:
                    _attempt(failures, case.name, run)
                finally:
                    edit.put(conn, original)
            # The undo must have left the copy exactly as pristine, or later cases proved nothing.
            assert not vault.verify()
    finally:
        conn.close()
    return failures


def sweep_row_edits(p: Pristine, work: Path, edits: Sequence[RowEdit]) -> list[str]:
    """The exhaustive sweep (over 100,000 cases), shared among the machine's cores."""
    workers = max(1, min(8, os.cpu_count() or 1))
    shares = [list(edits[i::workers]) for i in range(workers)]
    dirs = [work / f"worker{i}" for i in range(workers)]
    with ProcessPoolExecutor(workers) as pool:
        results = pool.map(run_row_edits_in_place, [p] * workers, dirs, shares)
    return [failure for result in results for failure in result]


def sample(rng: random.Random, population: Sequence[RowEdit], k: int) -> list[RowEdit]:
    return rng.sample(list(population), min(k, len(population)))


def report(failures: list[str]) -> None:
    shown = "\n".join(failures[:25])
    more = f"\n... and {len(failures) - 25} more" if len(failures) > 25 else ""
    assert not failures, f"{len(failures)} case(s) failed (seed {SEED}):\n{shown}{more}"


# --- the sweep ---


def test_header_bit_flips_are_refused(pristine: Pristine, tmp_path: Path, slow: bool) -> None:
    rng = random.Random(SEED)
    failures = run_isolated(pristine, tmp_path, header_flip_sample(pristine, rng))
    if slow:
        failures += run_header_cases_in_place(pristine, tmp_path, header_flips(pristine))
    report(failures)


def test_header_truncations_are_refused(pristine: Pristine, tmp_path: Path, slow: bool) -> None:
    rng = random.Random(SEED + 1)
    everything = header_cuts(pristine)
    # Always: nothing, the bare prefix, the body without digests, without the MAC, one short.
    n = len(pristine.header)
    edges = [everything[i] for i in (0, PREFIX.size, n - 2 * DIGEST, n - DIGEST, n - 1)]
    chosen = _unique(edges + everything[n:] + rng.sample(everything[:n], SAMPLE_HEADER_CUTS))
    failures = run_isolated(pristine, tmp_path, chosen)
    if slow:
        failures += run_header_cases_in_place(pristine, tmp_path, everything)
    report(failures)


@pytest.mark.parametrize("table", ["records", "chunks"])
def test_ciphertext_bit_flips_are_detected(pristine: Pristine, tmp_path: Path, slow: bool,
                                           table: str) -> None:
    rng = random.Random(f"{SEED}-{table}-flip")
    flips, _cuts = row_edits(pristine, table)
    k = SAMPLE_RECORD_FLIPS if table == "records" else SAMPLE_CHUNK_FLIPS
    edges = [e for e in row_edit_edges(pristine, table) if e.flip_at is not None]
    chosen = _unique([e.case() for e in edges + sample(rng, flips, k)])
    failures = run_isolated(pristine, tmp_path, chosen)
    if slow:
        failures += sweep_row_edits(pristine, tmp_path, flips)
    report(failures)


@pytest.mark.parametrize("table", ["records", "chunks"])
def test_ciphertext_truncations_are_detected(pristine: Pristine, tmp_path: Path, slow: bool,
                                             table: str) -> None:
    rng = random.Random(f"{SEED}-{table}-cut")
    _flips, cuts = row_edits(pristine, table)
    k = SAMPLE_RECORD_CUTS if table == "records" else SAMPLE_CHUNK_CUTS
    edges = [e for e in row_edit_edges(pristine, table) if e.cut_to is not None]
    chosen = _unique([e.case() for e in edges + sample(rng, cuts, k)])
    failures = run_isolated(pristine, tmp_path, chosen)
    if slow:
        failures += sweep_row_edits(pristine, tmp_path, cuts)
    report(failures)


def test_deleted_swapped_replayed_and_rolled_back_rows_are_detected(
        pristine: Pristine, tmp_path: Path) -> None:
    report(run_isolated(pristine, tmp_path, structural_cases(pristine)))


def test_an_untampered_copy_passes(pristine: Pristine, tmp_path: Path) -> None:
    """The control: the harness itself finds nothing on an honest copy, so each detection
    above is the tamper's doing."""
    target = tmp_path / "honest"
    shutil.copytree(pristine.path, target)
    with Vault.open(target, CREDS) as vault:
        assert vault.verify() == []
        assert vault.snapshot().records == pristine.records
        assert {b: vault.get_blob(b) for b in pristine.blobs} == pristine.blobs
    with pytest.raises(AssertionError, match="NOT DETECTED"):
        check(target, Case("no tamper", lambda _path: None), pristine)
    # And the comparison bites: told to expect other text, it calls the honest answer wrong.
    rid = pristine.journal[1]
    other = pristine.records[rid]._replace(data={"text": "something else"})
    lying = replace(pristine, records={**pristine.records, rid: other})
    with Vault.open(target, CREDS) as vault, pytest.raises(AssertionError, match="WRONG PLAINTEXT"):
        assert_true_plaintext_only(vault, Case("control", lambda _path: None), lying)


def test_cli_verify_reports_a_sample_of_cases(pristine: Pristine, tmp_path: Path) -> None:
    """`kit vault verify` exits 4 with a plain message, never a traceback, naming the record."""
    rng = random.Random(SEED + 2)
    flips, cuts = row_edits(pristine, "records")
    chunk_flips, chunk_cuts = row_edits(pristine, "chunks")
    by_name = {c.name: c for c in structural_cases(pristine)}
    header_sample = header_flip_sample(pristine, rng)
    chosen = [
        header_sample[0],  # the magic
        header_sample[1],  # the major version
        header_sample[4],  # the body
        header_sample[6],  # the MAC
        header_cuts(pristine)[rng.randrange(len(pristine.header))],
        rng.choice(flips).case(),
        rng.choice(cuts).case(),
        rng.choice(chunk_flips).case(),
        rng.choice(chunk_cuts).case(),
        by_name["record row deleted"],
        by_name["two records' ct+gen swapped"],
        by_name["old generation put back"],
        by_name["vault.sqlite older than its header"],
        by_name["chunk file id stored as text"],
    ]
    failures: list[str] = []
    for case in chosen:
        target = tmp_path / "cli-case"

        def run(case: Case = case, target: Path = target) -> None:
            shutil.copytree(pristine.path, target)
            try:
                case.tamper(target)
                result = run_kit("vault", "verify", env={"KIT_VAULT": str(target)})
            finally:
                shutil.rmtree(target)
            assert result.code == 4, f"exit {result.code}: {result.err.strip()}"
            assert "Traceback" not in result.err and "Traceback" not in result.out
            assert result.err.strip(), "no message on stderr"
            for rid in case.named:
                assert rid in result.err, f"stderr does not name {rid}: {result.err.strip()}"

        _attempt(failures, case.name, run)
    report(failures)
