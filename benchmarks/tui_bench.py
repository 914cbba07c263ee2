#!/usr/bin/env python3
"""Terminal app speed: start-up to an interactive lock screen, search as you type, and memory.

Run with `make bench` (or `.venv/bin/python benchmarks/tui_bench.py [--quick]`). Prints a table
and writes benchmarks/results/tui_bench.json. Nothing here is a test: the figures are compared
with the targets and reported as PASS or MISS, never asserted.

(a) Start-up. Fresh `python -c` processes, run headless at 110x34, alternating with a minimal
    Textual app (a label, a password Input, a button and a footer) measured in the same run.
    The kit child imports `kit.start` as the `kit` command does and calls its real `before_app`
    and `open_app` (only `run` is swapped for a headless run); the clock stops in a callback
    after the lock screen has been painted with the passphrase field focused (the minimal app:
    its screen, the same way). Time is from just before the parent spawns the child to that
    callback, both read with time.perf_counter (CLOCK_MONOTONIC, shared by all processes on
    Linux); the child's CPU time to that callback (time.process_time) is shown beside it.
    The kit runs as users have it: keyring unlock allowed, over a vault with no keyring slot.
(b) Search keystroke at 10,000 entries. The app is opened headless over a vault of the same
    deterministic journal vault_bench.py uses (DEFAULT KDF profile, as users have), unlocked
    by typing the passphrase, and the journal opened. For each of 30 different queries the
    search field is set to all but its last character (not timed); then the last key is sent
    as a key event and the clock stops when the frame holding the re-drawn entry list has been
    handed to the driver (a hook on the list's render_line and on App._display). The list is
    then checked against Journal.search. Pilot's press()/pause() are not used for timing:
    they sleep for at least 20 ms each while waiting for idle. Judged by median and p90; the
    app's CPU time for the same keystroke is shown beside them.
(c) Peak memory: ru_maxrss of the process in (b) (app, 10,000 entries loaded, searched), read
    through a small launcher so the benchmark's own memory cannot leak into it.
(d) Hand-feel, over the demo vault (kit/demo.py: made-up records in every area), headless at
    110x34, in fresh processes unlocked by typing the passphrase (minimum KDF: unlocking is not
    timed here) once the lock screen has loaded the areas' code, as it does while a person types
    (see _preloaded). Keys are sent as key events through the driver, as a terminal would send
    them, and each clock stops in a hook on App._display when the frame that shows the wanted
    screen has been rendered to the bytes a terminal would be sent (headless Textual skips that
    step, so the hook does it). Cursor blinking is turned off in these processes, so a frame
    means a change. "First frame" is the first frame of the new screen; "settled" is the last
    frame before the app falls quiet (no worker running, no message waiting on the screen, no
    frame drawn and no widget mounted for 150 ms): the screen as the person will read it, with
    its lists filled and any part mounted after the first frame in place.
    - First open: for each key F1-F10, a fresh process is unlocked, left until Home has settled,
      then the key is pressed once; F2 (Home) is timed from the moment the vault is open (the
      lock screen hands it to the app) to Home. Each key in --feel-runs processes.
    - Palette: a fresh process, at Home, ctrl+p: to the palette's first frame and to its list of
      commands shown; then Escape and ctrl+p again (second open).
    - Quick hide: --hide-presses presses of ctrl+l in 10 fresh processes (a process's first
      hide is its costliest), each press from a fresh unlock, in turn from every area (F1-F10),
      the journal editor with unsaved text (the draft is sealed), and the journal list just
      after leaving the editor by Escape, once after saving an entry and once with nothing
      typed (ctrl+l is sent as soon as the editor has gone). Timed to the first frame of the
      blank screen, or to the moment the app erases the whole terminal itself if that comes
      first (the bytes it writes are watched); p99 over all the presses.
    Figures are wall time; the CPU time of the app process is shown beside them, since other
    programs on the machine disturb it less.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(1, str(BENCH_DIR.parent))  # the kit beside this script, even in a copy

import vault_bench  # noqa: E402  (the journal generator, vault builder and process launcher)
from vault_bench import (  # noqa: E402
    PASSPHRASE,
    base_env,
    make_corpus,
    median,
    p90,
    run_command,
)

import kit  # noqa: E402
from kit.vault import kdf  # noqa: E402

ROOT = BENCH_DIR.parent
RESULTS_FILE = BENCH_DIR / "results" / "tui_bench.json"
SIZE = (110, 34)

# Issue 17's targets, judged on wall time on a quiet 2-core machine.
TARGET_STARTUP_RATIO = 1.15
TARGET_KEYSTROKE_S = 0.025  # median
TARGET_KEYSTROKE_P90_S = 0.050
TARGET_RSS_MB = 150  # megabytes (10^6 bytes)
TARGET_ENTRIES = 10_000
TARGET_HIDE_PRESSES = 100

# Each is typed up to its last character, then the last key is timed. The one-letter queries
# start from an empty field: the first key typed, which filters the whole journal.
QUERIES = (
    "s", "k", "z",
    "kestrel", "supervisor", "court", "tired", "caseload", "boundaries", "headache",
    "sister", "grateful", "foster", "conference", "screenshots", "chronology", "kettle",
    "train", "walk", "cried", "policy", "trust",
    "#sleep", "#court", "#hopeful", "#evidence",
    "court hearing", "team day", "#work tired", "kind email",
)


@dataclass(frozen=True)
class Settings:
    entries: int
    startup_runs: int
    queries: tuple[str, ...]
    quick: bool
    feel_runs: int = 5
    hide_presses: int = TARGET_HIDE_PRESSES
    sections: tuple[str, ...] = ("startup", "search", "feel")


SECTIONS = ("startup", "search", "feel")


# --- (a) start-up ---

# Stops the clock once the screen has been painted with the focus in place (a Textual
# call_after_refresh runs after the screen's next repaint), then exits.
READY_HOOK = r"""
def _hook(screen_class):
    original = screen_class.on_mount

    def on_mount(self):
        original(self)

        def ready():
            if self.focused is None:
                self.call_after_refresh(ready)
                return
            MARKS["ready"] = time.perf_counter()
            MARKS["ready_cpu"] = time.process_time()  # the child's CPU time, start-up included
            self.app.exit()

        self.call_after_refresh(ready)

    screen_class.on_mount = on_mount
