"""One set of something, saved over in place: your details for letters, your search details,
the wellbeing and safety plans.

Two devices that each saved a set leave two records: the newest is used and the other is kept
(nothing is deleted to tidy up). Saving writes over the record the set was read from, or else
over the newest, and keeps fields a newer kit wrote there (the set's `extra`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault


class SavedSet(Protocol):
    """A frozen dataclass with these fields; empty and unsaved, id and updated are None."""

    @property
    def id(self) -> str | None: ...
    @property
    def updated(self) -> datetime | None: ...
    @property
    def extra(self) -> Mapping[str, Any]: ...
    def stored(self) -> dict[str, Any]:
        """What the vault keeps: the fields, the save time and any unknown fields."""
        ...


S = TypeVar("S", bound=SavedSet)


class StoredSet:
    """For a set's dataclass: what the vault keeps is its JSON without the id, over the
    fields a newer kit wrote (kept as they were)."""

    extra: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        raise NotImplementedError

    def stored(self) -> dict[str, Any]:
        """What the vault keeps: the fields, the save time and any unknown fields."""
        data = {**self.extra, **self.to_json()}
        del data["id"]
        return data


class LatestRecord(Generic[S]):
    """The store for one kind of set; a subclass names the kind and how to read and check it."""

    KIND: str
    PROBLEM: str  # the code of the problem reported for a set this kit cannot read
    UNREADABLE: str  # and its text, with {id} for the record

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._versions: list[S] | None = None
        self.problems: list[Problem] = []

    # What a subclass provides.
    def empty(self) -> S:
        """A set with nothing in it, not yet saved."""
        raise NotImplementedError

    def parse(self, record: Record) -> S:
        """A stored set; one of source.UNREADABLE if this kit cannot read it."""
        raise NotImplementedError

    def check(self, details: S) -> S:
        """*details*, tidied; UsageError naming what is wrong."""
        raise NotImplementedError

    def _load(self) -> list[S]:
        if self._versions is None:
            from kit.vault import Problem  # here: the CLI imports the subclasses at start

            versions, self.problems = read_kind(
                self.source, self.KIND, self.parse,
                lambda r: Problem(self.PROBLEM, self.UNREADABLE.format(id=r.id), r.id))
            self._versions = _newest_first(list(versions.values()))
        return self._versions

    def versions(self) -> list[S]:
        """Every saved set, newest first. More than one only when two devices each saved."""
        return list(self._load())

    def get(self) -> S:
        """The newest saved set, or an empty one."""
        versions = self._load()
        return versions[0] if versions else self.empty()

    def save(self, details: S) -> S:
        """Save over the version *details* was read from (else over the newest)."""
        checked = self.check(details)
        versions = self._load()
        ids = {v.id for v in versions}
        target = details.id if details.id in ids else (versions[0].id if versions else None)
        if target is not None:
            checked = dataclasses.replace(  # type: ignore[type-var]
                checked, extra=next(v.extra for v in versions if v.id == target))
        stamped = dataclasses.replace(  # type: ignore[type-var]
            checked, updated=datetime.now(UTC), id=None)
        record = self.vault.put(self.KIND, stamped.stored(), record_id=target)
        saved = dataclasses.replace(stamped, id=record.id)  # type: ignore[type-var]
        self._versions = _newest_first([saved, *(v for v in versions if v.id != record.id)])
        return saved


def _newest_first(versions: list[S]) -> list[S]:
    return sorted(versions, key=lambda d: (d.updated or datetime.min.replace(tzinfo=UTC),
                                           d.id or ""), reverse=True)
