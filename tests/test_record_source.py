"""read_kind: the one loop by which a repository reads its kind of record from a snapshot."""

from __future__ import annotations

import pytest

from kit.errors import BadInput
from kit.records.source import read_kind
from kit.vault import Problem, Record, Snapshot


class _Source:
    """A RecordSource that hands out one fixed snapshot, as a Workspace does."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def snapshot(self) -> Snapshot:
        return self.snap


def _count(record: Record) -> int:
    n = record.data["n"]
    if not isinstance(n, int):
        raise TypeError("n must be a whole number")
    if n < 0:
        raise BadInput("a count cannot be negative")  # a check of the kit's own
    return n


def _unreadable(record: Record) -> Problem:
    return Problem("unreadable_count", f"count {record.id} cannot be read", record.id)


def _record(record_id: str, kind: str, data: dict[str, object]) -> Record:
    return Record(record_id, 1, kind, data)


def test_an_unreadable_record_is_reported_by_id_left_out_and_left_as_it_is() -> None:
    damaged = Problem("record_damaged", "record z could not be decrypted", "z")
    records = [_record("e", "tally", {"n": 5}), _record("a", "count", {"n": 1}),
               _record("b", "count", {}), _record("x", "other", {"n": "not a count"}),
               _record("c", "count", {"n": "two"}), _record("d", "count", {"n": -1})]
    snap = Snapshot(7, {r.id: r for r in records}, [damaged])

    read, problems = read_kind(_Source(snap), ("count", "tally"), _count, _unreadable)

    assert list(read.items()) == [("e", 5), ("a", 1)]  # by id, in snapshot order
    assert problems == [damaged, *(_unreadable(snap.records[i]) for i in "bcd")]
    assert [p.record_id for p in problems] == ["z", "b", "c", "d"]
    assert snap.problems == [damaged]  # the shared snapshot's own list is not added to
    assert snap.records["b"].data == {} and snap.records["c"].data == {"n": "two"}


def test_one_kind_given_as_text_is_matched_whole() -> None:
    snap = Snapshot(1, {"a": _record("a", "count", {"n": 1}), "b": _record("b", "co", {"n": 2})})

    read, problems = read_kind(_Source(snap), "count", _count, _unreadable)

    assert read == {"a": 1}
    assert problems == []


def test_an_error_that_is_not_about_the_record_still_surfaces() -> None:
    snap = Snapshot(1, {"a": _record("a", "count", {"n": 1})})

    def broken(record: Record) -> int:
        return int(record.data["n"]) // 0  # a bug in the kit, not a record it cannot read

    with pytest.raises(ZeroDivisionError):
        read_kind(_Source(snap), "count", broken, _unreadable)
