"""Ticks that show their state by shape, not colour alone (NO_COLOR, colour blindness): a
chosen option draws ✓, an unchosen one an empty box. Textual draws both as the same `X` and
tells them apart only by its shade (its issue 2310), so a person without colour could not see
what they had ticked. (Apart from kit.tui.widgets.choices, so the app's start does not load the
option lists.)"""

from __future__ import annotations

from textual.widgets import Checkbox

TICKED, UNTICKED = "✓", " "


def _checkbox_inner(checkbox: Checkbox) -> str:
    return TICKED if checkbox.value else UNTICKED


def ticks_by_shape() -> None:
    """Make every checkbox in the app draw ✓ when ticked and an empty box when not.

    Textual reads the mark from `BUTTON_INNER` each time it draws a checkbox; as a property
    it follows the box's value. Set once, before any screen is built, it reaches every
    checkbox: those in dialogs and in Textual's own widgets too, and any added later."""
    # A property where Textual declares a str: each box reads it as it is drawn.
    Checkbox.BUTTON_INNER = property(_checkbox_inner)  # type: ignore[assignment]
