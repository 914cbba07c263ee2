"""The terminal app: one factory for the command line and the tests (`KitApp(services)`).

Areas (home, journal, ...) are Textual modes, so work in one keeps running while the user looks
at another. Locking, by the quick-hide key or the idle timer, is the one place where decrypted
state is dropped: the screen changes first, then workers are cancelled, unsaved text is sealed
into the vault as a draft, every area's screens are removed, and the vault is closed.
"""

from __future__ import annotations

import importlib
import sys
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from typing_extensions import TypeVar  # a TypeVar default (PEP 696) before Python 3.13

from kit.config import Config
from kit.keymap import shown_key, table_to_keymap
from kit.tui.areas import AREA_KEYS, AREAS
from kit.tui.footer_fit import footers_fit
from kit.tui.palette import AreaCommands
from kit.tui.quick import Quick
from kit.tui.tab_stops import only_reading_boxes_stop
from kit.tui.terminal_guard import show_control_characters
from kit.tui.themes import THEMES
from kit.tui.widgets.ticks import ticks_by_shape

if TYPE_CHECKING:
    from textual.widgets import TabbedContent

    from kit.tui.screens.key_change import Change
    from kit.workspace import Workspace

NEUTRAL_TITLE = "Terminal"
APP_TITLE = "Frontline Kit"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppServices:
    """Everything the app needs from outside, so tests can hand in their own."""

    vault_path: Path
    config: Config = field(default_factory=Config)
    kdf_profile: str = "default"
    clock: Callable[[], datetime] = _now
    allow_keyring: bool = True
    demo: bool = False
    demo_passphrase: str | None = None  # demo only: the random key that opens its vault


# What a screen gives back when it closes (a form: the record it saved); None by default.
ResultT = TypeVar("ResultT", default=None)


class AreaScreen(Screen[ResultT]):
    """A screen that shows decrypted records: reloads on refresh, may hold a draft."""

    # An area with tabs (Wellbeing, Prepare, Footprint, Supervision) moves between them by key,
    # not only by finding the tab bar; the footer shows the key only where there are tabs.
    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+t", "next_tab", "Next tab", id="next-tab",
                tooltip="Show this area's next tab"),
    ]

    def on_mount(self) -> None:
        self.kit_app.area_screens.add(self)

    def on_unmount(self) -> None:  # a closed screen holds no draft, even before it is freed
        self.kit_app.area_screens.discard(self)

    @property
    def kit_app(self) -> KitApp:
        app = self.app
        assert isinstance(app, KitApp)
        return app

    @property
    def workspace(self) -> Workspace:
        workspace = self.kit_app.workspace
        if workspace is None:
            raise RuntimeError("the vault is locked")
        return workspace

    def _area_tabs(self) -> TabbedContent | None:
        """The area's tabs, if it has any. Asked at every check of the bindings (dozens of
        times as an area opens), so found once rather than by a walk of the whole screen
        each time; a screen has its tabs, or not, from when it is composed."""
        from textual.widgets import TabbedContent

        if self._found_tabs is not None or self._tabless:
            return self._found_tabs
        found = self.query(TabbedContent)
        self._found_tabs = found.first() if found else None
        self._tabless = self._found_tabs is None and self.is_mounted
        return self._found_tabs

    def action_next_tab(self) -> None:
        """Show the next tab (after the last, the first), with the focus on the tab bar: the
        person sees where they are, and Tab goes on into the tab."""
        from textual.widgets import Tabs

        tabs = self._area_tabs()
        if tabs is None:
            return
        panes = [pane.id for pane in tabs.query("TabPane") if pane.id and not pane.disabled]
        if not panes:
            return
        now = panes.index(tabs.active) if tabs.active in panes else -1
        tabs.active = panes[(now + 1) % len(panes)]
        self.set_focus(tabs.query_one(Tabs))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_tab":
            return self._area_tabs() is not None
        return True

    def reload(self) -> None:
        """Show what the vault holds now (after a refresh or another screen's change)."""

    def quick_action(self, action: str) -> None:
        """Start one of Home's quick actions (e.g. "new-entry") on this screen."""

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], Any]]]:
        """(name, help, callback) commands that make sense on this screen."""
        return ()

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        return None

    def leave(self, unsaved: bool, question: str, keep: str = "Keep going") -> None:
        """Go back. With unsaved work, ask first; leaving then also drops a restored draft."""
        if not unsaved:
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if not leave:
                return
            if self.restored_draft_id is not None:
                self.workspace.drafts.discard(self.restored_draft_id)
                self.restored_draft_id = None
            self.dismiss(None)

        from kit.tui.widgets.confirm import ConfirmDialog

        self.app.push_screen(ConfirmDialog(question, yes="Leave without saving", no=keep),
                             answered)

    # The draft this screen restored, if any: a new lock replaces it rather than adding one.
    restored_draft_id: str | None = None
    _found_tabs: TabbedContent | None = None  # see _area_tabs
    _tabless = False


