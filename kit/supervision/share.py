"""The share builder: what a practitioner may send their supervisor, field by field.

Each field is a plain-text summary drawn from the exposure log and the check-ins, never from the
journal, and never from the free-text notes kept with an exposure entry or a check-in: those are
private. The practitioner ticks fields and previews render() — the exact text that is sealed —
before anything leaves the device (research/wellbeing.md, "How the two share records without
exposing the journal"). Counts and bands only: impact and raw scores are offered but not ticked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Final, Protocol

from kit.errors import KitError, UsageError
from kit.records.exposure import FLAGS, MATERIAL_TYPES, PROTECTIVE_STEPS, VOLUME_BANDS
from kit.records.fields import Labelled, aware, label

if TYPE_CHECKING:
    from kit.records.exposure import ExposureEntry
    from kit.wellbeing.checkins import CheckIn
    from kit.wellbeing.instruments import Instrument
    from kit.wellbeing.scoring import SubscaleScore

DEFAULT_DAYS = 28
MAX_NOTE = 10_000
NO_EXPOSURE = "No exposure logged in this period."
NO_CHECKINS = "No check-ins in this period."

# (key, label, ticked by default), in the order the builder offers them and render() sets them.
FIELDS: Final = (
    ("exposure_sessions", "Exposure sessions by type", True),
    ("exposure_volume", "Amount of material", True),
    ("exposure_flags", "Violent, unexpected or close to home", True),
    ("exposure_steps", "Protective steps", True),
    ("exposure_outcome", "Knew how the case turned out", True),
    ("exposure_impact", "Impact on me, in bands", False),
    ("checkin_bands", "Check-in bands", True),
    ("checkin_scores", "Check-in scores", False),
)
NOTE_KEY, NOTE_LABEL = "note", "Note"
KEYS: Final = (*(key for key, _, _ in FIELDS), NOTE_KEY)

# The exposure log's labels are in the first person, for the person logging ("It was violent");
# a supervisor reads these instead.
_FLAG_WORDS: Final = {"violent": "Violent", "unexpected": "Came without warning",
                      "personally-resonant": "Felt close to home"}
_STEP_WORDS: Final = {"breaks": "Regular breaks", "filters": "Filters or blurring",
                      "audio-off": "Sound off or separate", "greyscale": "Viewed in greyscale",
                      "smaller-view": "Smaller view or thumbnails",
                      "stopped-by-cut-off": "Stopped at the cut-off time"}
_IMPACT_BANDS: Final = (("Low (0 to 3)", 3), ("Medium (4 to 6)", 6), ("High (7 to 10)", 10))
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")


class InstrumentNames(Protocol):
    """Where instrument names come from (kit.wellbeing.library.Instruments)."""

    def get(self, instrument_id: str) -> Instrument: ...


@dataclass(frozen=True)
class ShareField:
    """One field the practitioner may tick; `text` is exactly what would be sent."""

    key: str
    label: str
    text: str
    default: bool

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "text": self.text,
                "default": self.default}


def default_start(last_sent: datetime | None, now: datetime) -> datetime:
    """Where a new packet's period begins: when the last packet went to this supervisor, or 28
    days back when none has."""
    return last_sent if last_sent is not None else now - timedelta(days=DEFAULT_DAYS)


def _period(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    start, end = aware(start, "the start of the period"), aware(end, "the end of the period")
    if start >= end:
        raise UsageError(f"the period must start before it ends ({start:%Y-%m-%d} is not "
                         f"before {end:%Y-%m-%d})")
    return start, end


def _day_written(day: date) -> str:
    """A date as people write it, the same in every locale: 3 Nov 2026."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _sessions(n: int) -> str:
    return f"{n} session" if n == 1 else f"{n} sessions"


def _ordered(choices: Sequence[Labelled], seen: Iterable[str]) -> list[str]:
    """The values seen, in the list's own order; values a newer kit wrote come last."""
    seen = set(seen)
    known = [c.value for c in choices if c.value in seen]
    return known + sorted(seen - set(known))


# --- the exposure fields ---


def _by_type(entries: Sequence[ExposureEntry]) -> str:
    counts: dict[str, int] = {}
    for e in entries:
        for value in set(e.material):
            counts[value] = counts.get(value, 0) + 1
    lines = [f"{label(MATERIAL_TYPES, v)}: {_sessions(counts[v])}"
             for v in _ordered(MATERIAL_TYPES, counts)]
    total = f"Total: {_sessions(len(entries))}"
    if sum(counts.values()) > len(entries):
        total += " (a session can involve more than one type)"
    return "\n".join([*lines, total])


