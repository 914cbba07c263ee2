"""Speed a hand can feel: an area opens at once the first time, and quick hide blanks at once.

Measured by benchmarks/tui_bench.py (section d). What Textual (8.x) did that cost the most, and
what the app does instead:

- Styles parsed again and again. Every refresh of the app's CSS set the CSS variables again,
  and setting them emptied the parse cache even when they were the same; the cache also held
  only 64 sources, fewer than the app has with every area open. Each widget class met for the
  first time (a new DEFAULT_CSS) then meant parsing every source again. `KeptStylesheet` keeps
  the cache while the variables are unchanged, and holds every source.
- A screen made for a mode (each area, the lock screen, the blank screen) starts out counted
  as out of date, so showing it the first time re-parsed all CSS and restyled the app, twice,
  although the screen had just been styled as it was built. `Quick.refresh_css` skips that when
  nothing changed since the last full refresh (no theme change): a screen built since then is
  styled already. A theme change still restyles everything, and a screen left from before one
  is restyled when it is shown again.
- Each screen's footer rebuilt its keys whenever the bindings might have changed, at every
  focus change, even when it would show the very same keys, and each key then had its styles
  worked out twice (once as it was mounted, again when told the footer is compact).
  `quick_footer` rebuilds a footer only when what it shows changes, and gives each key its
  compact look before it is mounted.
- A screen shown for the first time had the styles of every widget on it worked out again
  (twice for an area: Textual tells a new mode's screen it is shown twice), though each widget
  was styled as it was mounted; on Prepare, with 300 widgets, that was most of a first open,
  and on the help (F1) a third of it. `quick_resume` skips that whole-screen restyle for any
  new screen (an area, the help, a dialog, the palette) until it has once been hidden; when it
  comes back after that, it is restyled as before.
- Each layout of a screen gives every widget whose size it changed that size, and Textual
  then asks for a whole new layout of the screen, which finds the same sizes: a screen opened
  for the first time was laid out twice over (on the help, 100-200 ms each). `quick_layout`
  gives the sizes without asking again; a widget that changes its own size or content after
  that (a list filled, a scroll bar shown) still asks, as before. A screen is also told the
  terminal's size each time it is shown, and so is the screen under a dialog or the palette:
  one laid out at that size already, with nothing asking for a layout since, is not laid out
  again.
- Each area's screen is imported on its first open (so the lock screen comes up sooner), and
  some bring heavy libraries (the trend charts' plotting library, Markdown for the help).
  Once the app is at rest after start-up, `_preload` imports them in a background thread.
- The garbage collector's full rounds went over every object of the app, modules included:
  100-300 ms each on a busy machine, often in the middle of a first open. During start-up,
  before the first screen is up, the collector is paused (launch_app), and what start-up made
  is frozen when it resumes. At rest (a second
  after start-up, a change of area or the last key pressed, so never while a key's screen is
  still being built) what lives is frozen out of its rounds (gc.freeze); at
  a lock everything is collected and frozen again, so nothing from the unlocked session waits
  in memory for a later round.
- The command palette parsed its widgets' styles as it first opened, and every frame of it
  blended the whole screen under it to dim it. `style_ahead` parses those styles at rest, and
  kit.tcss gives the palette a background of its own, so the screen under it is not drawn.
- A mode switch holds every frame back for 50 ms (Textual's delay_update, to mask the change),
  and the app's own timer ends that hold, so while the app was busy locking, the blank screen
  waited for the whole lock. `switch_mode_at_once` shows the new screen with no hold (for a
  quick hide, after erasing the terminal at once), and `painted` waits until it is on the
  terminal, so the slow part of locking comes after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import threading
import weakref
from collections.abc import Iterator
from typing import Any

from textual import events
from textual.app import App
from textual.cache import LRUCache
from textual.css.stylesheet import Stylesheet
from textual.driver import Driver
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

SOURCES_KEPT = 1024  # far more CSS sources (files and widget classes) than the kit has
ERASE = "\x1b[H\x1b[J"  # the cursor to the top left, then erase to the end of the screen
REST_AFTER_S = 1.0  # quiet this long after start-up or a change of area: the app is at rest
# Screens reached by a key but not an area (F1, F9), and the journal's editor; and what Home
# reads as the vault opens (kit.attention asks every area through the workspace), with the
# bank holidays a removal request's deadline counts (the holidays library loads every country:
# ~360 modules, most of Home's first open in a fresh process).
PRELOAD_TOO = ("kit.tui.screens.help", "kit.tui.screens.happening_now",
               "kit.tui.screens.journal_editor", "kit.attention", "kit.records.drafts",
               "kit.records.findings", "kit.removals.requests", "kit.wellbeing.checkins",
               "kit.wellbeing.library", "kit.vault.backups", "holidays.countries")


class KeptStylesheet(Stylesheet):
    """A stylesheet whose parsed sources survive a refresh with the same variables."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parse_cache = LRUCache(SOURCES_KEPT)

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:  # the same values: what was parsed still holds
            return
        super().set_variables(variables)


