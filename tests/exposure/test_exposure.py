"""The exposure log repository, through its public API on a real vault."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kit.errors import NotFound, UsageError
from kit.records import exposure as ex
from kit.records.exposure import KEEP, Exposure
from kit.records.fields import label, parse_when
from kit.vault import Credentials, Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE

BASE = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def reopen(vault: Vault, vault_path: Path) -> Vault:
    vault.close()
    return Vault.open(vault_path, Credentials(passphrase=PASSPHRASE))


def test_round_trip_keeps_every_field(vault: Vault, vault_path: Path) -> None:
    saved = Exposure(vault).add(
        material=["video", "image", "video"], impact=7, when=BASE, minutes=45, volume="some",
        flags=["unexpected", "violent"], steps=["stopped-by-cut-off", "breaks"],
        outcome_known=False, note="  heavy afternoon \n")
    with reopen(vault, vault_path) as again:
        [entry] = Exposure(again).entries()
    assert entry == saved
    assert entry.id and entry.short_id == entry.id[:8]
    # Repeats dropped; choices kept in the list's own order, however they were given.
    assert entry.material == ("image", "video")
    assert entry.flags == ("violent", "unexpected")
    assert entry.steps == ("breaks", "stopped-by-cut-off")
    assert (entry.when, entry.minutes, entry.volume, entry.outcome_known, entry.impact) == (
        BASE, 45, "some", False, 7)
    assert entry.note == "heavy afternoon"
    assert entry.recorded == entry.updated and entry.recorded.tzinfo is not None
    assert entry.to_json()["material"] == ["image", "video"]


def test_optional_fields_default_to_not_recorded(vault: Vault) -> None:
    before = datetime.now(UTC)
    entry = Exposure(vault).add(material=["live-disclosure"], impact=0, note="   ")
    assert before <= entry.when <= datetime.now(UTC)
    assert (entry.minutes, entry.volume, entry.flags, entry.steps, entry.outcome_known,
            entry.note) == (None, None, (), (), None, None)


@pytest.mark.parametrize(("change", "named"), [
    ({"material": []}, "material type"),
    ({"material": ["photo"]}, "material type"),
    ({"material": "photo"}, "material type"),
    ({"volume": "lots"}, "volume"),
    ({"flags": ["scary"]}, "flag"),
    ({"steps": ["coffee"]}, "protective step"),
    ({"minutes": -1}, "minutes"),
    ({"minutes": ex.MAX_MINUTES + 1}, "minutes"),
    ({"minutes": 2.5}, "minutes"),
    ({"impact": -1}, "impact"),
    ({"impact": 11}, "impact"),
    ({"impact": True}, "impact"),
    ({"impact": "7"}, "impact"),
    ({"outcome_known": "yes"}, "outcome"),
    ({"when": datetime(2026, 1, 5, 9, 30)}, "time zone"),
    ({"when": datetime.now(UTC) + timedelta(days=2)}, "future"),
])
def test_each_field_is_validated_and_nothing_saved(vault: Vault, change: dict[str, Any],
                                                   named: str) -> None:
    log = Exposure(vault)
    fields: dict[str, Any] = {"material": ["image"], "impact": 5, **change}
    with pytest.raises(UsageError) as caught:
        log.add(**fields)
    assert named in caught.value.message
    assert log.entries() == []


def test_boundaries_are_accepted(vault: Vault) -> None:
    log = Exposure(vault)
    low = log.add(material=["text"], impact=0, minutes=0)
    high = log.add(material=[m.value for m in ex.MATERIAL_TYPES], impact=10,
                   minutes=ex.MAX_MINUTES, when=datetime.now(UTC) + timedelta(hours=12),
                   flags=[f.value for f in ex.FLAGS], steps=[s.value for s in ex.PROTECTIVE_STEPS])
    assert (low.impact, low.minutes, high.impact, high.minutes) == (0, 0, 10, ex.MAX_MINUTES)
    assert high.material == tuple(m.value for m in ex.MATERIAL_TYPES)
    for band in ex.VOLUME_BANDS:
        assert log.add(material=["image"], impact=1, volume=band.value).volume == band.value


def test_messages_name_the_allowed_values() -> None:
    with pytest.raises(UsageError) as caught:
        ex.check_volume("lots")
    assert "single, few, some, many, very-many" in caught.value.message
    with pytest.raises(UsageError) as caught:
        ex.check_material(["photo"])
    assert "image, video, audio, text, live-disclosure" in caught.value.message


def test_newest_first_and_since(vault: Vault) -> None:
    log = Exposure(vault)
    days = [log.add(material=["image"], impact=n, when=BASE + timedelta(days=n))
            for n in (2, 0, 3, 1)]
    by_day = {e.impact: e for e in days}
    assert [e.impact for e in log.entries()] == [3, 2, 1, 0]
    assert [e.impact for e in log.since(BASE + timedelta(days=1))] == [3, 2, 1]
    other_zone = (BASE + timedelta(days=3)).astimezone(timezone(timedelta(hours=-5)))
    assert log.since(other_zone) == [by_day[3]]
    with pytest.raises(UsageError):
        log.since(datetime(2026, 1, 1))


def test_edit_changes_only_what_is_given(vault: Vault, vault_path: Path) -> None:
    log = Exposure(vault)
    entry = log.add(material=["image"], impact=6, when=BASE, minutes=30, volume="few",
                    flags=["violent"], outcome_known=True, note="first")
    edited = log.edit(entry.short_id, impact=3, minutes=None, flags=[], volume=KEEP,
                      note="second", outcome_known=None)
    assert (edited.impact, edited.minutes, edited.flags, edited.note, edited.outcome_known) == (
        3, None, (), "second", None)
    assert (edited.material, edited.volume, edited.when, edited.recorded) == (
        entry.material, entry.volume, entry.when, entry.recorded)
    assert edited.updated > entry.updated
    with pytest.raises(UsageError):
        log.edit(entry.id, impact=12)
    with reopen(vault, vault_path) as again:
        assert Exposure(again).get(entry.id) == edited


def test_get_by_prefix_and_delete(vault: Vault) -> None:
    log = Exposure(vault)
    keep = log.add(material=["audio"], impact=2)
    gone = log.add(material=["video"], impact=4)
    assert log.get(gone.id[:4].upper()) == gone
    with pytest.raises(UsageError):
        log.get(gone.id[:3])
    assert log.delete(gone.short_id) == gone
    assert log.entries() == [keep]
    with pytest.raises(NotFound):
        log.get(gone.id)
    with pytest.raises(NotFound):
        log.delete(gone.id)


def test_a_damaged_record_leaves_the_rest_readable(vault: Vault, vault_path: Path) -> None:
    log = Exposure(vault)
    entries = [log.add(material=["image"], impact=n, when=BASE + timedelta(days=n))
               for n in range(3)]
    odd_shape = vault.put(ex.KIND, {"when": "yesterday", "impact": 3})
    newer_kit = vault.put(ex.KIND, {**entries[0]._data(), "material": ["hologram"]})
    vault.close()
    db = sqlite3.connect(vault_path / "vault.sqlite")
    rid = bytes.fromhex(entries[1].id)
    (ct,) = db.execute("SELECT ct FROM records WHERE id = ?", (rid,)).fetchone()
    flipped = bytes([ct[0] ^ 1]) + bytes(ct[1:])
    db.execute("UPDATE records SET ct = ? WHERE id = ?", (flipped, rid))
    db.commit()
    db.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        log = Exposure(again)
        readable = log.entries()
        named = {p.record_id for p in log.problems}
    assert {e.id for e in readable} == {entries[0].id, entries[2].id, newer_kit.id}
    assert named == {entries[1].id, odd_shape.id}
    # A category this kit does not know (written by a newer one) is shown, not hidden.
    assert label(ex.MATERIAL_TYPES, "hologram") == "hologram"


def test_labels_and_bands() -> None:
    assert label(ex.VOLUME_BANDS, "many") == "Many (101 to 1,000)"
    assert label(ex.PROTECTIVE_STEPS, "audio-off") == "I kept the sound off or separate"
    assert [ex.band_for(n) for n in (1, 2, 10, 11, 100, 101, 1000, 1001, 10**6)] == [
        "single", "few", "few", "some", "some", "many", "many", "very-many", "very-many"]
    with pytest.raises(UsageError):
        ex.band_for(0)
    for choices in (ex.MATERIAL_TYPES, ex.VOLUME_BANDS, ex.FLAGS, ex.PROTECTIVE_STEPS):
        values = [c.value for c in choices]
        assert len(set(values)) == len(values) and all(c.label for c in choices)


def test_parse_when() -> None:
    assert parse_when("2026-01-05T10:30+01:00") == BASE
    assert parse_when("2026-01-05 09:30Z") == BASE
    local_midnight = datetime(2026, 1, 5).astimezone()
    assert parse_when("2026-01-05") == local_midnight
    with pytest.raises(UsageError) as caught:
        parse_when("5th January", "--when")
    assert "--when" in caught.value.message


def test_workspace_shares_one_snapshot(vault: Vault) -> None:
    Exposure(vault).add(material=["image"], impact=4)
    workspace = Workspace(vault)
    assert len(workspace.exposure.entries()) == 1
    added = workspace.exposure.add(material=["text"], impact=1)
    assert workspace.exposure.entries()[0] == added
    workspace.refresh()
    assert len(workspace.exposure.entries()) == 2
