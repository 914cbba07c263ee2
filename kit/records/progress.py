"""Progress through the checklists: for each item, to do, done, not applicable or delegated to
someone named, with a private note, the date it was done and when to check it again.

There is one record per item id, updated in place. Two devices that each marked the same item
leave two records: the newest counts and the other is left as it is (never deleted to tidy up).
Progress for an item no longer in any checklist is kept too: an id is never reused, and the
item may come back (an organisation's folder put back in the config, say).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from kit.errors import UsageError
from kit.records.fields import stored_day, stored_stamp, stored_text
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault

KIND = "checklist_progress"
STATUSES: Final = ("todo", "done", "na", "delegated")
STATUS_LABELS: Final = {"todo": "To do", "done": "Done", "na": "Not applicable",
                        "delegated": "Delegated"}
MAX_NOTE = 10_000
MAX_NAME = 200
MAX_ITEM_ID = 64
MAX_RECHECK_DAYS = 730


@dataclass(frozen=True)
class ItemProgress:
    """Where one item stands. An item never marked is a `todo` with no id."""

    item_id: str
    status: str = "todo"
    note: str = ""
    delegated_to: str = ""
    done_on: date | None = None
    next_check: date | None = None
    updated: datetime | None = None
    id: str | None = None
    # Fields a newer kit wrote: kept and written back unchanged, so no save loses them.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def recheck_due(self, today: date) -> bool:
        """Done, with a re-check date that has come."""
        return self.status == "done" and self.next_check is not None and \
            self.next_check <= today

    def is_open(self, today: date) -> bool:
        """Still to do: never done, or done and due for its re-check. Not applicable and
        delegated items are not open (the delegate has it in hand)."""
        return self.status == "todo" or self.recheck_due(today)

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id, "status": self.status, "note": self.note,
            "delegated_to": self.delegated_to,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "next_check": self.next_check.isoformat() if self.next_check else None,
            "updated": self.updated.isoformat() if self.updated else None,
        }

    def _data(self) -> dict[str, Any]:
        return {**self.extra, **self.to_json()}


def _from_record(record: Record) -> ItemProgress:
    d = record.data
    item_id, status = stored_text(d["item"], "item"), stored_text(d["status"], "status")
    note = stored_text(d.get("note", ""), "note")
    delegated_to = stored_text(d.get("delegated_to", ""), "delegated_to")
    stamp = stored_stamp(d["updated"], "updated")
    known = {"item", "status", "note", "delegated_to", "done_on", "next_check", "updated"}
    # An unknown status (a newer kit's) is kept as it is: it shows, and is not open.
    return ItemProgress(item_id, status, note, delegated_to,
                        stored_day(d.get("done_on"), "done_on"),
                        stored_day(d.get("next_check"), "next_check"), stamp, record.id,
                        extra={k: v for k, v in d.items() if k not in known})


def _clean(text: str, what: str, limit: int) -> str:
    if not isinstance(text, str):
        raise UsageError(f"the {what} must be text")
    text = text.strip()
    if len(text) > limit:
        raise UsageError(f"the {what} is {len(text)} characters long; at most {limit} are "
                         "allowed")
    return text


def _check_name(name: str) -> str:
    name = _clean(name, "name", MAX_NAME)
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise UsageError("the name must be on one line, without control characters")
    return name


def _check_item_id(item_id: str) -> str:
    if not isinstance(item_id, str) or not item_id.strip() or len(item_id) > MAX_ITEM_ID:
        raise UsageError(f"{item_id!r} is not a checklist item id")
    return item_id.strip()


class ProgressLog:
    """Checklist progress in one vault, decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._current: dict[str, ItemProgress] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, ItemProgress]:
        if self._current is None:
            from kit.vault import Problem  # here: the CLI imports this module at start

            read, self.problems = read_kind(self.source, KIND, _from_record, lambda r: Problem(
                "unreadable_progress", f"a checklist progress record ({r.id}) has a shape this "
                "version of the kit cannot read; it was left untouched", r.id))
            current: dict[str, ItemProgress] = {}
            for progress in read.values():
                seen = current.get(progress.item_id)
                if seen is None or _newer(progress, seen):
                    current[progress.item_id] = progress
            self._current = current
        return self._current

    def all(self) -> dict[str, ItemProgress]:
        """Every item ever marked, by item id (items no longer in a checklist included)."""
        return dict(self._load())

    def get(self, item_id: str) -> ItemProgress:
        """The item's progress; a fresh `todo` when it was never marked."""
        return self._load().get(item_id) or ItemProgress(item_id)

    def mark(self, item_id: str, status: str, *, today: date, note: str | None = None,
             delegated_to: str | None = None, recheck_days: int | None = None) -> ItemProgress:
        """Set an item's status and save it.

        done: done on *today*, next checked *recheck_days* later (no re-check without it).
        delegated: needs the name of the person who has it in hand. todo, na and delegated
        clear the dates. A *note* of None keeps the note as it was; "" clears it.
        """
        item_id = _check_item_id(item_id)
        if status not in STATUSES:
            raise UsageError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        if isinstance(today, datetime) or not isinstance(today, date):
            raise UsageError("today must be a date")
        if recheck_days is not None and (
                isinstance(recheck_days, bool) or not isinstance(recheck_days, int)
                or not 1 <= recheck_days <= MAX_RECHECK_DAYS):
            raise UsageError(f"the re-check interval must be 1 to {MAX_RECHECK_DAYS} days, "
                             f"not {recheck_days!r}")
        name = ""
        if status == "delegated":
            name = _check_name(delegated_to or "")
            if not name:
                raise UsageError("say who has it in hand: delegating needs the person's name")
        elif delegated_to is not None and delegated_to.strip():
            raise UsageError("a name is given only when delegating (status delegated)")
        old = self.get(item_id)
        done = status == "done"
        changed = dataclasses.replace(
            old, status=status,
            note=old.note if note is None else _clean(note, "note", MAX_NOTE),
            delegated_to=name,
            done_on=today if done else None,
            next_check=today + timedelta(days=recheck_days) if done and recheck_days else None,
            updated=datetime.now(UTC))
        record = self.vault.put(KIND, changed._data(), record_id=old.id)
        saved = dataclasses.replace(changed, id=record.id)
        self._load()[item_id] = saved
        return saved


def _newer(a: ItemProgress, b: ItemProgress) -> bool:
    """Whether *a* was saved after *b* (ids break a tie, so every device picks the same)."""
    epoch = datetime.min.replace(tzinfo=UTC)
    return (a.updated or epoch, a.id or "") > (b.updated or epoch, b.id or "")
