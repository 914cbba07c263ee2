"""How the journal reads its entries at unlock: each field checked inline, so every shape
the kit cannot read is left out and named while the rest load; and the search text, built at
the first search rather than at the load, kept in step with every write before and after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kit.records.journal import Journal
from kit.vault import Vault

STAMP = "2026-01-02T03:04:05+00:00"
GOOD: dict[str, Any] = {"created": STAMP, "updated": STAMP, "text": "kept", "tags": ["a"],
                        "mood": 4}
ODD: dict[str, dict[str, Any]] = {
    "created missing": {"created": None},
    "created a number": {"created": 20260102, "updated": 20260102},
    "created without a time zone": {"created": "2026-01-02T03:04:05",
                                    "updated": "2026-01-02T03:04:05"},
    "created not a time": {"created": "yesterday", "updated": "yesterday"},
    "updated not a time": {"updated": "later"},
    "updated without a time zone": {"updated": "2026-01-03T00:00:00"},
    "text a number": {"text": 7},
    "text missing": {"text": None},
    "tags not a list": {"tags": "a"},
    "a tag not text": {"tags": ["a", 3]},
    "mood true": {"mood": True},
    "mood eleven": {"mood": 11},
    "mood as text": {"mood": "4"},
}


@pytest.mark.parametrize("change", ODD.values(), ids=ODD.keys())
def test_an_entry_of_a_shape_the_kit_cannot_read_is_named_and_the_rest_load(
        vault: Vault, change: dict[str, Any]) -> None:
    kept = vault.put("journal", GOOD)
    data = {**GOOD, **change}
    odd = vault.put("journal", {k: v for k, v in data.items() if v is not None})
    journal = Journal(vault)
    entries = journal.entries()
    assert [e.id for e in entries] == [kept.id]
    assert (entries[0].text, entries[0].tags, entries[0].mood) == ("kept", ("a",), 4)
    assert entries[0].created == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert [(p.code, p.record_id) for p in journal.problems] == [("unreadable_journal", odd.id)]


def test_an_entry_without_tags_or_mood_reads_as_none_given(vault: Vault) -> None:
    record = vault.put("journal", {"created": STAMP, "updated": "2026-01-03T00:00:00+01:00",
                                   "text": "plain"})
    (entry,) = Journal(vault).entries()
    assert (entry.id, entry.tags, entry.mood) == (record.id, (), None)
    assert entry.updated == datetime(2026, 1, 2, 23, tzinfo=UTC)


def test_search_stays_in_step_with_writes_before_and_after_the_first_search(
        vault: Vault) -> None:
    journal = Journal(vault)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    early = journal.add("Kestrel over the field", when=base)
    gone = journal.add("a kestrel again", when=base + timedelta(days=1))
    journal.edit(early.id, text="Kestrel over the FIELD, hovering")
    journal.delete(gone.id)
    assert [e.id for e in journal.search("kestrel hovering")] == [early.id]  # the first search
    later = journal.add("one more KESTREL", ["Birds"], when=base + timedelta(days=2))
    assert [e.id for e in journal.search("kestrel")] == [later.id, early.id]
    journal.edit(early.id, text="nothing to see")
    assert [e.id for e in journal.search("kestrel")] == [later.id]
    assert [e.id for e in journal.search("#birds")] == [later.id]
    journal.delete(later.id)
    assert journal.search("kestrel") == []
    assert [e.id for e in Journal(vault).search("nothing")] == [early.id]  # as read from disk


def test_entries_are_newest_first_with_ties_broken_by_id(vault: Vault) -> None:
    journal = Journal(vault)
    when = datetime(2026, 3, 1, tzinfo=UTC)
    same = [journal.add(f"tie {n}", when=when) for n in range(4)]
    newest = journal.add("newest", when=when + timedelta(seconds=1))
    listed = [e.id for e in Journal(vault).entries()]
    assert listed == [newest.id, *sorted((e.id for e in same), reverse=True)]
