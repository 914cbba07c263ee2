"""Support prompts, helplines and grounding: gentle, sourced, and never an alert."""

from __future__ import annotations

from datetime import date

from kit.wellbeing.grounding import CAUTION, EXERCISES
from kit.wellbeing.helplines import EMERGENCY, helplines, helplines_json
from kit.wellbeing.instruments import Instrument, builtin_instruments, parse
from kit.wellbeing.scoring import Result, score
from kit.wellbeing.signposting import support_prompt

PULSE = builtin_instruments()[0]
ITEMS = ("energy", "sleep", "connected", "switch-off", "coping")


def pulse(mean_times_six: int) -> Result:
    answers = dict.fromkeys(ITEMS, 0) | {"intrusions": 10}
    left = mean_times_six
    for item in ITEMS:
        answers[item], left = min(10, left), left - min(10, left)
    answers["intrusions"] = 10 - left
    return score(PULSE, answers)


def test_no_prompt_on_steady_or_small_changes() -> None:
    assert support_prompt(PULSE, pulse(48)) is None
    assert support_prompt(PULSE, pulse(42), [pulse(50), pulse(48)]) is None  # fell 1 point
    assert support_prompt(PULSE, pulse(30), [pulse(33)]) is None  # stretched, fell 0.5
    assert support_prompt(PULSE, pulse(48), [pulse(24)]) is None  # better


def test_prompt_on_a_concern_band() -> None:
    prompt = support_prompt(PULSE, pulse(20), [pulse(21)])
    assert prompt is not None and prompt.reason == "concern"
    assert prompt.subscales == ("Overall",)
    assert prompt.message.startswith("Your answers suggest things are hard at the moment.")
    assert "supervisor" in prompt.message and "nobody is told" in prompt.message
    # Gentle and not clinical.
    for word in ("diagnos", "disorder", "depress", "alert", "warning"):
        assert word not in prompt.message.replace("not a diagnosis", "")


def test_prompt_on_a_sharp_drop_within_a_band() -> None:
    prompt = support_prompt(PULSE, pulse(33), [pulse(60), pulse(42)])  # 7 -> 5.5
    assert prompt is not None and prompt.reason == "worsened"
    assert prompt.message.startswith("Your check-in is lower than last time.")
    assert prompt.to_json()["subscales"] == ["Overall"]


def test_burnout_rising_is_worded_as_higher(proqol: Instrument) -> None:
    base = {f"q{i}": 3 for i in range(1, 31)}
    high_burnout = base | {f"q{i}": 5 for i in (8, 10, 19, 21, 26)} | \
        {f"q{i}": 1 for i in (1, 4, 15, 17, 29)}
    prompt = support_prompt(proqol, score(proqol, high_burnout), [score(proqol, base)])
    assert prompt is not None and prompt.reason == "concern"
    assert prompt.subscales == ("Burnout",)
    assert "(Burnout)" in prompt.message
    assert support_prompt(proqol, score(proqol, base), [score(proqol, base)]) is None


def test_who5_ten_point_drop_prompts(who5: Instrument) -> None:
    def result(*answers: int) -> Result:
        return score(who5, {f"q{n}": a for n, a in enumerate(answers, 1)})

    assert support_prompt(who5, result(4, 4, 4, 4, 3), [result(4, 4, 4, 4, 4)]) is None  # -4
    prompt = support_prompt(who5, result(4, 4, 3, 3, 3), [result(4, 4, 4, 4, 4)])  # 80 -> 68
    assert prompt is not None and prompt.reason == "worsened"
    assert prompt.message.startswith("Your check-in is lower than last time.")


def test_helplines_load_with_sources_and_dates() -> None:
    lines = helplines()
    assert [h.id for h in lines] == ["samaritans", "shout", "police-care-uk",
                                     "oscar-kilo-crisis-line", "education-support", "posh",
                                     "revenge-porn-helpline", "national-stalking-helpline",
                                     "victim-support", "breathing-space",
                                     "victim-support-scotland", "lifeline"]
    for line in lines:
        assert line.source_url.startswith("https://")
        # A date only once compared with the source (docs/content-review.md).
        assert line.last_verified is None or line.last_verified <= date.today()
        assert line.who_for and line.hours
    numbers = {h.id: h.action for h in lines}
    # Exactly the numbers the record (docs/content-review/helplines.toml) says were read.
    assert numbers == {"samaritans": "Call 116 123", "shout": "Text SHOUT to 85258",
                       "police-care-uk": "Call 0300 012 0030",
                       "oscar-kilo-crisis-line": "Call 0300 131 2789",
                       "education-support": "Call 08000 562 561",
                       "posh": "Call 0344 381 4772",
                       "revenge-porn-helpline": "Call 0345 6000 459",
                       "national-stalking-helpline": "Call 0808 802 0300",
                       "victim-support": "Call 08 08 16 89 111",
                       "breathing-space": "Call 0800 83 85 87",
                       "victim-support-scotland": "Call 0800 160 1985",
                       "lifeline": "Call 0808 808 8000"}
    assert [h.id for h in lines if h.recheck] == ["education-support",
                                                  "national-stalking-helpline", "victim-support",
                                                  "victim-support-scotland", "lifeline"]
    data = helplines_json()
    assert data["emergency"] == EMERGENCY and "999" in EMERGENCY
    assert data["helplines"][0]["last_verified"] is None and lines[0].last_verified is None
    assert data["helplines"][0]["checked"] == "Not yet checked against its source"
    assert [h["id"] for h in data["helplines"]] == [h.id for h in lines]  # "uk": every line


def test_grounding_exercises_are_present_and_cautious() -> None:
    assert [e.id for e in EXERCISES] == ["senses", "physical"]
    assert len(EXERCISES[0].steps) >= 5  # five things, four, three, two, one
    assert "breath" in CAUTION  # the research's caution: breathing can unsettle some people
    for exercise in EXERCISES:
        assert exercise.title and exercise.intro
        assert not any("breath" in step.lower() for step in exercise.steps)


def test_a_rise_in_a_higher_is_worse_subscale_is_named(proqol: Instrument) -> None:
    text = proqol.text.replace('higher_is = "worse"', 'higher_is = "worse"\nmeaningful_change = 5')
    changed = parse(text, "proqol.toml")
    base = {f"q{i}": 3 for i in range(1, 31)}
    worse = base | {f"q{i}": 4 for i in (8, 10, 19, 21, 26)}  # burnout 30 -> 35: moderate
    prompt = support_prompt(changed, score(changed, worse), [score(changed, base)])
    assert prompt is not None and prompt.reason == "worsened"
    assert prompt.message.startswith("Your Burnout score is higher than last time.")


def test_a_heavy_exposure_session_brings_the_prompt_and_a_light_one_does_not() -> None:
    from kit.wellbeing.signposting import HEAVY_IMPACT, exposure_prompt

    assert exposure_prompt(HEAVY_IMPACT - 1) is None
    prompt = exposure_prompt(HEAVY_IMPACT)
    assert prompt is not None and prompt.reason == "heavy_session"
    assert "nobody is told" in prompt.message
