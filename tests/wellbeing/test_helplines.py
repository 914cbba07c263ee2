"""Support lines by region: a nation's user sees the UK-wide lines and their own nation's, a
"uk" user every line with each nation's labelled, and the file says where each line serves."""

from __future__ import annotations

import json
import tomllib

import pytest

from kit.errors import BadInput
from kit.wellbeing import helplines as hl
from kit.wellbeing.helplines import Helpline, helplines, helplines_for, helplines_json
from tests.conftest import run_kit


def line(line_id: str, *regions: str) -> Helpline:
    return Helpline(line_id, line_id.replace("-", " ").title(), "phone", "0800 000 000",
                    "Always", "Anyone.", "https://example.org/", None, False, "",
                    regions or ("uk",))


LINES = (line("samaritans"), line("victim-support", "england", "wales"),
         line("victim-support-scotland", "scotland"),
         line("victim-support-ni", "northern-ireland"))


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    """These four lines stand in for the shipped file, so the rule is tested on its own."""
    monkeypatch.setattr(hl, "helplines", lambda: LINES)


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(("region", "shown"), [
    ("scotland", ["samaritans", "victim-support-scotland"]),
    ("northern-ireland", ["samaritans", "victim-support-ni"]),
    ("england", ["samaritans", "victim-support"]),
    ("wales", ["samaritans", "victim-support"]),
    ("uk", [x.id for x in LINES]),
    # Every line is a UK service: someone who chose "us" or "any" still sees them all.
    ("us", [x.id for x in LINES]),
    ("any", [x.id for x in LINES]),
])
def test_a_user_sees_the_uk_lines_and_their_own_nations(region: str, shown: list[str]) -> None:
    assert [x.id for x in helplines_for(region)] == shown
    assert [x["id"] for x in helplines_json(region)["helplines"]] == shown


def test_a_nations_line_is_labelled_unless_the_user_chose_that_nation() -> None:
    scotland, both = LINES[2], LINES[1]
    assert scotland.name_for("uk") == "Victim Support Scotland (Scotland)"
    assert scotland.name_for("scotland") == "Victim Support Scotland"
    assert both.name_for("any") == "Victim Support (England and Wales)"
    assert LINES[0].name_for("uk") == "Samaritans" and LINES[0].nations == ""
    assert both.to_json()["regions"] == ["england", "wales"]


def test_the_shipped_lines_for_scotland() -> None:
    names = [x.name_for("scotland") for x in helplines_for("scotland")]
    assert "Breathing Space" in names
    assert not {"Victim Support", "Oscar Kilo Mental Health Crisis Line"} & set(names)
    every = [x.name_for("uk") for x in helplines_for("uk")]
    assert len(every) == len(helplines())
    assert "Breathing Space (Scotland)" in every and "Victim Support (England and Wales)" in every


@pytest.mark.parametrize(("regions", "words"), [
    ('"scotland"', "must be a list"),
    ("[]", "must be a list"),
    ('["mars"]', "must be a list of one or more of uk, england"),
    ('["scotland", "scotland"]', "none twice"),
])
def test_a_bad_regions_field_is_refused(regions: str, words: str) -> None:
    text = f"""
id = "x"
name = "X"
how = "phone"
number = "0800 000 000"
hours = "Always"
who_for = "Anyone."
source_url = "https://example.org/"
recheck = false
regions = {regions}
"""
    with pytest.raises(BadInput, match=words):
        hl._line(tomllib.loads(text), 1)


def test_kit_helplines_follows_the_chosen_region() -> None:
    assert run_kit("checklist", "region", "scotland", passphrase=None).code == 0
    ran = run_kit("helplines", passphrase=None)
    assert ran.code == 0, ran.err
    assert "Breathing Space: Call 0800 83 85 87" in ran.out
    assert "Victim Support Scotland: Call 0800 160 1985" in ran.out
    assert "Victim Support:" not in ran.out and "(Scotland)" not in ran.out  # E&W's line
    data = json.loads(run_kit("helplines", "--json", passphrase=None).out)
    assert data["region"] == "scotland"
    assert "victim-support" not in {x["id"] for x in data["helplines"]}
    assert run_kit("checklist", "region", "uk", passphrase=None).code == 0
    ran = run_kit("helplines", passphrase=None)
    assert "Victim Support (England and Wales): Call 08 08 16 89 111" in ran.out
    assert "Breathing Space (Scotland)" in ran.out
