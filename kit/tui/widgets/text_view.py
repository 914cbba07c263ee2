"""Scrolling views drawn line by line, whose changes never lay out the whole screen.

Textual lays out the whole screen whenever a widget's size or virtual size changes, and then
draws every widget again. A Static preview in a scrolling box changes the box's virtual size
with every new text, so each preview on the journal (10,000 entries) cost a layout of the
screen, as long as a keystroke's whole budget (issue 17). The views here draw only the rows on
screen (Textual's line API) and change their virtual size without a layout: a layout is asked
for only when a scroll bar comes or goes, since that moves what is beside it.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget


def set_virtual_size(view: Widget, size: Size) -> None:
    """Give *view* a new virtual size, laying out the screen only if a scroll bar of *view*
    comes or goes (its content region then changes width or height)."""
    if size == view.virtual_size:
        return
    container = view.container_size
    scroll_update = getattr(view, "_scroll_update", None)  # Textual 8: scroll bars only
    if (scroll_update is not None and container.height and container.width
            and _bars(view, size, container) == (view.show_vertical_scrollbar,
                                                  view.show_horizontal_scrollbar)):
        view.set_reactive(Widget.virtual_size, size)
        scroll_update(size)
        view.refresh()
    else:
        view.virtual_size = size


def _bars(view: Widget, size: Size, container: Size) -> tuple[bool, bool]:
    """Which scroll bars *view* would show at virtual *size*, each judged on its own: when
    either differs from what is shown, the caller lays out and Textual decides for both."""
    styles = view.styles

    def shown(overflow: str, virtual: int, room: int) -> bool:
        return virtual > room if overflow == "auto" else overflow == "scroll"

    return (shown(styles.overflow_y, size.height, container.height),
            shown(styles.overflow_x, size.width, container.width))


class TextView(ScrollView, can_focus=True):
    """Read-only text, wrapped to the width and scrolled with the arrow keys (Textual's keys for
    a scrolling box). A Tab stop only when it holds more than fits, as a reading box is
    (kit/tui/tab_stops.py); it then shows the focus as a reading box does (kit.tcss: a solid
    left edge as well as a shade)."""

    DEFAULT_CSS = """
    TextView {
        height: 1fr;
        overflow-x: hidden;
        overflow-y: scroll;  /* always there, so it never comes or goes with the text */
        scrollbar-size-vertical: 1;
        scrollbar-background: transparent;  /* an empty track is not seen; a thumb is */
    }
    """

    def __init__(self, text: Text | str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text(text) if isinstance(text, str) else text
        self._lines: list[list[Segment]] = []
        self._wrapped_at = -1  # the width the lines were wrapped to
        self._frame: tuple[int, Style] | None = None

    @property
    def text(self) -> Text:
        """The whole text, wrapped or not."""
        return self._text

    def render(self) -> Text:
        return self._text

    def update(self, text: Text | str) -> None:
        """Show *text* (never parsed as markup), from its top."""
        self._text = Text(text) if isinstance(text, str) else text
        self._wrapped_at = -1
        if self.scroll_offset.y:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._rewrap()

    def allow_focus(self) -> bool:
        if self.size.area > 0 and self.max_scroll_y <= 0:
            return False
        return super().allow_focus()

    def _wrap_width(self) -> int:
        return self.scrollable_content_region.width

    def _rewrap(self) -> None:
        width = self._wrap_width()
        if width <= 0:
            self.refresh()
            return  # not laid out yet: on_resize wraps it
        if width != self._wrapped_at:
            console = self.app.console
            options = console.options.update(width=width, highlight=False, markup=False)
            self._lines = console.render_lines(self._text, options, pad=False, new_lines=False)
            self._wrapped_at = width
        set_virtual_size(self, Size(width, len(self._lines)))
        self.refresh()

    def on_resize(self) -> None:
        self._rewrap()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The width and the style every line shares are worked out once a frame.
        self._frame = (self._wrap_width(), self.rich_style)
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        width, style = self._frame or (self._wrap_width(), self.rich_style)
        index = int(self.scroll_offset.y) + y
        if index >= len(self._lines) or self._wrapped_at != width:
            return Strip.blank(width, style)
        return Strip(self._lines[index]).apply_style(style).crop_extend(0, width, style)
