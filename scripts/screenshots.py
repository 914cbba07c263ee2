#!/usr/bin/env python3
"""Make the README's screenshots (SVG) from the demo vault: `make screenshots`.

Runs the real app headless over a throwaway demo vault of made-up records (kit/demo.py), with a
fixed clock, a fixed theme, UTC as the local time zone and a fixed terminal size, so the
pictures only change when the screens do. The app itself refuses to write screenshots (its
deliver_screenshot is disabled on purpose, so real records never land in a file); this script
asks it for the SVG text with export_screenshot() and writes the files itself, and only ever
over demo data. The demo folder is removed at the end.

Usage: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Before anything computes a local time: the pictures must not depend on where they are made.
os.environ["TZ"] = "UTC"
if hasattr(time, "tzset"):
    time.tzset()

from kit.hygiene import harden_process

harden_process()  # before Textual is imported: no TEXTUAL_* debug or screenshot switches

from kit.config import Config  # noqa: E402
from kit.demo import DemoVault, prepare_demo  # noqa: E402
from kit.tui.app import AREA_KEYS, AppServices, KitApp  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)  # a fixed "today" for the demo and the app
SIZE = (110, 34)
THEME = "kit-calm"

Step = Callable[[Any], Awaitable[None]]


def services(demo: DemoVault, *, unlock: bool) -> AppServices:
    return AppServices(vault_path=demo.path, config=Config(theme=THEME), kdf_profile="minimum",
                       clock=lambda: NOW, allow_keyring=False, demo=True,
                       demo_passphrase=demo.passphrase if unlock else None)


async def settle(pilot: Any) -> None:
    """Let workers finish and the screen repaint; steady cursors, so nothing blinks."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    for widget in app.screen.query("*"):
        if getattr(widget, "cursor_blink", False):
            widget.cursor_blink = False
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], bool], what: str) -> None:
    for _ in range(400):
        if condition():
            await settle(pilot)
            return
        await pilot.pause(0.05)
    raise SystemExit(f"screenshots: gave up waiting for {what} (screen: {pilot.app.screen!r})")


def screen_is(app: KitApp, name: str) -> bool:
    return type(app.screen).__name__ == name


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: list[Path] = []

    def shoot(self, app: KitApp, name: str, title: str) -> None:
        svg = app.export_screenshot(title=f"Frontline Kit — {title} (demo data)")
        path = self.out / f"{name}.svg"
        path.write_text(svg, encoding="utf-8")
        self.written.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


async def lock_screen(demo: DemoVault, shooter: Shooter) -> None:
    """The lock screen as a user sees it: waiting for the passphrase; and F9 from there, the
    "It's happening now" walk-through, which opens without unlocking."""
    app = KitApp(services(demo, unlock=False))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: screen_is(app, "LockScreen"), "the lock screen")
        shooter.shoot(app, "lock", "Locked")
        await pilot.press("f9")
        await until(pilot, lambda: screen_is(app, "HappeningNowScreen"), "happening now")
        shooter.shoot(app, "happening-now", "It's happening now")


async def unlocked_screens(demo: DemoVault, shooter: Shooter) -> None:
    app = KitApp(services(demo, unlock=True))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.workspace is not None and screen_is(app, "HomeScreen"),
                    "the demo to open")
        shooter.shoot(app, "home", "Home")

        await pilot.press("f1")
        await until(pilot, lambda: screen_is(app, "HelpScreen"), "help")
        shooter.shoot(app, "help", "Help")
        await pilot.press("escape")
        await until(pilot, lambda: screen_is(app, "HomeScreen"), "home again")

        await pilot.press("f3")
        await until(pilot, lambda: screen_is(app, "JournalScreen"), "the journal")
        shooter.shoot(app, "journal", "Journal")
        await pilot.press("enter")  # open the highlighted (newest) entry
        await until(pilot, lambda: screen_is(app, "EditorScreen"), "the journal editor")
        shooter.shoot(app, "journal-editor", "Journal entry")
        await pilot.press("escape")
        await until(pilot, lambda: screen_is(app, "JournalScreen"), "the journal again")


# Keys pressed in an area, after its first picture, for one more: (keys, name, title).
EXTRA_SHOTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # The newest incident is listed first; the one below it has a file, a link and a note.
    "incidents": (("down",), "incidents-evidence", "Incidents, with evidence"),
}