"""

KIT_CHILD = r"""
import json, os, sys, time
MARKS = {"start": time.perf_counter()}
from pathlib import Path
import kit.start  # the `kit` command's own module, with everything it imports at start
os.environ["KIT_VAULT"] = sys.argv[1]
kit.start.before_app()  # what `kit` does first, as its main() does, before the app's imports
""" + READY_HOOK + r"""
import kit.tui.app as tui_app  # launch_app imports it too; here so the hooks can go in
from kit.tui.screens.lock import LockScreen

MARKS["imported"] = time.perf_counter()
_hook(LockScreen)
tui_app.run = lambda services: tui_app.KitApp(services).run(headless=True, size=(110, 34))
kit.start.open_app()  # what `kit` alone does in a terminal, headless
print(json.dumps(MARKS))
"""

MINIMAL_CHILD = r"""
import json, time
MARKS = {"start": time.perf_counter()}
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label
MARKS["imported"] = time.perf_counter()
""" + READY_HOOK + r"""

class Locked(Screen):
    AUTO_FOCUS = "Input"

    def compose(self):
        yield Label("Locked")
        yield Input(password=True, placeholder="passphrase")
        yield Button("Unlock")
        yield Footer()

    def on_mount(self):
        pass


class Minimal(App):
    def on_mount(self):
        self.push_screen(Locked())


