"""The incident and evidence repository on a real vault, your saved details, and the vault's
signatures."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kit.errors import BadInput, NotFound, UsageError
from kit.records import incidents as inc
from kit.records.incidents import HandlingEvent, Incidents, Reference
from kit.records.my_details import Details, MyDetails
from kit.vault import Credentials, Vault
from kit.vault.identity import public_identity, sign, verify_signature
from tests.conftest import PASSPHRASE

WHEN = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def reopen(vault: Vault, vault_path: Path) -> Vault:
    vault.close()
    return Vault.open(vault_path, Credentials(passphrase=PASSPHRASE))


def new_incident(log: Incidents, **extra: object) -> inc.Incident:
    fields: dict[str, object] = {"category": "doxing", "platform": "X", "when": WHEN}
    fields.update(extra)
    return log.add(**fields)  # type: ignore[arg-type]


# --- incidents ---


def test_incidents_round_trip_newest_first(vault: Vault, vault_path: Path) -> None:
    log = Incidents(vault)
    first = log.add(category="doxing", platform=" X ", when=WHEN,
                    description="My address was posted.\n",
                    urls=["https://x.example/post/1", "https://x.example/post/1"],
                    usernames=["@baddie"], references=[Reference("police", "CR/1/26")])
    second = log.add(category="swatting", platform="phone",
                     when=WHEN + timedelta(days=2), status="reported")
    assert first.platform == "X" and first.description == "My address was posted."
    assert first.urls == ("https://x.example/post/1",)  # repeats dropped
    assert first.status == "open" and first.created == first.updated
    assert [i.id for i in log.list()] == [second.id, first.id]
    again = reopen(vault, vault_path)
    with again:
        log = Incidents(again)
        assert log.list() == [second, first]
        assert log.get(first.id[:6]) == first
        assert log.get(first.id).category_label.startswith("Doxing")
        changed = log.update(dataclasses.replace(
            log.get(first.id), status="reported",
            references=(*first.references, Reference("platform", "R-99", "report form"))))
        assert changed.updated > first.updated and changed.created == first.created
        assert Incidents(again).get(first.id) == changed
        assert log.update(changed) is changed  # nothing changed: nothing written


@pytest.mark.parametrize(("fields", "named"), [
    ({"category": "stalking"}, "category"),
    ({"status": "pending"}, "status"),
    ({"when": datetime(2026, 1, 5, 9, 30)}, "time zone"),  # naive
    ({"when": datetime.now(UTC) + timedelta(days=3)}, "future"),
    ({"platform": "x" * 201}, "platform"),
    ({"platform": "two\nlines"}, "platform"),
    ({"description": "x" * 20_001}, "description"),
    ({"description": "calm\x1b[2J words"}, "description"),  # a control character: refused
    ({"platform": "X\tY"}, "platform"),  # a one-line field takes no tab either
    ({"urls": ["ftp://x.example/file"]}, "url"),
    ({"urls": ["https://"]}, "url"),
    ({"urls": ["https://x.example/a b"]}, "url"),
    ({"urls": [f"https://x.example/{n}" for n in range(101)]}, "url"),
    ({"usernames": [""]}, "username"),
    ({"references": [Reference("court", "1")]}, "reference kind"),
    ({"references": [Reference("police", " ")]}, "reference"),
])
def test_every_bad_field_is_a_usage_error_naming_it(vault: Vault, fields: dict[str, object],
                                                    named: str) -> None:
    log = Incidents(vault)
    with pytest.raises(UsageError, match=named):
        new_incident(log, **fields)
    assert log.list() == []


def test_parse_reference() -> None:
    assert inc.parse_reference("Police: CR/12345/26") == Reference("police", "CR/12345/26")
    assert inc.parse_reference("platform:a:b").value == "a:b"  # split at the first colon
    for bad in ("CR12345", "court:1", "police:"):
        with pytest.raises(UsageError, match="reference"):
            inc.parse_reference(bad)


def test_choices_labels_and_dates() -> None:
    assert [c.value for c in inc.CATEGORIES] == [
        "doxing", "swatting", "threat", "impersonation", "harassment"]
    assert inc.CATEGORY_LABELS["swatting"].startswith("Swatting")
    assert set(inc.STATUS_LABELS) == {"open", "reported", "closed"}
    assert set(inc.REFERENCE_LABELS) == {"police", "platform", "helpline", "other"}
    assert inc.parse_when("2026-01-05 10:30+01:00") == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with pytest.raises(UsageError, match="--when"):
        inc.parse_when("yesterday", "--when")
    with pytest.raises(UsageError, match="future"):
        inc.parse_when("2999-01-01")


def test_unknown_fields_and_newer_values_survive_an_update(vault: Vault,
                                                           vault_path: Path) -> None:
    """A record a newer kit wrote: its extra fields are kept and its unknown category still
    shows (the raw value standing in for the label) and is not refused on save."""
    now = datetime.now(UTC).isoformat()
    record = vault.put("incident", {
        "when": WHEN.isoformat(), "category": "stalking", "platform": "X", "description": "",
        "urls": [], "usernames": [], "references": [], "status": "open", "created": now,
        "updated": now, "severity": {"level": 3}})
    log = Incidents(vault)
    found = log.get(record.id)
    assert found.category_label == "stalking" and found.extra == {"severity": {"level": 3}}
    log.update(dataclasses.replace(found, status="closed"))
    assert vault.get(record.id).data["severity"] == {"level": 3}
    assert vault.get(record.id).data["status"] == "closed"
    with pytest.raises(UsageError, match="category"):  # a changed value is checked
        log.update(dataclasses.replace(log.get(record.id), category="trolling"))


def test_unreadable_records_are_problems_not_crashes(vault: Vault) -> None:
    broken = vault.put("incident", {"when": "not a date"})
    orphan = vault.put("evidence", {
        "incident_id": "ab" * 16, "kind": "note", "captured_at": WHEN.isoformat(),
        "added": WHEN.isoformat(), "note": "left behind"})
    log = Incidents(vault)
    good = new_incident(log)
    assert [i.id for i in log.list()] == [good.id]
    codes = {(p.code, p.record_id) for p in log.problems}
    assert ("unreadable_incident", broken.id) in codes
    assert ("orphan_evidence", orphan.id) in codes
    assert vault.get(broken.id).data == {"when": "not a date"}  # left as it was


# --- evidence ---


def test_add_file_stores_exact_bytes_in_one_transaction(vault: Vault, tmp_path: Path) -> None:
    log = Incidents(vault)
    incident = new_incident(log)
    data = os.urandom(200_000) + b"\x00\xff end"  # more than three 64 KiB chunks
    original = tmp_path / "screenshot 1.PNG"
    original.write_bytes(data)
    os.utime(original, ns=(1_700_000_000_123_456_789, 1_700_000_000_123_456_789))
    before = original.stat()
    commit = vault.header.state.counter
    item = log.add_file(incident.id[:8], original, captured_by="Sam", method="screenshot",
                        note="first post")
    assert vault.header.state.counter == commit + 1  # blob and record: one transaction
    assert (item.kind, item.file_name, item.title, item.size) == (
        "file", "screenshot 1.PNG", "screenshot 1.PNG", len(data))
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.captured_at == datetime.fromtimestamp(before.st_mtime, UTC)
    assert item.captured_at_basis == "file-modified"
    assert [h.action for h in item.handling] == ["added"] and item.handling[0].by == "Sam"
    assert item.sha256 in item.handling[0].detail
    assert log.file_bytes(item) == data
    after = original.stat()
    assert original.read_bytes() == data
    assert (after.st_mtime_ns, after.st_size, after.st_ino) == (
        before.st_mtime_ns, before.st_size, before.st_ino)
    given = log.add_file(incident.id, original, captured_at=WHEN)
    assert (given.captured_at, given.captured_at_basis) == (WHEN, "given")
    assert [e.id for e in Incidents(vault).evidence(incident.id)] == [item.id, given.id]
    # A name may hold a control character a title may not: the file is kept, its title shows "?".
    odd = original.rename(tmp_path / "shot\x1b[2J.png")
    named = log.add_file(incident.id, odd, captured_at=WHEN)
    assert (named.file_name, named.title) == ("shot\x1b[2J.png", "shot?[2J.png")


def test_typed_text_follows_the_one_rule_and_line_breaks_from_any_computer_are_kept(
        vault: Vault) -> None:
    from kit.records import fields

    assert inc.check_text is fields.check_text  # one rule, not a copy that drifts
    described = new_incident(Incidents(vault), description="First line.\r\nSecond.\rThird.")
    assert described.description == "First line.\nSecond.\nThird."


def test_file_errors_name_the_path_and_add_nothing(vault: Vault, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    log = Incidents(vault)
    incident = new_incident(log)
    commit = vault.header.state.counter
    missing = tmp_path / "gone.png"
    with pytest.raises(UsageError, match=f"{missing}: no such file"):
        log.add_file(incident.id, missing)
    with pytest.raises(UsageError, match=f"{tmp_path} is a folder"):
        log.add_file(incident.id, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        log.add_file(incident.id, fifo)  # refused, not waited on
    with pytest.raises(UsageError, match="not a regular file"):
        inc.check_file(fifo)
    big = tmp_path / "big.mp4"
    big.write_bytes(b"x" * 1001)
    monkeypatch.setattr(inc, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UsageError, match=r"big\.mp4 is too large"):
        log.add_file(incident.id, big)
    with pytest.raises(UsageError, match="too large"):
        inc.check_file(big)
    with pytest.raises(NotFound):
        log.add_file("ffffffff", big)
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.png"
        locked.write_bytes(b"x")
        locked.chmod(0)
        with pytest.raises(BadInput, match="could not read"):
            log.add_file(incident.id, locked)
    assert vault.header.state.counter == commit
    assert log.evidence(incident.id) == []


def test_urls_and_notes(vault: Vault) -> None:
    log = Incidents(vault)
    incident = new_incident(log)
    url = log.add_url(incident.id, "https://x.example/p/1", captured_by="Sam",
                      note="the first post")
    assert (url.kind, url.url, url.title, url.captured_at_basis) == (
        "url", "https://x.example/p/1", "https://x.example/p/1", "added")
    note = log.add_note(incident.id, "They rang the office.\nTwice.", captured_at=WHEN)
    assert (note.title, note.note, note.captured_at) == (
        "They rang the office.", "They rang the office.\nTwice.", WHEN)
    for bad in ("javascript:alert(1)", "x.example/p", "file:///etc/passwd"):
        with pytest.raises(UsageError, match="url"):
            log.add_url(incident.id, bad)
    with pytest.raises(UsageError, match="note"):
        log.add_note(incident.id, "  ")
    with pytest.raises(UsageError, match="captured by"):
        log.add_note(incident.id, "x", captured_by="a\nb")
    with pytest.raises(NotFound):
        log.file_bytes(url)
    assert [e.kind for e in log.evidence(incident.id)] == ["url", "note"]
    assert log.evidence_counts() == {incident.id: 2}


def test_handling_events_are_appended_and_kept(vault: Vault, vault_path: Path,
                                               tmp_path: Path) -> None:
    log = Incidents(vault)
    incident = new_incident(log)
    (tmp_path / "a.txt").write_bytes(b"a")
    item = log.add_file(incident.id, tmp_path / "a.txt")
    event = HandlingEvent(WHEN + timedelta(days=1), "exported", "Sam", "pack for police")
    [updated] = log.record_handling([item], event)
    assert updated.handling == (*item.handling, event)
    with reopen(vault, vault_path) as again:
        assert Incidents(again).evidence_item(item.id[:6]).handling == updated.handling
        assert Incidents(again).file_bytes(updated) == b"a"


# --- your details ---


def test_details_round_trip_and_keep_unknown_fields(vault: Vault) -> None:
    mine = MyDetails(vault)
    assert mine.get() == Details()
    saved = mine.save(Details(" Sam Example ", "sam@example.org\n"))
    assert (saved.name, saved.reply_to) == ("Sam Example", "sam@example.org")
    vault.put("my_details", {**MyDetails(vault).get().stored(), "phone": "0"},
              record_id=saved.id)
    again = MyDetails(vault)
    resaved = again.save(dataclasses.replace(again.get(), name="Sam E."))
    assert resaved.id == saved.id and vault.get(saved.id).data["phone"] == "0"
    with pytest.raises(UsageError, match="name"):
        again.save(Details("a\nb", "x"))


# --- signatures ---


def test_sign_and_verify(vault: Vault) -> None:
    records = vault.snapshot().records
    key = public_identity(records).signing_key
    context = b"frontline-kit/test/v1\n"
    signature = sign(records, context, b"data")
    assert len(signature) == 64
    assert verify_signature(key, context, b"data", signature)
    assert not verify_signature(key, context, b"datA", signature)
    assert not verify_signature(key, b"frontline-kit/other/v1\n", b"data", signature)
    assert not verify_signature(key[:31], context, b"data", signature)
    assert not verify_signature(key, context, b"data", bytes([signature[0] ^ 1]) + signature[1:])
    for bad in (b"no newline", b"two\nlines\n", b"\n"):
        with pytest.raises(ValueError):
            sign(records, bad, b"data")
