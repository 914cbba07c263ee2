"""The lock screen says why keyring unlock did not open the vault (as the command line does),
and the high-contrast theme chosen in the palette is there again on the next start."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring.errors
import pytest

from kit import config, paths
from kit.tui.app import KitApp
from kit.vault import Vault, device
from tests.conftest import PASSPHRASE
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.tui.conftest import SIZE, showing, unlock, wait_for


async def test_a_locked_keyring_is_named_on_the_lock_screen(
        make_app: Any, vault_path: Path, secure_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch) -> None:
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    device.enable_device_unlock(vault)
    vault.close()

    def locked(service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the keyring is locked")

    monkeypatch.setattr(secure_keyring, "get_password", locked)
    app: KitApp = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "Keyring unlock is on" in str(
            app.screen.query_one("#status").render()), "the reason on the lock screen")
        said = str(app.screen.query_one("#status").render())
        assert "the keyring is locked" in said and "Type your passphrase." in said
        assert showing(pilot, "LockScreen") and app.workspace is None
        assert not app.screen.query_one("#passphrase").disabled  # ready for the passphrase


async def test_high_contrast_from_the_palette_is_remembered(make_app: Any,
                                                            closed_vault: Path) -> None:
    settings = paths.config_path()
    settings.write_text("# my settings\n[app]\nidle_lock_minutes = 7\n", encoding="utf-8")
    app: KitApp = make_app(config=config.load())
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app.theme == "kit-calm"
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: showing(pilot, "CommandPalette"), "the palette")
        await pilot.press(*"high contrast")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.theme == "kit-high-contrast", "high contrast")
    text = settings.read_text(encoding="utf-8")
    assert "# my settings" in text and "idle_lock_minutes = 7" in text  # kept as it was
    assert config.load() == config.Config(idle_lock_minutes=7.0, theme="kit-high-contrast")
    again: KitApp = make_app(config=config.load())
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        assert again.theme == "kit-high-contrast"
