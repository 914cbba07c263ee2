"""Wellbeing check-ins: answers to an instrument, their scores, and the rhythm of reminders.

A check-in keeps the scores and bands computed when it was saved, together with the digest of
the exact instrument version answered, so replacing an instrument never rewrites history.
The rhythm is how often the user wants to be reminded: the instrument's recommendation unless
they chose otherwise (stored as a "checkin_schedule" record; 0 days turns reminders off).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from kit.errors import BadInput, UsageError
from kit.records.ids import by_prefix
from kit.records.source import RecordSource, read_kind
from kit.vault import Problem, Record, Vault
from kit.wellbeing.instruments import MAX_EVERY_DAYS, Instrument
from kit.wellbeing.library import Instruments
from kit.wellbeing.scoring import Result, SubscaleScore, score

KIND = "checkin"
SCHEDULE_KIND = "checkin_schedule"
SHORT_ID = 8
MAX_NOTE = 20_000


class CheckIn(NamedTuple):
    """One saved check-in. `when` is timezone-aware UTC."""

    id: str
    when: datetime
    instrument: str
    digest: str
    answers: dict[str, int]
    scores: tuple[SubscaleScore, ...]
    note: str | None = None

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def result(self) -> Result:
        return Result(self.instrument, self.digest, self.scores)

    @property
    def concern(self) -> bool:
        return any(s.concern for s in self.scores)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "when": self.when.isoformat(), "instrument": self.instrument,
                "digest": self.digest, "answers": dict(self.answers),
                "scores": [s.to_json() for s in self.scores], "note": self.note}

    def _data(self) -> dict[str, Any]:
        data = self.to_json()
        del data["id"]
        return data


@dataclass(frozen=True)
class Due:
    """Where one instrument stands in its rhythm; next_due is None when reminders are off."""

    instrument: Instrument
    every_days: int
    last_done: datetime | None
    next_due: date | None
    overdue: bool

    def is_due(self, today: date) -> bool:
        return self.next_due is not None and self.next_due <= today

    def to_json(self) -> dict[str, Any]:
        return {"instrument": self.instrument.id, "name": self.instrument.name,
                "every_days": self.every_days,
                "last_done": self.last_done.isoformat() if self.last_done else None,
                "next_due": self.next_due.isoformat() if self.next_due else None,
                "overdue": self.overdue}


def _from_record(record: Record) -> CheckIn:
    d = record.data
    try:
        when = datetime.fromisoformat(d["when"])
        if when.tzinfo is None:  # it could not be sorted among the others
            raise ValueError("when needs its time zone")
        answers = {str(k): int(v) for k, v in d["answers"].items()}
        scores = tuple(SubscaleScore(str(s["subscale"]), str(s["name"]), float(s["score"]),
                                     str(s["band"]), bool(s["concern"])) for s in d["scores"])
        note = d.get("note")
        if not isinstance(note, str | None) or not isinstance(d["instrument"], str):
            raise TypeError("instrument and note must be strings")
        return CheckIn(record.id, when, d["instrument"], str(d["digest"]), answers, scores, note)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadInput(f"check-in {record.id} has an unexpected shape") from exc


def _rhythm_from(record: Record) -> tuple[str, int]:
    d = record.data
    instrument, days = d["instrument"], d["every_days"]
    if not isinstance(instrument, str) or type(days) is not int or days < 0:
        raise BadInput(f"check-in rhythm {record.id} has an unexpected shape")
    return instrument, days


def check_note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    if len(note) > MAX_NOTE:
        raise UsageError(f"the note is {len(note):,} characters; at most {MAX_NOTE:,} fit "
                         "(the journal has room for longer writing)")
    return note


def check_days(days: int) -> int:
    if isinstance(days, bool) or not 0 <= days <= MAX_EVERY_DAYS:
        raise UsageError(f"the rhythm must be a whole number of days from 1 to "
                         f"{MAX_EVERY_DAYS}, or 0 to turn reminders off")
    return days


class CheckIns:
    """Check-ins and reminder rhythms in one vault. Decrypted once, kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None,
                 instruments: Instruments | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self.instruments = instruments or Instruments(vault, source)
        self._entries: dict[str, CheckIn] | None = None
        self._rhythm: dict[str, tuple[str, int]] = {}  # instrument id -> (record id, days)
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, CheckIn]:
        if self._entries is None:
            entries, self.problems = read_kind(self.source, KIND, _from_record, lambda r: Problem(
                "unreadable_checkin", f"check-in {r.id} has a shape this version of the kit "
                "cannot read; it was left untouched", r.id))
            rhythms, rhythm_problems = read_kind(
                self.source, SCHEDULE_KIND, _rhythm_from, lambda r: Problem(
                    "unreadable_checkin_rhythm", f"check-in rhythm {r.id} has a shape this "
                    "version of the kit cannot read; it was left untouched", r.id))
            # The snapshot's own problems are in both lists; keep them once.
            self.problems += [p for p in rhythm_problems if p.code == "unreadable_checkin_rhythm"]
            for record_id, (instrument_id, days) in rhythms.items():
                self._rhythm[instrument_id] = (record_id, days)
            self._entries = entries
        return self._entries

    def add(self, instrument: Instrument | str, answers: Mapping[str, int],
            when: datetime | None = None, note: str | None = None) -> CheckIn:
        """Score *answers* and save them; raises UsageError naming a missing or bad answer."""
        if isinstance(instrument, str):
            instrument = self.instruments.get(instrument)
        result = score(instrument, answers)
        answered = {item.id: answers[item.id] for item in instrument.items}
        when = (when or datetime.now(UTC)).astimezone(UTC)
        entry = CheckIn("", when, instrument.id, instrument.digest, answered, result.scores,
                        check_note(note))
        record = self.vault.put(KIND, entry._data())
        saved = entry._replace(id=record.id)
        self._load()[saved.id] = saved
        return saved

    def entries(self) -> list[CheckIn]:
        """All check-ins, newest first."""
        return sorted(self._load().values(), key=lambda c: (c.when, c.id), reverse=True)

    def for_instrument(self, instrument_id: str) -> list[CheckIn]:
        """One instrument's check-ins, newest first."""
        return [c for c in self.entries() if c.instrument == instrument_id]

    def before(self, checkin: CheckIn) -> list[CheckIn]:
        """Earlier check-ins on the same instrument, oldest first (for trends and support)."""
        return sorted((c for c in self._load().values()
                       if c.instrument == checkin.instrument and c.id != checkin.id
                       and (c.when, c.id) < (checkin.when, checkin.id)),
                      key=lambda c: (c.when, c.id))

    def get(self, id_or_prefix: str) -> CheckIn:
        return by_prefix(self._load(), id_or_prefix, "check-in", problems=self.problems)

    def delete(self, id_or_prefix: str) -> CheckIn:
        entry = self.get(id_or_prefix)
        self.vault.delete(entry.id)
        del self._load()[entry.id]
        return entry

    # --- rhythm ---

    def every_days(self, instrument: Instrument) -> int:
        """The user's chosen interval, else the instrument's recommendation (0: no reminders)."""
        self._load()
        chosen = self._rhythm.get(instrument.id)
        return chosen[1] if chosen else instrument.recommended_every_days

    def set_every_days(self, instrument_id: str, days: int) -> Instrument:
        instrument = self.instruments.get(instrument_id)
        check_days(days)
        self._load()
        existing = self._rhythm.get(instrument.id)
        record = self.vault.put(SCHEDULE_KIND, {"instrument": instrument.id, "every_days": days},
                                record_id=existing[0] if existing else None)
        self._rhythm[instrument.id] = (record.id, days)
        return instrument

    def due(self, today: date) -> list[Due]:
        """Every instrument's place in its rhythm, soonest first; reminders off come last.

        A never-used instrument is due today, not overdue. Dates are the local calendar's.
        """
        latest: dict[str, CheckIn] = {}
        for c in self.entries():
            latest.setdefault(c.instrument, c)
        out = []
        for instrument in self.instruments.list():
            days = self.every_days(instrument)
            last = latest.get(instrument.id)
            if days == 0:
                next_due = None
            elif last is None:
                next_due = today
            else:
                next_due = last.when.astimezone().date() + timedelta(days=days)
            out.append(Due(instrument, days, last.when if last else None, next_due,
                           next_due is not None and next_due < today))
        return sorted(out, key=lambda d: (d.next_due is None, d.next_due or today,
                                          d.instrument.name))
