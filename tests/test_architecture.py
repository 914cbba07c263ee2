"""The shape the design promises: Textual stays in kit.tui, the network stays in one module,
and secrets and debug switches do not leak into the process environment."""

from __future__ import annotations

import json
import os
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO

NETWORK = re.compile(r"^\s*(import|from)\s+(requests|socket|urllib\.request|http\.client)\b",
                     re.MULTILINE)
TEXTUAL = re.compile(r"^\s*(import|from)\s+textual\b", re.MULTILINE)


def kit_sources() -> list[Path]:
    return sorted((REPO / "kit").rglob("*.py"))


def test_only_the_transport_touches_the_network() -> None:
    offenders = [p for p in kit_sources() if NETWORK.search(p.read_text())
                 and "footprint/transport" not in p.as_posix()]
    assert offenders == []


def test_only_kit_tui_imports_textual() -> None:
    offenders = [p for p in kit_sources() if TEXTUAL.search(p.read_text())
                 and "/kit/tui/" not in p.as_posix()]
    assert offenders == []


def loaded_modules(*args: str) -> set[str]:
    code = ("import sys, runpy\n"
            f"sys.argv = ['kit', *{list(args)!r}]\n"
            "try:\n"
            "    runpy.run_module('kit', run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          start_new_session=True, env={**os.environ, "KIT_PASSPHRASE": "x" * 10})
    return set(proc.stderr.split())


def test_cli_commands_do_not_import_textual_or_requests(cli_vault: Path) -> None:
    for args in (["--help"], ["journal", "list"], ["vault", "verify"], ["journal", "--help"]):
        modules = loaded_modules(*args)
        assert "kit.cli" in modules, args
        assert "textual" not in modules, args
        assert "requests" not in modules, args


def test_secrets_leave_the_environment_and_core_dumps_are_off() -> None:
    code = ("import os, resource, subprocess, sys\n"
            "from kit import credentials, hygiene\n"
            "hygiene.harden_process(); credentials.take_from_environment()\n"
            "child = subprocess.run([sys.executable, '-c', 'import os; print(sorted(k for k in "
            "os.environ if k.startswith((\"KIT_PASS\", \"KIT_NEW\", \"KIT_REC\", \"TEXTUAL\"))))'],"
            " capture_output=True, text=True).stdout.strip()\n"
            "print(child)\n"
            "print(resource.getrlimit(resource.RLIMIT_CORE))\n"
            "print(credentials.from_environment('KIT_PASSPHRASE'))\n")
    env = {**os.environ, "KIT_PASSPHRASE": "secret one", "KIT_NEW_PASSPHRASE": "secret two",
           "KIT_RECOVERY_KEY": "k", "TEXTUAL": "devtools", "TEXTUAL_SCREENSHOT": "1"}
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True).stdout.splitlines()
    assert lines == ["[]", "(0, 0)", "secret one"]


HELP_EVERYWHERE = """\
import contextlib, io, json, sys
import click
from kit.cli import cli

def walk(command, path=()):
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))

helps = {}
for path in walk(cli):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(args=[*path, "--help"], prog_name="kit", standalone_mode=False)
    helps[" ".join(path)] = [code, out.getvalue().startswith("Usage: kit")]
print(json.dumps({"helps": helps, "modules": sorted(sys.modules)}))
"""


def test_no_help_text_imports_textual_or_requests() -> None:
    """`--help` of every group and command, in one process: none loads Textual or requests
    (help never runs a command, so this holds even for the ones that open the app)."""
    proc = subprocess.run([sys.executable, "-c", HELP_EVERYWHERE], capture_output=True,
                          text=True, check=True, start_new_session=True, cwd=REPO)
    report = json.loads(proc.stdout)
    helps, modules = report["helps"], set(report["modules"])
    assert {"", "journal", "journal add", "vault verify", "keyring enable"} <= set(helps)
    assert {path: result for path, result in helps.items() if result != [0, True]} == {}
    assert "kit.cli" in modules
    loaded = sorted(m for m in modules if m.split(".")[0] in ("textual", "requests")
                    or m.startswith("kit.tui"))
    assert loaded == []


def test_every_core_module_is_in_the_import_contracts() -> None:
    """A new module or package under kit/ cannot escape the import-linter contracts: each is
    a source of both, except kit.tui itself, kit.__main__ and what a contract forbids."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    assert len(contracts) >= 2
    top_level = {f"kit.{m.name}" for m in pkgutil.iter_modules([str(REPO / "kit")])}
    assert {"kit.cli", "kit.vault", "kit.records", "kit.tui"} <= top_level
    for contract in contracts:
        expected = top_level - {"kit.tui", "kit.__main__"} - set(contract["forbidden_modules"])
        missing = sorted(expected - set(contract["source_modules"]))
        assert missing == [], f"{contract['name']!r} does not cover {missing}"