_hook(Locked)
Minimal().run(headless=True, size=(110, 34))
print(json.dumps(MARKS))
"""


def start_once(code: str, args: Sequence[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """One fresh process: seconds from spawn to ready, to its first line of code, and to exit."""
    spawned = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    exited = time.perf_counter()
    if done.returncode != 0:
        raise RuntimeError(f"start-up child failed ({done.returncode}): {done.stderr[-2000:]}")
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    if "ready" not in marks:
        raise RuntimeError("start-up child never reached its ready hook")
    return {"ready_s": marks["ready"] - spawned, "ready_cpu_s": marks["ready_cpu"],
            "interpreter_s": marks["start"] - spawned,
            "imports_s": marks["imported"] - marks["start"],
            "app_s": marks["ready"] - marks["imported"], "exit_s": exited - spawned}


def measure_startup(settings: Settings, home: Path) -> dict[str, Any]:
    from kit.vault import Vault

    vault_path = home / "startup-vault"
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")  # only its header is read
    vault.close()
    env = base_env(home) | {"KIT_HOME": str(home)}
    kinds = {"kit": (KIT_CHILD, [str(vault_path)]), "minimal": (MINIMAL_CHILD, [])}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in kinds}
    for code, args in kinds.values():  # warm-up: bytecode caches, file cache
        start_once(code, args, env, home)
    for _ in range(settings.startup_runs):  # alternating, so drift hits both alike
        for name, (code, args) in kinds.items():
            runs[name].append(start_once(code, args, env, home))
    result: dict[str, Any] = {"runs": settings.startup_runs}
    for name, samples in runs.items():
        ready = [s["ready_s"] for s in samples]
        result[name] = {
            "best_s": min(ready), "median_s": median(ready), "runs_s": ready,
            "cpu_median_s": median([s["ready_cpu_s"] for s in samples]),
            "interpreter_median_s": median([s["interpreter_s"] for s in samples]),
            "imports_median_s": median([s["imports_s"] for s in samples]),
            "app_median_s": median([s["app_s"] for s in samples]),
            "exit_median_s": median([s["exit_s"] for s in samples]),
        }
    result["ratio_median"] = result["kit"]["median_s"] / result["minimal"]["median_s"]
    result["ratio_best"] = result["kit"]["best_s"] / result["minimal"]["best_s"]
    result["ratio_cpu_median"] = (result["kit"]["cpu_median_s"]
                                  / result["minimal"]["cpu_median_s"])
    return result


# --- (b) and (c): the app over a big journal, in a child process ---


class FrameProbe:
    """Times from a key to the frame that shows the entry list re-drawn with new items."""

    def __init__(self, app: Any, entry_list: Any) -> None:
        self.items_at: float | None = None
        self.done_at: float | None = None
        self.done_cpu: float | None = None
        self.rendered = False
        self.armed = False
        self.done = asyncio.Event()
        set_items, render_line, display = entry_list.set_items, entry_list.render_line, \
            app._display

        def timed_set_items(items: Any) -> None:
            set_items(items)
            if self.armed and self.items_at is None:
                self.items_at = time.perf_counter()

        def timed_render_line(y: int) -> Any:
            if self.items_at is not None:
                self.rendered = True
            return render_line(y)

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if self.rendered and self.done_at is None:
                self.done_at = time.perf_counter()
                self.done_cpu = time.process_time()
                self.done.set()

        entry_list.set_items = timed_set_items
        entry_list.render_line = timed_render_line
        app._display = timed_display

    def arm(self) -> None:
        self.items_at = self.done_at = None
        self.rendered = False
        self.done.clear()
        self.armed = True

    async def wait(self, timeout: float = 10.0) -> tuple[float, float, float]:
        """When the items were set, when the frame was drawn, and the CPU clock then."""
        await asyncio.wait_for(self.done.wait(), timeout)
        self.armed = False
        assert self.items_at is not None and self.done_at is not None
        assert self.done_cpu is not None
        return self.items_at, self.done_at, self.done_cpu


async def _until(pilot: Any, condition: Any, what: str, tries: int = 1200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise RuntimeError(f"gave up waiting for {what}")


async def child_app(vault_path: Path, queries: Sequence[str]) -> dict[str, Any]:
    from textual import events
    from textual.widgets import Input

    from kit.config import Config
    from kit.tui.app import AppServices, KitApp

    app = KitApp(AppServices(vault_path=vault_path, config=Config(), kdf_profile="default",
                             allow_keyring=False))
    report: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        await _until(pilot, lambda: type(app.screen).__name__ == "LockScreen", "the lock screen")
        await pilot.pause()
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        started = time.perf_counter()
        await pilot.press("enter")
        await _until(pilot, lambda: app.workspace is not None
                     and type(app.screen).__name__ == "HomeScreen", "unlock")
        report["unlock_to_home_s"] = time.perf_counter() - started  # includes pilot's waits
        workspace = app.workspace
        assert workspace is not None

        started = time.perf_counter()
        await pilot.press("f3")
        await _until(pilot, lambda: type(app.screen).__name__ == "JournalScreen", "the journal")
        screen = app.screen
        entry_list = screen.query_one("#entries")
        await _until(pilot, lambda: len(entry_list.items) == len(workspace.journal.entries()),
                     "the journal list")
        await pilot.pause()
        report["open_journal_s"] = time.perf_counter() - started  # includes pilot's waits
        report["entries_shown"] = len(entry_list.items)

        search = screen.query_one("#search", Input)
        search.focus()
        await pilot.pause()
        probe = FrameProbe(app, entry_list)
        driver = app._driver
        assert driver is not None
        rows = []
        for query in queries:
            prefix, key = query[:-1], query[-1]
            search.value = prefix
            search.cursor_position = len(prefix)
            await pilot.pause()
            expected = [e.id for e in workspace.journal.search(query)]
            probe.arm()
            event = events.Key(key, key)
            event.set_sender(app)
            pressed, pressed_cpu = time.perf_counter(), time.process_time()
            driver.send_message(event)
            items_at, done_at, done_cpu = await probe.wait()
            await pilot.pause()
            shown = [e.id for e in entry_list.items]
            if search.value != query or shown != expected:
                raise RuntimeError(f"after typing {query!r} the field holds {search.value!r} "
                                   f"and the list {len(shown)} entries, not {len(expected)}")
            rows.append({"query": query, "hits": len(expected),
                         "keystroke_s": done_at - pressed, "filter_s": items_at - pressed,
                         "keystroke_cpu_s": done_cpu - pressed_cpu})
        report["queries"] = rows
    report["maxrss_kib_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report["vmhwm_kib"] = vault_bench._vmhwm_kib()
    return report


def build_big_vault(home: Path, entries: int) -> tuple[Path, float, dict[str, Any]]:
    corpus = make_corpus(entries)
    path = home / "vault"
    seconds = vault_bench.build_vault(path, corpus)  # DEFAULT KDF profile, as users have
    stats = {"mean_chars": corpus.mean_chars, "entries": len(corpus.entries)}
    return path, seconds, stats


def measure_app(settings: Settings, home: Path) -> dict[str, Any]:
    print(f"  building a {settings.entries:,}-entry vault...", file=sys.stderr)
    vault_path, build_s, stats = build_big_vault(home, settings.entries)
    env = base_env(home) | {"KIT_HOME": str(home)}
    argv = [sys.executable, str(Path(__file__).resolve()), "--child-app", str(vault_path),
            "--queries", json.dumps(list(settings.queries))]
    print("  opening it in the app and searching...", file=sys.stderr)
    run = run_command(argv, env, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f"app child failed ({run.returncode}): {run.output[-3000:]}")
    child = json.loads(run.output.strip().splitlines()[-1])
    keystrokes = [q["keystroke_s"] for q in child["queries"]]
    filters = [q["filter_s"] for q in child["queries"]]
    cpu = [q["keystroke_cpu_s"] for q in child["queries"]]
    return {
        "build_s": build_s, **stats,
        "entries_shown": child["entries_shown"],
        "unlock_to_home_s": child["unlock_to_home_s"],
        "open_journal_s": child["open_journal_s"],
        "keystroke_median_s": median(keystrokes), "keystroke_p90_s": p90(keystrokes),
        "keystroke_max_s": max(keystrokes),
        "filter_median_s": median(filters), "filter_p90_s": p90(filters),
        "keystroke_cpu_median_s": median(cpu), "keystroke_cpu_p90_s": p90(cpu),
        "queries": child["queries"],
        "maxrss_mib": run.maxrss_kib / 1024, "maxrss_mb": run.maxrss_kib * 1024 / 1e6,
        "vmhwm_mib": (child["vmhwm_kib"] or 0) / 1024 or None,
        "child_wall_s": run.seconds,
    }


# --- (d) hand-feel: first open of every area, the palette, quick hide ---

TARGET_FIRST_OPEN_S = 0.300
TARGET_PALETTE_S = 0.150
TARGET_HIDE_P99_S = 0.100

# F-key, mode or pushed screen, and the class of the screen it shows.
FEEL_KEYS = (
    ("f1", "help", "HelpScreen"),
    ("f2", "home", "HomeScreen"),
    ("f3", "journal", "JournalScreen"),
    ("f4", "exposure", "ExposureScreen"),
    ("f5", "wellbeing", "WellbeingScreen"),
    ("f6", "prepare", "PrepareScreen"),
    ("f7", "incidents", "IncidentsScreen"),
    ("f8", "footprint", "FootprintScreen"),
    ("f9", "happening-now", "HappeningNowScreen"),
    ("f10", "supervision", "SupervisionScreen"),
)
# Where ctrl+l is pressed from, in turn: every area, then the editor cases.
HIDE_PLACES = (*[name for _key, name, _cls in FEEL_KEYS],
               "journal editor, unsaved text", "journal, just after leaving the editor "
               "(saved)", "journal, just after leaving the editor (nothing typed)")
HIDE_PROCESSES = 10  # the hides are spread over fresh processes: a first hide is costlier
QUIET_S = 0.150  # no frame for this long, and no worker running: the screen has settled
ERASE_SCREEN = "\x1b[J"  # erase to the end of the screen (after the cursor is sent home)


def _key_event(key: str) -> Any:
    """The event a terminal's key press becomes (as Pilot makes it)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

    try:
        char: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def _no_blinking() -> None:
    """A blinking cursor repaints twice a second; here a frame must mean a change."""
    from textual.widgets import Input, TextArea

    Input._toggle_cursor = lambda self: None  # type: ignore[method-assign]
    TextArea._toggle_cursor_blink_visible = lambda self: None  # type: ignore[method-assign]


