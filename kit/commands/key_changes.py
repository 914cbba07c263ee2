"""Changing the vault's data key and recovery key, as `kit passwd --rotate`, `kit recover` and
`kit keyring disable` do it: say what will happen and ask first, show the new recovery key the
moment it opens the vault, and have it confirmed before the old one is retired
(kit.vault.key_changes and kit.vault.rotation do the work)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from kit import credentials
from kit.commands.context import go_ahead, opts, out, say

if TYPE_CHECKING:
    from kit.vault import Vault
    from kit.vault.key_changes import NewKeys

RETIRES_RECOVERY_KEY = (
    "You will be given a NEW recovery key to write down. Your current recovery key keeps\n"
    "working until the new one has been shown to you; after that, only the new one works."
)


def ask_before_retiring(yes: bool, what: str) -> None:
    """Say *what* a key change will do and what happens to the recovery key, and go on only
    with --yes (*yes*) or a yes typed at the terminal."""
    if not opts().json:
        say(f"{what}\n{RETIRES_RECOVERY_KEY}")
    go_ahead(yes, "Go ahead?", to_do="go ahead", otherwise="nothing was changed")


def change_keys(vault: Vault, passphrase: str, profile: str | None, yes: bool, done: str,
                change: Callable[[Callable[[str], None]], NewKeys | None] | None = None,
                *, keyring_off: bool = False) -> bool:
    """Change the data key and the recovery key (by *change*, kit.vault.key_changes.new_keys
    unless given), showing the new key as soon as it opens the vault and before the old one is
    retired (kit.vault.rotation). A key change ends keyring unlock too: say so, unless turning
    it off was the point (*keyring_off*), and print *done*. False if *change* changed no key.
    Unless *yes*, a person at a terminal types back the key's last group before the old key
    is retired."""
    from kit.errors import KeyChangeStopped
    from kit.vault import key_changes

    shown = False

    def show(recovery_text: str) -> None:
        nonlocal shown
        data = {"changed": True, "rotated": True, "recovery_key": recovery_text}
        if opts().json:
            # Written now, not at the end: the old key is retired next, and a key never
            # printed would leave nothing that opens the vault if the process died then.
            out("", data)
            sys.stdout.flush()
            shown = True
            return
        say("Here is your NEW recovery key. Write it on paper now and keep it somewhere safe;\n"
            "it is shown only this once.\n")
        click.echo(f"    {recovery_text}\n")
        sys.stdout.flush()
        shown = True
        if not yes and credentials.terminal_available():
            _confirm_written(recovery_text)

    keys: NewKeys | None
    try:
        if change is None:
            keys = key_changes.new_keys(vault, passphrase, profile, show)
        else:
            keys = change(show)
    except KeyChangeStopped as exc:
        if shown and opts().json:
            # The one JSON document (with the new key) is already out: the rest is stderr.
            say(f"kit: {exc.message}")
            raise click.exceptions.Exit(exc.exit_code) from None
        raise
    if keys is None:
        return False
    if keys.keyring_note:
        say(f"Note: {keys.keyring_note}; the old keyring entry no longer opens the vault.")
    if keys.keyring_ended and not keyring_off:
        say("Keyring unlock is now OFF (the key change retired it); "
            "`kit keyring enable` turns it on again.")
    say(f"{done} Your old recovery key no longer works: the one shown above is your recovery "
        "key now.")
    return True


def _confirm_written(recovery_text: str) -> None:
    """Ask for the key's last group back, so a key that was not written down stops the change
    before the old key is retired."""
    from kit.errors import KeyChangeStopped

    last = recovery_text.rsplit("-", 1)[-1]
    for _attempt in range(credentials.TRIES):
        typed = credentials.ask_terminal(
            "When you have written it down, type its last four characters to go on: ")
        if typed.strip().upper().translate(str.maketrans("OIL", "011")) == last:
            return
        say(f"That is not the last group of the key above (it ends \"...-{last}\"); "
            "check your copy and try again.")
    raise KeyChangeStopped(
        "the new recovery key was not confirmed, so the old one was not retired: your old "
        "recovery key still works, and so does your new passphrase if you chose one. Run the "
        "command again when you are ready to write the new key down."
    )

