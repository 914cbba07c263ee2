"""The Removals detail pane says where to send the highlighted request: the official routes
for its kind of target, each with whether it was checked against its source."""

from __future__ import annotations

from pathlib import Path

from kit.removals.requests import Removals
from kit.removals.routes import routes_for
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import FIXED_NOW, SIZE, showing, unlock, wait_for


async def test_the_detail_pane_names_the_routes_for_the_request(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        Removals(vault).add("Google", "search-engine", "delisting", "web-form",
                            sent_on=FIXED_NOW.date(), now=FIXED_NOW)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        await pilot.press("r")
        await wait_for(pilot, lambda: showing(pilot, "RemovalsScreen"), "the removals list")
        detail = app.screen.query_one("#removal-detail")
        await wait_for(pilot, lambda: "Where to send it" in str(detail.render()),
                       "the routes in the detail pane")
        shown = str(detail.render())
        for route in routes_for("search-engine"):
            assert route.name in shown and route.url in shown
            assert f"{route.checked}." in shown  # said in words, not by colour
        # A platform route is not offered for a search engine.
        assert all(r.name not in shown for r in routes_for("platform"))
