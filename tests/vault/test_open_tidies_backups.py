"""Opening a vault retires what an interrupted key change or copy left in backups/ (a copy
under another data key, a half-made copy, more copies than are kept), and, when the backups
are in order, takes no lock and does not even import filelock: a command that only reads
starts without it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from kit.vault import Credentials, Vault
from kit.vault.backups import KEEP, list_backups, take
from tests.conftest import PASSPHRASE

CREDS = Credentials(passphrase=PASSPHRASE)


def _copies(vault: Vault, count: int) -> list[Path]:
    with vault.locked():
        made = [take(vault) for _ in range(count)]
    return made


def test_a_copy_under_another_key_is_retired_at_the_next_open(vault_path: Path,
                                                               vault: Vault) -> None:
    vault.put("journal", {"n": 1})
    _copies(vault, 1)
    kept = list_backups(vault_path)
    foreign = kept[-1].parent / "20000101T000000.000000Z"
    shutil.copytree(kept[-1], foreign)
    # A header that cannot be read is treated as one under a retired key.
    (foreign / "vault.header").write_bytes(b"not a vault header")
    vault.close()
    Vault.open(vault_path, CREDS).close()
    assert list_backups(vault_path) == kept


def test_leftovers_and_copies_beyond_those_kept_are_removed_at_the_next_open(
        vault_path: Path, vault: Vault) -> None:
    made = _copies(vault, KEEP + 2)
    half_made = made[0].parent / ".20000101T000000.000000Z.partial"
    half_made.mkdir()
    vault.close()
    Vault.open(vault_path, CREDS).close()
    assert list_backups(vault_path) == made[-KEEP:]
    assert not half_made.exists()


def test_a_vault_with_its_backups_in_order_opens_and_reads_while_another_holds_the_lock(
        vault_path: Path, vault: Vault) -> None:
    vault.put("journal", {"n": 1})
    _copies(vault, 2)
    records = len(vault.snapshot().records)
    vault.close()
    code = f"""
import sys
from pathlib import Path
from kit.vault import Credentials, Vault
vault = Vault.open(Path({str(vault_path)!r}), Credentials(passphrase={PASSPHRASE!r}))
print(len(vault.snapshot().records), "filelock" in sys.modules)
"""
    env = {**os.environ, "KIT_LOCK_TIMEOUT": "30"}
    with Vault.open(vault_path, CREDS) as holder, holder.locked():
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=60, check=True)
    assert done.stdout.split() == [str(records), "False"]
