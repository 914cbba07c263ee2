"""`kit keyring`: let this computer's keyring open the vault (opt-in), say whether it can, and
turn it off so that the key left behind opens nothing."""

from __future__ import annotations

import click

from kit import credentials
from kit.commands.context import json_option, opts, out, say
from kit.commands.key_changes import ask_before_retiring, change_keys
from kit.errors import KitError


@click.group("keyring")
def keyring() -> None:
    """Let this computer's keyring open the vault (opt-in; off by default)."""


DEVICE_WARNING = (
    "With this on, anyone who can use your login on this computer can open your vault\n"
    "without the passphrase. Turn it on only on a computer that is yours alone.\n"
    "Backups, exports, sharing and passphrase changes still ask for the passphrase."
)


@keyring.command("status")
@json_option
def keyring_status() -> None:
    """Say whether a secure keyring exists and whether it can open this vault."""
    from kit.errors import KeyringUnavailable
    from kit.vault import device
    from kit.vault.store import read_header, require_vault

    path = opts().vault_path
    require_vault(path)
    header = read_header(path)
    status = device.backend_status()
    enabled = bool(header.slots_of("device"))
    if status.available:  # present is not enough: a locked or unreachable one never answers
        try:
            device.load_key(header.vault_id)
        except KeyringUnavailable as exc:
            status = device.BackendStatus(False, status.name, exc.message)
    state = "ON: this computer's keyring can open the vault" if enabled else "off"
    out(f"Keyring unlock: {state}\nKeyring: {status.reason} ({status.name})",
        {"enabled": enabled, "backend": status.name, "secure_backend": status.available,
         "detail": status.reason})


@keyring.command("enable")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def keyring_enable(yes: bool) -> None:
    """Store a device key in the system keyring so the vault opens without the passphrase."""
    from kit.errors import KeyringUnavailable
    from kit.unlock import passphrase_for
    from kit.vault import device
    from kit.vault.store import require_vault

    require_vault(opts().vault_path)
    status = device.backend_status()
    if not status.available:
        raise KeyringUnavailable(status.reason)
    say(DEVICE_WARNING)
    if not yes and not credentials.confirm("Turn on keyring unlock?"):
        raise KitError("keyring unlock was not turned on")
    vault, _passphrase = passphrase_for(opts().vault_path, opts().passphrase_file)
    with vault:
        device.enable_device_unlock(vault)
    say("Keyring unlock is ON for this computer. `kit keyring disable` turns it off.")
    out("", {"enabled": True, "backend": status.name})


@keyring.command("disable")
@click.option("--yes", is_flag=True, help="Do not ask before replacing the recovery key, and do "
              "not ask you to confirm the new one.")
@json_option
def keyring_disable(yes: bool) -> None:
    """Remove the device key, then change the data key so the old device key is useless."""
    from kit.unlock import passphrase_for
    from kit.vault import key_changes

    vault, passphrase = passphrase_for(opts().vault_path, opts().passphrase_file)
    with vault:
        if "device" not in vault.slot_types():
            say("Keyring unlock was already off.")
            out("", {"enabled": False, "rotated": False})
            return
        ask_before_retiring(yes, "Keyring unlock will be turned off, and the vault's data key "
                            "changed so that the key left in the keyring opens nothing.")
        change_keys(vault, passphrase, None, yes, "Keyring unlock is OFF, and the data key "
                    "was changed so the old device key opens nothing.",
                    lambda show: key_changes.keyring_off(vault, passphrase, show),
                    keyring_off=True)
