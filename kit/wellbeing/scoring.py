"""Scoring a set of answers against an instrument (docs/instrument-format.md, "Scoring")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from kit.errors import UsageError
from kit.wellbeing.instruments import Instrument, number


@dataclass(frozen=True)
class SubscaleScore:
    """One subscale's score and the band it falls in, as saved with a check-in."""

    subscale: str
    name: str
    score: float
    band: str
    concern: bool

    def to_json(self) -> dict[str, Any]:
        return {"subscale": self.subscale, "name": self.name, "score": self.score,
                "band": self.band, "concern": self.concern}


@dataclass(frozen=True)
class Result:
    instrument: str
    digest: str
    scores: tuple[SubscaleScore, ...]

    @property
    def concern(self) -> bool:
        """True when any subscale is in a band marked as a concern."""
        return any(s.concern for s in self.scores)

    def get(self, subscale: str) -> SubscaleScore | None:
        return next((s for s in self.scores if s.subscale == subscale), None)


def check_answers(instrument: Instrument, answers: Mapping[str, int]) -> dict[str, int]:
    """The answers in item order; a missing, unknown or out-of-range one is a usage error."""
    known = {item.id for item in instrument.items}
    for item_id in answers:
        if item_id not in known:
            raise UsageError(f"{instrument.short_name} has no item '{item_id}' "
                             f"(its items are {', '.join(i.id for i in instrument.items)})")
    scale = instrument.scale
    checked: dict[str, int] = {}
    for item in instrument.items:
        if item.id not in answers:
            raise UsageError(f"no answer for item '{item.id}' ({item.text}); nothing was saved")
        value = answers[item.id]
        if isinstance(value, bool) or not isinstance(value, int) or value not in scale.values:
            raise UsageError(f"item '{item.id}': the answer must be a whole number from "
                             f"{scale.min} to {scale.max}, not {value!r}")
        checked[item.id] = value
    return checked


def score(instrument: Instrument, answers: Mapping[str, int]) -> Result:
    """Score every subscale: reverse where marked, sum or mean, multiply, find the band."""
    checked = check_answers(instrument, answers)
    scale = instrument.scale
    scored = {item.id: scale.reverse(checked[item.id]) if item.reverse else checked[item.id]
              for item in instrument.items}
    results = []
    for sub in instrument.subscales:
        total = Fraction(sum(scored[i] for i in sub.items))
        value = (total / len(sub.items) if sub.method == "mean" else total) * sub.multiplier
        band = sub.band_for(value)  # exact, so a mean of 23/6 is never rounded into a band
        results.append(SubscaleScore(sub.id, sub.name, number(value), band.name, band.concern))
    return Result(instrument.id, instrument.digest, tuple(results))