def _volume(entries: Sequence[ExposureEntry]) -> str:
    counts: dict[str, int] = {}
    for e in entries:
        if e.volume is not None:
            counts[e.volume] = counts.get(e.volume, 0) + 1
    lines = [f"{label(VOLUME_BANDS, v)}: {_sessions(counts[v])}"
             for v in _ordered(VOLUME_BANDS, counts)]
    unrecorded = sum(1 for e in entries if e.volume is None)
    if unrecorded:
        lines.append(f"Not recorded: {_sessions(unrecorded)}")
    return "\n".join(lines)


def _tally(entries: Sequence[ExposureEntry], choices: Sequence[Labelled],
           words: dict[str, str], marks: Callable[[ExposureEntry], tuple[str, ...]]) -> list[str]:
    """"<word>: n of N sessions" for every choice (zero included: that is information too)."""
    seen = {v for e in entries for v in marks(e)}
    values = [c.value for c in choices] + sorted(seen - {c.value for c in choices})
    return [f"{words.get(v) or label(choices, v)}: "
            f"{sum(1 for e in entries if v in marks(e))} of {_sessions(len(entries))}"
            for v in values]


def _flags(entries: Sequence[ExposureEntry]) -> str:
    return "\n".join(_tally(entries, FLAGS, _FLAG_WORDS, lambda e: e.flags))


def _steps(entries: Sequence[ExposureEntry]) -> str:
    return "\n".join(_tally(entries, PROTECTIVE_STEPS, _STEP_WORDS, lambda e: e.steps))


def _outcome(entries: Sequence[ExposureEntry]) -> str:
    """Knowing how a case turned out helped in the research (BMC Psychiatry 2023). It is not
    a protective step, and a session where it was never recorded is unknown, not a "no"."""
    total = _sessions(len(entries))
    known = sum(1 for e in entries if e.outcome_known is True)
    unknown = sum(1 for e in entries if e.outcome_known is False)
    lines = [f"Yes: {known} of {total}", f"No: {unknown} of {total}"]
    unrecorded = len(entries) - known - unknown
    if unrecorded:
        lines.append(f"Not recorded: {unrecorded} of {total}")
    return "\n".join(lines)


def _impact(entries: Sequence[ExposureEntry]) -> str:
    """Bands only: the raw 0-10 numbers never leave the device."""
    counts = [0] * len(_IMPACT_BANDS)
    for e in entries:
        # The first band whose top is not below it; anything above 10 (a newer kit) is high.
        counts[next((i for i, (_, top) in enumerate(_IMPACT_BANDS) if e.impact <= top),
                    len(_IMPACT_BANDS) - 1)] += 1
    return "\n".join(f"{name}: {_sessions(n)}" for (name, _), n in zip(_IMPACT_BANDS, counts,
                                                                        strict=True))


# --- the check-in fields ---


def _name(instruments: InstrumentNames, instrument_id: str) -> str:
    try:
        return instruments.get(instrument_id).name
    except KitError:  # removed since, or written by a newer kit: the id still says which
        return instrument_id


def _key(c: CheckIn) -> tuple[datetime, str]:
    return c.when, c.id


def _shown(instruments: InstrumentNames, instrument_id: str, score: SubscaleScore) -> str:
    """A saved band as people read it: the instrument's label for it, else its name."""
    try:
        return instruments.get(instrument_id).band_label(score.subscale, score.band)
    except KitError:
        return score.band


def _direction(now: SubscaleScore, before: SubscaleScore | None, shown: str) -> str:
    """How a band compares with the check-in before, in words that do not judge: "higher"
    is better on one instrument and worse on another, so it says only which way it moved."""
    if before is None:
        return "first check-in"
    if before.band == now.band:
        return "the same band as the check-in before"
    moved = "higher" if now.score > before.score else "lower" if now.score < before.score \
        else "a different band"
    return f"{moved}; was '{shown}'"


def _bands(latest: Sequence[tuple[CheckIn, CheckIn | None]], names: dict[str, str],
           instruments: InstrumentNames, zone: tzinfo | None) -> str:
    lines = []
    for c, before in latest:
        on = _day_written(c.when.astimezone(zone).date())
        for s in c.scores:
            prior = None if before is None else \
                next((b for b in before.scores if b.subscale == s.subscale), None)
            was = "" if prior is None else _shown(instruments, c.instrument, prior)
            lines.append(f"{names[c.instrument]}, {s.name} ({on}): band "
                         f"'{_shown(instruments, c.instrument, s)}' "
                         f"({_direction(s, prior, was)})")
    return "\n".join(lines)


def _scores(checkins: Sequence[CheckIn], names: dict[str, str], instruments: InstrumentNames,
            zone: tzinfo | None) -> str:
    return "\n".join(f"{_day_written(c.when.astimezone(zone).date())}, {names[c.instrument]}, "
                     f"{s.name}: {s.score:g} ('{_shown(instruments, c.instrument, s)}')"
                     for c in checkins for s in c.scores)


