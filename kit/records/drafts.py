"""Unsaved work kept safe when the app locks.

Locking (the quick-hide key or the idle timer) drops everything decrypted from memory. Anything
typed but not yet saved is first written to the vault as an encrypted draft, so a lock never
costs the user their words; the app offers the draft back after the next unlock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from kit.errors import NotFound
from kit.records.fields import stored_stamp, stored_text
from kit.records.source import RecordSource, read_kind
from kit.vault import Problem, Record, Vault

KIND = "draft"


class Draft(NamedTuple):
    id: str
    area: str
    saved: datetime
    data: dict[str, Any]


def _from_record(record: Record) -> Draft:
    d = record.data
    data = d["data"]
    if not isinstance(data, dict):
        raise TypeError("a draft's data must be an object")
    return Draft(record.id, stored_text(d["area"], "area"), stored_stamp(d["saved"], "saved"),
                 dict(data))


class Drafts:
    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._drafts: dict[str, Draft] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, Draft]:
        if self._drafts is None:
            # A draft is a convenience: one this kit cannot read is not offered, and it is
            # reported and left as it is like any other record.
            self._drafts, self.problems = read_kind(self.source, KIND, _from_record, lambda r: (
                Problem("unreadable_draft", f"an unsaved draft ({r.id}) has a shape this "
                        "version of the kit cannot read; it was left untouched", r.id)))
        return self._drafts

    def save(self, area: str, data: dict[str, Any], replaces: str | None = None) -> Draft:
        """Keep *data*; *replaces* names a restored draft this one supersedes."""
        saved = datetime.now(UTC)
        if replaces is not None and replaces not in self._load():
            replaces = None  # already saved properly and discarded
        record = self.vault.put(KIND, {"area": area, "saved": saved.isoformat(), "data": data},
                                record_id=replaces)
        draft = Draft(record.id, area, saved, data)
        self._load()[draft.id] = draft
        return draft

    def list(self, area: str | None = None) -> list[Draft]:
        """Drafts, newest first."""
        drafts = [d for d in self._load().values() if area is None or d.area == area]
        return sorted(drafts, key=lambda d: d.saved, reverse=True)

    def discard(self, draft_id: str) -> None:
        if draft_id not in self._load():
            raise NotFound(f"no draft with id {draft_id}")
        self.vault.delete(draft_id)
        del self._load()[draft_id]
