"""Text from outside the kit, made safe to print on a terminal.

Names in share packets and identity cards, site lists, server replies, photo metadata and
imported files are written by strangers. A terminal obeys control characters: an escape
sequence can set the window title, clear the screen or move the cursor, a carriage return or
newline can forge a line that looks like the kit's own, and a bidirectional override can make
text read differently from what it is (CVE-2021-42574). Here such characters are *shown* as
visible escapes (``\\x1b``, ``\\u202e``), never emitted.

Three places use this module, and all are needed:

* where a message is built, each outside value goes through :func:`shown`, which escapes every
  control character *including* newline and tab, so a stranger's value stays on its line;
* the one output layer (``kit.commands.context.say``/``out`` and the error report in
  ``kit.cli``) passes the whole message through :func:`for_terminal`, which keeps the kit's own
  newlines and tabs and escapes everything else, as a last line of defence for a value that
  was missed above;
* the terminal app shows widget text through the same table (kit/tui/terminal_guard.py):
  Textual drops BEL and CR from a widget's text but writes ESC, C1 and bidi characters raw.

:func:`json_text` does the same for ``--json``: the JSON stays valid and carries the same
values, but no character a terminal would act on appears raw in it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

# C0 controls, DEL, C1 controls (0x9b is the 8-bit CSI), the bidi marks, embeddings, overrides
# and isolates, the Unicode line and paragraph separators, and lone surrogates (undecodable
# bytes in a file name, which would otherwise crash the write to stdout): first and last code
# point of each range. The patterns below and the app's table (layout_kept_table) are all made
# from these, so they cannot drift apart.
_C0: Final = ((0x00, 0x1F),)
_C0_BUT_LAYOUT: Final = ((0x00, 0x08), (0x0B, 0x1F))  # the kit's own newline and tab kept
_OTHER_RANGES: Final = ((0x7F, 0x9F), (0x61C, 0x61C), (0x200E, 0x200F), (0x2028, 0x2029),
                        (0x202A, 0x202E), (0x2066, 0x2069), (0xD800, 0xDFFF))


def _character_class(ranges: tuple[tuple[int, int], ...]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"{chr(first)}-{chr(last)}" if last > first else chr(first)
                                    for first, last in ranges) + "]")


_ONE_LINE: Final = _character_class(_C0 + _OTHER_RANGES)
_LAYOUT_KEPT: Final = _character_class(_C0_BUT_LAYOUT + _OTHER_RANGES)
# json.dumps escapes C0 inside strings itself, and a raw newline in its output is layout.
_IN_JSON: Final = _character_class(_OTHER_RANGES)
_NAMED: Final = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(ch: str) -> str:
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def _escape(match: re.Match[str]) -> str:
    return _visible(match.group())


def shown(value: object) -> str:
    """An outside value as it may appear inside one line of a message: every control, newline
    and bidi character is shown as an escape, so it can neither act nor start a new line."""
    return _ONE_LINE.sub(_escape, str(value))


def for_terminal(text: str) -> str:
    """A whole message, ready for the terminal: the kit's own newlines and tabs are kept and
    every other control or bidi character is shown as an escape."""
    return _LAYOUT_KEPT.sub(_escape, text)


def layout_kept_table() -> dict[int, str]:
    """for_terminal() as a str.translate table (for kit/tui/terminal_guard.py, so the app's
    widgets show exactly what the command line shows), made from the same ranges as its
    pattern (tests/test_terminal_safety.py checks the two agree on every character)."""
    return {code: _visible(chr(code)) for first, last in _C0_BUT_LAYOUT + _OTHER_RANGES
            for code in range(first, last + 1)}


def quoted(text: str, prefix: str = "  | ") -> str:
    """Multi-line text from outside (a share's content), each line marked with *prefix*, so that
    none of its lines can pass for a line of the kit's own."""
    return "\n".join(prefix + for_terminal(line)
                     for line in text.replace("\r\n", "\n").rstrip("\n").split("\n"))


def json_text(data: Any, *, indent: int | None = None) -> str:
    """*data* as JSON that is safe to print: ``json.dumps`` already escapes C0 controls but
    leaves DEL, C1 and bidi characters raw; they are written as ``\\uXXXX`` escapes instead.
    Outside strings JSON is plain ASCII, so every replacement falls inside a string and the
    document decodes to exactly the same values."""
    return _IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}",
                        json.dumps(data, ensure_ascii=False, indent=indent))
