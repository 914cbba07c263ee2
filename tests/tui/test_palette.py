"""The command palette finds every area's actions from any screen, and Home's safety plan
button and the palette's entry open Prepare on the Safety plan tab, ready to type."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

import kit.tui.screens as screens
from kit.tui.app import AREAS, KitApp
from kit.tui.palette import AREA_ACTIONS
from tests.tui.conftest import SIZE, showing, unlock, wait_for


def _offered(app: KitApp) -> list[str]:
    found = app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(found.option_count)]


async def _search(pilot: Pilot[Any], words: str, wanted: str) -> list[str]:
    """Open the palette, type *words*, and give the names it offers once *wanted* is one."""
    app: Any = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    app.screen.query_one("#--input Input", Input).value = words
    await wait_for(pilot, lambda: wanted in _offered(app), f"{wanted!r} for {words!r}")
    await pilot.pause(0.1)  # the other providers' hits
    return _offered(app)


async def _choose(pilot: Pilot[Any], name: str) -> None:
    app: Any = pilot.app
    names = _offered(app)
    app.screen.query_one(CommandList).highlighted = names.index(name)
    await pilot.press("enter")


def _safety_plan_open(app: KitApp) -> bool:
    if not showing_name(app, "PrepareScreen"):
        return False
    tabs = app.screen.query_one("#prepare-tabs", TabbedContent)
    focused = app.focused
    return tabs.active == "safety" and focused is not None and (
        focused.id or "").startswith("safety-")


def showing_name(app: KitApp, name: str) -> bool:
    return type(app.screen).__name__ == name


async def test_the_palette_finds_every_areas_actions_from_home_and_the_safety_plan_opens(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        # Home has no actions of its own: before, "safety" found nothing here.
        offered = await _search(pilot, "safety", "My safety plan")
        assert "Export safety plan as PDF" in offered
        # Every area's actions, not only the current one's; no name twice.
        await pilot.press("escape")
        await pilot.pause()
        for words, name in (("open a packet", "Open a packet"),
                            ("log exposure", "Log exposure"), ("HIBP", "Forget my HIBP key")):
            offered = await _search(pilot, words, name)
            assert len(offered) == len(set(offered)), offered
            await pilot.press("escape")
            await pilot.pause()
        # Chosen on Home: Prepare opens on the Safety plan tab, focus in its first field.
        await _search(pilot, "safety", "My safety plan")
        await _choose(pilot, "My safety plan")
        await wait_for(pilot, lambda: _safety_plan_open(app), "the safety plan tab")
        await pilot.press("a")
        assert app.screen.query_one("#safety-trusted_people").text == "a"  # type: ignore[attr-defined]
        # From another area, an action of a third: the journal's new entry from Prepare.
        offered = await _search(pilot, "new journal", "New journal entry")
        assert offered.count("New journal entry") == 1
        await _choose(pilot, "New journal entry")
        await wait_for(pilot, lambda: showing(pilot, "EditorScreen"), "the journal editor")
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
        # Home's "My safety plan" button: the same tab, also on a second visit (the area is
        # already open, its steps list last had the focus).
        await pilot.press("f6")
        await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "Prepare")
        app.screen.query_one("#prepare-tabs", TabbedContent).active = "first"
        app.screen.query_one("#steps").focus()
        await pilot.press("f2")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "Home")
        app.screen.query_one("#quick-safety-plan").press()  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: _safety_plan_open(app), "the safety plan tab again")
        await pilot.press("f2")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "Home")
        app.screen.query_one("#quick-steps").press()  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: showing(pilot, "PrepareScreen") and app.screen.query_one(
            "#prepare-tabs", TabbedContent).active == "first", "Do this first")


def _palette_names(module: Path) -> dict[str, list[tuple[str, str]]]:
    """Each class's palette_commands() (name, help), read from the source (no screen is
    built)."""
    names: dict[str, list[tuple[str, str]]] = {}
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "palette_commands":
                    names[node.name] = [
                        (t.elts[0].value, t.elts[1].value) for t in ast.walk(item)
                        if isinstance(t, ast.Tuple) and len(t.elts) == 3
                        and isinstance(t.elts[0], ast.Constant)
                        and isinstance(t.elts[1], ast.Constant)]
    return names


def _sources(module: str) -> list[Path]:
    """The source of *module*: its file, or every file of a package (an area whose screen is
    a package, one module per tab)."""
    folder = Path(screens.__file__).parent
    name = module.rsplit(".", 1)[1]
    package = folder / name
    return sorted(package.glob("*.py")) if package.is_dir() else [folder / f"{name}.py"]


def test_the_palettes_list_names_what_each_areas_screen_offers() -> None:
    for area, (module, class_name) in AREAS.items():
        offered = [name for source in _sources(module)
                   for name in _palette_names(source).get(class_name, [])]
        assert list(AREA_ACTIONS.get(area, ())) == offered, area


async def test_the_palette_lists_in_the_same_order_each_time(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    # One source of commands: with two, the list's order was whichever answered first.
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette)
                           and app.screen.has_class("-ready"), "the palette's list")
            seen.append(_offered(app))
            await pilot.press("escape")
            await pilot.pause()
        assert all(names == seen[0] for names in seen), seen
        names = seen[0]
        # The areas' actions first (Home has none of its own), then the app's commands by name.
        assert names[0] == AREA_ACTIONS["journal"][0][0]
        commands = names[names.index("Check the vault"):]
        assert commands == sorted(commands)
