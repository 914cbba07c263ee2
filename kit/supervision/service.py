"""Supervision, as the command line and the terminal app both use it.

One object over an unlocked workspace: this vault's identity card, its contacts, the share
builder, sealing and opening packets, session records and their countersignatures, the team
view, handover and retention. Sealing never writes anything by itself: `save()` writes the
packet file first and only then records what was sent, so a failed write leaves no trace of a
packet that never left.

Why one long module: it is the one door to supervision for the app and the command line, in
sections (identity, sharing, packets, records, responses, team); the rules it applies live in
the modules beside it (roles, times, share, team).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from kit.chosen_file import check_chosen_path, write_chosen_file
from kit.errors import BadInput, NotFound, PacketDamaged, PacketReplayed, UsageError
from kit.records.service_base import each_once
from kit.supervision import packets, share
from kit.supervision.cards import Card, check_fingerprint, make_card, parse_card
from kit.supervision.contacts import Contact
from kit.supervision.exchange import LoggedPacket, ReceivedShare
from kit.supervision.packets import Packet
from kit.supervision.records import (
    Action,
    Agreement,
    Response,
    Session,
    SupervisionDoc,
    Version,
    written_as_self,
)
from kit.supervision.roles import Roles, may_answer, may_edit, may_send, roles_of
from kit.supervision.schedule import local_zone
from kit.supervision.team import RosterRow, expired, roster
from kit.terminal_text import shown
from kit.vault.identity import age_identity, public_identity

if TYPE_CHECKING:
    from kit.records.exposure import Exposure
    from kit.supervision.contacts import Contacts
    from kit.supervision.exchange import PacketLog
    from kit.supervision.records import SupervisionRecords
    from kit.vault import Problem, Snapshot, Vault
    from kit.wellbeing.checkins import CheckIns
    from kit.wellbeing.library import Instruments

# How far ahead of this computer's clock a session time may be: another device's clock, or a
# record written as the session ends, can be a few minutes ahead.
HELD_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Sealed:
    """A packet sealed but not yet saved: `save()` writes it and records what was sent."""

    data: bytes
    packet: Packet
    to: Contact
    summary: str
    doc_id: str | None = None  # a record version being sent, or a response being made
    version: int | None = None
    response: Response | None = None


@dataclass(frozen=True)
class Opened:
    packet: Packet
    sender: Contact
    summary: str  # what opening it did, in one sentence
    doc: SupervisionDoc | None = None
    left_out: tuple[str, ...] = ()  # received records not kept, each with which and why


class Stores(Protocol):
    """The part of an unlocked workspace the service uses (kit.workspace.Workspace is one).
    The workspace sits above the feature packages, so the service names what it needs."""

    @property
    def checkins(self) -> CheckIns: ...
    @property
    def contacts(self) -> Contacts: ...
    @property
    def exposure(self) -> Exposure: ...
    @property
    def instruments(self) -> Instruments: ...
    @property
    def packet_log(self) -> PacketLog: ...
    @property
    def supervision(self) -> SupervisionRecords: ...
    @property
    def vault(self) -> Vault: ...  # to export a record (a plaintext file needs the passphrase)
    def snapshot(self) -> Snapshot: ...
    def transaction(self) -> AbstractContextManager[None]: ...


def supervision_for(workspace: Stores, time_zone: str | None,
                    clock: Callable[[], datetime] | None = None) -> Supervision:
    """The service as the app and the command line both build it: in the configured time zone
    (config.toml [supervision] time_zone, else this computer's). A configured name that is not
    a zone is refused (UsageError) in both, never silently replaced: follow-ups would land at
    the wrong hour."""
    zone = local_zone(time_zone)
    if clock is None:
        return Supervision(workspace, zone)
    return Supervision(workspace, zone, clock=clock)


class Supervision:
    def __init__(self, workspace: Stores, zone: ZoneInfo | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.workspace = workspace
        self.zone = zone or local_zone(None)
        self.clock = clock
        workspace.supervision.clock = clock

    @property
    def _records(self) -> Any:
        return self.workspace.snapshot().records

    def today(self) -> date:
        return self.clock().astimezone(self.zone).date()

    @property
    def problems(self) -> list[Problem]:
        """What could not be read among the contacts, supervision records and packets read so
        far, each once (each repository repeats the damage its snapshot names)."""
        return each_once(problem for repository in (self.workspace.contacts,
                                                    self.workspace.supervision,
                                                    self.workspace.packet_log)
                         for problem in repository.problems)

    # --- identity ---

    @property
    def fingerprint(self) -> str:
        return public_identity(self._records).fingerprint

    @property
    def recipient(self) -> str:
        """This vault's age recipient (age1...)."""
        return public_identity(self._records).recipient

    def me(self) -> Card:
        """This vault's identity card; UsageError until a name is set."""
        name, role, made = self.workspace.contacts.profile()
        if not name:
            raise UsageError("your identity card needs your name first: run "
                             "`kit id show --name \"Your Name\" --role \"Your role\"`")
        return make_card(self._records, name, role, made or self.today())

    def has_name(self) -> bool:
        """Whether this vault's identity card has its owner's name (me() works)."""
        return bool(self.workspace.contacts.profile().name)

    def set_me(self, name: str | None, role: str | None) -> Card:
        old_name, old_role, _made = self.workspace.contacts.profile()
        self.workspace.contacts.set_profile(name if name is not None else old_name,
                                            role if role is not None else old_role,
                                            self.today())
        return self.me()

    def add_contact(self, card_text: str, name: str, relation: str,
                    fingerprint: str | None) -> Contact:
        card = parse_card(card_text)
        if fingerprint is not None:
            check_fingerprint(card, fingerprint)
        return self.workspace.contacts.add(card_text, name, relation,
                                           verified=fingerprint is not None,
                                           own_fingerprint=self.fingerprint)

    def age_identity_text(self) -> str:
        """The private key in age's own identity-file form (AGE-SECRET-KEY-1...)."""
        return str(age_identity(self._records))

    def contact(self, who: str) -> Contact:
        return self.workspace.contacts.find(who)

    def _by_fingerprint(self, fingerprint: str) -> Contact:
        contact = self.workspace.contacts.by_fingerprint(fingerprint)
        if contact is None:
            raise NotFound(f"no contact with fingerprint {fingerprint}; add their identity "
                           "card as a contact first")
        return contact

    def name_of(self, fingerprint: str) -> str:
        if fingerprint == self.fingerprint:
            return self.workspace.contacts.profile().name or "me"
        contact = self.workspace.contacts.by_fingerprint(fingerprint)
        return contact.name if contact else fingerprint

    def names(self) -> dict[str, str]:
        found = {c.fingerprint: c.name for c in self.workspace.contacts.all()}
        found[self.fingerprint] = self.workspace.contacts.profile().name or "me"
        return found

    def contacts(self, *, archived: bool = False) -> list[Contact]:
        """Current contacts (with *archived*, those archived too)."""
        return list(self.workspace.contacts.all(archived=archived))

    # --- sharing (practitioner -> supervisor) ---

    def share_recipients(self) -> list[Contact]:
        """Whom a summary of one's own work may go to: current contacts, the supervisor(s)
        first, never the people one supervises (their summaries come the other way)."""
        return sorted((c for c in self.workspace.contacts.all(archived=False)
                       if c.relation != "supervisee"),
                      key=lambda c: c.relation != "supervisor")

    def sent(self) -> list[LoggedPacket]:
        """Packets sent from this vault, newest first."""
        return list(self.workspace.packet_log.sent())

    def shares_from(self, sender: Contact, packet_id: str | None = None) -> list[ReceivedShare]:
        """What *sender* shared with this vault (one packet, or all), newest first."""
        return [s for s in self.workspace.packet_log.shares() if s.sender == sender.fingerprint
                and (packet_id is None or s.packet_id == packet_id)]

    def last_share_to(self, contact: Contact) -> LoggedPacket | None:
        return next((e for e in self.workspace.packet_log.sent()
                     if e.packet.type == "share" and e.packet.recipient == contact.fingerprint),
                    None)

    def share_period(self, contact: Contact) -> tuple[datetime, datetime]:
        """Since the last share to *contact* (or 28 days back) until now."""
        now = self.clock()
        last = self.last_share_to(contact)
        last_end = None
        if last is not None:
            try:
                last_end = datetime.fromisoformat(str(last.packet.content.get("end")))
            except ValueError:
                last_end = last.packet.created
        start = share.default_start(last_end, now)
        return (start if start < now else now - timedelta(days=1)), now

    def share_fields(self, start: datetime, end: datetime) -> list[share.ShareField]:
        ws = self.workspace
        return share.candidate_fields(ws.exposure.entries(), ws.checkins.entries(),
                                      ws.instruments, start, end, zone=self.zone)

    def preview(self, contact: Contact, fields: Sequence[share.ShareField],
                chosen: Collection[str], note: str, start: datetime, end: datetime) -> str:
        return share.render(fields, chosen, note, self.me().name, contact.card.name, start,
                            end, zone=self.zone)

    def seal_share(self, contact: Contact, fields: Sequence[share.ShareField],
                   chosen: Collection[str], note: str, start: datetime,
                   end: datetime) -> Sealed:
        """The share exactly as previewed: the chosen fields and the rendered text."""
        text = self.preview(contact, fields, chosen, note, start, end)
        picked = share.chosen_fields(fields, chosen, note)
        if not picked:
            raise UsageError("nothing is ticked to share; choose at least one field or write a "
                             "note")
        content = {"start": start.isoformat(), "end": end.isoformat(),
                   "fields": [{"key": f.key, "label": f.label, "text": f.text} for f in picked],
                   "text": text}
        summary = "Shared: " + ", ".join(f.label for f in picked)
        return self._seal(contact, "share", content, summary)

    @staticmethod
    def _sendable(to: Contact) -> Contact:
        if to.archived:
            raise UsageError(f"{to.name} is archived; restore them with `kit supervision "
                             "archive --undo` before sending them anything")
        return to

    def _seal(self, to: Contact, packet_type: str, content: dict[str, Any], summary: str,
              **pending: Any) -> Sealed:
        self._sendable(to)
        data, packet = packets.seal(self._records, self.me(), to.card, packet_type, content,
                                    self.clock())
        return Sealed(data, packet, to, summary, **pending)

    def save(self, sealed: Sealed, path: Path, *, overwrite: bool = False) -> LoggedPacket:
        """Write the packet to *path* (never over an existing file unless *overwrite*), then
        record that it was sent (and what that means). A refused write records nothing."""
        check_chosen_path(path, overwrite=overwrite)
        self._check_pending(sealed)
        write_chosen_file(path, sealed.data, overwrite=overwrite)
        with self.workspace.transaction():  # what the packet means, and that it went: both
            records = self.workspace.supervision
            if sealed.packet.type == "record" and sealed.doc_id and sealed.version:
                records.mark_sent(sealed.doc_id, sealed.version, sealed.packet.id,
                                  sealed.packet.signed, sealed.packet.created)
            if sealed.packet.type == "response" and sealed.doc_id and sealed.version \
                    and sealed.response is not None:
                records.add_response(sealed.doc_id, sealed.version, sealed.response)
            return self.workspace.packet_log.record_sent(sealed.packet, sealed.to.name,
                                                         sealed.summary, self.clock())

    def _check_pending(self, sealed: Sealed) -> None:
        """Refuse, before the file is written, a packet whose sending could not be recorded
        afterwards: a file on disk that this vault does not know it sent could reach the other
        person and say something different from what is kept here."""
        if sealed.doc_id is None or sealed.version is None:
            return
        version = self._version(self.workspace.supervision.get(sealed.doc_id), sealed.version)
        if sealed.packet.type == "record":
            if version.digest != sealed.packet.content.get("digest"):
                raise UsageError(f"version {version.n} of the record changed after this packet "
                                 "was sealed; send the record again")
            if version.response is not None:
                raise UsageError(f"version {version.n} of the record already has a response; "
                                 "it is not sent again")
        if sealed.packet.type == "response" and version.response is not None \
                and version.response != sealed.response:
            raise UsageError(f"you already {version.response.decision} version {version.n} of "
                             "this record; this other answer was not saved")

    # --- opening ---

    def open(self, data: bytes) -> Opened:
        """Check a packet file's bytes and act on it: keep a share, a record version, a
        response, or a handover. Every refusal is its own error (kit.errors)."""
        packet = self._checked(data, self.workspace.packet_log.seen)
        sender = self._by_fingerprint(packet.sender.fingerprint)
        handlers = {"share": self._open_share, "record": self._open_record,
                    "response": self._open_response, "handover": self._open_handover}
        try:
            # One transaction: a packet is kept whole, with the note that it arrived, or not at
            # all (a handover's tenth record can fail after nine were stored).
            with self.workspace.transaction():
                opened = handlers[packet.type](packet, sender)
                self.workspace.packet_log.record_received(packet, sender.name, opened.summary,
                                                          self.clock())
        except (KeyError, TypeError, ValueError) as exc:
            raise PacketDamaged(f"this {packet.type} packet from {sender.name} is signed but "
                                f"its content is malformed ({shown(exc)}); it was not kept"
                                ) from None
        except (UsageError, BadInput) as exc:  # content that conflicts with what is kept here
            raise BadInput(f"this {packet.type} packet from {sender.name} was not kept: "
                           f"{exc.message}") from None
        return opened

    def _checked(self, data: bytes, seen: Callable[[str], bool]) -> Packet:
        """Decrypted, and checked for who it is from and to, and against *seen* ids."""
        def card_of(fingerprint: str) -> Card | None:
            contact = self.workspace.contacts.by_fingerprint(fingerprint)
            return contact.card if contact else None

        return packets.open_sealed(data, age_identity(self._records), self.fingerprint,
                                   card_of, seen)

    def record_to_answer(self, data: bytes) -> tuple[SupervisionDoc, str | None]:
        """The record a record packet carries, for accepting from the file: kept first if it
        is new (with what opening it said), or found if the file was opened here before (the
        usual way: open it to read it, then accept it)."""
        summary: str | None = None
        try:
            opened = self.open(data)
            packet, summary = opened.packet, opened.summary
        except PacketReplayed:
            packet = self._checked(data, lambda _packet_id: False)
        if packet.type != "record":
            raise UsageError(f"that file is a {packet.type} packet, not a supervision record "
                             "to accept" + (f" (it was opened: {summary})" if summary else ""))
        try:
            doc = self.workspace.supervision.get(packet.content["doc"])
            version = self._version(doc, int(packet.content["n"]))
        except (KeyError, TypeError, ValueError, NotFound):
            raise PacketDamaged("this record packet was opened here before, but the record it "
                                "carries is not in this vault as it was sent") from None
        if version.n != doc.latest.n:
            raise UsageError(f"that file holds version {version.n} of record {doc.short_id}, "
                             f"which is now at version {doc.latest.n}: open the newer file, "
                             "or accept by the record's id")
        return doc, summary

    def _open_share(self, packet: Packet, sender: Contact) -> Opened:
        fields = packet.content["fields"]
        if not isinstance(fields, list) or not isinstance(packet.content["text"], str):
            raise TypeError("fields and text")
        return Opened(packet, sender, f"A share from {sender.name} with "
                      f"{len(fields)} field{'s' if len(fields) != 1 else ''}, kept in your "
                      "vault.")

    def _open_record(self, packet: Packet, sender: Contact) -> Opened:
        c = packet.content
        if c["supervisor"] != sender.fingerprint or c["supervisee"] != self.fingerprint:
            raise ValueError("the record names other people than its sender and you")
        why = self._received_held(c["type"], c["content"], sender)
        if why is not None:
            raise BadInput(f"the session record {str(c['doc'])[:8]} was not kept: {why}")
        doc = self.workspace.supervision.store_received(
            c["doc"], c["type"], c["supervisor"], c["supervisee"], int(c["n"]), c["content"],
            c["digest"], packet.id, packet.signed, packet.created)
        what = "supervision agreement" if doc.type == "agreement" else "session record"
        return Opened(packet, sender, f"{sender.name}'s {what} (version {shown(c['n'])}) is "
                      "kept in your vault.", doc)

    def _open_response(self, packet: Packet, sender: Contact) -> Opened:
        c = packet.content
        doc = self.workspace.supervision.get(c["doc"])
        if doc.supervisor != self.fingerprint or doc.supervisee != sender.fingerprint:
            raise ValueError("the response is about a record between other people")
        version = self._version(doc, int(c["n"]))
        if version.digest != c["digest"]:
            raise ValueError("it answers a version of the record that differs from yours")
        response = Response(decision=str(c["decision"]), comment=str(c["comment"]),
                            at=packet.created, late=bool(c["late"]), packet_id=packet.id,
                            signed=packet.signed)
        saved = self.workspace.supervision.add_response(doc.id, version.n, response)
        how = "accepted" if response.decision == "accepted" else "commented on"
        return Opened(packet, sender, f"{sender.name} {how} version {version.n} of the record"
                      f"{' (after the comment window)' if response.late else ''}.", saved)

    def _open_handover(self, packet: Packet, sender: Contact) -> Opened:
        c = packet.content
        card = parse_card(c["supervisee_card"])
        records = self.workspace.supervision
        docs = c["documents"]
        if not isinstance(docs, list):
            raise TypeError("documents")
        # Checked before anything is kept: a handover is about one person, and must not slip in
        # records about anyone else (this vault's other supervisees, or this vault itself).
        if any(not isinstance(item, dict) or item["supervisee"] != card.fingerprint
               for item in docs):
            raise ValueError("a record in it is about someone other than the person handed over")
        contact = self.workspace.contacts.by_fingerprint(card.fingerprint)
        if contact is None:
            contact = self.workspace.contacts.add(
                c["supervisee_card"], self._free_name(str(c["supervisee_name"])), "supervisee",
                verified=False, own_fingerprint=self.fingerprint)
        elif contact.relation != "supervisee" or contact.archived:
            # A colleague (or someone who left) who now comes to you for supervision.
            contact = self.workspace.contacts.update(contact, relation="supervisee",
                                                     archived=False)
        # A session record held at a time still to come is left out, said by name; the
        # others are kept (refusing all of them for one would lose the rest).
        left_out: list[str] = []
        for item in list(docs):
            latest = max(item["versions"], key=lambda v: int(v["n"]))
            why = self._received_held(item["type"], latest["content"], sender)
            if why is not None:
                left_out.append(f"the session record {str(item['id'])[:8]} was not kept: {why}.")
                docs.remove(item)
        for item in docs:
            for v in item["versions"]:
                # A version the supervisee was sent keeps its own packet, signature and time;
                # a draft stays a draft (the handover itself is kept in the packet log).
                sent = bool(v.get("sent_at"))
                records.store_received(item["id"], item["type"], item["supervisor"],
                                       item["supervisee"], int(v["n"]), v["content"],
                                       v["digest"], v.get("packet_id") or packet.id,
                                       v.get("signed") or packet.signed,
                                       datetime.fromisoformat(v["sent_at"] if sent
                                                              else v["created"]),
                                       sent=sent)
                if v.get("response"):
                    r = v["response"]
                    records.add_response(item["id"], int(v["n"]), Response(
                        decision=r["decision"], comment=r["comment"],
                        at=datetime.fromisoformat(r["at"]), late=bool(r["late"]),
                        packet_id=r["packet_id"], signed=r["signed"]))
        return Opened(packet, sender, f"{sender.name} handed {contact.name}'s supervision "
                      f"over to you: {len(docs)} record{'s' if len(docs) != 1 else ''} kept. "
                      f"Check {contact.name}'s fingerprint with them before sending them "
                      "anything." + "".join(f" Note: {n[0].upper()}{n[1:]}" for n in left_out),
                      left_out=tuple(left_out))

    def _free_name(self, name: str) -> str:
        taken = {c.name.casefold() for c in self.workspace.contacts.all()}
        candidate, n = name, 2
        while candidate.casefold() in taken:
            candidate, n = f"{name} ({n})", n + 1
        return candidate

    # --- records (supervisor) ---

    def records(self) -> list[SupervisionDoc]:
        """Every agreement and session record kept here."""
        return list(self.workspace.supervision.all())

    def record(self, doc_id: str) -> SupervisionDoc:
        return self.workspace.supervision.get(doc_id)

    def agreement_for(self, supervisee: Contact) -> SupervisionDoc | None:
        """The agreement with *supervisee* in force, if there is one."""
        return self.workspace.supervision.agreement_for(supervisee.fingerprint)

    def incident_sessions(self, supervisee: Contact, *, but: str | None = None
                          ) -> list[SupervisionDoc]:
        """The sessions after an incident a follow-up with *supervisee* can follow."""
        return [d for d in self.workspace.supervision.sessions_for(supervisee.fingerprint)
                if d.session.type == "post-incident" and d.id != but]

    @staticmethod
    def _version(doc: SupervisionDoc, n: int) -> Version:
        found = next((v for v in doc.versions if v.n == n), None)
        if found is None:
            raise NotFound(f"record {doc.id[:8]} has no version {n}")
        return found

    def supervisee(self, who: str) -> Contact:
        contact = self.contact(who)
        if contact.relation != "supervisee":
            raise UsageError(f"{contact.name} is recorded as {contact.relation!r}, not as "
                             "someone you supervise (add them with --relation supervisee)")
        return contact

    def add_agreement(self, supervisee: Contact, agreement: Agreement) -> SupervisionDoc:
        existing = self.workspace.supervision.agreement_for(supervisee.fingerprint)
        # One handed over from their last supervisor stays theirs: yours is a new agreement.
        if existing is not None and existing.supervisor == self.fingerprint:
            return self.workspace.supervision.revise(existing.id, agreement)
        return self.workspace.supervision.create_agreement(self.fingerprint,
                                                           supervisee.fingerprint, agreement)

    def _still_to_come(self, held: datetime) -> str | None:
        """Why a session held at *held* cannot be recorded yet, or None if it can.

        A session is recorded once it has taken place: a time still to come (beyond a few
        minutes of clock difference) is a typing slip, or a wrong clock, that would show as
        the last session and set the next one due from the future. The one rule for a record
        written here and for one received (a record packet, a handover)."""
        now = self.clock()
        if held <= now + HELD_SKEW:
            return None
        return (f"held {held.astimezone(self.zone):%d %b %Y, %H:%M}, a time still to come (it "
                f"is now {now.astimezone(self.zone):%d %b %Y, %H:%M}), and a record is of a "
                "session that has taken place")

    def _held_already(self, session: Session) -> Session:
        why = self._still_to_come(session.held)
        if why is not None:
            raise UsageError(f"the session was {why}: check the date and time")
        return session

    def _received_held(self, doc_type: str, content: object, sender: Contact) -> str | None:
        """Why a received record (its latest version's *content*) cannot be kept, or None."""
        if doc_type != "session":
            return None
        why = self._still_to_come(Session.from_json(content).held)
        return None if why is None else (
            f"it says it was {why}. Ask {sender.name} to correct the time and send it again")

    def _owners_named(self, session: Session, known: Collection[str]) -> Session:
        """A new action's owner typed as "me" ("myself", "I") is kept as the person's name:
        the supervisee, and any later supervisor the record is handed to, would read "me" as
        themselves. Actions in *known* (carried forward or already in the record) keep what
        their own record says."""
        if not any(a.id not in known and written_as_self(a.owner) for a in session.actions):
            return session
        name = self.workspace.contacts.profile().name
        if not name:
            raise UsageError("an action's owner was written as \"me\", and your own name is "
                             "not set yet: write the person's name instead")
        return replace(session, actions=tuple(
            replace(a, owner=name) if a.id not in known and written_as_self(a.owner) else a
            for a in session.actions))

    def add_session(self, supervisee: Contact, session: Session) -> SupervisionDoc:
        session = self._owners_named(session, {a.id for a in self.carried_forward(supervisee)})
        return self.workspace.supervision.create_session(
            self.fingerprint, supervisee.fingerprint, self._held_already(session))

    def _written_by_me(self, doc: SupervisionDoc) -> SupervisionDoc:
        if not may_edit(doc, self.fingerprint):
            raise UsageError("only the supervisor who wrote this record can change it; to "
                             "answer it, use `kit supervision accept` or `comment`")
        return doc

    def revise(self, doc: SupervisionDoc, content: Agreement | Session) -> SupervisionDoc:
        """A change: in place while unsent, otherwise a new version to send again."""
        if isinstance(content, Session):
            self._held_already(content)
            if doc.type == "session":
                content = self._owners_named(content, {a.id for a in doc.session.actions})
        return self.workspace.supervision.revise(self._written_by_me(doc).id, content)

    def set_action(self, action_id: str, status: str) -> SupervisionDoc:
        """Mark an agreed action done, dropped or open, in records this vault wrote."""
        # The record that would change, whatever the action's status: checking only open
        # actions let a supervisee reopen a closed one in the supervisor's record.
        doc, _action = self.workspace.supervision.action_holder(action_id)
        self._written_by_me(doc)
        return self.workspace.supervision.set_action(action_id, status)

    def carried_forward(self, supervisee: Contact) -> tuple[Action, ...]:
        return self.workspace.supervision.carried_forward(supervisee.fingerprint)

    def latest_share_from(self, supervisee: Contact) -> ReceivedShare | None:
        return next((s for s in self.workspace.packet_log.shares()
                     if s.sender == supervisee.fingerprint), None)

    def send_record(self, doc: SupervisionDoc) -> Sealed:
        """Seal the record's latest version to the supervisee."""
        if not may_edit(doc, self.fingerprint):
            raise UsageError("only the supervisor who wrote a record sends it; to answer it, "
                             "use `kit supervision accept` or `kit supervision comment`")
        if not may_send(doc, self.fingerprint):
            raise UsageError(f"version {doc.latest.n} of this record was already answered; "
                             "change the record to make a new version to send")
        to = self._by_fingerprint(doc.supervisee)
        v = doc.latest
        content = {"doc": doc.id, "type": doc.type, "supervisor": doc.supervisor,
                   "supervisee": doc.supervisee, "n": v.n, "content": v.content,
                   "digest": v.digest}
        what = "Agreement" if doc.type == "agreement" else "Session record"
        return self._seal(to, "record", content, f"{what} {doc.id[:8]}, version {v.n}",
                          doc_id=doc.id, version=v.n)

    # --- responses (supervisee) ---

    def comment_deadline(self, doc: SupervisionDoc) -> datetime | None:
        """When the agreed window for answering the latest version closes."""
        return self.workspace.supervision.comment_deadline(doc.id, doc.latest.n)

    def respond(self, doc: SupervisionDoc, comment: str, *, late_ok: bool = False) -> Sealed:
        """Countersign the latest version: accept it (no comment) or comment on it."""
        v = doc.latest
        if not may_answer(doc, self.fingerprint):  # the rule; below, the reason in words
            if doc.supervisee != self.fingerprint:
                raise UsageError("you wrote this record; the person it is about answers it")
            if v.signed is None:
                raise UsageError("this version was never sent to you, so there is nothing to "
                                 "answer")
            decision = v.response.decision if v.response is not None else "answered"
            raise UsageError(f"you already {decision} version {v.n} of this record")
        comment = comment.strip()
        if len(comment) > 20_000:
            raise UsageError("a comment can be at most 20,000 characters")
        now = self.clock()
        deadline = self.comment_deadline(doc)
        late = deadline is not None and now > deadline
        if late and not late_ok:
            assert deadline is not None
            raise UsageError(f"the window for answering closed on "
                             f"{deadline.astimezone(self.zone):%d %b %Y, %H:%M}; add --late to "
                             "send your answer anyway, marked as late")
        decision = "commented" if comment else "accepted"
        content = {"doc": doc.id, "n": v.n, "digest": v.digest, "decision": decision,
                   "comment": comment, "late": late}
        to = self._sendable(self._by_fingerprint(doc.supervisor))
        data, packet = packets.seal(self._records, self.me(), to.card, "response", content, now)
        response = Response(decision=decision, comment=comment, at=packet.created, late=late,
                            packet_id=packet.id, signed=packet.signed)
        summary = f"{decision.capitalize()} record {doc.id[:8]}, version {v.n}"
        return Sealed(data, packet, to, summary, doc_id=doc.id, version=v.n, response=response)

    # --- team (supervisor) ---

    def roles(self) -> Roles:
        """Whether this vault's owner supervises anyone, and has a supervisor of their own."""
        return roles_of(self.workspace.contacts.all())

    def supervisees(self, *, archived: bool = False) -> list[Contact]:
        return [c for c in self.workspace.contacts.all(archived=archived)
                if c.relation == "supervisee"]

    def team(self) -> list[RosterRow]:
        return roster(self.supervisees(), self.workspace.supervision.all(),
                      self.workspace.packet_log.shares(), self.clock(), self.zone)

    def actions(self, *, overdue: bool = False) -> list[tuple[SupervisionDoc, Action]]:
        """Open actions of each person's latest session; not those of people who have left."""
        gone = {c.fingerprint for c in self.workspace.contacts.all() if c.archived}
        return [(doc, action) for doc, action in
                self.workspace.supervision.actions(self.today(), overdue_only=overdue)
                if doc.supervisee not in gone]

    def archive(self, contact: Contact, archived: bool = True) -> Contact:
        return self.workspace.contacts.update(contact, archived=archived)

    def handover(self, supervisee: Contact, to: Contact) -> Sealed:
        """Every record about *supervisee*, with their card, sealed to another supervisor."""
        if to.fingerprint == supervisee.fingerprint:
            raise UsageError("hand a supervisee's records to their new supervisor, not to them")
        docs = self.workspace.supervision.for_supervisee(supervisee.fingerprint)
        # Drafts go too (the new supervisor needs the whole history), and arrive as drafts.
        drafts = self.unsent_drafts(supervisee)
        summary = f"Handover of {supervisee.name}'s records ({len(docs)}"
        if drafts:
            summary += f"; {drafts} with a draft never sent to {supervisee.name}"
        summary += ")"
        content = {"supervisee_card": supervisee.card.text(), "supervisee_name": supervisee.name,
                   "documents": [d.to_json() for d in docs]}
        return self._seal(to, "handover", content, summary)

    def unsent_drafts(self, supervisee: Contact) -> int:
        """How many of the supervisee's records end in a version they were never sent."""
        return sum(1 for d in self.workspace.supervision.for_supervisee(supervisee.fingerprint)
                   if not d.latest.sent)

    def expired(self, months: int) -> list[SupervisionDoc]:
        if months <= 0:
            raise UsageError("no retention period is set, so every record is kept (the "
                             "default: retention_months = 0 in config.toml [supervision]). "
                             "Set retention_months there, or give --months N")
        return expired(self.workspace.supervision.all(), self.clock(), months)

    def delete_records(self, docs: Sequence[SupervisionDoc]) -> int:
        self.workspace.supervision.delete([d.id for d in docs])
        return len(docs)

