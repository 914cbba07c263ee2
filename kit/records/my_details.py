"""Your own details, kept to fill in letters: the name a site knows you by and where replies
should go. Encrypted like every other record; nothing here is shared until you send a letter.

There is one set of details, saved over in place (kit/records/latest.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kit.records.fields import check_text, stored_stamp, stored_text
from kit.records.incidents import MAX_SHORT
from kit.records.latest import LatestRecord, StoredSet

if TYPE_CHECKING:
    from kit.vault import Record

KIND = "my_details"
MAX_REPLY_TO = 1000  # an email address, or a postal address over a few lines


@dataclass(frozen=True)
class Details(StoredSet):
    """An unsaved, empty set of details has no id and no updated time."""

    name: str = ""
    reply_to: str = ""  # an email or postal address for replies
    updated: datetime | None = None
    id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "reply_to": self.reply_to,
                "updated": self.updated.isoformat() if self.updated else None}



def check_details(details: Details) -> Details:
    return dataclasses.replace(
        details,
        name=check_text("name", details.name, MAX_SHORT, one_line=True),
        reply_to=check_text("reply-to address", details.reply_to, MAX_REPLY_TO))


def _from_record(record: Record) -> Details:
    d = record.data
    return Details(stored_text(d.get("name", ""), "name"),
                   stored_text(d.get("reply_to", ""), "reply_to"),
                   stored_stamp(d["updated"], "updated"), record.id,
                   {k: v for k, v in d.items() if k not in ("name", "reply_to", "updated")})


class MyDetails(LatestRecord[Details]):
    """Your saved details in one vault."""

    KIND = KIND
    PROBLEM = "unreadable_details"
    UNREADABLE = ("your saved details ({id}) have a shape this version of the kit cannot read; "
                  "they were left untouched")

    def empty(self) -> Details:
        return Details()

    def parse(self, record: Record) -> Details:
        return _from_record(record)

    def check(self, details: Details) -> Details:
        return check_details(details)
