"""Pilot fixtures: the real app over a real vault in the test's KIT_HOME."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kit.config import Config
from kit.tui.app import AppServices, KitApp
from kit.vault import Vault
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
def closed_vault(vault_path: Path) -> Path:
    """A vault on disk, locked, for the app to open."""
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    vault.close()
    return vault_path


async def unlock(pilot, passphrase: str = PASSPHRASE) -> None:  # type: ignore[no-untyped-def]
    """Type the passphrase on the lock screen and wait until home shows."""
    app = pilot.app
    await pilot.pause()
    await pilot.click("#passphrase")
    app.screen.query_one("#passphrase").value = passphrase
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.05)
        if app.workspace is not None and app.screen.__class__.__name__ == "HomeScreen":
            return
    raise AssertionError(f"did not unlock; screen is {app.screen!r}")
