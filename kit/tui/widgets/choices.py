"""A list of ticks that shows its state by shape, not colour alone (NO_COLOR, colour
blindness): a chosen option draws ✓, an unchosen one an empty box."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton


class TickList(SelectionList[str]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        style = segments[1].style
        index = style.meta.get("option") if style is not None else None
        if index is None:
            return strip
        chosen = self.get_option_at_index(index).value in self.selected
        segments[1] = Segment("✓" if chosen else " ", style)
        return Strip(segments, strip.cell_length)
