"""The wellbeing screen: a check-in through the form, trends, and the personal plan."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, TabbedContent, TextArea

from kit.records.exposure import Exposure
from kit.records.wellbeing_plan import WellbeingPlan
from kit.tui.app import KitApp
from kit.tui.widgets.scale import ScaleInput
from kit.vault import Credentials, Vault
from kit.wellbeing.checkins import CheckIns
from kit.wellbeing.library import Instruments
from tests.conftest import PASSPHRASE
from tests.tui.area_helpers import show_tab, tab_ready
from tests.tui.conftest import FIXED_NOW, SIZE, unlock, wait_for


async def answer(pilot, answers: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """Answer as a user does: focus each question's scale and type the number."""
    for item_id, value in answers.items():
        pilot.app.screen.query_one(f"#item-{item_id}", ScaleInput).focus()
        await pilot.pause()
        await pilot.press(*str(value))


async def test_home_says_the_first_check_in_is_due(make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        texts = " ".join(str(s.render()) for s in app.screen.query(".attention-item"))
        assert "Check-in due" in texts


async def test_a_low_check_in_is_saved_scored_and_offers_support(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        checkins = CheckIns(vault, instruments=Instruments(vault))
        pulse = checkins.instruments.get("pulse")
        high = {item.id: (0 if item.reverse else 9) for item in pulse.items}
        checkins.add(pulse, high, when=FIXED_NOW - timedelta(days=8))
        Exposure(vault).add(material=["text"], impact=3, when=FIXED_NOW - timedelta(days=2))
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        # Refused with a reason until every item has an answer.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Please answer question 1" in str(screen.query_one("#checkin-result").render())
        # A hard week: low on everything, and intrusive thoughts (reverse-scored) high.
        await answer(pilot, {item.id: 9 if item.reverse else 1 for item in pulse.items})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert type(app.screen).__name__ == "SupportScreen"
        await pilot.press("escape")
        await pilot.pause()
        saved = str(screen.query_one("#checkin-result").render())
        assert "Saved" in saved and "— things are hard" in saved  # the band's label
        await show_tab(pilot, "wellbeing-tabs", "trends")
        screen.query_one("#trend-subscale").focus()
        await pilot.pause()
        # Two check-ins and one exposure session are too few for a chart: said plainly, with
        # the scores in words (no date axis across a century, no bar across the width).
        notes = str(screen.query_one("#trend-notes").render())
        assert "Not enough yet for a chart: so far 2 check-ins" in notes
        assert "Latest" in notes and "things are hard" in notes  # the drop is still said
        # Bands are shown by their labels, as the pop-up words it, never by the saved name.
        assert "— things are hard (" in notes and "Bands: things are hard 0–3.9" in notes
        assert "struggling" not in notes + saved
        exposure_notes = str(screen.query_one("#exposure-notes").render())
        assert "Not enough yet for a chart: so far 1 session." in exposure_notes
        assert ": 1 session, 0 min" in exposure_notes  # one session, not "1 sessions"
        assert not screen.query_one("#score-plot").display
        assert not screen.query_one("#exposure-plot").display
        # Three of each, over more than a week: the charts appear.
        workspace = app.workspace
        assert workspace is not None
        workspace.checkins.add(pulse, high, when=FIXED_NOW - timedelta(days=16))
        for days in (9, 1):
            workspace.exposure.add(material=["text"], impact=4,
                                   when=FIXED_NOW - timedelta(days=days))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert screen.query_one("#score-plot").display
        assert screen.query_one("#exposure-plot").display
        notes = str(screen.query_one("#trend-notes").render())
        assert "Not enough" not in notes and "x " in notes  # the drop is marked
        assert "Not enough" not in str(screen.query_one("#exposure-notes").render())
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        saved = CheckIns(vault, instruments=Instruments(vault)).entries()
        assert len(saved) == 3 and sum(c.concern for c in saved) == 1


async def test_plan_is_saved_with_contacts_and_review_date(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        await show_tab(pilot, "wellbeing-tabs", "plan")
        screen.query_one("#plan-keeps_me_well", TextArea).text = "Walking the dog"
        screen.query_one("#plan-contacts", TextArea).text = "Sam: 07700 900000"
        screen.query_one("#plan-review_date", Input).value = "not a date"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved" in str(screen.query_one("#plan-status").render())
        screen.query_one("#plan-review_date", Input).value = "2027-01-31"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Saved" in str(screen.query_one("#plan-status").render())
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        plan = WellbeingPlan(vault).get()
        assert plan.keeps_me_well == "Walking the dog"
        assert [(c.name, c.how) for c in plan.contacts] == [("Sam", "07700 900000")]
        assert plan.review_date is not None and plan.review_date.isoformat() == "2027-01-31"


BAD_INSTRUMENT = """\
format = "frontline-kit-instrument"
version = 1

[instrument]
id = "made-up"
name = "A made-up scale"
short_name = "MU"
description = "Test only."
recall_period = "over the last week"
attribution = "Nobody"
licence = "None"
recommended_every_days = 7
wording_changed = false

[scale]
min = 0
max = 3
labels = { 0 = "Not at all", 3 = "A lot" }

[[items]]
id = "q1"
text = ""
"""


async def test_instrument_import_errors_are_precise_and_import_nothing(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "made-up.toml"
    bad.write_text(BAD_INSTRUMENT)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        await show_tab(pilot, "wellbeing-tabs", "instruments")
        screen.query_one("#import-path", Input).value = str(bad)
        await pilot.click("#import")
        await pilot.pause()
        status = str(screen.query_one("#import-status").render())
        assert "Not imported" in status and "made-up.toml" in status and "q1" in status
        screen.query_one("#import-path", Input).value = str(tmp_path / "missing.toml")
        await pilot.click("#import")
        await pilot.pause()
        assert "Not imported" in str(screen.query_one("#import-status").render())
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert [i.id for i in Instruments(vault).list()] == ["pulse"]


async def test_unsaved_plan_changes_come_back_after_a_lock(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f5")
        await pilot.pause()
        await show_tab(pilot, "wellbeing-tabs", "plan")
        app.screen.query_one("#plan-triggers", TextArea).text = "Late-night calls"
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("enter")
        await unlock(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        # Put back as the area opens, before the plan's tab is shown (so a lock now keeps it
        # again, as it was).
        tabs = screen.query_one("#wellbeing-tabs", TabbedContent)
        await wait_for(pilot, lambda: tab_ready(tabs.get_pane("plan")), "the plan restored")
        assert tabs.active == "checkin"
        assert screen.query_one("#plan-triggers", TextArea).text == "Late-night calls"
        assert "Restored" in str(screen.query_one("#plan-status").render())
        await show_tab(pilot, "wellbeing-tabs", "plan")
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert WellbeingPlan(vault).get().triggers == "Late-night calls"
        assert not [r for r in vault.snapshot().records.values() if r.kind == "draft"]
