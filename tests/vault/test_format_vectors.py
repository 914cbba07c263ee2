"""The test vectors in docs/vault-format.md Appendix A, read from the document itself and
checked against the kit's own functions, so the specification and the code cannot drift apart.

Each value is parsed out of the appendix text (inputs included); a vector that is reworded
so that it can no longer be found fails the test instead of being skipped.
"""

from __future__ import annotations

import hashlib
import os
import re

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kit.vault import crypto, recovery
from kit.vault import store as vault_store
from kit.vault.crypto import (
    LABEL_BLOBS,
    LABEL_HEADER_MAC,
    LABEL_KEY_ID,
    LABEL_MANIFEST,
    LABEL_RECORDS,
    Subkeys,
    bucket_size,
    chunk_aad,
    hkdf,
    manifest_mac,
    open_sealed,
    pad,
    record_aad,
    slot_aad,
    unpad,
)
from tests.conftest import REPO

DOC = REPO / "docs" / "vault-format.md"


def appendix() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("## Appendix A. Test vectors")
    return text[start:text.index("## Appendix B", start)]


APPENDIX = appendix()


def find(pattern: str, text: str = APPENDIX) -> re.Match[str]:
    found = re.search(pattern, text, re.S)
    assert found, f"Appendix A no longer has a vector matching {pattern!r}"
    return found


def span(first: str, last: str) -> bytes:
    """A run written `00 01 … 1f`: every byte from the first to the last."""
    return bytes(range(int(first, 16), int(last, 16) + 1))


def run(name: str, text: str = APPENDIX) -> bytes:
    """`name = 40 41 … 4f` (or `name 40 41 … 4f`, or inside backquotes)."""
    m = find(rf"{name}\s*=?\s*`?([0-9a-f]{{2}})(?: [0-9a-f]{{2}})* … ([0-9a-f]{{2}})", text)
    return span(m[1], m[2])


def _line_value(name: str, text: str) -> str:
    m = re.search(rf"^{re.escape(name)}\s*=\s*([0-9a-f]+)\s*$", text, re.M)
    assert m, f"Appendix A no longer gives {name}"
    return m[1]


def hex_block(after: str, text: str = APPENDIX) -> bytes:
    """The hex groups on the indented lines that follow the line starting with *after*."""
    lines = text[text.index(after):].splitlines()[1:]
    groups: list[str] = []
    for line in lines:
        if not line.startswith("  ") or not re.fullmatch(r"[0-9a-f ]+", line.strip()):
            break
        groups += line.split()
    assert groups, f"Appendix A has no bytes after {after!r}"
    return bytes.fromhex("".join(groups))


DEK = run("DEK")
VAULT_ID = run("vault_id")
RECORD_ID = run("record_id")


def test_the_inputs_are_what_the_appendix_says() -> None:
    assert (len(DEK), len(VAULT_ID), len(RECORD_ID)) == (32, 16, 16)
    assert DEK[0] == 0 and VAULT_ID[0] == 0x40 and RECORD_ID[-1] == 0x8f


@pytest.mark.parametrize(("name", "label", "length"), [
    ("K_records", LABEL_RECORDS, 32), ("K_blobs", LABEL_BLOBS, 32),
    ("K_manifest", LABEL_MANIFEST, 32), ("K_header", LABEL_HEADER_MAC, 32),
    ("key_id", LABEL_KEY_ID, 16)])
def test_subkeys(name: str, label: bytes, length: int) -> None:
    expected = bytes.fromhex(_line_value(name, APPENDIX))
    assert hkdf(DEK, VAULT_ID, label, length) == expected
    keys = Subkeys(DEK, VAULT_ID)
    if name in ("K_manifest", "K_header", "key_id"):
        held = {"K_manifest": keys.manifest, "K_header": keys.header_mac, "key_id": keys.key_id}
        assert held[name] == expected


