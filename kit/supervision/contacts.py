"""Colleagues' identity cards, kept in the vault, and this vault's own name and role.

A contact is a card plus what this vault knows about the person: the name you call them by,
whether they are your supervisor, someone you supervise, or another colleague, whether you
checked their fingerprint with them, and whether they have left (archived, kept for the record).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

from kit.errors import NotFound, UsageError
from kit.records.exposure import Choice
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


def _from_record(record: Record) -> Contact:
    data = record.data
    added = datetime.fromisoformat(data["added"])
    if added.tzinfo is None:
        raise ValueError("time without a zone")
    return Contact(record.id, str(data["name"]), check_relation(data["relation"]),
                   parse_card(data["card"]), bool(data["verified"]), bool(data["archived"]),
                   added)


class Contacts:
    """The people this vault exchanges packets with."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._contacts: dict[str, Contact] | None = None
        self._profile_id: str | None = None
        self._profile: tuple[str, str, date | None] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, Contact]:
        if self._contacts is None:
            from kit.vault import Problem

            snap = self.source.snapshot()
            self.problems = list(snap.problems)
            self._contacts = {}
            for record in snap.records.values():
                if record.kind == PROFILE_KIND:
                    self._profile_id = record.id
                    made = record.data.get("made")
                    self._profile = (str(record.data.get("name", "")),
                                     str(record.data.get("role", "")),
                                     date.fromisoformat(made) if isinstance(made, str) else None)
                if record.kind != KIND:
                    continue
                try:
                    self._contacts[record.id] = _from_record(record)
                except Exception:  # a card that no longer checks is reported, never rewritten
                    self.problems.append(Problem(
                        "unreadable_contact", f"contact {record.id} cannot be read by this "
                        "version of the kit; it was left untouched", record.id))
        return self._contacts

    # --- this vault's own name and role, for its card ---

    def profile(self) -> tuple[str, str, date | None]:
        """(name, role, the day the card was made) as last saved; ("", "", None) before the
        first `kit id show --name`."""
        self._load()
        return self._profile or ("", "", None)

    def set_profile(self, name: str, role: str, today: date) -> tuple[str, str, date | None]:
        """Save the name and role for this vault's card; the card is remade when they change."""
        name = check_label(name, "name", MAX_NAME, required=True)
        role = check_label(role, "role", MAX_ROLE, required=False)
        old = self.profile()
        made = old[2] if old[:2] == (name, role) and old[2] else today
        existing = [r.id for r in self.source.snapshot().records.values()
                    if r.kind == PROFILE_KIND]
        record_id = existing[0] if existing else None
        if self._profile_id is not None:
            record_id = self._profile_id
        record = self.vault.put(PROFILE_KIND,
                                {"name": name, "role": role, "made": made.isoformat()},
                                record_id=record_id)
        self._profile_id = record.id
        self._profile = (name, role, made)
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
