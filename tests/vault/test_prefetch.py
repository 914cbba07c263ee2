"""Reading the vault's rows before the key is known (while the passphrase is typed): the first
snapshot checks them with the key exactly as a fresh read is checked, and reads afresh if the
file was committed to or replaced in between. Damage found either way is the same damage."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kit.errors import ManifestMismatch, VaultDamaged, WrongSecret
from kit.vault import Credentials, Vault, store
from kit.vault.store import prefetch
from kit.workspace import open_workspace
from tests.conftest import PASSPHRASE

CREDS = Credentials(passphrase=PASSPHRASE)


def _filled(vault: Vault, count: int = 5) -> dict[str, int]:
    saved = {vault.put("journal", {"n": n}).id: n for n in range(count)}
    vault.close()
    return saved


def _numbers(vault: Vault) -> dict[str, int]:
    return {rid: r.data["n"] for rid, r in vault.snapshot().records.items() if "n" in r.data}


def test_a_prefetched_read_gives_what_a_fresh_read_gives(vault_path: Path, vault: Vault) -> None:
    saved = _filled(vault)
    early = prefetch(vault_path)
    assert early is not None
    with Vault.open(vault_path, CREDS, early) as opened:
        assert opened._prefetched is early
        assert _numbers(opened) == saved
        assert opened._prefetched is None  # used once
        one = next(iter(saved))
        assert opened.get(one).data == {"n": saved[one]}
        opened.put("journal", {"n": 99})
        assert 99 in _numbers(opened).values()  # later reads are fresh ones
        # The vault writes through the connection it took over: set up as its own would be.
        conn = opened._conn()
        assert conn.execute("PRAGMA secure_delete").fetchone() == (1,)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA temp_store").fetchone() == (2,)  # MEMORY


def test_a_commit_made_between_the_read_and_the_unlock_is_seen(vault_path: Path,
                                                               vault: Vault) -> None:
    saved = _filled(vault)
    early = prefetch(vault_path)
    with Vault.open(vault_path, CREDS) as other:  # another window writes meanwhile
        added = other.put("journal", {"n": 7})
        gone = next(iter(saved))
        other.delete(gone)
    with Vault.open(vault_path, CREDS, early) as opened:
        numbers = _numbers(opened)
    assert numbers == {**{k: v for k, v in saved.items() if k != gone}, added.id: 7}


def test_a_database_put_in_place_between_the_read_and_the_unlock_is_read_afresh(
        vault_path: Path, vault: Vault, tmp_path: Path) -> None:
    saved = _filled(vault)
    early = prefetch(vault_path)
    with Vault.open(vault_path, CREDS) as other:
        added = other.put("journal", {"n": 7})
    # The file is put in place again (a copy of it renamed over it): another file now.
    shutil.copy(vault_path / "vault.sqlite", tmp_path / "copy.sqlite")
    (tmp_path / "copy.sqlite").replace(vault_path / "vault.sqlite")
    with Vault.open(vault_path, CREDS, early) as opened:
        assert opened._prefetched is None and opened._conn_ is None  # not adopted
        assert _numbers(opened) == {**saved, added.id: 7}


def test_a_record_damaged_before_the_read_is_reported_as_a_fresh_read_reports_it(
        vault_path: Path, vault: Vault) -> None:
    saved = _filled(vault)
    victim = next(iter(saved))
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?",
                             (bytes.fromhex(victim),)).fetchone()
        conn.execute("UPDATE records SET ct = ? WHERE id = ?",
                     (ct[:-1] + bytes([ct[-1] ^ 1]), bytes.fromhex(victim)))
    with Vault.open(vault_path, CREDS) as fresh:
        want = [(p.code, p.record_id) for p in fresh.snapshot().problems]
    with Vault.open(vault_path, CREDS, prefetch(vault_path)) as opened:
        snap = opened.snapshot()
    assert [(p.code, p.record_id) for p in snap.problems] == want == [("damaged_record", victim)]
    assert victim not in snap.records and len(snap.records) == len(saved)  # + identity - one


def test_an_altered_manifest_row_is_refused_from_a_prefetched_read_too(vault_path: Path,
                                                                       vault: Vault) -> None:
    saved = _filled(vault)
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        conn.execute("UPDATE manifest SET gen = gen + 1 WHERE id = ?",
                     (bytes.fromhex(next(iter(saved))),))
    with Vault.open(vault_path, CREDS, prefetch(vault_path)) as opened, \
            pytest.raises(ManifestMismatch):
        opened.snapshot()


def test_after_a_wrong_passphrase_the_read_is_kept_for_the_next_try(vault_path: Path,
                                                                    vault: Vault) -> None:
    saved = _filled(vault)
    early = prefetch(vault_path)
    assert early is not None
    with pytest.raises(WrongSecret):
        Vault.open(vault_path, Credentials(passphrase="not it"), early)
    workspace = open_workspace(vault_path, CREDS, early)
    try:
        assert workspace.vault._prefetched is None  # used by the workspace's snapshot
        assert {r.data["n"] for r in workspace.snapshot().records.values()
                if "n" in r.data} == set(saved.values())
    finally:
        workspace.close()


def test_nothing_is_read_or_made_where_there_is_no_database(tmp_path: Path) -> None:
    assert prefetch(tmp_path / "nowhere") is None
    (tmp_path / "empty").mkdir()
    assert prefetch(tmp_path / "empty") is None
    assert not (tmp_path / "empty" / "vault.sqlite").exists()


def test_a_change_from_outside_between_the_read_and_the_unlock_is_read_afresh(
        vault_path: Path, vault: Vault) -> None:
    """A write that leaves the commit as it was (another program's, through SQLite) is seen
    too: the read before the key is used only if nothing was committed to the file since."""
    saved = _filled(vault)
    early = prefetch(vault_path)
    victim = next(iter(saved))
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?",
                             (bytes.fromhex(victim),)).fetchone()
        conn.execute("UPDATE records SET ct = ? WHERE id = ?",
                     (ct[:-1] + bytes([ct[-1] ^ 1]), bytes.fromhex(victim)))
    with Vault.open(vault_path, CREDS, early) as opened:
        snap = opened.snapshot()
    assert [(p.code, p.record_id) for p in snap.problems] == [("damaged_record", victim)]


def _damage_every_way(vault_path: Path, ids: list[str]) -> dict[str, str]:
    """One record row of each kind of wrong, made from outside through SQLite; returns the
    problem code each id should be reported with."""
    stale, short, not_bytes, flipped, missing = (bytes.fromhex(i) for i in ids[:5])
    stranger = bytes(range(16))
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        conn.execute("UPDATE records SET gen = gen + 1 WHERE id = ?", (stale,))
        conn.execute("UPDATE records SET ct = x'00' WHERE id = ?", (short,))
        conn.execute("UPDATE records SET ct = 'text' WHERE id = ?", (not_bytes,))
        (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?", (flipped,)).fetchone()
        conn.execute("UPDATE records SET ct = ? WHERE id = ?", (bytes([ct[0] ^ 1]) + ct[1:],
                                                                flipped))
        conn.execute("DELETE FROM records WHERE id = ?", (missing,))
        conn.execute("INSERT INTO records (id, gen, ct) VALUES (?, 1, x'00')", (stranger,))
    return {ids[0]: "stale_record", ids[1]: "damaged_record", ids[2]: "damaged_record",
            ids[3]: "damaged_record", ids[4]: "missing_record",
            stranger.hex(): "unexpected_record"}


def test_every_kind_of_damage_is_reported_alike_from_a_read_made_ahead(
        vault_path: Path, vault: Vault) -> None:
    """The rows read ahead are sorted against the manifest before the key is known; what that
    finds is what a fresh read finds, record by record and in the same order."""
    saved = _filled(vault, 8)
    want = _damage_every_way(vault_path, list(saved))
    with Vault.open(vault_path, CREDS) as fresh:
        fresh_snap = fresh.snapshot()
    early = prefetch(vault_path)
    assert early is not None and early.sorted is not None  # sorted on the read's thread
    with Vault.open(vault_path, CREDS, early) as opened:
        early_snap = opened.snapshot()
    found = [(p.code, p.record_id) for p in early_snap.problems]
    assert found == [(p.code, p.record_id) for p in fresh_snap.problems]
    assert {rid: code for code, rid in found} == want
    assert early_snap.records == fresh_snap.records
    assert set(early_snap.records) == {*saved, *fresh_snap.records} - set(want)


def test_the_rows_sorted_ahead_are_the_ones_the_first_snapshot_opens(
        vault_path: Path, vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    saved = _filled(vault)
    early = prefetch(vault_path)
    assert early is not None and early.sorted is not None
    sorted_after: list[object] = []
    monkeypatch.setattr(store, "sort_rows", lambda *a: sorted_after.append(a))
    with Vault.open(vault_path, CREDS, early) as opened:
        assert set(saved) <= set(opened.snapshot().records)
    assert sorted_after == []  # none of that work was left for after the key


def test_a_database_naming_another_vault_is_refused_from_a_read_made_ahead(
        vault_path: Path, vault: Vault) -> None:
    """The associated data sorted ahead is built with the vault id the database states; the
    first snapshot refuses a database whose id is not the header's before it uses any."""
    _filled(vault)
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'vault_id'", (bytes(16),))
    early = prefetch(vault_path)
    assert early is not None and early.sorted is not None
    with Vault.open(vault_path, CREDS, early) as opened, \
            pytest.raises(VaultDamaged, match="another vault"):
        opened.snapshot()


def test_a_manifest_that_cannot_be_sorted_ahead_is_named_once_the_key_is_known(
        vault_path: Path, vault: Vault) -> None:
    saved = _filled(vault)
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        conn.execute("UPDATE manifest SET gen = 0 WHERE id = ?",
                     (bytes.fromhex(next(iter(saved))),))
    early = prefetch(vault_path)
    assert early is not None and early.sorted is None
    with pytest.raises(WrongSecret):  # a wrong passphrase is still named as such first
        Vault.open(vault_path, Credentials(passphrase="not it"), early)
    with Vault.open(vault_path, CREDS, early) as opened, pytest.raises(ManifestMismatch):
        opened.snapshot()


@pytest.mark.parametrize("gen, ct", [(1.0, bytes(40)), (1, "text"), (1, b"short"), (1, None)],
                         ids=["real generation", "text", "too short", "null"])
def test_sorting_names_odd_values_from_outside_as_damage(gen: object, ct: object) -> None:
    """Values a database made outside the kit can hold (a column without the kit's types):
    named as damage on whichever thread sorts them, never raised."""
    rid = bytes(range(16))
    rows = store.sort_rows([(rid, gen, ct)], {rid: 1}, bytes(16))
    assert rows.ready == [] and rows.missing == []
    assert [(p.code, p.record_id) for p in rows.problems] == [("damaged_record", rid.hex())]
