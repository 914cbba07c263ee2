"""Vault.locked(): the public way to hold the write lock (the CLI's `passwd` backs up under it),
so nothing outside kit/vault reaches for the vault's private parts."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from kit.errors import VaultBusy
from kit.records.journal import Journal
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, REPO


def test_locked_keeps_other_writers_out_and_lets_its_own_in(
        vault: Vault, vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_LOCK_TIMEOUT", "0.2")
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as other:
        with vault.locked():
            Journal(vault).add("written while holding the lock")  # re-entrant
            with pytest.raises(VaultBusy):
                Journal(other).add("another writer")
            # A thread of the same process waits too (the in-process half of the lock).
            failed: list[BaseException] = []

            def write() -> None:
                try:
                    Journal(vault).add("from a thread")
                except BaseException as exc:  # reported below
                    failed.append(exc)

            thread = threading.Thread(target=write)
            thread.start()
            thread.join(0.3)
            assert thread.is_alive(), "a thread wrote while the lock was held"
        thread.join(10)
        assert not failed
        Journal(other).add("after the lock")
    assert Journal(vault).count() == 3


def test_nothing_outside_the_vault_package_uses_its_private_parts() -> None:
    private = re.compile(r"\bvault\._[a-z]\w*|\._(?:locked|conn|read_txn|keys|checked_write)\b")
    found = []
    for path in sorted((REPO / "kit").rglob("*.py")):
        if (REPO / "kit" / "vault") in path.parents:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if private.search(line):
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []
