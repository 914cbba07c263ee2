"""A gentle prompt towards support when a check-in suggests things are hard.

Never a diagnosis and never an alert: the prompt is shown to the person who answered, on their
own screen, and nobody else is told. It appears when any subscale lands in a band marked as a
concern, or when a subscale has changed for the worse by its meaningful amount since the
check-in before (the same rule trends use to mark a point).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from kit.wellbeing.instruments import Instrument
from kit.wellbeing.scoring import Result
from kit.wellbeing.trends import change

PRIVATE = "This check-in stays private on this computer; nobody is told about it."
TALK = ("It may help to talk to someone you trust, or your supervisor, about how things are. "
        "The support lines below are there too, and you do not have to wait until things "
        "feel worse.")


@dataclass(frozen=True)
class SupportPrompt:
    reason: Literal["concern", "worsened", "heavy_session"]
    subscales: tuple[str, ...]  # the names of the subscales that prompted it
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.reason, "subscales": list(self.subscales),
                "message": self.message}


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def support_prompt(instrument: Instrument, new: Result,
                   previous: Sequence[Result] = ()) -> SupportPrompt | None:
    """The prompt for *new*, given earlier results on the same instrument (oldest first)."""
    concern = [s.name for s in new.scores if s.concern]
    if concern:
        lead = ("Your answers suggest things are hard at the moment" if len(new.scores) == 1
                else f"Your answers suggest things are hard at the moment ({_names(concern)})")
        return SupportPrompt("concern", tuple(concern),
                             f"{lead}. That is an understandable response to difficult work, "
                             f"not a diagnosis. {TALK} {PRIVATE}")
    before = previous[-1] if previous else None
    worse: list[str] = []
    directions: set[bool] = set()
    for now in new.scores:
        try:
            subscale = instrument.subscale(now.subscale)
        except KeyError:
            continue
        if change(subscale, before.get(now.subscale) if before else None, now):
            worse.append(now.name)
            directions.add(subscale.higher_is_better)
    if not worse:
        return None
    if directions == {True}:
        how = "lower than last time"
    elif directions == {False}:
        how = "higher than last time"
    else:
        how = "less good than last time"
    if len(new.scores) == 1 and directions == {True}:
        what = "Your check-in is"
    else:
        what = f"Your {_names(worse)} score{' is' if len(worse) == 1 else 's are'}"
    return SupportPrompt("worsened", tuple(worse),
                         f"{what} {how}. Scores go up and down, and one check-in is not the "
                         f"whole picture. {TALK} {PRIVATE}")


# An impact this high (out of 10) on one exposure session brings the same gentle prompt.
HEAVY_IMPACT = 7


def exposure_prompt(impact: int) -> SupportPrompt | None:
    """The prompt after logging an exposure session, when its impact was heavy."""
    if impact < HEAVY_IMPACT:
        return None
    return SupportPrompt("heavy_session", (),
                         "That sounds like a heavy session. It can help to step away for a few "
                         "minutes, and to talk it through with your supervisor or someone you "
                         "trust. What you logged stays private on this computer; nobody is "
                         "told about it.")
