"""Keys changed in config.toml's [keys]: the app uses them, and the catalogue kit.keymap keeps
(for the config check and `kit keys`, without loading Textual) matches the app's BINDINGS."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.dom import DOMNode
from textual.widgets import Button
from textual.widgets._footer import FooterKey

import kit.tui
from kit import keymap
from kit.config import Config
from kit.tui.app import KitApp
from kit.tui.screens.help import HelpText
from tests.tui.conftest import SIZE, showing, unlock, wait_for


def _app_classes() -> dict[str, type[DOMNode]]:
    """Every screen, dialog and widget class the app defines."""
    found: dict[str, type[DOMNode]] = {}
    for info in pkgutil.walk_packages(kit.tui.__path__, "kit.tui."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, DOMNode) \
                    and cls.__module__ == module.__name__:
                assert cls.__name__ not in found, f"two classes called {cls.__name__}"
                found[cls.__name__] = cls
    return found


def test_the_catalogue_names_every_binding_the_app_has() -> None:
    places: dict[str, tuple[str, ...]] = {}
    seen: dict[str, tuple[set[str], str, bool]] = {}
    for name, cls in _app_classes().items():
        # Textual's own bindings (Tab, ctrl+q, a text box's keys) carry no id of the kit's.
        bindings = [b for _key, b in cls._merged_bindings if b.id]  # type: ignore[union-attr]
        if not bindings:
            continue
        places[name] = tuple(dict.fromkeys(b.id for b in bindings if b.id))
        for b in bindings:
            assert b.id is not None
            keys, what, priority = seen.setdefault(b.id, (set(), b.description, b.priority))
            assert (what, priority) == (b.description, b.priority), \
                f"binding id {b.id} means two things ({what!r} and {b.description!r})"
            keys.add(b.key)
    assert {p: set(ids) for p, ids in places.items()} == \
        {p: set(ids) for p, ids in keymap.PLACES.items()}, \
        "kit.keymap.PLACES must list every class with keys, and the ids that work there"
    assert set(seen) == set(keymap.BINDINGS)
    for binding_id, (keys, what, priority) in seen.items():
        known = keymap.BINDINGS[binding_id]
        assert (set(known.keys), known.what, known.while_typing) == (keys, what, priority), \
            f"kit.keymap.BINDINGS[{binding_id!r}] differs from the app's binding"


def test_every_key_name_the_check_accepts_is_one_textual_knows() -> None:
    from textual.keys import Keys, _character_to_key

    assert {ch: _character_to_key(ch) for ch in keymap._PUNCTUATION} == keymap._PUNCTUATION
    named = {k.value for k in Keys}
    letters = {_character_to_key(ch) for ch in "abcdefghijklmnopqrstuvwxyz0123456789"}
    assert not keymap.BASE_KEYS - named - letters - set(keymap._PUNCTUATION.values())
    assert set(keymap.NAMED_KEYS) <= named


async def test_a_changed_key_works_and_its_default_no_longer_does(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    changed = keymap.check({"area-journal": "ctrl+k", "area-home": "f3", "journal-new": "f12",
                            "hide": "ctrl+l,ctrl+b", "form-back": "f11"}, Path("config.toml"))
    app: KitApp = make_app(config=Config(keys=changed))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f3")  # Journal's default key: now Home's
        await pilot.pause()
        assert showing(pilot, "HomeScreen")
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
        await pilot.press("f2")  # Home's default key: now nothing
        await pilot.pause()
        assert showing(pilot, "JournalScreen")
        await pilot.press("f3")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "home by its new key")
        await pilot.press("ctrl+k")
        await wait_for(pilot, lambda: showing(pilot, "JournalScreen"), "the journal")
        journal = app.screen
        shown = {b.binding.id: key for key, b in journal.active_bindings.items()}
        assert shown["journal-new"] == "f12" and shown["area-journal"] == "ctrl+k"
        # The reserved keys keep their defaults, whatever else they gained.
        assert shown["hide"] in ("ctrl+l", "ctrl+b")
        assert {"ctrl+l", "ctrl+b", "f9"} <= set(journal.active_bindings)
        # Hints name the keys as they are.
        assert "Press F12 to write one." in str(journal.query_one("#count").render())
        # The footer shows the keys as they are: the area keys together, F2 not among them.
        await pilot.pause()
        shown_keys = [k.key_display for k in journal.query(FooterKey)]
        assert "f12" in shown_keys and "^n" not in shown_keys
        assert "f3…f10 ^k" in shown_keys or {"f3", "^k"} <= set(shown_keys), shown_keys
        assert not any(k.startswith("f2") for k in shown_keys), shown_keys
        await pilot.press("ctrl+n")  # the journal's old "New": nothing
        await pilot.pause()
        assert app.screen is journal
        await pilot.press("f1")  # the help puts the changed keys first
        await wait_for(pilot, lambda: bool(app.screen.query(HelpText)), "the help text")
        text = app.screen.query_one(HelpText).source
        assert text.index("## Keys you changed") < text.index("## Keys that work everywhere")
        assert "| f12 | ctrl+n | New (Journal) |" in text
        assert "| ctrl+l, ctrl+b | ctrl+l | Hide & lock (everywhere) |" in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is journal, "the journal again")
        await pilot.press("f12")
        await wait_for(pilot, lambda: showing(pilot, "EditorScreen"), "a new entry")
        # The form's buttons name the keys as they are now.
        assert str(app.screen.query_one("#back", Button).label) == "Back (F11)"
        assert str(app.screen.query_one("#save", Button).label) == "Save (ctrl+s)"
        await pilot.press("ctrl+b")  # the extra hide key
        await wait_for(pilot, lambda: showing(pilot, "HiddenScreen") and app.workspace is None,
                       "hidden and locked")
