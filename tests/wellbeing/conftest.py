"""Shared instrument texts for the wellbeing tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.wellbeing.instruments import Instrument, load_file

FIXTURES = Path(__file__).parent / "fixtures"

# A small valid instrument: 1-4 scale, one reversed item, sums 2..8 in bands 2-4 and 5-8.
BASE = """\
format = "frontline-kit-instrument"
version = 1

[instrument]
id = "tiny"
name = "A tiny check-in"
short_name = "Tiny"
recall_period = "over the last week"
attribution = "Written for the tests."
licence = "Public domain."
source_url = "https://example.org/tiny"
recommended_every_days = 7
wording_changed = false

[scale]
min = 1
max = 4

[scale.labels]
1 = "Never"
4 = "Always"

[[items]]
id = "rested"
text = "I have felt rested."

[[items]]
id = "on-edge"
text = "I have felt on edge."
reverse = true

[[subscales]]
id = "total"
name = "Overall"
items = ["rested", "on-edge"]
method = "sum"
higher_is = "better"
meaningful_change = 2

[[subscales.bands]]
name = "low"
from = 2
to = 4
description = "Things sound hard just now."
concern = true

[[subscales.bands]]
name = "fair"
from = 5
to = 8
description = "Things seem manageable."
concern = false
"""


def item_table(n: int, text: str | None = None, reverse: bool = False) -> str:
    body = f'[[items]]\nid = "q{n}"\ntext = "{text or f"Made-up statement {n}."}"\n'
    return body + ("reverse = true\n" if reverse else "")


@pytest.fixture
def who5() -> Instrument:
    return load_file(FIXTURES / "who5_structure.toml")


@pytest.fixture
def proqol() -> Instrument:
    return load_file(FIXTURES / "proqol_structure.toml")
