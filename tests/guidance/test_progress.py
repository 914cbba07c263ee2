"""Checklist progress in a real vault: marking, re-check dates, notes, two devices, records
this kit cannot read, and what the home screen is asked to show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kit.attention import needs_attention
from kit.config import Config
from kit.errors import UsageError
from kit.records.progress import KIND, STATUS_LABELS, STATUSES, ItemProgress, ProgressLog
from kit.vault import Credentials, Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE

TODAY = date(2026, 3, 1)


def reopen(path: Path) -> Vault:
    return Vault.open(path, Credentials(passphrase=PASSPHRASE))


def test_a_new_vault_has_everything_to_do(vault: Vault) -> None:
    log = ProgressLog(vault)
    assert log.all() == {} and log.problems == []
    assert log.get("prep-2fa") == ItemProgress("prep-2fa")
    assert not log.get("prep-2fa").recheck_due(TODAY) and log.get("prep-2fa").is_open(TODAY)
    assert STATUSES == ("todo", "done", "na", "delegated")
    assert [STATUS_LABELS[s] for s in STATUSES] == ["To do", "Done", "Not applicable",
                                                    "Delegated"]


def test_done_with_a_recheck_then_due_then_reopened(vault: Vault, vault_path: Path) -> None:
    log = ProgressLog(vault)
    saved = log.mark("prep-2fa", "done", today=TODAY, note="  Phone and email.\n",
                     recheck_days=90)
    assert (saved.status, saved.done_on, saved.next_check, saved.note) == (
        "done", TODAY, date(2026, 5, 30), "Phone and email.")
    assert saved.id and saved.updated is not None and saved.updated.tzinfo is not None
    assert not saved.is_open(TODAY) and not saved.recheck_due(date(2026, 5, 29))
    assert saved.recheck_due(date(2026, 5, 30)) and saved.is_open(date(2026, 6, 1))
    vault.close()
    with reopen(vault_path) as again:
        log = ProgressLog(again)
        assert log.get("prep-2fa") == saved and log.all() == {"prep-2fa": saved}
        later = log.mark("prep-2fa", "done", today=date(2026, 6, 1), recheck_days=90)
        assert later.id == saved.id  # updated in place: one record per item
        assert (later.done_on, later.next_check, later.note) == (
            date(2026, 6, 1), date(2026, 8, 30), "Phone and email.")  # a note of None keeps it
        back = log.mark("prep-2fa", "todo", today=date(2026, 6, 2), note="")
        assert (back.status, back.done_on, back.next_check, back.note) == (
            "todo", None, None, "")
        kinds = [r.kind for r in again.snapshot().records.values()]
        assert kinds.count(KIND) == 1


def test_done_without_a_recheck_interval_is_never_due(vault: Vault) -> None:
    saved = ProgressLog(vault).mark("now-safe", "done", today=TODAY)
    assert saved.next_check is None and not saved.recheck_due(TODAY + timedelta(days=3650))


def test_not_applicable_and_delegated(vault: Vault) -> None:
    log = ProgressLog(vault)
    na = log.mark("prep-brokers", "na", today=TODAY, note="I am in the UK")
    assert (na.status, na.done_on, na.next_check) == ("na", None, None)
    assert not na.is_open(TODAY) and na.label == "Not applicable"
    handed = log.mark("now-tell", "delegated", today=TODAY, delegated_to="  Sam  ")
    assert (handed.status, handed.delegated_to) == ("delegated", "Sam")
    assert not handed.is_open(TODAY)
    done = log.mark("now-tell", "done", today=TODAY)
    assert done.delegated_to == ""  # the name belongs to the delegation


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"status": "delegated"}, "needs the person's name"),
    ({"status": "delegated", "delegated_to": "   "}, "needs the person's name"),
    ({"status": "delegated", "delegated_to": "Sam\nRoe"}, "on one line"),
    ({"status": "done", "delegated_to": "Sam"}, "only when delegating"),
    ({"status": "finished"}, "not one of todo, done, na, delegated"),
    ({"status": "done", "recheck_days": 0}, "1 to 730 days"),
    ({"status": "done", "recheck_days": True}, "1 to 730 days"),
    ({"status": "done", "note": "x" * 10_001}, "at most 10000"),
])
def test_mistakes_are_refused_and_nothing_is_saved(vault: Vault, kwargs: dict[str, object],
                                                   words: str) -> None:
    log = ProgressLog(vault)
    with pytest.raises(UsageError, match=words):
        log.mark("now-tell", today=TODAY, **kwargs)  # type: ignore[arg-type]
    assert log.all() == {} and ProgressLog(vault).all() == {}


def test_today_must_be_a_date_and_the_id_text(vault: Vault) -> None:
    log = ProgressLog(vault)
    with pytest.raises(UsageError, match="today must be a date"):
        log.mark("now-tell", "done", today=datetime.now(UTC))
    for bad in ("", "   ", "x" * 65):
        with pytest.raises(UsageError, match="is not a checklist item id"):
            log.mark(bad, "done", today=TODAY)


def stored(item: str, status: str, updated: datetime, **more: object) -> dict[str, object]:
    """A progress record as another device (or a newer kit) would have written it."""
    return {"item": item, "status": status, "note": "", "delegated_to": "", "done_on": None,
            "next_check": None, "updated": updated.isoformat(), **more}


def test_two_devices_newest_wins_and_nothing_is_deleted(vault: Vault) -> None:
    older = vault.put(KIND, stored("prep-2fa", "done", datetime(2026, 1, 1, tzinfo=UTC),
                                   done_on="2026-01-01"))
    newer = vault.put(KIND, stored("prep-2fa", "na", datetime(2026, 2, 1, tzinfo=UTC)))
    log = ProgressLog(vault)
    assert log.get("prep-2fa").status == "na" and log.get("prep-2fa").id == newer.id
    saved = log.mark("prep-2fa", "todo", today=TODAY)
    assert saved.id == newer.id
    records = vault.snapshot().records
    assert older.id in records and records[older.id].data["status"] == "done"
    assert ProgressLog(vault).get("prep-2fa").status == "todo"


def test_unknown_fields_are_kept_and_odd_records_are_reported(vault: Vault) -> None:
    kept = vault.put(KIND, stored("prep-2fa", "done", datetime(2026, 1, 1, tzinfo=UTC),
                                  future_field={"a": 1}))
    vault.put(KIND, stored("later-status", "snoozed", datetime(2026, 1, 1, tzinfo=UTC)))
    broken = vault.put(KIND, {"item": 7, "status": "done"})
    log = ProgressLog(vault)
    assert set(log.all()) == {"prep-2fa", "later-status"}
    assert [p.record_id for p in log.problems] == [broken.id]
    assert "left untouched" in log.problems[0].message
    odd = log.get("later-status")  # a newer kit's status shows, and is not open
    assert odd.label == "snoozed" and not odd.is_open(TODAY)
    log.mark("prep-2fa", "todo", today=TODAY)
    assert vault.snapshot().records[kept.id].data["future_field"] == {"a": 1}
    assert broken.id in vault.snapshot().records


def test_progress_for_an_item_no_longer_shipped_is_kept(vault: Vault) -> None:
    log = ProgressLog(vault)
    log.mark("retired-item", "done", today=TODAY, note="from an old checklist")
    log.mark("prep-2fa", "done", today=TODAY)
    assert set(ProgressLog(vault).all()) == {"retired-item", "prep-2fa"}


def test_the_workspace_shares_one_log_and_refresh_rereads(vault: Vault) -> None:
    ws = Workspace(vault)
    assert ws.progress is ws.progress
    ws.progress.mark("prep-2fa", "done", today=TODAY)
    ProgressLog(vault).mark("now-tell", "na", today=TODAY)  # another window wrote meanwhile
    assert "now-tell" not in ws.progress.all()
    ws.refresh()
    assert set(ws.progress.all()) == {"prep-2fa", "now-tell"}


# --- what the home screen is asked to show ---


def prepare_items(vault: Vault, today: date, config: Config) -> list[tuple[str, str]]:
    return [(a.title, a.detail) for a in needs_attention(Workspace(vault), today, config)
            if a.area == "prepare"]


def test_attention_counts_now_steps_and_due_rechecks(vault: Vault,
                                                     shipped_fixtures: Path) -> None:
    uk = Config()
    titles = [t for t, _d in prepare_items(vault, TODAY, uk)]
    # prep-register, prep-2fa and now-screenshot: priority now, for preparing, for the UK.
    assert titles == ["3 steps the kit marks as urgent are not done yet"]
    log = ProgressLog(vault)
    log.mark("prep-register", "done", today=TODAY, recheck_days=365)
    log.mark("prep-2fa", "done", today=TODAY, recheck_days=90)
    log.mark("now-screenshot", "delegated", today=TODAY, delegated_to="Sam")
    assert prepare_items(vault, TODAY, uk) == []
    later = TODAY + timedelta(days=90)
    assert [t for t, _d in prepare_items(vault, later, uk)] == [
        "1 checklist step is due for a re-check"]
    log.mark("prep-register", "todo", today=later)
    assert [t for t, _d in prepare_items(vault, later, uk)] == [
        "1 checklist step is due for a re-check",
        "1 step the kit marks as urgent is not done yet"]
    # The region decides: prep-register is a UK step.
    assert [t for t, _d in prepare_items(vault, later, Config(region="us"))] == [
        "1 checklist step is due for a re-check"]


def test_attention_says_calmly_when_checklists_cannot_load(vault: Vault, tmp_path: Path,
                                                          shipped_fixtures: Path) -> None:
    broken = Config(checklist_folders=(tmp_path / "missing",))
    ((title, detail),) = prepare_items(vault, TODAY, broken)
    assert title == "The checklists could not be loaded"
    assert detail == "the checklists could not be loaded (1 problem):"
