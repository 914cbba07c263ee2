"""The whole app by keyboard, as a person without a mouse uses it (issue 15, "Lost or
swallowed input").

On every screen, and on every tab of every area, Tab goes round every stop. Each stop must show
that it has the focus, and be either a field that takes what is typed or a control (a button, a
list, a box to read); never a box that shows nothing and swallows the first words typed. At each
stop every key that works everywhere (F1–F10, ctrl+l, ctrl+p, ctrl+q) is pressed: it must reach
the app (the app's action runs, recorded rather than done, so one session can press them all)
and change nothing in the field, text boxes included, whose own F6/F7 select a line or all the
text so that the next key typed replaces it.

One Pilot session covers many screens, to keep the suite fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual import events
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Input,
    OptionList,
    Select,
    SelectionList,
    TabbedContent,
    Tabs,
    TextArea,
)

from kit.demo import prepare_demo
from kit.records.exposure import Exposure
from kit.records.incidents import Incidents
from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.scale import ScaleInput
from kit.tui.widgets.text_view import TextView
from kit.vault import Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import FIXED_NOW, reach_recovery_key, showing, unlock, wait_for

# Each key that works everywhere, and the app action it must reach.
EVERYWHERE: dict[str, tuple[Any, ...]] = {
    "f1": ("help",), "f2": ("area", "home"), "f3": ("area", "journal"),
    "f4": ("area", "exposure"), "f5": ("area", "wellbeing"), "f6": ("area", "prepare"),
    "f7": ("area", "incidents"), "f8": ("area", "footprint"), "f9": ("happening_now",),
    "f10": ("area", "supervision"), "ctrl+l": ("hide",), "ctrl+p": ("command_palette",),
    "ctrl+q": ("quit",),
}
# Actions that wait for the vault to be open (before that the key does nothing).
NEED_UNLOCKED = {"area"}

FIELDS = (Input, TextArea)
# Stops that are not fields: each shows it has the focus, and typing a letter there is a
# deliberate no-op (or the screen's own one-letter key, listed in its footer).
CONTROLS = (Button, Checkbox, Select, Tabs, OptionList, DataTable, SelectionList, EntryList,
            ScaleInput, VerticalScroll, TextView)


class KeyLog:
    """Stands in for the app's actions while the keys are pressed, and records each call."""

    def __init__(self, app: KitApp) -> None:
        self.app, self.calls = app, list[tuple[Any, ...]]()

    @contextmanager
    def recording(self) -> Iterator[list[tuple[Any, ...]]]:
        names = {action for action, *_ in EVERYWHERE.values()}
        for name in names:
            setattr(self.app, f"action_{name}",
                    lambda *args, _name=name: self.calls.append((_name, *args)))
        try:
            self.calls.clear()
            yield self.calls
        finally:
            for name in names:
                delattr(self.app, f"action_{name}")


def shown_region(app: KitApp, widget: Widget) -> Region:
    """The part of the widget on the screen (none when scrolled or pushed out of view)."""
    visible = app.screen._compositor.visible_widgets
    if widget not in visible:
        return Region()
    region, clip = visible[widget]
    return region.intersection(clip)


def looks(widget: Widget) -> list[tuple[str, str]]:
    """What the widget and its parts draw (a Select's focus shows on the part it holds): each
    run of cells' text and style."""
    parts = [widget, *(w for w in widget.walk_children(Widget) if w.display)]
    return [(segment.text, str(segment.style)) for part in parts
            for strip in part.render_lines(part.size.region) for segment in strip]


def field_state(widget: Widget) -> tuple[Any, ...]:
    if isinstance(widget, TextArea):
        return widget.text, widget.selection
    if isinstance(widget, Input):
        return widget.value, widget.selection
    return ()


async def press_at_once(pilot: Pilot[Any], *keys: str) -> None:
    """Send the keys as a terminal does when they come quickly, then wait for them: the same
    path as Pilot.press (the app's priority bindings, then the focused widget), without its
    wait for the processor to go idle after each key (most of a walk's time)."""
    app = pilot.app
    for key in keys:
        event = events.Key(key, None)
        event.set_sender(app)
        app.post_message(event)
    # The app hands a key on to the focused widget, which may tell its screen: three rounds
    # of every pending message, then the screen is laid out again.
    for _ in range(3):
        await pilot.pause(0)


