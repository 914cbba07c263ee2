"""Text from strangers never reaches the terminal raw: the core rule (kit/terminal_text.py), the
one output layer that applies it, and --json."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from kit.terminal_text import for_terminal, json_text, quoted, shown
from tests.hostile_text import FORGED, HOSTILE, HOSTILE_SHOWN, terminal_safe

_UNSAFE_CHARS = st.sampled_from([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7f, 0xa0)]
                                + list("\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069"))
MIXED = st.text(alphabet=st.one_of(st.characters(), _UNSAFE_CHARS))


def test_one_line_shows_every_control_newline_and_bidi_character() -> None:
    assert shown(HOSTILE) == HOSTILE_SHOWN
    assert shown(42) == "42"
    assert shown("Zoë Ångström, 東京 — fine") == "Zoë Ångström, 東京 — fine"
    assert shown("a\udcffb") == "a\\udcffb"  # an undecodable byte in a file name


def test_a_whole_message_keeps_the_kits_own_layout_only() -> None:
    message = f"First line\n\tindented: {HOSTILE}"
    safe = for_terminal(message)
    assert safe.startswith("First line\n\tindented: Eve\\x1b]0;PWNED\\x07\\x1b[2J\\r\n")
    assert "\\x9b2J\\u202eexe.txt" in safe


def test_quoted_text_cannot_pass_for_the_kits_own_lines() -> None:
    text = quoted(f"Summary\r\n{FORGED}\x1b[2J\n")
    assert text == f"  | Summary\n  | {FORGED}\\x1b[2J"
    terminal_safe(text.encode())


@given(MIXED)
def test_made_safe_text_holds_nothing_a_terminal_obeys(text: str) -> None:
    terminal_safe(shown(text).encode())
    assert "\n" not in shown(text)
    for_terminal(text).encode("utf-8")  # lone surrogates are gone too


@given(st.recursive(st.none() | st.booleans() | st.integers() | MIXED,
                    lambda inner: st.lists(inner) | st.dictionaries(MIXED, inner)))
def test_json_output_is_valid_safe_and_carries_the_same_values(data: object) -> None:
    for indent in (None, 2):
        text = json_text(data, indent=indent)
        assert json.loads(text) == data
        terminal_safe(text.encode())
