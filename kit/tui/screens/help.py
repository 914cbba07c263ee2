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
    /* The text is longer than the box: its scroll bar is there from the start, so the text
       is not laid out again, narrower, once the bar appears. */
    HelpScreen #help-box {
        overflow-y: scroll;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape,f1", "dismiss", "Close help", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="help-box", classes="dialog")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fill)

    async def _fill(self) -> None:
        """Put the text in once the box has been drawn, with the focus. Focusing a box restyles
        all it holds, and a new screen is laid out twice as it is shown: with the text (most of
        the screen's widgets) in from the start, each cost a third of the help's first open.
        Nothing is drawn until the text is all in, so it is laid out once, not at each step of
        the Markdown widget building itself."""
        text = resources.files("kit.tui").joinpath("help.md").read_text(encoding="utf-8")
        text = _with_changed_keys(text, getattr(self.app, "services", None))
        with self.app.batch_update():
            await self.query_one("#help-box").mount(Markdown(text, open_links=False))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


def _with_changed_keys(text: str, services: Any) -> str:
    """The help names the usual keys; the keys changed in config.toml come first, above them."""
    from kit.keymap import changes_in_words

    changed = changes_in_words(services.config.keys) if services is not None else []
    if not changed:
        return text
    rows = "\n".join(f"| {now} | {usual} | {what} |" for now, usual, what in changed)
    section = ("## Keys you changed\n\nThese keys were changed in `config.toml`; the rest of "
               "this help names the usual keys.\n\n| Key now | Usual key | What it does |\n"
               f"|---|---|---|\n{rows}\n\n")
    heading = "## Keys that work everywhere"
    return text.replace(heading, section + heading, 1) if heading in text else section + text
