"""A list that only ever renders the rows on screen (Textual's line API), so 10,000 journal
entries scroll and filter as quickly as ten."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kit.tui.widgets.text_view import set_virtual_size

T = TypeVar("T")


class EntryList(ScrollView, Generic[T], can_focus=True):
    """Rows of items, one line each, drawn by *describe*; the highlighted row is a cursor."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "choose", "Open", id="open"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"entry-list--cursor"}
    DEFAULT_CSS = """
    EntryList { height: 1fr; }
    EntryList > .entry-list--cursor { background: $accent 40%; text-style: bold; }
    EntryList:focus > .entry-list--cursor { background: $accent; color: $background; }
    """

    cursor: reactive[int] = reactive(0)

    class _ItemMessage(Message):
        def __init__(self, entry_list: EntryList[Any], item: Any) -> None:
            super().__init__()
            self.entry_list, self.item = entry_list, item

        @property
        def control(self) -> EntryList[Any]:
            return self.entry_list

    class Highlighted(_ItemMessage):
        """The cursor moved to *item* (None when the list is empty)."""

    class Chosen(_ItemMessage):
        """The user pressed Enter on *item*."""

    def __init__(self, describe: Callable[[T], str], *, id: str | None = None,
                 empty: str = "Nothing here yet") -> None:
        super().__init__(id=id)
        self._describe = describe
        self._empty = empty
        self._items: Sequence[T] = ()
        self._frame_style: Style | None = None

    @property
    def items(self) -> Sequence[T]:
        return self._items

    @property
    def highlighted(self) -> T | None:
        return self._items[self.cursor] if self._items else None

    def line(self, item: T) -> str:
        """The text *item*'s row shows."""
        return self._describe(item)

    def set_items(self, items: Sequence[T]) -> None:
        """Replace the rows; cost is independent of how many there are."""
        self._items = items
        self._set_rows(len(items))
        self.cursor = 0
        if self.scroll_offset.y:
            self.scroll_to(y=0, animate=False)
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted))

    def _set_rows(self, rows: int) -> None:
        # Unless the scroll bar comes or goes, the list's size is unchanged: no whole-screen
        # layout on every keystroke.
        set_virtual_size(self, Size(self.size.width, rows))

    def render_lines(self, crop: Region) -> list[Strip]:
        # The style every row shares is worked out once a frame, not once a row.
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.size.width
        base = self.rich_style if self._frame_style is None else self._frame_style
        style: Style
        if not self._items and index == 0:
            # An empty list still shows where the focus is, by a mark as well as a shade.
            style = self.get_component_rich_style("entry-list--cursor") if self.has_focus \
                else base
            text = ("\u25b8 " if self.has_focus else "  ") + self._empty
            return Strip([Segment(text, style)]).crop_extend(0, width, style)
        if index >= len(self._items):
            return Strip.blank(width, base)
        style = base
        if index == self.cursor:
            style = self.get_component_rich_style("entry-list--cursor")
        # Plain segments: item text is never parsed as markup.
        text = self._describe(self._items[index])
        return Strip([Segment(text, style)]).crop_extend(0, width, style)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()
        if self._items:
            self.post_message(self.Highlighted(self, self.highlighted))

    def action_move(self, step: int) -> None:
        self._go(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._go(self.cursor + direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        self._go(where if where >= 0 else len(self._items) - 1)

    def _go(self, index: int) -> None:
        if not self._items:
            return
        self.cursor = max(0, min(index, len(self._items) - 1))
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self.size.height:
            self.scroll_to(y=self.cursor - self.size.height + 1, animate=False)

    def action_choose(self) -> None:
        if self._items:
            self.post_message(self.Chosen(self, self.highlighted))

    def on_click(self, event: Any) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._items):
            self.cursor = index

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._items))
