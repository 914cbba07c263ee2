"""A refused save is seen wherever the window is: every form says why in a notification (a
"Not saved" line under a long form is below the fold, and ctrl+s looked dead), puts the focus
on the field at fault and scrolls it into view. Checked at 120x40 and at 80x24."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.errors import NoWidget
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList, TabbedContent, TextArea

from kit.tui.app import KitApp
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import showing, unlock, wait_for


def in_view(app: Any, widget: Widget) -> bool:
    """The widget is on the screen now: what is drawn at its top left corner is it."""
    region = widget.region
    if not region:
        return False
    try:
        hit, _ = app.screen.get_widget_at(region.x, region.y)
    except NoWidget:
        return False
    return hit is widget or widget in hit.ancestors


BOTH = ((120, 40), (80, 24))


async def refused(pilot: Pilot[Any], away: str, field_id: str, words: str,
                  sizes: tuple[tuple[int, int], ...] = ((80, 24),)) -> None:
    """With the focus on *away*, ctrl+s is refused: at each size, the field at fault has the
    focus and is in view, and a notification says why. Every form is checked at 80x24, where
    the most is out of view; those the issue found at 120x40 at that size too (a resize costs
    more than the check)."""
    app: Any = pilot.app
    for size in sizes:
        if tuple(app.size) != size:
            await pilot.resize_terminal(*size)
        app.screen.query_one(away).focus()
        await pilot.pause()
        app._notifications.clear()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()  # scrolled after the refresh that shows the field
        field = app.screen.query_one(field_id)
        where = f"{field_id} at {size}"
        assert app.focused is field, (where, app.focused)
        assert in_view(app, field), where
        said = [n.message for n in app._notifications]
        assert any(words in message for message in said), (where, said)


async def every_form(pilot: Pilot[Any]) -> None:
    app: Any = pilot.app
    # Exposure: material ticked, impact left empty.
    await pilot.press("f4")
    await wait_for(pilot, lambda: showing(pilot, "ExposureScreen"), "the exposure log")
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: showing(pilot, "ExposureForm"), "the exposure form")
    await pilot.press("space")  # the first kind of material
    await refused(pilot, "#material", "#impact", "Not saved: please give the impact", BOTH)
    assert "Not saved" in str(app.screen.query_one("#exposure-status").render())
    # A number out of range, further down the same form.
    app.screen.query_one("#impact", Input).value = "4"
    app.screen.query_one("#minutes", Input).value = "5000"
    await refused(pilot, "#material", "#minutes", "minutes must be from 0")
    app.screen.query_one("#minutes", Input).value = ""
    app.screen.query_one("#material", SelectionList).deselect_all()
    app.screen.query_one("#impact", Input).value = ""
    await pilot.press("escape")
    await wait_for(pilot, lambda: showing(pilot, "ExposureScreen"), "back to the log")

    # Safety plan: a contact without "Name: how", and a review date that is not a date
    # (the last field of a long form).
    await pilot.press("f6")
    await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "Prepare")
    await show_tab(pilot, "prepare-tabs", "safety")
    trusted = app.screen.query_one("#safety-trusted_people", TextArea)
    trusted.text = "no colon here"
    await refused(pilot, "#safety-support_services", "#safety-trusted_people",
                  "Not saved: contact 'no colon here'", BOTH)
    trusted.text = ""
    app.screen.query_one("#safety-review_date", Input).value = "next week"
    await refused(pilot, "#safety-trusted_people", "#safety-review_date", "is not a date",
                  BOTH)
    app.screen.query_one("#safety-review_date", Input).value = ""

    # Wellbeing: a check-in with no answer, and the plan's contacts.
    await pilot.press("f5")
    await wait_for(pilot, lambda: showing(pilot, "WellbeingScreen"), "Wellbeing")
    app.screen.query_one("#wellbeing-tabs", TabbedContent).active = "checkin"
    first = app.screen.instrument.items[0].id
    await refused(pilot, "#checkin-note", f"#item-{first}", "Please answer question 1")
    await show_tab(pilot, "wellbeing-tabs", "plan")
    contacts = app.screen.query_one("#plan-contacts", TextArea)
    contacts.text = "Sam"
    await refused(pilot, "#plan-keeps_me_well", "#plan-contacts", "Not saved:")
    contacts.text = ""
    await show_tab(pilot, "wellbeing-tabs", "instruments")
    app.screen.query_one("#import-path").focus()
    await pilot.press("enter")
    await pilot.pause()
    assert any("Type the path" in n.message for n in app._notifications)

    # Journal: a mood out of range.
    await pilot.press("f3")
    await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: showing(pilot, "EditorScreen"), "the editor")
    await pilot.press("x")
    app.screen.query_one("#mood", Input).value = "11"
    await refused(pilot, "#text", "#mood", "Not saved: mood must be")
    app.screen.query_one("#mood", Input).value = ""
    app.screen.query_one("#text", TextArea).text = ""
    await refused(pilot, "#mood", "#text", "the entry is empty")
    await pilot.press("escape")
    await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "back to the journal")

    # Incident: nothing chosen; then a reference number at the foot of the form.
    await pilot.press("f7")
    await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "Incidents")
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: showing(pilot, "IncidentForm"), "the incident form")
    await refused(pilot, "#platform", "#category", "Not saved: please choose what happened")
    form = app.screen
    form.query_one("#category", Select).value = form.query_one(
        "#category", Select)._options[1][1]
    form.query_one("#references", TextArea).text = "CR/1234"
    await refused(pilot, "#category", "#references", "should look like KIND:VALUE")
    assert "Not saved" in str(form.query_one("#incident-status-line").render())
    form.query_one("#references", TextArea).text = ""
    form.query_one("#category", Select).clear()
    await pilot.press("escape")
    await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "back to Incidents")


async def test_every_forms_refused_save_is_seen_at_80x24_and_120x40(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await every_form(pilot)
