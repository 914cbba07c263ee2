"""The command line contract (DESIGN.md): secrets, missing vault, exit codes, --json."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import kit.commands
from tests.conftest import PASSPHRASE, run_kit
from tests.pty_session import PtySession

ALL_COMMANDS = [
    ["journal", "list"], ["journal", "search", "x"], ["journal", "show", "abcd"],
    ["journal", "add", "text"], ["journal", "edit", "abcd", "x"], ["journal", "delete", "abcd"],
    ["journal", "export", "--format", "md", "--out", "x.md"], ["passwd"], ["recover"],
    ["keyring", "status"], ["keyring", "enable", "--yes"], ["keyring", "disable"],
    ["vault", "backup", "--out", "b.age"], ["vault", "verify"], ["vault", "info"],
    ["vault", "destroy", "--yes"],
]


def files_state(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under *root* with its mtime and content."""
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file()}


def add(text: str, *extra: str) -> str:
    result = run_kit("journal", "add", *extra, input=text)
    assert result.code == 0, result.err
    return result.out.strip()


def test_init_prints_recovery_key_once_and_never_overwrites(vault_path: Path) -> None:
    first = run_kit("init")
    assert first.code == 0, first.err
    key = first.out.strip()
    assert len(key.split("-")) == 13
    assert "RECOVERY KEY" in first.err
    assert stat.S_IMODE(vault_path.stat().st_mode) == 0o700
    for name in ("vault.header", "vault.sqlite"):
        assert stat.S_IMODE((vault_path / name).stat().st_mode) == 0o600
    before = files_state(vault_path)
    again = run_kit("init")
    assert again.code == 1
    assert "already exists" in again.err
    assert files_state(vault_path) == before


def test_init_refuses_a_non_empty_folder(kit_env: Path) -> None:
    folder = kit_env / "elsewhere"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = run_kit("--vault", str(folder), "init")
    assert result.code == 1
    assert "not an empty folder" in result.err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_init_json(vault_path: Path) -> None:
    result = run_kit("init", "--json")
    doc = json.loads(result.out)
    assert result.code == 0
    assert doc["vault"] == str(vault_path)
    assert len(doc["recovery_key"].split("-")) == 13


def test_init_without_any_secret_or_terminal_exits_2(vault_path: Path) -> None:
    result = run_kit("init", passphrase=None)
    assert result.code == 2
    assert "KIT_PASSPHRASE" in result.err
    assert not vault_path.exists()


def test_init_rejects_a_short_passphrase(vault_path: Path) -> None:
    result = run_kit("init", passphrase="short")
    assert result.code == 2
    assert "too short" in result.err
    assert not vault_path.exists()