def where(app: KitApp, widget: Widget) -> str:
    return f"{type(app.screen).__name__}: {type(widget).__name__}#{widget.id}"


def editable(widget: Widget) -> bool:
    return isinstance(widget, FIELDS) and not getattr(widget, "read_only", False) \
        and not widget.disabled


async def arrive(pilot: Pilot[Any], log: KeyLog, unlocked: bool, widget: Widget,
                 by_tab: bool) -> None:
    """Move to *widget* (by Tab, or by putting the focus there) and check it as one stop.

    Then the keys go as one burst, as quick typing does: in a field a digit, then every key
    that works everywhere, then in a text box another digit. Each of those keys must reach
    the app and leave the text as typed: a text box that took F6 or F7 (select the line, or
    all) would have the second digit replace what it selected."""
    app: Any = pilot.app
    if app.focused is widget:  # to see how it looks without the focus
        app.screen.set_focus(None)
        await pilot.pause()
    unfocused = (widget.size, looks(widget))
    before = field_state(widget)
    typed = editable(widget)
    if by_tab:
        await press_at_once(pilot, "tab")
    else:
        app.screen.set_focus(widget)
        await pilot.pause()
    at = where(app, widget)
    assert app.focused is widget, f"{at} should have the focus, but {app.focused!r} has"
    keys = [*(["7"] if typed else []), *EVERYWHERE,
            *(["8"] if isinstance(widget, TextArea) and typed else [])]
    with log.recording() as calls:
        await press_at_once(pilot, *keys)
    assert app.focused is widget, f"{at}: a key moved the focus to {app.focused!r}"

    region = shown_region(app, widget)
    for _ in range(3):  # a box scrolls to show what has the focus after the next refresh
        if region.area:
            break
        await pilot.pause()
        region = shown_region(app, widget)
    assert region.area > 0, f"{at} has the focus but is not on the screen"

    # Seen: the stop looks different with the focus than without it.
    focused = looks(widget)
    if unfocused[0] != widget.size:  # it changed size on the way: look again without
        app.screen.set_focus(None)
        await pilot.pause()
        unfocused = (widget.size, looks(widget))
        app.screen.set_focus(widget)
        await pilot.pause()
    assert focused != unfocused[1], f"{at} shows no sign of having the focus"

    assert isinstance(widget, FIELDS + CONTROLS), f"{at} is a stop that is neither a field " \
        "nor a control"
    if isinstance(widget, VerticalScroll | TextView):
        # A box is a stop only to be read: nothing inside takes the focus, and it scrolls.
        inside = [w for w in widget.query("*") if w.focusable]
        assert not inside, f"{at} is a stop, though it holds {inside[0]!r}"
        assert widget.max_scroll_y > 0 or widget.max_scroll_x > 0, f"{at} has nothing to scroll"

    expected = [call for call in EVERYWHERE.values()
                if unlocked or call[0] not in NEED_UNLOCKED]
    missing = [call for call in expected if call not in calls]
    assert not missing and len(calls) == len(expected), \
        f"{at}: these keys did not reach the app: {missing} (it got {calls})"
    if typed:
        text = field_state(widget)[0]
        landed = "78" if isinstance(widget, TextArea) else "7"
        assert landed in text, f"{at}: typed {landed!r} around the app's keys, and it holds " \
            f"{text!r}: typing went nowhere, or a key that works everywhere changed the text"
        # As it was, so typing here changes nothing further on (a search, a draft).
        if isinstance(widget, TextArea):
            widget.text = before[0]
        else:
            widget.value = before[0]
    else:
        assert field_state(widget) == before, f"{at}: a key changed what it holds"


async def walk(pilot: Pilot[Any], log: KeyLog, unlocked: bool = True) -> list[Widget]:
    """Tab round every stop on the screen shown, checking each; return the stops in order."""
    app: Any = pilot.app
    chain = app.screen.focus_chain
    assert chain, f"{type(app.screen).__name__} has no Tab stop"
    start = app.focused if app.focused in chain else chain[0]
    await arrive(pilot, log, unlocked, start, by_tab=False)
    seen: list[Widget] = [start]
    for _ in range(len(chain) + 5):
        chain = app.screen.focus_chain
        following = chain[(chain.index(app.focused) + 1) % len(chain)]
        if following is start:
            break
        await arrive(pilot, log, unlocked, following, by_tab=True)
        seen.append(following)
    else:
        raise AssertionError(f"{type(app.screen).__name__}: Tab never came back round")
    await press_at_once(pilot, "tab")
    assert app.focused is start, f"{type(app.screen).__name__}: Tab did not come back round"
    missed = [w for w in app.screen.focus_chain if w not in seen]
    assert not missed, f"{type(app.screen).__name__}: Tab never reached {missed}"
    return seen


