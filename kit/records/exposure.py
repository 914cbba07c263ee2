"""The exposure log: what kind of distressing material you met, how much, and how it left you.

It records categories only, never content. The categories follow what the research links to
harm and to resilience (research/wellbeing.md): material type and volume, violent, unexpected
or personally resonant content, protective viewing steps, and knowing the case outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

from kit.errors import UsageError
from kit.records.fields import Choice, Labelled, aware, stored_stamp, stored_texts, stored_whole
from kit.records.ids import by_prefix
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault

KIND = "exposure"
SHORT_ID = 8
MAX_MINUTES = 24 * 60
MAX_IMPACT = 10
# A little slack for clocks and time zones; anything later is a typo that would skew trends.
FUTURE_SLACK = timedelta(days=1)


class VolumeBand(NamedTuple):
    value: str
    label: str
    low: int
    high: int | None  # None: no upper bound


MATERIAL_TYPES: Final = (
    Choice("image", "Images"),
    Choice("video", "Video"),
    Choice("audio", "Audio"),
    Choice("text", "Text, chat or documents"),
    Choice("live-disclosure", "A disclosure, in person or on a call"),
)

VOLUME_BANDS: Final = (
    VolumeBand("single", "One item", 1, 1),
    VolumeBand("few", "A few (2 to 10)", 2, 10),
    VolumeBand("some", "Some (11 to 100)", 11, 100),
    VolumeBand("many", "Many (101 to 1,000)", 101, 1000),
    VolumeBand("very-many", "Very many (over 1,000)", 1001, None),
)

FLAGS: Final = (
    Choice("violent", "It was violent"),
    Choice("unexpected", "It came without warning"),
    Choice("personally-resonant", "It felt close to home"),
)

# Steps that guidance for people viewing such material recommends (Police Care UK, IWF).
PROTECTIVE_STEPS: Final = (
    Choice("breaks", "I took regular breaks"),
    Choice("filters", "I used filters or blurring"),
    Choice("audio-off", "I kept the sound off or separate"),
    Choice("greyscale", "I viewed in greyscale"),
    Choice("smaller-view", "I used a smaller view or thumbnails"),
    Choice("stopped-by-cut-off", "I stopped at my cut-off time"),
)

OUTCOME_LABELS: Final[dict[bool | None, str]] = {
    True: "I know how the case turned out",
    False: "I do not know how the case turned out",
    None: "Not recorded",
}


def band_for(count: int) -> str:
    """The volume band holding *count* items."""
    if count < 1:
        raise UsageError(f"the number of items must be at least 1, not {count}")
    return next(b.value for b in VOLUME_BANDS if b.high is None or count <= b.high)


def _allowed(choices: Iterable[Labelled]) -> str:
    return ", ".join(c.value for c in choices)


def _pick(field: str, choices: Sequence[Labelled], given: Iterable[str], *,
          at_least_one: bool) -> tuple[str, ...]:
    """Known values only, without repeats, in the list's own order (so equal sets compare
    equal and always print the same way)."""
    if isinstance(given, str):  # one value, not its letters
        given = (given,)
    wanted: set[str] = set()
    for value in given:
        if not any(c.value == value for c in choices):
            raise UsageError(f"{field} {value!r} is not one of: {_allowed(choices)}")
        wanted.add(value)
    if at_least_one and not wanted:
        raise UsageError(f"{field} needs at least one of: {_allowed(choices)}")
    return tuple(c.value for c in choices if c.value in wanted)


def _whole_number(field: str, value: object) -> int:
    # bool is an int in Python; True must not pass as 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{field} must be a whole number, not {value!r}")
    return value


def check_material(material: Iterable[str]) -> tuple[str, ...]:
    return _pick("material type", MATERIAL_TYPES, material, at_least_one=True)


def check_volume(volume: str | None) -> str | None:
    if volume is not None and not any(b.value == volume for b in VOLUME_BANDS):
        raise UsageError(f"volume {volume!r} is not one of: {_allowed(VOLUME_BANDS)}")
    return volume


def check_flags(flags: Iterable[str]) -> tuple[str, ...]:
    return _pick("flag", FLAGS, flags, at_least_one=False)


def check_steps(steps: Iterable[str]) -> tuple[str, ...]:
    return _pick("protective step", PROTECTIVE_STEPS, steps, at_least_one=False)


def check_minutes(minutes: int | None) -> int | None:
    if minutes is None:
        return None
    if not 0 <= _whole_number("minutes", minutes) <= MAX_MINUTES:
        raise UsageError(f"minutes must be from 0 to {MAX_MINUTES} (one day), not {minutes}")
    return minutes


def check_impact(impact: int) -> int:
    if not 0 <= _whole_number("impact", impact) <= MAX_IMPACT:
        raise UsageError(f"impact must be a whole number from 0 (no effect on you) to "
                         f"{MAX_IMPACT} (a very strong effect), not {impact}")
    return impact


def check_outcome(outcome_known: bool | None) -> bool | None:
    if outcome_known is not None and not isinstance(outcome_known, bool):
        raise UsageError(f"outcome known must be yes, no or not recorded, not {outcome_known!r}")
    return outcome_known


def check_note(note: str | None) -> str | None:
    """Trimmed; a blank note is no note."""
    if note is None or not note.strip():
        return None
    return note.strip()


def check_when(when: datetime) -> datetime:
    when = aware(when, "when")
    if when > datetime.now(UTC) + FUTURE_SLACK:
        raise UsageError(f"when is in the future ({when:%Y-%m-%d}); give the date you saw or "
                         "heard the material")
    return when


class ExposureEntry(NamedTuple):
    """One logged exposure. Choice fields hold machine values; look labels up with label()."""

    id: str
    when: datetime
    minutes: int | None
    material: tuple[str, ...]
    volume: str | None
    flags: tuple[str, ...]
    steps: tuple[str, ...]
    outcome_known: bool | None
    impact: int
    note: str | None
    recorded: datetime
    updated: datetime

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "when": self.when.isoformat(),
            "minutes": self.minutes,
            "material": list(self.material),
            "volume": self.volume,
            "flags": list(self.flags),
            "steps": list(self.steps),
            "outcome_known": self.outcome_known,
            "impact": self.impact,
            "note": self.note,
            "recorded": self.recorded.isoformat(),
            "updated": self.updated.isoformat(),
        }

    def _data(self) -> dict[str, Any]:
        data = self.to_json()
        del data["id"]
        return data


def _optional_int(value: object) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise TypeError("expected a whole number or null")
    return value


def _optional_str(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("expected text or null")
    return value


def _optional_bool(value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError("expected true, false or null")
    return value


def _from_record(record: Record) -> ExposureEntry:
    """Types are checked; choice values are not, so entries written by a newer kit with new
    categories still show (their raw value stands in for the label)."""
    d = record.data
    return ExposureEntry(
        id=record.id,
        when=stored_stamp(d["when"], "when"),
        minutes=_optional_int(d.get("minutes")),
        material=stored_texts(d["material"]),
        volume=_optional_str(d.get("volume")),
        flags=stored_texts(d.get("flags", [])),
        steps=stored_texts(d.get("steps", [])),
        outcome_known=_optional_bool(d.get("outcome_known")),
        impact=stored_whole(d["impact"], "impact"),
        note=_optional_str(d.get("note")),
        recorded=stored_stamp(d.get("recorded", d["when"])),
        updated=stored_stamp(d.get("updated", d["when"])),
    )


class Keep(Enum):
    """Marks an edit() argument left alone (None is a real value for several fields)."""

    KEEP = "keep"


KEEP: Final = Keep.KEEP
Kept = Literal[Keep.KEEP]


class Exposure:
    """Exposure entries in one vault, decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._entries: dict[str, ExposureEntry] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, ExposureEntry]:
        if self._entries is None:
            # Here, not at the top: the CLI imports this module for its choice lists before
            # any vault is opened, and kit.vault brings in the whole crypto stack.
            from kit.vault import Problem

            self._entries, self.problems = read_kind(
                self.source, KIND, _from_record, lambda r: Problem(
                    "unreadable_entry", f"exposure entry {r.id} has a shape this version of "
                    "the kit cannot read; it was left untouched", r.id))
        return self._entries

    def add(self, *, material: Iterable[str], impact: int, when: datetime | None = None,
            minutes: int | None = None, volume: str | None = None, flags: Iterable[str] = (),
            steps: Iterable[str] = (), outcome_known: bool | None = None,
            note: str | None = None) -> ExposureEntry:
        """Validate and save a new entry; *when* defaults to now."""
        now = datetime.now(UTC)
        entry = ExposureEntry(
            id="",
            when=check_when(when) if when is not None else now,
            minutes=check_minutes(minutes),
            material=check_material(material),
            volume=check_volume(volume),
            flags=check_flags(flags),
            steps=check_steps(steps),
            outcome_known=check_outcome(outcome_known),
            impact=check_impact(impact),
            note=check_note(note),
            recorded=now,
            updated=now,
        )
        entries = self._load()  # before the write: a snapshot read after it may not hold it
        record = self.vault.put(KIND, entry._data())
        saved = entry._replace(id=record.id)
        entries[saved.id] = saved
        return saved

    def entries(self) -> list[ExposureEntry]:
        """All entries, newest first (by when the exposure happened)."""
        return sorted(self._load().values(), key=lambda e: (e.when, e.id), reverse=True)

    def since(self, start: datetime) -> list[ExposureEntry]:
        """Entries from *start* on, newest first."""
        start = aware(start, "since")
        return [e for e in self.entries() if e.when >= start]

    def get(self, id_or_prefix: str) -> ExposureEntry:
        return by_prefix(self._load(), id_or_prefix, "exposure entry",
                         problems=self.problems)

    def edit(self, id_or_prefix: str, *, when: datetime | Kept = KEEP,
             minutes: int | Kept | None = KEEP, material: Iterable[str] | Kept = KEEP,
             volume: str | Kept | None = KEEP, flags: Iterable[str] | Kept = KEEP,
             steps: Iterable[str] | Kept = KEEP, outcome_known: bool | Kept | None = KEEP,
             impact: int | Kept = KEEP, note: str | Kept | None = KEEP) -> ExposureEntry:
        """Change the fields given; the rest stay as they are."""
        entry = self.get(id_or_prefix)
        changed = entry._replace(
            when=entry.when if when is KEEP else check_when(when),
            minutes=entry.minutes if minutes is KEEP else check_minutes(minutes),
            material=entry.material if material is KEEP else check_material(material),
            volume=entry.volume if volume is KEEP else check_volume(volume),
            flags=entry.flags if flags is KEEP else check_flags(flags),
            steps=entry.steps if steps is KEEP else check_steps(steps),
            outcome_known=(entry.outcome_known if outcome_known is KEEP
                           else check_outcome(outcome_known)),
            impact=entry.impact if impact is KEEP else check_impact(impact),
            note=entry.note if note is KEEP else check_note(note),
            updated=datetime.now(UTC),
        )
        self.vault.put(KIND, changed._data(), record_id=entry.id)
        self._load()[entry.id] = changed
        return changed

    def delete(self, id_or_prefix: str) -> ExposureEntry:
        entry = self.get(id_or_prefix)
        self.vault.delete(entry.id)
        del self._load()[entry.id]
        return entry
