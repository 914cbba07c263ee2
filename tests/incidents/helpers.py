"""CLI helpers shared by the incidents' command-line tests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kit import credentials
from kit.cli import main
from tests.conftest import PASSPHRASE, KitRun, Ran, Result


class Cli:
    """`kit ARGS` through kit.cli.main in this process (kit_in_process), with run_kit's
    keywords: a command's exit code and messages are what is tested here, not the process
    (which tests/test_cli.py and the vault's tests start as a person does)."""

    def __init__(self, kit: KitRun) -> None:
        self._kit = kit

    def run(self, *args: str, input: str | None = None, env: dict[str, str] | None = None,
            passphrase: str | None = PASSPHRASE) -> Ran:
        return self._kit(*args, stdin=input or "", env=env, passphrase=passphrase)

    def ok(self, *args: str, **options: Any) -> str:
        result = self.run(*args, **options)
        assert result.code == 0, f"kit {' '.join(args[:2])} exited {result.code}: {result.err}"
        return result.out

    def state(self) -> tuple[int, dict[str, int]]:
        """The vault's commit counter and its records by kind."""
        doc = json.loads(self.ok("vault", "info", "--json"))
        return doc["commit"], doc["records"]


def run_here(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *args: str) -> Result:
    """The CLI in this process, so a test can lower a module's cap first."""
    monkeypatch.setattr(credentials, "_taken", {})
    monkeypatch.setenv("KIT_PASSPHRASE", PASSPHRASE)
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    captured = capsys.readouterr()
    code = stopped.value.code
    return Result(code if isinstance(code, int) else 1, captured.out, captured.err)
