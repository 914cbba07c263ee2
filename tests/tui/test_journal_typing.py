"""Searching the journal as you type: no keystroke and no preview lays out the whole screen
(issue 17: that layout was most of a keystroke's time at 10,000 entries), while the search
field and the preview still behave as a field and a reading box. Speed itself is measured in
benchmarks/tui_bench.py, not here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.search_field import SearchField
from kit.tui.widgets.text_view import TextView
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import SIZE, showing, unlock, wait_for

LONG = "\n".join(f"Line {n} of a long day at court, written down [bold]as it came[/]."
                 for n in range(60))


def seed(vault_path: Path) -> None:
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault:
        journal = Journal(vault)
        journal.add("Court again. Short.", ["court"])
        journal.add(LONG, ["court"])
        journal.add("A walk by the canal after court.", ["walk"])
        journal.add("Quiet day.", [])


async def open_journal(pilot: Any) -> Any:
    await unlock(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: len(screen.query_one("#entries", EntryList).items) == 4,
                   "the list")
    return screen


def preview_lines(view: TextView) -> list[str]:
    return [view.render_line(y).text for y in range(view.size.height)]


async def test_typing_lays_out_nothing_and_the_preview_still_scrolls(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    seed(closed_vault)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        entries = screen.query_one("#entries", EntryList)
        preview = screen.query_one("#preview", TextView)
        await pilot.press("ctrl+f")
        await pilot.pause()
        layouts: list[object] = []
        screen.screen_layout_refresh_signal.subscribe(screen, layouts.append)

        def previewed() -> bool:
            shown = entries.highlighted
            return shown is not None and preview.text.plain.endswith(shown.text)

        # Each key changes the field, the count and the list; the preview moves between
        # short entries and a long one (more than fits: a scroll thumb).
        for key in ("l", "i", "backspace", "backspace", "c"):
            await pilot.press(key)
            await wait_for(pilot, previewed, f"the preview after {key!r}")
        field = screen.query_one("#search", SearchField)
        assert field.value == "c" and len(entries.items) == 3
        # A query longer than the field scrolls it sideways to the cursor, still with no layout.
        words = "c" + "ourt " * 14 + "en"
        field.value = words[:-2]
        field.cursor_position = len(field.value)
        await pilot.press(*words[-2:])
        await wait_for(pilot, lambda: field.value == words, "the long query")
        await pilot.pause()
        assert field.scroll_offset.x > 0
        assert field.render_line(0).text.rstrip().endswith("en")
        assert layouts == []

        # The preview reads as a box to scroll (one app for both: each test unlocks a vault).
        field.value = ""
        await wait_for(pilot, lambda: len(entries.items) == 4, "the whole list again")
        entries.focus()
        await wait_for(pilot, lambda: "Quiet day." in preview.text.plain, "the first preview")
        assert not preview.allow_focus()  # all of it fits: not a Tab stop
        entries.action_jump(2)  # the long entry (newest first)
        await wait_for(pilot, lambda: "Line 59" in preview.text.plain, "the long entry")
        await pilot.pause()
        assert preview.max_scroll_y > 0 and preview.allow_focus()
        # Shown literally: what looks like markup is text.
        assert any("[bold]as it came[/]" in line for line in preview_lines(preview))
        unfocused = preview.styles.border_left
        await pilot.press("tab")
        await wait_for(pilot, lambda: preview.has_focus, "the focus on the preview")
        # Seen without colour: the left edge changes its line, not only its shade.
        assert preview.styles.border_left[0] != unfocused[0]
        top = preview_lines(preview)
        await pilot.press("down", "down")  # the arrow keys scroll it
        await wait_for(pilot, lambda: preview.scroll_offset.y == 2, "the preview scrolled")
        assert preview_lines(preview)[0] == top[2]


async def test_the_results_change_with_the_key_not_a_frame_later(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    # The list is searched as the key that changed the field is handled, before the app can
    # draw a frame, so the typed character and its results reach the screen together.
    seed(closed_vault)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_journal(pilot)
        field = screen.query_one("#search", SearchField)
        entries = screen.query_one("#entries", EntryList)
        field.value = "canal"  # no await: nothing else has run since
        assert [entry.text for entry in entries.items] == ["A walk by the canal after court."]
        field.value = "#court"
        assert len(entries.items) == 2
        await pilot.pause()
        assert len(entries.items) == 2  # searched once, not again when the message comes
