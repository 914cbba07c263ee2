"""The key changes a person asks for, made the same way from the command line and the app:
recovering with the recovery key, turning keyring unlock off, and a new data key.

Each takes an open vault and a *show* callback that is given the new recovery key once it
opens the vault and before the old one stops working (kit.vault.rotation); the caller says it
in its own words. What happened comes back as facts, never as sentences for one interface.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kit.errors import KeyringUnavailable, KitError, VaultDamaged
from kit.vault.store import Credentials, Vault, read_header, unwrap_dek


@dataclass(frozen=True)
class NewKeys:
    """A new data key and recovery key are in place."""

    recovery_text: str
    keyring_ended: bool  # keyring unlock was on; a new data key ends it
    keyring_note: str = ""  # why the keyring's old entry may remain (it opens nothing now)


@dataclass(frozen=True)
class Recovered:
    """The new passphrase is set; *keys* is None when damage stopped the data key changing."""

    keys: NewKeys | None
    damage: str = ""  # what stopped the data key changing (VaultDamaged's message)


def check_passphrase(vault: Vault, passphrase: str) -> None:
    """WrongSecret unless *passphrase* opens *vault* (read from its header on disk, so a
    passphrase changed meanwhile from the command line counts). Slow: it runs the KDF."""
    unwrap_dek(read_header(vault.path), Credentials(passphrase=passphrase))


def new_keys(vault: Vault, passphrase: str, profile: str | None,
             show: Callable[[str], None]) -> NewKeys:
    """A new data key and recovery key, with *passphrase* as the passphrase. A key change
    retires every slot but the passphrase and recovery key, so keyring unlock ends too: its
    key is removed from the keyring."""
    from kit.vault import device

    had_device = "device" in vault.slot_types()
    recovery_text = vault.rotate(passphrase, profile, show)
    note = ""
    if had_device:
        try:
            device.delete_key(vault.vault_id)
        except KitError as exc:
            note = exc.message
    return NewKeys(recovery_text, had_device, note)


def recover(vault: Vault, new_passphrase: str, profile: str | None,
            show: Callable[[str], None]) -> Recovered:
    """After opening with the recovery key: set *new_passphrase*, and because the recovery key
    has been used, a new data key and recovery key. A damaged vault still gets the new
    passphrase (the person is let back in); its key is changed once the damage is dealt with."""
    try:
        return Recovered(new_keys(vault, new_passphrase, profile, show))
    except VaultDamaged as exc:
        vault.change_passphrase(new_passphrase, profile)
        return Recovered(None, exc.message)


def keyring_off(vault: Vault, passphrase: str, show: Callable[[str], None]) -> NewKeys:
    """Remove the device slot and the keyring's key, then change the data key so that a copy
    of the old device key (or of the header it opened) opens nothing. *passphrase* is the
    vault's current one (check it first with check_passphrase)."""
    from kit.vault import device

    vault.remove_device_slot()
    note = ""
    try:
        device.delete_key(vault.vault_id)
    except KeyringUnavailable as exc:
        note = exc.message
    keys = new_keys(vault, passphrase, None, show)
    return NewKeys(keys.recovery_text, True, note or keys.keyring_note)


def keyring_on(vault: Vault) -> str:
    """Keep a new device key in this computer's keyring; returns the keyring's name."""
    from kit.vault import device

    return device.enable_device_unlock(vault).name