class Frames:
    """Every frame the app hands to its driver: when, and for which screen."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.log: list[tuple[float, Any]] = []
        self.cpu: dict[float, float] = {}  # each time noted here -> this process's CPU clock
        self.new = asyncio.Event()
        display = app._display

        def timed_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count:
                return
            if hasattr(renderable, "render_segments"):  # what a terminal would be sent
                renderable.render_segments(app.console)
            self.log.append((self.note(), screen))
            self.new.set()

        app._display = timed_display
        self.erased: list[float] = []  # when the app erased the whole terminal itself
        driver = app._driver
        assert driver is not None
        write = driver.write

        def timed_write(data: str) -> None:
            write(data)
            if ERASE_SCREEN in data:
                self.erased.append(self.note())

        driver.write = timed_write
        self.mounted: list[float] = []  # when widgets were added to the app (mounted)
        register = app._register

        def timed_register(parent: Any, *widgets: Any, **kwargs: Any) -> Any:
            self.mounted.append(time.perf_counter())
            return register(parent, *widgets, **kwargs)

        app._register = timed_register

    def note(self) -> float:
        """Now, on the wall clock, with the CPU clock noted too."""
        now, cpu = time.perf_counter(), time.process_time()
        self.cpu[now] = cpu
        return now

    def cpu_between(self, start: float, end: float) -> float:
        """CPU time of this process (every thread) between two noted times: less disturbed
        than wall time when other programs compete for the cores."""
        return self.cpu[end] - self.cpu[start]

    def send(self, key: str) -> float:
        event = _key_event(key)
        event.set_sender(self.app)
        driver = self.app._driver
        assert driver is not None
        sent = self.note()
        driver.send_message(event)
        return sent

    async def first(self, since: float, class_name: str, timeout: float = 30.0) -> float:
        """When the first frame of a *class_name* screen after *since* was drawn."""
        deadline = time.perf_counter() + timeout
        while True:
            for at, screen in self.log:
                if at >= since and type(screen).__name__ == class_name:
                    return at
            self.new.clear()
            left = deadline - time.perf_counter()
            if left <= 0:
                raise RuntimeError(f"no frame of {class_name} within {timeout:.0f} s "
                                   f"(screen: {self.app.screen!r})")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.new.wait(), left)

    async def settled(self, since: float, timeout: float = 30.0) -> float:
        """When the last frame before the app fell quiet was drawn (or *since*). Quiet: no
        frame and no widget mounted for QUIET_S, no worker running, and no message waiting
        on the screen (a screen that fills itself in steps, or mounts part of itself after its
        first frame, has not settled until it is all there)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
            last = max((at for at, _screen in self.log if at >= since), default=since)
            mounted = max((at for at in self.mounted if at >= since), default=since)
            app = self.app
            busy = (any(not worker.is_finished for worker in app.workers)
                    or not app._message_queue.empty()
                    or any(not node._message_queue.empty()
                           for node in app.screen.walk_children(with_self=True)))
            if not busy and time.perf_counter() - max(last, mounted) >= QUIET_S:
                return last
        raise RuntimeError(f"the app never fell quiet within {timeout:.0f} s")


async def _feel_unlock(app: Any, pilot: Any, frames: Frames, passphrase: str) -> float:
    """Type the passphrase; return when the vault was handed to the app. Home has settled."""
    from textual.widgets import Input

    await _until(pilot, lambda: type(app.screen).__name__ == "LockScreen", "the lock screen")
    await pilot.pause()
    await _until(pilot, lambda: _preloaded(app), "the areas' code loaded on the lock screen")
    app.screen.query_one("#passphrase", Input).value = passphrase
    opened: list[float] = []
    original = app.open_workspace

    def timed_open(workspace: Any) -> None:
        opened.append(frames.note())
        app.open_workspace = original
        original(workspace)

    app.open_workspace = timed_open
    await pilot.press("enter")
    await _until(pilot, lambda: opened and type(app.screen).__name__ == "HomeScreen", "home")
    await frames.settled(opened[0])
    return opened[0]


