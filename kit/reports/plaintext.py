"""Writing the vault's content to a file in plain form: an export, a printable plan, a key.

Every such file leaves the vault's protection, so each goes through write_plaintext(), from
the command line and from the app alike: it needs a vault opened with the passphrase (not
the keyring, which anyone at the same login can use), it is written as every file the
person chooses is (kit.chosen_file: 0600, whole or not at all, never over an existing file
unless asked), and it is announced with a warning that names the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kit.chosen_file import write_chosen_file
from kit.errors import PassphraseNeeded

if TYPE_CHECKING:
    from kit.vault.store import Vault


def warning(what: str, path: Path) -> str:
    """The one warning every plaintext export shows."""
    return (f"WARNING: {path} is NOT encrypted. Anyone who can read the file can read {what}. "
            "Keep it somewhere safe and delete it when you no longer need it.")


def require_passphrase(vault: Vault) -> None:
    """Refuse a plaintext copy from a vault the keyring opened.

    The keyring opens the vault for anyone using this login, so it is fine for reading and
    writing inside the vault but not for taking everything out of it in plain form: the
    passphrase (or the recovery key) must have been given in this session."""
    if vault.unlocked_by == "device":
        raise PassphraseNeeded(
            "the vault was opened with the keyring, and a copy that is not encrypted needs "
            "your passphrase; nothing was written. Unlock with your passphrase (in the app: "
            "lock with ctrl+l, then unlock), then export again")


def write_plaintext(vault: Vault, path: Path, data: bytes, force: bool = False) -> Path:
    """Write *data*, taken from *vault*, to *path* in plain form; see the module's rules."""
    require_passphrase(vault)
    return write_chosen_file(path, data, overwrite=force)