@pytest.mark.parametrize("command", ALL_COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_but_init_needs_a_vault(command: list[str], kit_env: Path) -> None:
    result = run_kit(*command, env={"KIT_NEW_PASSPHRASE": "another passphrase"})
    assert result.code == 1, (result.code, result.err)
    assert "no vault here" in result.err and "kit init" in result.err
    assert "Traceback" not in result.err
    assert not (kit_env / "vault").exists()


def test_missing_vault_json_error_document() -> None:
    result = run_kit("journal", "list", "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert doc == {"error": {"code": "no_vault", "message": doc["error"]["message"], "exit": 1}}
    assert "kit init" in doc["error"]["message"]


def test_wrong_passphrase_exits_3_and_touches_nothing(cli_vault: Path) -> None:
    add("an entry")
    before = files_state(cli_vault)
    listing = sorted(p.name for p in cli_vault.iterdir())
    for command in (["journal", "list"], ["journal", "add", "x"], ["vault", "verify"],
                    ["passwd"], ["vault", "info", "--json"]):
        result = run_kit(*command, passphrase="not the passphrase",
                         env={"KIT_NEW_PASSPHRASE": "another passphrase"})
        assert result.code == 3, (command, result.err)
        assert "wrong passphrase" in result.err
        assert "Traceback" not in result.err
    assert sorted(p.name for p in cli_vault.iterdir()) == listing
    assert files_state(cli_vault) == before


def test_wrong_passphrase_json(cli_vault: Path) -> None:
    result = run_kit("journal", "list", "--json", passphrase="not the passphrase")
    assert result.code == 3
    assert json.loads(result.out)["error"]["code"] == "wrong_secret"


def test_no_secret_and_no_terminal_exits_2(cli_vault: Path) -> None:
    result = run_kit("journal", "list", passphrase=None)
    assert result.code == 2
    assert "KIT_PASSPHRASE" in result.err and "--passphrase-file" in result.err


def test_passphrase_file(cli_vault: Path, tmp_path: Path) -> None:
    good = tmp_path / "pw"
    good.write_text(PASSPHRASE + "\n")
    assert run_kit("--passphrase-file", str(good), "journal", "list", passphrase=None).code == 0
    missing = run_kit("--passphrase-file", str(tmp_path / "nope"), "journal", "list",
                      passphrase=None)
    assert missing.code == 2 and "could not read the passphrase file" in missing.err
    empty = tmp_path / "empty"
    empty.write_text("")
    assert run_kit("--passphrase-file", str(empty), "journal", "list", passphrase=None).code == 2


def test_three_wrong_tries_at_the_prompt_exit_3(cli_vault: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KIT_PASSPHRASE"}
    session = PtySession([sys.executable, "-m", "kit", "journal", "list"], env=env)
    for attempt in range(1, 4):
        session.expect_count("Passphrase:", attempt)
        session.send(f"wrong guess {attempt}")
    code = session.wait()
    assert code == 3
    assert "three wrong passphrases" in session.text
    assert "kit recover" in session.text


def test_prompt_accepts_the_right_passphrase_after_a_wrong_one(cli_vault: Path) -> None:
    add("prompted entry")
    env = {k: v for k, v in os.environ.items() if k != "KIT_PASSPHRASE"}
    session = PtySession([sys.executable, "-m", "kit", "journal", "list"], env=env)
    session.expect("Passphrase:")
    session.send("wrong guess")
    session.expect("try again")
    session.expect_count("Passphrase:", 2)
    session.send(PASSPHRASE)
    assert session.wait() == 0
    assert "prompted entry" in session.text
    assert PASSPHRASE not in session.text  # not echoed


def test_json_output_is_one_document(cli_vault: Path) -> None:
    add("hello there", "--tag", "a")
    for command in (["journal", "list", "--json"], ["journal", "search", "hello", "--json"],
                    ["vault", "info", "--json"], ["vault", "verify", "--json"]):
        result = run_kit(*command)
        assert result.code == 0, result.err
        json.loads(result.out)  # raises if anything else is on stdout


def test_usage_errors_exit_2_and_json(cli_vault: Path) -> None:
    result = run_kit("journal", "add", "x", "--mood", "11")
    assert result.code == 2
    result = run_kit("journal", "add", "x", "--mood", "eleven", "--json")
    assert result.code == 2
    assert json.loads(result.out)["error"]["exit"] == 2
    assert run_kit("journal", "frobnicate").code == 2
    assert run_kit("--no-such-option").code == 2


def test_no_traceback_for_a_damaged_header(cli_vault: Path) -> None:
    header = cli_vault / "vault.header"
    header.write_bytes(header.read_bytes()[:-5])
    result = run_kit("journal", "list")
    assert result.code == 4
    assert "damaged" in result.err and "Traceback" not in result.err
    result = run_kit("vault", "verify", "--json")
    assert result.code == 4
    assert json.loads(result.out)["error"]["code"] == "header_damaged"


def test_missing_header_with_database_is_reported_as_damage(cli_vault: Path) -> None:
    (cli_vault / "vault.header").unlink()
    result = run_kit("journal", "list")
    assert result.code == 4
    assert "vault.header is missing" in result.err
    assert run_kit("init").code == 1  # never overwrites what is left


def test_kit_alone_prints_help() -> None:
    result = run_kit(passphrase=None)
    assert result.code == 0
    assert "journal" in result.out and "init" in result.out


def test_version() -> None:
    result = run_kit("--version", passphrase=None)
    assert result.code == 0 and "kit" in result.out


def test_confirmations_are_asked_on_the_terminal(cli_vault: Path) -> None:
    entry_id = add("delete me after asking")
    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE}
    session = PtySession([sys.executable, "-m", "kit", "journal", "delete", entry_id], env=env)
    session.expect("[y/N]")
    session.send("n")
    assert session.wait() == 1 and "nothing was deleted" in session.text
    session = PtySession([sys.executable, "-m", "kit", "journal", "delete", entry_id], env=env)
    session.expect("[y/N]")
    session.send("y")
    assert session.wait() == 0
    session = PtySession([sys.executable, "-m", "kit", "vault", "destroy"], env=env)
    session.expect("Type 'destroy' to go ahead:")
    session.send("yes")  # not the word: nothing happens
    assert session.wait() == 1 and cli_vault.exists()
    session = PtySession([sys.executable, "-m", "kit", "vault", "destroy"], env=env)
    session.expect("Type 'destroy' to go ahead:")
    session.send("destroy")
    assert session.wait() == 0 and not cli_vault.exists()


def test_backup_copies_are_private(cli_vault: Path) -> None:
    add("one")
    copies = [p for p in (cli_vault / "backups").rglob("*") if p.is_file()]
    assert copies
    for path in copies:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_every_area_command_loads_under_its_own_name() -> None:
    """The areas' commands are imported on demand; each entry must name a real command."""
    import click

    from kit.cli import AREA_COMMANDS, cli

    ctx = click.Context(cli)
    for name in AREA_COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None and command.name == name
    assert set(AREA_COMMANDS) <= set(cli.list_commands(ctx))


# `kit --help` as it was before the commands left kit/cli.py for kit/commands (issue 17):
# moving a command between modules must not add, drop or rename one.
TOP_LEVEL_COMMANDS = [
    "action", "check", "checkin", "checklist", "demo", "evidence", "exposure", "findings",
    "grounding", "helplines", "id", "incident", "init", "instrument", "journal", "keyring",
    "keys", "ledger", "letter", "passwd", "recover", "removal", "safety-plan", "scan",
    "search-queries", "share", "sites", "supervision", "team", "vault", "wellbeing-plan",
]
MOVED_GROUPS = {
    "journal": ["add", "delete", "edit", "export", "list", "search", "show"],
    "vault": ["backup", "destroy", "info", "restore", "verify"],
    "keyring": ["disable", "enable", "status"],
    "exposure": ["add", "delete", "list", "show"],
    "checkin": ["add", "delete", "due", "list", "rhythm"],
    "instrument": ["add", "list", "show"],
    "wellbeing-plan": ["edit", "show"],
}


def test_help_lists_the_same_commands_wherever_they_are_defined() -> None:
    import click

    from kit.cli import cli

    result = run_kit("--help", env={"COLUMNS": "100"})
    assert result.code == 0, result.err
    listed = result.out.split("\nCommands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed if line.startswith("  ")] == TOP_LEVEL_COMMANDS
    ctx = click.Context(cli)
    for group, subcommands in MOVED_GROUPS.items():
        command = cli.get_command(ctx, group)
        assert isinstance(command, click.Group)
        assert command.list_commands(ctx) == subcommands, group


def test_cli_defines_only_the_group_its_options_and_the_key_commands() -> None:
    """Every other command is an area's, in kit/commands, imported when used."""
    import click

    from kit.cli import cli

    ctx = click.Context(cli)
    where = {}
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None and command.callback is not None, name
        where[name] = command.callback.__module__
    assert sorted(name for name, module in where.items() if module == "kit.cli") == [
        "demo", "init", "passwd", "recover"]
    assert {module for module in where.values() if module != "kit.cli"} <= {
        f"kit.commands.{m.name}" for m in pkgutil.iter_modules(kit.commands.__path__)}


# kit/commands/supervision.py is another engineer's this session; its record text is to become
# public (or move into kit/supervision) and this entry go.
STILL_BORROWED = {("kit/commands/share.py", "kit.commands.supervision", "_doc_lines")}


def test_command_modules_share_only_public_helpers() -> None:
    """A helper two command modules need is public, in kit.commands.context or a small shared
    module: no command module imports a private name from another kit module."""
    root = Path(kit.commands.__file__).parents[1]
    borrowed = set()
    for path in [root / "cli.py", *sorted((root / "commands").glob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kit"):
                borrowed |= {(path.relative_to(root.parent).as_posix(), node.module, a.name)
                             for a in node.names if a.name.startswith("_")
                             and a.name != "__version__"}
    assert borrowed <= STILL_BORROWED


def test_a_command_does_not_load_the_other_areas() -> None:
    code = ("import sys; from kit.cli import cli; "
            "print(sorted(m for m in sys.modules if m.startswith('kit.commands.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    assert "kit.commands.supervision" not in loaded and "kit.commands.incidents" not in loaded
    # Starting `kit` loads no area's commands at all, only what they share.
    assert loaded.strip() == "['kit.commands.context']"
