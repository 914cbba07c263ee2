"""Which scrolling boxes are Tab stops: only those a person needs to reach to read.

Textual makes every scrolling container a Tab stop, with no focus style of its own. A box that
wraps a form (the checks on Footprint, the safety plan, the Share tab) then takes the Tab after
the tab bar, shows nothing, and the first words typed go nowhere; a box that only holds a short
text is a stop that does nothing at all. The rule, for every screen and dialog at once: a
scrolling box is a stop only when nothing inside it takes focus (fields and buttons scroll into
view when they get focus) and it holds more than fits, so the arrow keys have something to
scroll (a screen just opened may focus one before it is known to fit); then it shows that
it has focus (kit.tcss, `VerticalScroll:focus`). Widgets that scroll
their own content (text boxes, lists, tables) are not containers and are not touched.

tests/tui/test_keyboard_walk.py walks every screen with Tab and fails on a stop that is not
visibly focused or that swallows typing.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widget import Widget


def _reading_stop(box: Widget) -> bool:
    if not box.can_focus:
        return False
    # Not laid out yet (a screen just opened, choosing what to focus first): a box of text is
    # a stop until it is known to fit, so a long help text opens ready for the arrow keys.
    if box.size.area > 0 and box.max_scroll_y <= 0 and box.max_scroll_x <= 0:
        return False
    return not _holds_a_stop(box)


def _holds_a_stop(box: Widget) -> bool:
    """Whether anything shown inside *box* can take the focus. Called for every box each time
    the focus moves, so it looks at each widget once and stops at the first stop found."""
    stack = list(box.displayed_children)
    while stack:
        widget = stack.pop()
        if widget.disabled or widget.styles.visibility == "hidden":
            continue
        if widget.can_focus and widget.allow_focus():
            return True
        if widget.can_focus_children:
            stack.extend(widget.displayed_children)
    return False


def only_reading_boxes_stop() -> None:
    """Make a scrolling box a Tab stop only when it is there to be read (see above)."""
    # Replacing Textual's method on its class: mypy refuses assigning to a method, and the new
    # one takes the widget as a plain function's first argument.
    VerticalScroll.allow_focus = _reading_stop  # type: ignore[method-assign, assignment]
