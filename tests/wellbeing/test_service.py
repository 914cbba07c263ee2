"""kit.wellbeing.service.Wellbeing through its public methods: the questionnaires, check-ins
with whether to offer support, when each is due, the trends and the wellbeing plan."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kit.errors import NotFound
from kit.wellbeing.service import Wellbeing
from kit.workspace import Workspace

GOOD = {"energy": 7, "sleep": 6, "intrusions": 3, "connected": 8, "switch-off": 6, "coping": 7}
HARD = {"energy": 1, "sleep": 1, "intrusions": 10, "connected": 1, "switch-off": 1, "coping": 1}
TINY = Path(__file__).parent / "fixtures"


def test_questionnaires_are_listed_read_and_imported(workspace: Workspace) -> None:
    wellbeing = Wellbeing(workspace)
    assert [i.id for i in wellbeing.instruments()] == ["pulse"]
    assert wellbeing.instrument("pulse").items
    with pytest.raises(NotFound):
        wellbeing.instrument("nothing-like-it")
    imported = wellbeing.import_instrument(TINY / "who5_structure.toml")
    assert imported.outcome == "added"
    assert imported.instrument.id in [i.id for i in Wellbeing(workspace).instruments()]
    again = wellbeing.import_instrument(TINY / "who5_structure.toml", replace=True)
    assert again.outcome == "unchanged"


def test_a_check_in_is_saved_and_says_when_to_offer_support(workspace: Workspace) -> None:
    wellbeing = Wellbeing(workspace)
    pulse = wellbeing.instrument("pulse")
    calm = wellbeing.check_in(pulse, GOOD, note="a calm week")
    assert calm.support is None and calm.checkin.note == "a calm week"
    hard = wellbeing.check_in(pulse, HARD)
    assert hard.support is not None  # the same rule the command line uses
    listed = Wellbeing(workspace).checkins()
    assert [c.id for c in listed] == [hard.checkin.id, calm.checkin.id]
    assert Wellbeing(workspace).checkins("pulse") == listed
    with pytest.raises(NotFound):
        wellbeing.checkins("nothing-like-it")  # a mistake, not "none yet"
    assert wellbeing.checkin(calm.checkin.short_id).id == calm.checkin.id
    wellbeing.delete_checkin(calm.checkin.id)
    assert [c.id for c in Wellbeing(workspace).checkins()] == [hard.checkin.id]


def test_due_and_the_rhythm(workspace: Workspace) -> None:
    wellbeing = Wellbeing(workspace)
    today = date.today()
    assert [d.last_done for d in wellbeing.due(today)] == [None]
    wellbeing.set_rhythm("pulse", 0)
    assert [d.next_due for d in Wellbeing(workspace).due(today)] == [None]  # reminders off
    wellbeing.set_rhythm("pulse", 7)
    assert Wellbeing(workspace).due(today)[0].next_due is not None


def test_a_trend_and_exposure_by_week(workspace: Workspace) -> None:
    wellbeing = Wellbeing(workspace)
    pulse = wellbeing.instrument("pulse")
    wellbeing.check_in(pulse, GOOD)
    wellbeing.check_in(pulse, HARD)
    subscale = pulse.subscales[0].id
    points = Wellbeing(workspace).trend("pulse", subscale)
    assert len(points) == 2 and points[-1].mark is not None  # marked: worse
    assert wellbeing.exposure_by_week().weeks == []
    now = datetime.now(UTC)
    workspace.exposure.add(material=["text"], impact=3, when=now - timedelta(days=8))
    workspace.exposure.add(material=["text"], impact=5, when=now)
    chart = Wellbeing(workspace).exposure_by_week(12)
    assert sum(w.sessions for w in chart.weeks) == 2 and len(chart.sessions) == 2
    assert len(Wellbeing(workspace).exposure_by_week(1).weeks) == 1


def test_the_plan_is_read_and_saved_through_the_service(workspace: Workspace) -> None:
    import dataclasses

    wellbeing = Wellbeing(workspace)
    assert wellbeing.plan().is_empty
    assert not wellbeing.plan_review_due(date.today())
    store = wellbeing.plan_store
    store.save(dataclasses.replace(store.get(), keeps_me_well="walks",
                                   review_date=date.today() - timedelta(days=1)))
    again = Wellbeing(workspace)
    assert again.plan().keeps_me_well == "walks"
    assert again.plan_review_due(date.today())
    assert again.problems == []
