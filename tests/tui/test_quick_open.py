"""What makes a first open quick does not change what is shown (kit.tui.quick; timed in
benchmarks/tui_bench.py, never here): the help's text is all there, focused and scrollable;
Prepare makes its list of steps once; the work done at rest waits while keys come; a screen
shown is not laid out again at the size it was just laid out at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.geometry import Region

from kit.tui import quick
from kit.tui.screens.help import HelpText
from tests.tui.conftest import SIZE, showing, unlock, wait_for


async def test_the_help_opens_whole_with_the_focus_on_its_text(make_app: Any,
                                                               closed_vault: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f1")
        await wait_for(pilot, lambda: showing(pilot, "HelpScreen"), "the help")
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert app.screen.focused is box  # the arrow keys scroll the text at once
        text = app.screen.query_one(HelpText).source
        assert text.startswith("# Frontline Kit")
        headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
        # Every section is drawn, not just the first: each heading is on a line of the text.
        drawn = [strip.text.strip() for strip in app.screen.query_one(HelpText).render_lines(
            Region(0, 0, box.size.width - 2, box.virtual_size.height))]
        assert len(headings) > 5
        assert [h for h in headings if h in drawn] == headings
        assert box.max_scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert box.scroll_y == box.max_scroll_y


async def test_prepare_makes_its_list_once_when_first_opened(make_app: Any, closed_vault: Path,
                                                             monkeypatch: Any) -> None:
    from kit.tui.screens.prepare.steps import StepsPane

    made: list[object] = []
    listing = StepsPane._listing

    def counted(self: StepsPane, *filters: Any) -> Any:
        made.append(self)
        return listing(self, *filters)

    monkeypatch.setattr(StepsPane, "_listing", counted)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "Prepare")
        await pilot.pause()
        assert len(made) == 1
        # A filter really changed: the list is made again.
        await pilot.click("#show-all")
        await wait_for(pilot, lambda: len(made) == 2, "the list made again")


async def test_rest_waits_while_keys_come_once_unlocked(make_app: Any, closed_vault: Path,
                                                        monkeypatch: Any) -> None:
    # A key every 0.1 s against a second of quiet: a loaded machine (a press taking several
    # times longer than it should) still never leaves a second between two.
    monkeypatch.setattr(quick, "REST_AFTER_S", 1.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        rested: list[float] = []
        rest = app._rest
        monkeypatch.setattr(app, "_rest", lambda: (rested.append(1), rest()))
        app.rest_soon()
        for n in range(6):  # a key every 0.1 s, on Home: never a second of quiet
            await pilot.press("down" if n % 2 else "up")
            await pilot.pause(0.1)
        assert not rested
        await wait_for(pilot, lambda: bool(rested), "rest once the keys stop")


async def test_a_screen_is_not_laid_out_again_at_the_same_size(make_app: Any,
                                                               closed_vault: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        home = app.screen
        laid_out: list[object] = []
        layout = type(home)._refresh_layout

        def counted(self: Any, size: Any = None, scroll: bool = False) -> None:
            laid_out.append(size)
            layout(self, size, scroll)

        home._refresh_layout = counted.__get__(home)  # type: ignore[method-assign]
        home._screen_resized(app.size)  # told its size again, as under a dialog: nothing to do
        assert laid_out == []
        await pilot.resize_terminal(SIZE[0] - 10, SIZE[1])  # a new size: laid out again
        await wait_for(pilot, lambda: bool(laid_out), "a layout at the new size")


async def test_the_collector_paused_for_start_up_runs_again_once_the_app_is_up(
        make_app: Any, closed_vault: Path) -> None:
    # kit.start.before_app and launch_app pause it while the app's modules load; left paused,
    # an unlocked session's garbage would never be collected.
    import gc

    gc.disable()
    try:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
            assert gc.isenabled()
    finally:
        gc.enable()
