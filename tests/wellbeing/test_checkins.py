"""Imported instruments and check-ins in a real vault: import, replace, score, rhythm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kit.errors import NotFound, UsageError
from kit.vault import Credentials, Vault
from kit.wellbeing.checkins import CheckIns
from kit.wellbeing.instruments import InstrumentError, parse
from kit.wellbeing.library import InstrumentExists, Instruments
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.wellbeing.conftest import BASE, FIXTURES

PULSE_OK = {"energy": 7, "sleep": 6, "intrusions": 3, "connected": 8, "switch-off": 6,
            "coping": 7}
DAY = datetime(2026, 11, 2, 12, tzinfo=UTC)  # a Monday, at noon UTC


def kinds(vault: Vault) -> list[str]:
    return sorted(r.kind for r in vault.snapshot().records.values())


def test_import_list_get_and_reopen(vault: Vault, vault_path: Path) -> None:
    library = Instruments(vault)
    imported = library.add(FIXTURES / "who5_structure.toml")
    assert imported.outcome == "added"
    assert [i.id for i in library.list()] == ["pulse", "who5-structure"]
    vault.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        reread = Instruments(again)
        who5 = reread.get("who5-structure")
        assert who5.digest == imported.instrument.digest and not who5.builtin
        assert who5.text == (FIXTURES / "who5_structure.toml").read_text()
        assert reread.problems == []
        with pytest.raises(NotFound, match="no instrument 'nope'"):
            reread.get("nope")


def test_malformed_file_imports_nothing(vault: Vault, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE.replace('"I have felt rested."', '""'))
    library = Instruments(vault)
    with pytest.raises(InstrumentError, match=r"bad\.toml: item 'rested': field 'text'"):
        library.add(bad)
    assert [i.id for i in Instruments(vault).list()] == ["pulse"]
    assert "instrument" not in kinds(vault)


def test_reimport_same_is_unchanged_and_different_needs_replace(vault: Vault) -> None:
    library = Instruments(vault)
    first = library.add(parse(BASE, "tiny.toml"))
    assert library.add(parse(BASE, "tiny.toml")).outcome == "unchanged"
    changed = parse(BASE.replace("A tiny check-in", "A tiny check-in, revised"), "tiny.toml")
    with pytest.raises(InstrumentExists, match="add --replace"):
        library.add(changed)
    checkins = CheckIns(vault, instruments=library)
    old_checkin = checkins.add("tiny", {"rested": 2, "on-edge": 3})
    assert library.add(changed, replace=True).outcome == "replaced"
    fresh = Instruments(vault)
    assert fresh.get("tiny").name == "A tiny check-in, revised"
    assert [i.id for i in fresh.list()] == ["pulse", "tiny"]  # one current version only
    # The check-in still points at the exact version it answered.
    answered = fresh.version("tiny", old_checkin.digest)
    assert answered is not None and answered.name == "A tiny check-in"
    assert answered.digest == first.instrument.digest
    assert CheckIns(vault).get(old_checkin.id).scores == old_checkin.scores


def test_builtin_id_cannot_be_imported(vault: Vault) -> None:
    clash = parse(BASE.replace('id = "tiny"', 'id = "pulse"'), "pulse.toml")
    with pytest.raises(UsageError, match="built into the kit"):
        Instruments(vault).add(clash)


def test_checkins_score_save_list_and_delete(vault: Vault, vault_path: Path) -> None:
    checkins = CheckIns(vault)
    first = checkins.add("pulse", PULSE_OK, when=DAY, note="a calm week")
    second = checkins.add("pulse", {**PULSE_OK, "sleep": 1, "energy": 1},
                          when=DAY + timedelta(days=7))
    assert first.scores[0].score == 6.83 and first.scores[0].band == "steady"  # 41/6
    assert first.note == "a calm week"
    # 1 + 1 + (10 - 3) + 8 + 6 + 7 = 30, over 6 answers: 5
    assert second.scores[0].score == 5 and second.scores[0].band == "stretched"
    vault.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        reread = CheckIns(again)
        assert [c.id for c in reread.entries()] == [second.id, first.id]
        assert reread.get(first.id[:6]) == first
        assert reread.for_instrument("pulse") == reread.entries()
        assert reread.for_instrument("other") == []
        assert reread.before(second) == [first]
        assert reread.delete(second.short_id) == second
        assert [c.id for c in CheckIns(again).entries()] == [first.id]


def test_missing_or_bad_answers_save_nothing(vault: Vault) -> None:
    checkins = CheckIns(vault)
    missing = {k: v for k, v in PULSE_OK.items() if k != "coping"}
    with pytest.raises(UsageError, match="no answer for item 'coping'"):
        checkins.add("pulse", missing)
    with pytest.raises(UsageError, match="item 'sleep': the answer must be a whole number"):
        checkins.add("pulse", {**PULSE_OK, "sleep": 11})
    assert "checkin" not in kinds(vault)


def test_due_uses_the_recommendation_then_the_users_rhythm(vault: Vault) -> None:
    checkins = CheckIns(vault)
    today = date(2026, 11, 20)
    (due,) = checkins.due(today)
    assert (due.every_days, due.last_done, due.next_due, due.overdue) == (7, None, today, False)
    assert due.is_due(today)

    checkins.add("pulse", PULSE_OK, when=DAY)  # 2 November
    last_day = DAY.astimezone().date()
    (due,) = checkins.due(today)
    assert due.last_done == DAY and due.next_due == last_day + timedelta(days=7)
    assert due.overdue and due.is_due(today)

    checkins.set_every_days("pulse", 30)
    (due,) = CheckIns(vault).due(today)  # read back from the vault
    assert due.every_days == 30 and due.next_due == last_day + timedelta(days=30)
    assert not due.overdue and not due.is_due(today)
    assert due.to_json()["next_due"] == (last_day + timedelta(days=30)).isoformat()

    checkins.set_every_days("pulse", 0)
    (due,) = CheckIns(vault).due(today)
    assert (due.every_days, due.next_due, due.overdue) == (0, None, False)
    assert kinds(vault).count("checkin_schedule") == 1  # updated in place, not piled up

    with pytest.raises(UsageError, match="from 1 to 365, or 0"):
        checkins.set_every_days("pulse", 400)
    with pytest.raises(NotFound):
        checkins.set_every_days("nope", 7)


def test_due_lists_imported_instruments_soonest_first(vault: Vault) -> None:
    ws = Workspace(vault)
    ws.instruments.add(FIXTURES / "who5_structure.toml")
    ws.checkins.add("pulse", PULSE_OK, when=DAY)
    today = DAY.astimezone().date() + timedelta(days=3)
    due = ws.checkins.due(today)
    assert [(d.instrument.id, d.next_due) for d in due] == [
        ("who5-structure", today), ("pulse", today + timedelta(days=4))]


def test_workspace_shares_one_snapshot_and_refreshes(vault: Vault) -> None:
    ws = Workspace(vault)
    ws.checkins.add("pulse", PULSE_OK)
    assert len(ws.checkins.entries()) == 1
    CheckIns(vault).add("pulse", PULSE_OK)  # written by "the command line" meanwhile
    assert len(ws.checkins.entries()) == 1
    ws.refresh()
    assert len(ws.checkins.entries()) == 2
    assert ws.checkins.instruments is ws.instruments


def test_an_unreadable_instrument_record_is_reported_not_fatal(vault: Vault) -> None:
    vault.put("instrument", {"id": "future", "toml": BASE.replace("version = 1", "version = 9"),
                             "digest": "0", "imported": DAY.isoformat(), "current": True})
    library = Instruments(vault)
    assert [i.id for i in library.list()] == ["pulse"]
    assert [p.code for p in library.problems] == ["unreadable_instrument"]
    assert "newer Frontline Kit" in library.problems[0].message  # the reason, where known
