"""The lock screen reads the vault's rows, still encrypted, while the passphrase is typed
(kit.vault.store.prefetch), and the unlock decrypts those: a wrong passphrase keeps them for
the next try, a change made meanwhile is still seen, and a lock reads them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

import kit.workspace
from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.tui.screens.lock import LockScreen
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import SIZE, showing, wait_for


def _lock_screen(app: KitApp) -> LockScreen:
    screen = app.screen
    assert isinstance(screen, LockScreen)
    return screen


async def _type(pilot: Any, passphrase: str) -> None:
    pilot.app.screen.query_one("#passphrase", Input).value = passphrase
    await pilot.press("enter")


async def test_the_unlock_takes_the_rows_read_ahead_and_sees_a_change_made_since(
        make_app: Any, vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    with vault:
        Journal(vault).add("Written before the app started.")
    given: list[Any] = []
    real = kit.workspace.open_workspace

    def spy(path: Path, creds: Credentials, prefetched: Any = None) -> Any:
        given.append(prefetched)
        return real(path, creds, prefetched)

    monkeypatch.setattr(kit.workspace, "open_workspace", spy)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await wait_for(pilot, lambda: _lock_screen(app)._prefetched is not None, "the rows")
        first = _lock_screen(app)._prefetched

        await _type(pilot, "not the passphrase")
        await wait_for(pilot, lambda: "did not open" in str(
            app.screen.query_one("#status").render()), "the refusal")
        assert given == [first]
        assert _lock_screen(app)._prefetched is first  # kept for the next try

        with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as other:
            Journal(other).add("Written from the command line while the lock screen waited.")
        await _type(pilot, PASSPHRASE)
        await wait_for(pilot, lambda: app.workspace is not None, "the unlock")
        assert given == [first, first]
        assert app.workspace is not None
        texts = sorted(entry.text for entry in app.workspace.journal.entries())
        assert texts == ["Written before the app started.",
                         "Written from the command line while the lock screen waited."]

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: app.workspace is None, "the lock")
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen again")
        await wait_for(pilot, lambda: _lock_screen(app)._prefetched is not None,
                       "the rows read again")
        assert _lock_screen(app)._prefetched is not first
