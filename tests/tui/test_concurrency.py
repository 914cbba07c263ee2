"""The app and the command line on one vault at the same time.

The app stays unlocked on the journal while real `kit journal add` processes write to the same
vault: ctrl+r shows what they wrote, a save from the app's editor made after another process
wrote keeps both, and afterwards a fresh open finds every entry and `kit vault verify` passes.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from pathlib import Path

from textual.widgets import TextArea

from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.tui.widgets.entry_list import EntryList
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit
from tests.tui.conftest import SIZE, unlock, wait_for


def listed(app: KitApp) -> list[str]:
    return [entry.text for entry in app.screen.query_one("#entries", EntryList).items]


async def kit_journal_add(text: str) -> str:
    """`kit journal add` in its own process, while the app keeps running."""
    result = await asyncio.to_thread(run_kit, "journal", "add", text)
    assert result.code == 0, result.err
    return result.out.strip()


async def test_app_and_cli_write_the_same_vault(make_app: Callable[..., KitApp],
                                                 closed_vault: Path) -> None:
    token = secrets.token_hex(4)
    from_cli = f"Written from the command line {token}"
    from_app = f"Written in the app {token}"
    meanwhile = f"Written from the command line while the app was editing {token}"
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "JournalScreen")
        assert listed(app) == []

        await kit_journal_add(from_cli)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: listed(app) == [from_cli])

        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EditorScreen")
        app.screen.query_one("#text", TextArea).focus()
        await pilot.press(*from_app)
        await kit_journal_add(meanwhile)  # between starting to write and saving
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query_one("#editor-status").content == "Saved.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "JournalScreen")
        assert from_app in listed(app)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: sorted(listed(app)) == sorted([from_cli, from_app,
                                                                      meanwhile]))
        assert app.workspace is not None
        assert app.workspace.problems == []

    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        texts = sorted(entry.text for entry in Journal(vault).entries())
        assert vault.verify() == []
    assert texts == sorted([from_cli, from_app, meanwhile])
    verify = run_kit("vault", "verify")
    assert verify.code == 0, verify.err