def _preloaded(app: Any) -> bool:
    """Whether the app has loaded every area's code, as it does at rest on the lock screen
    while a person types the passphrase (kit.tui.quick). Typing takes a person seconds; here
    the passphrase is set at once, so it waits for that first, as the person's typing would.
    (Unlocked at once, each first open would also time importing its area's code.)"""
    import threading

    return bool(app._preloading) and not any(thread.name == "kit-preload"
                                             for thread in threading.enumerate())


def _feel_app(vault_path: Path) -> Any:
    from kit.config import Config
    from kit.tui.app import AppServices, KitApp

    _no_blinking()
    return KitApp(AppServices(vault_path=vault_path, config=Config(), kdf_profile="minimum",
                              allow_keyring=False))


async def child_first_open(vault_path: Path, passphrase: str, key: str) -> dict[str, Any]:
    """One fresh process: unlock, let Home settle, press *key* once."""
    class_name = {k: cls for k, _name, cls in FEEL_KEYS}[key]
    app = _feel_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        opened = await _feel_unlock(app, pilot, frames, passphrase)
        # Home is the first area: timed from the vault opening to Home on screen.
        start = opened if key == "f2" else frames.send(key)
        first = await frames.first(start, class_name)
        settled = await frames.settled(first)
        if type(app.screen).__name__ != class_name:
            raise RuntimeError(f"{key} showed {app.screen!r}, not {class_name}")
        modules = len(sys.modules)
    return {"key": key, "first_frame_s": first - start, "settled_s": settled - start,
            "first_frame_cpu_s": frames.cpu_between(start, first),
            "settled_cpu_s": frames.cpu_between(start, settled), "modules_loaded": modules}


async def child_palette(vault_path: Path, passphrase: str) -> dict[str, Any]:
    """One fresh process: unlock, let Home settle, open the palette twice."""
    app = _feel_app(vault_path)
    report: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await _feel_unlock(app, pilot, frames, passphrase)
        for which in ("first", "second"):
            start = frames.send("ctrl+p")
            first = await frames.first(start, "CommandPalette")
            settled = await frames.settled(first)
            palette = app.screen
            if type(palette).__name__ != "CommandPalette":
                raise RuntimeError(f"ctrl+p showed {palette!r}")
            shown = palette.query_one("CommandList").option_count
            if not shown:
                raise RuntimeError("the palette opened with no commands listed")
            report[which] = {"first_frame_s": first - start, "settled_s": settled - start,
                             "settled_cpu_s": frames.cpu_between(start, settled),
                             "commands_listed": shown}
            await pilot.press("escape")
            await _until(pilot, lambda: type(app.screen).__name__ == "HomeScreen", "home")
            await frames.settled(time.perf_counter())
    return report


async def _go_to(app: Any, pilot: Any, frames: Frames, place: str) -> None:
    """Show *place* (untimed) and let it settle."""
    keys = {name: (key, cls) for key, name, cls in FEEL_KEYS}
    if place in keys:
        key, class_name = keys[place]
        if key != "f2":
            start = frames.send(key)
            await frames.first(start, class_name)
        await frames.settled(time.perf_counter())
        return
    start = frames.send("f3")
    await frames.first(start, "JournalScreen")
    await frames.settled(start)
    start = frames.send("ctrl+n")
    await frames.first(start, "EditorScreen")
    await frames.settled(start)
    if "nothing typed" not in place:
        await pilot.press(*"a few words, typed")
        await frames.settled(time.perf_counter())
    if "saved" in place:
        frames.send("ctrl+s")  # saves, and the editor stays open
        await frames.settled(time.perf_counter())


async def child_hide(vault_path: Path, passphrase: str, first: int,
                     presses: int) -> dict[str, Any]:
    """ctrl+l *presses* times, each from a fresh unlock, in turn from every place (starting
    with press number *first* of the whole run)."""
    app = _feel_app(vault_path)
    rows: list[dict[str, Any]] = []
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        for n in range(first, first + presses):
            place = HIDE_PLACES[n % len(HIDE_PLACES)]
            await _feel_unlock(app, pilot, frames, passphrase)
            workspace = app.workspace
            for draft in workspace.drafts.list("journal"):  # the editor case seals one
                workspace.drafts.discard(draft.id)
            await _go_to(app, pilot, frames, place)
            if place.startswith("journal, just after"):
                frames.send("escape")
                deadline = time.perf_counter() + 30
                while type(app.screen).__name__ != "JournalScreen":  # ctrl+l goes at once
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"the editor never closed ({place}): "
                                           f"{app.screen!r}, {app.screen.focused!r}")
                    await asyncio.sleep(0)
            start = frames.send("ctrl+l")
            frame = await frames.first(start, "HiddenScreen")
            # Blank from whichever came first: the terminal erased, or the blank screen drawn.
            blank = min([frame, *[at for at in frames.erased if at >= start]])
            await _until(pilot, lambda: app.workspace is None and not app._locking, "the lock")
            rows.append({"place": place, "in_process": n - first + 1, "blank_s": blank - start,
                         "frame_s": frame - start, "erased": blank < frame,
                         "blank_cpu_s": frames.cpu_between(start, blank)})
            await pilot.press("enter")  # the blank screen leads to the lock screen
    return {"presses": rows}


