#!/usr/bin/env python3
"""Terminal app speed: start-up to an interactive lock screen, search as you type, and memory.

Run with `make bench` (or `.venv/bin/python benchmarks/tui_bench.py [--quick]`). Prints a table
and writes benchmarks/results/tui_bench.json. Nothing here is a test: the figures are compared
with the targets and reported as PASS or MISS, never asserted.

(a) Start-up. Fresh `python -c` processes, run headless at 110x34, alternating with a minimal
    Textual app (a label, a password Input, a button and a footer) measured in the same run.
    The kit child imports `kit.cli` as the `kit` command does and calls its real `launch_app`
    (only `run` is swapped for a headless run); the clock stops in a callback after the lock
    screen has been painted with the passphrase field focused (the minimal app: its screen,
    the same way). Time is from just before the parent spawns the child to that callback,
    both read with time.perf_counter (CLOCK_MONOTONIC, shared by all processes on Linux).
(b) Search keystroke at 10,000 entries. The app is opened headless over a vault of the same
    deterministic journal vault_bench.py uses (DEFAULT KDF profile, as users have), unlocked
    by typing the passphrase, and the journal opened. For each of 30 different queries the
    search field is set to all but its last character (not timed); then the last key is sent
    as a key event and the clock stops when the frame holding the re-drawn entry list has been
    handed to the driver (a hook on the list's render_line and on App._display). The list is
    then checked against Journal.search. Pilot's press()/pause() are not used for timing:
    they sleep for at least 20 ms each while waiting for idle.
(c) Peak memory: ru_maxrss of the process in (b) (app, 10,000 entries loaded, searched), read
    through a small launcher so the benchmark's own memory cannot leak into it.
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
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

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

TARGET_STARTUP_RATIO = 1.3
TARGET_KEYSTROKE_S = 0.050
TARGET_RSS_MB = 150  # megabytes (10^6 bytes)
TARGET_ENTRIES = 10_000

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
            self.app.exit()

        self.call_after_refresh(ready)

    screen_class.on_mount = on_mount
"""

KIT_CHILD = r"""
import json, sys, time
MARKS = {"start": time.perf_counter()}
from pathlib import Path
import kit.cli  # the `kit` command's own module, with everything it imports at start
""" + READY_HOOK + r"""
import kit.tui.app as tui_app  # launch_app imports it too; here so the hooks can go in
from kit.tui.screens.lock import LockScreen

MARKS["imported"] = time.perf_counter()
_hook(LockScreen)
tui_app.run = lambda services: tui_app.KitApp(services).run(headless=True, size=(110, 34))
kit.cli.harden_process()
kit.cli.launch_app(Path(sys.argv[1]))  # what `kit` does in a terminal, headless
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
    return {"ready_s": marks["ready"] - spawned, "interpreter_s": marks["start"] - spawned,
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
            "interpreter_median_s": median([s["interpreter_s"] for s in samples]),
            "imports_median_s": median([s["imports_s"] for s in samples]),
            "app_median_s": median([s["app_s"] for s in samples]),
            "exit_median_s": median([s["exit_s"] for s in samples]),
        }
    result["ratio_median"] = result["kit"]["median_s"] / result["minimal"]["median_s"]
    result["ratio_best"] = result["kit"]["best_s"] / result["minimal"]["best_s"]
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


# --- report ---


def evaluate(startup: dict[str, Any], app: dict[str, Any], entries: int) -> list[dict[str, Any]]:
    ratio = startup["ratio_median"]
    rows = [
        ("start-up to lock screen, kit / minimal (median)",
         f"<= {TARGET_STARTUP_RATIO:.1f}x", ratio, "x", ratio <= TARGET_STARTUP_RATIO),
        ("search keystroke to list on screen (median)", f"<= {TARGET_KEYSTROKE_S * 1000:.0f} ms",
         app["keystroke_median_s"], "s", app["keystroke_median_s"] <= TARGET_KEYSTROKE_S),
        ("peak RSS, app with the journal loaded", f"<= {TARGET_RSS_MB} MB", app["maxrss_mb"],
         "MB", app["maxrss_mb"] <= TARGET_RSS_MB),
    ]
    return [{"name": name, "target": target, "measured": measured, "unit": unit,
             "status": "PASS" if ok else "MISS", "entries": entries,
             "indicative_only": entries != TARGET_ENTRIES}
            for name, target, measured, unit, ok in rows]


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.1f} ms"


def render(startup: dict[str, Any], app: dict[str, Any], targets: list[dict[str, Any]],
           meta: dict[str, Any]) -> str:
    k, m = startup["kit"], startup["minimal"]
    lines = [
        f"Frontline Kit terminal app benchmark — {meta['date']}",
        f"kit {meta['kit_version']} ({meta['git']}) · Python {meta['python']} · Textual "
        f"{meta['textual']} · {meta['platform']} · {meta['cpus']} CPUs · load average "
        f"before/after {meta['loadavg_before']} / {meta['loadavg_after']}",
        "",
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
        "",
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
        f"Targets, judged at {app['entries_shown']:,} entries"
        + (" — INDICATIVE ONLY: the targets are set at 10,000"
           if app["entries_shown"] != TARGET_ENTRIES else "") + ":",
    ]
    for t in targets:
        value = t["measured"]
        shown = (f"{value:.2f}x" if t["unit"] == "x" else ms(value) if t["unit"] == "s"
                 else f"{value:,.1f} MB")
        lines.append(f"  {t['status']:<5} {t['name']:<48} target {t['target']:<9} "
                     f"measured {shown}")
    lines += ["", f"JSON: {RESULTS_FILE.relative_to(ROOT)}"]
    return "\n".join(lines)


def _loadavg() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "—"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1,000 entries, 3 start-ups, 10 queries")
    parser.add_argument("--entries", type=int, help=f"journal size (default {TARGET_ENTRIES:,})")
    parser.add_argument("--runs", type=int, help="start-up runs of each app (default 10)")
    parser.add_argument("--child-app", metavar="VAULT", help=argparse.SUPPRESS)
    parser.add_argument("--queries", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child_app:
        queries = json.loads(args.queries) if args.queries else list(QUERIES)
        print(json.dumps(asyncio.run(child_app(Path(args.child_app), queries))))
        return 0
    settings = Settings(
        entries=args.entries or (1_000 if args.quick else TARGET_ENTRIES),
        startup_runs=args.runs or (3 if args.quick else 10),
        queries=QUERIES[:10] if args.quick else QUERIES, quick=args.quick)
    import textual

    load_before = _loadavg()
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="kit-tui-bench-"))
    try:
        (home / "tmp").mkdir()
        print("(a) start-up ...", file=sys.stderr)
        startup = measure_startup(settings, home)
        print("(b, c) search and memory ...", file=sys.stderr)
        app = measure_app(settings, home)
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
                     "queries": list(settings.queries), "quick": settings.quick},
        "method": (__doc__ or "").split("\n\n", 2)[-1],
    }
    targets = evaluate(startup, app, app["entries_shown"])
    document = {"meta": meta, "startup": startup, "app": app, "targets": targets}
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print(render(startup, app, targets, meta))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