def test_record_aad_envelope_padding_and_seal(monkeypatch: pytest.MonkeyPatch) -> None:
    aad = hex_block("record AAD (gen 1) =")
    assert record_aad(VAULT_ID, RECORD_ID, 1) == aad

    m = find(r"envelope (\{.*?\}) \((\d+) bytes\), padded to (\d+):\n\s+([0-9a-f]+) ([0-9a-f]+)"
             r" 00…00")
    envelope, length, padded_to = m[1].encode(), int(m[2]), int(m[3])
    assert len(envelope) == length and bytes.fromhex(m[4]) == length.to_bytes(4, "big")
    assert bytes.fromhex(m[5]) == envelope
    padded = vault_store._plaintext("journal", {"text": "hi"})
    assert padded == pad(envelope) and len(padded) == padded_to
    assert unpad(padded) == envelope

    sealed_len = int(find(r"sealed with nonce = 12 zero bytes: (\d+) bytes")[1])
    tag = bytes.fromhex(find(r"tag = ([0-9a-f]{32})")[1])
    digest = bytes.fromhex(find(r"SHA-256\(nonce \|\| ciphertext \|\| tag\) = ([0-9a-f]{64})")[1])
    keys = Subkeys(DEK, VAULT_ID)
    monkeypatch.setattr(crypto.os, "urandom", lambda n: bytes(n))
    sealed = crypto.seal(keys.records, padded, aad)
    monkeypatch.undo()
    assert len(sealed) == sealed_len
    assert sealed[:12] == bytes(12) and sealed[-16:] == tag
    assert hashlib.sha256(sealed).digest() == digest
    assert open_sealed(keys.records, sealed, aad) == padded
    with pytest.raises(crypto.SealError):
        open_sealed(keys.records, sealed, record_aad(VAULT_ID, RECORD_ID, 2))


def test_manifest_and_its_mac() -> None:
    m = find(r"manifest \{record_id: gen (\d+)\} = ([0-9a-f]{32}) ([0-9a-f]{16})")
    manifest = vault_store.encode_manifest({RECORD_ID: int(m[1])})
    assert manifest == bytes.fromhex(m[2] + m[3])
    assert vault_store.decode_manifest(manifest) == {RECORD_ID: int(m[1])}
    key = Subkeys(DEK, VAULT_ID).manifest
    commit = find(r"manifest_mac\(commit (\d+)\)\s+= ([0-9a-f]{64})")
    assert manifest_mac(key, VAULT_ID, int(commit[1]), manifest) == bytes.fromhex(commit[2])
    empty = find(r"manifest_mac\(commit (\d+), empty\)\s+= ([0-9a-f]{64})")
    assert manifest_mac(key, VAULT_ID, int(empty[1]), b"") == bytes.fromhex(empty[2])


def test_associated_data_of_records_chunks_and_slots() -> None:
    m = find(r"Associated data with `vault_id = ([0-9a-f]{2}) … ([0-9a-f]{2})`, id "
             r"`([0-9a-f]{2}) … ([0-9a-f]{2})`")
    vault_id, some_id = span(m[1], m[2]), span(m[3], m[4])
    rest = APPENDIX[m.end():]
    rec = find(r"record AAD, gen (\d+) \((\d+) bytes\):", rest)
    assert record_aad(vault_id, some_id, int(rec[1])) == hex_block(rec[0], rest)
    assert len(hex_block(rec[0], rest)) == int(rec[2])
    chunk = find(r"chunk AAD, index (\d+), last \((\d+) bytes\):", rest)
    assert chunk_aad(vault_id, some_id, int(chunk[1]), True) == hex_block(chunk[0], rest)
    assert len(hex_block(chunk[0], rest)) == int(chunk[2])
    slot = find(r"slot AAD, slot id ([0-9a-f]{2}) … ([0-9a-f]{2}), (\w+) \((\d+) bytes\):", rest)
    expected = hex_block(slot[0], rest)
    assert slot_aad(vault_id, span(slot[1], slot[2]), slot[3]) == expected
    assert len(expected) == int(slot[4])


