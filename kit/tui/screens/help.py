"""F1: the help text, in Markdown, with the keys that work on every screen."""

from __future__ import annotations

from importlib import resources
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Markdown


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape,f1", "dismiss", "Close help", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        text = resources.files("kit.tui").joinpath("help.md").read_text(encoding="utf-8")
        with VerticalScroll(id="help-box", classes="dialog"):
            yield Markdown(text, open_links=False)
        yield Footer(compact=True)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
