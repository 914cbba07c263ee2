"""What a Supervision pane tells the screen that composes it. A pane never reaches into another
pane: it posts one of these, and the screen routes it (the status line, another tab)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from kit.supervision.records import SupervisionDoc


class Said(Message):
    """An outcome to keep on the status line (and notify)."""

    def __init__(self, text: str, *, error: bool = False) -> None:
        super().__init__()
        self.text, self.error = text, error


class Changed(Message):
    """The vault changed: every pane shows what it holds now."""


class ShowTab(Message):
    """Show another tab (the one a message is about)."""

    def __init__(self, tab: str) -> None:
        super().__init__()
        self.tab = tab


class AgreementSaved(Message):
    """Back from the agreement form: saved (*doc*), or left unchanged (None)."""

    def __init__(self, doc: SupervisionDoc | None) -> None:
        super().__init__()
        self.doc = doc
