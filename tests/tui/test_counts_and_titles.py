"""Counts and titles as a person reads them in the app: one of anything is singular, and a
journal entry started from a reflective prompt is listed by what was written, not the prompt."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from kit.records.exposure import Exposure
from kit.records.journal import Journal
from kit.records.prompts import prompt_set
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import FIXED_NOW, SIZE, showing, unlock, wait_for


def _text(widget: Any) -> str:
    return str(widget.render())


async def test_one_of_anything_is_singular_and_prompt_entries_are_titled_by_their_words(
        make_app: Any, closed_vault: Path) -> None:
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        headings = prompt_set("hard-day").questions
        Journal(vault).add(f"{headings[0]}\n\nThe long call with the school.\n\n{headings[1]}\n",
                           when=FIXED_NOW - timedelta(days=1))
        Exposure(vault).add(material=["image"], impact=3, minutes=1,
                               when=FIXED_NOW - timedelta(days=1))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
        await pilot.pause()
        assert _text(app.screen.query_one("#count")) == "1 entry"
        row = app.screen.query_one("#entries").render_line(0).text
        assert "The long call with the school." in row and headings[0] not in row

        await pilot.press("f4")
        await wait_for(pilot, lambda: showing(pilot, "ExposureScreen"), "the exposure log")
        await pilot.pause()
        assert _text(app.screen.query_one("#exposure-count")) == "1 session logged"
