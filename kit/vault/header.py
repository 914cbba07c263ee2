"""The vault header: the sidecar file read before SQLite is opened.

Layout (docs/vault-format.md, section 3):

    magic "FLKVAULT" | u16 major | u16 minor | u32 body length | body (JSON) |
    SHA-256 of all before it | HMAC-SHA-256 of the same, keyed from the data key

The unkeyed checksum tells accidental damage from a wrong passphrase; the keyed MAC, checked
once a slot has opened, tells deliberate tampering.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import struct
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kit.errors import HeaderDamaged, HeaderTampered, KitError, UnsupportedFormat
from kit.vault.crypto import mac, mac_equal
from kit.vault.kdf import KdfParams

MAGIC = b"FLKVAULT"
MAJOR = 1
MINOR = 0
PREFIX = struct.Struct(">8sHHI")
DIGEST_BYTES = 32
MAX_BODY = 256 * 1024
MAX_FILE = PREFIX.size + MAX_BODY + 2 * DIGEST_BYTES  # no header file is larger
SLOT_TYPES = ("passphrase", "recovery", "device")
# Critical extensions this kit implements (docs/vault-format.md, section 3.6):
# "manifest-table", database format 2's manifest (kit.vault.manifest).
KNOWN_CRITICAL: frozenset[str] = frozenset({"manifest-table"})
KNOWN_FIELDS = frozenset({"vault_id", "key_id", "cipher", "slots", "state", "pending", "critical"})
_WRAPPED_BYTES = 12 + 32 + 16


@dataclass(frozen=True)
class Commit:
    """A commit counter and the manifest MAC that belongs to it."""

    counter: int
    mac: bytes


@dataclass(frozen=True)
class Slot:
    type: str
    id: bytes
    wrapped: bytes
    kdf: KdfParams | None = None
    salt: bytes | None = None


@dataclass(frozen=True)
class Header:
    vault_id: bytes
    key_id: bytes
    slots: tuple[Slot, ...]
    state: Commit
    pending: Commit | None = None
    minor: int = MINOR
    critical: tuple[str, ...] = field(default=())
    # Body fields a newer minor version added, kept as canonical JSON text so that rewriting
    # the header (every write does) passes them on unchanged.
    extra: tuple[tuple[str, str], ...] = field(default=())

    def slots_of(self, slot_type: str) -> list[Slot]:
        return [s for s in self.slots if s.type == slot_type]

    def with_commit(self, state: Commit, pending: Commit | None) -> Header:
        return replace(self, state=state, pending=pending)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _commit_json(commit: Commit) -> dict[str, Any]:
    return {"commit": commit.counter, "mac": _b64(commit.mac)}


def _slot_json(slot: Slot) -> dict[str, Any]:
    out: dict[str, Any] = {"type": slot.type, "id": _b64(slot.id), "wrapped": _b64(slot.wrapped)}
    if slot.kdf is not None:
        out["kdf"] = {
            "alg": "argon2id",
            "m": slot.kdf.memory_kib,
            "t": slot.kdf.iterations,
            "p": slot.kdf.lanes,
            "salt": _b64(slot.kdf.salt),
        }
    if slot.salt is not None:
        out["salt"] = _b64(slot.salt)
    return out


def encode(header: Header, mac_key: bytes) -> bytes:
    body = {
        "vault_id": _b64(header.vault_id),
        "key_id": _b64(header.key_id),
        "cipher": "aes-256-gcm",
        "slots": [_slot_json(s) for s in header.slots],
        "state": _commit_json(header.state),
        "pending": _commit_json(header.pending) if header.pending else None,
        "critical": list(header.critical),
    }
    for name, value in header.extra:
        body.setdefault(name, json.loads(value))
    raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    signed = PREFIX.pack(MAGIC, MAJOR, header.minor, len(raw)) + raw
    return signed + hashlib.sha256(signed).digest() + mac(mac_key, signed)


# --- parsing: every path out of here is a Header or one of the vault's own errors ---


def _damaged(what: str) -> HeaderDamaged:
    return HeaderDamaged(f"the vault header is damaged ({what}); restore it from a backup")


def _newer(what: str) -> UnsupportedFormat:
    # Reached only after the checksum passed: a newer kit wrote this, it is not damage.
    return UnsupportedFormat(
        f"this vault uses {what}, which this version of Frontline Kit does not know; "
        "update Frontline Kit to open it"
    )


def _field(obj: dict[str, Any], key: str, kind: type) -> Any:
    value = obj.get(key)
    # bool is an int in Python; a header never uses booleans.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _damaged(f"field {key!r} is missing or of the wrong type")
    return value


def _bytes(obj: dict[str, Any], key: str, length: int | None = None) -> bytes:
    text = _field(obj, key, str)
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise _damaged(f"field {key!r} is not base64") from exc
    if length is not None and len(data) != length:
        raise _damaged(f"field {key!r} has {len(data)} bytes, expected {length}")
    return data


def _commit(obj: dict[str, Any]) -> Commit:
    counter = _field(obj, "commit", int)
    if not 0 <= counter < 2**63:
        raise _damaged("commit counter out of range")
    return Commit(counter, _bytes(obj, "mac", DIGEST_BYTES))


def _slot(obj: Any) -> Slot:
    if not isinstance(obj, dict):
        raise _damaged("a key slot is not an object")
    slot_type = _field(obj, "type", str)
    if slot_type not in SLOT_TYPES:
        raise _newer(f"a key slot of type {slot_type[:20]!r}")
    slot_id = _bytes(obj, "id", 8)
    wrapped = _bytes(obj, "wrapped", _WRAPPED_BYTES)
    if slot_type == "passphrase":
        kdf = _field(obj, "kdf", dict)
        if kdf.get("alg") != "argon2id":
            raise _newer(f"the KDF {str(kdf.get('alg'))[:20]!r}")
        params = KdfParams(
            memory_kib=_field(kdf, "m", int),
            iterations=_field(kdf, "t", int),
            lanes=_field(kdf, "p", int),
            salt=_bytes(kdf, "salt"),
        )
        params.check_bounds()
        return Slot(slot_type, slot_id, wrapped, kdf=params)
    if slot_type == "recovery":
        return Slot(slot_type, slot_id, wrapped, salt=_bytes(obj, "salt", 16))
    return Slot(slot_type, slot_id, wrapped)


def decode(data: bytes) -> tuple[Header, bytes, bytes]:
    """Parse and checksum a header: (header, signed bytes, MAC). The MAC is checked later."""
    if len(data) < PREFIX.size:
        raise _damaged("file too short")
    magic, major, minor, length = PREFIX.unpack_from(data)
    if magic != MAGIC:
        raise HeaderDamaged("this is not a Frontline Kit vault header (wrong magic bytes)")
    if major != MAJOR:
        # A v1 header whose version field alone was damaged matches its checksum once the
        # field is restored: that is damage, not a vault from a newer kit.
        end = PREFIX.size + length
        restored = data[:8] + struct.pack(">H", MAJOR) + data[10:end]
        if len(data) == end + 2 * DIGEST_BYTES and mac_equal(
                hashlib.sha256(restored).digest(), data[end : end + DIGEST_BYTES]):
            raise _damaged("format version field")
        raise UnsupportedFormat(
            f"this vault uses format version {major}, which this kit does not know; "
            "update Frontline Kit to open it"
        )
    if length > MAX_BODY:
        raise _damaged(f"declared body length {length} exceeds {MAX_BODY}")
    end = PREFIX.size + length
    if len(data) != end + 2 * DIGEST_BYTES:
        raise _damaged(f"file is {len(data)} bytes, expected {end + 2 * DIGEST_BYTES}")
    signed, checksum, tag = data[:end], data[end : end + 32], data[end + 32 :]
    if not mac_equal(hashlib.sha256(signed).digest(), checksum):
        raise _damaged("checksum mismatch")
    try:
        body = json.loads(signed[PREFIX.size :].decode("utf-8"))
    # ValueError also covers a number too long for int() (over 4300 digits).
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise _damaged("body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise _damaged("body is not an object")
    critical = _field(body, "critical", list)
    unknown = [c for c in critical if not isinstance(c, str) or c not in KNOWN_CRITICAL]
    if unknown:
        raise UnsupportedFormat(
            "this vault uses features this kit does not know "
            f"({', '.join(str(c)[:30] for c in unknown[:3])}); update Frontline Kit to open it"
        )
    if body.get("cipher") != "aes-256-gcm":
        raise _newer(f"the cipher {str(body.get('cipher'))[:20]!r}")
    slots = tuple(_slot(s) for s in _field(body, "slots", list))
    if not slots:
        raise _damaged("no key slots")
    # Each passphrase slot costs a KDF run on open; the kit writes one, and more would let a
    # crafted header multiply the capped cost without limit.
    if len([s for s in slots if s.type == "passphrase"]) > 1:
        raise _damaged("more than one passphrase slot")
    pending_raw = body.get("pending")
    if pending_raw is not None and not isinstance(pending_raw, dict):
        raise _damaged("field 'pending' is of the wrong type")
    header = Header(
        vault_id=_bytes(body, "vault_id", 16),
        key_id=_bytes(body, "key_id", 16),
        slots=slots,
        state=_commit(_field(body, "state", dict)),
        pending=_commit(pending_raw) if pending_raw is not None else None,
        minor=minor,
        critical=tuple(critical),
        extra=tuple(sorted((name, json.dumps(value, sort_keys=True, separators=(",", ":")))
                           for name, value in body.items() if name not in KNOWN_FIELDS)),
    )
    return header, signed, tag


def check_mac(signed: bytes, tag: bytes, mac_key: bytes) -> None:
    if not mac_equal(mac(mac_key, signed), tag):
        raise HeaderTampered(
            "the vault header was altered after it was written (its MAC does not match). "
            "Do not trust this copy: restore the vault from a backup."
        )


def read_file(path: Path) -> bytes:
    """A header file's bytes. One that is not a regular file, or is larger than any header,
    is damage, refused before a byte is read: a pipe there would hang the kit, a huge file
    fill its memory. FileNotFoundError passes through (no vault, or no pending key change)."""
    from kit.bounded_read import read_bounded
    from kit.errors import FileRefused

    try:
        return read_bounded(path, MAX_FILE, "vault header", pass_os_errors=True)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise KitError(f"could not read the vault header {path}: {exc.strerror}") from exc
    except FileRefused as exc:
        raise HeaderDamaged(f"the vault header is damaged: {path} {exc.reason}. Nothing was "
                            "changed; restore the header from a backup.") from None
