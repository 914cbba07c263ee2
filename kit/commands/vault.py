"""`kit vault`: back the vault up to an age file, restore one into a new vault, check every
record, describe it, or destroy it for good."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from pathlib import Path

import click

from kit import credentials
from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.errors import BadInput, KitError, VaultDamaged
from kit.plurals import counted


@click.group("vault")
def vault() -> None:
    """Back up, restore, check, describe or destroy the vault."""


@vault.command("backup")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The age file to write.")
@click.option("--force", is_flag=True, help="Overwrite the file if it is already there.")
@json_option
def vault_backup(out_path: Path, force: bool) -> None:
    """Write the whole vault to one age file, encrypted with your passphrase.

    The standard `age` tool can open it too (`age -d FILE`), so your records never depend on
    this program alone.
    """
    from kit.chosen_file import check_chosen_path
    from kit.unlock import passphrase_for
    from kit.vault.export import write_backup

    check_chosen_path(out_path, overwrite=force)
    vault, passphrase = passphrase_for(opts().vault_path, opts().passphrase_file)
    with vault:
        say("Encrypting the backup (this takes a few seconds) ...")
        size = write_backup(vault, out_path, passphrase, overwrite=force)
    say(f"Backup written to {out_path}. It opens with your current vault passphrase.")
    from kit.age_header import costly_note

    note = costly_note(out_path, "kit vault restore")
    if note:
        say(note)
    out("", {"backup": str(out_path), "bytes": size})


@vault.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kdf-profile", type=click.Choice(["default", "minimum", "strong"]),
              default=lambda: os.environ.get("KIT_KDF_PROFILE", "default"))
@click.option("--allow-costly", is_flag=True, help="Open a backup whose passphrase protection "
              "asks for more memory than the kit accepts by default (one made on a much faster "
              "computer), up to age's own limit of 4 GiB.")
@json_option
def vault_restore(backup_file: Path, kdf_profile: str, allow_costly: bool) -> None:
    """Make a new vault from a backup file (made by `kit vault backup` or by `age -p`)."""
    from kit.unlock import HOW_PASSPHRASE, given_passphrase
    from kit.vault.export import read_backup, restore_into
    from kit.vault.files import is_vault
    from kit.vault.store import Vault
    from kit.workspace import unreadable_in

    target = opts().vault_path
    if is_vault(target):
        raise KitError(f"a vault already exists at {target}; restore into a new folder with "
                       f"`kit --vault NEW_FOLDER vault restore {backup_file}`, or move the "
                       "existing vault away first")
    if not backup_file.exists():
        raise BadInput(f"{backup_file} does not exist")
    backup_passphrase = given_passphrase(opts().passphrase_file)
    if backup_passphrase is None:
        backup_passphrase = credentials.prompt_secret("Passphrase of the backup file: ",
                                                      HOW_PASSPHRASE)
    say("Decrypting the backup (this takes a few seconds) ...")
    doc = read_backup(backup_file, backup_passphrase, allow_costly=allow_costly)
    if credentials.from_environment(credentials.ENV_NEW_PASSPHRASE) is not None or (
        credentials.terminal_available()
        and not credentials.confirm("Use the backup's passphrase for the new vault?")
    ):
        new = credentials.new_passphrase(credentials.ENV_NEW_PASSPHRASE, "vault passphrase")
    else:
        new = credentials.check_new_passphrase(backup_passphrase)
    count = 0

    def fill(staged: Vault) -> None:
        nonlocal count
        count = restore_into(staged, doc, unreadable_in)

    def show(recovery_text: str) -> None:
        # The records are in and the vault not yet in place: a failure or kill before this
        # leaves no vault at all (the same command runs again), and after it a whole vault
        # whose key was shown (kit init does the same).
        say(f"Restored {counted(count, 'record')} into a new vault at {target}.")
        say("Its RECOVERY KEY is below; write it down now, it is shown only this once.\n")
        out(f"    {recovery_text}\n", {"vault": str(target), "records": count,
                                        "recovery_key": recovery_text})
        sys.stdout.flush()

    restored, _recovery_text = Vault.create(target, new, kdf_profile, show, fill)
    restored.close()


@vault.command("verify")
@json_option
def vault_verify() -> None:
    """Check every record, stored file and the manifest; exit 4 if anything is wrong.

    It also reads every record the way the kit uses it, so one this version of the kit cannot
    read (written by a newer version, or by a faulty one) is named too. Nothing is changed."""
    from kit.unlock import unlock
    from kit.workspace import Workspace

    with unlock(opts().vault_path, opts().passphrase_file) as v:
        problems = v.verify()
        # Never the vault's own problems again; and if the records cannot be read at all,
        # verify has said why.
        with contextlib.suppress(VaultDamaged):
            problems += Workspace(v).unreadable()
    if not problems:
        out("The vault is healthy: every record and stored file checked out.",
            {"ok": True, "problems": []})
        return
    lines = [f"- {p.message}" for p in problems]
    say("The vault has problems (nothing was changed):\n" + "\n".join(lines))
    unreadable = [p for p in problems if p.code.startswith(("unreadable_", "bad_"))]
    if len(unreadable) < len(problems):
        say("Restore from the backups folder or from a `kit vault backup` file.")
    if unreadable:
        say("A record this kit cannot read is kept as it is, and the rest still works. If a "
            "newer Frontline Kit wrote it, update this one; if not, a backup holds it as it was.")
    if opts().json:
        out("", {"ok": False, "problems": [p.__dict__ for p in problems]})
    raise click.exceptions.Exit(4)


@vault.command("info")
@json_option
def vault_info() -> None:
    """Describe the vault: where it is, how it is protected, how much it holds."""
    from kit.unlock import unlock
    from kit.vault.backups import list_backups
    from kit.vault.identity import public_identity

    with unlock(opts().vault_path, opts().passphrase_file) as v:
        snap = v.snapshot()
        warn_problems(snap.problems)
        ident = public_identity(snap.records)
        params = v.kdf_params()
        kinds: dict[str, int] = {}
        for record in snap.records.values():
            kinds[record.kind] = kinds.get(record.kind, 0) + 1
        info = {
            "path": str(v.path),
            "vault_id": v.vault_id.hex(),
            "format": 1,
            "commit": snap.commit,
            "records": kinds,
            "slots": v.slot_types(),
            "keyring_unlock": "device" in v.slot_types(),
            "unlocked_by": v.unlocked_by,
            "kdf": None if params is None else {
                "algorithm": "argon2id", "memory_kib": params.memory_kib,
                "iterations": params.iterations, "lanes": params.lanes,
                "profile": params.profile_name()},
            "backups": (backups := len(list_backups(v.path))),
            "identity": {"age_recipient": ident.recipient, "fingerprint": ident.fingerprint},
        }
    kdf_text = "" if params is None else (
        f"Argon2id, {params.memory_kib // 1024} MiB, {params.iterations} passes, "
        f"{params.lanes} lanes ({params.profile_name()})")
    human = "\n".join([
        f"Vault:          {info['path']}",
        "Format:         v1",
        f"Journal:        {counted(kinds.get('journal', 0), 'entry', 'entries')}",
        f"Protection:     {kdf_text}",
        f"Key slots:      {', '.join(v.slot_types())}",
        f"Keyring unlock: {'ON' if info['keyring_unlock'] else 'off'}",
        f"Backups:        {counted(backups, 'local copy', 'local copies')}",
        f"Identity:       {ident.recipient}",
        f"Fingerprint:    {ident.fingerprint}",
    ])
    out(human, info)


@vault.command("destroy")
@click.option("--yes", is_flag=True, help="Do not ask; destroy at once.")
@json_option
def vault_destroy(yes: bool) -> None:
    """Delete the vault, its backups and its keyring entry, for good."""
    from kit.unlock import passphrase_for
    from kit.vault import device

    path = opts().vault_path
    v, _passphrase = passphrase_for(path, opts().passphrase_file)
    with v:
        had_device = "device" in v.slot_types()
        vault_id = v.vault_id
    if not yes and not credentials.ask_word(
            f"This deletes the vault at {path} and all its backups. It cannot be undone.",
            "destroy"):
        raise KitError("nothing was deleted")
    if had_device:
        try:
            device.delete_key(vault_id)
        except KitError as exc:
            say(f"Note: {exc.message}")
    shutil.rmtree(path)
    say(f"The vault at {path} was destroyed.")
    out("", {"destroyed": str(path)})
