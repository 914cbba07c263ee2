"""Focus on a box that is there to be read shows by shape, not colour alone: with NO_COLOR
(colours dropped) a focused reading box's frame differs from the same box unfocused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import TextArea

from kit.tui.app import KitApp
from kit.tui.screens.supervision import TextDialog
from kit.tui.widgets.confirm import ConfirmDialog
from tests.tui.conftest import showing, wait_for


def frame(widget: Widget) -> str:
    """The characters the widget draws on its first two rows, its frame included."""
    width, _height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, 2)))


async def focused_and_not(pilot: Pilot[Any], widget: Widget) -> tuple[str, str]:
    widget.focus()
    await pilot.pause()
    assert widget.has_focus, widget
    focused = frame(widget)
    widget.blur()
    await pilot.pause()
    return focused, frame(widget)


async def test_reading_boxes_show_focus_by_shape_with_no_color(
        make_app: Any, closed_vault: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app: KitApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        # Help: the dialog is the box to read, and opens focused; its frame turns double.
        await pilot.press("f1")
        await wait_for(pilot, lambda: showing(pilot, "HelpScreen"), "the help")
        focused, resting = await focused_and_not(pilot, app.screen.query_one("#help-box"))
        assert focused != resting and "║" in focused and "║" not in resting
        await pilot.press("escape")
        await wait_for(pilot, lambda: not showing(pilot, "HelpScreen"), "the help closed")

        # A scrolling box of text (a dialog's long message at 80x24): a solid left edge.
        app.push_screen(ConfirmDialog("A long question to read. " * 80))
        await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the question")
        body = app.screen.query_one(".dialog-body", VerticalScroll)
        focused, resting = await focused_and_not(pilot, body)
        assert [line[0] for line in focused.splitlines()] == ["█", "█"]
        assert all(line[0] != "█" for line in resting.splitlines())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not showing(pilot, "ConfirmDialog"), "answered")

        # A text to read and copy (an identity card): its thin frame turns solid.
        app.push_screen(TextDialog("Your identity card.", "\n".join(["card line"] * 30)))
        await wait_for(pilot, lambda: showing(pilot, "TextDialog"), "the card")
        text = app.screen.query_one("#text-body", TextArea)
        focused, resting = await focused_and_not(pilot, text)
        assert focused != resting and focused.startswith("█") and not resting.startswith("█")
