"""Opening the vault from the command line: environment, passphrase file, keyring, prompt."""

from __future__ import annotations

import sys
from pathlib import Path

from kit import credentials
from kit.errors import KeyringUnavailable, KitError, UsageError, WrongSecret
from kit.vault import Credentials, Vault, recovery
from kit.vault.read_ahead import ReadAhead
from kit.vault.store import read_header, require_vault

HOW_PASSPHRASE = "set KIT_PASSPHRASE, use --passphrase-file, or run this in a terminal"  # noqa: S105
HOW_RECOVERY = "set KIT_RECOVERY_KEY or run this in a terminal"


def given_passphrase(passphrase_file: Path | None) -> str | None:
    """A passphrase supplied without a prompt (environment first, then the file)."""
    from_env = credentials.from_environment(credentials.ENV_PASSPHRASE)
    if from_env is not None:
        return from_env
    if passphrase_file is not None:
        return credentials.read_passphrase_file(passphrase_file)
    return None


UNFINISHED_KEY_CHANGE = (
    "WARNING: a change of this vault's keys was stopped before it finished. Your recovery key "
    "from before still opens the vault, and so does the new one if it was shown to you. Run "
    "`kit passwd --rotate` to finish, so that you have one recovery key you know works."
)


def _opened(vault: Vault) -> Vault:
    """Every unlock from the command line passes here: say loudly what the user must know."""
    if vault.key_change_unfinished:
        print(UNFINISHED_KEY_CHANGE, file=sys.stderr)
    return vault


def device_vault_id(path: Path) -> bytes | None:
    """The vault id if the vault has a device slot (keyring unlock is on), else None."""
    try:
        header = read_header(path)
    except (OSError, KitError):
        return None
    return header.vault_id if header.slots_of("device") else None


NO_DEVICE_KEY = ("this device's keyring holds no key for the vault; asking for the passphrase "
                 "instead.")
STALE_DEVICE_KEY = "the keyring's key no longer opens this vault; asking for the passphrase."


def device_key(vault_id: bytes) -> tuple[bytes | None, str]:
    """The keyring's key for the vault, or None and why not: the reason the command line and
    the app's lock screen both give (a locked or missing keyring, no key kept)."""
    from kit.vault import device

    try:
        key = device.load_key(vault_id)
    except KeyringUnavailable as exc:
        return None, exc.message
    if key is None:
        return None, NO_DEVICE_KEY
    return key, ""


def _try_device(path: Path, vault_id: bytes, early: ReadAhead) -> Vault | None:
    key, why = device_key(vault_id)
    if key is None:
        print(f"Note: {why}", file=sys.stderr)
        return None
    try:
        vault = Vault.open(path, Credentials(device_key=key), early.take)
    except WrongSecret:
        print(f"Note: {STALE_DEVICE_KEY}", file=sys.stderr)
        return None
    # Always visible, so keyring unlock is never mistaken for "not encrypted".
    print("Opened with this computer's keyring (keyring unlock is ON; "
          "`kit keyring disable` turns it off).", file=sys.stderr)
    return vault


def unlock(path: Path, passphrase_file: Path | None, *, allow_device: bool = True) -> Vault:
    """Open the vault, asking for the passphrase at most three times."""
    require_vault(path)
    given = given_passphrase(passphrase_file)
    vault_id = device_vault_id(path) if allow_device and given is None else None
    if given is None and vault_id is None and not credentials.terminal_available():
        return _prompt_unlock(path, "Passphrase: ")[0]  # no one to type: say so at once
    # The rows are read while the unlock waits: for the prompt, the keyring or the KDF.
    with ReadAhead(path) as early:
        if given is not None:
            return _opened(Vault.open(path, Credentials(passphrase=given), early.take))
        if vault_id is not None:
            vault = _try_device(path, vault_id, early)
            if vault is not None:
                return _opened(vault)
        return _prompt_unlock(path, "Passphrase: ", early)[0]


def _prompt_unlock(path: Path, prompt: str,
                   early: ReadAhead | None = None) -> tuple[Vault, str]:
    """Ask for the passphrase at most three times; the vault and the passphrase that opened it.
    *early*: the rows read while the passphrase is typed, kept across wrong tries."""
    for attempt in range(1, credentials.TRIES + 1):
        typed = credentials.prompt_secret(prompt, HOW_PASSPHRASE)
        try:
            vault = Vault.open(path, Credentials(passphrase=typed),
                               early.take if early is not None else None)
            return _opened(vault), typed
        except WrongSecret:
            if attempt == credentials.TRIES:
                raise WrongSecret(
                    "three wrong passphrases: the vault stays locked and nothing was changed. "
                    "If you have lost the passphrase, `kit recover` opens it with your "
                    "recovery key."
                ) from None
            print("That passphrase did not open the vault; please try again.", file=sys.stderr)
    raise AssertionError("unreachable")


def passphrase_for(path: Path, passphrase_file: Path | None) -> tuple[Vault, str]:
    """Open with the passphrase itself (never the keyring) and return it too, for actions
    that need it again: backups, passphrase changes, rotation."""
    require_vault(path)
    given = given_passphrase(passphrase_file)
    if given is not None:
        return _opened(Vault.open(path, Credentials(passphrase=given))), given
    return _prompt_unlock(path, "Current passphrase: ")


def recovery_unlock(path: Path) -> Vault:
    """Open with the recovery key (environment or prompt), three tries at a prompt."""
    require_vault(path)
    given = credentials.from_environment(credentials.ENV_RECOVERY_KEY)
    tries = 1 if given is not None else credentials.TRIES
    for attempt in range(1, tries + 1):
        text = given if given is not None else credentials.prompt_secret(
            "Recovery key: ", HOW_RECOVERY)
        try:
            key = recovery.parse(text)
            return _opened(Vault.open(path, Credentials(recovery_key=key)))
        except (WrongSecret, UsageError) as exc:
            if attempt == tries:
                raise WrongSecret(exc.message) from None
            print(f"{exc.message}. Please try again.", file=sys.stderr)
    raise AssertionError("unreachable")
