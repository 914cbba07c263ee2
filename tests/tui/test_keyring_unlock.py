"""Keyring unlock in the app: offered only with a secure keyring, used only at start-up."""

from __future__ import annotations

from pathlib import Path

from kit.tui.app import KitApp
from kit.vault.store import read_header
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.tui.conftest import SIZE, reach_recovery_key, wait_for


async def create_vault(app: KitApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await reach_recovery_key(pilot)
    await pilot.click("#written")
    await pilot.click("#recovery-done")
    await pilot.pause()


async def test_offered_with_a_secure_keyring_then_used_only_at_start_up(
        make_app, vault_path: Path, secure_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE) as pilot:
        await create_vault(app, pilot)
        await wait_for(pilot, lambda: app.screen.query_one("#steps").current == "keyring")
        await pilot.click("#keyring-yes")
        await wait_for(pilot, lambda: app.workspace is not None)
    assert read_header(vault_path).slots_of("device")
    assert len(secure_keyring.store) == 1

    again: KitApp = make_app(allow_keyring=True)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: again.workspace is not None)  # no passphrase typed
        assert again.workspace is not None and again.workspace.vault.unlocked_by == "device"
        await wait_for(pilot, lambda: any("keyring unlock is ON" in str(n.message)
                                          for n in again._notifications))
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause(0.5)
        assert type(again.screen).__name__ == "LockScreen"
        assert again.workspace is None  # after a lock, the passphrase is always needed


async def test_not_offered_without_a_secure_keyring(make_app, vault_path: Path) -> None:  # type: ignore[no-untyped-def]
    # conftest selects keyring's "fail" backend: no secure keyring here.
    app: KitApp = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE) as pilot:
        await create_vault(app, pilot)
        await wait_for(pilot, lambda: app.workspace is not None)
        assert type(app.screen).__name__ == "HomeScreen"
    assert not read_header(vault_path).slots_of("device")
