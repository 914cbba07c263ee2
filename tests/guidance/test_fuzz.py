"""The checklist loader on hostile input: random bytes, random TOML documents and random
mutations of a valid file give Problems (or a valid section), never any other exception."""

from __future__ import annotations

import json
import math
import tomllib
from datetime import date, datetime, time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.guidance.checklists import Problem, Section, parse_checklist
from tests.guidance.conftest import VALID

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
NAME = "90-fuzz.toml"


def check(data: bytes) -> tuple[Section | None, list[Problem]]:
    section, problems = parse_checklist(data, NAME)
    assert (section is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem, Problem) and problem.path == NAME
        line = str(problem)
        assert line.startswith(f"{NAME}: ") and "\n" not in line and "\x1b" not in line
    return section, problems


# --- a small TOML writer, so hypothesis can build documents of any shape ---


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (lone surrogates aside)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(doc: dict[str, Any]) -> str:
    return "\n".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in doc.items()) + "\n"


KEYS = st.sampled_from(["format", "version", "section", "items", "id", "title", "steps", "why",
                        "priority", "minutes", "mode", "regions", "sources", "url", "stage",
                        "caution", "last_verified", "claim", "recheck_days", "summary",
                        "order"]) | \
    st.text(max_size=12)
SCALARS = (st.booleans() | st.integers(min_value=-(10**20), max_value=10**20) | st.floats()
           | st.text(max_size=20) | st.dates() | st.datetimes() | st.times()
           | st.sampled_from(["frontline-kit-checklist", "now", "incident", "uk", "evidence",
                              "https://example.org/", "http://example.org/"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=10)


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    check(data)


@FUZZ
@given(st.text(alphabet='[]{}="\'.,#-_ \n\tabcformatversionitemsection0123456789:T+',
               max_size=400))
def test_random_toml_looking_text(text: str) -> None:
    check(text.encode("utf-8"))


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_random_toml_documents(doc: dict[str, Any]) -> None:
    check(toml_document(doc).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_random_documents_with_a_valid_header(doc: dict[str, Any]) -> None:
    doc = {"format": "frontline-kit-checklist", "version": 1, **doc}
    check(toml_document(doc).encode("utf-8", "surrogatepass"))


def paths(value: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a parsed document: dict keys and list indexes."""
    found = [here] if here else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += paths(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += paths(inner, (*here, index))
    return found


BASE = tomllib.loads(VALID)
PLACES = paths(BASE)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(PLACES), st.sampled_from(["drop", "set", "add"]),
                          VALUES, KEYS), min_size=1, max_size=4))
def test_mutations_of_a_valid_file(mutations: list[tuple[tuple[Any, ...], str, Any,
                                                         str]]) -> None:
    doc = json.loads(json.dumps(BASE, default=str))  # a deep copy (dates become text: fine)
    doc["items"][0]["last_verified"] = BASE["items"][0]["last_verified"]
    doc["items"][1]["last_verified"] = BASE["items"][1]["last_verified"]
    for place, how, value, key in mutations:
        parent: Any = doc
        try:
            for step in place[:-1]:
                parent = parent[step]
            last = place[-1]
            if how == "drop":
                del parent[last]
            elif how == "set":
                parent[last] = value
            elif isinstance(parent[last], dict):
                parent[last][key] = value
            elif isinstance(parent[last], list):
                parent[last].append(value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    section, _problems = check(toml_document(doc).encode("utf-8", "surrogatepass"))
    if section is not None:
        assert section.items and all(item.sources for item in section.items)
