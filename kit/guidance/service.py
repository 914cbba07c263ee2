"""Prepare, as the command line and the terminal app both use it.

One object over an unlocked workspace: your progress through the checklists (what is done,
handed on, not applicable, or due for a re-check), the next steps, and the safety plan. The
Prepare panes, the "happening now" screen and the checklist and safety-plan commands go through
here, never a repository of their own. Its plaintext copy (Markdown or PDF) is rendered by
kit.reports.safety_plan_export.export, which reads the plan through this service: the reports
sit above the features, so the copy cannot be made down here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from kit.errors import UsageError
from kit.records.service_base import AreaService

if TYPE_CHECKING:
    from kit.guidance.checklists import Item, Library
    from kit.guidance.planner import NextSteps
    from kit.records.progress import ItemProgress, ProgressLog
    from kit.records.safety_plan import SafetyPlan, SafetyPlanDocument
    from kit.vault import Vault


class Stores(Protocol):
    """The part of an unlocked workspace the service uses (kit.workspace.Workspace is one).
    The workspace sits above the feature packages, so the service names what it needs."""

    @property
    def progress(self) -> ProgressLog: ...
    @property
    def safety_plan(self) -> SafetyPlan: ...
    @property
    def vault(self) -> Vault: ...  # to export the plan (a plaintext file needs the passphrase)


def check_hand_on(item: Item, status: str) -> None:
    """Refuse to hand on (delegate) a step only you can take ("don't reply to them", say)."""
    if status == "delegated" and item.only_you:
        raise UsageError(f"“{item.title}” is a step only you can take, so it cannot be handed "
                         "on; nothing was saved")


class Prepare(AreaService[Stores]):
    # --- checklist progress ---

    def progress(self) -> dict[str, ItemProgress]:
        """Each step's progress by its id (a step never marked is not in it)."""
        found: dict[str, ItemProgress] = self._repo("progress").all()
        return found

    def step(self, item_id: str) -> ItemProgress:
        """One step's progress; a fresh "to do" when it was never marked."""
        found: ItemProgress = self._repo("progress").get(item_id)
        return found

    def next_steps(self, library: Library, today: date, *, region: str,
                   minutes: int | None = None, incident: bool = False) -> NextSteps:
        """The open steps for *region* (never done, or due for a re-check), best first."""
        from kit.guidance.planner import next_steps

        return next_steps(library, self.progress(), today, region=region, minutes=minutes,
                          incident=incident)

    def mark(self, item: Item, status: str, *, today: date, note: str | None = None,
             delegated_to: str | None = None) -> ItemProgress:
        """Say where a step stands: done (looked at again after the step's own re-check
        interval), handed on to someone by name, not applicable, or to do again. A step only
        you can take is never handed on. A *note* of None keeps the note; "" clears it."""
        check_hand_on(item, status)
        marked: ItemProgress = self._repo("progress").mark(
            item.id, status, today=today, note=note, delegated_to=delegated_to,
            recheck_days=item.recheck_days)
        return marked

    # --- the safety plan ---

    @property
    def safety_plan_store(self) -> Any:
        """The safety plan, for the plan form and `kit safety-plan` (get, save, versions)."""
        return self._repo("safety_plan")

    def safety_plan(self) -> SafetyPlanDocument:
        plan: SafetyPlanDocument = self._repo("safety_plan").get()
        return plan

    def safety_plan_review_due(self, today: date) -> bool:
        return bool(self._repo("safety_plan").review_due(today))

    @property
    def vault(self) -> Vault:
        """The vault the plan is read from: a plaintext copy is refused where the keyring
        opened it (kit.reports.plaintext.require_passphrase)."""
        return self.workspace.vault
