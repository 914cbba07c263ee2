"""Wellbeing, as the command line and the terminal app both use it.

One object over an unlocked workspace: the questionnaires (built in and imported), check-ins
and when each is next due, a check-in saved with whether to offer support, the trend of a
score and of exposure, and the wellbeing plan. The Wellbeing panes and the wellbeing commands
(checkin, instrument, wellbeing-plan) go through here, never a repository of their own; the
rules stay in the modules beside it (scoring, signposting, trends).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kit.records.service_base import AreaService

if TYPE_CHECKING:
    from kit.records.exposure import Exposure
    from kit.records.wellbeing_plan import Plan, WellbeingPlan
    from kit.vault import Problem
    from kit.wellbeing.checkins import CheckIn, CheckIns, Due
    from kit.wellbeing.instruments import Instrument
    from kit.wellbeing.library import Imported, Instruments
    from kit.wellbeing.signposting import SupportPrompt
    from kit.wellbeing.trends import ExposureWeek, TrendPoint


class Stores(Protocol):
    """The part of an unlocked workspace the service uses (kit.workspace.Workspace is one).
    The workspace sits above the feature packages, so the service names what it needs."""

    @property
    def instruments(self) -> Instruments: ...
    @property
    def checkins(self) -> CheckIns: ...
    @property
    def exposure(self) -> Exposure: ...  # read only: the trend of exposure beside the scores
    @property
    def plan(self) -> WellbeingPlan: ...


class PlanStore(Protocol):
    """A personal plan as the plan form and the plan commands use it: one document, saved
    whole, with its versions (two devices may each have saved one)."""

    @property
    def problems(self) -> list[Problem]: ...
    def get(self) -> Any: ...
    def save(self, plan: Any) -> Any: ...
    def versions(self) -> list[Any]: ...


@dataclass(frozen=True)
class CheckedIn:
    """A check-in just saved, and the support to offer when its scores suggest things are hard
    (or have become harder since the last ones), else None."""

    checkin: CheckIn
    support: SupportPrompt | None


@dataclass(frozen=True)
class ExposureChart:
    """Exposure by week for the last weeks, and when each session in them was."""

    weeks: list[ExposureWeek]
    sessions: list[datetime]


class Wellbeing(AreaService[Stores]):
    # --- questionnaires ---

    def instruments(self) -> list[Instrument]:
        """Every questionnaire that can be answered here, built in first."""
        found: list[Instrument] = self._repo("instruments").list()
        return found

    def instrument(self, instrument_id: str) -> Instrument:
        """One questionnaire; NotFound if it is not loaded in this vault."""
        found: Instrument = self._repo("instruments").get(instrument_id)
        return found

    def import_instrument(self, source: Path | Instrument, *, replace: bool = False
                          ) -> Imported:
        """Check a questionnaire file (or one already read) and keep it in the vault."""
        imported: Imported = self._repo("instruments").add(source, replace=replace)
        return imported

    # --- check-ins ---

    def check_in(self, instrument: Instrument, answers: Mapping[str, int],
                 note: str | None = None) -> CheckedIn:
        """Save the answers, scored, and say whether to offer support (the one rule for the
        app and the command line: kit.wellbeing.signposting)."""
        from kit.wellbeing.signposting import support_prompt

        checkins = self._repo("checkins")
        saved: CheckIn = checkins.add(instrument, answers, note=note or None)
        previous = [c.result for c in checkins.before(saved)]
        return CheckedIn(saved, support_prompt(instrument, saved.result, previous))

    def checkins(self, instrument_id: str | None = None) -> list[CheckIn]:
        """Check-ins, newest first: all, or one questionnaire's (NotFound for an id that is
        not loaded: a mistake, not "none yet")."""
        if instrument_id is None:
            every: list[CheckIn] = self._repo("checkins").entries()
            return every
        self.instrument(instrument_id)
        theirs: list[CheckIn] = self._repo("checkins").for_instrument(instrument_id)
        return theirs

    def checkin(self, id_or_prefix: str) -> CheckIn:
        found: CheckIn = self._repo("checkins").get(id_or_prefix)
        return found

    def delete_checkin(self, id_or_prefix: str) -> CheckIn:
        deleted: CheckIn = self._repo("checkins").delete(id_or_prefix)
        return deleted

    def due(self, today: date) -> list[Due]:
        """When each questionnaire is next due, by the rhythm chosen for it."""
        due: list[Due] = self._repo("checkins").due(today)
        return due

    def set_rhythm(self, instrument_id: str, days: int) -> Instrument:
        """Be reminded of a questionnaire every *days* days (0: no reminders)."""
        instrument: Instrument = self._repo("checkins").set_every_days(instrument_id, days)
        return instrument

    # --- trends ---

    def trend(self, instrument_id: str, subscale_id: str) -> list[TrendPoint]:
        """One score's check-ins, oldest first, each marked if it changed for the worse."""
        from kit.wellbeing.trends import series

        return series(self.instrument(instrument_id), subscale_id,
                      self._repo("checkins").entries())

    def exposure_by_week(self, weeks: int = 12) -> ExposureChart:
        """The exposure log by week, the last *weeks* of it (local time)."""
        from kit.wellbeing.trends import weekly_exposure

        entries = self._repo("exposure").entries()
        shown = weekly_exposure(entries)[-weeks:]
        sessions = [e.when for e in entries
                    if shown and e.when.astimezone().date() >= shown[0].start]
        return ExposureChart(shown, sessions)

    # --- the wellbeing plan ---

    @property
    def plan_store(self) -> PlanStore:
        """The wellbeing plan, for the plan form and `kit wellbeing-plan`."""
        store: PlanStore = self._repo("plan")
        return store

    def plan(self) -> Plan:
        plan: Plan = self.plan_store.get()
        return plan

    def plan_review_due(self, today: date) -> bool:
        return bool(self._repo("plan").review_due(today))
