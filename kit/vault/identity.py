"""The vault's identity: an X25519 key for receiving (an age recipient) and an Ed25519 key
for signing. Both are created with the vault and kept as an ordinary encrypted record, so
rotation, backup and restore carry them like everything else.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pyrage
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kit.errors import VaultDamaged

KIND = "identity"


# The store creates the identity with each new vault, so this module names what it reads of a
# record and of the vault (kit.vault.store.Record and Vault are these) instead of importing them.
class Record(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


class Vault(Protocol):
    def put(self, kind: str, data: dict[str, Any]) -> object: ...


@dataclass(frozen=True)
class PublicIdentity:
    recipient: str  # age1...
    signing_key: bytes  # raw Ed25519 public key

    @property
    def fingerprint(self) -> str:
        """128 bits in eight groups of four hex digits, easy to read aloud and compare."""
        digest = hashlib.sha256(
            b"flk/v1/fingerprint" + self.recipient.encode("ascii") + self.signing_key
        ).hexdigest()[:32]
        return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def create_identity(vault: Vault) -> None:
    x25519 = pyrage.x25519.Identity.generate()
    ed25519 = Ed25519PrivateKey.generate().private_bytes_raw()
    vault.put(KIND, {"x25519": str(x25519), "ed25519": base64.b64encode(ed25519).decode()})


def _identity_data(records: Mapping[str, Record]) -> dict[str, Any]:
    found = [r for r in records.values() if r.kind == KIND]
    if len(found) != 1:
        raise VaultDamaged("the vault's identity record is missing or duplicated")
    return found[0].data


def signing_key(records: Mapping[str, Record]) -> Ed25519PrivateKey:
    """The vault's Ed25519 private key, from its decrypted records."""
    data = _identity_data(records)
    try:
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["ed25519"]))
    except Exception as exc:  # any malformed key material is damage
        raise VaultDamaged("the vault's identity record is malformed") from exc


def age_identity(records: Mapping[str, Record]) -> pyrage.x25519.Identity:
    """The vault's X25519 private key, which opens age files sealed to its recipient."""
    try:
        return pyrage.x25519.Identity.from_str(_identity_data(records)["x25519"])
    except VaultDamaged:
        raise
    except Exception as exc:  # any malformed key material is damage
        raise VaultDamaged("the vault's identity record is malformed") from exc


def public_identity(records: Mapping[str, Record]) -> PublicIdentity:
    signing = signing_key(records)
    recipient = str(age_identity(records).to_public())
    raw = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return PublicIdentity(recipient, raw)


# --- signatures ---
#
# What is signed is the context followed by the data, byte for byte. A context is one line of
# ASCII ending in a newline, so no context is a prefix of another and a signature made for one
# purpose (an evidence manifest) can never be passed off as one made for another (a share
# packet).


def _message(context: bytes, data: bytes) -> bytes:
    if (not context.endswith(b"\n") or context.count(b"\n") != 1 or not context.isascii()
            or len(context) < 8):
        raise ValueError("a signing context is one line of ASCII ending in a newline")
    return context + data


def sign(records: Mapping[str, Record], context: bytes, data: bytes) -> bytes:
    """A 64-byte Ed25519 signature by this vault over *context* + *data*."""
    return signing_key(records).sign(_message(context, data))


def verify_signature(public_raw: bytes, context: bytes, data: bytes, signature: bytes) -> bool:
    """True only if *signature* is the holder of *public_raw*'s over *context* + *data*."""
    message = _message(context, data)
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, message)
    except (InvalidSignature, ValueError):  # ValueError: a key of the wrong length
        return False
    return True