async def each_tab(pilot: Pilot[Any], log: KeyLog, tabs_id: str) -> None:
    app: Any = pilot.app
    tabs = app.screen.query_one(f"#{tabs_id}", TabbedContent)
    for pane in [p.id for p in tabs.query("TabPane")]:
        tabs.active = pane
        # A tab's content may be built when it is first shown (Supervision's panes are).
        await wait_for(pilot, lambda p=pane: tabs.active == p
                       and bool(tabs.get_pane(p).children), pane)
        await pilot.pause()
        await walk(pilot, log)


async def tabs_by_key(pilot: Pilot[Any], tabs_id: str) -> None:
    """ctrl+t, from anywhere in the area (a field included), shows the next tab and puts the
    focus on the tab bar; after the last, the first. The footer offers it."""
    app: Any = pilot.app
    tabs = app.screen.query_one(f"#{tabs_id}", TabbedContent)
    panes = [pane.id for pane in tabs.query("TabPane")]
    binding = app.screen.active_bindings.get("ctrl+t")
    assert binding is not None and binding.enabled and binding.binding.show, \
        f"{type(app.screen).__name__}: the footer does not offer ctrl+t"
    tabs.active = panes[0]
    await pilot.pause()
    fields = [w for w in app.screen.focus_chain if isinstance(w, FIELDS)]
    app.screen.set_focus(fields[0] if fields else app.screen.focus_chain[-1])
    await pilot.pause()
    for expected in [*panes[1:], panes[0]]:
        await pilot.press("ctrl+t")
        assert tabs.active == expected, f"ctrl+t showed {tabs.active}, not {expected}"
        assert isinstance(app.focused, Tabs)


async def area(pilot: Pilot[Any], mode: str, screen: str) -> None:
    pilot.app.switch_mode(mode)
    await wait_for(pilot, lambda: showing(pilot, screen), screen)
    await pilot.pause()


async def pushed(pilot: Pilot[Any], key: str, screen: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: showing(pilot, screen), screen)
    await pilot.pause()


async def refused_checks_focus_their_field(pilot: Pilot[Any]) -> None:
    """A footprint check pressed with its field empty says why and puts the focus there, so
    the words typed next are not lost on the button."""
    app: Any = pilot.app
    app.screen.query_one("#footprint-tabs", TabbedContent).active = "checks-tab"
    await pilot.pause()
    for button, field in (("#check-password", "#password"), ("#check-gravatar", "#email"),
                          ("#check-email", "#email"), ("#check-domain", "#domain"),
                          ("#scan-usernames", "#usernames"), ("#check-photos", "#photos")):
        app.screen.query_one(field, Input).value = ""
        app.screen.set_focus(app.screen.query_one(button))
        await pilot.press("enter")
        assert app.focused is app.screen.query_one(field), \
            f"{button} refused, but the focus is on {app.focused!r}"
        await pilot.press("x")
        assert app.screen.query_one(field, Input).value == "x"


@pytest.fixture(autouse=True)
def footer_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The footer draws all its keys again each time the focus moves: most of what a Tab costs
    in a test. These walks read the bindings, never the footer (the snapshots show it), so here
    it is left as first drawn."""
    monkeypatch.setattr(Footer, "bindings_changed", lambda self, screen: None)


def test_help_names_the_tab_key() -> None:
    from importlib import resources

    text = resources.files("kit.tui").joinpath("help.md").read_text(encoding="utf-8")
    assert "| ctrl+t | Next tab" in text


@pytest.fixture
def filled_vault(vault_path: Path) -> Path:
    """A vault with something in every list, so each list's focus shows a highlighted row."""
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    try:
        Journal(vault).add("A made-up day.\nNothing real.", ["test"], 5,
                           when=FIXED_NOW - timedelta(days=1))
        Exposure(vault).add(material=["text"], impact=3, when=FIXED_NOW - timedelta(days=2),
                            minutes=30, volume="few", steps=["breaks"])
        Incidents(vault).add(category="doxing", platform="A made-up forum",
                             when=FIXED_NOW - timedelta(days=2), description="Made up.")
    finally:
        vault.close()
    return vault_path


