"""The upgrade path: every private part of Textual the kit relies on, named with the kit module
that uses it.

Textual (8.2) has no public way to do what these do (write to the terminal at once, skip work it
repeats, draw a tick by shape); pyproject.toml pins Textual to the range this file passes on.
Before moving that pin, install the new Textual and run this file first: a failure says which
part changed, who uses it, and what to do."""

from __future__ import annotations

import importlib
import inspect
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import textual
from packaging.requirements import Requirement
from textual.app import App, ComposeResult
from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Footer

from kit.tui.app import KitApp
from kit.tui.quick import terminal_driver
from kit.tui.widgets.choices import TickList
from kit.tui.widgets.ticks import TICKED, UNTICKED, ticks_by_shape

ROOT = Path(__file__).resolve().parents[2]


def test_the_textual_in_use_is_in_the_range_pinned() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(r for r in map(Requirement, dependencies) if r.name == "textual")
    assert pin.specifier.contains(textual.__version__), (
        f"Textual {textual.__version__} is outside the range pyproject.toml pins ({pin.specifier})."
        " If this file and tests/tui pass on it, move the pin to take it in.")


def changed(part: str, used_by: str) -> str:
    return (f"Textual {textual.__version__} changed {part}, which {used_by} relies on. Use "
            "Textual's public way if this version has one, or follow the change there; then "
            "move the Textual pin in pyproject.toml and run tests/tui.")


@dataclass(frozen=True)
class Method:
    """A method of Textual's that the kit wraps or replaces, calling the original with these
    parameters."""

    owner: type
    name: str
    parameters: tuple[str, ...]
    used_by: str


METHODS = (
    Method(Screen, "_on_screen_resume", ("self", "event"), "kit/tui/quick.py (quick_resume)"),
    Method(Screen, "_on_screen_suspend", ("self",), "kit/tui/quick.py (quick_resume)"),
    Method(Screen, "_refresh_layout", ("self", "size", "scroll"),
           "kit/tui/quick.py (quick_layout)"),
    Method(Screen, "_screen_resized", ("self", "size"), "kit/tui/quick.py (quick_layout)"),
    Method(Widget, "_size_updated",
           ("self", "size", "virtual_size", "container_size", "layout"),
           "kit/tui/quick.py (quick_layout)"),
    Method(Footer, "bindings_changed", ("self", "screen"), "kit/tui/quick.py (quick_footer)"),
    Method(Stylesheet, "set_variables", ("self", "variables"),
           "kit/tui/quick.py (KeptStylesheet)"),
)


def original(method: Method) -> Any:
    """The method as Textual defines it (the kit may have wrapped it in this process)."""
    module = importlib.import_module(method.owner.__module__)
    value = getattr(module, method.owner.__name__).__dict__.get(method.name)
    wrapped = getattr(value, "__wrapped__", None)
    if value is not None and getattr(value, "__module__", "").startswith("kit."):
        # Replaced by the kit: the original is in its closure.
        cells = [cell.cell_contents for cell in value.__closure__ or ()]
        value = next((c for c in cells if getattr(c, "__name__", None) == method.name), None)
    return wrapped or value


@pytest.mark.parametrize("method", METHODS, ids=lambda m: f"{m.owner.__name__}.{m.name}")
def test_each_wrapped_method_is_there_with_its_parameters(method: Method) -> None:
    function = original(method)
    part = f"{method.owner.__name__}.{method.name}"
    assert callable(function), changed(f"{part} (gone)", method.used_by)
    assert function.__module__.startswith("textual."), function  # Textual's, not the kit's
    parameters = tuple(inspect.signature(function).parameters)
    assert parameters == method.parameters, changed(
        f"{part}'s parameters, {method.parameters} -> {parameters}", method.used_by)


def test_the_footer_parts_are_there() -> None:
    used_by = "kit/tui/quick.py and kit/tui/footer_fit.py (a footer's keys, built again)"
    try:
        from textual.widgets import _footer
    except ImportError:
        pytest.fail(changed("the module textual.widgets._footer (gone)", used_by))
    for name in ("FooterKey", "FooterLabel", "KeyGroup"):
        assert isinstance(getattr(_footer, name, None), type), changed(
            f"textual.widgets._footer.{name} (gone)", used_by)
    expected = ("self", "key", "key_display", "description", "action", "disabled", "tooltip",
                "classes")
    found = tuple(inspect.signature(_footer.FooterKey.__init__).parameters)
    assert found == expected, changed(f"FooterKey's parameters ({found})", used_by)
    assert "_bindings_ready" in Footer._reactives, changed("Footer._bindings_ready", used_by)


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield Checkbox("Show finished", id="box")
        yield TickList(("Images", "images"), ("Video", "video"), id="ticks")
        yield Footer()


