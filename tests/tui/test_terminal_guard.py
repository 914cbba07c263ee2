"""Outside text in the app's widgets is shown with its escapes and never acts on the terminal
(kit/tui/terminal_guard.py): checked on the text widgets hold, and on the bytes the running app
writes to a real pseudo-terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.content import Content
from textual.widgets import Input, OptionList, Select
from textual.widgets._select import SelectCurrent
from textual.widgets._toast import Toast

from kit.config import Config
from kit.tui.app import KitApp
from tests.hostile_text import HOSTILE
from tests.pty_session import PtySession
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import SIZE, showing, unlock, wait_for

TESTS = Path(__file__).resolve().parents[1]

SHOWN_IN_A_WIDGET = "Eve\\x1b]0;PWNED\\x07\\x1b[2J\\r\nThe packet opened fine.\\x9b2J\\u202eexe.txt"


def test_the_app_makes_widget_text_show_its_control_characters(
        make_app: Callable[..., KitApp]) -> None:
    make_app()
    # The kit's own layout (newline, tab) is kept; everything else is shown.
    assert Content(HOSTILE).plain == SHOWN_IN_A_WIDGET
    assert Text(HOSTILE).plain == SHOWN_IN_A_WIDGET
    assert Content.from_markup("[b]x[/b]\x1b[31m").plain == "x\\x1b[31m"


PROBE = f"""
import sys
from pathlib import Path
from textual.widgets import DataTable, Label, Static
from rich.text import Text
import kit.tui.app
from kit.tui.app import AppServices, KitApp

HOSTILE = {HOSTILE!r}


class Probe(KitApp):
    CSS_PATH = str(Path(kit.tui.app.__file__).with_name(KitApp.CSS_PATH))

    def on_ready(self) -> None:
        table = DataTable()
        self.screen.mount(Static(HOSTILE, markup=False), Label(Text(HOSTILE)), table)
        table.add_column(HOSTILE)
        table.add_row(HOSTILE)
        self.notify(HOSTILE)
        self.set_timer(1.5, self.exit)


Probe(AppServices(vault_path=Path(sys.argv[1]))).run()
"""


def test_the_running_app_writes_no_raw_escape_from_outside_text(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    session = PtySession([sys.executable, str(probe), str(tmp_path / "no-vault")])
    session.expect("PWNED", timeout=60)
    assert session.wait() == 0
    written = session.output
    assert b"Eve\\x1b]0;PWNED\\x07\\x1b[2J\\r" in written  # shown, as text
    for raw in (b"\x1b]0;PWNED", b"PWNED\x07", b"\x1b[2J", b"\xc2\x9b", b"\xe2\x80\xae"):
        assert raw not in written, raw


async def test_notifications_show_brackets_in_names_instead_of_reading_markup(
        make_app: Callable[..., KitApp]) -> None:
    """A file or site name holding `[` is quoted in notifications; as markup it would restyle
    the message, or fail to parse and stop the app."""
    app = make_app()
    message = "Not added: [/] [bold]x[/bold] \x1b[2J.png"
    async with app.run_test(size=SIZE) as pilot:
        app.notify(message)
        app.screen.notify(message, severity="error")  # a screen's notify goes the same way
        await pilot.pause()
        # What the toasts will show (the app keeps each notification until it times out).
        shown = list(app._notifications)
        assert len(shown) == 2
        for notification in shown:
            assert not notification.markup
            assert Toast(notification).render().plain == \
                "Not added: [/] [bold]x[/bold] \\x1b[2J.png"
        assert app.is_running


async def test_checklist_titles_from_an_organisations_folder_are_plain_text(
        make_app: Callable[..., KitApp], closed_vault: Path, tmp_path: Path) -> None:
    """The "do this first" list shows titles from the checklist folders config.toml names:
    brackets in them are text, and would otherwise restyle the line or stop the screen."""
    folder = tmp_path / "org-checklists"
    folder.mkdir()
    source = TESTS / "guidance" / "fixtures" / "valid" / "20-prepare.toml"
    title = "Opt out of the [bold]open[/bold] register [/]"
    folder.joinpath("20-prepare.toml").write_text(
        source.read_text("utf-8").replace('"Opt out of the open register"', f'"{title}"'),
        encoding="utf-8")
    app = make_app(config=Config(checklist_folders=(folder,)))
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "the prepare area")
        steps = app.screen.query_one("#steps", OptionList)
        steps.highlighted = steps.get_option_index("prep-register")  # scrolled into view
        await pilot.pause()
        lines = [steps.render_line(y).text.strip() for y in range(steps.size.height)]
        assert f"○ {title} · 10 min" in " ".join(lines), lines  # wrapped, but all there
        assert title in str(app.screen.query_one("#prepare-detail").render())
        assert app.is_running


async def test_an_imported_instruments_name_is_plain_text_in_the_pickers(
        make_app: Callable[..., KitApp], closed_vault: Path, tmp_path: Path) -> None:
    """Instrument names come from a file an organisation hands out: brackets in them are text
    in the check-in and trend pickers (as markup, `[/]` stopped the screen)."""
    source = TESTS / "wellbeing" / "fixtures" / "who5_structure.toml"
    name = "Team [bold]pulse[/bold] [/]"
    path = tmp_path / "org.toml"
    path.write_text(source.read_text("utf-8").replace(
        'name = "WHO-5 structure (test fixture)"', f'name = "{name}"'), encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f5")
        await pilot.pause()
        screen = app.screen
        await show_tab(pilot, "wellbeing-tabs", "instruments")
        screen.query_one("#import-path", Input).value = str(path)
        await pilot.click("#import")
        await pilot.pause()
        assert f"Imported {name}." in str(screen.query_one("#import-status").render())
        picker = screen.query_one("#instrument", Select)
        picker.value = "who5-structure"
        await pilot.pause()
        assert name in str(picker.query_one(SelectCurrent).query_one("#label").render())
        assert app.is_running
