"""Control characters in widget text are shown, never written to the terminal raw.

Rich and Textual clean the text of every `Text` and `Content` through one translate table each,
but that table only drops BEL, backspace, vertical tab, form feed and carriage return: ESC, the
8-bit CSI and the other C1 controls, and bidi overrides reach the terminal as they are. A site
name, a registry's answer or a shared note holding `ESC ] 0 ; ... BEL` or `ESC [ 2 J` would set
the window title or clear the screen in the middle of the app (a pty test showed both).

Markup is already handled where text enters a widget (`markup=False`, or a `rich.text.Text`).
Here the two tables are extended, once, with the kit's own escapes (kit.terminal_text), so every
widget shows `\\x1b` or `\\u202e` as text, exactly as the command line does. The translation
happens when the text is made, before it is measured, so layout stays right. Both tables are the
default argument of the function that uses them, so the extended table is the one in force;
tests/tui/test_terminal_guard.py runs the app in a pty and fails if a raw escape gets through.
"""

from __future__ import annotations

from typing import cast

from kit.terminal_text import layout_kept_table


def show_control_characters() -> None:
    """Extend Rich's and Textual's control-code tables with the kit's visible escapes."""
    import rich.control
    import textual.content

    escapes = layout_kept_table()
    for table in (rich.control._CONTROL_STRIP_TRANSLATE,
                  textual.content._CONTROL_STRIP_TRANSLATE):
        # Typed as "code to None" (drop), but str.translate takes a replacement string too.
        cast("dict[int, str | None]", table).update(escapes)
