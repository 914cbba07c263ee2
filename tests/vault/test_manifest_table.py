"""Database format 2: the manifest as a table under a keyed digest (docs/vault-format.md, 7.2
and 7.7). A format 1 vault opens as it is and becomes format 2 with its next write, inside
that write's transaction; a kill at any step of it leaves a vault that opens; an altered
manifest row is found by the next read even after a write on top of it."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kit.errors import ManifestMismatch, UnsupportedFormat, VaultDamaged
from kit.vault import Credentials, Vault
from kit.vault import header as hdr
from kit.vault.crypto import manifest_mac
from kit.vault.manifest import MANIFEST_TABLE, encode_manifest
from tests.conftest import PASSPHRASE

CREDS = Credentials(passphrase=PASSPHRASE)


@contextlib.contextmanager
def database(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path / "vault.sqlite", isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def meta(path: Path) -> dict[str, object]:
    with database(path) as conn:
        return dict(conn.execute("SELECT key, value FROM meta"))


def make_format1(path: Path) -> None:
    """Rewrite a closed format 2 vault as the format 1 vault an earlier kit wrote: the manifest
    as one sorted list in meta, under a MAC of it in the header, no critical extension."""
    with Vault.open(path, CREDS) as vault:
        keys, vault_id, header = vault._keys, vault.vault_id, vault.header
    with database(path) as conn:
        conn.execute("BEGIN IMMEDIATE")
        entries = dict(conn.execute("SELECT id, gen FROM manifest"))
        (counter,) = conn.execute("SELECT value FROM meta WHERE key = 'commit'").fetchone()
        manifest = encode_manifest(entries)
        conn.execute("DROP TABLE manifest")
        conn.execute("DELETE FROM meta WHERE key = 'digest'")
        conn.execute("INSERT INTO meta (key, value) VALUES ('manifest', ?)", (manifest,))
        conn.execute("UPDATE meta SET value = 1 WHERE key = 'format'")
        conn.execute("COMMIT")
    state = hdr.Commit(counter, manifest_mac(keys.manifest, vault_id, counter, manifest))
    old = replace(header, state=state, pending=None, critical=())
    (path / "vault.header").write_bytes(hdr.encode(old, keys.header_mac))


def filled(path: Path, count: int = 5) -> dict[str, str]:
    """A new vault holding *count* journal texts (one edited, one deleted); returns the texts."""
    vault, _recovery = Vault.create(path, PASSPHRASE, "minimum")
    with vault:
        ids = [vault.put("journal", {"text": f"entry {i}"}).id for i in range(count)]
        vault.put("journal", {"text": "entry 0, edited"}, ids[0])
        vault.delete(ids[-1])
        return {r.id: r.data["text"] for r in vault.snapshot().records.values()
                if r.kind == "journal"}


def texts(vault: Vault) -> dict[str, str]:
    return {r.id: r.data["text"] for r in vault.snapshot().records.values()
            if r.kind == "journal"}


def test_a_new_vault_is_format_2_and_says_so_in_its_header(vault_path: Path) -> None:
    filled(vault_path)
    values = meta(vault_path)
    assert values["format"] == 2 and "manifest" not in values
    assert isinstance(values["digest"], bytes) and len(values["digest"]) == 32
    assert hdr.decode(hdr.read_file(vault_path / "vault.header"))[0].critical == (MANIFEST_TABLE,)
    with database(vault_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM manifest").fetchone()[0] == 5  # + identity


def test_a_format_1_vault_opens_and_its_next_write_upgrades_it(vault_path: Path) -> None:
    written = filled(vault_path)
    make_format1(vault_path)
    with Vault.open(vault_path, CREDS) as vault:
        assert texts(vault) == written and vault.verify() == []
        assert meta(vault_path)["format"] == 1  # reading changes nothing
        added = vault.put("journal", {"text": "after the upgrade"})
        written[added.id] = "after the upgrade"
        assert meta(vault_path)["format"] == 2
        assert MANIFEST_TABLE in vault.header.critical
        assert texts(vault) == written and vault.verify() == []
    with Vault.open(vault_path, CREDS) as vault:
        assert texts(vault) == written and vault.verify() == []
        vault.put("journal", {"text": "one more"})
        assert vault.verify() == []


def test_an_upgrade_that_changes_nothing_is_not_kept(vault_path: Path) -> None:
    filled(vault_path)
    make_format1(vault_path)
    with Vault.open(vault_path, CREDS) as vault:
        with vault.transaction():
            pass
        assert meta(vault_path)["format"] == 1 and vault.verify() == []


class Killed(Exception):
    """Stands in for a kill at one step of the commit protocol."""


@pytest.mark.parametrize("step", ["header pending written", "database committed"])
def test_an_upgrade_cut_short_leaves_a_vault_that_opens(
        vault_path: Path, monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    """The upgrade rides on a write's commit (section 7.4): cut after the header learned of the
    commit (the database still format 1), or after the database committed it (the header not
    yet settled), the vault opens with every entry, and the next write finishes the job."""
    written = filled(vault_path)
    make_format1(vault_path)
    writes = {"header pending written": 1, "database committed": 2}[step]
    real = Vault._write_header
    calls = []

    def write_then_die(self: Vault, header: hdr.Header) -> None:
        calls.append(header)
        if len(calls) == writes:
            if writes == 1:
                real(self, header)
            raise Killed(step)
        real(self, header)

    with Vault.open(vault_path, CREDS) as vault:
        monkeypatch.setattr(Vault, "_write_header", write_then_die)
        with pytest.raises(Killed):
            vault.put("journal", {"text": "written as the kill came"})
        monkeypatch.setattr(Vault, "_write_header", real)
    with Vault.open(vault_path, CREDS) as vault:
        now = texts(vault)
        assert meta(vault_path)["format"] == (1 if writes == 1 else 2)
        if writes == 1:
            assert now == written
        else:
            assert set(written.items()) < set(now.items()) and len(now) == len(written) + 1
        assert vault.verify() == []
        vault.put("journal", {"text": "and then another"})
        assert meta(vault_path)["format"] == 2 and vault.verify() == []


def test_an_earlier_kit_refuses_a_format_2_vault_as_too_new(vault_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    filled(vault_path)
    monkeypatch.setattr(hdr, "KNOWN_CRITICAL", frozenset())  # as a kit before format 2 was
    with pytest.raises(UnsupportedFormat):
        Vault.open(vault_path, CREDS)


def test_an_altered_manifest_row_is_still_found_after_a_write_on_top(vault_path: Path) -> None:
    """A write checks the digest's MAC, not every row (that is what keeps it flat), and only
    adds and takes out the values of what it changes: so an altered row stays found."""
    written = filled(vault_path)
    some = next(iter(written))
    with database(vault_path) as conn:
        conn.execute("UPDATE manifest SET gen = gen + 1 WHERE id = ?", (bytes.fromhex(some),))
    with Vault.open(vault_path, CREDS) as vault:
        with pytest.raises(ManifestMismatch):
            vault.snapshot()
        vault.put("journal", {"text": "written on top"})
        with pytest.raises(ManifestMismatch):
            vault.snapshot()
        with pytest.raises(VaultDamaged):
            vault.get(some)


def test_a_key_rotation_keeps_format_2_and_its_backups_open(vault_path: Path) -> None:
    written = filled(vault_path)
    with Vault.open(vault_path, CREDS) as vault:
        vault.rotate(PASSPHRASE + " new")
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE + " new")) as vault:
        assert texts(vault) == written and vault.verify() == []
        assert MANIFEST_TABLE in vault.header.critical
    backups = sorted(p for p in (vault_path / "backups").iterdir() if not p.name.startswith("."))
    assert backups
    for backup in backups:
        with Vault.open(backup, Credentials(passphrase=PASSPHRASE + " new")) as copy:
            assert copy.verify() == []


def test_a_key_rotation_of_a_format_1_vault(vault_path: Path) -> None:
    written = filled(vault_path)
    make_format1(vault_path)
    with Vault.open(vault_path, CREDS) as vault:
        vault.rotate(PASSPHRASE + " new")
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE + " new")) as vault:
        assert meta(vault_path)["format"] == 1
        assert texts(vault) == written and vault.verify() == []
        vault.put("journal", {"text": "after"})
        assert meta(vault_path)["format"] == 2 and vault.verify() == []