def _shown(footer: Footer) -> tuple[Any, ...]:
    """Everything a footer's keys are made from (Footer.compose): the bindings it shows, so a
    change of focus that only brings other hidden keys (arrows, enter in a field) keeps it."""
    keys = tuple((key, active.binding, active.enabled, active.tooltip)
                 for key, active in footer.screen.active_bindings.items() if active.binding.show)
    return footer.compact, footer.show_command_palette, footer.combine_groups, keys


def _preload() -> None:
    """Import every area's screen, and what each needs (the trend charts' plotting library,
    Markdown for the help), so the first open of an area does not wait for it. Run in a
    thread once the app is first at rest (the lock screen, while the passphrase is typed): an
    import only defines things, and if an area is opened before its import here is done,
    Python's import lock makes that open wait for it rather than do it twice."""
    from kit.tui.areas import AREAS

    for module in (*(name for name, _cls in AREAS.values()), *PRELOAD_TOO):
        with contextlib.suppress(Exception):  # imported again, and any error raised, on use
            importlib.import_module(module)
    # What was just imported lives as long as the app: out of the collector's rounds too, as
    # what lived at rest was (a full round over it cost the palette's first open ~50 ms).
    gc.freeze()


# What the kit notes about Textual's objects, kept beside them rather than set on them.
_patched: set[str] = set()  # which of quick_footer, quick_resume and quick_layout have run
_rebuilding: weakref.WeakSet[Footer] = weakref.WeakSet()  # a rebuild is on its way
_footer_shows: weakref.WeakKeyDictionary[Footer, tuple[Any, ...]] = weakref.WeakKeyDictionary()
_hidden_once: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
_laid_out_at: weakref.WeakKeyDictionary[Screen[Any], Size] = weakref.WeakKeyDictionary()

# Each of the three below replaces methods of Textual's classes with ones that call them (a
# method assigned to a class is what mypy's [method-assign] is about: here it is the point).
# tests/tui/test_textual_upgrade.py checks each replaced method is still there, as called.


def quick_footer() -> None:
    """Rebuild a footer only when what it shows changes; make each key compact before it is
    mounted (see the module's docstring). Set once, before any screen is built."""
    if "footer" in _patched:
        return
    _patched.add("footer")
    compose, bindings_changed = Footer.compose, Footer.bindings_changed

    def composed(self: Footer) -> Iterator[Widget]:
        _rebuilding.discard(self)
        if self._bindings_ready:
            _footer_shows[self] = _shown(self)
        for widget in compose(self):
            if isinstance(widget, FooterKey):
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def changed(self: Footer, screen: Screen[Any]) -> None:
        if not (screen.app.app_focus and self.is_attached and screen is self.screen):
            bindings_changed(self, screen)
            return
        if self in _rebuilding:
            return  # a rebuild is on its way, and will read the bindings as they are then
        if self._bindings_ready and _footer_shows.get(self) == _shown(self):
            return  # the same keys: nothing to rebuild
        self._bindings_ready = True
        _rebuilding.add(self)

        def rebuild() -> Any:
            # Cleared here, not only in compose: a recompose that finds the footer detached
            # composes nothing, and the footer must not then wait for it for ever.
            _rebuilding.discard(self)
            return self.recompose()

        self.call_after_refresh(rebuild)

    Footer.compose = composed  # type: ignore[method-assign]
    Footer.bindings_changed = changed  # type: ignore[method-assign]


