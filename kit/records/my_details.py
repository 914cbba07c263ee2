"""Your own details, kept to fill in letters: the name a site knows you by and where replies
should go. Encrypted like every other record; nothing here is shared until you send a letter.

There is one set of details. Two devices that each saved them leave two records: the newest is
used and the other is kept (nothing is deleted to tidy up).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.records.incidents import MAX_SHORT, check_text
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault

KIND = "my_details"
MAX_REPLY_TO = 1000  # an email address, or a postal address over a few lines


@dataclass(frozen=True)
class Details:
    """An unsaved, empty set of details has no id and no updated time."""

    name: str = ""
    reply_to: str = ""  # an email or postal address for replies
    updated: datetime | None = None
    id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "reply_to": self.reply_to,
                "updated": self.updated.isoformat() if self.updated else None}

    def _data(self) -> dict[str, Any]:
        data = {**self.extra, **self.to_json()}
        del data["id"]
        return data


def check_details(details: Details) -> Details:
    return dataclasses.replace(
        details,
        name=check_text("name", details.name, MAX_SHORT, one_line=True),
        reply_to=check_text("reply-to address", details.reply_to, MAX_REPLY_TO))


def _from_record(record: Record) -> Details:
    d = record.data
    name, reply_to, updated = d.get("name", ""), d.get("reply_to", ""), d["updated"]
    if not isinstance(name, str) or not isinstance(reply_to, str) or not isinstance(
            updated, str):
        raise TypeError("details must be text")
    stamp = datetime.fromisoformat(updated)
    if stamp.tzinfo is None:
        raise ValueError("updated has no time zone")
    return Details(name, reply_to, stamp, record.id,
                   {k: v for k, v in d.items() if k not in ("name", "reply_to", "updated")})


class MyDetails:
    """Your saved details in one vault."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._versions: list[Details] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> list[Details]:
        if self._versions is None:
            from kit.vault import Problem  # here: the CLI imports this module at start

            versions, self.problems = read_kind(self.source, KIND, _from_record, lambda r: Problem(
                "unreadable_details", f"your saved details ({r.id}) have a shape this version "
                "of the kit cannot read; they were left untouched", r.id))
            self._versions = _newest_first(list(versions.values()))
        return self._versions

    def get(self) -> Details:
        """The newest saved details, or empty ones."""
        versions = self._load()
        return versions[0] if versions else Details()

    def save(self, details: Details) -> Details:
        """Save over the version *details* was read from (else over the newest)."""
        checked = check_details(details)
        versions = self._load()
        ids = {v.id for v in versions}
        target = details.id if details.id in ids else (versions[0].id if versions else None)
        if target is not None:
            checked = dataclasses.replace(
                checked, extra=next(v.extra for v in versions if v.id == target))
        stamped = dataclasses.replace(checked, updated=datetime.now(UTC), id=None)
        record = self.vault.put(KIND, stamped._data(), record_id=target)
        saved = dataclasses.replace(stamped, id=record.id)
        self._versions = _newest_first([saved, *(v for v in versions if v.id != record.id)])
        return saved


def _newest_first(versions: list[Details]) -> list[Details]:
    return sorted(versions, key=lambda d: (d.updated or datetime.min.replace(tzinfo=UTC),
                                           d.id or ""), reverse=True)
