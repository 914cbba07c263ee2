"""A one-line text field whose typing never lays out the screen again.

Textual's Input sets its virtual size (the width of its text, for scrolling sideways) on every
change, and a virtual size change asks for a layout of the whole screen, although the field's
own size stays the same. On the journal with 10,000 entries that layout was most of a
keystroke's time (issue 17). Here a change of virtual size only repaints the field: its box is
fixed by its styles (Input's own: the full width, three rows), and the sideways scroll reads the
virtual size directly. A field styled to size itself to its text (``width: auto``) still asks
for a layout, as Input does for auto dimensions.

What the field searches is given as *on_change*, called with the new text as the key that
changed it is handled. Input's own Changed message comes later, as a message of its own: the
frame showing the typed character was often drawn before it was handled, and the results then
waited for the next frame, up to 17 ms later.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchField(Input):
    """An Input for searching as you type."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, *args: Any, on_change: Callable[[str], object] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_change = on_change

    def watch_value(self, value: str) -> None:
        if self._on_change is not None:
            self._on_change(value)