async def test_every_area_and_form_by_keyboard(make_app: Callable[..., KitApp],
                                              filled_vault: Path) -> None:
    app = make_app()
    log = KeyLog(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await pilot.pause()
        await walk(pilot, log, unlocked=False)
        await unlock(pilot)

        await walk(pilot, log)  # Home
        await area(pilot, "journal", "JournalScreen")
        assert "ctrl+t" not in app.screen.active_bindings  # no tabs here: not offered
        await walk(pilot, log)
        await pushed(pilot, "ctrl+n", "EditorScreen")
        await walk(pilot, log)
        await area(pilot, "exposure", "ExposureScreen")
        await walk(pilot, log)
        await pushed(pilot, "ctrl+n", "ExposureForm")
        await walk(pilot, log)
        await area(pilot, "wellbeing", "WellbeingScreen")
        await each_tab(pilot, log, "wellbeing-tabs")
        await tabs_by_key(pilot, "wellbeing-tabs")
        await area(pilot, "prepare", "PrepareScreen")
        await each_tab(pilot, log, "prepare-tabs")
        await tabs_by_key(pilot, "prepare-tabs")
        await area(pilot, "incidents", "IncidentsScreen")
        await walk(pilot, log)
        await pushed(pilot, "r", "RemovalsScreen")
        await walk(pilot, log)
        await pushed(pilot, "ctrl+n", "RemovalForm")
        await walk(pilot, log)
        app.pop_screen()
        app.pop_screen()
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "IncidentsScreen")
        await pushed(pilot, "ctrl+n", "IncidentForm")
        await walk(pilot, log)
        await area(pilot, "footprint", "FootprintScreen")
        await each_tab(pilot, log, "footprint-tabs")
        await tabs_by_key(pilot, "footprint-tabs")
        await refused_checks_focus_their_field(pilot)
        await pushed(pilot, "f9", "HappeningNowScreen")
        await walk(pilot, log)


async def test_supervision_by_keyboard(make_app: Callable[..., KitApp], tmp_path: Path) -> None:
    demo = prepare_demo(FIXED_NOW, parent=tmp_path)
    app = make_app(vault_path=demo.path, demo=True, demo_passphrase=demo.passphrase)
    log = KeyLog(app)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: app.workspace is not None
                           and showing(pilot, "HomeScreen"), "the demo to open")
            await area(pilot, "supervision", "SupervisionScreen")
            await each_tab(pilot, log, "supervision-tabs")
            await tabs_by_key(pilot, "supervision-tabs")
            app.screen.query_one("#supervision-tabs", TabbedContent).active = "records-tab"
            await pilot.pause()
            await pushed(pilot, "ctrl+n", "SessionForm")
            await walk(pilot, log)
    finally:
        demo.cleanup()


async def test_first_run_by_keyboard(make_app: Callable[..., KitApp]) -> None:
    """The welcome's steps; a refused passphrase puts the focus where the retyping belongs; the
    recovery key's box takes Space at once."""
    app = make_app()
    log = KeyLog(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await walk(pilot, log, unlocked=False)  # the welcome
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#steps").current
                       == "passphrase-step", "the passphrase step")
        await walk(pilot, log, unlocked=False)

        # Two different passphrases: the focus goes to the second field, emptied, so the
        # confirmation typed again lands there.
        new, again = app.screen.query_one("#new", Input), app.screen.query_one("#again", Input)
        new.focus()
        await pilot.press(*PASSPHRASE, "enter", *"not the same", "enter")
        assert "different" in str(app.screen.query_one("#mismatch").render())
        assert app.focused is again and again.value == ""
        await pilot.press(*PASSPHRASE)
        assert again.value == PASSPHRASE and new.value == PASSPHRASE

        # Too short: the focus goes to the first field.
        new.value, again.value = "short", "short"
        await pilot.press("enter")
        assert app.focused is new

        await reach_recovery_key(pilot)
        written = app.screen.query_one("#written", Checkbox)
        await wait_for(pilot, lambda: app.focused is written, "the focus on the box to tick")
        await pilot.press("space")
        assert app.screen.query_one("#written", Checkbox).value
        assert not app.screen.query_one("#recovery-done", Button).disabled
        await walk(pilot, log, unlocked=False)


