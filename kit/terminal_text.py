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
from typing import Any, Final


def _unsafe_codepoints() -> list[int]:
    """C0 controls, DEL, C1 controls (0x9b is the 8-bit CSI), the bidi marks, embeddings,
    overrides and isolates, the Unicode line and paragraph separators, and lone surrogates
    (undecodable bytes in a file name, which would otherwise crash the write to stdout)."""
    return [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029,
            *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xD800, 0xE000)]


def _visible(code: int) -> str:
    named = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t"}
    if code in named:
        return named[code]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# str.translate tables: each unsafe character to its visible escape. The app's widgets use
# LAYOUT_KEPT too (kit/tui/terminal_guard.py), so the terminal and the app show the same.
ONE_LINE: Final[dict[int, str]] = {code: _visible(code) for code in _unsafe_codepoints()}
LAYOUT_KEPT: Final[dict[int, str]] = {code: text for code, text in ONE_LINE.items()
                                      if code not in (0x0A, 0x09)}
# json.dumps escapes C0 inside strings itself, and a raw newline in its output is layout.
_IN_JSON: Final[dict[int, str]] = {code: f"\\u{code:04x}" for code in _unsafe_codepoints()
                                   if code >= 0x7F}


def shown(value: object) -> str:
    """An outside value as it may appear inside one line of a message: every control, newline
    and bidi character is shown as an escape, so it can neither act nor start a new line."""
    return str(value).translate(ONE_LINE)


def for_terminal(text: str) -> str:
    """A whole message, ready for the terminal: the kit's own newlines and tabs are kept and
    every other control or bidi character is shown as an escape."""
    return text.translate(LAYOUT_KEPT)


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
    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_IN_JSON)
