"""F1: the help text, in Markdown, with the keys that work on every screen."""

from __future__ import annotations

from importlib import resources
from typing import Any, ClassVar

from rich.markdown import Heading, Markdown, MarkdownContext
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


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
    HelpScreen #help-text {
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape,f1", "dismiss", "Close help", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box", classes="dialog"):
            yield HelpText(help_text(getattr(self.app, "services", None)), id="help-text")
        yield Footer(compact=True)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


class HelpText(Static):
    """The whole help as one widget, drawn by Rich's Markdown: laid out once, at once. (As
    Textual's Markdown widget, each heading, paragraph and table cell was a widget of its own,
    about ninety, and laying them out was most of the help's first open.)"""

    def __init__(self, source: str, **kwargs: Any) -> None:
        super().__init__(_HelpMarkdown(source, hyperlinks=False), **kwargs)
        self.source = source


class _PlainHeading(Heading):
    """A heading in the text's own colour, bold (Rich's own are magenta and underlined, the
    look of a link)."""

    def on_enter(self, context: MarkdownContext) -> None:
        self.text = Text()
        context.enter_style("bold underline" if self.tag == "h1" else "bold")


class _HelpMarkdown(Markdown):
    elements: ClassVar[dict[str, type[Any]]] = {**Markdown.elements,
                                                "heading_open": _PlainHeading}


def help_text(services: Any) -> str:
    """The help, with any keys changed in config.toml named first."""
    text = resources.files("kit.tui").joinpath("help.md").read_text(encoding="utf-8")
    return _with_changed_keys(text, services)


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