class FormScreen(AreaScreen[ResultT]):
    """A screen that edits one record: ctrl+s saves, Escape goes back (asking first when
    something is unsaved), with the same two buttons at the foot of every form."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+s", "save", "Save", id="form-save", priority=True),
        Binding("escape", "back", "Back", id="form-back"),
    ]

    def form_buttons(self) -> Widget:
        """Save and Back, each naming its key now (config.toml's [keys] may change them)."""
        from textual.containers import Horizontal
        from textual.widgets import Button

        keys = self.kit_app.services.config.keys
        return Horizontal(Button(f"Save ({shown_key('form-save', keys)})", id="save",
                                 variant="primary"),
                          Button(f"Back ({shown_key('form-back', keys)})", id="back"),
                          classes="buttons")

    def on_button_pressed(self, event: Any) -> None:
        if event.button.id == "save":
            event.stop()
            self.action_save()
        elif event.button.id == "back":
            event.stop()
            self.action_back()

    # A form that keeps its unsaved text through a quick hide names the drafts' area, and
    # gives what its fields hold now (_values) and held when they were filled (loaded).
    DRAFT_AREA: ClassVar[str] = ""
    loaded: dict[str, Any]

    def _values(self) -> dict[str, Any]:
        return {}

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        if not self.DRAFT_AREA or not self.is_mounted or not getattr(self, "loaded", None):
            return None
        values = self._values()
        return None if values == self.loaded else (self.DRAFT_AREA, values)

    def saved(self, record: ResultT) -> None:
        """Close with the record just saved: the draft it was restored from is done with."""
        if self.restored_draft_id is not None:
            self.workspace.drafts.discard(self.restored_draft_id)
        self.dismiss(record)

    def action_save(self) -> None:
        raise NotImplementedError

    def action_back(self) -> None:
        raise NotImplementedError


def _area_factory(mode: str) -> Callable[[], Screen[Any]]:
    module_name, class_name = AREAS[mode]

    def make() -> Screen[Any]:
        screen_class = getattr(importlib.import_module(module_name), class_name)
        return cast(Screen[Any], screen_class())

    return make


def _area_modes() -> dict[str, Callable[[], Screen[Any]]]:
    return {mode: _area_factory(mode) for mode in AREAS}


AREA_GROUP = Binding.Group("Areas", compact=True)


class KitApp(Quick, App[None]):
    CSS_PATH = "kit.tcss"
    TITLE = APP_TITLE
    ENABLE_COMMAND_PALETTE = True
    # Every action and command, from any screen, from one source (kit.tui.palette).
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {AreaCommands}

    # Every key that works everywhere is a priority binding: the app sees it before the focused
    # widget, so a text box cannot take it (a TextArea's own F6/F7 select the line or all the
    # text, and the next key typed would replace it). Textual's ctrl+q and ctrl+p are
    # priority bindings already.
    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+l", "hide", "Hide & lock", priority=True, id="hide",
                tooltip="Blank the screen at once and lock the vault"),
        Binding("f9", "happening_now", "Happening now", priority=True, id="happening-now",
                tooltip="Calm steps to follow if you are being doxed or swatted right now"),
        Binding("f1", "help", "Help", id="help", tooltip="How to use this screen",
                priority=True),
        # Grouped in the footer as "f2…f10 Areas" so every key fits at 100 columns; the
        # help (F1) and each key's tooltip name the areas.
        *[Binding(key, f"area('{mode}')", label, id=f"area-{mode}", tooltip=f"Go to {label}",
                  group=AREA_GROUP, priority=True) for key, mode, label in AREA_KEYS],
        # While the vault is locked the area keys above are off; they still belong to the app,
        # so a text box there never takes them (F6 and F7 would select its text).
        Binding(",".join(key for key, _mode, _label in AREA_KEYS), "ignore", show=False,
                priority=True, id="areas-locked"),
        Binding("ctrl+r", "refresh", "Refresh", id="refresh",
                tooltip="Read the vault again, to see changes made from the command line"),
    ]

    def __init__(self, services: AppServices) -> None:
        from kit.vault.files import is_vault

        # Start straight in the right mode: a mode switch at start-up would parse the
        # stylesheet a second time. (Textual declares DEFAULT_MODE a class variable, but reads
        # it from the instance as it starts, so each app may start in its own.)
        self.DEFAULT_MODE = (  # type: ignore[misc]
            "locked" if is_vault(services.vault_path) else "welcome")
        # Before any widget text is made: outside text then shows its escapes, never acts.
        show_control_characters()
        ticks_by_shape()  # a ticked box differs from an empty one in shape, not only shade
        only_reading_boxes_stop()
        footers_fit()  # keys that do not fit are left out whole, never cut
        super().__init__()
        self.animation_level = "none"  # calm: nothing slides or fades
        if services.config.keys:  # config.toml's [keys], checked by kit.keymap when read
            self.set_keymap(table_to_keymap(services.config.keys))
        self.services = services
        self.workspace: Workspace | None = None
        self.area_screens: weakref.WeakSet[AreaScreen[Any]] = weakref.WeakSet()
        self._last_activity = time.monotonic()
        self._idle_timer: Any = None
        self._locking = False
        self.first_unlock = True
        for mode, screen in _area_modes().items():
            self.add_mode(mode, screen)
        self.add_mode("locked", self._lock_screen)
        self.add_mode("hidden", self._hidden_screen)
        self.add_mode("welcome", self._welcome_screen)
        # The theme is chosen before the first stylesheet parse, so it is parsed once.
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = services.config.theme
        if services.demo:
            self.title = "Frontline Kit DEMO — nothing is kept"

    # --- modes for the locked states ---

    def _lock_screen(self) -> Screen[Any]:
        from kit.tui.screens.lock import LockScreen

        return LockScreen()

    def _hidden_screen(self) -> Screen[Any]:
        from kit.tui.screens.lock import HiddenScreen

        return HiddenScreen()

    def _welcome_screen(self) -> Screen[Any]:
        from kit.tui.screens.welcome import WelcomeScreen

        return WelcomeScreen()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is plain text, whatever the caller asked: messages quote file,
        site and contact names, and a name holding `[` would be read as markup (or fail to
        parse, and stop the app). The kit's own notifications use no markup. A message from
        the core is said in the app's words: no command line instruction (kit.tui.app_words)."""
        from kit.tui.app_words import app_words

        super().notify(app_words(message), title=title, severity=severity, timeout=timeout,
                       markup=False)

    # --- start-up ---

    def on_mount(self) -> None:
        self.set_window_title(APP_TITLE)

    def set_window_title(self, title: str) -> None:
        """The terminal's own title (OSC 2); Textual only titles its Header."""
        safe = "".join(ch for ch in title if ch.isprintable())
        self.write_at_once(f"\x1b]2;{safe}\x07")

    # --- unlocked state ---

    @property
    def unlocked(self) -> bool:
        return self.workspace is not None

    def open_workspace(self, workspace: Workspace) -> None:
        """Called by the lock and welcome screens once a vault is open."""
        self.workspace = workspace
        self.keep_what_lives()  # the records just read live until the lock (kit.tui.quick)
        self.first_unlock = False
        self._last_activity = time.monotonic()
        limit = self.services.config.idle_lock_minutes * 60
        self._idle_timer = self.set_interval(min(15.0, max(0.2, limit / 4)), self._check_idle)
        self.set_window_title(APP_TITLE)
        self.switch_mode("home")
        # Home, built just now, lives until the lock too; kept out of the collector's full
        # rounds, one of which (20 ms) otherwise landed in whatever key came next.
        self.call_after_refresh(self.keep_what_lives)
        self.refresh_bindings()
        if workspace.vault.unlocked_by == "device":
            # Always said, so keyring unlock is never mistaken for "not encrypted".
            self.notify("Opened with this computer's keyring: keyring unlock is ON. To turn "
                        "it off, choose \"Turn off keyring unlock\" in the command palette "
                        "(ctrl+p).", timeout=8)

    def _check_idle(self) -> None:
        limit = self.services.config.idle_lock_minutes * 60
        if self.unlocked and time.monotonic() - self._last_activity >= limit:
            self.run_worker(self.lock(hide=False), group="lock", exclusive=True)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown
                      | events.MouseScrollUp | events.Paste):
            self._last_activity = time.monotonic()
            if self.unlocked:
                # Not at rest while keys come: what is done at rest (freezing what lives,
                # loading the screens not opened yet) would compete with the screen a key is
                # opening. (On the lock screen it is not put off: the screens load while the
                # passphrase is typed.)
                self.rest_soon()
        await super().on_event(event)

    async def lock(self, *, hide: bool) -> None:
        """Drop everything decrypted. With *hide*, show a neutral screen first."""
        if self._locking:
            return
        self._locking = True
        try:
            # The neutral screen first, at once; the lock screen is rebuilt below, so nothing
            # from the last unlock (a worker, its result) survives in it.
            if hide:
                self.set_window_title(NEUTRAL_TITLE)
            self.switch_mode_at_once("hidden", erase=True)
            for worker in list(self.workers):
                if worker.group != "lock":
                    worker.cancel()
            if self._idle_timer is not None:
                self._idle_timer.stop()
                self._idle_timer = None
            await self.painted()  # the blank screen is on the terminal before the slow part
            self._seal_drafts()
            for mode, screen in (*_area_modes().items(), ("locked", self._lock_screen)):
                await self.remove_mode(mode)
                self.add_mode(mode, screen)
            workspace, self.workspace = self.workspace, None
            if workspace is not None:
                workspace.close()
            self.let_go()
            if not hide:
                self.switch_mode("locked")
            self.refresh_bindings()
        finally:
            self._locking = False

    def _seal_drafts(self) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        for screen in list(self.area_screens):
            try:
                draft = screen.unsaved_draft()
                if draft is not None:
                    workspace.drafts.save(*draft, replaces=screen.restored_draft_id)
            except Exception:  # locking must finish whatever happens
                self.bell()

    # --- actions ---

    async def action_hide(self) -> None:
        """The quick-hide key: works everywhere, even before unlocking."""
        if self.workspace is not None:
            await self.lock(hide=True)
            return
        # Before unlocking there is still a typed passphrase, or a new recovery key, to drop.
        self.set_window_title(NEUTRAL_TITLE)
        self.switch_mode_at_once("hidden", erase=True)
        await self.painted()
        for mode, factory in (("welcome", self._welcome_screen), ("locked", self._lock_screen)):
            await self.remove_mode(mode)
            self.add_mode(mode, factory)

    def action_help(self) -> None:
        """F1 opens the help; on the help itself it closes it (F1 reaches the app first)."""
        from kit.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen())

    def action_happening_now(self) -> None:
        """The walk-through for the worst moment: from any screen, locked or not."""
        from kit.tui.screens.happening_now import HappeningNowScreen

        if not isinstance(self.screen, HappeningNowScreen):
            self.push_screen(HappeningNowScreen())

    def action_ignore(self) -> None:
        """A key that must reach nothing else (see BINDINGS)."""

    def action_area(self, mode: str) -> None:
        if self.unlocked:
            self.switch_mode(mode)

    def action_refresh(self) -> None:
        if self.workspace is None:
            return
        self.workspace.refresh()
        for screen in list(self.area_screens):
            screen.reload()
        self.notify("Read the vault again.", timeout=3)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("area", "refresh"):
            return self.unlocked
        if action == "happening_now":
            # The blank screen gives nothing away: a key there leads to the lock first.
            from kit.tui.screens.lock import HiddenScreen

            return not isinstance(self.screen, HiddenScreen)
        return True

    def toggle_high_contrast(self) -> None:
        """Switch theme, and remember the choice in config.toml for the next start."""
        from dataclasses import replace

        from kit.config import save_theme
        from kit.errors import KitError

        self.theme = "kit-calm" if self.theme == "kit-high-contrast" else "kit-high-contrast"
        self.services.config = replace(self.services.config, theme=self.theme)
        try:
            save_theme(self.theme)
        except KitError as exc:
            self.notify(f"Shown now, but not remembered for next time: {exc.message}",
                        severity="warning", markup=False)

    # --- privacy: nothing on screen is ever written to a file ---

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title not in ("Screenshot", "Theme"):
                yield command
        yield SystemCommand("High contrast", "Switch between the calm and high-contrast themes",
                            self.toggle_high_contrast)
        yield SystemCommand("Hide and lock", "Blank the screen and lock the vault (ctrl+l)",
                            lambda: self.run_worker(self.action_hide(), group="lock"))
        yield SystemCommand("It's happening now", "Calm steps if you are being doxed or "
                            "swatted right now (F9)", self.action_happening_now)
        if self.unlocked:
            for _key, mode, label in AREA_KEYS:
                yield SystemCommand(f"Go to {label}", f"Open {label}",
                                    lambda m=mode: self.switch_mode(m))
            yield SystemCommand("Refresh", "Read the vault again", self.action_refresh)
            yield from self._vault_commands()
        if isinstance(screen, AreaScreen):
            for name, help_text, callback in screen.palette_commands():
                yield SystemCommand(name, help_text, callback)

    def _vault_commands(self) -> Iterable[SystemCommand]:
        """Looking after the vault itself: checking it, how it opens, its keys."""
        workspace = self.workspace
        if workspace is None:
            return
        yield SystemCommand("Check the vault", "Check every record and stored file for damage",
                            self.check_vault)
        slots = workspace.vault.slot_types()
        if "device" in slots:
            yield SystemCommand("Turn off keyring unlock", "Ask for the passphrase every time "
                                "the kit starts", lambda: self.change_keys("keyring-off"))
        elif self.services.allow_keyring:
            yield SystemCommand("Turn on keyring unlock", "Open without the passphrase when "
                                "the kit starts on this computer",
                                lambda: self.change_keys("keyring-on"))
        if workspace.vault.key_change_unfinished:
            yield SystemCommand("Finish the key change", "A change of the vault's keys "
                                "stopped part-way: finish it", lambda: self.change_keys("finish"))

    def check_vault(self) -> None:
        """Check every record and stored file, and say plainly what is damaged."""
        from kit.tui.screens.vault_check import VaultCheckDialog

        if self.unlocked:
            self.push_screen(VaultCheckDialog())

    def change_keys(self, change: Change) -> None:
        """Keyring unlock on or off, or finish a stopped key change (passphrase first)."""
        from kit.tui.screens.key_change import KeyChangeDialog

        if self.unlocked and change in ("keyring-on", "keyring-off", "finish"):
            self.push_screen(KeyChangeDialog(change))

    def deliver_screenshot(self, filename: str | None = None, path: str | None = None,
                           time_format: str | None = None) -> str | None:
        self.notify("Screenshots are turned off so your records never land in a file.",
                    severity="warning")
        return None

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.deliver_screenshot()


def run(services: AppServices) -> None:
    try:
        KitApp(services).run()
    finally:
        # Leave the terminal with a neutral title, not the kit's name.
        if sys.stdout.isatty():
            sys.stdout.write(f"\x1b]2;{NEUTRAL_TITLE}\x07")
            sys.stdout.flush()
