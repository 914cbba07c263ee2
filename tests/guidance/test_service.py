"""kit.guidance.service.Prepare through its public methods (and the safety plan's export,
which reads through it): progress, the next steps, marking a step, and the safety plan."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest

from kit.errors import FileAlreadyExists, PassphraseNeeded, UsageError
from kit.guidance.checklists import Library, read_path
from kit.guidance.service import Prepare, check_hand_on
from kit.reports.safety_plan_export import export
from kit.workspace import Workspace
from tests.guidance.conftest import only_you_checklist

TODAY = date(2026, 12, 7)


def test_steps_are_marked_read_and_planned(workspace: Workspace,
                                           fixture_library: Library) -> None:
    prepare = Prepare(workspace)
    item = next(iter(fixture_library.items.values()))
    assert prepare.progress() == {} and prepare.step(item.id).status == "todo"
    first = prepare.next_steps(fixture_library, TODAY, region="uk").first
    assert first is not None
    marked = prepare.mark(item, "done", today=TODAY, note="did it")
    assert marked.done_on == TODAY
    # A done step comes back after its own re-check interval, as the checklist says.
    assert marked.next_check == (TODAY + timedelta(days=item.recheck_days)
                                 if item.recheck_days else None)
    again = Prepare(workspace)
    assert again.step(item.id).note == "did it" and item.id in again.progress()
    assert again.next_steps(fixture_library, TODAY, region="uk").done == 1
    assert again.problems == []


def test_a_step_only_you_can_take_is_never_handed_on(workspace: Workspace,
                                                     tmp_path: Path) -> None:
    sections, problems = read_path(only_you_checklist(tmp_path))
    assert problems == []
    item = Library(sections).get("team-one")
    with pytest.raises(UsageError, match="only you can take"):
        Prepare(workspace).mark(item, "delegated", today=TODAY, delegated_to="Sam")
    with pytest.raises(UsageError):
        check_hand_on(item, "delegated")
    check_hand_on(item, "done")
    assert Prepare(workspace).progress() == {}


def test_the_safety_plan_is_read_saved_and_exported(workspace: Workspace,
                                                    tmp_path: Path) -> None:
    prepare = Prepare(workspace)
    assert prepare.safety_plan().is_empty and not prepare.safety_plan_review_due(TODAY)
    store = prepare.safety_plan_store
    store.save(dataclasses.replace(store.get(), household_plan="Stay in the back room",
                                   review_date=TODAY - timedelta(days=1)))
    prepare = Prepare(workspace)
    assert prepare.safety_plan().household_plan == "Stay in the back room"
    assert prepare.safety_plan_review_due(TODAY)
    out = tmp_path / "plan.md"
    done = export(prepare, "md", out, today=TODAY, region="uk")
    assert done.path == out and not done.empty
    assert "Stay in the back room" in out.read_text(encoding="utf-8")
    with pytest.raises(FileAlreadyExists):
        export(prepare, "md", out, today=TODAY, region="uk")
    pdf = export(prepare, "pdf", tmp_path / "plan.pdf", today=TODAY, region="uk")
    assert pdf.path.read_bytes().startswith(b"%PDF") and pdf.font


def test_no_plaintext_copy_from_a_vault_the_keyring_opened(workspace: Workspace,
                                                           tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setattr(workspace.vault, "unlocked_by", "device")
    with pytest.raises(PassphraseNeeded):
        export(Prepare(workspace), "md", tmp_path / "plan.md", today=TODAY, region="uk")
    assert not (tmp_path / "plan.md").exists()
