"""The `kit` command: the top-level group and its global options, `init`, `passwd` and
`recover`, launching the terminal app (Textual is imported only then), and main(), the one
place errors become exit codes. Every other command lives in kit.commands, one module per area,
and is imported only when used (AREA_COMMANDS).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit import __version__, credentials
from kit.commands.context import CONTEXT, Options, json_option, opts, out, say
from kit.errors import KitError, OutOfMemory, UsageError
from kit.hygiene import harden_process

if TYPE_CHECKING:
    from kit.vault.key_changes import NewKeys

# --- the command tree ---

# Each area's commands live in kit.commands and are imported only when used (or listed by
# --help), so a command starts without loading every other area: the start-up cost of
# `kit journal add` does not grow with each area the kit gains.
AREA_COMMANDS: dict[str, tuple[str, str]] = {
    "action": ("kit.commands.supervision", "action"),
    "check": ("kit.commands.check", "check"),
    "checkin": ("kit.commands.checkin", "checkin"),
    "checklist": ("kit.commands.checklist", "checklist"),
    "evidence": ("kit.commands.incidents", "evidence"),
    "exposure": ("kit.commands.exposure", "exposure"),
    "findings": ("kit.commands.findings", "findings"),
    "grounding": ("kit.commands.support", "grounding_command"),
    "helplines": ("kit.commands.support", "helplines_command"),
    "id": ("kit.commands.identity", "identity"),
    "incident": ("kit.commands.incidents", "incident"),
    "instrument": ("kit.commands.instrument", "instrument"),
    "journal": ("kit.commands.journal", "journal"),
    "keyring": ("kit.commands.keyring", "keyring"),
    "keys": ("kit.commands.keys", "keys"),
    "ledger": ("kit.commands.ledger", "ledger"),
    "letter": ("kit.commands.letters", "letter"),
    "removal": ("kit.commands.removal", "removal"),
    "safety-plan": ("kit.commands.safety_plan", "safety_plan"),
    "scan": ("kit.commands.scan", "scan"),
    "search-queries": ("kit.commands.search_queries", "search_queries"),
    "share": ("kit.commands.share", "share_group"),
    "sites": ("kit.commands.sites", "sites"),
    "supervision": ("kit.commands.supervision", "supervision"),
    "team": ("kit.commands.supervision", "team"),
    "vault": ("kit.commands.vault", "vault"),
    "wellbeing-plan": ("kit.commands.wellbeing_plan", "wellbeing_plan"),
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
            from kit.tui.launch import launch_app

            launch_app(options.vault_path)
            return
        click.echo(ctx.get_help())
        say("\n`kit` on its own opens the full-screen app when run in a terminal.")


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
        from kit.tui.launch import launch_app

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
    from kit.commands.key_changes import ask_before_retiring, change_keys
    from kit.unlock import passphrase_for
    from kit.vault.backups import take

    vault, current = passphrase_for(opts().vault_path, opts().passphrase_file)
    with vault:
        if rotate:
            ask_before_retiring(yes, "Your vault's data key will be changed and everything "
                                "re-encrypted, backups included.")
        given_new = credentials.from_environment(credentials.ENV_NEW_PASSPHRASE)
        if rotate and given_new is None and not credentials.terminal_available():
            new = current  # rotation alone: keep the passphrase
        else:
            new = credentials.new_passphrase(credentials.ENV_NEW_PASSPHRASE)
        if rotate:
            change_keys(vault, new, kdf_profile, yes, "The data key was changed and "
                        "everything re-encrypted, backups included.")
        else:
            with vault.locked():
                take(vault)
            vault.change_passphrase(new, kdf_profile)
            say("Passphrase changed. Your recovery key still works.")
            out("", {"changed": True, "rotated": False})


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
    from kit.commands.key_changes import ask_before_retiring, change_keys
    from kit.unlock import recovery_unlock
    from kit.vault import key_changes

    vault = recovery_unlock(opts().vault_path)
    with vault:
        ask_before_retiring(yes, "You will choose a new passphrase, and because the recovery "
                            "key has now been used, the vault's data key will be changed.")
        new = credentials.new_passphrase(credentials.ENV_NEW_PASSPHRASE)
        damage = ""

        def change(show: Callable[[str], None]) -> NewKeys | None:
            nonlocal damage
            recovered = key_changes.recover(vault, new, kdf_profile, show)
            damage = recovered.damage
            return recovered.keys

        if not change_keys(vault, new, kdf_profile, yes, "Your new passphrase is set.",
                           change):
            # Still let the user back in; the key can be changed once the damage is dealt with.
            say(f"Your new passphrase is set, but the data key was NOT changed: {damage}\n"
                "Your recovery key still works. After restoring the damaged records, run "
                "`kit passwd --rotate`.")
            out("", {"changed": True, "rotated": False})


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
    except BaseException as exc:
        code = exit_code_for(exc, as_json)
    sys.exit(code)


def exit_code_for(exc: BaseException, as_json: bool) -> int:
    """Say what stopped a command, and give its exit code (DESIGN.md's CLI contract). Exits
    that are not errors (SystemExit, GeneratorExit) are raised again."""
    if isinstance(exc, KitError):
        _report(exc.code, exc.message, exc.exit_code, as_json)
        return exc.exit_code
    if isinstance(exc, click.UsageError):
        _report("usage", exc.format_message(), 2, as_json)
        return 2
    if isinstance(exc, click.exceptions.Exit):
        return exc.exit_code
    if isinstance(exc, click.Abort | KeyboardInterrupt):
        _report("cancelled", "cancelled; nothing more was saved", 1, as_json)
        return 1
    if isinstance(exc, click.ClickException):
        _report("error", exc.format_message(), exc.exit_code, as_json)
        return exc.exit_code
    if isinstance(exc, MemoryError):
        # Not a bug to report: the computer (or a memory limit) could not spare what a large
        # but allowed file or key derivation needed. Writes are atomic, so nothing is half-done.
        _report(OutOfMemory.code, "there was not enough free memory to finish. Nothing more "
                "was saved; close other programs and try again.", OutOfMemory.exit_code, as_json)
        return OutOfMemory.exit_code
    if isinstance(exc, Exception):  # a bug: still no traceback for the user, unless asked
        if os.environ.get("KIT_DEBUG"):
            raise exc
        _report("internal", f"unexpected error ({type(exc).__name__}: {exc}). Nothing more was "
                "saved. Please report this; set KIT_DEBUG=1 to see details.", 1, as_json)
        return 1
    raise exc
