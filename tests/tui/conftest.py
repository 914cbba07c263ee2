"""Pilot fixtures: the real app over a real vault in the test's KIT_HOME."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kit.config import Config
from kit.tui.app import AppServices, KitApp
from tests.conftest import PASSPHRASE

FIXED_NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
SIZE = (110, 36)


@pytest.fixture
def make_app(vault_path: Path) -> Callable[..., KitApp]:
    def factory(**overrides: object) -> KitApp:
        settings: dict[str, object] = {
            "vault_path": vault_path, "kdf_profile": "minimum", "allow_keyring": False,
            "clock": lambda: FIXED_NOW, "config": Config(),
        }
        settings.update(overrides)
        return KitApp(AppServices(**settings))  # type: ignore[arg-type]

    return factory


@pytest.fixture
def closed_vault(made_vault: Path) -> Path:
    """A vault on disk, locked, for the app to open."""
    return made_vault


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool],
                   what: str = "the expected state", tries: int = 200) -> None:
    """Poll (never a bare sleep) until *condition* holds, at most tries × 50 ms."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never reached: {what}; screen is {pilot.app.screen!r}")


async def press_button(pilot: Pilot[Any], selector: str) -> None:
    """Press the top screen's button *selector* once it is there: a dialog's buttons can mount
    a moment after the fields above them."""
    await wait_for(pilot, lambda: bool(pilot.app.screen.query(selector)), selector)
    pilot.app.screen.query_one(selector).press()


def showing(pilot: Pilot[Any], name: str) -> bool:
    """The screen on top is *name*, with everything in it mounted: a screen is on top as soon
    as it is pushed, before its widgets are there to query or to take the focus."""
    screen = pilot.app.screen
    return type(screen).__name__ == name and screen.is_mounted


async def unlock(pilot: Pilot[Any], passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase on the lock screen (keys only: the mouse never moves) and wait
    until home shows."""
    app: Any = pilot.app
    await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
    await pilot.pause()
    app.screen.query_one("#passphrase", Input).value = passphrase
    await pilot.press("enter")  # the passphrase field has focus
    await wait_for(pilot, lambda: app.workspace is not None and showing(pilot, "HomeScreen"),
                   "home after unlocking")


async def click_settled(pilot: Pilot[Any], selector: str) -> None:
    """Click *selector* once it has stopped moving: the strength advice growing above the
    Create button moves it down, and a click aimed at where it was lands on nothing."""
    region = None
    for _ in range(40):
        await pilot.pause()
        now = pilot.app.screen.query_one(selector).region
        if now == region and now.area:
            break
        region = now
    await pilot.click(selector)


async def reach_recovery_key(pilot: Pilot[Any], passphrase: str = PASSPHRASE) -> None:
    """First run, as a person: past the welcome, a passphrase typed twice, "Create my vault",
    until the recovery key is on the screen (the vault is not yet in place)."""
    app = pilot.app
    await pilot.pause()
    await pilot.press("enter")
    app.screen.query_one("#new", Input).value = passphrase
    app.screen.query_one("#again", Input).value = passphrase
    await click_settled(pilot, "#create")  # the strength advice moves it down
    await wait_for(pilot, lambda: app.screen.query_one("#steps").current == "recovery",
                   "the recovery key")
