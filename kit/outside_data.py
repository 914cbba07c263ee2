"""Parsing JSON and TOML that came from outside the kit: files people import, server replies.

Python's parsers fail on hostile input in ways that are not parse errors: deep nesting raises
RecursionError, a 5,000-digit number raises a ValueError about integer conversion, `1e400` quietly
becomes infinity, and a 300-level document parses but cannot be stored (the vault's encoder stops
at 254 levels). Each of those reached the person as "unexpected error ... please report".

`parse_json` and `parse_toml` turn every such failure into `Malformed`, a ValueError whose
`reason` is one plain phrase the caller puts in its own message ("{the file} {reason}").
What they return is plain data within bounds every format of the kit stays far inside.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

MAX_DEPTH: Final = 64  # the kit's own formats nest fewer than 10 levels
MAX_INT: Final = 2**63 - 1  # what the vault's encoder (orjson) can write back
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class Malformed(ValueError):
    """Outside data that cannot be used. `reason` completes a sentence about it, such as
    "is nested too deeply (more than 64 levels)"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _no_constant(name: str) -> Any:
    raise Malformed(f"holds {name}, which is not a number")


def _check_values(doc: object) -> None:
    """Refuse nesting deeper than MAX_DEPTH, numbers the kit cannot hold, and text that is not
    Unicode (JSON's \ud800 escapes give lone surrogates, which no UTF-8 encoder writes back).
    Iterative, so the check itself cannot run out of stack."""
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise Malformed(f"is nested too deeply (more than {MAX_DEPTH} levels)")
            if isinstance(value, dict):
                stack.extend((key, depth + 1) for key in value)
                stack.extend((child, depth + 1) for child in value.values())
            else:
                stack.extend((child, depth + 1) for child in value)
        elif isinstance(value, str):
            if _SURROGATE.search(value):
                raise Malformed("holds text that is not valid Unicode (a lone surrogate)")
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            if not -MAX_INT - 1 <= value <= MAX_INT:
                raise Malformed("holds a number too large for any field the kit reads")
        elif isinstance(value, float) and not math.isfinite(value):
            raise Malformed("holds a number too large for any field the kit reads")


def parse_json(data: bytes | str) -> Any:
    """The JSON document in *data*; Malformed (a ValueError) on any failure."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise Malformed("is not UTF-8 text") from None
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except Malformed:
        raise
    except RecursionError:
        raise Malformed(f"is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise Malformed(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                        f"{exc.msg})") from None
    except ValueError:  # int() refusing a number of thousands of digits
        raise Malformed("holds a number too large for any field the kit reads") from None
    _check_values(doc)
    return doc


def parse_toml(text: str) -> dict[str, Any]:
    """The TOML document in *text*; Malformed (a ValueError) on any failure."""
    import tomllib  # here: the app starts sooner when there is no file to read

    try:
        doc = tomllib.loads(text)
    except RecursionError:
        raise Malformed(f"is nested too deeply (more than {MAX_DEPTH} levels)") from None
    except tomllib.TOMLDecodeError as exc:
        raise Malformed(f"is not valid TOML: {exc}") from None
    except ValueError:  # int() refusing a number of thousands of digits
        raise Malformed("holds a number too large for any field the kit reads") from None
    _check_values(doc)
    return doc
