"""Unsaved work kept safe when the app locks.

Locking (the quick-hide key or the idle timer) drops everything decrypted from memory. Anything
typed but not yet saved is first written to the vault as an encrypted draft, so a lock never
costs the user their words; the app offers the draft back after the next unlock.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple

from kit.errors import NotFound
from kit.records.source import RecordSource
from kit.vault import Vault

KIND = "draft"


class Draft(NamedTuple):
    id: str
    area: str
    saved: datetime
    data: dict[str, Any]


class Drafts:
    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._drafts: dict[str, Draft] | None = None

    def _load(self) -> dict[str, Draft]:
        if self._drafts is None:
            self._drafts = {}
            for record in self.source.snapshot().records.values():
                if record.kind != KIND:
                    continue
                d = record.data
                try:
                    draft = Draft(record.id, str(d["area"]), datetime.fromisoformat(d["saved"]),
                                  dict(d["data"]))
                except (KeyError, TypeError, ValueError):
                    continue  # a draft is a convenience; a malformed one is simply not offered
                self._drafts[record.id] = draft
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
