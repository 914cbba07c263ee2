"""Ticks that show their state by shape, not colour alone (NO_COLOR, colour blindness): a
chosen option draws ✓, an unchosen one an empty box. Textual draws both as the same `X` and
tells them apart only by its shade (its issue 2310), so a person without colour could not see
what they had ticked."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

TICKED, UNTICKED = "✓", " "


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


def _checkbox_inner(checkbox: Checkbox) -> str:
    return TICKED if checkbox.value else UNTICKED


def ticks_by_shape() -> None:
    """Make every checkbox in the app draw ✓ when ticked and an empty box when not.

    Textual reads the mark from `BUTTON_INNER` each time it draws a checkbox; as a property
    it follows the box's value. Set once, before any screen is built, it reaches every
    checkbox: those in dialogs and in Textual's own widgets too, and any added later."""
    # A property where Textual declares a str: each box reads it as it is drawn.
    Checkbox.BUTTON_INNER = property(_checkbox_inner)  # type: ignore[assignment]
