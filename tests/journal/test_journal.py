"""The journal repository, through its public API on a real vault."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kit.errors import NotFound, UsageError
from kit.records.journal import Journal, normalize_tags
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE


def test_add_list_reopen(vault: Vault, vault_path: Path) -> None:
    journal = Journal(vault)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(5):
        journal.add(f"entry {n}", ["t"], n, when=base + timedelta(days=n))
    vault.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        listed = Journal(again).entries()
    assert [e.text for e in listed] == [f"entry {n}" for n in range(4, -1, -1)]
    assert listed[0].mood == 4 and listed[0].tags == ("t",)
    assert listed[0].created == base + timedelta(days=4)


def test_search_matches_all_words_case_insensitively(vault: Vault) -> None:
    journal = Journal(vault)
    a = journal.add("Supervision helped with the Difficult case")
    journal.add("A difficult morning")
    c = journal.add("unrelated", ["supervision"])
    assert [e.id for e in journal.search("difficult supervision")] == [a.id]
    assert {e.id for e in journal.search("#supervision")} == {c.id}
    assert {e.id for e in journal.search("SUPERVISION")} == {a.id, c.id}
    with pytest.raises(UsageError):
        journal.search("   ")


def test_edit_and_delete(vault: Vault) -> None:
    journal = Journal(vault)
    entry = journal.add("draft", ["a"], 5)
    edited = journal.edit(entry.short_id, text="final", tags=["b"], clear_mood=True)
    assert (edited.text, edited.tags, edited.mood) == ("final", ("b",), None)
    assert edited.created == entry.created and edited.updated >= entry.updated
    assert journal.search("final")[0].id == entry.id and not journal.search("draft")
    journal.delete(entry.id)
    assert journal.entries() == []
    with pytest.raises(NotFound):
        journal.get(entry.id)


def test_ids_by_prefix(vault: Vault) -> None:
    journal = Journal(vault)
    entry = journal.add("one")
    assert journal.get(entry.id[:4].upper()).id == entry.id
    with pytest.raises(UsageError):
        journal.get(entry.id[:3])
    with pytest.raises(NotFound):
        journal.get("zzzzzzzz")


def test_validation() -> None:
    assert normalize_tags(["Work", "#work", " home "]) == ("work", "home")
    with pytest.raises(UsageError):
        normalize_tags(["two words"])
    with pytest.raises(UsageError):
        normalize_tags(["x" * 41])


def test_invalid_mood_and_empty_text_save_nothing(vault: Vault) -> None:
    journal = Journal(vault)
    with pytest.raises(UsageError):
        journal.add("x", mood=11)
    with pytest.raises(UsageError):
        journal.add(" \n ")
    assert journal.entries() == []


def test_blobs_round_trip(vault: Vault) -> None:
    data = bytes(range(256)) * 1000  # 256 000 bytes: four chunks
    info = vault.put_blob(data)
    assert info.chunks == 4 and info.size == len(data)
    assert vault.get_blob(info.id) == data
    empty = vault.put_blob(b"")
    assert vault.get_blob(empty.id) == b""
    assert vault.verify() == []


def test_text_that_cannot_be_utf8_is_refused_cleanly(vault: Vault) -> None:
    from kit.errors import BadInput

    journal = Journal(vault)
    with pytest.raises(BadInput):
        journal.add("broken \udcff surrogate")
    assert journal.entries() == []
    assert vault.verify() == []


def test_refines_only_when_every_earlier_word_is_inside_a_later_word() -> None:
    from kit.records.journal import refines

    assert refines("sup", "super")
    assert refines("court", "court visit")
    assert refines("vis court", "court visits")
    assert not refines("super", "sup")  # shorter: more entries may match
    assert not refines("court", "visit")
    assert not refines("", "anything")


def test_search_within_earlier_hits_equals_a_full_search(vault) -> None:  # type: ignore[no-untyped-def]
    from kit.records.journal import Journal

    journal = Journal(vault)
    for text in ("court hearing today", "courtyard lunch", "supervision notes",
                 "court visit went well", "Court: adjourned"):
        journal.add(text)
    first = journal.search("cour")
    assert [e.text for e in journal.search("court v", within=first)] == \
        [e.text for e in journal.search("court v")] == ["court visit went well"]
    journal.delete(first[0].id)  # a stale earlier hit is skipped, not resurrected
    assert first[0] not in journal.search("cour", within=first)


def test_an_entry_started_from_a_prompt_is_titled_by_what_was_written(vault: Vault) -> None:
    from kit.records.prompts import prompt_set

    journal = Journal(vault)
    headings = prompt_set("cycle").questions
    written = journal.add(f"{headings[0]}\n\nThe Tuesday visit overran.\n\n{headings[1]}\n\n"
                          "Tired.\n")
    unanswered = journal.add(prompt_set("hard-day").as_text())
    plain = journal.add("Short day.\nNothing more.")
    assert written.title == "The Tuesday visit overran."
    assert unanswered.title == "What stayed with me today?"  # nothing written yet
    assert plain.title == "Short day."
