"""Deleting an incident with its evidence, or one evidence item: the records and every chunk
of their stored files go in one transaction, nothing else is touched, the repository's view
stays right; and `kit incident delete` / `kit evidence delete` ask first, refuse without a
terminal, and say what goes and what stays (exported packs, the original files)."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kit import credentials
from kit.errors import KitError, NotFound, UsageError
from kit.records import incidents as inc
from kit.records.incidents import Incidents
from kit.vault import Credentials, Vault
from kit.vault.store import CHUNK_BYTES
from tests.conftest import PASSPHRASE, Cli, run_kit
from tests.incidents.helpers import run_here

WHEN = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
SHORT = 8  # the id length people see and type


@contextlib.contextmanager
def database(vault_path: Path) -> Iterator[sqlite3.Connection]:
    """vault.sqlite opened read-only, as an outsider sees it."""
    conn = sqlite3.connect(f"file:{vault_path / 'vault.sqlite'}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def rows(vault_path: Path, record_id: str) -> tuple[int, int]:
    """(record rows, chunk rows) stored under *record_id*."""
    rid = bytes.fromhex(record_id)
    with database(vault_path) as conn:
        records = conn.execute("SELECT COUNT(*) FROM records WHERE id = ?", (rid,)).fetchone()
        chunks = conn.execute("SELECT COUNT(*) FROM chunks WHERE blob = ?", (rid,)).fetchone()
    return records[0], chunks[0]


def commit(vault: Vault) -> int:
    return vault.header.state.counter


@pytest.fixture
def shot(tmp_path: Path) -> Path:
    """A screenshot stored in three chunks."""
    path = tmp_path / "shot.png"
    path.write_bytes(os.urandom(2 * CHUNK_BYTES + 100))
    return path


# --- the repository ---


def test_delete_takes_the_incident_its_evidence_and_every_chunk_in_one_commit(
        vault: Vault, vault_path: Path, shot: Path) -> None:
    log = Incidents(vault)
    gone = log.add(category="doxing", platform="X", when=WHEN)
    kept = log.add(category="threat", platform="Email", when=WHEN)
    file_item = log.add_file(gone.id, shot, captured_by="Sam")
    url_item = log.add_url(gone.id, "https://x.example/post/1")
    note_item = log.add_note(gone.id, "They rang the office.")
    kept_item = log.add_file(kept.id, shot)
    assert rows(vault_path, file_item.blob_id) == (1, 3)
    assert rows(vault_path, kept_item.blob_id) == (1, 3)
    before = commit(vault)

    deleted = log.delete(gone.id[:6])  # a prefix, as people type it

    assert commit(vault) == before + 1  # one transaction
    assert deleted.incident == gone and deleted.files == 1
    assert [e.id for e in deleted.evidence] == [file_item.id, url_item.id, note_item.id]
    assert deleted.to_json() == {"deleted": gone.id, "files": 1, "evidence": [
        file_item.id, url_item.id, note_item.id]}
    for record_id in (gone.id, file_item.id, url_item.id, note_item.id, file_item.blob_id):
        assert rows(vault_path, record_id) == (0, 0), record_id
    assert rows(vault_path, kept_item.blob_id) == (1, 3)  # the other incident's file stays
    # The repository's own view is right at once ...
    assert log.list() == [kept]
    assert log.evidence_counts() == {kept.id: 1}
    with pytest.raises(NotFound):
        log.get(gone.id)
    with pytest.raises(NotFound):
        log.evidence_item(file_item.id)
    assert log.problems == []
    # ... and agrees with the disk.
    fresh = Incidents(vault)
    assert fresh.list() == [kept] and fresh.evidence(kept.id) == [kept_item]
    assert fresh.file_bytes(kept_item) == shot.read_bytes()
    with pytest.raises(NotFound):
        vault.get_blob(file_item.blob_id)
    assert vault.verify() == []  # nothing left dangling
    assert shot.exists()  # the original is never the kit's to delete


def test_delete_evidence_takes_one_item_and_its_file(vault: Vault, vault_path: Path,
                                                     shot: Path) -> None:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN)
    wrong = log.add_file(incident.id, shot)
    right = log.add_file(incident.id, shot)
    link = log.add_url(incident.id, "https://x.example/post/1")
    before = commit(vault)

    assert log.delete_evidence(wrong.id[:SHORT]) == wrong
    assert commit(vault) == before + 1
    assert rows(vault_path, wrong.id) == (0, 0)
    assert rows(vault_path, wrong.blob_id) == (0, 0)
    assert rows(vault_path, right.blob_id) == (1, 3)
    assert log.evidence(incident.id) == [right, link]
    assert log.get(incident.id) == incident
    assert log.delete_evidence(link.id) == link  # an item with no file
    assert commit(vault) == before + 2
    assert Incidents(vault).evidence(incident.id) == [right]
    assert log.evidence_counts() == {incident.id: 1}
    assert vault.verify() == []


def test_bad_ids_delete_nothing(vault: Vault) -> None:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN)
    item = log.add_note(incident.id, "A note.")
    # Two incidents and two items whose ids share a prefix, stored under ids chosen here.
    data = {**incident._data()}
    note = {**item._data()}
    vault.write(lambda txn: [
        txn.put_new("abcd" + "1" * 28, inc.KIND_INCIDENT, data),
        txn.put_new("abcd" + "2" * 28, inc.KIND_INCIDENT, data),
        txn.put_new("dcba" + "1" * 28, inc.KIND_EVIDENCE, note),
        txn.put_new("dcba" + "2" * 28, inc.KIND_EVIDENCE, note)])
    log = Incidents(vault)
    before = commit(vault)
    for call, arg, error, words in [
            (log.delete, "abc", UsageError, "at least the first 4"),
            (log.delete, "abcd", UsageError, "matches several"),
            (log.delete, "ffffffff", NotFound, "no incident"),
            (log.delete, item.id, NotFound, "no incident"),  # an evidence id is not one
            (log.delete_evidence, "dcb", UsageError, "at least the first 4"),
            (log.delete_evidence, "dcba", UsageError, "matches several"),
            (log.delete_evidence, incident.id, NotFound, "no evidence item")]:
        with pytest.raises(error, match=words):
            call(arg)
    assert commit(vault) == before
    assert len(log.list()) == 3 and len(Incidents(vault).list()) == 3


def test_a_file_another_item_still_uses_is_kept(vault: Vault, vault_path: Path,
                                                 shot: Path) -> None:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN)
    first = log.add_file(incident.id, shot)
    # A second item naming the same stored file (the kit never writes this; a restore or a
    # newer kit might): deleting one must not take the other's file.
    twin = vault.put(inc.KIND_EVIDENCE, first._data())
    log = Incidents(vault)
    log.delete_evidence(first.id)
    assert rows(vault_path, first.blob_id) == (1, 3)
    assert log.file_bytes(log.evidence_item(twin.id)) == shot.read_bytes()
    log.delete_evidence(twin.id)  # the last one to use it: now it goes
    assert rows(vault_path, first.blob_id) == (0, 0)


def test_a_blob_id_that_is_not_a_stored_file_is_left_alone(vault: Vault) -> None:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN)
    other = log.add(category="threat", platform="Email", when=WHEN)
    item = log.add_note(incident.id, "A note.")
    odd = vault.put(inc.KIND_EVIDENCE, {**item._data(), "blob_id": other.id})
    Incidents(vault).delete_evidence(odd.id)
    assert Incidents(vault).get(other.id) == other


def test_evidence_this_kit_cannot_read_stops_the_incident_delete(vault: Vault,
                                                                 shot: Path) -> None:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN)
    log.add_file(incident.id, shot)
    # Written by a newer kit in a shape this one cannot read; it names the incident.
    vault.put(inc.KIND_EVIDENCE, {"incident_id": incident.id, "kind": "hologram"})
    log = Incidents(vault)
    assert log.list() == [incident]
    assert [p.code for p in log.problems] == ["unreadable_evidence"]
    before = commit(vault)
    with pytest.raises(KitError, match=r"cannot read.*nothing was deleted"):
        log.delete(incident.id)
    assert commit(vault) == before and log.get(incident.id) == incident
    assert len(Incidents(vault).evidence(incident.id)) == 1


def test_an_orphaned_item_can_be_deleted_and_its_problem_goes(vault: Vault) -> None:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN)
    item = log.add_note(incident.id, "A note.")
    vault.delete(incident.id)  # as a damaged or foreign vault might leave it
    log = Incidents(vault)
    assert log.list() == []
    assert [p.code for p in log.problems] == ["orphan_evidence"]
    log.delete_evidence(item.id)
    assert log.problems == []
    assert Incidents(vault).problems == []


def test_a_workspace_sees_the_delete_everywhere(vault: Vault, shot: Path) -> None:
    from kit.workspace import Workspace

    ws = Workspace(vault)
    incident = ws.incidents.add(category="doxing", platform="X", when=WHEN)
    ws.incidents.add_file(incident.id, shot)
    ws.incidents.delete(incident.id)
    assert ws.incidents.list() == [] and ws.incidents.evidence_counts() == {}
    ws.refresh()
    assert ws.incidents.list() == [] and ws.problems == []


# --- the command line ---


@pytest.fixture
def logged(cli: Cli, cli_vault: Path, tmp_path: Path) -> dict[str, str]:
    """Two incidents; the first with a file and a note, the second with a file."""
    first = json.loads(cli.ok("incident", "add", "--when", "2026-01-05 10:30", "--category",
                              "doxing", "--platform", "X", "--json"))["id"]
    second = json.loads(cli.ok("incident", "add", "--category", "threat", "--platform", "Email",
                               "--json"))["id"]
    original = tmp_path / "shot 1.png"
    original.write_bytes(os.urandom(3000))
    added = json.loads(cli.ok("evidence", "add", first[:8], str(original), "--json"))["added"]
    note = json.loads(cli.ok("evidence", "add", first[:8], "--note", "They rang.",
                             "--json"))["added"]
    other = json.loads(cli.ok("evidence", "add", second[:8], str(original), "--json"))["added"]
    return {"first": first, "second": second, "file": added[0]["id"],
            "note": note[0]["id"], "other": other[0]["id"], "original": str(original)}


def test_cli_refuses_to_delete_without_a_terminal_or_yes(cli: Cli,
                                                          logged: dict[str, str]) -> None:
    """`kit` as a subprocess in a session of its own: truly no terminal to ask on."""
    before = cli.state()
    for args in (("incident", "delete", logged["first"][:8]),
                 ("evidence", "delete", logged["file"][:8])):
        result = run_kit(*args)
        assert result.code == 2, result.err
        assert "no terminal" in result.err and "--yes" in result.err
        assert "nothing was deleted" in result.err
        as_json = run_kit(*args, "--json")
        assert as_json.code == 2
        assert json.loads(as_json.out)["error"]["exit"] == 2
    assert cli.state() == before


def test_cli_incident_delete_with_yes(cli: Cli, logged: dict[str, str]) -> None:
    original = Path(logged["original"])
    data, mtime = original.read_bytes(), original.stat().st_mtime_ns
    commit_before, records_before = cli.state()
    result = cli.run("incident", "delete", logged["first"][:8], "--yes", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"deleted": logged["first"], "files": 1,
                                      "evidence": [logged["file"], logged["note"]]}
    assert "deleted, with 2 evidence items (1 stored file)" in result.err
    assert "original files were not touched" in result.err and "backups" in result.err
    commit_after, records = cli.state()
    assert commit_after == commit_before + 1
    assert records == {**records_before, "incident": 1, "evidence": 1, "blob": 1}
    listed = json.loads(cli.ok("incident", "list", "--json"))
    assert [i["id"] for i in listed["incidents"]] == [logged["second"]]
    assert (original.read_bytes(), original.stat().st_mtime_ns) == (data, mtime)
    gone = cli.run("incident", "show", logged["first"][:8])
    assert gone.code == 1 and "no incident" in gone.err
    again = cli.run("incident", "delete", logged["first"][:8], "--yes")
    assert again.code == 1 and "no incident" in again.err
    short = cli.run("incident", "delete", "abc", "--yes")
    assert short.code == 2 and "at least the first 4" in short.err


def test_cli_evidence_ids_are_shown_and_one_item_can_be_deleted(
        cli: Cli, logged: dict[str, str]) -> None:
    shown = cli.ok("incident", "show", logged["first"][:8])
    assert logged["file"][:8] in shown and logged["note"][:8] in shown
    result = cli.run("evidence", "delete", logged["file"][:8], "--yes", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["deleted"] == logged["file"] and doc["incident_id"] == logged["first"]
    assert doc["kind"] == "file" and doc["file_name"] == "shot 1.png"
    assert "with its stored file" in result.err and "were not touched" in result.err
    after = json.loads(cli.ok("incident", "show", logged["first"][:8], "--json"))
    assert [e["id"] for e in after["evidence"]] == [logged["note"]]
    missing = cli.run("evidence", "delete", logged["file"][:8], "--yes")
    assert missing.code == 1 and "no evidence item" in missing.err


def test_cli_asks_on_the_terminal_and_says_what_goes(
        cli: Cli, logged: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []
    answers = iter(["n", "yes"])

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr(credentials, "terminal_available", lambda: True)
    monkeypatch.setattr(credentials, "ask_terminal", ask)
    before = cli.state()
    refused = run_here(monkeypatch, capsys, "incident", "delete", logged["first"][:8])
    assert refused.code == 1 and "nothing was deleted" in refused.err
    assert cli.state() == before
    question = asked[0]
    assert f"Delete the incident {logged['first'][:8]} of 05 Jan 2026" in question
    assert "Doxing" in question and "on X" in question
    assert "2 evidence items (1 stored file)?" in question
    assert "your original files are not touched" in question
    assert "keep the originals" in question and "cannot be undone" in question
    done = run_here(monkeypatch, capsys, "incident", "delete", logged["first"][:8])
    assert done.code == 0, done.err
    assert len(json.loads(cli.ok("incident", "list", "--json"))["incidents"]) == 1


def test_cli_evidence_delete_asks_naming_the_item_and_its_incident(
        cli: Cli, logged: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    asked: list[str] = []
    monkeypatch.setattr(credentials, "terminal_available", lambda: True)
    monkeypatch.setattr(credentials, "ask_terminal",
                        lambda question: asked.append(question) or "")
    result = run_here(monkeypatch, capsys, "evidence", "delete", logged["other"][:8])
    assert result.code == 1 and "nothing was deleted" in result.err
    [question] = asked
    assert f"evidence item {logged['other'][:8]}" in question
    assert f"incident {logged['second'][:8]}" in question
    assert "'shot 1.png' (3,000 bytes)" in question and "not touched" in question
    shown = json.loads(cli.ok("incident", "show", logged["second"][:8], "--json"))
    assert [e["id"] for e in shown["evidence"]] == [logged["other"]]


def test_cli_delete_is_one_vault_write(cli: Cli, logged: dict[str, str],
                                       vault_path: Path) -> None:
    """The stored file's chunks are gone from vault.sqlite after the command."""
    doc = json.loads(cli.ok("incident", "show", logged["second"][:8], "--json"))
    blob = doc["evidence"][0]["blob_id"]
    assert rows(vault_path, blob)[1] >= 1
    cli.ok("evidence", "delete", logged["other"][:8], "--yes")
    assert rows(vault_path, blob) == (0, 0)
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault:
        assert vault.verify() == []
