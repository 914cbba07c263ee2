"""Every area's footer fits at 110 and at 80 columns: each key it shows is there whole (none
runs off the edge or under the palette key), and each key it leaves out is named in F1 help."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import Footer, TabbedContent
from textual.widgets._footer import FooterKey, FooterLabel

from kit.tui.app import AREA_KEYS, KitApp
from tests.tui.conftest import SIZE, showing, unlock, wait_for

HELP = resources.files("kit.tui").joinpath("help.md").read_text(encoding="utf-8").casefold()


def named_in_help(binding: Binding) -> bool:
    """F1 help names the key: "**ctrl+d**", "| ctrl+t |" or, for an area key, its row."""
    keys = [k.strip().casefold() for k in binding.key.split(",")]
    return any(re.search(rf"(\*\*|\| |`){re.escape(k)}(\*\*| \||`)", HELP) for k in keys)


def check_footer(app: KitApp, where: str) -> None:
    footer = app.screen.query_one(Footer)
    assert footer.max_scroll_x == 0, f"{where}: the footer runs off the edge"
    right = footer.region.right
    pieces = list(footer.query(FooterKey)) + list(footer.query(FooterLabel))
    palette = [k for k in footer.query(FooterKey) if k.has_class("-command-palette")]
    if palette:
        assert palette[0].region.right <= right, f"{where}: the palette key is cut"
        right = palette[0].region.x  # docked right: nothing may run under it
    shown = set()
    for piece in pieces:
        text = str(piece.render())
        assert piece.region.width >= cell_len(text.rstrip()), f"{where}: {text!r} is cut"
        if piece not in palette:
            assert piece.region.right <= right, f"{where}: {text!r} runs past the edge"
        if isinstance(piece, FooterKey):
            shown.add(piece.action)
    for _node, binding, _enabled, _tip in app.screen.active_bindings.values():
        if binding.show and binding.action not in shown:
            assert named_in_help(binding), f"{where}: {binding.key} is in neither the " \
                "footer nor F1 help"


async def visit_every_area(pilot: Pilot[Any], size: str, *, every_tab: bool) -> None:
    app: Any = pilot.app
    for key, mode, label in AREA_KEYS:
        await pilot.press(key)
        await wait_for(pilot, lambda m=mode: app.current_mode == m and app.screen.is_mounted,
                       label)
        await pilot.pause()
        tabs = list(app.screen.query(TabbedContent))
        for n in range(len(tabs[0].query("TabPane")) if tabs and every_tab else 1):
            check_footer(app, f"{label}, tab {n + 1}, {size}")
            if tabs and every_tab:
                await pilot.press("ctrl+t")
                await pilot.pause()


async def test_every_areas_footer_fits_at_110_and_80_columns(
        make_app: Any, closed_vault: Path) -> None:
    app: KitApp = make_app()
    async with app.run_test(size=(110, 36)) as pilot:
        await unlock(pilot)
        # Each area as it opens; every tab at 80 columns below, where room is shortest (the
        # same rule builds both, for the width each has).
        await visit_every_area(pilot, "110x36", every_tab=False)
        # The same footers again, narrower: each is built again for the new width.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        check_footer(app, "Supervision, just narrowed to 80x24")
        await visit_every_area(pilot, "80x24", every_tab=True)
        await pilot.press("f1")  # and the help's own
        await pilot.pause()
        check_footer(app, "help, 80x24")


async def test_the_footer_follows_the_focus_in_every_app_of_a_process(
        make_app: Any, closed_vault: Path) -> None:
    # A footer's rebuild that found it detached once left it waiting for that rebuild for
    # ever: in the second app of a process, the journal's footer kept the list's keys after
    # ctrl+f had moved to the search field.
    for _ in range(2):
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await unlock(pilot)
            await pilot.press("f1")
            await wait_for(pilot, lambda: showing(pilot, "HelpScreen"), "the help")
            await pilot.press("f3")
            await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
            await pilot.press("ctrl+f")

            def keys(app: KitApp = app) -> list[str]:
                footer = app.screen.query_one(Footer)
                return [key.key for key in footer.query(FooterKey)]

            await wait_for(pilot, lambda: "enter" not in keys() and "ctrl+n" in keys(),
                           "the search field's keys in the footer")
