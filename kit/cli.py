"""The `kit` command. Every feature has a plain command here; the terminal app comes later
and is imported only when launched. Errors become exit codes in one place: main().
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit import __version__, credentials
from kit.commands.context import (
    CONTEXT,
    Options,
    json_option,
    opts,
    out,
    read_private_text,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.commands.plans import PlanCommand, edit_plan, part_options, show_plan
from kit.errors import BadInput, KitError, NotFound, OutOfMemory, UsageError
from kit.hygiene import harden_process
from kit.plurals import counted
from kit.records import exposure as exposure_records
from kit.records import wellbeing_plan as plan_records

if TYPE_CHECKING:
    from kit.records.journal import Journal, JournalEntry
    from kit.vault import Vault
    from kit.vault.key_changes import NewKeys
    from kit.wellbeing.checkins import CheckIn
    from kit.wellbeing.instruments import Instrument
    from kit.wellbeing.scoring import SubscaleScore
    from kit.wellbeing.signposting import SupportPrompt

# --- the command tree ---

# Each area's commands live in kit.commands and are imported only when used (or listed by
# --help), so a command starts without loading every other area: the start-up cost of
# `kit journal add` does not grow with each area the kit gains.
AREA_COMMANDS: dict[str, tuple[str, str]] = {
    "action": ("kit.commands.supervision", "action"),
    "check": ("kit.commands.check", "check"),
    "checklist": ("kit.commands.checklist", "checklist"),
    "evidence": ("kit.commands.incidents", "evidence"),
    "findings": ("kit.commands.findings", "findings"),
    "id": ("kit.commands.identity", "identity"),
    "incident": ("kit.commands.incidents", "incident"),
    "keys": ("kit.commands.keys", "keys"),
    "ledger": ("kit.commands.ledger", "ledger"),
    "letter": ("kit.commands.incidents", "letter"),
    "removal": ("kit.commands.removal", "removal"),
    "safety-plan": ("kit.commands.safety_plan", "safety_plan"),
    "scan": ("kit.commands.scan", "scan"),
    "search-queries": ("kit.commands.search_queries", "search_queries"),
    "share": ("kit.commands.share", "share_group"),
    "sites": ("kit.commands.sites", "sites"),
    "supervision": ("kit.commands.supervision", "supervision"),
    "team": ("kit.commands.supervision", "team"),
}


class KitGroup(click.Group):
    """The top-level group: the commands defined here, plus the areas' commands on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *AREA_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in AREA_COMMANDS and cmd_name not in self.commands:
            module_name, attr = AREA_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command) and command.name == cmd_name, cmd_name
            self.add_command(command)
        return super().get_command(ctx, cmd_name)


