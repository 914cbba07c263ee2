"""Damage is reported as damage: a record the vault's list names but cannot give back (its
ciphertext flipped, its row deleted or swapped, an old copy put back, or a shape this kit cannot
read) is "damaged", exit 4, for every kind of record and every command that looks one up, while
lists and searches show the rest with a warning. Nothing on disk changes."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kit.errors import RecordDamaged
from kit.records.journal import Journal
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, Result, run_kit
from tests.hostile_files import age_passphrase_file

HEADER, DB = "vault.header", "vault.sqlite"
CREDS = Credentials(passphrase=PASSPHRASE)


def disk(path: Path) -> dict[str, bytes]:
    """The vault's two files, byte for byte (the WAL is empty once the vault is closed), and
    every file of its local backups."""
    files = {name: (path / name).read_bytes() for name in (HEADER, DB)}
    backups = path / "backups"
    if backups.is_dir():
        files |= {str(f.relative_to(path)): f.read_bytes() for f in backups.rglob("*")
                  if f.is_file()}
    return files


@contextlib.contextmanager
def db(path: Path) -> Iterator[sqlite3.Connection]:
    """A write transaction on a closed vault's database, made from outside the kit."""
    conn = sqlite3.connect(path / DB, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        yield conn
        conn.execute("COMMIT")
    finally:
        conn.close()


def row(path: Path, record_id: str) -> tuple[int, bytes]:
    with contextlib.closing(sqlite3.connect(path / DB)) as conn:
        gen, ct = conn.execute("SELECT gen, ct FROM records WHERE id = ?",
                               (bytes.fromhex(record_id),)).fetchone()
    return gen, bytes(ct)


def set_row(path: Path, record_id: str, gen: int, ct: bytes) -> None:
    with db(path) as conn:
        changed = conn.execute("UPDATE records SET gen = ?, ct = ? WHERE id = ?",
                               (gen, ct, bytes.fromhex(record_id))).rowcount
    assert changed == 1


@dataclass(frozen=True)
class Journalled:
    path: Path
    ids: list[str]  # ids[0] was edited once: its generation-1 row is `old_row`
    old_row: tuple[int, bytes]


@pytest.fixture
def journalled(cli_vault: Path) -> Journalled:
    with Vault.open(cli_vault, CREDS) as vault:
        journal = Journal(vault)
        ids = [journal.add(f"entry {n} about the doorstep visit").id for n in range(3)]
    old = row(cli_vault, ids[0])
    with Vault.open(cli_vault, CREDS) as vault:
        Journal(vault).edit(ids[0], "entry 0, rewritten, about the doorstep visit")
    return Journalled(cli_vault, ids, old)


def flip(j: Journalled, victim: str) -> None:
    gen, ct = row(j.path, victim)
    set_row(j.path, victim, gen, ct[:20] + bytes([ct[20] ^ 1]) + ct[21:])


def delete(j: Journalled, victim: str) -> None:
    with db(j.path) as conn:
        conn.execute("DELETE FROM records WHERE id = ?", (bytes.fromhex(victim),))


def replay(j: Journalled, victim: str) -> None:
    assert victim == j.ids[0]
    set_row(j.path, victim, *j.old_row)


def swap(j: Journalled, victim: str) -> None:
    # Two rows of the same generation, so only the associated data (the id) tells them apart.
    other = j.ids[2]
    assert victim == j.ids[1]
    mine, theirs = row(j.path, victim), row(j.path, other)
    set_row(j.path, victim, *theirs)
    set_row(j.path, other, *mine)


def untyped(j: Journalled, victim: str) -> None:
    """The records table made again, from outside, with no column types, so SQLite keeps a
    generation of 1.0 as a real number: equal to the manifest's 1, but not a whole number."""
    assert victim == j.ids[1]  # never edited: generation 1
    with db(j.path) as conn:
        conn.execute("ALTER TABLE records RENAME TO typed")
        conn.execute("CREATE TABLE records (id PRIMARY KEY, gen NOT NULL, ct NOT NULL)")
        conn.execute("INSERT INTO records SELECT id, gen, ct FROM typed")
        conn.execute("DROP TABLE typed")
        conn.execute("UPDATE records SET gen = 1.0 WHERE id = ?", (bytes.fromhex(victim),))
        assert conn.execute("SELECT typeof(gen) FROM records WHERE id = ?",
                            (bytes.fromhex(victim),)).fetchone() == ("real",)


# How, which entry it strikes (an index into Journalled.ids), and what the message says.
DAMAGE: dict[str, tuple[Callable[[Journalled, str], None], int, str]] = {
    "flipped": (flip, 0, "does not check out"),
    "deleted": (delete, 0, "missing from vault.sqlite"),
    "replayed": (replay, 0, "older copy"),
    "swapped": (swap, 1, "does not check out"),
    "untyped": (untyped, 1, "does not check out"),
}


def assert_damaged(result: Result, victim: str, because: str) -> None:
    assert result.code == 4, result.err
    assert f"record {victim[:8]} is damaged" in result.err, result.err
    assert because in result.err and "kit vault verify" in result.err, result.err
    assert "no journal entry" not in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("how", list(DAMAGE))
def test_show_says_damaged_and_lists_keep_the_rest(journalled: Journalled, how: str) -> None:
    tamper, index, because = DAMAGE[how]
    victim = journalled.ids[index]
    tamper(journalled, victim)
    before = disk(journalled.path)

    for prefix in (victim[:8], victim):
        assert_damaged(run_kit("journal", "show", prefix), victim, because)
    as_json = run_kit("journal", "show", victim[:8], "--json")
    assert as_json.code == 4
    assert json.loads(as_json.out)["error"]["code"] == "record_damaged"
    # Changing it is refused the same way, before anything is written.
    assert_damaged(run_kit("journal", "edit", victim[:8], "new text"), victim, because)
    assert_damaged(run_kit("journal", "delete", victim[:8], "--yes"), victim, because)

    # A swap spoils both records of the pair; every other entry is still listed and found.
    spoiled = {victim, journalled.ids[2]} if how == "swapped" else {victim}
    rest = [i for i in journalled.ids if i not in spoiled]
    listed = run_kit("journal", "list", "--json")
    assert listed.code == 0, listed.err
    assert sorted(e["id"] for e in json.loads(listed.out)["entries"]) == sorted(rest)
    assert f"Warning: record {victim}" in listed.err
    found = run_kit("journal", "search", "doorstep", "--json")
    assert found.code == 0, found.err
    assert sorted(e["id"] for e in json.loads(found.out)["entries"]) == sorted(rest)
    assert "Warning" in found.err
    # A healthy entry still shows, with the warning; an id never written is still "not found".
    shown = run_kit("journal", "show", rest[0][:8])
    assert shown.code == 0 and "Warning" in shown.err
    missing = run_kit("journal", "show", "0000000000")
    assert missing.code == 1 and "no journal entry" in missing.err

    assert disk(journalled.path) == before


@pytest.mark.parametrize("command", [
    ("exposure", "show"), ("incident", "show"), ("incident", "delete", "--yes"),
    ("evidence", "delete", "--yes"), ("checkin", "delete", "--yes"), ("supervision", "show"),
    ("supervision", "export", "--out", "x.md"), ("findings", "mark", "{id}", "fixed"),
], ids=lambda c: " ".join(c[:2]))
def test_every_kind_reports_a_damaged_record_as_damaged(journalled: Journalled,
                                                       command: tuple[str, ...]) -> None:
    """Damage hides a record's kind, so each command that looks a record up by id must say
    the id is damaged: the one rule (kit.records.ids.by_prefix) serves every kind."""
    victim = journalled.ids[1]
    flip(journalled, victim)
    before = disk(journalled.path)
    args = [a.replace("{id}", victim[:8]) for a in command]
    if "{id}" not in command:
        args.insert(2, victim[:8])
    assert_damaged(run_kit(*args), victim, "does not check out")
    assert disk(journalled.path) == before


# Records of the wrong shape, written through the vault's own API (as a newer or buggy kit
# might): each is named once, and never takes the rest of its kind down with it.
WRONG_JOURNAL: list[dict[str, Any]] = [
    {"text": 5, "created": "2026-01-01T09:00:00+00:00", "updated": "2026-01-01T09:00:00+00:00"},
    {"text": "no time zone", "created": "2026-01-01T09:00:00", "updated": "2026-01-01T09:00:00"},
    {"text": "tags as text", "tags": "abc", "created": "2026-01-01T09:00:00+00:00",
     "updated": "2026-01-01T09:00:00+00:00"},
    {"text": "mood as text", "mood": "low", "created": "2026-01-01T09:00:00+00:00",
     "updated": "2026-01-01T09:00:00+00:00"},
    {"created": "2026-01-01T09:00:00+00:00"},
]


def test_wrong_shaped_records_are_named_and_the_rest_shown(journalled: Journalled) -> None:
    with Vault.open(journalled.path, CREDS) as vault:
        bad = [vault.put("journal", data).id for data in WRONG_JOURNAL]
        bad_checkin = vault.put("checkin", {"when": "yesterday"}).id
        bad_rhythm = vault.put("checkin_schedule", {"instrument": "who5", "every_days": "x"}).id
    before = disk(journalled.path)

    for command in (("journal", "list", "--json"), ("journal", "search", "doorstep", "--json")):
        result = run_kit(*command)
        assert result.code == 0, result.err
        listed = sorted(e["id"] for e in json.loads(result.out)["entries"])
        assert listed == sorted(journalled.ids)
        for record_id in bad:
            assert result.err.count(f"journal entry {record_id} has a shape") == 1, result.err
    shown = run_kit("journal", "show", bad[1][:8])
    assert shown.code == 4 and f"record {bad[1][:8]} is damaged (journal entry" in shown.err
    checkins = run_kit("checkin", "list", "--json")
    assert checkins.code == 0, checkins.err
    assert f"check-in {bad_checkin}" in checkins.err
    assert f"check-in rhythm {bad_rhythm}" in checkins.err
    due = run_kit("checkin", "due")
    assert due.code == 0, due.err
    assert disk(journalled.path) == before


def swap_index_entries(path: Path, a: str, b: str) -> None:
    """Swap the row numbers two entries of the records' id index point at, byte by byte in the
    file: every page stays well formed and in order, so quick_check passes, but the index no
    longer matches the table, which only integrity_check compares."""
    with contextlib.closing(sqlite3.connect(path / DB)) as conn:
        rowids = dict(conn.execute("SELECT id, rowid FROM records"))
        (root,) = conn.execute("SELECT rootpage FROM sqlite_master "
                               "WHERE name = 'sqlite_autoindex_records_1'").fetchone()
        (size,) = conn.execute("PRAGMA page_size").fetchone()
    data = bytearray((path / DB).read_bytes())
    start = (root - 1) * size
    page = bytes(data[start : start + size])
    where = []
    for record_id in (bytes.fromhex(a), bytes.fromhex(b)):
        # An index cell ends with the key (16 bytes) then the row number (one byte, below 128).
        assert rowids[record_id] < 128
        at = page.find(record_id + bytes([rowids[record_id]]))
        assert at > 0 and page.count(record_id) == 1
        where.append(start + at + len(record_id))
    x, y = where
    data[x], data[y] = data[y], data[x]
    (path / DB).write_bytes(bytes(data))


def sqlite_check(path: Path, pragma: str) -> list[str]:
    with contextlib.closing(sqlite3.connect(path / DB)) as conn:
        return [r[0] for r in conn.execute(f"PRAGMA {pragma}")]


def test_verify_finds_a_damaged_index_and_edits_refuse_to_write_through_it(
        journalled: Journalled) -> None:
    a, b = journalled.ids[1], journalled.ids[2]
    swap_index_entries(journalled.path, a, b)
    assert sqlite_check(journalled.path, "quick_check") == ["ok"]
    assert sqlite_check(journalled.path, "integrity_check") != ["ok"]
    before = disk(journalled.path)

    verify = run_kit("vault", "verify", "--json")
    assert verify.code == 4, verify.err
    problems = json.loads(verify.out)["problems"]
    assert problems[0]["code"] == "sqlite"
    assert "sqlite_autoindex_records_1" in problems[0]["message"]
    assert "vault.sqlite is damaged (SQLite's integrity check" in verify.err

    # An edit or a delete would go through the index to the wrong row (the issue: a second row
    # for the entry, another entry gone, and verify blaming a rollback). It is refused instead.
    for command in (("journal", "edit", a[:8], "new words"), ("journal", "delete", b, "--yes")):
        result = run_kit(*command)
        assert result.code == 4, result.err
        assert "index of records no longer matches" in result.err
        assert "nothing was saved" in result.err and "Traceback" not in result.err
    assert disk(journalled.path) == before
    again = run_kit("vault", "verify", "--json")
    assert [p["code"] for p in json.loads(again.out)["problems"]] == ["sqlite"]
    assert "rollback" not in again.err and "older copy" not in again.err


@pytest.mark.parametrize(("key", "value", "said"), [
    ("vault_id", bytes(16), "its vault id is not the header's: it belongs to another vault"),
    ("key_id", bytes(16), "its data key is not the header's"),
    ("format", 3, "its format number is 3, not 1 or 2"),
])
def test_meta_rows_must_match_the_header(journalled: Journalled, key: str, value: object,
                                         said: str) -> None:
    with db(journalled.path) as conn:
        assert conn.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key)).rowcount
    before = disk(journalled.path)
    for command in (("journal", "list"), ("journal", "add", "more"), ("vault", "verify")):
        result = run_kit(*command)
        assert result.code == 4, (command, result.err)
        assert "vault.sqlite does not belong with vault.header" in result.err, result.err
        assert said in result.err and "rollback" not in result.err.lower(), result.err
    assert disk(journalled.path) == before


