"""What a repository reads from, and the one way a repository reads its kind of record."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Protocol, TypeVar

from kit.errors import KitError

if TYPE_CHECKING:
    # For typing only: kit.vault brings in the crypto stack, and modules the CLI imports at
    # start (kit.records.exposure) import this one.
    from kit.vault import Problem, Record, Snapshot

T = TypeVar("T")

# What a parser raises on a record this version of the kit cannot read: a field missing or of
# the wrong type or value, or a check of the kit's own (BadInput, CardInvalid, PacketDamaged,
# UnsupportedFormat). Anything else is a bug in the kit, and is left to surface.
UNREADABLE = (KitError, KeyError, TypeError, ValueError, AttributeError)


class RecordSource(Protocol):
    """A Vault, or a Workspace that shares one decrypted snapshot among repositories."""

    def snapshot(self) -> Snapshot: ...


def read_kind(source: RecordSource, kind: str | Collection[str], parse: Callable[[Record], T],
              unreadable: Callable[[Record], Problem]) -> tuple[dict[str, T], list[Problem]]:
    """Parse every record of *kind* (one kind, or several) in *source*'s snapshot.

    Returns the parsed records by record id, in snapshot order, and the problems: the
    snapshot's own, then `unreadable(record)` for each record *parse* raised one of UNREADABLE
    on. Such a record is left out and left as it is: never "repaired" by overwriting, since a
    newer kit may have written it.
    """
    from kit.vault.store import bulk_build  # here: see the TYPE_CHECKING import above

    kinds = (kind,) if isinstance(kind, str) else kind
    snap = source.snapshot()
    problems = list(snap.problems)  # a copy: the snapshot may be shared
    parsed: dict[str, T] = {}
    with bulk_build():  # thousands of parsed records, all kept: no collector rounds meanwhile
        for record in snap.records.values():
            if record.kind not in kinds:
                continue
            try:
                parsed[record.id] = parse(record)
            except UNREADABLE:
                problems.append(unreadable(record))
    return parsed, problems
