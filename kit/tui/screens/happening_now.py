""""It's happening now": one calm screen, reachable from anywhere (F9), even before unlocking.
It asks one question first (is anyone in danger now; has a false emergency call been threatened;
or have details been shared), then walks through that answer's steps one stage at a time.

The steps come from the shipped checklists (the items with a `stage`), so the walk-through and
`kit checklist now` always say the same thing. When the vault is open, a step can be ticked off
as it is done; when it is locked, nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Static

from kit.errors import KitError
from kit.guidance.checklists import IN_APP, PATHS, Item
from kit.guidance.planner import WALK_THROUGH_INTRO, happening_now
from kit.tui.app_words import app_words
from kit.tui.key_hint import key_hint

if TYPE_CHECKING:
    from kit.config import Config
    from kit.guidance.service import Prepare
    from kit.workspace import Workspace


class Services(Protocol):
    config: Config
    clock: Callable[[], datetime]


class Host(Protocol):
    """The app as this screen uses it (kit.tui.app.KitApp is one). The app opens this screen,
    so the screen names what it needs rather than importing the app."""

    services: Services
    workspace: Workspace | None

    def action_area(self, mode: str) -> None: ...



def item_text(item: Item, number: int, region: str) -> Text:
    text = Text()
    text.append(f"{number}. {item.title_for(region)}\n", style="bold")
    for step in item.steps:
        text.append(f"   • {step}\n")
    text.append(f"   Why: {item.why}\n", style="dim")
    if item.caution:
        text.append(f"   Note: {item.caution}\n", style="italic")
    text.rstrip()  # the margin between items is the gap
    return text


class HappeningNowScreen(Screen[None]):
    DEFAULT_CSS = """
    HappeningNowScreen #now-body {
        padding: 0 2;
    }
    HappeningNowScreen #now-intro {
        border: round $warning;
        padding: 0 1;
        margin-top: 1;
    }
    HappeningNowScreen #now-stage {
        text-style: bold;
        color: $primary;
        margin-top: 1;
    }
    HappeningNowScreen #now-items {
        height: auto;
    }
    HappeningNowScreen .now-item {
        margin-top: 1;
    }
    HappeningNowScreen #now-question {
        height: auto;
        margin-top: 1;
    }
    HappeningNowScreen #now-question Button {
        width: 100%;
        margin-top: 1;
    }
    HappeningNowScreen .now-open {
        margin-left: 3;
    }
    HappeningNowScreen .now-done {
        margin-left: 3;
        border: none;
        height: 1;
        padding: 0;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "close", "Close", id="now-close"),
        Binding("ctrl+right", "step(1)", "Next", id="now-next"),
        Binding("ctrl+left", "step(-1)", "Back", id="now-back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage = 0
        self.stages: list[tuple[str, str, list[Item]]] = []
        self.path: str | None = None
        self._library: Any = None
        self._region = "uk"

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="now-body"):
            yield Static(WALK_THROUGH_INTRO, id="now-intro", markup=False)
            with Vertical(id="now-question"):
                yield Static("First, which is closest to what is happening?",
                             id="now-question-text", markup=False)
                for path, label in PATHS:
                    yield Button(label, id=f"path-{path}",
                                 variant="error" if path == "danger" else "default")
            yield Static("", id="now-stage", markup=False)
            yield Vertical(id="now-items")
            yield Static("", id="now-after", classes="hint", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("← Back", id="now-back-button")
                yield Button("Next →", id="now-next-button", variant="primary")
                yield Button(f"Close ({key_hint(self, 'now-close')})", id="now-close-button")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "It's happening now"
        try:
            from kit.guidance.checklists import load_library

            config = self.kit_app.services.config
            self._library = load_library(config.checklist_folders)
            self._region = config.region
        except KitError as exc:
            # No command here: this screen speaks to someone frightened, not to a terminal user.
            self.query_one("#now-question").display = False
            self.query_one("#now-stage", Static).update(
                f"The steps could not be shown: {app_words(exc.message)}. If anyone is in "
                "danger, call 999. Then ask someone you trust to help you.")
            return
        self._show_question()

    def _show_question(self) -> None:
        self.path = None
        self._steps_shown(False)
        self.query_one("#path-danger", Button).focus()

    def _steps_shown(self, shown: bool) -> None:
        """Either the first question, or the steps for its answer: never both."""
        self.query_one("#now-question").display = not shown
        for widget in ("#now-stage", "#now-items", "#now-after", ".buttons"):
            self.query_one(widget).display = shown

    @on(Button.Pressed, "#now-question Button")
    def _answered(self, event: Button.Pressed) -> None:
        self.path = (event.button.id or "").removeprefix("path-")
        self.stages = happening_now(self._library, self._region, self.path)
        self.stage = 0
        self._steps_shown(True)
        self.show_stage()

    @property
    def kit_app(self) -> Host:
        return cast("Host", self.app)

    @property
    def _prepare(self) -> Prepare | None:
        """The Prepare service (kit.guidance.service), while the vault is open."""
        from kit.guidance.service import Prepare

        workspace = self.kit_app.workspace
        return Prepare(workspace) if workspace is not None else None

    def _today(self) -> date:
        return self.kit_app.services.clock().astimezone().date()

    def show_stage(self) -> None:
        if not self.stages:
            return
        self.stage = max(0, min(self.stage, len(self.stages) - 1))
        _stage_id, title, items = self.stages[self.stage]
        self.query_one("#now-stage", Static).update(
            f"Step {self.stage + 1} of {len(self.stages)}: {title}")
        box = self.query_one("#now-items", Vertical)
        box.remove_children()
        prepare = self._prepare
        progress = prepare.progress() if prepare is not None else {}
        widgets: list[Any] = []
        for number, item in enumerate(items, 1):
            widgets.append(Static(item_text(item, number, self._region), classes="now-item"))
            label = IN_APP[item.in_app][0] if item.in_app is not None else None
            if label is not None:
                widgets.append(Button(label, id=f"open-{item.id}", classes="now-open")
                               if prepare is not None else
                               Static(f"   Once the kit is unlocked: {label}.",
                                      classes="now-open hint", markup=False))
            if prepare is not None:
                done = progress.get(item.id)
                widgets.append(Checkbox("I have done this", done is not None
                                        and done.status == "done",
                                        id=f"done-{item.id}", classes="now-done"))
        box.mount_all(widgets)
        last = self.stage == len(self.stages) - 1
        after = ("When you can, record what happened in the incident log (F7): the kit keeps "
                 "your evidence encrypted and can make a signed evidence pack for the police."
                 if last and prepare is not None else
                 "Unlock the kit to tick steps off and to keep an encrypted incident log."
                 if prepare is None else "")
        self.query_one("#now-after", Static).update(after)
        # Back from the first stage goes back to the question.
        self.query_one("#now-back-button", Button).disabled = False
        self.query_one("#now-next-button", Button).disabled = last
        self.query_one("#now-body", VerticalScroll).scroll_home(animate=False)

    def action_step(self, delta: int) -> None:
        if self.path is None:
            return
        if self.stage + delta < 0:
            self._show_question()
            return
        self.stage += delta
        self.show_stage()

    @on(Button.Pressed, ".now-open")
    def _open_area(self, event: Button.Pressed) -> None:
        item_id = (event.button.id or "").removeprefix("open-")
        item = next(i for _s, _t, items in self.stages for i in items if i.id == item_id)
        self.dismiss(None)
        assert item.in_app is not None
        self.kit_app.action_area(item.in_app)

    @on(Button.Pressed, "#now-next-button")
    def _next(self) -> None:
        self.action_step(1)

    @on(Button.Pressed, "#now-back-button")
    def _back(self) -> None:
        self.action_step(-1)

    @on(Button.Pressed, "#now-close-button")
    def action_close(self) -> None:
        self.dismiss(None)

    @on(Checkbox.Changed, ".now-done")
    def _ticked(self, event: Checkbox.Changed) -> None:
        prepare = self._prepare
        item_id = (event.checkbox.id or "").removeprefix("done-")
        if prepare is None or not item_id:
            return
        item = next(i for _s, _t, items in self.stages for i in items if i.id == item_id)
        try:
            prepare.mark(item, "done" if event.value else "todo", today=self._today())
        except KitError as exc:
            self.notify(f"Not saved: {exc.message}", severity="error")
