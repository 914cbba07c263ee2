"""Colleagues' identity cards, kept in the vault, and this vault's own name and role.

A contact is a card plus what this vault knows about the person: the name you call them by,
whether they are your supervisor, someone you supervise, or another colleague, whether you
checked their fingerprint with them, and whether they have left (archived, kept for the record).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from kit.errors import NotFound, UsageError
from kit.records.fields import Choice, stored_day, stored_stamp, stored_text
from kit.records.source import read_kind
from kit.supervision.cards import MAX_NAME, MAX_ROLE, Card, check_label, parse_card

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.vault import Problem, Record, Vault

KIND = "contact"
PROFILE_KIND = "identity_profile"
RELATIONS: Final = (
    Choice("supervisor", "My supervisor"),
    Choice("supervisee", "Someone I supervise"),
    Choice("colleague", "A colleague"),
)


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    relation: str
    card: Card
    verified: bool
    archived: bool
    added: datetime

    @property
    def fingerprint(self) -> str:
        return self.card.fingerprint

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "relation": self.relation,
                "card_name": self.card.name, "role": self.card.role,
                "fingerprint": self.fingerprint, "age_recipient": self.card.recipient,
                "verified": self.verified, "archived": self.archived,
                "added": self.added.isoformat()}

    def _data(self) -> dict[str, Any]:
        return {"name": self.name, "relation": self.relation, "card": self.card.text(),
                "verified": self.verified, "archived": self.archived,
                "added": self.added.isoformat()}


def check_relation(relation: str) -> str:
    if relation not in {c.value for c in RELATIONS}:
        allowed = ", ".join(c.value for c in RELATIONS)
        raise UsageError(f"relation {relation!r} is not one of: {allowed}")
    return relation


class Profile(NamedTuple):
    """This vault's own name and role, for its card, and the day the card was made."""

    name: str
    role: str
    made: date | None


def _from_record(record: Record) -> Contact | Profile:
    """A contact, or this vault's profile; TypeError, ValueError, KeyError or a card's own
    error for a shape this kit cannot read (read_kind reports it and leaves it as it is)."""
    data = record.data
    if record.kind == PROFILE_KIND:
        return Profile(stored_text(data["name"], "name"), stored_text(data["role"], "role"),
                       stored_day(data.get("made"), "made"))
    return Contact(record.id, stored_text(data["name"], "name"),
                   check_relation(stored_text(data["relation"], "relation")),
                   parse_card(stored_text(data["card"], "card")), bool(data["verified"]),
                   bool(data["archived"]), stored_stamp(data["added"], "added"))


class Contacts:
    """The people this vault exchanges packets with."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._contacts: dict[str, Contact] | None = None
        self._profile_id: str | None = None
        self._profile: Profile | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, Contact]:
        if self._contacts is None:
            from kit.vault import Problem  # here: the CLI imports this module at start

            def unreadable(r: Record) -> Problem:
                what = (f"contact {r.id}" if r.kind == KIND else
                        f"the record of this vault's own name and role ({r.id})")
                return Problem(f"unreadable_{r.kind}", f"{what} cannot be read by this version "
                               "of the kit; it was left untouched", r.id)

            read, self.problems = read_kind(self.source, (KIND, PROFILE_KIND), _from_record,
                                            unreadable)
            self._contacts = {}
            for record_id, found in read.items():
                if isinstance(found, Profile):  # one; were there ever two, the last read
                    self._profile_id, self._profile = record_id, found
                else:
                    self._contacts[record_id] = found
        return self._contacts

    # --- this vault's own name and role, for its card ---

    def profile(self) -> Profile:
        """(name, role, the day the card was made) as last saved; ("", "", None) before the
        first `kit id show --name`."""
        self._load()
        return self._profile or Profile("", "", None)

    def set_profile(self, name: str, role: str, today: date) -> Profile:
        """Save the name and role for this vault's card; the card is remade when they change.
        A profile this kit cannot read is left as it is (a newer kit may have written it):
        the new one is saved beside it."""
        name = check_label(name, "name", MAX_NAME, required=True)
        role = check_label(role, "role", MAX_ROLE, required=False)
        old = self.profile()
        made = old.made if (old.name, old.role) == (name, role) and old.made else today
        record = self.vault.put(PROFILE_KIND,
                                {"name": name, "role": role, "made": made.isoformat()},
                                record_id=self._profile_id)
        self._profile_id = record.id
        self._profile = Profile(name, role, made)
        return self._profile

    # --- colleagues ---

    def all(self, *, archived: bool = True) -> list[Contact]:
        """Contacts by name; archived ones too unless *archived* is False."""
        found = [c for c in self._load().values() if archived or not c.archived]
        return sorted(found, key=lambda c: (c.name.casefold(), c.id))

    def by_fingerprint(self, fingerprint: str) -> Contact | None:
        return next((c for c in self._load().values() if c.fingerprint == fingerprint), None)

    def find(self, who: str) -> Contact:
        """A contact by the name you gave them (any case) or by the start of a fingerprint."""
        wanted = who.strip().casefold()
        by_name = [c for c in self._load().values() if c.name.casefold() == wanted]
        if by_name:
            return by_name[0]
        digits = wanted.replace(" ", "")
        if len(digits) >= 8:
            by_key = [c for c in self._load().values()
                      if c.fingerprint.replace(" ", "").startswith(digits)]
            if len(by_key) == 1:
                return by_key[0]
        names = ", ".join(c.name for c in self.all()) or "none yet"
        raise NotFound(f"no one called {who!r} in your contacts (you have: {names}). "
                       "Add someone with `kit id add`.")

    def add(self, card_text: str, name: str, relation: str, *, verified: bool,
            own_fingerprint: str) -> Contact:
        """Check *card_text* and record it under *name*. The card must be new to this vault."""
        card = parse_card(card_text)
        name = check_label(name, "name", MAX_NAME, required=True)
        relation = check_relation(relation)
        if card.fingerprint == own_fingerprint:
            raise UsageError("that is this vault's own card; add a colleague's card instead")
        known = self.by_fingerprint(card.fingerprint)
        if known is not None:
            raise UsageError(f"that card is already in your contacts, as {known.name!r}")
        if any(c.name.casefold() == name.casefold() for c in self._load().values()):
            raise UsageError(f"you already have a contact called {name!r}; choose another name")
        contact = Contact("", name, relation, card, verified, False, datetime.now(UTC))
        record = self.vault.put(KIND, contact._data())
        saved = dataclasses.replace(contact, id=record.id)
        self._load()[saved.id] = saved
        return saved

    def update(self, contact: Contact, *, verified: bool | None = None,
               archived: bool | None = None, relation: str | None = None) -> Contact:
        changed = dataclasses.replace(
            contact,
            verified=contact.verified if verified is None else verified,
            archived=contact.archived if archived is None else archived,
            relation=contact.relation if relation is None else check_relation(relation))
        self.vault.put(KIND, changed._data(), record_id=contact.id)
        self._load()[contact.id] = changed
        return changed

    def delete(self, contact: Contact) -> None:
        self.vault.delete(contact.id)
        del self._load()[contact.id]
