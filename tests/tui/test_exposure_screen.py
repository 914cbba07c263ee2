"""The exposure log screens: add with the form, list, details, delete, and the support prompt."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, SelectionList

from kit.records.exposure import Exposure
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import SIZE, unlock


async def test_log_an_exposure_with_the_form(make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert "Nothing logged yet" in str(app.screen.query_one("#exposure-count").render())
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        assert type(form).__name__ == "ExposureForm"
        # Saving with nothing chosen is refused with a reason, and nothing is written.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved" in str(form.query_one("#exposure-status").render())
        form.query_one("#material", SelectionList).select("video")
        form.query_one("#flags", SelectionList).select("violent")
        form.query_one("#steps", SelectionList).select("breaks")
        form.query_one("#minutes", Input).value = "45"
        form.query_one("#impact", Input).value = "8"
        form.query_one("#when", Input).value = "2026-11-20 14:00"
        await pilot.press("ctrl+s")
        await pilot.pause()
        # A high impact brings up the gentle support prompt with helplines.
        assert type(app.screen).__name__ == "SupportScreen"
        assert "116 123" in str(app.screen.query("Static").last().render())
        await pilot.press("escape")
        await pilot.pause()
        assert "1 session logged" in str(app.screen.query_one("#exposure-count").render())
        detail = str(app.screen.query_one("#exposure-detail").render())
        assert "45 minutes" in detail and "It was violent" in detail
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        [entry] = Exposure(vault).entries()
        assert (entry.material, entry.flags, entry.steps, entry.minutes, entry.impact) == (
            ("video",), ("violent",), ("breaks",), 45, 8)
        assert entry.when.astimezone().strftime("%Y-%m-%d %H:%M") == "2026-11-20 14:00"


async def test_delete_asks_first(make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        Exposure(vault).add(material=["text"], impact=2)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")  # the safe answer
        await pilot.pause()
        assert "1 session logged" in str(app.screen.query_one("#exposure-count").render())
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert "Nothing logged" in str(app.screen.query_one("#exposure-count").render())


async def test_a_half_filled_form_survives_quick_hide(make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        app.screen.query_one("#material", SelectionList).select("audio")
        app.screen.query_one("#impact", Input).value = "3"
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert app.workspace is None
        await pilot.press("enter")
        await unlock(pilot)
        await pilot.press("f4")
        await pilot.pause()
        form = app.screen
        assert type(form).__name__ == "ExposureForm"
        assert form.query_one("#material", SelectionList).selected == ["audio"]
        assert form.query_one("#impact", Input).value == "3"
        await pilot.press("ctrl+s")
        await pilot.pause()
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        [entry] = Exposure(vault).entries()
        assert entry.material == ("audio",) and entry.impact == 3
        assert not [r for r in vault.snapshot().records.values() if r.kind == "draft"]
