"""Key slots: the data key wrapped for a passphrase, the recovery key or this device. Below the
store, so the key rotation makes new slots without importing it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kit.vault import header as hdr
from kit.vault import kdf
from kit.vault.crypto import SealError, hkdf, open_sealed, seal, slot_aad


def _wrap(kek: bytes, dek: bytes, vault_id: bytes, slot_id: bytes, slot_type: str) -> bytes:
    return seal(AESGCM(kek), dek, slot_aad(vault_id, slot_id, slot_type))


@dataclass(frozen=True)
class PassphraseKey:
    """A passphrase stretched once, to wrap one data key or several (a key change wraps the
    old one and then the new one, and Argon2 is the slow part)."""

    params: kdf.KdfParams
    kek: bytes = field(repr=False)

    @classmethod
    def derive(cls, passphrase: str, profile: str) -> PassphraseKey:
        params = kdf.KdfParams.new(profile)
        return cls(params, kdf.derive(passphrase, params))

    def slot(self, dek: bytes, vault_id: bytes) -> hdr.Slot:
        slot_id = os.urandom(8)
        wrapped = _wrap(self.kek, dek, vault_id, slot_id, "passphrase")
        return hdr.Slot("passphrase", slot_id, wrapped, kdf=self.params)


def passphrase_slot(passphrase: str, dek: bytes, vault_id: bytes, profile: str) -> hdr.Slot:
    return PassphraseKey.derive(passphrase, profile).slot(dek, vault_id)


def recovery_slot(key: bytes, dek: bytes, vault_id: bytes) -> hdr.Slot:
    slot_id, salt = os.urandom(8), os.urandom(16)
    kek = hkdf(key, salt, b"flk/v1/recovery-slot")
    return hdr.Slot("recovery", slot_id, _wrap(kek, dek, vault_id, slot_id, "recovery"), salt=salt)


def device_slot(key: bytes, dek: bytes, vault_id: bytes) -> hdr.Slot:
    slot_id = os.urandom(8)
    kek = hkdf(key, slot_id, b"flk/v1/device-slot")
    return hdr.Slot("device", slot_id, _wrap(kek, dek, vault_id, slot_id, "device"))


def _unwrap(kek: bytes, slot: hdr.Slot, vault_id: bytes) -> bytes | None:
    try:
        return open_sealed(AESGCM(kek), slot.wrapped, slot_aad(vault_id, slot.id, slot.type))
    except SealError:
        return None