# --- dialogs: first field focused, Enter submits, the fault gets the focus, buttons in view ---


def buttons_in_view(app: KitApp) -> None:
    """Every button of the dialog shown is wholly on the screen, inside the dialog's frame."""
    screen = app.screen
    frame = shown_region(app, screen.query_one(".dialog"))
    buttons = list(screen.query(".buttons Button"))
    assert buttons, f"{type(screen).__name__} has no buttons"
    for button in buttons:
        shown = shown_region(app, button)
        assert shown == button.region and frame.contains_region(shown), \
            f"{type(screen).__name__}: the {button.label} button is cut or off the screen"


async def opened(pilot: Pilot[Any], dialog: Any, focus: str) -> list[Any]:
    """Show *dialog*, check where the focus starts and that its buttons are in view; the list
    receives its answer."""
    answers: list[Any] = []
    pilot.app.push_screen(dialog, answers.append)
    await wait_for(pilot, lambda: pilot.app.screen is dialog, type(dialog).__name__)
    await pilot.pause()
    assert pilot.app.focused is dialog.query_one(focus), \
        f"{type(dialog).__name__} opened with the focus on {pilot.app.focused!r}"
    buttons_in_view(pilot.app)
    return answers


async def type_into(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text)


LONG = " ".join(["This sentence is here to make the text far longer than a small window."] * 12)