def quick_resume() -> None:
    """A screen shown for the first time is not restyled whole (see the module's
    docstring). Set once, before any screen is built."""
    if "resume" in _patched:
        return
    _patched.add("resume")
    resume, suspend = Screen._on_screen_resume, Screen._on_screen_suspend

    def resumed(self: Screen[Any], event: events.ScreenResume) -> None:
        if self not in _hidden_once:
            event.refresh_styles = False  # styled as it was built, moments ago
        resume(self, event)

    def suspended(self: Screen[Any]) -> None:
        _hidden_once.add(self)
        suspend(self)

    Screen._on_screen_resume = resumed  # type: ignore[method-assign]
    Screen._on_screen_suspend = suspended  # type: ignore[method-assign]


def quick_layout() -> None:
    """A layout of the screen does not ask for another one just because it has sized widgets
    (see the module's docstring). Set once, before any screen is built."""
    if "layout" in _patched:
        return
    _patched.add("layout")
    refresh_layout, size_updated = Screen._refresh_layout, Widget._size_updated
    screen_resized = Screen._screen_resized
    laying_out = [0]

    def layout(self: Screen[Any], size: Size | None = None, scroll: bool = False) -> None:
        laying_out[0] += 1
        try:
            refresh_layout(self, size, scroll)
            if not scroll:
                _laid_out_at[self] = self.outer_size if size is None else size
        finally:
            laying_out[0] -= 1

    def resized(self: Screen[Any], size: Size) -> None:
        # Told the terminal's size when it is shown (and so is the screen under a dialog or
        # the palette): laid out at that size already, with no change asking for a layout
        # since, it is not laid out again.
        pending = self._layout_required or self._layout_widgets or self._dirty_widgets
        if pending or _laid_out_at.get(self) != size:
            screen_resized(self, size)

    def sized(self: Widget, size: Size, virtual_size: Size, container_size: Size,
              layout: bool = True) -> bool:
        # The sizes come from the layout being done: laying out again would find the same.
        return size_updated(self, size, virtual_size, container_size,
                            layout=layout and not laying_out[0])

    Screen._refresh_layout = layout  # type: ignore[method-assign]
    Screen._screen_resized = resized  # type: ignore[method-assign]
    Widget._size_updated = sized  # type: ignore[method-assign]


def terminal_driver(app: App[Any]) -> Driver | None:
    """Textual's driver of *app*'s terminal, or None while it has none (see
    Quick.write_at_once for why the kit reads it). Should a Textual outside the pinned range
    keep it elsewhere, the title and the early erase are left undone, not the app stopped."""
    driver: Driver | None = getattr(app, "_driver", None)
    return driver


