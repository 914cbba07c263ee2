"""A refused save that can be seen wherever the window is.

A form's "Not saved: …" line sits under its fields, which on a small window (or a long form at
120x40) is below the fold: ctrl+s then looks dead. So every form refuses the same way: the line
under the form says why, a notification says it too (seen at any scroll position), and the
focus goes to the field at fault, which scrolls it into view, so what the person types next
lands where it is needed.

Forms check their fields in screen order through `checked`, which names the field a mistake
belongs to; `refuse` then does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.widget import Widget
from textual.widgets import Label, Static

from kit.errors import KitError

T = TypeVar("T")


class Refused(Exception):
    """A form's value that cannot be saved, and the field it belongs to."""

    def __init__(self, field: Widget, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def checked(field: Widget, check: Callable[[], T]) -> T:
    """The result of *check*, or Refused naming *field* when the check refuses the value."""
    try:
        return check()
    except KitError as exc:
        raise Refused(field, exc.message) from exc


def refuse(field: Widget, message: str, status: Label | Static | None = None) -> None:
    """Say *message* under the form (*status*) and in a notification, and put the focus on
    *field*, scrolled into view."""
    from kit.tui.app_words import app_words

    message = app_words(message)
    if status is not None:
        status.update(message)
    field.app.notify(message, severity="error", timeout=10)
    if field.focusable:
        field.focus()  # focusing scrolls every container above it to show the field
    # A field in a tab not shown yet is shown only after a refresh: scroll again then.
    field.call_after_refresh(field.scroll_visible, animate=False)