def _child_feel_main(args: argparse.Namespace) -> dict[str, Any]:
    vault_path = Path(args.child_feel)
    passphrase = os.environ["KIT_BENCH_PASSPHRASE"]
    task = args.task
    if task == "palette":
        return asyncio.run(child_palette(vault_path, passphrase))
    if task.startswith("hide:"):
        _hide, first, presses = task.split(":")
        return asyncio.run(child_hide(vault_path, passphrase, int(first), int(presses)))
    return asyncio.run(child_first_open(vault_path, passphrase, task.split(":")[1]))


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _feel_child(vault_path: Path, env: dict[str, str], task: str) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child-feel", str(vault_path),
            "--task", task]
    run = run_command(argv, env, timeout=900)
    if run.returncode != 0:
        raise RuntimeError(f"feel child {task} failed ({run.returncode}): {run.output[-3000:]}")
    return cast(dict[str, Any], json.loads(run.output.strip().splitlines()[-1]))


def measure_feel(settings: Settings, home: Path) -> dict[str, Any]:
    from kit.demo import prepare_demo

    print("  building the demo vault...", file=sys.stderr)
    demo = prepare_demo(parent=home)
    env = base_env(home) | {"KIT_HOME": str(home), "KIT_OFFLINE": "1",
                            "KIT_BENCH_PASSPHRASE": demo.passphrase}
    try:
        _feel_child(demo.path, env, "open:f2")  # warm-up: bytecode and file caches
        opens: dict[str, list[dict[str, Any]]] = {key: [] for key, _n, _c in FEEL_KEYS}
        palettes: list[dict[str, Any]] = []
        for run in range(settings.feel_runs):
            print(f"  first opens and palette, round {run + 1} of {settings.feel_runs}...",
                  file=sys.stderr)
            for key, _name, _cls in FEEL_KEYS:
                opens[key].append(_feel_child(demo.path, env, f"open:{key}"))
            palettes.append(_feel_child(demo.path, env, "palette"))
        print(f"  quick hide, {settings.hide_presses} presses in {HIDE_PROCESSES} processes...",
              file=sys.stderr)
        hide = []
        for n in range(HIDE_PROCESSES):  # so the first hide in a process counts as often
            first = settings.hide_presses * n // HIDE_PROCESSES
            last = settings.hide_presses * (n + 1) // HIDE_PROCESSES
            hide += _feel_child(demo.path, env, f"hide:{first}:{last - first}")["presses"]
    finally:
        demo.cleanup()
    areas = []
    for key, name, _cls in FEEL_KEYS:
        first = [r["first_frame_s"] for r in opens[key]]
        settled = [r["settled_s"] for r in opens[key]]
        cpu = [r["settled_cpu_s"] for r in opens[key]]
        areas.append({"key": key, "area": name, "first_frame_median_s": median(first),
                      "first_frame_max_s": max(first), "settled_median_s": median(settled),
                      "settled_max_s": max(settled), "settled_cpu_median_s": median(cpu),
                      "first_frame_runs_s": first, "settled_runs_s": settled,
                      "modules_loaded": opens[key][0]["modules_loaded"]})
    palette = {which: {
        "first_frame_median_s": median([p[which]["first_frame_s"] for p in palettes]),
        "settled_median_s": median([p[which]["settled_s"] for p in palettes]),
        "settled_max_s": max(p[which]["settled_s"] for p in palettes),
        "settled_cpu_median_s": median([p[which]["settled_cpu_s"] for p in palettes]),
        "settled_runs_s": [p[which]["settled_s"] for p in palettes],
        "commands_listed": palettes[0][which]["commands_listed"]}
        for which in ("first", "second")}
    blank = [row["blank_s"] for row in hide]
    blank_cpu = [row["blank_cpu_s"] for row in hide]
    by_place = {place: [row["blank_s"] for row in hide if row["place"] == place]
                for place in HIDE_PLACES}
    return {
        "runs": settings.feel_runs, "areas": areas, "palette": palette,
        "hide": {"presses": len(blank), "median_s": median(blank),
                 "p90_s": percentile(blank, 90), "p99_s": percentile(blank, 99),
                 "max_s": max(blank), "cpu_median_s": median(blank_cpu),
                 "cpu_p99_s": percentile(blank_cpu, 99),
                 "by_place": {place: {"n": len(v), "median_s": median(v), "max_s": max(v)}
                              for place, v in by_place.items() if v},
                 "rows": hide},
    }


# --- report ---


def evaluate(startup: dict[str, Any] | None, app: dict[str, Any] | None,
             feel: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows: list[tuple[str, str, float, str, bool, dict[str, Any]]] = []
    if startup is not None:
        ratio = startup["ratio_median"]
        rows.append(("start-up to lock screen, kit / minimal (median)",
                     f"<= {TARGET_STARTUP_RATIO:.2f}x", ratio, "x",
                     ratio <= TARGET_STARTUP_RATIO, {"cpu": startup["ratio_cpu_median"]}))
    if app is not None:
        entries = app["entries_shown"]
        judged = {"entries": entries, "indicative_only": entries != TARGET_ENTRIES}
        rows += [
            ("search keystroke to list on screen (median)",
             f"<= {TARGET_KEYSTROKE_S * 1000:.0f} ms", app["keystroke_median_s"], "s",
             app["keystroke_median_s"] <= TARGET_KEYSTROKE_S,
             judged | {"cpu": app["keystroke_cpu_median_s"]}),
            ("search keystroke to list on screen (p90)",
             f"<= {TARGET_KEYSTROKE_P90_S * 1000:.0f} ms", app["keystroke_p90_s"], "s",
             app["keystroke_p90_s"] <= TARGET_KEYSTROKE_P90_S,
             judged | {"cpu": app["keystroke_cpu_p90_s"]}),
            ("peak RSS, app with the journal loaded", f"<= {TARGET_RSS_MB} MB",
             app["maxrss_mb"], "MB", app["maxrss_mb"] <= TARGET_RSS_MB, judged),
        ]
    if feel is not None:
        open_target = f"<= {TARGET_FIRST_OPEN_S * 1000:.0f} ms"
        for area in feel["areas"]:
            value = area["settled_median_s"]
            rows.append((f"first open, {area['key'].upper()} {area['area']} (median, settled)",
                         open_target, value, "s", value <= TARGET_FIRST_OPEN_S, {}))
        value = feel["palette"]["first"]["settled_median_s"]
        rows.append(("palette open, ctrl+p to its list (median)",
                     f"<= {TARGET_PALETTE_S * 1000:.0f} ms", value, "s",
                     value <= TARGET_PALETTE_S, {}))
        hide = feel["hide"]
        rows.append((f"ctrl+l to a blank screen (p99 of {hide['presses']})",
                     f"<= {TARGET_HIDE_P99_S * 1000:.0f} ms", hide["p99_s"], "s",
                     hide["p99_s"] <= TARGET_HIDE_P99_S,
                     {"indicative_only": hide["presses"] < TARGET_HIDE_PRESSES}))
    return [{"name": name, "target": target, "measured": measured, "unit": unit,
             "status": "PASS" if ok else "MISS", **extra}
            for name, target, measured, unit, ok, extra in rows]


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.1f} ms"


