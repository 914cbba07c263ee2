"""Finding a record by the first characters of its id, as people type them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from kit.errors import NotFound, RecordDamaged, UsageError

if TYPE_CHECKING:
    # For typing only: kit.vault brings in the crypto stack, and modules the CLI imports at
    # start (kit.records.exposure) import this one.
    from kit.vault import Problem

T = TypeVar("T")
MIN_PREFIX = 4
SHORT_ID = 8

# What each of the snapshot's findings means for one record, in the words `show` uses. Other
# problems (a shape this kit cannot read, ...) are told in their own message.
_DAMAGE = {
    "damaged_record": "its encrypted data does not check out: it was altered or swapped",
    "missing_record": "it is missing from vault.sqlite, though the vault's record list names it",
    "stale_record": "an older copy of it was put back",
    "unexpected_record": "it was put into vault.sqlite from outside the kit",
}


def by_prefix(records: Mapping[str, T], id_or_prefix: str, what: str, *,
              problems: Iterable[Problem]) -> T:
    """The one record whose id starts with *id_or_prefix*; *what* names it in errors
    ("journal entry", "check-in").

    *problems* are those the repository's load found. An id that names a record the vault
    holds but cannot give back (damaged, deleted behind the kit's back, an old copy put back,
    or of a shape this kit cannot read) is RecordDamaged, not NotFound: the record exists, and
    the person must hear that it is damaged rather than that it never was.
    """
    prefix = id_or_prefix.strip().lower()
    if len(prefix) < MIN_PREFIX:
        raise UsageError(f"give at least the first {MIN_PREFIX} characters of the {what}'s id")
    damaged: dict[str, Problem] = {}
    for problem in problems:
        rid = problem.record_id
        if rid is not None and rid not in records and rid.startswith(prefix):
            damaged.setdefault(rid, problem)
    matches = [key for key in records if key.startswith(prefix)] + list(damaged)
    if not matches:
        raise NotFound(f"no {what} with id {id_or_prefix!r}")
    if len(matches) > 1:
        ids = ", ".join(key[:SHORT_ID] for key in matches[:5])
        raise UsageError(f"{id_or_prefix!r} matches several of them ({ids}); give more of it")
    if matches[0] in damaged:
        problem = damaged[matches[0]]
        reason = _DAMAGE.get(problem.code, problem.message)
        raise RecordDamaged(
            f"record {matches[0][:SHORT_ID]} is damaged ({reason}), so it cannot be shown or "
            "changed. Nothing was changed; run `kit vault verify` to see all the damage, then "
            "restore from a backup", matches[0])
    return records[matches[0]]
