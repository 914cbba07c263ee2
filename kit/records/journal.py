"""The reflective journal: the vault's first kind of record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, NamedTuple

from kit.errors import UsageError
from kit.records.fields import stored_stamp, stored_text, stored_texts
from kit.records.ids import by_prefix
from kit.records.prompts import PROMPT_QUESTIONS
from kit.records.source import RecordSource, read_kind
from kit.vault import Problem, Record, Vault

KIND = "journal"
MAX_TAG_LENGTH = 40
SHORT_ID = 8


class JournalEntry(NamedTuple):
    """One entry. A tuple rather than a frozen dataclass: a load builds thousands."""

    id: str
    created: datetime
    updated: datetime
    text: str
    tags: tuple[str, ...] = ()
    mood: int | None = None

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def title(self) -> str:
        """For lists: the first line the person wrote. The headings a reflective prompt seeds
        an entry with are passed over, or every entry started from one would share a title."""
        lines = [line.strip() for line in self.text.splitlines() if line.strip()]
        if not lines:
            return "(empty)"
        own = next((line for line in lines if line not in PROMPT_QUESTIONS), lines[0])
        return own[:80]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
            "text": self.text,
            "tags": list(self.tags),
            "mood": self.mood,
        }

    def _data(self) -> dict[str, Any]:
        data = self.to_json()
        del data["id"]
        return data


_parse_stamp = datetime.fromisoformat
_new_entry = tuple.__new__  # JournalEntry's fields in order, without NamedTuple's Python call
_NO_TAGS: list[str] = []  # never changed: only read, then copied into a tuple
_CREATED_THEN_ID = itemgetter(1, 0)  # (entry.created, entry.id), made in C: the sort's key


def _from_record(record: Record) -> JournalEntry:
    """The entry a record holds. Strict, so that one odd entry is left out with a warning
    (kit.records.source.read_kind) rather than breaking a sort or a screen.

    An unlock reads every entry through here, so the usual case is checked inline; a field of
    the wrong type goes to the kit.records.fields helper that names what is wrong."""
    d = record.data
    raw_created, raw_updated, text = d["created"], d["updated"], d["text"]
    tags, mood = d.get("tags", _NO_TAGS), d.get("mood")
    if type(raw_created) is not str:
        stored_text(raw_created, "created")
    if type(text) is not str:
        stored_text(text, "text")
    if type(tags) is not list:
        stored_texts(tags, "tags")
    for tag in tags:
        if type(tag) is not str:
            stored_texts(tags, "tags")
    created = _parse_stamp(raw_created)
    if created.tzinfo is None:
        raise ValueError("created has no time zone")
    updated = created if raw_updated == raw_created else stored_stamp(raw_updated, "updated")
    if mood is not None and (type(mood) is not int or not 0 <= mood <= 10):
        raise ValueError("mood must be a whole number from 0 to 10")
    return _new_entry(JournalEntry, (record.id, created, updated, text, tuple(tags), mood))


def _search_text(entry: JournalEntry) -> str:
    """What a search looks in: the text and the tags as #tag, case-folded."""
    return (entry.text + "\n#" + " #".join(entry.tags)).casefold()


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Lower-case, trimmed, unique tags in the order given."""
    out: list[str] = []
    for raw in tags:
        tag = raw.strip().lstrip("#").lower()
        if not tag:
            raise UsageError("a tag cannot be empty")
        if len(tag) > MAX_TAG_LENGTH or any(ch.isspace() for ch in tag):
            raise UsageError(f"tag {raw!r} must be one word of at most {MAX_TAG_LENGTH} characters")
        if tag not in out:
            out.append(tag)
    return tuple(out)


def check_mood(mood: int | None) -> int | None:
    if mood is not None and not 0 <= mood <= 10:
        raise UsageError(f"mood must be a whole number from 0 to 10, not {mood}")
    return mood


def check_entry_text(text: str) -> str:
    if not text.strip():
        raise UsageError("the entry is empty; nothing was saved")
    return text


class Journal:
    """Journal entries in one vault. Entries are decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._entries: dict[str, JournalEntry] | None = None
        # What search() looks in, by entry id: built at the first search, not at the load
        # (a tenth of an unlock's time at 10,000 entries), then kept up to date by writes.
        self._lowered: dict[str, str] | None = None
        self._ordered: list[JournalEntry] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, JournalEntry]:
        if self._entries is None:
            self._entries, self.problems = read_kind(
                self.source, KIND, _from_record, lambda r: Problem(
                    "unreadable_journal", f"journal entry {r.id} has a shape this version of "
                    "the kit cannot read; it was left untouched", r.id))
            self._lowered = None
            self._ordered = None
        return self._entries

    def _remember(self, entry: JournalEntry) -> None:
        assert self._entries is not None
        self._entries[entry.id] = entry
        if self._lowered is not None:
            self._lowered[entry.id] = _search_text(entry)
        self._ordered = None

    def _search_texts(self) -> dict[str, str]:
        if self._lowered is None:
            self._lowered = {key: _search_text(e) for key, e in self._load().items()}
        return self._lowered

    def _newest_first(self) -> list[JournalEntry]:
        # Kept between calls: searching as you type must not re-sort 10,000 entries per key.
        if self._ordered is None:
            self._ordered = sorted(self._load().values(), key=_CREATED_THEN_ID, reverse=True)
        return self._ordered

    def add(self, text: str, tags: Sequence[str] = (), mood: int | None = None,
            when: datetime | None = None) -> JournalEntry:
        now = when or datetime.now(UTC)
        entry = JournalEntry("", now, now, check_entry_text(text), normalize_tags(tags),
                             check_mood(mood))
        self._load()  # before the write: a snapshot read after it may not hold it
        record = self.vault.put(KIND, entry._data())
        saved = entry._replace(id=record.id)
        self._remember(saved)
        return saved

    def count(self) -> int:
        return len(self._load())

    def entries(self) -> list[JournalEntry]:
        """All entries, newest first."""
        return list(self._newest_first())

    def get(self, id_or_prefix: str) -> JournalEntry:
        return by_prefix(self._load(), id_or_prefix, "journal entry",
                         problems=self.problems)

    def search(self, query: str,
               within: Sequence[JournalEntry] | None = None) -> list[JournalEntry]:
        """Entries containing every word of *query* (case-insensitive; #tag matches tags),
        newest first. *within* narrows the search to earlier hits (see `refines`)."""
        terms = query.casefold().split()
        if not terms:
            raise UsageError("give at least one word to search for")
        lowered = self._search_texts()
        pool = self._newest_first() if within is None else within
        # One plain comprehension per word over indexes into the texts: much faster in CPython
        # than all() over a generator, and it makes no tuple per entry (at 10,000 entries, the
        # tuples alone set off hundreds of the garbage collector's rounds a search).
        texts = [lowered.get(e.id, "") for e in pool]
        hits: Sequence[int] = range(len(texts))
        for term in terms:
            hits = [i for i in hits if term in texts[i]]
        return [pool[i] for i in hits]

    def edit(self, id_or_prefix: str, text: str | None = None,
             tags: Sequence[str] | None = None, mood: int | None = None,
             clear_mood: bool = False) -> JournalEntry:
        entry = self.get(id_or_prefix)
        changed = entry._replace(
            text=check_entry_text(text) if text is not None else entry.text,
            tags=normalize_tags(tags) if tags is not None else entry.tags,
            mood=None if clear_mood else (check_mood(mood) if mood is not None else entry.mood),
            updated=datetime.now(UTC),
        )
        self.vault.put(KIND, changed._data(), record_id=entry.id)
        self._remember(changed)
        return changed

    def delete(self, id_or_prefix: str) -> JournalEntry:
        entry = self.get(id_or_prefix)
        self.vault.delete(entry.id)
        assert self._entries is not None
        del self._entries[entry.id]
        if self._lowered is not None:
            del self._lowered[entry.id]
        self._ordered = None
        return entry


def refines(earlier: str, later: str) -> bool:
    """True when every entry matching *later* also matches *earlier* (each earlier word is
    inside some later word), so typing on can search only the earlier hits."""
    old_terms, new_terms = earlier.casefold().split(), later.casefold().split()
    return bool(old_terms) and all(any(o in n for n in new_terms) for o in old_terms)
