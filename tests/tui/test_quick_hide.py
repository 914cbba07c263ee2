"""The quick-hide key (ctrl+l) wherever the focus happens to be.

For each place a person might be typing or reading when someone walks up, the key must: show
the neutral screen at once, close the vault, leave no screen in any mode holding an editor, a
list of entries or any private text (a typed passphrase, the new recovery key, journal words),
retitle the terminal "Terminal", and go to the lock screen (or the welcome screen when there is
no vault yet) on the next key.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from kit.records.journal import Journal
from kit.tui.app import APP_TITLE, NEUTRAL_TITLE, KitApp
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.text_view import TextView
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import SIZE, unlock, wait_for

WORD = "marigold" + secrets.token_hex(4)  # in the one journal entry of the unlocked cases
TYPED = "k" + secrets.token_hex(3)  # typed into the focused field just before the key


def all_screens(app: KitApp) -> Iterator[Screen[Any]]:
    """Every screen the app still holds: each mode's stack and the current stack."""
    seen: set[int] = set()
    for stack in [*app._screen_stacks.values(), app.screen_stack]:
        for screen in stack:
            if id(screen) not in seen:
                seen.add(id(screen))
                yield screen


def held_text(widget: Widget) -> str:
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Static):
        return str(widget.content)
    if isinstance(widget, EntryList):
        return "\n".join(str(item) for item in widget.items)
    if isinstance(widget, TextView):
        return widget.text.plain
    return ""


def leftovers(app: KitApp, private: list[str]) -> list[str]:
    """What the app's screens still hold that a quick-hide must have dropped."""
    found = []
    for screen in all_screens(app):
        for widget in screen.query("*"):
            where = f"{type(screen).__name__} {type(widget).__name__}#{widget.id}"
            if isinstance(widget, TextArea | EntryList | TextView):
                found.append(where)
            text = held_text(widget)
            found += [f"{where} holds {secret!r}" for secret in private if secret in text]
    return found


@dataclass
class Case:
    vault: bool  # a vault with one entry exists (so the app starts locked)
    arrive: Callable[[Any], Awaitable[list[str]]]  # gets there; returns the private strings
    focus: str  # the type of the focused widget when ctrl+l is pressed
    screen: str  # the screen on top when ctrl+l is pressed


async def type_into(pilot: Any, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector).focus()
    await pilot.pause()
    await pilot.press(*text)


async def lock_input(pilot: Any) -> list[str]:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "LockScreen")
    await type_into(pilot, "#passphrase", TYPED)
    return [TYPED]


async def welcome_passphrase(pilot: Any) -> list[str]:
    await pilot.pause()
    await pilot.press("enter")  # Continue
    await type_into(pilot, "#new", TYPED)
    return [TYPED]


async def welcome_recovery(pilot: Any) -> list[str]:
    app = pilot.app
    await pilot.pause()
    await pilot.press("enter")
    app.screen.query_one("#new", Input).value = PASSPHRASE
    again = app.screen.query_one("#again", Input)
    again.value = PASSPHRASE
    again.focus()
    await pilot.press("enter")  # "Create my vault"
    await wait_for(pilot, lambda: app.screen.query_one("#steps").current == "recovery")
    key = str(app.screen.query_one("#recovery-key", Static).content)
    assert len(key) > 40
    await pilot.pause()
    return [key]


async def journal(pilot: Any) -> None:
    await unlock(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "JournalScreen")
    await wait_for(pilot, lambda: bool(pilot.app.screen.query_one(EntryList).items))


async def journal_search(pilot: Any) -> list[str]:
    await journal(pilot)
    await pilot.press("ctrl+f")
    await pilot.press(*WORD[:6])
    return [WORD]


async def editor(pilot: Any) -> None:
    await journal(pilot)
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "EditorScreen")


async def editor_text(pilot: Any) -> list[str]:
    await editor(pilot)
    await type_into(pilot, "#text", TYPED)
    return [TYPED, WORD]


CLOSED_SCREENS: list[Screen[Any]] = []


async def editor_reopened(pilot: Any) -> list[str]:
    """A second editor: the first one, saved and closed, must not trip up the lock. It is held
    here, as a reference cycle holds it in the app until the garbage collector happens to run."""
    await editor(pilot)
    await type_into(pilot, "#text", "first")
    await pilot.press("ctrl+s")
    CLOSED_SCREENS.append(pilot.app.screen)
    await pilot.press("escape")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "JournalScreen")
    await pilot.press("ctrl+n")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "EditorScreen")
    await type_into(pilot, "#text", TYPED)
    return [TYPED, WORD]


async def editor_tags(pilot: Any) -> list[str]:
    await editor(pilot)
    await type_into(pilot, "#text", "draft")
    await type_into(pilot, "#tags", TYPED)
    return [TYPED, WORD]


