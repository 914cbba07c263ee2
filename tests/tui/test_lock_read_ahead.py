"""The lock screen reads the vault's rows, still encrypted, while the passphrase is typed
(kit.vault.store.prefetch), and the unlock decrypts those: a wrong passphrase keeps them for
the next try, a change made meanwhile is still seen, and a lock reads them again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault, store
from tests.conftest import PASSPHRASE
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.tui.conftest import SIZE, showing, wait_for


async def _type(pilot: Any, passphrase: str) -> None:
    pilot.app.screen.query_one("#passphrase", Input).value = passphrase
    await pilot.press("enter")


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    """(every early read made, what each opened vault took over), in order."""
    made: list[Any] = []
    adopted: list[Any] = []
    prefetch, adopt = store.prefetch, store.Vault._adopt

    def reading(path: Path) -> Any:
        found = prefetch(path)
        made.append(found)
        return found

    def adopting(self: Vault, prefetched: Any) -> None:
        adopted.append(prefetched)
        adopt(self, prefetched)

    monkeypatch.setattr(store, "prefetch", reading)
    monkeypatch.setattr(store.Vault, "_adopt", adopting)
    return made, adopted


async def test_the_unlock_takes_the_rows_read_ahead_and_sees_a_change_made_since(
        make_app: Any, vault_path: Path, reads: tuple[list[Any], list[Any]]) -> None:
    made, adopted = reads
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    with vault:
        Journal(vault).add("Written before the app started.")
    made.clear()
    adopted.clear()
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await wait_for(pilot, lambda: len(made) == 1, "the rows")
        first = made[0]
        assert first is not None

        await _type(pilot, "not the passphrase")
        await wait_for(pilot, lambda: "did not open" in str(
            app.screen.query_one("#status").render()), "the refusal")
        assert made == [first] and adopted == []  # kept for the next try, not read again

        with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as other:
            Journal(other).add("Written from the command line while the lock screen waited.")
        adopted.clear()
        await _type(pilot, PASSPHRASE)
        await wait_for(pilot, lambda: app.workspace is not None, "the unlock")
        assert adopted == [first]
        assert app.workspace is not None
        texts = sorted(entry.text for entry in app.workspace.journal.entries())
        assert texts == ["Written before the app started.",
                         "Written from the command line while the lock screen waited."]

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: app.workspace is None, "the lock")
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen again")
        await wait_for(pilot, lambda: len(made) == 2, "the rows read again")
        assert made[1] is not None and made[1] is not first


async def test_keyring_unlock_at_start_up_takes_the_rows_read_meanwhile(
        make_app: Any, vault_path: Path, secure_keyring: MemoryKeyring,
        reads: tuple[list[Any], list[Any]]) -> None:
    from kit.vault.device import enable_device_unlock

    made, adopted = reads
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    with vault:
        Journal(vault).add("Opened with the keyring.")
        enable_device_unlock(vault)
    made.clear()
    adopted.clear()
    app: KitApp = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.workspace is not None, "the keyring unlock")
        # Home is up before the test ends: an app closed while Home was still being put
        # together failed its mount, now and then, in CI.
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "Home")
        assert app.workspace is not None and app.workspace.vault.unlocked_by == "device"
        assert len(made) == 1 and made[0] is not None
        assert adopted == made  # the vault took over the read, not a second one
        assert [e.text for e in app.workspace.journal.entries()] == ["Opened with the keyring."]
