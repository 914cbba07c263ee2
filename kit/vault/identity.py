"""The vault's identity: an X25519 key for receiving (an age recipient) and an Ed25519 key
for signing. Both are created with the vault and kept as an ordinary encrypted record, so
rotation, backup and restore carry them like everything else.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kit.errors import VaultDamaged

if TYPE_CHECKING:
    from kit.vault.store import Record, Vault

KIND = "identity"


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


def public_identity(records: dict[str, Record]) -> PublicIdentity:
    found = [r for r in records.values() if r.kind == KIND]
    if len(found) != 1:
        raise VaultDamaged("the vault's identity record is missing or duplicated")
    data = found[0].data
    try:
        recipient = str(pyrage.x25519.Identity.from_str(data["x25519"]).to_public())
        signing = Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["ed25519"]))
    except Exception as exc:  # any malformed key material is damage
        raise VaultDamaged("the vault's identity record is malformed") from exc
    raw = signing.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return PublicIdentity(recipient, raw)
