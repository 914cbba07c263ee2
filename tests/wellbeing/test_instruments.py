"""The instrument format: every malformed file is refused naming file, place and field;
valid files score exactly as docs/instrument-format.md says."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit.errors import BadInput, KitError, UsageError
from kit.wellbeing.instruments import (
    MAX_BYTES,
    Instrument,
    InstrumentError,
    builtin_instruments,
    load_file,
    parse,
)
from kit.wellbeing.scoring import score
from tests.conftest import REPO
from tests.wellbeing.conftest import BASE, item_table


def variant(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text, old  # a replacement that misses would make the test pass vacuously
        text = text.replace(old, new, 1)
    return text


LONG = "x" * 501
BAND_LOW = 'name = "low"\nfrom = 2\nto = 4\n'
BAND_FAIR = 'name = "fair"\nfrom = 5\nto = 8\n'

# (case, file text, place, field, words the problem must contain)
BAD: list[tuple[str, str, str | None, str | None, str]] = [
    ("unknown top-level field", variant(("version = 1\n", "version = 1\ncolour = 1\n")),
     None, "colour", "is not part of instrument format version 1"),
    ("unknown instrument field", variant(("short_name", 'author = "me"\nshort_name')),
     "[instrument]", "author", "is not part of instrument format version 1"),
    ("unknown item field", variant(('text = "I have felt rested."',
                                    'text = "I have felt rested."\nmood = 3')),
     "item 'rested'", "mood", "is not part of"),
    ("unknown subscale field", variant(('method = "sum"', 'method = "sum"\nweight = 2')),
     "subscale 'total'", "weight", "is not part of"),
    ("unknown band field", variant((BAND_LOW, BAND_LOW + "colour = 'red'\n")),
     "subscale 'total': band 'low'", "colour", "is not part of"),
    ("unknown scale field", variant(("max = 4\n", "max = 4\nstep = 1\n")),
     "[scale]", "step", "is not part of"),
    ("missing instrument field", variant(('recall_period = "over the last week"\n', "")),
     "[instrument]", "recall_period", "is missing"),
    ("missing item text", variant(('text = "I have felt on edge."\n', "")),
     "item 'on-edge'", "text", "is missing"),
    ("missing band concern", variant(("concern = false\n", "")),
     "subscale 'total': band 'fair'", "concern", "is missing"),
    ("missing items", variant(("[[items]]", "[[things]]"), ("[[items]]", "[[things]]")),
     None, "things", "is not part of"),
    ("empty item text", variant(('"I have felt rested."', '"   "')),
     "item 'rested'", "text", "must be a non-empty string"),
    ("item text not a string", variant(('"I have felt rested."', "5")),
     "item 'rested'", "text", "must be a non-empty string"),
    ("item text too long", variant(('"I have felt rested."', f'"{LONG}"')),
     "item 'rested'", "text", "is 501 characters; at most 500"),
    ("control character", variant(('"I have felt rested."', '"I have \\u001b[2J felt"')),
     "item 'rested'", "text", "control character U+001B"),
    ("bidi override", variant(('"I have felt rested."', '"I have \\u202e felt"')),
     "item 'rested'", "text", "control character U+202E"),
    ("newline in a one-line text", variant(('"Tiny"', '"Ti\\nny"')),
     "[instrument]", "short_name", "control character U+000A"),
    ("bad item id", variant(('id = "rested"', 'id = "Rested Well"')),
     "item 1", "id", "lower-case letters"),
    ("duplicate item id", variant(('id = "on-edge"', 'id = "rested"')),
     "item 'rested'", "id", "is used by more than one item"),
    ("duplicate subscale id", BASE + '\n[[subscales]]\nid = "total"\n',
     "subscale 'total'", "id", "is used by more than one subscale"),
    ("subscale names an unknown item", variant(('["rested", "on-edge"]', '["rested", "nope"]')),
     "subscale 'total'", "items", "names 'nope', which is not an item id"),
    ("subscale names an item twice", variant(('["rested", "on-edge"]', '["rested", "rested"]')),
     "subscale 'total'", "items", "names the same item twice"),
    ("empty subscale", variant(('["rested", "on-edge"]', "[]")),
     "subscale 'total'", "items", "must be a non-empty list"),
    ("reverse not a boolean", variant(("reverse = true", 'reverse = "yes"')),
     "item 'on-edge'", "reverse", "must be true or false"),
    ("scale min not below max", variant(("min = 1", "min = 4")),
     "[scale]", "max", "must be greater than min (4)"),
    ("scale too wide", variant(("min = 1", "min = -100"), ("max = 4", "max = 90")),
     "[scale]", "max", "more than 100 above min"),
    ("scale bound a float", variant(("max = 4", "max = 4.5")),
     "[scale]", "max", "whole number"),
    ("labels neither all nor ends", variant(('4 = "Always"', '3 = "Often"')),
     "[scale]", "labels", "must label every value from 1 to 4, or just the two ends"),
    ("label key not a value", variant(('4 = "Always"', '4 = "Always"\n9 = "Beyond"')),
     "[scale]", "labels", "has the key '9'"),
    ("bad method", variant(('method = "sum"', 'method = "median"')),
     "subscale 'total'", "method", 'must be "sum" or "mean"'),
    ("bad direction", variant(('higher_is = "better"', 'higher_is = "up"')),
     "subscale 'total'", "higher_is", 'must be "better" or "worse"'),
    ("zero multiplier", variant(('method = "sum"', 'method = "sum"\nmultiplier = 0')),
     "subscale 'total'", "multiplier", "must be above 0"),
    ("negative meaningful change", variant(("meaningful_change = 2", "meaningful_change = -1")),
     "subscale 'total'", "meaningful_change", "must be above 0"),
    ("band gap", variant(("to = 4\n", "to = 3\n")),
     "subscale 'total': band 'fair'", "from",
     "leaves a gap: the possible score 4 is in no band (band 'low' ends at 3)"),
    ("band overlap", variant(("to = 4\n", "to = 5\n")),
     "subscale 'total': band 'fair'", "from", "overlaps band 'low', which ends at 5"),
    ("bands start above the lowest score", variant(("from = 2\n", "from = 3\n")),
     "subscale 'total': band 'low'", "from", "must be the lowest possible score, 2"),
    ("bands end below the highest score", variant(("to = 8\n", "to = 7\n")),
     "subscale 'total': band 'fair'", "to", "must be the highest possible score, 8"),
    ("band beyond the highest score", variant(("to = 8\n", "to = 9\n")),
     "subscale 'total': band 'fair'", "to", "must be at most the highest possible score, 8"),
    ("band holds no possible score", variant((BAND_FAIR, 'name = "odd"\nfrom = 4.2\nto = 4.8\n'
                                              'description = "x"\nconcern = false\n\n'
                                              '[[subscales.bands]]\n' + BAND_FAIR)),
     "subscale 'total': band 'odd'", "to", "holds no possible score"),
    ("band upside down", variant(("to = 8\n", "to = 4.5\n")),
     "subscale 'total': band 'fair'", "to", "must not be below 'from' (5)"),
    ("duplicate band name", variant(('name = "fair"', 'name = "low"')),
     "subscale 'total': band 'low'", "name", "is used by more than one band"),
    ("plain http source", variant(("https://example.org", "http://example.org")),
     "[instrument]", "source_url", "must be an https:// address"),
    ("source with a user name", variant(("https://example.org", "https://bank.com@evil.example")),
     "[instrument]", "source_url", "must not contain a user name"),
    ("rhythm out of range", variant(("recommended_every_days = 7", "recommended_every_days = 0")),
     "[instrument]", "recommended_every_days", "from 1 to 365"),
    ("rhythm a boolean", variant(("recommended_every_days = 7",
                                  "recommended_every_days = true")),
     "[instrument]", "recommended_every_days", "whole number"),
    ("wording_changed not a boolean", variant(("wording_changed = false",
                                               "wording_changed = 0")),
     "[instrument]", "wording_changed", "must be true or false"),
    ("wrong format", variant(('"frontline-kit-instrument"', '"something-else"')),
     None, "format", 'must be "frontline-kit-instrument"'),
    ("version not a number", variant(("version = 1", 'version = "1"')),
     None, "version", "must be a whole number"),
    ("instrument not a table", 'format = "frontline-kit-instrument"\nversion = 1\n'
     'instrument = 3\n[scale]' + BASE.split("[scale]", 1)[1],
     None, "instrument", "must be a table"),
    ("too many items", BASE.replace("[[subscales]]", "".join(
        item_table(n) for n in range(1, 200)) + "[[subscales]]", 1),
     None, "items", "has 201 entries; at most 200"),
]


@pytest.mark.parametrize(("text", "place", "field", "problem"),
                         [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_malformed_files_name_file_place_and_field(text: str, place: str | None,
                                                   field: str | None, problem: str) -> None:
    with pytest.raises(InstrumentError) as caught:
        parse(text.encode(), "bad.toml")
    err = caught.value
    assert (err.file, err.place, err.field) == ("bad.toml", place, field), err.message
    where = ": ".join(p for p in ("bad.toml", place, f"field '{field}'" if field else None) if p)
    assert err.message.startswith(where + " "), err.message
    assert problem in err.message
    assert isinstance(err, BadInput) and err.exit_code == 1


@pytest.mark.parametrize(("data", "problem"), [
    (b"\xff\xfe not utf-8", "bad.toml is not UTF-8 text"),
    (b"format = = 1", "bad.toml is not valid TOML"),
    (b"x = " + b"[" * 100_000, "bad.toml is"),
    (b"# padding\n" * (MAX_BYTES // 10 + 1), "bad.toml is larger than 256 KiB, the most an "
     "instrument file may be"),
    (BASE.replace("version = 1", "version = 3").replace("[scale]", "[scale]\nnew = 1").encode(),
     "bad.toml was made for a newer Frontline Kit (instrument format version 3; this kit "
     "reads version 2)"),
])
def test_whole_file_problems(data: bytes, problem: str) -> None:
    with pytest.raises(InstrumentError) as caught:
        parse(data, "bad.toml")
    assert caught.value.message.startswith(problem)
    assert caught.value.place is None


def test_unreadable_file_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"missing\.toml does not exist"):
        load_file(tmp_path / "missing.toml")


def test_the_base_file_is_valid_and_a_bom_is_ignored() -> None:
    plain = parse(BASE.encode(), "tiny.toml")
    with_bom = parse(b"\xef\xbb\xbf" + BASE.encode(), "tiny.toml")
    assert plain.digest == with_bom.digest and plain.text == BASE
    assert plain.items[1].reverse and not plain.items[0].reverse
    assert plain.scale.labels == {1: "Never", 4: "Always"}
    assert plain.subscales[0].multiplier == 1 and plain.credit == "Written for the tests."
    assert parse(BASE.replace("wording_changed = false", "wording_changed = true"),
                 "t").credit == "Adapted from Written for the tests."


def docs_toml(path: Path) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", path.read_text(), re.S)


def test_the_documented_examples_are_valid() -> None:
    example = docs_toml(REPO / "docs" / "instrument-format.md")[-1]
    instrument = parse(example, "example.toml")
    # The document's worked answer: 2 + (1 + 4 - 4) = 3, band "low".
    result = score(instrument, {"rested": 2, "on-edge": 4})
    assert (result.scores[0].score, result.scores[0].band, result.concern) == (3, "low", True)
    templates = docs_toml(REPO / "docs" / "instruments" / "README.md")
    assert [parse(t, "template.toml").id for t in templates] == ["who5", "proqol5"]


# --- scoring ---


def test_who5_structure_scores_hand_computed_values(who5: Instrument) -> None:
    def total(*answers: int) -> tuple[float, str, bool]:
        s = score(who5, {f"q{n}": a for n, a in enumerate(answers, 1)}).scores[0]
        return s.score, s.band, s.concern

    assert total(3, 4, 2, 5, 1) == (60, "not low", False)   # 15 x 4
    assert total(2, 3, 2, 3, 3) == (52, "not low", False)   # 13 x 4: just above 50
    assert total(2, 2, 2, 3, 3) == (48, "low", True)        # 12 x 4: "50 or below"
    assert total(2, 2, 2, 2, 2) == (40, "low", True)
    assert total(1, 2, 1, 1, 2) == (28, "very low", True)   # 7 x 4
    assert total(0, 0, 0, 0, 0) == (0, "very low", True)
    assert total(5, 5, 5, 5, 5) == (100, "not low", False)


def test_proqol_structure_scores_hand_computed_values(proqol: Instrument) -> None:
    def scores(answer_for: dict[int, int], default: int) -> dict[str, tuple[float, str]]:
        answers = {f"q{n}": answer_for.get(n, default) for n in range(1, 31)}
        return {s.subscale: (s.score, s.band) for s in score(proqol, answers).scores}

    # All 5: satisfaction 50; burnout 5 x 5 + 5 reversed (6 - 5 = 1) = 30; STS 50.
    assert scores({}, 5) == {"compassion-satisfaction": (50, "high"), "burnout": (30, "moderate"),
                             "secondary-traumatic-stress": (50, "high")}
    # All 1: satisfaction 10; burnout 5 x 1 + 5 x 5 = 30; STS 10.
    assert scores({}, 1) == {"compassion-satisfaction": (10, "low"), "burnout": (30, "moderate"),
                             "secondary-traumatic-stress": (10, "low")}
    # Burnout at its worst: the plain items 5, the reversed ones 1 -> 10 x 5 = 50.
    worst = {n: 5 for n in (8, 10, 19, 21, 26)} | {n: 1 for n in (1, 4, 15, 17, 29)}
    result = scores(worst, 3)
    assert result["burnout"] == (50, "high")
    assert result["compassion-satisfaction"] == (30, "moderate")
    full = score(proqol, {f"q{n}": worst.get(n, 3) for n in range(1, 31)})
    assert [s.concern for s in full.scores] == [False, True, False] and full.concern


def test_pulse_scoring() -> None:
    (pulse,) = builtin_instruments()
    assert pulse.id == "pulse" and pulse.builtin and pulse.recommended_every_days == 7
    assert "not a validated clinical measure" in pulse.attribution
    assert [i.id for i in pulse.items if i.reverse] == ["intrusions"]
    answers = {"energy": 3, "sleep": 2, "intrusions": 8, "connected": 4, "switch-off": 3,
               "coping": 4}
    total = score(pulse, answers).scores[0]   # (3 + 2 + (10 - 8) + 4 + 3 + 4) / 6 = 3
    assert (total.score, total.band, total.concern) == (3, "struggling", True)
    edge = score(pulse, {**answers, "coping": 5, "sleep": 3, "intrusions": 10 - 2}).scores[0]
    assert (edge.score, edge.band) == (3.33, "struggling")  # 20/6
    # Five 4s and a reversed 7 (10 - 7 = 3): 23/6, the highest "struggling" score.
    top_of_struggling = score(pulse, dict.fromkeys(answers, 4) | {"intrusions": 7}).scores[0]
    assert (top_of_struggling.score, top_of_struggling.band) == (3.83, "struggling")
    assert score(pulse, dict.fromkeys(answers, 4) | {"intrusions": 6}).scores[0].band == \
        "stretched"  # 24/6 = 4
    steady = score(pulse, dict.fromkeys(answers, 7) | {"intrusions": 3}).scores[0]
    assert (steady.score, steady.band, steady.concern) == (7, "steady", False)


@pytest.mark.parametrize(("answers", "message"), [
    ({"rested": 2}, "no answer for item 'on-edge'"),
    ({"rested": 2, "on-edge": 5}, "item 'on-edge': the answer must be a whole number from 1 to 4"),
    ({"rested": 0, "on-edge": 2}, "item 'rested': the answer must be"),
    ({"rested": True, "on-edge": 2}, "item 'rested': the answer must be"),
    ({"rested": 2, "on-edge": 2, "extra": 1}, "Tiny has no item 'extra'"),
])
def test_bad_answers_are_usage_errors_naming_the_item(answers: dict[str, int],
                                                      message: str) -> None:
    tiny = parse(BASE, "tiny.toml")
    with pytest.raises(UsageError) as caught:
        score(tiny, answers)
    assert message in caught.value.message and caught.value.exit_code == 2


# --- properties ---


def dec(value: Fraction) -> str:
    """A TOML number for a Fraction whose decimal expansion is finite (multiples of 0.5)."""
    return str(int(value)) if value.denominator == 1 else repr(float(value))


def six_places(value: Fraction, up: bool) -> str:
    scaled = value * 10**6
    n = -(-scaled.numerator // scaled.denominator) if up else scaled.numerator // \
        scaled.denominator
    return f"{n / 10**6:.6f}"


@st.composite
def instruments(draw: st.DrawFn) -> tuple[str, int, int, list[bool], str, Fraction, list[int]]:
    low = draw(st.integers(-5, 5))
    high = low + draw(st.integers(1, 10))
    n = draw(st.integers(1, 8))
    reverse = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    method = draw(st.sampled_from(["sum", "mean"]))
    multiplier = draw(st.sampled_from([Fraction(1), Fraction(2), Fraction(4), Fraction(1, 2),
                                       Fraction(5, 2), Fraction(25)]))
    steps = n * (high - low)
    cuts = sorted(draw(st.sets(st.integers(1, steps), max_size=min(steps, 5))))
    unit = multiplier / n if method == "mean" else multiplier
    lowest = n * low * unit
    starts, ends = [0, *cuts], [*(c - 1 for c in cuts), steps]
    bands = []
    for number, (start, end) in enumerate(zip(starts, ends, strict=True)):
        first = lowest + start * unit
        last = lowest + end * unit
        frm = dec(first) if number == 0 else six_places(first, up=False)
        to = dec(last) if end == steps else six_places(last, up=True)
        bands.append(f'[[subscales.bands]]\nname = "b{number}"\nfrom = {frm}\nto = {to}\n'
                     f'description = "d"\nconcern = {str(number == 0).lower()}\n')
    items = "".join(item_table(i, reverse=r) for i, r in enumerate(reverse, 1))
    text = (f'format = "frontline-kit-instrument"\nversion = 1\n[instrument]\nid = "gen"\n'
            f'name = "G"\nshort_name = "G"\nrecall_period = "lately"\nattribution = "a"\n'
            f'licence = "l"\nrecommended_every_days = 7\nwording_changed = false\n'
            f'[scale]\nmin = {low}\nmax = {high}\n[scale.labels]\n{low} = "lo"\n{high} = "hi"\n'
            f'{items}[[subscales]]\nid = "s"\nname = "S"\n'
            f'items = [{", ".join(f"{chr(34)}q{i}{chr(34)}" for i in range(1, n + 1))}]\n'
            f'method = "{method}"\nmultiplier = {dec(multiplier)}\nhigher_is = "better"\n'
            + "".join(bands))
    answers = draw(st.lists(st.integers(low, high), min_size=n, max_size=n))
    return text, low, high, reverse, method, multiplier, answers


@settings(max_examples=150, deadline=None)
@given(instruments())
def test_any_valid_answers_land_in_exactly_one_band(
        case: tuple[str, int, int, list[bool], str, Fraction, list[int]]) -> None:
    text, low, high, reverse, method, multiplier, answers = case
    instrument = parse(text, "generated.toml")
    result = score(instrument, {f"q{i}": a for i, a in enumerate(answers, 1)}).scores[0]
    # Recompute independently of the scoring code.
    item_scores = [low + high - a if r else a for a, r in zip(answers, reverse, strict=True)]
    exact = Fraction(sum(item_scores), len(answers) if method == "mean" else 1) * multiplier
    holding = [b for b in instrument.subscales[0].bands if b.low <= exact <= b.high]
    assert len(holding) == 1
    assert result.band == holding[0].name
    assert abs(result.score - float(exact)) <= 0.005 + 1e-9


@given(st.integers(-100, 99), st.integers(1, 100), st.data())
def test_reverse_scoring_is_an_involution(low: int, span: int, data: st.DataObject) -> None:
    high = min(low + span, 100)
    text = BASE.replace("min = 1", f"min = {low}").replace("max = 4", f"max = {high}") \
        .replace('1 = "Never"', f'{low} = "Never"').replace('4 = "Always"', f'{high} = "Always"')
    scale = parse(text.split("[[subscales]]")[0] + _one_band(low, high), "r.toml").scale
    answer = data.draw(st.integers(low, high))
    assert scale.reverse(answer) in scale.values
    assert scale.reverse(scale.reverse(answer)) == answer


def _one_band(low: int, high: int) -> str:
    return (f'[[subscales]]\nid = "t"\nname = "T"\nitems = ["rested", "on-edge"]\n'
            f'method = "sum"\nhigher_is = "better"\n[[subscales.bands]]\nname = "all"\n'
            f'from = {2 * low}\nto = {2 * high}\ndescription = "d"\nconcern = false\n')


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_damaged_files_fail_cleanly(data: st.DataObject) -> None:
    """Whatever a file holds, parsing either succeeds or says what is wrong: never a crash."""
    lines = BASE.splitlines(keepends=True)
    drop = data.draw(st.sets(st.integers(0, len(lines) - 1), max_size=4))
    insert = data.draw(st.text(max_size=30))
    damaged = "".join(line for n, line in enumerate(lines) if n not in drop) + insert
    try:
        parse(damaged, "damaged.toml")
    except KitError as exc:
        assert exc.message.startswith("damaged.toml")


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"#" * (10 * MAX_BYTES))
    with pytest.raises(InstrumentError, match=r"huge\.toml is 2,560 KiB, larger than any "
                       r"instrument file can be \(at most 256 KiB\)"):
        load_file(huge)


@pytest.mark.parametrize("text", [
    BASE.replace("version = 1\n", 'version = 1\n"\\u001b]0;owned\\u0007" = 1\n'),
    BASE.replace('"on-edge"]', '"\\u202eevil\\u001b[2J"]'),
    BASE.replace('4 = "Always"', '"\\u001b[31m" = "Always"'),
])
def test_messages_never_carry_terminal_control_characters(text: str) -> None:
    with pytest.raises(InstrumentError) as caught:
        parse(text, "bad.toml")
    message = caught.value.message
    assert "\x1b" not in message and "\u202e" not in message and "\x07" not in message
    assert "\\u001b" in message


# --- band labels (format version 2) ---


def test_a_band_label_is_shown_while_its_name_stays_the_saved_id() -> None:
    text = variant(("version = 1", "version = 2"),
                   ('name = "low"\n', 'name = "low"\nlabel = "things are hard"\n'))
    instrument = parse(text, "labelled.toml")
    result = score(instrument, {"rested": 2, "on-edge": 4})
    assert result.scores[0].band == "low"  # what a check-in keeps
    assert instrument.band_label("total", "low") == "things are hard"
    assert instrument.band_label("total", "fair") == "fair"  # no label: the name
    assert instrument.band_label("total", "gone") == "gone"  # renamed since: as saved
    assert instrument.band_label("other", "low") == "low"
    assert instrument.to_json()["subscales"][0]["bands"][0]["label"] == "things are hard"


@pytest.mark.parametrize(("text", "field", "problem"), [
    (variant(('name = "low"\n', 'name = "low"\nlabel = "hard"\n')), "label",
     "is not part of instrument format version 1"),
    (variant(("version = 1", "version = 2"), ('name = "low"\n', 'name = "low"\nlabel = ""\n')),
     "label", "must be a non-empty string"),
    (variant(("version = 1", "version = 2"),
             ('name = "low"\n', f'name = "low"\nlabel = "{"x" * 61}"\n')),
     "label", "is 61 characters; at most 60"),
    (variant(("version = 1", "version = 2"),
             ('name = "low"\n', 'name = "low"\nlabel = "hard\\u001b[2J"\n')),
     "label", "contains the control character U+001B"),
])
def test_a_band_label_is_checked_like_other_text(text: str, field: str, problem: str) -> None:
    with pytest.raises(InstrumentError) as caught:
        parse(text, "bad.toml")
    assert caught.value.place == "subscale 'total': band 'low'"
    assert caught.value.field == field and problem in caught.value.message


def test_the_pulse_bands_have_kind_labels_and_unchanged_cut_offs() -> None:
    pulse = builtin_instruments()[0].subscale("total")
    assert [(b.name, b.shown, b.low, b.high) for b in pulse.bands] == [
        ("struggling", "things are hard", 0, Fraction("3.9")),
        ("stretched", "some things are weighing on you", 4, Fraction("6.4")),
        ("steady", "fairly steady", Fraction("6.5"), 10)]
