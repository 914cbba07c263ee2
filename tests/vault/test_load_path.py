"""The unlock's bulk read checks what the one-record read checks: a record whose seal is
sound but whose padding or body is wrong is reported as damaged and the rest still load; the
manifest digest computed from HMAC's two SHA-256 states equals the per-entry HMAC for every
length of key; and a malformed manifest row is still refused."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from kit.errors import ManifestMismatch, RecordDamaged
from kit.vault import Credentials, Vault
from kit.vault.crypto import (
    DIGEST_BYTES,
    digest_add,
    digest_of,
    entry_value,
    pad,
    padding_is_zero,
    seal,
    unpad,
)
from kit.vault.manifest import table_entries
from tests.conftest import PASSPHRASE


def _reseal(vault: Vault, record_id: str, plaintext: bytes) -> None:
    """Replace a record's ciphertext with *plaintext* sealed under the vault's own key and
    associated data: authentic, so only the checks after decryption can find it wrong."""
    rid = bytes.fromhex(record_id)
    conn = vault._conn()
    gen = conn.execute("SELECT gen FROM records WHERE id = ?", (rid,)).fetchone()[0]
    ct = seal(vault._keys.records, plaintext, vault._aad(rid, gen))
    conn.execute("UPDATE records SET ct = ? WHERE id = ?", (ct, rid))


GOOD = b'{"kind":"journal","data":{}}'
BAD_PLAINTEXTS = {
    "a padding byte that is not zero": pad(GOOD)[:-1] + b"\x01",
    "a length past the end": (10_000).to_bytes(4, "big") + pad(GOOD)[4:],
    "shorter than its length prefix": b"\x00\x00",
    "not JSON": pad(b"{not json"),
    "JSON that is not an object": pad(b"[1, 2]"),
    "no data": pad(b'{"kind":"journal"}'),
    "a kind that is not text": pad(b'{"kind":3,"data":{}}'),
    "data that is not an object": pad(b'{"kind":"journal","data":[]}'),
    "zeros past 64 KiB with one byte set": pad(GOOD) + bytes(70_000) + b"\x01",
}


@pytest.mark.parametrize("plaintext", BAD_PLAINTEXTS.values(), ids=BAD_PLAINTEXTS.keys())
def test_an_authentic_record_with_a_wrong_body_is_damaged_and_the_rest_load(
        vault: Vault, plaintext: bytes) -> None:
    kept = vault.put("journal", {"n": 1})
    odd = vault.put("journal", {"n": 2})
    _reseal(vault, odd.id, plaintext)
    vault._verified = None
    snap = vault.snapshot()
    assert snap.records[kept.id].data == {"n": 1}
    assert odd.id not in snap.records
    assert [(p.code, p.record_id) for p in snap.problems] == [("damaged_record", odd.id)]
    with pytest.raises(RecordDamaged):  # the one-record read agrees
        vault.get(odd.id)


def test_padding_longer_than_the_kit_writes_is_still_read_when_it_is_all_zeros(
        vault: Vault) -> None:
    record = vault.put("journal", {"n": 1})
    _reseal(vault, record.id, pad(GOOD) + bytes(70_000))
    assert vault.snapshot().records[record.id].data == {}
    assert vault.get(record.id).data == {}


@pytest.mark.parametrize("tail", [0, 1, 255, 65_536, 65_537])
def test_padding_is_zero_compares_every_byte(tail: int) -> None:
    body = b"\x00\x00\x00\x03abc"
    padded = body + bytes(tail)
    assert padding_is_zero(padded, len(body))
    for at in {0, tail // 2, tail - 1} if tail else set():
        spoiled = bytearray(padded)
        spoiled[len(body) + at] = 7
        assert not padding_is_zero(bytes(spoiled), len(body))
        with pytest.raises(ValueError):
            unpad(bytes(spoiled))


@pytest.mark.parametrize("key_length", [16, 32, 64, 65, 100])
def test_the_digest_equals_the_sum_of_each_entrys_hmac(key_length: int) -> None:
    key, vault_id = os.urandom(key_length), os.urandom(16)
    entries = [(os.urandom(16), n) for n in (1, 2, 2**63 - 1)]
    want = digest_add(bytes(DIGEST_BYTES),
                      sum(entry_value(key, vault_id, rid, gen) for rid, gen in entries))
    assert digest_of(key, vault_id, entries) == want
    assert digest_of(key, vault_id, []) == bytes(DIGEST_BYTES)


ROWS = {
    "an id twice": lambda rid: [(rid, 1), (rid, 1)],
    "a generation of 0": lambda rid: [(rid, 0)],
    "a generation as text": lambda rid: [(rid, "1")],
    "an id as text": lambda rid: [(rid.hex(), 1)],
    "a short id": lambda rid: [(rid[:15], 1)],
}


@pytest.mark.parametrize("rows", ROWS.values(), ids=ROWS.keys())
def test_a_malformed_manifest_row_is_refused(tmp_path: Path, rows) -> None:  # type: ignore[no-untyped-def]
    conn = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    conn.execute("CREATE TABLE manifest (id, gen)")  # no key, no types: any row goes in
    conn.executemany("INSERT INTO manifest VALUES (?, ?)", rows(os.urandom(16)))
    with pytest.raises(ManifestMismatch):
        table_entries(conn)


def test_a_sound_manifest_table_reads_as_its_rows(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    conn.execute("CREATE TABLE manifest (id BLOB PRIMARY KEY, gen INTEGER NOT NULL) "
                 "WITHOUT ROWID")
    rows = {os.urandom(16): n for n in (1, 7, 2**63 - 1)}
    conn.executemany("INSERT INTO manifest VALUES (?, ?)", rows.items())
    assert table_entries(conn) == rows


def test_a_reopened_vault_loads_every_record_it_saved(vault_path: Path, vault: Vault) -> None:
    saved = {vault.put("journal", {"n": n}).id: n for n in range(50)}
    vault.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        snap = again.snapshot()
    assert {rid: snap.records[rid].data["n"] for rid in saved} == saved
    assert snap.problems == []
