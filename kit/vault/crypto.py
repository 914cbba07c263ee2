"""The vault's symmetric primitives: HKDF subkeys, AES-256-GCM sealing, size padding.

Everything is spelled out in docs/vault-format.md; the labels below are part of format v1.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FORMAT_VERSION = 1
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32

LABEL_RECORDS = b"flk/v1/records"
LABEL_BLOBS = b"flk/v1/blobs"
LABEL_MANIFEST = b"flk/v1/manifest"
LABEL_HEADER_MAC = b"flk/v1/header-mac"
LABEL_KEY_ID = b"flk/v1/key-id"
LABEL_RECORD_AAD = b"flk/v1/record"  # begins a record's associated data (record_aad)

_MIN_BUCKET = 256
_BIG_BUCKET = 64 * 1024


class SealError(Exception):
    """Authentication failed: wrong key, or the bytes were altered."""


def hkdf(key: bytes, salt: bytes, info: bytes, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(key)


class Subkeys:
    """Per-purpose keys derived from the data key; the data key itself is not kept."""

    __slots__ = ("blobs", "header_mac", "key_id", "manifest", "records")

    def __init__(self, dek: bytes, vault_id: bytes) -> None:
        self.records = AESGCM(hkdf(dek, vault_id, LABEL_RECORDS))
        self.blobs = AESGCM(hkdf(dek, vault_id, LABEL_BLOBS))
        self.manifest = hkdf(dek, vault_id, LABEL_MANIFEST)
        self.header_mac = hkdf(dek, vault_id, LABEL_HEADER_MAC)
        self.key_id = hkdf(dek, vault_id, LABEL_KEY_ID, 16)


def seal(aead: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    """nonce || ciphertext || tag, with a fresh random 96-bit nonce."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, plaintext, aad)


def open_sealed(aead: AESGCM, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise SealError("too short")
    try:
        return aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise SealError("authentication failed") from exc


def mac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def mac_equal(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def bucket_size(length: int) -> int:
    """Padded size for *length* bytes: powers of two from 256 B, then 64 KiB steps."""
    if length > _BIG_BUCKET:
        return -(-length // _BIG_BUCKET) * _BIG_BUCKET
    size = _MIN_BUCKET
    while size < length:
        size *= 2
    return size


def pad(payload: bytes) -> bytes:
    """u32 length prefix, payload, zeros up to the bucket, so sizes reveal only a bucket."""
    framed = struct.pack(">I", len(payload)) + payload
    return framed + bytes(bucket_size(len(framed)) - len(framed))


def unpad(padded: bytes) -> bytes:
    return bytes(unpad_view(padded))


_LENGTH = struct.Struct(">I")


# Padding is shorter than the largest bucket step; compared as a view of these zeros.
_ZEROS = memoryview(bytes(_BIG_BUCKET))


def unpad_view(padded: bytes) -> memoryview:
    """The payload inside *padded*, as a view (no copy); ValueError if the framing or the
    zero padding is wrong."""
    if len(padded) < 4:
        raise ValueError("padded plaintext too short")
    (length,) = _LENGTH.unpack_from(padded)
    end = 4 + length
    if end > len(padded) or not padding_is_zero(padded, end):
        raise ValueError("padding is malformed")
    return memoryview(padded)[4:end]


def padding_is_zero(padded: bytes, end: int) -> bool:
    """Whether every byte of *padded* from *end* on is zero. One memcmp with a view of
    zeros (endswith): a tenth of the time of count(0), itself far faster than a loop."""
    tail = len(padded) - end
    if tail > len(_ZEROS):  # longer than this kit pads: still checked, byte by byte in C
        return padded.count(0, end) == tail
    return padded.endswith(_ZEROS[:tail])


def record_aad(vault_id: bytes, record_id: bytes, generation: int) -> bytes:
    return (LABEL_RECORD_AAD + vault_id + record_id
            + struct.pack(">QH", generation, FORMAT_VERSION))


def chunk_aad(vault_id: bytes, blob_id: bytes, index: int, last: bool) -> bytes:
    return (
        b"flk/v1/chunk"
        + vault_id
        + blob_id
        + struct.pack(">IBH", index, 1 if last else 0, FORMAT_VERSION)
    )


def slot_aad(vault_id: bytes, slot_id: bytes, slot_type: str) -> bytes:
    return b"flk/v1/slot" + vault_id + slot_id + slot_type.encode("ascii")


def manifest_mac(key: bytes, vault_id: bytes, commit: int, manifest: bytes) -> bytes:
    """Database format 1: the MAC over the whole encoded manifest."""
    return mac(key, LABEL_MANIFEST + vault_id + struct.pack(">Q", commit) + manifest)


# Database format 2 (docs/vault-format.md, section 7.2): the manifest is a table, vouched for by
# a keyed sum that a commit updates by its changes alone.
LABEL_ENTRY = b"flk/v2/entry"
LABEL_DIGEST = b"flk/v2/digest"
DIGEST_BYTES = 32
_DIGEST_MODULUS = 1 << (8 * DIGEST_BYTES)
_GEN = struct.Struct(">Q")


def entry_value(key: bytes, vault_id: bytes, record_id: bytes, generation: int) -> int:
    """One manifest entry's keyed value: HMAC(K_manifest, label || vault id || id || u64(gen))
    read as a big-endian integer."""
    digest = hmac.digest(key, LABEL_ENTRY + vault_id + record_id + _GEN.pack(generation),
                         "sha256")
    return int.from_bytes(digest, "big")


def digest_of(key: bytes, vault_id: bytes, entries: Iterable[tuple[bytes, int]]) -> bytes:
    """The manifest digest: the sum of every entry's value, modulo 2^256, as 32 bytes.

    Each unlock computes it over every record, so each entry's HMAC is computed from the two
    SHA-256 states HMAC (RFC 2104) starts from, keyed once and copied for each entry: the same
    values as entry_value gives (tests/vault/test_load_path.py), in C calls only: about 60%
    of the time of copying a keyed hmac object per entry."""
    inner, outer = _hmac_states(key)
    inner.update(LABEL_ENTRY + vault_id)
    inner_copy, outer_copy, pack, from_bytes = inner.copy, outer.copy, _GEN.pack, int.from_bytes
    total = 0
    for rid, gen in entries:
        one = inner_copy()
        one.update(rid + pack(gen))
        two = outer_copy()
        two.update(one.digest())
        total += from_bytes(two.digest(), "big")
    return digest_add(bytes(DIGEST_BYTES), total)


_SHA256_BLOCK = 64


def _hmac_states(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """HMAC-SHA256's inner and outer hashes after the key's block (RFC 2104, section 2)."""
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    block = key.ljust(_SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(k ^ 0x36 for k in block))
    outer = hashlib.sha256(bytes(k ^ 0x5C for k in block))
    return inner, outer


def digest_add(digest: bytes, amount: int) -> bytes:
    """*digest* plus *amount* (negative to take an entry out), modulo 2^256."""
    total = (int.from_bytes(digest, "big") + amount) % _DIGEST_MODULUS
    return total.to_bytes(DIGEST_BYTES, "big")


def digest_mac(key: bytes, vault_id: bytes, commit: int, digest: bytes) -> bytes:
    """Database format 2: the MAC that ties a digest to its commit, kept in the header."""
    return mac(key, LABEL_DIGEST + vault_id + _GEN.pack(commit) + digest)
