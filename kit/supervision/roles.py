"""Who someone is in supervision, from their contacts: one rule for every place that asks.

A vault's owner supervises when someone they supervise is among their current contacts, and is
supervised when their own supervisor is. Both can be true (a supervisor with a supervisor of
their own). The app shows each person the actions their roles allow, by this rule, on the
Supervision screen and in the command palette alike. Who may edit, send or answer one record
is here too: the service refuses by these rules, and the app shows only the buttons they allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Protocol

SUPERVISEE: Final = "supervisee"
SUPERVISOR: Final = "supervisor"


class ContactLike(Protocol):
    """A contact as the rule needs it (kit.supervision.contacts.Contact)."""

    @property
    def relation(self) -> str: ...
    @property
    def archived(self) -> bool: ...


@dataclass(frozen=True)
class Roles:
    supervises: bool  # someone they supervise is a current contact
    supervised: bool  # their own supervisor is a current contact

    @property
    def supervises_only(self) -> bool:
        """Supervises others and has no supervisor of their own among the contacts."""
        return self.supervises and not self.supervised


def roles_of(contacts: Iterable[ContactLike]) -> Roles:
    """The roles these contacts give; people archived (who have left) do not count."""
    current = [c.relation for c in contacts if not c.archived]
    return Roles(supervises=SUPERVISEE in current, supervised=SUPERVISOR in current)


# --- who may do what with one record: the app's buttons and the service's refusals ---


class VersionLike(Protocol):
    @property
    def signed(self) -> object: ...
    @property
    def response(self) -> object: ...


class RecordLike(Protocol):
    """A record as the rules need it (kit.supervision.records.SupervisionDoc)."""

    @property
    def supervisor(self) -> str: ...
    @property
    def supervisee(self) -> str: ...
    @property
    def latest(self) -> VersionLike: ...


def may_edit(doc: RecordLike, me: str) -> bool:
    """Only the supervisor who wrote a record changes it (and marks its actions)."""
    return doc.supervisor == me


def may_send(doc: RecordLike, me: str) -> bool:
    """Its writer sends the latest version, until the supervisee has answered it (a change
    after that is a new version, sent again)."""
    return may_edit(doc, me) and doc.latest.response is None


def may_answer(doc: RecordLike, me: str) -> bool:
    """The supervisee answers (accepts or comments on) a version sent to them, once."""
    return (doc.supervisee == me and doc.latest.signed is not None
            and doc.latest.response is None)
