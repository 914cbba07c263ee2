"""Disk full during a write, simulated where SQLite itself sees it, leaves the vault as it was.

(a) `PRAGMA max_page_count` on the vault's own connection: SQLite reports SQLITE_FULL.
(b) RLIMIT_FSIZE on a `kit journal add` process: the kernel refuses writes past the limit.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kit.errors import KitError
from kit.records.journal import Journal
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit

BIG = 3 * 1024 * 1024


def records_of(vault: Vault) -> dict[str, Any]:
    snap = vault.snapshot()
    assert snap.problems == []
    return {r.id: (r.generation, r.kind, r.data) for r in snap.records.values()}


def add_big_entry(vault: Vault) -> None:
    Journal(vault).add("a very long entry\n" + "z" * BIG)


def put_big_blob(vault: Vault) -> None:
    vault.put_blob(os.urandom(BIG))


@pytest.mark.parametrize("big_write", [add_big_entry, put_big_blob], ids=["record", "blob"])
def test_sqlite_full_leaves_vault_as_it_was(vault: Vault, vault_path: Path,
                                            big_write: Callable[[Vault], None]) -> None:
    journal = Journal(vault)
    for i in range(5):
        journal.add(f"entry {i} before the disk filled up")
    before = records_of(vault)
    commit_before = vault.snapshot().commit

    conn = vault._conn()
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(KitError) as caught:
        big_write(vault)
    assert caught.value.exit_code == 1  # a full disk is not damage (exit 4) nor busy (exit 5)
    assert "disk is full" in caught.value.message
    assert "Nothing was changed" in caught.value.message
    # The same open vault (a long-lived window) still reads the old state ...
    assert records_of(vault) == before
    vault.close()

    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as reopened:
        assert reopened.verify() == []
        assert records_of(reopened) == before
        # ... the database and header are at the same commit as before, and a later write works.
        assert reopened.snapshot().commit == commit_before
        assert reopened.header.state.counter == commit_before
        Journal(reopened).add("written after space was freed")
        assert len(records_of(reopened)) == len(before) + 1
        assert reopened.verify() == []


def fsize_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death by signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def journal_count() -> int:
    result = run_kit("journal", "list", "--json")
    assert result.code == 0, result.err
    return int(json.loads(result.out)["total"])


def test_file_size_limit_during_cli_add(cli_vault: Path) -> None:
    for i in range(3):
        assert run_kit("journal", "add", f"entry {i} before the limit").code == 0
    count = journal_count()
    assert count == 3
    files_before = {p.name: p.stat().st_size for p in cli_vault.iterdir() if p.is_file()}
    # Room for everything that exists already, but not for the new entry.
    limit = max(files_before.values()) + 256 * 1024
    text = "a very long entry\n" + "w" * (4 * 1024 * 1024)

    env = dict(os.environ, KIT_PASSPHRASE=PASSPHRASE)
    proc = subprocess.run(
        [sys.executable, "-m", "kit", "journal", "add"], input=text, capture_output=True,
        text=True, env=env, timeout=120, start_new_session=True, preexec_fn=fsize_limit(limit),
    )
    assert proc.returncode == 1, proc.stderr  # "other failure": not damage, not busy
    assert "Traceback" not in proc.stderr
    assert "unexpected error" not in proc.stderr
    assert proc.stderr.startswith("kit: ")
    assert "nothing was changed" in proc.stderr.lower()
    assert proc.stdout == ""  # no id was announced for an entry that was not saved

    assert run_kit("vault", "verify").code == 0
    assert journal_count() == count
    # Once the limit is gone the vault takes writes again.
    assert run_kit("journal", "add", "written after the limit was lifted").code == 0
    assert journal_count() == count + 1
    assert run_kit("vault", "verify").code == 0
