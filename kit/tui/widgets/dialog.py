"""The frame every dialog shares: its text and fields scroll, its buttons stay in view.

On a small window (80x24) a dialog with a long text (what a check sends, an export's warning)
used to push its buttons below the screen's edge, and Tab did not bring them back. Here the
body is one scrolling box and the buttons are docked under it (kit.tcss, `.dialog-body`), so
they are always on the screen. Opening a dialog puts the focus on its first field, and Enter
in any one-line field submits it, as it does in every other dialog; a refused submit puts the
focus on the field at fault (`refuse`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal with a scrolling body and buttons that never leave the screen.

    Subclasses give `body()` (text and fields), `buttons()`, perhaps `head()` (a title kept
    above the body) and `foot()` (a line kept above the buttons), and `submit()` when they
    hold fields: Enter in a one-line field calls it."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog .dialog-problem {
        width: 100%;
        display: none;
    }
    Dialog .dialog-problem.-shown {
        display: block;
    }
    """

    # The ids of the frame (for a width set in kit.tcss) and of the scrolling body.
    FRAME_ID: ClassVar[str | None] = None
    BODY_ID: ClassVar[str | None] = None

    def compose(self) -> ComposeResult:
        foot = list(self.foot())
        with Vertical(classes="dialog", id=self.FRAME_ID):
            yield from self.head()
            with VerticalScroll(classes="dialog-body", id=self.BODY_ID):
                yield from self.body()
            if not foot:  # only buttons under the body: no wrapper, so they mount as soon
                with Horizontal(classes="buttons dialog-foot"):
                    yield from self.buttons()
                return
            with Vertical(classes="dialog-foot"):
                yield from foot
                with Horizontal(classes="buttons"):
                    yield from self.buttons()

    def head(self) -> Iterable[Widget]:
        """A title kept in view above the body."""
        return ()

    def body(self) -> Iterable[Widget]:
        return ()

    def foot(self) -> Iterable[Widget]:
        """A line kept in view just above the buttons (what pressing them does)."""
        return ()

    def buttons(self) -> Iterable[Widget]:
        return ()

    def submit(self) -> None:
        """What the primary button does (a dialog with fields overrides this)."""

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def refuse(self, problem: str, field: str | Widget) -> None:
        """Say what is wrong under the fields and put the focus on the one at fault, so what
        the person types next lands there."""
        from kit.tui.app_words import app_words

        for label in self.query(".dialog-problem").results(Label):
            label.update(app_words(problem))
            label.add_class("-shown")
            break
        widget = self.query_one(field) if isinstance(field, str) else field
        widget.focus()


def problem_label(id: str | None = None) -> Label:
    """The line that says why a dialog was refused: yielded from `foot()`, so it is in view
    however far the fields scroll."""
    return Label("", id=id, classes="dialog-problem", markup=False)
