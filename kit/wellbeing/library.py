"""The instruments a vault knows: the built-in pulse plus those the user imported.

An imported instrument is kept whole, as its validated TOML text, inside a vault record of kind
"instrument"; it is never written anywhere else. Replacing one keeps the old version (marked
superseded), so older check-ins can still be shown against the exact wording they answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from kit.errors import KitError, NotFound, UsageError
from kit.records.fields import stored_stamp, stored_text
from kit.records.source import RecordSource, read_kind
from kit.vault import Problem, Record, Vault
from kit.vault.store import WriteTxn
from kit.wellbeing.instruments import Instrument, builtin_instruments, load_file, parse

KIND = "instrument"


class InstrumentExists(UsageError):
    """A different version of this instrument is already imported; replacing needs consent."""

    code = "instrument_exists"


@dataclass(frozen=True)
class Imported:
    instrument: Instrument
    outcome: Literal["added", "replaced", "unchanged"]


@dataclass(frozen=True)
class _Stored:
    record_id: str
    instrument: Instrument
    imported: datetime
    current: bool


def _from_record(record: Record) -> _Stored:
    d = record.data
    instrument = parse(stored_text(d["toml"], "its text"), f"instrument record {record.id}")
    if instrument.digest != d["digest"]:
        raise ValueError("its digest does not match its text")
    current = d["current"]
    if not isinstance(current, bool):
        raise TypeError("'current' must be true or false")
    return _Stored(record.id, instrument, stored_stamp(d["imported"], "its import time"),
                   current)


class Instruments:
    """Every instrument available in one vault, built-in first."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._stored: list[_Stored] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> list[_Stored]:
        if self._stored is None:
            # Why a record could not be read, by id, where the instrument's own check said so
            # ("made for a newer Frontline Kit"): more use to its reader than "a shape".
            reasons: dict[str, str] = {}

            def from_record(record: Record) -> _Stored:
                try:
                    return _from_record(record)
                except KitError as exc:
                    reasons[record.id] = exc.message
                    raise

            read, self.problems = read_kind(self.source, KIND, from_record, lambda r: Problem(
                "unreadable_instrument", reasons.get(r.id) or f"instrument {r.id} has a shape "
                "this version of the kit cannot read; it was left untouched", r.id))
            self._stored = list(read.values())
        return self._stored

    def list(self) -> list[Instrument]:
        """The built-in instruments, then the imported ones by name."""
        imported = sorted((s.instrument for s in self._load() if s.current),
                          key=lambda i: (i.name.casefold(), i.id))
        return [*builtin_instruments(), *imported]

    def get(self, instrument_id: str) -> Instrument:
        for instrument in self.list():
            if instrument.id == instrument_id:
                return instrument
        raise NotFound(f"no instrument '{instrument_id}'; `kit instrument list` shows the "
                       "ones you have")

    def version(self, instrument_id: str, digest: str) -> Instrument | None:
        """The exact version a check-in answered, current or superseded, if still stored."""
        for instrument in builtin_instruments():
            if instrument.id == instrument_id and instrument.digest == digest:
                return instrument
        for stored in self._load():
            if stored.instrument.id == instrument_id and stored.instrument.digest == digest:
                return stored.instrument
        return None

    def add(self, source: Path | Instrument, *, replace: bool = False) -> Imported:
        """Validate and import an instrument file (or an already parsed instrument).

        A different version of an instrument already imported raises InstrumentExists unless
        *replace* is true; the same file again changes nothing.
        """
        instrument = load_file(source) if isinstance(source, Path) else source
        if any(b.id == instrument.id for b in builtin_instruments()):
            raise UsageError(f"the id '{instrument.id}' belongs to an instrument built into the "
                             "kit; give yours another id")
        current = next((s for s in self._load()
                        if s.current and s.instrument.id == instrument.id), None)
        if current is not None and current.instrument.digest == instrument.digest:
            return Imported(current.instrument, "unchanged")
        if current is not None and not replace:
            raise InstrumentExists(
                f"a different version of '{instrument.id}' is already imported; add --replace "
                "to use the new file (past check-ins keep their scores and wording)")
        now = datetime.now(UTC)
        data = {"id": instrument.id, "toml": instrument.text, "digest": instrument.digest,
                "imported": now.isoformat(), "current": True}

        def save(txn: WriteTxn) -> Record:
            if current is not None:  # one transaction: never two current versions
                old = current.instrument
                txn.put(KIND, {"id": old.id, "toml": old.text, "digest": old.digest,
                               "imported": current.imported.isoformat(), "current": False},
                        record_id=current.record_id)
            return txn.put(KIND, data)

        record = self.vault.write(save)
        stored = self._load()
        if current is not None:
            stored[stored.index(current)] = _Stored(current.record_id, current.instrument,
                                                    current.imported, False)
        stored.append(_Stored(record.id, instrument, now, True))
        return Imported(instrument, "replaced" if current is not None else "added")