def test_padding_buckets() -> None:
    line = find(r"Padding \(envelope length → padded length\): (.*?)\.\n\n")[1]
    pairs = re.findall(r"([\d,]+) → ([\d,]+)", line)
    assert len(pairs) >= 8
    for envelope, padded in pairs:
        n, size = int(envelope.replace(",", "")), int(padded.replace(",", ""))
        assert len(pad(bytes(n))) == size == bucket_size(n + 4), (n, size)


def test_recovery_key_text_and_its_slot_key(monkeypatch: pytest.MonkeyPatch) -> None:
    m = find(r"Recovery key: the key bytes `([0-9a-f]{2})(?: [0-9a-f]{2})* … ([0-9a-f]{2})` are"
             r" written as\s+`([0-9A-Z-]+)` \(check symbol `(.)`\)")
    key, text, check = span(m[1], m[2]), m[3], m[4]
    assert recovery.format_key(int.from_bytes(key, "big")) == text
    assert text[-1] == check
    assert recovery.parse(text) == key and recovery.parse(text.lower().replace("0", "O")) == key
    salt = run("slot salt")
    kek = bytes.fromhex(find(r"`KEK_r` is\s+`([0-9a-f]{64})`")[1])
    # The kit's own slot, made with that salt: the appendix's KEK_r unwraps the data key.
    slot_id = bytes(range(0xa0, 0xa8))
    drawn, real = [slot_id, salt], os.urandom
    monkeypatch.setattr(vault_store.os, "urandom",
                        lambda n: drawn.pop(0) if drawn else real(n))
    slot = vault_store.recovery_slot(key, DEK, VAULT_ID)
    monkeypatch.undo()
    assert slot.salt == salt
    unwrapped = open_sealed(AESGCM(kek), slot.wrapped, slot_aad(VAULT_ID, slot_id, "recovery"))
    assert unwrapped == DEK


def test_format_2_manifest_digest_and_its_mac() -> None:
    """Section 7.2's digest, from the vectors, by the kit and by hand with the standard library."""
    import hmac as stdlib_hmac

    from kit.vault.crypto import digest_mac, digest_of, entry_value

    key = Subkeys(DEK, VAULT_ID).manifest
    other = bytes(range(0x90, 0xA0))
    one = find(r"entry_value\(record_id, gen 1\)\s+= ([0-9a-f]{64})")[1]
    by_hand = stdlib_hmac.new(key, b"flk/v2/entry" + VAULT_ID + RECORD_ID + (1).to_bytes(8, "big"),
                              "sha256").hexdigest()
    assert entry_value(key, VAULT_ID, RECORD_ID, 1).to_bytes(32, "big").hex() == one == by_hand
    two = find(r"digest\{record_id: gen 1, 90 … 9f: gen 3\}\s+= ([0-9a-f]{64})")[1]
    total = sum(int.from_bytes(stdlib_hmac.new(
        key, b"flk/v2/entry" + VAULT_ID + rid + gen.to_bytes(8, "big"), "sha256").digest(), "big")
        for rid, gen in ((RECORD_ID, 1), (other, 3))) % 2**256
    assert digest_of(key, VAULT_ID, [(RECORD_ID, 1), (other, 3)]).hex() == two
    assert total.to_bytes(32, "big").hex() == two
    mac7 = find(r"digest_mac\(commit 7, digest\{record_id: gen 1\}\)\s+= ([0-9a-f]{64})")[1]
    assert digest_mac(key, VAULT_ID, 7, bytes.fromhex(one)).hex() == mac7
    assert stdlib_hmac.new(key, b"flk/v2/digest" + VAULT_ID + (7).to_bytes(8, "big")
                           + bytes.fromhex(one), "sha256").hexdigest() == mac7
    mac0 = find(r"digest_mac\(commit 0, empty\)\s+= ([0-9a-f]{64})")[1]
    assert digest_mac(key, VAULT_ID, 0, bytes(32)).hex() == mac0
