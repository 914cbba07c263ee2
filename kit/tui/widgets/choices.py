"""Ticks that show their state by shape, not colour alone (NO_COLOR, colour blindness): a
chosen option draws ✓, an unchosen one an empty box. Textual draws both as the same `X` and
tells them apart only by its shade (its issue 2310), so a person without colour could not see
what they had ticked."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton

TICKED, UNTICKED = "✓", " "


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
        segments[1] = Segment(TICKED if chosen else UNTICKED, style)
        return Strip(segments, strip.cell_length)


def _checkbox_inner(checkbox: Checkbox) -> str:
    return TICKED if checkbox.value else UNTICKED


def ticks_by_shape() -> None:
    """Make every checkbox in the app draw ✓ when ticked and an empty box when not.

    Textual reads the mark from `BUTTON_INNER` each time it draws a checkbox; as a property
    it follows the box's value. Set once, before any screen is built, it reaches every
    checkbox: those in dialogs and in Textual's own widgets too, and any added later."""
    Checkbox.BUTTON_INNER = property(_checkbox_inner)  # type: ignore[assignment]
