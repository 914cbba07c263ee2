"""The manifest: which records the vault holds, at which generation, and what vouches for it.

Database format 1 keeps the manifest as one sorted list in meta.manifest, under a MAC in the
header; every commit rewrites and re-MACs all of it. Format 2 keeps it as a table, one row per
record, under a keyed digest (the sum of a keyed value per entry, modulo 2^256) whose MAC the
header keeps; a commit adds and takes out the values of the entries it changes, so it costs
the same at 50,000 records as at 1,000. docs/vault-format.md, section 7, specifies both.
"""

from __future__ import annotations

import sqlite3
import struct
from dataclasses import replace
from typing import NamedTuple

from kit.errors import ManifestMismatch
from kit.vault import header as hdr
from kit.vault.crypto import digest_mac, manifest_mac

# The meta table's "format" row. This kit writes format 2 and reads 1 too: a format 1 database
# is turned into format 2 by its next write, inside that write's own transaction.
DB_FORMAT = 2
DB_FORMATS = (1, 2)
MANIFEST_TABLE = "manifest-table"  # the header's critical extension for database format 2
ID_BYTES = 16
_ENTRY = struct.Struct(">16sQ")

MANIFEST_SCHEMA = ("CREATE TABLE IF NOT EXISTS manifest (id BLOB PRIMARY KEY, "
                   "gen INTEGER NOT NULL) WITHOUT ROWID")


class DbState(NamedTuple):
    """The database's commit as its meta table states it: the counter, the database format,
    and what the header's MAC covers besides the counter (format 1: the encoded manifest;
    format 2: the manifest digest)."""

    counter: int
    format: int
    proof: bytes


def commit_mac(manifest_key: bytes, vault_id: bytes, state: DbState, counter: int) -> bytes:
    """The MAC the header keeps for *state*'s proof at commit *counter*."""
    if state.format == 1:
        return manifest_mac(manifest_key, vault_id, counter, state.proof)
    return digest_mac(manifest_key, vault_id, counter, state.proof)


def with_manifest_table(header: hdr.Header) -> hdr.Header:
    """*header*, naming the critical extension that database format 2 needs: a kit that does
    not know it refuses the vault as too new instead of misreading it."""
    if MANIFEST_TABLE in header.critical:
        return header
    return replace(header, critical=(*header.critical, MANIFEST_TABLE))


def table_entries(conn: sqlite3.Connection) -> dict[bytes, int]:
    """The manifest table as {id: generation}; ManifestMismatch if a row is malformed or an id
    is there twice. (SQLite's integers are below 2^63, so a generation needs no upper bound.)
    Each unlock reads every row: one dict() in C, then one flat loop of checks."""
    return entries_of(conn.execute("SELECT id, gen FROM manifest").fetchall())


def entries_of(rows: list[tuple[object, object]]) -> dict[bytes, int]:
    """The manifest table's rows, read before, as {id: generation}; checked as
    table_entries checks them."""
    entries: dict[bytes, int] = dict(rows)  # type: ignore[arg-type]  # checked below
    if len(entries) != len(rows):
        raise manifest_altered()
    for rid, gen in rows:
        if type(rid) is not bytes or len(rid) != ID_BYTES or type(gen) is not int or gen < 1:
            raise manifest_altered()
    return entries


def manifest_altered() -> ManifestMismatch:
    return ManifestMismatch(
        "the list of records inside vault.sqlite does not match its header: the file was "
        "altered. Restore it from a backup.")


# --- format 1: the sorted (id, generation) list the header's MAC vouches for ---


def encode_manifest(entries: dict[bytes, int]) -> bytes:
    return b"".join(_ENTRY.pack(rid, gen) for rid, gen in sorted(entries.items()))


def decode_manifest(data: bytes) -> dict[bytes, int]:
    if len(data) % _ENTRY.size:
        raise ManifestMismatch("the record list inside vault.sqlite is malformed")
    return dict(_ENTRY.iter_unpack(data))