class Quick(App[None]):
    """The app's base, below KitApp (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        quick_footer()
        quick_resume()
        quick_layout()
        gc.unfreeze()  # an app made before this one in the same process (tests) is let go
        super().__init__(*args, **kwargs)
        self.stylesheet = KeptStylesheet(variables=self.get_css_variables())
        self._css_refreshed_at: int | None = None  # the update count of the last full refresh
        self._at_once = False
        self._rest_timer: Timer | None = None
        self._preloading = False

    # --- the garbage collector at rest ---

    def _on_ready(self) -> None:
        # Start-up made what lives until the app closes: kept out of the collector's rounds,
        # which launch_app paused until now (a no-op for an app not started by it: tests).
        gc.freeze()
        gc.enable()
        self.rest_soon()

    def rest_soon(self) -> None:
        """Once the app has been quiet for a moment, keep what lives now out of the garbage
        collector's rounds (gc.freeze): the modules, the app and its screens are long-lived,
        and a full round over all of them cost a first open 100-300 ms on a busy machine."""
        if self._rest_timer is not None:
            self._rest_timer.stop()
        self._rest_timer = self.set_timer(REST_AFTER_S, self._rest, name="rest")

    def _rest(self) -> None:
        self._rest_timer = None
        if any(not worker.is_finished for worker in self.workers):
            self.rest_soon()
            return
        if not self._preloading:
            self._preloading = True
            self.style_ahead()
            threading.Thread(target=_preload, name="kit-preload", daemon=True).start()
        self.keep_what_lives()

    def style_ahead(self) -> None:
        """Parse the command palette's styles now, at rest, rather than as it first opens
        (Textual parses a widget class's DEFAULT_CSS when the first one is mounted). Done on
        the app's own thread: the stylesheet is not shared with the preload thread."""
        from textual.command import CommandInput, CommandList, CommandPalette, SearchIcon
        from textual.containers import Horizontal, Vertical
        from textual.widgets import Button, LoadingIndicator

        stylesheet = self.stylesheet
        for widget in (CommandPalette(), SearchIcon(), CommandInput(), Button(), CommandList(),
                       LoadingIndicator(), Horizontal(), Vertical()):
            for read_from, css, tie_breaker, scope in widget._get_default_css():
                stylesheet.add_source(css, read_from=read_from, is_default_css=True,
                                      tie_breaker=tie_breaker, scope=scope)
        stylesheet.parse()

    def keep_what_lives(self) -> None:
        """Keep what lives now out of the collector's rounds (see rest_soon): at rest, and
        as the vault opens (the records just read live as long as the vault is open)."""
        gc.collect(1)  # what is garbage already is not kept
        gc.freeze()

    def let_go(self) -> None:
        """Collect everything, kept objects too, and keep what still lives: at a lock, so
        nothing from the unlocked session waits in memory for a later round."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def switch_mode(self, mode: str) -> AwaitMount:
        switched = super().switch_mode(mode)
        self.rest_soon()
        return switched

    def refresh_css(self, animate: bool = True) -> None:
        current = self._css_update_count
        if current == self._css_refreshed_at:
            # Nothing invalidated the styles since the last full refresh, so Textual asks only
            # because a mode's screen is new (counted -1), or while making one (the screen shown
            # is still the old one, up to date): either way, everything is styled already.
            screen = self.screen if self.screen_stack else None
            if screen is not None and screen._css_update_count in (-1, current):
                screen._css_update_count = current
                return
        super().refresh_css(animate)
        self._css_refreshed_at = current

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._at_once:
            super().delay_update(delay)

    def switch_mode_at_once(self, mode: str, *, erase: bool = False) -> AwaitMount:
        """switch_mode, without holding frames back to mask the change. With *erase*, the
        terminal is erased first, at once: before whatever the app still had queued (the list
        a closed editor goes back to, a footer being rebuilt) has run, and before the new
        screen (blank, for a quick hide) is drawn over it."""
        if erase:
            self.write_at_once(ERASE)
        self._at_once = True
        try:
            return self.switch_mode(mode)
        finally:
            self._at_once = False

    def write_at_once(self, sequence: str) -> None:
        """Send a control sequence (erase, the window's title) to the terminal now, ahead of
        the frames Textual has yet to draw; nothing while the app has no terminal.

        Textual (8.2) gives no public way to the terminal: its driver is `App._driver`, which
        its own clipboard copy and bell use the same way. This is the one place the kit reads
        it; tests/tui/test_textual_upgrade.py fails if an upgrade of Textual takes it away."""
        driver = terminal_driver(self)
        if driver is not None:
            driver.write(sequence)
            driver.flush()

    async def painted(self, timeout: float = 1.0) -> None:
        """Return once the screen shown now has been drawn on the terminal (at most *timeout*
        seconds: what follows must happen even if the screen never draws)."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def drawn() -> None:
            if not done.done():
                done.set_result(None)

        self.screen.call_after_refresh(drawn)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done, timeout)