def render_startup(startup: dict[str, Any]) -> list[str]:
    k, m = startup["kit"], startup["minimal"]
    return [
        f"(a) start-up, headless {SIZE[0]}x{SIZE[1]}, {startup['runs']} runs each, alternating",
        f"{'':44}{'best':>12}{'median':>12}{'exit (med)':>12}",
        f"{'  kit: spawn -> lock screen interactive':44}{ms(k['best_s']):>12}"
        f"{ms(k['median_s']):>12}{ms(k['exit_median_s']):>12}",
        f"{'  minimal Textual app: spawn -> ready':44}{ms(m['best_s']):>12}"
        f"{ms(m['median_s']):>12}{ms(m['exit_median_s']):>12}",
        "  medians, kit / minimal:",
        f"{'    interpreter start (spawn -> first line)':44}{ms(k['interpreter_median_s']):>12}"
        f"{ms(m['interpreter_median_s']):>12}",
        f"{'    imports (kit: kit.cli, kit.tui.app, lock)':44}{ms(k['imports_median_s']):>12}"
        f"{ms(m['imports_median_s']):>12}",
        f"{'    app start -> ready (after imports)':44}{ms(k['app_median_s']):>12}"
        f"{ms(m['app_median_s']):>12}",
        f"{'  ratio kit / minimal':44}{startup['ratio_best']:>11.2f}x"
        f"{startup['ratio_median']:>11.2f}x",
        f"  CPU time of each process to ready, median: kit {ms(k['cpu_median_s'])}, minimal "
        f"{ms(m['cpu_median_s'])}, ratio {startup['ratio_cpu_median']:.2f}x (less disturbed by "
        "other load; the target is judged on wall time)",
        "",
    ]


def render_app(app: dict[str, Any]) -> list[str]:
    return [
        f"(b) search as you type, {app['entries_shown']:,} entries (mean {app['mean_chars']:,.0f} "
        f"chars), {len(app['queries'])} queries",
        f"  keystroke -> list re-drawn on screen: median {ms(app['keystroke_median_s'])}, "
        f"p90 {ms(app['keystroke_p90_s'])}, max {ms(app['keystroke_max_s'])}",
        f"  of which keystroke -> new items in the list: median {ms(app['filter_median_s'])}, "
        f"p90 {ms(app['filter_p90_s'])}",
        f"  same keystroke, CPU time of the app process: median "
        f"{ms(app['keystroke_cpu_median_s'])}, p90 {ms(app['keystroke_cpu_p90_s'])} (less "
        "disturbed by other load; the target is judged on wall time)",
        f"  unlock (typed, default KDF) -> home: {app['unlock_to_home_s']:.2f} s; "
        f"f3 -> journal listed: {app['open_journal_s']:.2f} s (both include Pilot's idle waits)",
        "",
        f"(c) peak RSS of that app process: {app['maxrss_mib']:,.1f} MiB "
        f"({app['maxrss_mb']:,.1f} MB)",
        "",
    ]


def render_feel(feel: dict[str, Any]) -> list[str]:
    lines = [
        f"(d) hand-feel over the demo vault, headless {SIZE[0]}x{SIZE[1]}",
        f"  first open from a fresh unlocked app at Home, {feel['runs']} fresh process(es) "
        "per key",
        f"{'':34}{'first frame':>14}{'':>12}{'settled':>14}{'':>12}{'settled CPU':>14}",
        f"{'':34}{'median':>14}{'max':>12}{'median':>14}{'max':>12}{'median':>14}",
    ]
    for area in feel["areas"]:
        name = f"  {area['key'].upper():<4}{area['area']}"
        lines.append(f"{name:34}{ms(area['first_frame_median_s']):>14}"
                     f"{ms(area['first_frame_max_s']):>12}{ms(area['settled_median_s']):>14}"
                     f"{ms(area['settled_max_s']):>12}{ms(area['settled_cpu_median_s']):>14}")
    for which in ("first", "second"):
        palette = feel["palette"][which]
        name = f"  ctrl+p palette, {which} open"
        lines.append(f"{name:34}{ms(palette['first_frame_median_s']):>14}{'':>12}"
                     f"{ms(palette['settled_median_s']):>14}{ms(palette['settled_max_s']):>12}"
                     f"{ms(palette['settled_cpu_median_s']):>14}")
    hide = feel["hide"]
    lines += [
        f"  ctrl+l -> blank screen, {hide['presses']} presses: median {ms(hide['median_s'])}, "
        f"p90 {ms(hide['p90_s'])}, p99 {ms(hide['p99_s'])}, max {ms(hide['max_s'])}",
        f"    CPU time of the app process: median {ms(hide['cpu_median_s'])}, p99 "
        f"{ms(hide['cpu_p99_s'])} (less disturbed by other load; targets are judged on wall "
        "time)",
        f"{'    from':50}{'n':>4}{'median':>12}{'max':>12}",
    ]
    for place, row in hide["by_place"].items():
        lines.append(f"    {place:46}{row['n']:>4}{ms(row['median_s']):>12}{ms(row['max_s']):>12}")
    lines.append("")
    return lines