def backup_with(path: Path, out: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A backup of the vault at *path* (as `kit vault backup` writes it), changed by *change*
    before it is sealed: well-formed JSON, sealed with the vault's passphrase (at a cheap
    scrypt cost; pyrage would spend a second on each)."""
    from kit.vault.export import export_document

    with Vault.open(path, CREDS) as vault:
        doc = export_document(vault)
    change(doc)
    out.write_bytes(age_passphrase_file(json.dumps(doc).encode(), PASSPHRASE))
    return out


def test_restore_names_each_wrong_shaped_record_and_restores_nothing(
        journalled: Journalled, tmp_path: Path) -> None:
    odd, wrong_kind = journalled.ids[1], journalled.ids[2]

    def spoil(doc: dict[str, Any]) -> None:
        for record in doc["records"]:
            if record["id"] == odd:
                record["data"]["text"] = {"not": "text"}
            if record["id"] == wrong_kind:
                record["kind"] = "checkin"  # a journal entry's fields under another kind
    backup = backup_with(journalled.path, tmp_path / "spoiled.age", spoil)
    sealed = backup.read_bytes()
    target = tmp_path / "restored"

    result = run_kit("--vault", str(target), "vault", "restore", str(backup), "--json")
    assert result.code == 1, result.err
    error = json.loads(result.out)["error"]
    assert error["code"] == "bad_input"
    assert "holds 2 records this version of the kit cannot read" in error["message"]
    assert "nothing was restored" in error["message"]
    assert f"journal entry {odd} has a shape" in error["message"]
    assert f"check-in {wrong_kind} has a shape" in error["message"]
    assert "Traceback" not in result.err
    assert not target.exists() and backup.read_bytes() == sealed

    # The same backup with good records only restores, and every entry reads back.
    good = backup_with(journalled.path, tmp_path / "good.age", lambda doc: None)
    restored = run_kit("--vault", str(target), "vault", "restore", str(good))
    assert restored.code == 0, restored.err
    listed = run_kit("--vault", str(target), "journal", "list", "--json")
    assert sorted(e["id"] for e in json.loads(listed.out)["entries"]) == sorted(journalled.ids)


# --- what README.md says about old copies, claim by claim ---


def entries_seen(passphrase: str = PASSPHRASE) -> Result:
    return run_kit("journal", "list", "--json", passphrase=passphrase)


def test_readme_an_older_database_or_header_is_noticed_once_something_was_saved(
        cli_vault: Path, tmp_path: Path) -> None:
    assert run_kit("journal", "add", "first").code == 0
    old = tmp_path / "old"
    old.mkdir()
    for name in (HEADER, DB):
        (old / name).write_bytes((cli_vault / name).read_bytes())
    assert run_kit("journal", "add", "second").code == 0
    current = disk(cli_vault)
    for name in (DB, HEADER):
        (cli_vault / name).write_bytes((old / name).read_bytes())
        put_back = disk(cli_vault)
        result = entries_seen()
        assert result.code == 4, (name, result.err)
        assert "do not belong together" in result.err, result.err
        assert disk(cli_vault) == put_back
        (cli_vault / name).write_bytes(current[name])
    assert entries_seen().code == 0


def test_readme_an_old_header_put_back_after_passwd_is_not_noticed(cli_vault: Path) -> None:
    """The limit README.md states: with nothing saved since, the header from before `kit passwd`
    is accepted, and the old passphrase opens the vault again, for good."""
    assert run_kit("journal", "add", "first").code == 0
    before = (cli_vault / HEADER).read_bytes()
    changed = run_kit("passwd", env={"KIT_NEW_PASSPHRASE": "a brand new passphrase here"})
    assert changed.code == 0, changed.err
    assert entries_seen().code == 3
    (cli_vault / HEADER).write_bytes(before)
    assert entries_seen().code == 0
    assert run_kit("journal", "add", "second").code == 0
    assert entries_seen().code == 0
    assert entries_seen("a brand new passphrase here").code == 3


def test_readme_a_whole_vault_folder_copied_back_is_not_noticed(cli_vault: Path,
                                                                 tmp_path: Path) -> None:
    import shutil

    assert run_kit("journal", "add", "first").code == 0
    shutil.copytree(cli_vault, tmp_path / "copy")
    assert run_kit("journal", "add", "second").code == 0
    shutil.rmtree(cli_vault)
    shutil.copytree(tmp_path / "copy", cli_vault)
    result = entries_seen()
    assert result.code == 0 and result.err == ""
    assert [e["text"] for e in json.loads(result.out)["entries"]] == ["first"]


@pytest.mark.parametrize("command", [
    ("journal", "list"), ("journal", "search", "doorstep"), ("exposure", "list"),
    ("checkin", "list"), ("checkin", "due"), ("incident", "list"), ("findings",),
    ("supervision", "list"), ("ledger",), ("id", "list"), ("vault", "info"),
], ids=" ".join)
def test_lists_of_every_kind_warn_and_carry_on(journalled: Journalled,
                                                command: tuple[str, ...]) -> None:
    victim = journalled.ids[1]
    flip(journalled, victim)
    before = disk(journalled.path)
    result = run_kit(*command)
    assert result.code == 0, result.err
    assert f"Warning: record {victim} is damaged" in result.err, result.err
    assert "kit vault verify" in result.err
    assert disk(journalled.path) == before


def test_a_single_read_names_a_generation_that_is_not_a_whole_number_as_damage(
        journalled: Journalled) -> None:
    """What the load names damaged, a read of one record (Vault.get: files, attachments)
    names damaged too, rather than failing inside the associated data's packing."""
    victim = journalled.ids[1]
    untyped(journalled, victim)
    with Vault.open(journalled.path, CREDS) as vault:
        with pytest.raises(RecordDamaged, match="damaged"):
            vault.get(victim)
        assert vault.get(journalled.ids[2]).data["text"].startswith("entry 2")


def test_a_stored_file_whose_chunk_number_is_not_a_whole_number_is_damaged(
        vault_path: Path, vault: Vault) -> None:
    data = bytes(range(256)) * 600  # three chunks
    blob = vault.put_blob(data)
    vault.close()
    with db(vault_path) as conn:
        conn.execute("ALTER TABLE chunks RENAME TO typed")
        conn.execute("CREATE TABLE chunks (blob NOT NULL, idx NOT NULL, ct NOT NULL, "
                     "PRIMARY KEY (blob, idx)) WITHOUT ROWID")
        conn.execute("INSERT INTO chunks SELECT blob, idx, ct FROM typed")
        conn.execute("DROP TABLE typed")
        conn.execute("UPDATE chunks SET idx = 1.0 WHERE idx = 1")
    with Vault.open(vault_path, CREDS) as opened, \
            pytest.raises(RecordDamaged, match="damaged or incomplete"):
        opened.get_blob(blob.id)
