"""Removals in the app, as a person uses them: a request from a finding, the reply overdue, a
look again that finds the pages gone, and the finding fixed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Select, TextArea

from kit.records.findings import Findings
from kit.records.incidents import Incidents
from kit.records.my_details import Details, MyDetails
from kit.removals.deadlines import reply_due
from kit.removals.requests import Removals
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import FIXED_NOW, SIZE, showing, unlock, wait_for

PAGE = "https://people.example/listing/jo"


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def test_a_request_from_sending_to_gone(make_app, closed_vault: Path,
                                              ) -> None:  # type: ignore[no-untyped-def]
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        finding = Findings(vault).record("usernames", "people.example jo", "Listed on "
                                         "people.example", "home address", "high", PAGE,
                                         None, now=FIXED_NOW)
        incident = Incidents(vault).add(category="doxing", platform="people.example",
                                        when=FIXED_NOW - timedelta(days=41))
        MyDetails(vault).save(Details(name="Jo Bloggs", reply_to="jo@example.org"))
    today = FIXED_NOW.date()
    sent = today - timedelta(days=40)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(pilot, "RemovalsScreen"), "the removals list")
        assert "No requests yet" in _text(app.screen.query_one("#removal-count"))
        # From the finding in Footprint: "Ask them to take it down".
        await pilot.press("f8")
        await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "Footprint")
        await show_tab(pilot, "footprint-tabs", "findings-tab")
        await pilot.click("#finding-removal")
        await wait_for(pilot, lambda: showing(pilot, "RemovalForm"), "the request form")
        form = app.screen
        assert form.query_one("#pages", TextArea).text == PAGE  # from the finding
        # A future day is refused, with the focus on the field at fault.
        form.query_one("#target", Input).value = "people.example"
        form.query_one("#sent", Input).value = (today + timedelta(days=2)).isoformat()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved" in _text(form.query_one("#removal-status-line"))
        assert app.focused is form.query_one("#sent", Input)
        form.query_one("#sent", Input).value = ""
        await pilot.press(*sent.isoformat())  # typing lands in the field at fault
        form.query_one("#channel", Select).value = "email"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: showing(pilot, "RemovalsScreen"), "back to the list")
        detail = _text(app.screen.query_one("#removal-detail"))
        due = reply_due(sent)
        assert f"{due.day} {due:%B %Y}" in detail and "has not come" in detail

        # Home says the reply is overdue.
        await pilot.press("f2")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "Home")
        await wait_for(pilot, lambda: "removal request is overdue" in " ".join(
            _text(w) for w in app.screen.query("#attention Static")), "the overdue reply on Home")

        # Its button opens the requests; look again: gone. Removed, and the finding fixed.
        [button] = app.screen.query(".attention-action").results()
        assert str(button.label) == "See my removal requests"
        await pilot.click(".attention-action")
        await wait_for(pilot, lambda: showing(pilot, "RemovalsScreen"), "the removals list")
        await pilot.press("c")
        await wait_for(pilot, lambda: bool(app.screen.query("#recheck-gone")), "the look")
        looked = _text(app.screen.query_one(".dialog-body Static"))
        assert PAGE in looked and '"Jo Bloggs" site:people.example' in looked
        await pilot.click("#recheck-gone")
        await wait_for(pilot, lambda: showing(pilot, "RemovalsScreen"), "the list again")
        assert "Removed" in _text(app.screen.query_one("#removal-detail"))
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        [request] = Removals(vault).list()
        assert request.status == "removed" and request.finding_ids == (finding.id,)
        assert request.incident_id == incident.id  # highlighted in Incidents when r was pressed
        assert Findings(vault).get(finding.id).status == "fixed"


async def test_an_unsaved_request_survives_the_quick_hide(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(pilot, "RemovalsScreen"), "the removals list")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: showing(pilot, "RemovalForm"), "the request form")
        await pilot.press(*"peoplefinder.example")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: showing(pilot, "HiddenScreen"), "the blank screen")
        await pilot.press("x")
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(pilot, "RemovalForm"), "the draft back")
        assert app.screen.query_one("#target", Input).value == "peoplefinder.example"