@click.group(cls=KitGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.option("--vault", "vault", metavar="DIR", help="Vault folder (default: $KIT_VAULT, "
              "else $KIT_HOME/vault).")
@click.option("--passphrase-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Read the passphrase from the first line of this file.")
@click.version_option(__version__, prog_name="kit")
@click.pass_context
def cli(ctx: click.Context, vault: str | None, passphrase_file: Path | None) -> None:
    """Frontline Kit: a private place for your safety and wellbeing records.

    Everything you write is encrypted on this computer. Nothing leaves it unless you choose:
    only the footprint checks you start (`kit check`, `kit scan`) use the internet, each
    showing first exactly what it would send, and to whom, and asking; with KIT_OFFLINE=1
    nothing is sent at all. Start with `kit init`.
    """
    options = ctx.ensure_object(Options)
    options.vault, options.passphrase_file = vault, passphrase_file
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            launch_app(options.vault_path)
            return
        click.echo(ctx.get_help())
        say("\n`kit` on its own opens the full-screen app when run in a terminal.")


def launch_app(vault_path: Path, **extra: Any) -> None:
    """Open the terminal app. Textual is imported here and nowhere else in the CLI."""
    from kit import config
    from kit.tui.app import AppServices, run

    settings = config.load()
    profile = os.environ.get("KIT_KDF_PROFILE", "default")
    run(AppServices(vault_path=vault_path, config=settings, kdf_profile=profile, **extra))


@cli.command("demo")
def demo_command() -> None:
    """Try the app on made-up records. Nothing is kept.

    The demo opens a throwaway vault of fictional entries in a temporary folder, with the
    network switched off, and deletes it when you quit. Your own vault is never opened.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("`kit demo` opens the full-screen app, so it needs a terminal; run it "
                         "in one (nothing was created)")
    from kit.demo import prepare_demo, sweep_stale

    sweep_stale()
    say("Preparing the demo (made-up records, deleted when you quit) ...")
    demo = prepare_demo()
    try:
        os.environ["KIT_OFFLINE"] = "1"  # the demo never reaches the network
        launch_app(demo.path, demo=True, demo_passphrase=demo.passphrase, allow_keyring=False)
    finally:
        demo.cleanup()


@cli.command()
@click.option("--kdf-profile", type=click.Choice(["default", "minimum", "strong"]),
              default=lambda: os.environ.get("KIT_KDF_PROFILE", "default"),
              show_default="default, or $KIT_KDF_PROFILE",
              help="How hard the passphrase is stretched. 'minimum' is for slow machines.")
@json_option
def init(kdf_profile: str) -> None:
    """Create a new vault (never overwrites one)."""
    from kit.unlock import given_passphrase
    from kit.vault import Vault
    from kit.vault.files import is_vault

    path = opts().vault_path
    if is_vault(path):
        raise KitError(f"a vault already exists at {path}; `kit init` never overwrites one")
    given = given_passphrase(opts().passphrase_file)
    if given is not None:
        passphrase = credentials.check_new_passphrase(given)
    else:
        passphrase = credentials.new_passphrase(credentials.ENV_PASSPHRASE, "vault passphrase")

    def show(recovery_text: str) -> None:
        # Before the vault is moved into place: a vault never exists whose key was not shown.
        say("Below is your RECOVERY KEY. Write it on paper now and keep it somewhere safe.\n"
            "It is shown only this once. If you lose both your passphrase and this key,\n"
            "nobody (including us) can open your vault.\n")
        out(f"    {recovery_text}\n", {"vault": str(path), "recovery_key": recovery_text,
                                        "kdf_profile": kdf_profile})
        sys.stdout.flush()

    vault, _recovery_text = Vault.create(path, passphrase, kdf_profile, show)
    vault.close()
    say(f"Created your vault in {path}.")


@cli.command()
@click.option("--rotate", is_flag=True,
              help="Also make a new data key and re-encrypt everything, backups included. This "
                   "gives you a new recovery key, and the old one stops working.")
@click.option("--kdf-profile", type=click.Choice(["default", "minimum", "strong"]), default=None,
              help="Change how hard the passphrase is stretched.")
@click.option("--yes", is_flag=True, help="With --rotate: do not ask before replacing the "
              "recovery key, and do not ask you to confirm the new one.")
@json_option
def passwd(rotate: bool, kdf_profile: str | None, yes: bool) -> None:
    """Change the passphrase (and with --rotate, the data key and the recovery key)."""
    from kit.unlock import passphrase_for
    from kit.vault.backups import take

    vault, current = passphrase_for(opts().vault_path, opts().passphrase_file)
    with vault:
        if rotate:
            _ask_before_retiring(yes, "Your vault's data key will be changed and everything "
                                 "re-encrypted, backups included.")
        given_new = credentials.from_environment(credentials.ENV_NEW_PASSPHRASE)
        if rotate and given_new is None and not credentials.terminal_available():
            new = current  # rotation alone: keep the passphrase
        else:
            new = credentials.new_passphrase(credentials.ENV_NEW_PASSPHRASE)
        if rotate:
            _change_keys(vault, new, kdf_profile, yes, "The data key was changed and "
                         "everything re-encrypted, backups included.")
        else:
            with vault.locked():
                take(vault)
            vault.change_passphrase(new, kdf_profile)
            say("Passphrase changed. Your recovery key still works.")
            out("", {"changed": True, "rotated": False})


RETIRES_RECOVERY_KEY = (
    "You will be given a NEW recovery key to write down. Your current recovery key keeps\n"
    "working until the new one has been shown to you; after that, only the new one works."
)


def _ask_before_retiring(yes: bool, what: str) -> None:
    """Say what a key change will do to the recovery key, and ask before it starts."""
    from kit.commands.context import go_ahead

    if not opts().json:
        say(f"{what}\n{RETIRES_RECOVERY_KEY}")
    go_ahead(yes, "Go ahead?", to_do="go ahead", otherwise="nothing was changed")


def _change_keys(vault: Vault, passphrase: str, profile: str | None, yes: bool, done: str,
                 change: Callable[[Callable[[str], None]], NewKeys | None] | None = None,
                 *, keyring_off: bool = False) -> bool:
    """Change the data key and the recovery key (by *change*, kit.vault.key_changes.new_keys
    unless given), showing the new key as soon as it opens the vault and before the old one is
    retired (kit.vault.rotation). A key change ends keyring unlock too: say so, unless turning
    it off was the point (*keyring_off*). False if *change* changed no key."""
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


@cli.command()
@click.option("--kdf-profile", type=click.Choice(["default", "minimum", "strong"]), default=None)
@click.option("--yes", is_flag=True, help="Do not ask before replacing the recovery key, and do "
              "not ask you to confirm the new one.")
@json_option
def recover(kdf_profile: str | None, yes: bool) -> None:
    """Open the vault with the recovery key and set a new passphrase.

    The data key is then changed (everything re-encrypted) and a new recovery key is shown,
    because the old one has been used. The old one works until the new one has been shown.
    """
    from kit.unlock import recovery_unlock
    from kit.vault import key_changes

    vault = recovery_unlock(opts().vault_path)
    with vault:
        _ask_before_retiring(yes, "You will choose a new passphrase, and because the recovery "
                             "key has now been used, the vault's data key will be changed.")
        new = credentials.new_passphrase(credentials.ENV_NEW_PASSPHRASE)
        damage = ""

        def change(show: Callable[[str], None]) -> NewKeys | None:
            nonlocal damage
            recovered = key_changes.recover(vault, new, kdf_profile, show)
            damage = recovered.damage
            return recovered.keys

        if not _change_keys(vault, new, kdf_profile, yes, "Your new passphrase is set.",
                            change):
            # Still let the user back in; the key can be changed once the damage is dealt with.
            say(f"Your new passphrase is set, but the data key was NOT changed: {damage}\n"
                "Your recovery key still works. After restoring the damaged records, run "
                "`kit passwd --rotate`.")
            out("", {"changed": True, "rotated": False})


# --- keyring ---


@cli.group()
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
        _ask_before_retiring(yes, "Keyring unlock will be turned off, and the vault's data key "
                             "changed so that the key left in the keyring opens nothing.")
        _change_keys(vault, passphrase, None, yes, "Keyring unlock is OFF, and the data key "
                     "was changed so the old device key opens nothing.",
                     lambda show: key_changes.keyring_off(vault, passphrase, show),
                     keyring_off=True)


# --- vault ---


@cli.group()
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
    """Check every record, stored file and the manifest; exit 4 if anything is wrong."""
    from kit.unlock import unlock

    with unlock(opts().vault_path, opts().passphrase_file) as v:
        problems = v.verify()
    if not problems:
        out("The vault is healthy: every record and stored file checked out.",
            {"ok": True, "problems": []})
        return
    lines = [f"- {p.message}" for p in problems]
    say("The vault has problems (nothing was changed):\n" + "\n".join(lines))
    say("Restore from the backups folder or from a `kit vault backup` file.")
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


# --- journal ---


@cli.group()
def journal() -> None:
    """Your private reflective journal (encrypted)."""


def _journal(allow_device: bool = True) -> Journal:
    return unlocked_workspace(allow_device).journal


def _entry_line(entry: JournalEntry) -> str:
    tags = " " + " ".join(f"#{t}" for t in entry.tags) if entry.tags else ""
    mood = f" [mood {entry.mood}]" if entry.mood is not None else ""
    return f"{entry.short_id}  {entry.created:%Y-%m-%d %H:%M}  {entry.title}{tags}{mood}"


def _entry_full(entry: JournalEntry) -> str:
    head = [f"id:      {entry.id}", f"created: {entry.created:%Y-%m-%d %H:%M} UTC"]
    if entry.updated != entry.created:
        head.append(f"updated: {entry.updated:%Y-%m-%d %H:%M} UTC")
    if entry.tags:
        head.append("tags:    " + " ".join(f"#{t}" for t in entry.tags))
    if entry.mood is not None:
        head.append(f"mood:    {entry.mood}/10")
    return "\n".join(head) + "\n\n" + entry.text.rstrip()


MOOD = click.IntRange(0, 10)


@journal.command("add")
@click.argument("text", required=False)
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option("--mood", type=MOOD, help="How you feel, 0 (worst) to 10 (best).")
@json_option
def journal_add(text: str | None, tags: tuple[str, ...], mood: int | None) -> None:
    """Add an entry. Give TEXT, or '-' / nothing to read it from stdin (safer)."""
    body = read_private_text(text)
    j = _journal()
    with j.vault:
        entry = j.add(body, tags, mood)
    out(entry.id, entry.to_json())


@journal.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@json_option
def journal_list(limit: int | None) -> None:
    """List entries, newest first."""
    j = _journal()
    with j.vault:
        entries = j.entries()
        warn_problems(j.problems)
    shown = entries[:limit] if limit else entries
    human = "\n".join(_entry_line(e) for e in shown) if shown else "No journal entries yet."
    out(human, {"entries": [e.to_json() for e in shown], "total": len(entries)})


@journal.command("search")
@click.argument("query")
@json_option
def journal_search(query: str) -> None:
    """Find entries containing every word of QUERY (#tag matches tags)."""
    j = _journal()
    with j.vault:
        hits = j.search(query)
        warn_problems(j.problems)
    human = "\n".join(_entry_line(e) for e in hits) if hits else "No entries match."
    out(human, {"query": query, "entries": [e.to_json() for e in hits]})


@journal.command("show")
@click.argument("entry_id")
@json_option
def journal_show(entry_id: str) -> None:
    """Show one entry in full (the id's first characters are enough)."""
    j = _journal()
    with j.vault:
        entry = j.get(entry_id)
        warn_problems(j.problems)
    out(_entry_full(entry), entry.to_json())


@journal.command("edit")
@click.argument("entry_id")
@click.argument("text", required=False)
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeat for more).")
@click.option("--mood", type=MOOD, help="Set the mood, 0 to 10.")
@click.option("--clear-mood", is_flag=True, help="Remove the mood.")
@json_option
def journal_edit(entry_id: str, text: str | None, tags: tuple[str, ...], mood: int | None,
                 clear_mood: bool) -> None:
    """Change an entry: new TEXT (or '-' for stdin), tags or mood.

    With no TEXT and no other option, the new text is read from stdin.
    """
    only_meta = text is None and (tags or mood is not None or clear_mood)
    body = None if only_meta else read_private_text(text)
    j = _journal()
    with j.vault:
        entry = j.edit(entry_id, body, list(tags) if tags else None, mood, clear_mood)
    say(f"Entry {entry.short_id} updated.")
    if opts().json:
        out("", entry.to_json())


@journal.command("delete")
@click.argument("entry_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def journal_delete(entry_id: str, yes: bool) -> None:
    """Delete an entry (asks first unless --yes)."""
    j = _journal()
    with j.vault:
        entry = j.get(entry_id)
        if not yes and not credentials.confirm(
                f"Delete the entry {entry.short_id} ({entry.title[:40]!r})?"):
            raise KitError("nothing was deleted")
        j.delete(entry.id)
    say(f"Entry {entry.short_id} deleted.")
    if opts().json:
        out("", {"deleted": entry.id})


@journal.command("export")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@json_option
def journal_export(fmt: str, out_path: Path, force: bool) -> None:
    """Write the journal to a PLAINTEXT file (Markdown or JSON)."""
    from kit.chosen_file import check_chosen_path
    from kit.reports.journal_export import render
    from kit.reports.plaintext import warning, write_plaintext

    check_chosen_path(out_path, overwrite=force)
    j = _journal(allow_device=False)  # a plaintext copy always needs the passphrase
    with j.vault:
        entries = j.entries()
        warn_problems(j.problems)
    data = render(list(reversed(entries)), fmt).encode("utf-8")
    out_path = write_plaintext(j.vault, out_path, data, force)
    say(warning("your journal", out_path))
    say(f"Exported {counted(len(entries), 'entry', 'entries')} to {out_path}.")
    if opts().json:
        out("", {"out": str(out_path), "entries": len(entries), "format": fmt})


# --- exposure log ---


@cli.group()
def exposure() -> None:
    """A log of distressing material you met at work: kinds and amounts, never content."""


def _choice(options: Sequence[exposure_records.Labelled]) -> click.Choice[str]:
    return click.Choice([c.value for c in options], case_sensitive=False)


def _volume_help() -> str:
    def count(band: exposure_records.VolumeBand) -> str:
        if band.high is None:
            return f"over {band.low - 1:,}"
        return f"{band.low:,}" if band.low == band.high else f"{band.low:,} to {band.high:,}"

    return ", ".join(f"{b.value} = {count(b)}" for b in exposure_records.VOLUME_BANDS)


def _local(when: datetime) -> str:
    return f"{when.astimezone():%Y-%m-%d %H:%M}"


def _exposure_row(entry: exposure_records.ExposureEntry) -> str:
    minutes = "-" if entry.minutes is None else str(entry.minutes)
    return (f"{entry.short_id:<8}  {_local(entry.when):<16}  {entry.impact:>3}/10  "
            f"{minutes:>7}  {entry.volume or '-':<9}  {','.join(entry.material):<16}  "
            f"{','.join(entry.flags) or '-'}")


EXPOSURE_HEADER = (f"{'ID':<8}  {'WHEN (LOCAL)':<16}  {'IMPACT':>6}  {'MINUTES':>7}  "
                   f"{'VOLUME':<9}  {'TYPE':<16}  FLAGS")


def _labels(choices: Sequence[exposure_records.Labelled], values: Sequence[str]) -> str:
    return "; ".join(exposure_records.label(choices, v) for v in values) or "none recorded"


def _exposure_full(entry: exposure_records.ExposureEntry) -> str:
    ex = exposure_records
    lines = [
        f"id:               {entry.id}",
        f"when:             {_local(entry.when)} (local time)",
        f"type:             {_labels(ex.MATERIAL_TYPES, entry.material)}",
        "how much:         " + (ex.label(ex.VOLUME_BANDS, entry.volume) if entry.volume
                                else "not recorded"),
        "time spent:       " + ("not recorded" if entry.minutes is None
                                else counted(entry.minutes, "minute")),
        f"what stood out:   {_labels(ex.FLAGS, entry.flags)}",
        f"protective steps: {_labels(ex.PROTECTIVE_STEPS, entry.steps)}",
        f"case outcome:     {ex.OUTCOME_LABELS[entry.outcome_known]}",
        f"impact on you:    {entry.impact}/10",
    ]
    if entry.updated != entry.recorded:
        lines.append(f"changed:          {_local(entry.updated)} (local time)")
    if entry.note:
        lines.append("\n" + entry.note.rstrip())
    return "\n".join(lines)


@exposure.command("add")
@click.option("--when", "when_text", metavar="DATE",
              help="When it happened: YYYY-MM-DD or 'YYYY-MM-DD HH:MM', in local time unless "
              "you add an offset. Default: now.")
@click.option("--minutes", type=int, help="Time spent with it, in minutes (0 to 1440).")
@click.option("--type", "material", multiple=True, required=True,
              type=_choice(exposure_records.MATERIAL_TYPES),
              help="The kind of material; repeat for more than one.")
@click.option("--volume", type=_choice(exposure_records.VOLUME_BANDS),
              help=f"How many items: {_volume_help()}.")
@click.option("--flag", "flags", multiple=True, type=_choice(exposure_records.FLAGS),
              help="What stood out (unexpected: it came without warning; personally-resonant: "
              "it felt close to home); repeat for more.")
@click.option("--step", "steps", multiple=True, type=_choice(exposure_records.PROTECTIVE_STEPS),
              help="A protective step you took (stopped-by-cut-off: you stopped at the time "
              "you had set yourself); repeat for more.")
@click.option("--outcome-known/--outcome-unknown", "outcome_known", default=None,
              help="Whether you know how the case turned out. Leave out if it does not apply.")
@click.option("--impact", type=int, required=True,
              help="How much it affected you: 0 (not at all) to 10 (very strongly).")
@click.option("--note", metavar="TEXT",
              help="A short private note about how you are, not a description of the material. "
              "Give '-' to read it from stdin: text typed as an argument can end up in your "
              "shell history.")
@json_option
def exposure_add(when_text: str | None, minutes: int | None, material: tuple[str, ...],
                 volume: str | None, flags: tuple[str, ...], steps: tuple[str, ...],
                 outcome_known: bool | None, impact: int, note: str | None) -> None:
    """Log an exposure (only categories are kept, never content). Prints the entry's id."""
    when = exposure_records.parse_when(when_text, "--when") if when_text is not None else None
    note_text = read_private_text(note) if note == "-" else note
    log = unlocked_workspace().exposure
    with log.vault:
        entry = log.add(material=material, impact=impact, when=when, minutes=minutes,
                        volume=volume, flags=flags, steps=steps, outcome_known=outcome_known,
                        note=note_text)
    from kit.wellbeing.signposting import exposure_prompt

    prompt = exposure_prompt(entry.impact)
    if prompt is not None and not opts().json:
        say(_support_text(prompt))
    from kit.wellbeing.helplines import helplines_json

    support = (None if prompt is None
               else {**prompt.to_json(), **helplines_json(_helpline_region())})
    out(entry.short_id, {**entry.to_json(), "support": support})


@exposure.command("list")
@click.option("--since", "since_text", metavar="DATE",
              help="Only entries from this date on (YYYY-MM-DD, local time).")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@json_option
def exposure_list(since_text: str | None, limit: int | None) -> None:
    """List exposure entries, newest first."""
    since = exposure_records.parse_when(since_text, "--since") if since_text else None
    log = unlocked_workspace().exposure
    with log.vault:
        entries = log.since(since) if since else log.entries()
        warn_problems(log.problems)
    shown = entries[:limit] if limit else entries
    if shown:
        human = "\n".join([EXPOSURE_HEADER, *(_exposure_row(e) for e in shown)])
    else:
        human = f"No exposure entries since {since_text}." if since else "No exposure entries yet."
    out(human, {"entries": [e.to_json() for e in shown], "total": len(entries)})


@exposure.command("show")
@click.argument("entry_id")
@json_option
def exposure_show(entry_id: str) -> None:
    """Show one entry in full (the id's first characters are enough)."""
    log = unlocked_workspace().exposure
    with log.vault:
        entry = log.get(entry_id)
        warn_problems(log.problems)
    out(_exposure_full(entry), entry.to_json())


@exposure.command("delete")
@click.argument("entry_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def exposure_delete(entry_id: str, yes: bool) -> None:
    """Delete an entry (asks first unless --yes)."""
    log = unlocked_workspace().exposure
    with log.vault:
        entry = log.get(entry_id)
        warn_problems(log.problems)
        if not yes and not credentials.confirm(
                f"Delete the exposure entry {entry.short_id} from {_local(entry.when)}?"):
            raise KitError("nothing was deleted")
        log.delete(entry.id)
    say(f"Entry {entry.short_id} deleted.")
    if opts().json:
        out("", {"deleted": entry.id})


# --- wellbeing plan ---


@cli.group("wellbeing-plan")
def wellbeing_plan() -> None:
    """Your wellbeing plan: what keeps you well, and what to do when things get hard."""


WELLBEING_PLAN = PlanCommand("wellbeing-plan", "wellbeing plan", plan_records.PLAN_FIELDS,
                             "--keeps-me-well TEXT or --contact 'NAME: HOW'")


@wellbeing_plan.command("show")
@json_option
def wellbeing_plan_show() -> None:
    """Show your wellbeing plan."""
    show_plan(unlocked_workspace().plan, WELLBEING_PLAN)


@wellbeing_plan.command("edit")
@part_options(plan_records.PLAN_FIELDS)
@click.option("--contact", "contacts", multiple=True, metavar="'NAME: HOW'",
              help="Add someone to contact and how to reach them; repeat for more.")
@click.option("--clear-contacts", is_flag=True,
              help="Remove every contact first (then add any given with --contact).")
@click.option("--review-date", "review_text", metavar="DATE",
              help="When to look at the plan again (YYYY-MM-DD).")
@click.option("--clear-review-date", is_flag=True, help="Remove the review date.")
@json_option
def wellbeing_plan_edit(contacts: tuple[str, ...], clear_contacts: bool, review_text: str | None,
                        clear_review_date: bool, **texts: str | None) -> None:
    """Change your wellbeing plan.

    Give the parts to change as options (arguments can end up in your shell history, so '-'
    reads one part from stdin). With no options, in a terminal, it walks you through each
    part and keeps whatever you leave blank.
    """
    edit_plan(unlocked_workspace().plan, WELLBEING_PLAN, title="Your wellbeing plan",
              texts=texts, contacts=contacts, clear_contacts=clear_contacts,
              review_text=review_text, clear_review_date=clear_review_date)


# --- wellbeing check-ins, instruments and support ---


def _parse_answers(pairs: Sequence[str]) -> dict[str, int]:
    answers: dict[str, int] = {}
    for pair in pairs:
        item, sep, value = pair.partition("=")
        item = item.strip()
        if not sep or not item:
            raise UsageError(f"--answer {pair!r}: write it as ITEM=N, for example energy=7")
        try:
            answers_value = int(value.strip())
        except ValueError:
            raise UsageError(f"--answer {pair!r}: the answer must be a whole number") from None
        if item in answers:
            raise UsageError(f"--answer: item '{item}' is answered twice")
        answers[item] = answers_value
    return answers


def _scale_hint(instrument: Instrument) -> str:
    scale = instrument.scale
    return ", ".join(f"{value} = {label}" for value, label in scale.labels.items())


def _ask_answers(instrument: Instrument) -> dict[str, int]:
    """Ask each item in turn on the terminal (never stdin, which may carry the note)."""
    scale, total = instrument.scale, len(instrument.items)
    say(f"{instrument.name}\n{instrument.credit}\nLicence: {instrument.licence}")
    if instrument.description:
        say(f"\n{instrument.description}")
    say(f"\nThink about how things have been {instrument.recall_period}. Answer each of the "
        f"{counted(total, 'question')} with a number from {scale.min} to {scale.max}:\n  "
        f"{_scale_hint(instrument)}\nYour answers are saved only in your encrypted vault. "
        "Press Ctrl-C to stop without saving.")
    answers: dict[str, int] = {}
    for n, item in enumerate(instrument.items, 1):
        for _attempt in range(credentials.TRIES):
            reply = credentials.ask_terminal(
                f"\n{n}/{total}. {item.text}\n     ({scale.min} to {scale.max}) ").strip()
            if reply.lstrip("-").isdigit() and int(reply) in scale.values:
                answers[item.id] = int(reply)
                break
            say(f"Please type a whole number from {scale.min} to {scale.max}.")
        else:
            raise UsageError(f"no answer for item '{item.id}'; nothing was saved")
    return answers


def _score_lines(instrument: Instrument | None, checkin: CheckIn) -> list[str]:
    from kit.wellbeing.instruments import show_number

    lines = []
    for s in checkin.scores:
        line = f"{s.name}: {show_number(s.score)}"
        try:
            sub = instrument.subscale(s.subscale) if instrument else None
        except KeyError:
            sub = None
        if sub is not None and instrument is not None:
            low, high, _step = sub.possible(instrument.scale)
            line += f" (on a scale from {show_number(low)} to {show_number(high)})"
            band = next((b for b in sub.bands if b.name == s.band), None)
            line += f" — {band.shown}. {band.description}" if band else f" — {s.band}"
        else:
            line += f" — {s.band}"
        lines.append(line)
    return lines


def _helpline_region() -> str:
    """The region whose support lines to show (config.toml's [checklists] region). A config
    file that cannot be read must never hide the support lines: then every line shows."""
    from kit import config

    try:
        return config.load().region
    except BadInput:
        return "uk"


def _support_text(prompt: SupportPrompt) -> str:
    from kit.wellbeing.helplines import EMERGENCY, helplines_for

    region = _helpline_region()
    lines = [prompt.message, "", EMERGENCY]
    lines += [f"  {h.name_for(region)}: {h.action} ({h.hours})" for h in helplines_for(region)]
    lines.append("`kit helplines` has more about each, and `kit grounding` has exercises "
                 "for difficult moments.")
    return "\n".join(lines)


@cli.group()
def checkin() -> None:
    """Wellbeing check-ins: a few questions now and then, kept private and encrypted."""


@checkin.command("add")
@click.option("--instrument", "instrument_id", default="pulse", show_default=True,
              metavar="ID", help="Which check-in to answer (`kit instrument list`).")
@click.option("--answer", "answers", multiple=True, metavar="ITEM=N",
              help="An answer, e.g. energy=7 (repeat for every item). Without any, the "
              "questions are asked one by one at the terminal.")
@click.option("--note", metavar="TEXT", help="A private note to keep with it; '-' reads it "
              "from stdin (safer: text typed as an argument can end up in shell history).")
@json_option
def checkin_add(instrument_id: str, answers: tuple[str, ...], note: str | None) -> None:
    """Answer a check-in and see your scores. Prints the scores and, when they suggest
    things are hard, where to find support."""
    from kit.wellbeing.helplines import helplines_json
    from kit.wellbeing.signposting import support_prompt

    given = _parse_answers(answers)
    note_text = read_private_text(note) if note == "-" else note
    ws = unlocked_workspace()
    with ws.vault:
        try:
            instrument = ws.instruments.get(instrument_id)
        except NotFound:
            # Asked for by name, so a usage slip: say what is loaded and how to load more.
            loaded = ", ".join(i.id for i in ws.instruments.list())
            raise UsageError(
                f"the questionnaire {instrument_id!r} is not loaded in this vault (loaded: "
                f"{loaded}). A questionnaire your organisation holds a licence for is loaded "
                "from its file with `kit instrument add FILE`") from None
        if not given and not credentials.terminal_available():
            raise UsageError("no answers given and no terminal to ask on: give every answer "
                             f"as --answer ITEM=N (`kit instrument show {instrument_id}` "
                             "lists the items)")
        if not given:
            given = _ask_answers(instrument)
        saved = ws.checkins.add(instrument, given, note=note_text)
        previous = [c.result for c in ws.checkins.before(saved)]
        warn_problems(ws.problems)
    prompt = support_prompt(instrument, saved.result, previous)
    human = "\n".join([f"Saved your {instrument.short_name} check-in ({saved.short_id}).",
                       *_score_lines(instrument, saved)])
    support = (None if prompt is None
               else {**prompt.to_json(), **helplines_json(_helpline_region())})
    out(human, {"checkin": saved.to_json(), "support": support})
    if prompt is not None and not opts().json:
        say("\n" + _support_text(prompt))


@checkin.command("list")
@click.option("--instrument", "instrument_id", metavar="ID", help="Only this instrument's.")
@json_option
def checkin_list(instrument_id: str | None) -> None:
    """List check-ins with their scores, newest first."""
    from kit.wellbeing.instruments import show_number

    ws = unlocked_workspace()
    with ws.vault:
        if instrument_id is not None:
            ws.instruments.get(instrument_id)  # an unknown id is a mistake, not "none yet"
            entries = ws.checkins.for_instrument(instrument_id)
        else:
            entries = ws.checkins.entries()
        known = {i.id: i for i in ws.instruments.list()}
        warn_problems(ws.checkins.problems)

    def shown(c: CheckIn, s: SubscaleScore) -> str:
        found = known.get(c.instrument)
        return found.band_label(s.subscale, s.band) if found else s.band

    rows = [f"{c.short_id}  {c.when.astimezone():%Y-%m-%d %H:%M}  "
            f"{known[c.instrument].short_name if c.instrument in known else c.instrument}  "
            + "; ".join(f"{s.name} {show_number(s.score)} ({shown(c, s)})" for s in c.scores)
            for c in entries]
    human = "\n".join(rows) if rows else "No check-ins yet. `kit checkin add` starts one."
    out(human, {"checkins": [c.to_json() for c in entries], "total": len(entries)})


@checkin.command("due")
@json_option
def checkin_due() -> None:
    """When each check-in is next due, by the rhythm you chose (`kit checkin rhythm`)."""
    today = date.today()
    ws = unlocked_workspace()
    with ws.vault:
        due = ws.checkins.due(today)
        warn_problems(ws.checkins.problems)
    lines = []
    for d in due:
        head = f"{d.instrument.short_name} ({d.instrument.id})"
        last = f"last done {d.last_done.astimezone():%Y-%m-%d}" if d.last_done else \
            "not done yet"
        if d.next_due is None:
            lines.append(f"{head}: reminders off; {last}")
        elif d.overdue:
            lines.append(f"{head}: due since {d.next_due}; {last}")
        elif d.next_due == today:
            lines.append(f"{head}: due today; {last}")
        else:
            lines.append(f"{head}: next on {d.next_due}; {last}")
    out("\n".join(lines), {"today": today.isoformat(),
                           "due": [{**d.to_json(), "due_now": d.is_due(today)} for d in due]})


@checkin.command("rhythm")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("days", type=int)
@json_option
def checkin_rhythm(instrument_id: str, days: int) -> None:
    """Be reminded of INSTRUMENT every DAYS days (0 turns its reminders off)."""
    ws = unlocked_workspace()
    with ws.vault:
        instrument = ws.checkins.set_every_days(instrument_id, days)
    say(f"{instrument.short_name}: reminders are off." if days == 0 else
        f"{instrument.short_name}: you will be reminded every {counted(days, 'day')}.")
    if opts().json:
        out("", {"instrument": instrument.id, "every_days": days})


@checkin.command("delete")
@click.argument("checkin_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def checkin_delete(checkin_id: str, yes: bool) -> None:
    """Delete a check-in (asks first unless --yes)."""
    ws = unlocked_workspace()
    with ws.vault:
        entry = ws.checkins.get(checkin_id)
        if not yes and not credentials.confirm(
                f"Delete the check-in {entry.short_id} from {entry.when.astimezone():%Y-%m-%d}?"):
            raise KitError("nothing was deleted")
        ws.checkins.delete(entry.id)
    say(f"Check-in {entry.short_id} deleted.")
    if opts().json:
        out("", {"deleted": entry.id})


@cli.group()
def instrument() -> None:
    """Check-in instruments: the built-in pulse, and ones your organisation gives you."""


@instrument.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace an imported instrument with the same id (past check-ins keep "
              "their scores).")
@json_option
def instrument_add(file: Path, replace: bool) -> None:
    """Check an instrument file (docs/instrument-format.md) and import it into the vault."""
    from kit.wellbeing.instruments import load_file

    parsed = load_file(file)  # before unlocking: a broken file needs no passphrase
    ws = unlocked_workspace()
    with ws.vault:
        imported = ws.instruments.add(parsed, replace=replace)
    done = imported.instrument
    say({"added": f"Imported {done.name} ({done.id}): {counted(len(done.items), 'question')}.",
         "replaced": f"Replaced {done.name} ({done.id}) with the new file.",
         "unchanged": f"{done.name} ({done.id}) is already imported; nothing changed."}
        [imported.outcome])
    if opts().json:
        out("", {"outcome": imported.outcome, "instrument": {
            "id": done.id, "name": done.name, "digest": done.digest}})


@instrument.command("list")
@json_option
def instrument_list() -> None:
    """List the instruments you can answer."""
    ws = unlocked_workspace()
    with ws.vault:
        instruments = ws.instruments.list()
        warn_problems(ws.instruments.problems)
    rows = [f"{i.id:<16}  {i.name}  ({counted(len(i.items), 'question')}, "
            f"{'built in' if i.builtin else 'imported'})" for i in instruments]
    out("\n".join(rows), {"instruments": [
        {"id": i.id, "name": i.name, "short_name": i.short_name, "builtin": i.builtin,
         "items": len(i.items), "recommended_every_days": i.recommended_every_days,
         "digest": i.digest} for i in instruments]})


@instrument.command("show")
@click.argument("instrument_id", metavar="ID")
@json_option
def instrument_show(instrument_id: str) -> None:
    """Show an instrument's questions, answer scale, scoring, attribution and licence."""
    from kit.wellbeing.instruments import show_number

    ws = unlocked_workspace()
    with ws.vault:
        found = ws.instruments.get(instrument_id)
        warn_problems(ws.instruments.problems)
    lines = [found.name, found.credit, f"Licence: {found.licence}"]
    if found.source_url:
        lines.append(f"Source: {found.source_url}")
    if found.description:
        lines += ["", found.description]
    lines += ["", f"Questions, about how things have been {found.recall_period} "
              f"(answers {found.scale.min} to {found.scale.max}: {_scale_hint(found)}):"]
    lines += [f"  {item.id}: {item.text}" + ("  [reverse-scored]" if item.reverse else "")
              for item in found.items]
    for sub in found.subscales:
        lines += ["", f"{sub.name} ({sub.id}): {sub.method} of {counted(len(sub.items), 'answer')}"
                  + (f", times {show_number(sub.multiplier)}" if sub.multiplier != 1 else "")]
        lines += [f"  {show_number(b.low)} to {show_number(b.high)}: {b.shown}"
                  + (f" (saved as '{b.name}')" if b.label else "")
                  + (" (support is offered)" if b.concern else "") for b in sub.bands]
    lines += ["", f"Suggested rhythm: every {counted(found.recommended_every_days, 'day')}."]
    out("\n".join(lines), found.to_json())


@cli.command("helplines")
@json_option
def helplines_command() -> None:
    """Support lines you can call or text, with where each number comes from. Shows the lines
    for the region in config.toml (`kit checklist region`): a UK nation's user sees the
    UK-wide lines and that nation's; "uk" shows every line, each nation's labelled."""
    from kit.wellbeing.helplines import EMERGENCY, helplines_for, helplines_json

    region = _helpline_region()
    lines = [EMERGENCY]
    for h in helplines_for(region):
        checked = h.checked + "."
        if h.recheck:
            checked += " The source is old, so check the website before relying on it."
        lines += ["", f"{h.name_for(region)}: {h.action} ({h.hours})", f"  {h.who_for}",
                  f"  Source: {h.source_url}", f"  {checked}"]
    out("\n".join(lines), helplines_json(region))


@cli.command("grounding")
@json_option
def grounding_command() -> None:
    """Short grounding exercises for moments when work has shaken you."""
    from kit.wellbeing.grounding import CAUTION, EXERCISES, grounding_json

    lines: list[str] = []
    for exercise in EXERCISES:
        lines += [exercise.title, exercise.intro]
        lines += [f"  {n}. {step}" for n, step in enumerate(exercise.steps, 1)]
        lines.append("")
    lines.append(CAUTION)
    out("\n".join(lines), grounding_json())




# --- entry point: errors to exit codes, in one place ---


def _report(code: str, message: str, exit_code: int, as_json: bool) -> None:
    from kit.terminal_text import for_terminal, json_text

    # Error messages quote names from packets, cards and files: escaped here as a last line of
    # defence, whatever the code that raised did.
    if as_json:
        click.echo(json_text({"error": {"code": code, "message": message, "exit": exit_code}}))
    click.echo(f"kit: {for_terminal(message)}", err=True)


def main(argv: Sequence[str] | None = None) -> None:
    harden_process()
    credentials.take_from_environment()
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    try:
        result = cli.main(args=args, prog_name="kit", standalone_mode=False)
        code = result if isinstance(result, int) else 0
    except KitError as exc:
        _report(exc.code, exc.message, exc.exit_code, as_json)
        code = exc.exit_code
    except click.UsageError as exc:
        _report("usage", exc.format_message(), 2, as_json)
        code = 2
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        _report("cancelled", "cancelled; nothing more was saved", 1, as_json)
        code = 1
    except click.ClickException as exc:
        _report("error", exc.format_message(), exc.exit_code, as_json)
        code = exc.exit_code
    except MemoryError:
        # Not a bug to report: the computer (or a memory limit) could not spare what a large
        # but allowed file or key derivation needed. Writes are atomic, so nothing is half-done.
        _report(OutOfMemory.code, "there was not enough free memory to finish. Nothing more "
                "was saved; close other programs and try again.", OutOfMemory.exit_code, as_json)
        code = OutOfMemory.exit_code
    except Exception as exc:  # a bug: still no traceback for the user, unless asked
        if os.environ.get("KIT_DEBUG"):
            raise
        _report("internal", f"unexpected error ({type(exc).__name__}: {exc}). Nothing more was "
                "saved. Please report this; set KIT_DEBUG=1 to see details.", 1, as_json)
        code = 1
    sys.exit(code)

