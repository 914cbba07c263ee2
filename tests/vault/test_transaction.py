"""Vault.transaction(): several writes land together or not at all, reads inside see them,
writes inside join the one transaction, and another thread's write waits rather than joins."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE


def _kinds(path: Path) -> list[str]:
    """What a separate opening of the vault finds: only what was committed."""
    with Vault.open(path, Credentials(passphrase=PASSPHRASE)) as other:
        return _ours(other)


def _ours(vault: Vault) -> list[str]:
    """The kinds of the records these tests wrote (a new vault also holds its identity)."""
    return sorted(r.kind for r in vault.snapshot().records.values() if r.kind != "identity")


def test_writes_in_a_block_land_together_as_one_commit(vault: Vault, vault_path: Path) -> None:
    before = vault.header.state.counter
    with vault.transaction():
        first = vault.put("note", {"n": 1})
        vault.write(lambda txn: txn.put("note", {"n": 2}))
        # Reads inside the block see its own writes, before they are committed.
        assert {r.data["n"] for r in vault.snapshot().records.values()
                if r.kind == "note"} == {1, 2}
        assert vault.get(first.id).data == {"n": 1}
        assert _kinds(vault_path) == []  # nobody else sees them yet
    assert vault.header.state.counter == before + 1
    assert _kinds(vault_path) == ["note", "note"]
    assert vault.verify() == []


def test_a_failure_in_the_block_keeps_nothing_of_it(vault: Vault, vault_path: Path) -> None:
    kept = vault.put("note", {"n": 0})
    before = vault.header.state.counter
    with pytest.raises(RuntimeError), vault.transaction():
        vault.put("note", {"n": 1})
        vault.delete(kept.id)
        raise RuntimeError("the second half of the work failed")
    assert vault.header.state.counter == before
    assert [r.data for r in vault.snapshot().records.values() if r.kind == "note"] == [{"n": 0}]
    assert _kinds(vault_path) == ["note"]
    vault.put("note", {"n": 2})  # and the vault takes the next write as usual
    assert vault.verify() == []


def test_a_block_that_writes_nothing_commits_nothing(vault: Vault) -> None:
    before = vault.header.state.counter
    with vault.transaction():
        vault.snapshot()
    assert vault.header.state.counter == before


def test_another_threads_write_waits_for_the_block_and_is_its_own(vault: Vault) -> None:
    started, done = threading.Event(), threading.Event()

    def other() -> None:
        started.set()
        vault.put("other", {"from": "thread"})
        done.set()

    with pytest.raises(RuntimeError), vault.transaction():
        vault.put("note", {"n": 1})
        thread = threading.Thread(target=other)
        thread.start()
        started.wait(5)
        assert not done.wait(0.3)  # held back: it did not slip into this transaction
        raise RuntimeError("give up")
    thread.join(10)
    assert done.is_set()
    # The block was rolled back; the other thread's write was not part of it, so it stands.
    assert _ours(vault) == ["other"]