async def test_the_app_parts_are_there_while_it_runs() -> None:
    app = Boxes()
    assert terminal_driver(app) is None  # no terminal yet: nothing is written
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        used_by = "kit/tui/quick.py (Quick.write_at_once: the title, the erase at a hide)"
        assert "_driver" in vars(app), changed("App._driver (gone)", used_by)
        driver = terminal_driver(app)
        assert driver is not None, changed("App._driver (None while running)", used_by)
        assert callable(driver.write) and callable(driver.flush), changed(
            "the driver's write and flush", used_by)

        used_by = "kit/tui/quick.py (Quick.refresh_css, quick_layout)"
        screen = app.screen
        assert isinstance(app._css_update_count, int), changed("App._css_update_count", used_by)
        assert isinstance(screen._css_update_count, int), changed(
            "Screen._css_update_count", used_by)
        for name in ("_layout_required", "_layout_widgets", "_dirty_widgets"):
            assert hasattr(screen, name), changed(f"Screen.{name}", used_by)

        used_by = "kit/tui/quick.py (KeptStylesheet)"
        stylesheet = app.stylesheet
        assert isinstance(getattr(stylesheet, "_parse_cache", None), LRUCache), changed(
            "Stylesheet._parse_cache", used_by)
        assert isinstance(getattr(stylesheet, "_variables", None), dict), changed(
            "Stylesheet._variables", used_by)

        assert app.screen.query_one(Footer)._bindings_ready, changed(
            "Footer._bindings_ready (never set)", "kit/tui/quick.py and kit/tui/footer_fit.py")


async def test_ticks_are_drawn_by_shape() -> None:
    ticks_by_shape()
    app = Boxes()
    async with app.run_test(size=(60, 10)) as pilot:
        box = app.screen.query_one("#box", Checkbox)
        ticks = app.screen.query_one("#ticks", TickList)
        ticks.select("video")
        await pilot.pause()
        box_used_by = "kit/tui/widgets/choices.py (ticks_by_shape)"
        assert f"{Checkbox.BUTTON_LEFT}{UNTICKED}{Checkbox.BUTTON_RIGHT}" in (
            box.render_line(0).text), changed("how a Checkbox draws its mark", box_used_by)
        box.value = True
        await pilot.pause()
        assert f"{Checkbox.BUTTON_LEFT}{TICKED}{Checkbox.BUTTON_RIGHT}" in (
            box.render_line(0).text), changed("how a Checkbox draws its mark", box_used_by)

        list_used_by = "kit/tui/widgets/choices.py (TickList)"
        lines = [ticks.render_line(y).text for y in range(2)]
        assert lines[0].startswith(f"{Checkbox.BUTTON_LEFT}{UNTICKED}{Checkbox.BUTTON_RIGHT}"), (
            changed(f"how a SelectionList draws its boxes ({lines[0]!r})", list_used_by))
        assert lines[1].startswith(f"{Checkbox.BUTTON_LEFT}{TICKED}{Checkbox.BUTTON_RIGHT}"), (
            changed(f"how a SelectionList draws its boxes ({lines[1]!r})", list_used_by))


async def test_the_window_title_reaches_the_terminal_at_once(
        make_app: Any, vault_path: Path) -> None:
    app: KitApp = make_app()
    app.set_window_title("before it runs")  # no terminal yet: nothing written, nothing raised
    async with app.run_test() as pilot:
        await pilot.pause()
        driver = terminal_driver(app)
        assert driver is not None
        written: list[str] = []
        driver.write = written.append  # type: ignore[method-assign]
        app.set_window_title("Kit\x1b]2;forged\x07")
        assert written == ["\x1b]2;Kit]2;forged\x07"]


async def test_the_palettes_styles_are_all_parsed_before_it_opens(
        make_app: Any, vault_path: Path) -> None:
    # Quick.style_ahead names the palette's widgets and reads each one's DEFAULT_CSS through
    # DOMNode._get_default_css; a Textual whose palette is made of other widgets fails here.
    used_by = "kit/tui/quick.py (Quick.style_ahead)"
    app: KitApp = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.style_ahead()
        sources = set(app.stylesheet.source)
        app.action_command_palette()
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        new = set(app.stylesheet.source) - sources
        assert not new, changed(f"the command palette's widgets ({sorted(new)} are new)", used_by)
