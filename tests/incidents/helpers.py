"""CLI helpers shared by the incidents' command-line tests."""

from __future__ import annotations

import pytest

from kit import credentials
from kit.cli import main
from tests.conftest import PASSPHRASE, Result


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
