"""The shape the design promises: Textual stays in kit.tui, the network stays in one module,
and secrets and debug switches do not leak into the process environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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