async def test_every_dialog_by_keyboard_at_80x24(make_app: Callable[..., KitApp],
                                                closed_vault: Path, tmp_path: Path) -> None:
    from kit.errors import FingerprintMismatch, UsageError
    from kit.footprint import breaches
    from kit.tui.screens.consent import ConsentDialog
    from kit.tui.screens.help import HelpScreen
    from kit.tui.screens.supervision import (
        AddContactDialog,
        CommentDialog,
        ExportDialog,
        HandoverDialog,
        TextDialog,
    )
    from kit.tui.widgets.ask import Ask, AskDialog
    from kit.tui.widgets.confirm import ConfirmDialog

    def add(card: str, name: str, relation: str, fingerprint: str | None) -> Any:
        if fingerprint == "wrong":
            raise FingerprintMismatch("that is not the fingerprint of this card")
        if name == "Sam":
            raise UsageError("you already have a contact called 'Sam'; choose another name")
        return (card, name, relation, fingerprint)

    app = make_app()
    log = KeyLog(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")

        app.push_screen(HelpScreen())  # F1: a long text to read, and nothing else
        await wait_for(pilot, lambda: showing(pilot, "HelpScreen")
                       and app.screen.query_one("#help-box").max_scroll_y > 0, "the help")
        await walk(pilot, log, unlocked=False)
        await pilot.press("f1")  # F1 again closes it
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen again")

        answers = await opened(pilot, ConfirmDialog(LONG, yes="Delete"), "#no")
        await walk(pilot, log, unlocked=False)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [False]

        plan = breaches.plan("someone@example.org", "made-up-key", refresh_catalogue=True)
        dialog = ConsentDialog(plan)
        answers = await opened(pilot, dialog, "#consent-no")
        assert "Nothing is sent unless you press Send" in str(
            dialog.query_one(".dialog-foot .hint").render())
        stops = await walk(pilot, log, unlocked=False)  # the long plan is a stop, to read
        assert any(isinstance(stop, VerticalScroll) for stop in stops)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [False]

        dialog = AskDialog(LONG, [Ask("name", "Name"), Ask("where", "Where")],
                           required=["where"])
        answers = await opened(pilot, dialog, "#ask-name")
        await walk(pilot, log, unlocked=False)
        dialog.query_one("#ask-name").focus()
        await type_into(pilot, "Ada")
        await pilot.press("enter")  # Where is empty: refused, and the focus goes there
        assert app.focused is dialog.query_one("#ask-where") and not answers
        await type_into(pilot, "home")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [{"name": "Ada", "where": "home"}]

        dialog = TextDialog(LONG, "a card\n" * 30)
        answers = await opened(pilot, dialog, "#text-body")
        await walk(pilot, log, unlocked=False)
        await pilot.press("escape")

        dialog = AddContactDialog(add)
        answers = await opened(pilot, dialog, "#contact-card")
        await walk(pilot, log, unlocked=False)
        dialog.query_one("#contact-name").focus()
        await type_into(pilot, "Sam")
        await pilot.press("enter")  # no card yet
        assert app.focused is dialog.query_one("#contact-card") and not answers
        await type_into(pilot, "card text")
        await pilot.press("enter")  # Enter in a text box is a new line, not a submit
        assert app.focused is dialog.query_one("#contact-card") and not answers
        dialog.query_one("#contact-fingerprint").focus()
        await type_into(pilot, "wrong")
        await pilot.press("enter")
        assert app.focused is dialog.query_one("#contact-fingerprint") and not answers
        await pilot.press(*["backspace"] * 5, *"abcd")
        await pilot.press("enter")  # the name is taken
        assert app.focused is dialog.query_one("#contact-name") and not answers
        await pilot.press(*["backspace"] * 3, *"Ada", "enter")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [("card text\n", "Ada", "supervisor", "abcd")]

        dialog = CommentDialog(LONG, tmp_path / "answer.kitshare")
        answers = await opened(pilot, dialog, "#comment-text")
        await walk(pilot, log, unlocked=False)
        dialog.query_one("#comment-path").focus()
        await pilot.press("enter")  # no comment yet
        assert app.focused is dialog.query_one("#comment-text") and not answers
        await type_into(pilot, "Agreed")
        dialog.query_one("#comment-path").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [{"comment": "Agreed", "path": str(tmp_path / "answer.kitshare")}]

        # Its warning is kept in view above the fields, so it is the length the app gives it.
        dialog = ExportDialog("Export session record 1a2b3c4d about Ada (version 2).",
                              "The exported file is NOT encrypted: anyone who can open it can "
                              "read this supervision record. Keep it somewhere safe.",
                              tmp_path / "record")
        answers = await opened(pilot, dialog, "#export-format")
        await walk(pilot, log, unlocked=False)
        path = dialog.query_one("#export-path", Input)
        path.value = ""
        path.focus()
        await pilot.press("enter")
        assert app.focused is path and not answers
        await type_into(pilot, "out.md")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [{"format": "md", "path": "out.md"}]

        dialog = HandoverDialog(LONG, [(Text("Ada"), "ada"), (Text("Bo"), "bo")],
                                tmp_path / "handover")
        answers = await opened(pilot, dialog, "#handover-to")
        await walk(pilot, log, unlocked=False)
        dialog.query_one("#handover-path").focus()
        await pilot.press("enter")  # no supervisor chosen
        assert app.focused is dialog.query_one("#handover-to") and not answers
        dialog.query_one("#handover-to", Select).value = "bo"
        dialog.query_one("#handover-path").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [{"to": "bo", "path": str(tmp_path / "handover")}]

        # The vault's own dialogs (their flows: tests/tui/test_no_terminal_needed.py).
        from kit.tui.screens.key_change import KeyChangeDialog
        from kit.tui.screens.vault_check import VaultCheckDialog
        from kit.tui.widgets.new_recovery_key import NewRecoveryKeyDialog

        for change in ("keyring-on", "keyring-off", "finish"):
            answers = await opened(pilot, KeyChangeDialog(change), "#key-change-passphrase")
            await walk(pilot, log, unlocked=False)
            await pilot.press("escape")
            await wait_for(pilot, lambda: bool(answers), "the answer")  # noqa: B023
            assert answers == [False]

        dialog = NewRecoveryKeyDialog("-".join(["ABCD"] * 13))
        answers = await opened(pilot, dialog, "#new-key-written")
        await walk(pilot, log, unlocked=False)
        dialog.query_one("#new-key-written").focus()
        if not dialog.query_one("#new-key-written", Checkbox).value:
            await pilot.press("space")
        await pilot.press("tab", "enter")
        await wait_for(pilot, lambda: bool(answers), "the answer")
        assert answers == [True]

        answers = await opened(pilot, VaultCheckDialog(), "#vault-check-close")
        await walk(pilot, log, unlocked=False)
        await pilot.press("escape")
        await wait_for(pilot, lambda: bool(answers), "the answer")

        # Recovery from the lock screen is a whole screen: every stop, at 80x24.
        app.screen.query_one("#forgot").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "RecoverScreen"), "recovery")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#recovery-key-input")
        await walk(pilot, log, unlocked=False)
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen again")