async def editor_mood(pilot: Any) -> list[str]:
    await editor(pilot)
    await type_into(pilot, "#text", TYPED)
    await type_into(pilot, "#mood", "7")
    return [TYPED, WORD]


async def confirm_dialog(pilot: Any) -> list[str]:
    await journal(pilot)
    await pilot.press("ctrl+d")  # "Delete the entry ... “<title>”?"
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmDialog")
    return [WORD]


async def help_modal(pilot: Any) -> list[str]:
    await journal(pilot)
    await pilot.press("f1")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")
    return [WORD]


async def command_palette(pilot: Any) -> list[str]:
    await journal(pilot)
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "CommandPalette")
    await pilot.press(*"journal")
    await pilot.pause()
    return [WORD]


CASES = {
    "lock-passphrase": Case(True, lock_input, "Input", "LockScreen"),
    "welcome-passphrase": Case(False, welcome_passphrase, "Input", "WelcomeScreen"),
    "welcome-recovery-key": Case(False, welcome_recovery, "Checkbox", "WelcomeScreen"),
    "journal-search": Case(True, journal_search, "SearchField", "JournalScreen"),
    "editor-text": Case(True, editor_text, "TextArea", "EditorScreen"),
    "editor-reopened": Case(True, editor_reopened, "TextArea", "EditorScreen"),
    "editor-tags": Case(True, editor_tags, "Input", "EditorScreen"),
    "editor-mood": Case(True, editor_mood, "Input", "EditorScreen"),
    "confirm-dialog": Case(True, confirm_dialog, "Button", "ConfirmDialog"),
    "help-modal": Case(True, help_modal, "VerticalScroll", "HelpScreen"),
    "command-palette": Case(True, command_palette, "CommandInput", "CommandPalette"),
}


@pytest.fixture
def with_entry(vault_path: Path) -> Path:
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    with vault:
        Journal(vault).add(f"Hard visit; the {WORD} on the sill helped.", ["visits"], 4)
    return vault_path


@pytest.mark.parametrize("name", list(CASES))
async def test_quick_hide_drops_everything(name: str, make_app: Callable[..., KitApp],
                                           vault_path: Path, request: Any) -> None:
    case = CASES[name]
    CLOSED_SCREENS.clear()
    if case.vault:
        request.getfixturevalue("with_entry")
    app = make_app()
    titles: list[str] = []
    write_title = app.set_window_title

    def record_title(title: str) -> None:
        titles.append(title)
        write_title(title)

    app.set_window_title = record_title  # type: ignore[method-assign]

    async with app.run_test(size=SIZE) as pilot:
        private = await case.arrive(pilot)
        assert type(app.screen).__name__ == case.screen
        assert type(app.focused).__name__ == case.focus
        assert leftovers(app, private), "the check must see the private text before hiding"
        assert titles[-1] == APP_TITLE

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HiddenScreen"
                       and not app._locking)
        await pilot.pause()

        assert app.workspace is None
        assert leftovers(app, private) == []
        assert [type(s).__name__ for s in app.screen_stack] == ["HiddenScreen"]
        assert titles[-1] == NEUTRAL_TITLE
        assert not str(app.screen.query_one("#neutral", Static).content)

        await pilot.press("x")
        expected = "LockScreen" if vault_path.exists() else "WelcomeScreen"
        await wait_for(pilot, lambda: type(app.screen).__name__ == expected)
        await pilot.pause()
        assert app.workspace is None
        assert leftovers(app, private) == []
        if expected == "LockScreen":
            assert app.screen.query_one("#passphrase", Input).value == ""
        else:
            assert app.screen.query_one("#steps").current == "intro"

    if case.vault:
        with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault:
            texts = [e.text for e in Journal(vault).entries()]
        assert sum(WORD in text for text in texts) == 1  # hiding deleted nothing
        assert len(texts) == (2 if name == "editor-reopened" else 1)  # nor saved anything


async def test_secrets_typed_before_unlocking_stay_out_of_worker_descriptions(
        make_app: Callable[..., KitApp], vault_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Textual logs each worker's description and keeps finished workers reachable after the
    lock (a lock cannot drop what it cannot see), so a passphrase must never be put in one."""
    from textual.worker import Worker

    descriptions: list[str] = []
    start = Worker.__init__

    def spy(self: Worker[Any], *args: Any, **kwargs: Any) -> None:
        start(self, *args, **kwargs)
        descriptions.append(self.description)

    monkeypatch.setattr(Worker, "__init__", spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await welcome_recovery(pilot)  # the create worker gets the new passphrase
        await pilot.click("#written")
        await pilot.click("#recovery-done")  # the vault is made only once the key is written
        await wait_for(pilot, lambda: app.workspace is not None)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HiddenScreen")
        await pilot.press("x")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LockScreen")
        await unlock(pilot)  # the unlock worker gets the passphrase
    assert len(descriptions) >= 2
    assert [d for d in descriptions if PASSPHRASE in d] == []