def render(startup: dict[str, Any] | None, app: dict[str, Any] | None,
           feel: dict[str, Any] | None, targets: list[dict[str, Any]],
           meta: dict[str, Any]) -> str:
    lines = [
        f"Frontline Kit terminal app benchmark — {meta['date']}",
        f"kit {meta['kit_version']} ({meta['git']}) · Python {meta['python']} · Textual "
        f"{meta['textual']} · {meta['platform']} · {meta['cpus']} CPUs · load average "
        f"before/after {meta['loadavg_before']} / {meta['loadavg_after']}",
        "",
    ]
    if startup is not None:
        lines += render_startup(startup)
    if app is not None:
        lines += render_app(app)
    if feel is not None:
        lines += render_feel(feel)
    lines.append("Targets:")
    for t in targets:
        value = t["measured"]
        shown = (f"{value:.2f}x" if t["unit"] == "x" else ms(value) if t["unit"] == "s"
                 else f"{value:,.1f} MB")
        note = ""
        if t.get("indicative_only"):
            note = (f" (indicative only: judged at {t['entries']:,} entries, not 10,000)"
                    if "entries" in t else " (indicative only: fewer presses than 100)")
        if "cpu" in t:
            cpu = t["cpu"]
            note += f" (CPU {cpu:.2f}x)" if t["unit"] == "x" else f" (CPU {ms(cpu)})"
        lines.append(f"  {t['status']:<5} {t['name']:<52} target {t['target']:<9} "
                     f"measured {shown}{note}")
    lines += ["", f"JSON: {RESULTS_FILE.relative_to(ROOT)}"]
    return "\n".join(lines)


def _loadavg() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "—"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1,000 entries, 3 start-ups, 10 queries, one "
                        "first open of each area, 26 quick hides")
    parser.add_argument("--entries", type=int, help=f"journal size (default {TARGET_ENTRIES:,})")
    parser.add_argument("--runs", type=int, help="start-up runs of each app (default 10)")
    parser.add_argument("--feel-runs", type=int,
                        help="fresh processes per first-open key and for the palette (default 5)")
    parser.add_argument("--hide-presses", type=int,
                        help=f"ctrl+l presses (default {TARGET_HIDE_PRESSES})")
    parser.add_argument("--only", choices=SECTIONS, action="append",
                        help="run only this part (may be given more than once)")
    parser.add_argument("--child-app", metavar="VAULT", help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    parser.add_argument("--child-feel", metavar="VAULT", help=argparse.SUPPRESS)
    parser.add_argument("--task", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_app:
        queries = json.loads(args.queries) if args.queries else list(QUERIES)
        print(json.dumps(asyncio.run(child_app(Path(args.child_app), queries))))
        return 0
    if args.child_feel:
        print(json.dumps(_child_feel_main(args)))
        return 0
    settings = Settings(
        entries=args.entries or (1_000 if args.quick else TARGET_ENTRIES),
        startup_runs=args.runs or (3 if args.quick else 10),
        queries=QUERIES[:10] if args.quick else QUERIES, quick=args.quick,
        feel_runs=args.feel_runs or (1 if args.quick else 5),
        hide_presses=args.hide_presses or (2 * len(HIDE_PLACES) if args.quick
                                           else TARGET_HIDE_PRESSES),
        sections=tuple(s for s in SECTIONS if not args.only or s in args.only))
    import textual

    load_before = _loadavg()
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="kit-tui-bench-"))
    startup = app = feel = None
    try:
        (home / "tmp").mkdir()
        if "startup" in settings.sections:
            print("(a) start-up ...", file=sys.stderr)
            startup = measure_startup(settings, home)
        if "search" in settings.sections:
            print("(b, c) search and memory ...", file=sys.stderr)
            app = measure_app(settings, home)
        if "feel" in settings.sections:
            print("(d) first open, palette, quick hide ...", file=sys.stderr)
            feel = measure_feel(settings, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    memory, iterations, lanes = kdf.PROFILES["default"]
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "kit_version": kit.__version__,
        "git": vault_bench._git_state(),
        "python": platform.python_version(),
        "textual": getattr(textual, "__version__", "?"),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "kdf": f"{memory // 1024} MiB, t={iterations}, p={lanes} (default profile)",
        "loadavg_before": load_before,
        "loadavg_after": _loadavg(),
        "total_s": time.perf_counter() - started,
        "settings": {"entries": settings.entries, "startup_runs": settings.startup_runs,
                     "queries": list(settings.queries), "quick": settings.quick,
                     "feel_runs": settings.feel_runs, "hide_presses": settings.hide_presses,
                     "sections": list(settings.sections)},
        "method": (__doc__ or "").split("\n\n", 2)[-1],
    }
    targets = evaluate(startup, app, feel)
    document = {"meta": meta, "startup": startup, "app": app, "feel": feel, "targets": targets}
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print(render(startup, app, feel, targets, meta))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
