"""Outside JSON and TOML: every hostile document is Malformed (a ValueError) with a plain reason,
never a RecursionError, a bare int() complaint, or data the vault could not store."""

from __future__ import annotations

import math

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.outside_data import MAX_DEPTH, Malformed, parse_json, parse_toml


@pytest.mark.parametrize(("text", "reason"), [
    ("[" * 100_000 + "]" * 100_000, "is nested too deeply"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "is nested too deeply"),
    ('{"a": ' * 300 + "1" + "}" * 300, "is nested too deeply"),
    ("9" * 5000, "holds a number too large"),
    ("[" + "9" * 20 + "]", "holds a number too large"),
    ("-" + "9" * 20, "holds a number too large"),
    ("1e400", "holds a number too large"),
    ("[NaN]", "holds NaN, which is not a number"),
    ("-Infinity", "holds -Infinity, which is not a number"),
    ('{"a": ', "is not valid JSON (line 1, column 7"),
    ('["\\ud800"]', "holds text that is not valid Unicode"),
    ('{"\\udfff": 1}', "holds text that is not valid Unicode"),
])
def test_hostile_json_is_malformed_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(Malformed) as caught:
        parse_json(text)
    assert caught.value.reason.startswith(reason)
    assert isinstance(caught.value, ValueError)


def test_bytes_must_be_utf8() -> None:
    with pytest.raises(Malformed, match="is not UTF-8 text"):
        parse_json(b'{"a": "\xff"}')


def test_what_the_kit_writes_passes() -> None:
    nested = [[[{"a": [1, 2.5, None, True, "x"]}]]]
    assert parse_json(orjson.dumps(nested)) == nested
    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    innermost: list[object] = []
    for _ in range(MAX_DEPTH - 1):
        innermost = [innermost]
    assert parse_json(deepest) == innermost
    assert parse_json(str(2**63 - 1)) == 2**63 - 1 and parse_json(str(-(2**63))) == -(2**63)


@pytest.mark.parametrize(("text", "reason"), [
    ("a = " + "[" * 5000 + "]" * 5000, "is nested too deeply"),
    ("a = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "is nested too deeply"),
    ("a = " + "9" * 5000, "holds a number too large"),
    ("a = 99999999999999999999", "holds a number too large"),
    ("a = inf", "holds a number too large"),
    ("a = = 1", "is not valid TOML: "),
])
def test_hostile_toml_is_malformed_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(Malformed) as caught:
        parse_toml(text)
    assert caught.value.reason.startswith(reason)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]{}\":,0123456789.eE-+ aNInfity\\udbcf", max_size=200))
def test_any_text_parses_or_is_malformed(text: str) -> None:
    # Whatever comes back, the vault's encoder can store it.
    try:
        doc = parse_json(text)
    except Malformed:
        return
    orjson.dumps(doc)
    if isinstance(doc, float):
        assert math.isfinite(doc)
