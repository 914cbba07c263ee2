"""Home: what needs attention, quick actions, and where to find support."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Static

from kit.attention import Attention, needs_attention
from kit.config import Config
from kit.tui.app import AreaScreen
from kit.tui.palette import open_area
from kit.tui.widgets.support import SupportPanel

# What a button under an item of "What needs attention" says (kit.attention's actions).
ATTENTION_ACTIONS = {
    "check-vault": "Check the vault",
    "finish-key-change": "Finish the key change",
    "removals": "See my removal requests",
}

QUICK_ACTIONS = (
    ("journal", "new-entry", "Write in my journal"),
    ("exposure", "log-exposure", "Log exposure to difficult material"),
    ("wellbeing", "check-in", "Check in with myself"),
    ("wellbeing", "plan", "My wellbeing plan"),
    ("prepare", "steps", "Prepare for doxing and swatting"),
    ("prepare", "safety-plan", "My safety plan"),
    ("incidents", "new-incident", "Record an incident and its evidence"),
    ("supervision", "supervision", "Supervision (F10)"),
)


class HomeScreen(AreaScreen):
    # The first quick action takes the focus as Home is first shown (Textual's AUTO_FOCUS:
    # nothing to fail if the app closes while Home is still being put together).
    AUTO_FOCUS = "#quick-actions Button"

    _shown: list[Attention] | None = None  # what needs attention, as shown
    _shown_as_of: tuple[int, date, Config] | None = None  # and what it was worked out from

    DEFAULT_CSS = """
    HomeScreen #demo-banner {
        background: $warning;
        color: black;
        text-style: bold;
        padding: 0 1;
        width: 100%;
    }
    HomeScreen #home-main {
        width: 2fr;
        padding: 0 2;
    }
    HomeScreen #support {
        width: 1fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    HomeScreen #attention, HomeScreen #quick-actions {
        height: auto;
    }
    HomeScreen .attention-item {
        margin-bottom: 1;
    }
    HomeScreen .attention-action {
        margin: 0 0 1 2;
        width: 42;
    }
    HomeScreen #happening-now {
        margin-top: 1;
        width: 42;
    }
    HomeScreen #quick-actions Button {
        margin-bottom: 1;
        width: 42;
    }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        if self.kit_app.services.demo:
            yield Static("DEMO — nothing is kept. Everything here is made up and is deleted "
                         "when you quit.", id="demo-banner", markup=False)
        with Horizontal(id="home"):
            with VerticalScroll(id="home-main"):
                yield Button("Being doxed or swatted right now? (F9)", id="happening-now",
                             variant="warning")
                yield Static("What needs attention", classes="heading")
                with Vertical(id="attention"):
                    yield from self._attention_widgets()
                yield Static("Quick actions", classes="heading")
                with Vertical(id="quick-actions"):
                    for area, action, label in QUICK_ACTIONS:
                        yield Button(label, id=f"quick-{action}", name=area)
            yield SupportPanel(self.kit_app.services.config.region, id="support")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Home"

    def on_screen_resume(self) -> None:
        # Also sent when Home is first shown (twice, for a new mode's screen): what needs
        # attention was put in as Home was built, and is worked out again only if the vault
        # has changed since (a commit), or the day, or the settings.
        if self._as_of() != self._shown_as_of:
            self.reload()
        # Where the user lives may have changed in Prepare since Home was last shown.
        self.query_one(SupportPanel).show(self.kit_app.services.config.region)

    def reload(self) -> None:
        """Show what needs attention now, if it is not what is shown."""
        if self._attention() == self._shown:
            return
        box = self.query_one("#attention", Vertical)
        with self.app.batch_update():
            box.remove_children()
            box.mount_all(self._attention_widgets())

    def _as_of(self) -> tuple[int, date, Config]:
        """What what needs attention depends on: the vault's last commit, the day, and the
        settings (the region decides which steps and bank holidays count)."""
        services = self.kit_app.services
        return (self.workspace.vault.header.state.counter,
                services.clock().astimezone().date(), services.config)

    def _attention(self) -> list[Attention]:
        self._shown_as_of = as_of = self._as_of()
        _commit, today, config = as_of
        return needs_attention(self.workspace, today, config)

    def _attention_widgets(self) -> Iterator[Widget]:
        """A line for each item, and a button under each that the app can act on."""
        items = self._shown = self._attention()
        if not items:
            yield Static("Nothing is waiting for you. Take care of yourself today.",
                         classes="calm", markup=False)
        for item in items:
            line = Text.assemble(("• ", "bold"), (item.title, "bold"))
            if item.detail:
                line.append("\n  " + item.detail)
            yield Static(line, classes="attention-item")
            if item.action in ATTENTION_ACTIONS:
                # Named, not given an id: a reload mounts the new one before the old is gone.
                yield Button(ATTENTION_ACTIONS[item.action], name=item.action,
                             classes="attention-action")

    @on(Button.Pressed, "#happening-now")
    def happening_now(self) -> None:
        self.kit_app.action_happening_now()

    @on(Button.Pressed, ".attention-action")
    def attention_action(self, event: Button.Pressed) -> None:
        action = event.button.name
        if action == "check-vault":
            self.kit_app.check_vault()
        elif action == "finish-key-change":
            self.kit_app.change_keys("finish")
        elif action == "removals":
            open_area(self.kit_app, "incidents", lambda screen: screen.quick_action("removals"))

    @on(Button.Pressed, "#quick-actions Button")
    def quick(self, event: Button.Pressed) -> None:
        area = event.button.name or "home"
        action = (event.button.id or "").removeprefix("quick-")
        open_area(self.kit_app, area, lambda screen: screen.quick_action(action))