async def area_screen(demo: DemoVault, shooter: Shooter, key: str, mode: str,
                      label: str) -> None:
    """Another area (exposure log, wellbeing, ...), each in its own run: one that is still
    being built cannot spoil the rest."""
    app = KitApp(services(demo, unlock=True))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.workspace is not None and screen_is(app, "HomeScreen"),
                    "the demo to open")
        await pilot.press(key)
        await until(pilot, lambda: app.current_mode == mode, label)
        shooter.shoot(app, mode, label)
        if mode in EXTRA_SHOTS:
            keys, name, title = EXTRA_SHOTS[mode]
            await pilot.press(*keys)
            await settle(pilot)
            shooter.shoot(app, name, title)
        # An area with tabs (wellbeing: check in, trends, plan) gets one picture per tab.
        from textual.widgets import TabbedContent, TabPane

        for tabs in app.screen.query(TabbedContent).results():
            panes = [p for p in tabs.query(TabPane).results() if p.id]
            for pane in panes[1:]:
                tabs.active = pane.id or ""

                def shown(tabs: TabbedContent = tabs, pane: TabPane = pane) -> bool:
                    return tabs.active == pane.id

                await until(pilot, shown, f"{label}: {pane.id}")
                shooter.shoot(app, f"{mode}-{pane.id}", f"{label}, {pane.id}")
            break


async def supervision_screens(demo: DemoVault, shooter: Shooter) -> None:
    """Supervision (F10): the Share tab at its preview (exactly what Sam Sample would read),
    and the Team tab (the demo's owner supervises three people)."""
    from textual.widgets import TabbedContent

    app = KitApp(services(demo, unlock=True))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.workspace is not None and screen_is(app, "HomeScreen"),
                    "the demo to open")
        await pilot.press("f10")
        await until(pilot, lambda: app.current_mode == "supervision", "supervision")
        screen = app.screen
        screen.query_one("#share-pane").scroll_to_widget(
            screen.query_one("#share-warning"), animate=False, top=True)
        await settle(pilot)
        shooter.shoot(app, "supervision-share", "Supervision, a share and its preview")
        tabs = screen.query_one("#supervision-tabs", TabbedContent)
        tabs.active = "team-tab"
        await until(pilot, lambda: tabs.active == "team-tab", "supervision: team")
        shooter.shoot(app, "supervision-team", "Supervision, the team")


async def removals_screen(demo: DemoVault, shooter: Shooter) -> None:
    """Removal requests (Incidents, then r): the people-search site whose reply is overdue."""
    app = KitApp(services(demo, unlock=True))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.workspace is not None and screen_is(app, "HomeScreen"),
                    "the demo to open")
        await pilot.press("f7")
        await until(pilot, lambda: screen_is(app, "IncidentsScreen"), "incidents")
        await pilot.press("r")
        await until(pilot, lambda: screen_is(app, "RemovalsScreen"), "removal requests")
        await pilot.press("down")  # the erasure request whose month has passed
        await settle(pilot)
        shooter.shoot(app, "removals", "Removal requests")


async def main_async(out: Path) -> tuple[list[Path], list[str]]:
    """The screenshots written, and the areas that failed."""
    out.mkdir(parents=True, exist_ok=True)
    demo = prepare_demo(NOW)
    shooter = Shooter(out)
    failed: list[str] = []
    try:
        await lock_screen(demo, shooter)
        await unlocked_screens(demo, shooter)
        for key, mode, label in AREA_KEYS:
            if mode in ("home", "journal"):
                continue
            try:
                if mode == "supervision":  # two chosen views, not one picture per tab
                    await supervision_screens(demo, shooter)
                else:
                    await area_screen(demo, shooter, key, mode, label)
            except Exception as exc:  # report it and carry on with the others
                failed.append(f"{mode} ({type(exc).__name__}: {exc})")
        try:
            await removals_screen(demo, shooter)
        except Exception as exc:
            failed.append(f"removals ({type(exc).__name__}: {exc})")
    finally:
        demo.cleanup()
    return shooter.written, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the SVG files")
    args = parser.parse_args(argv)
    print(f"Writing screenshots of the demo ({SIZE[0]}x{SIZE[1]}, theme {THEME}):")
    written, failed = asyncio.run(main_async(args.out.resolve()))
    print(f"{len(written)} screenshots written.")
    for area in failed:
        print(f"NOT written: {area}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