def candidate_fields(exposure: Sequence[ExposureEntry], checkins: Sequence[CheckIn],
                     instruments: InstrumentNames, start: datetime, end: datetime, *,
                     zone: tzinfo | None = None) -> list[ShareField]:
    """Every field the practitioner may share for start <= when < end, in a fixed order.

    Pass all check-ins, not only the period's: a band's direction compares the latest one in
    the period with the check-in before it, however long ago. Dates are shown in *zone*
    (default: this computer's). Notes kept with entries and check-ins are never read.
    """
    start, end = _period(start, end)
    entries = sorted((e for e in exposure if start <= e.when < end), key=lambda e: (e.when, e.id))
    inside = sorted((c for c in checkins if start <= c.when < end), key=_key)
    latest: dict[str, CheckIn] = {}
    for c in inside:
        latest[c.instrument] = c  # oldest first, so the last one wins
    names = {i: _name(instruments, i) for i in {c.instrument for c in inside}}
    pairs = []
    for instrument_id in sorted(latest, key=lambda i: (names[i].casefold(), i)):
        c = latest[instrument_id]
        earlier = [b for b in checkins if b.instrument == instrument_id and _key(b) < _key(c)]
        pairs.append((c, max(earlier, key=_key) if earlier else None))

    def exposure_text(build: Callable[[Sequence[ExposureEntry]], str]) -> str:
        return build(entries) if entries else NO_EXPOSURE

    texts = {
        "exposure_sessions": exposure_text(_by_type),
        "exposure_volume": exposure_text(_volume),
        "exposure_flags": exposure_text(_flags),
        "exposure_steps": exposure_text(_steps),
        "exposure_outcome": exposure_text(_outcome),
        "exposure_impact": exposure_text(_impact),
        "checkin_bands": _bands(pairs, names, instruments, zone) if pairs else NO_CHECKINS,
        "checkin_scores": (_scores(inside, names, instruments, zone) if inside
                           else NO_CHECKINS),
    }
    return [ShareField(key, name, texts[key], default) for key, name, default in FIELDS]


def note_field(note: str) -> ShareField | None:
    """The practitioner's own note as a field; None when blank. Over 10,000 characters is a
    UsageError (a packet is a summary; the journal stays at home)."""
    text = "\n".join(line.rstrip() for line in note.strip().splitlines())
    if not text:
        return None
    if len(text) > MAX_NOTE:
        raise UsageError(f"the note is {len(text):,} characters; at most {MAX_NOTE:,} fit in a "
                         "share")
    # An escape sequence could rewrite what the supervisor's terminal shows.
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise UsageError("the note must not contain control characters")
    return ShareField(NOTE_KEY, NOTE_LABEL, text, True)


def _check_keys(keys: Iterable[str]) -> set[str]:
    chosen = set(keys)
    unknown = sorted(chosen - set(KEYS))
    if unknown:
        raise UsageError(f"unknown field{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(repr(k) for k in unknown)}; the fields are: "
                         f"{', '.join(KEYS)}")
    return chosen


def chosen_fields(fields: Sequence[ShareField], chosen: Collection[str],
                  note: str) -> list[ShareField]:
    """The fields that go in the packet: the chosen ones in the builder's order, then the note
    (whenever it is not blank: writing one is choosing to send it)."""
    wanted = _check_keys(chosen)
    out = [f for f in fields if f.key in wanted and f.key != NOTE_KEY]
    extra = note_field(note)
    return [*out, extra] if extra is not None else out


def render(fields: Sequence[ShareField], chosen: Collection[str], note: str, sender: str,
           recipient: str, start: datetime, end: datetime, *,
           zone: tzinfo | None = None) -> str:
    """The exact text the supervisor will read: heading, period, the chosen fields, the note."""
    start, end = _period(start, end)
    first = start.astimezone(zone).date()
    # The end is exclusive: a period ending at midnight ends on the day before.
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    lines = [f"Shared with {recipient} by {sender}",
             f"Period: {_day_written(first)}" if first == last else
             f"Period: {_day_written(first)} to {_day_written(last)}"]
    for f in chosen_fields(fields, chosen, note):
        lines += ["", f"{f.label}:", *(f"  {line}" if line else "" for line in
                                       f.text.split("\n"))]
    return "\n".join(lines) + "\n"


def parse_fields(spec: str) -> set[str]:
    """Field keys from a comma-separated list such as "exposure_sessions,checkin_bands"."""
    keys = {part.strip() for part in spec.split(",") if part.strip()}
    if not keys:
        raise UsageError(f"no fields given; choose from: {', '.join(KEYS)}")
    return _check_keys(keys)


def defaults(fields: Iterable[ShareField]) -> set[str]:
    """The keys ticked unless the practitioner changes them."""
    return {f.key for f in fields if f.default}
