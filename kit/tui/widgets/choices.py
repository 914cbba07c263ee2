"""A list of options whose ticks show their state by shape, not colour alone (see
kit.tui.widgets.ticks, which does the same for every checkbox)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

from kit.tui.widgets.ticks import TICKED, UNTICKED


class TickList(SelectionList[str]):
    """A SelectionList whose boxes show ✓ or nothing.

    Textual (8.2) draws each option's box as the first three pieces of its line: the box's
    left side, its mark and its right side (the same characters as a Checkbox's), the mark
    carrying the option's index. That layout is Textual's own, not a promise:
    tests/tui/test_textual_upgrade.py fails if an upgrade of Textual changes it."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if (len(segments) < 3 or segments[0].text != Checkbox.BUTTON_LEFT
                or segments[2].text != Checkbox.BUTTON_RIGHT):
            return strip
        style = segments[1].style
        index = style.meta.get("option") if style is not None else None
        if index is None:
            return strip
        chosen = self.get_option_at_index(index).value in self.selected
        segments[1] = Segment(TICKED if chosen else UNTICKED, style)
        return Strip(segments, strip.cell_length)
