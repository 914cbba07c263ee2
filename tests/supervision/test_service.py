"""The Supervision service in-process, over three real vaults (practitioner Ana, supervisor Bo,
another supervisor Cy) and a clock the test moves: handover, late answers, who may change a
record, conflicting and replayed answers, forged record packets, archived contacts, the share
period, what save() leaves behind when it fails, retention and TRiM follow-ups."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kit.errors import BadInput, NotFound, PacketDamaged, PacketReplayed, UsageError
from kit.supervision import packets
from kit.supervision.contacts import Contact
from kit.supervision.records import Agreement, Session, SupervisionDoc, digest_of, new_action
from kit.supervision.service import Opened, Sealed, Supervision
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday, in GMT


class Person:
    """One vault, unlocked, with the service over it and the shared clock."""

    def __init__(self, folder: Path, name: str, role: str, now: list[datetime]) -> None:
        vault, _recovery = Vault.create(folder / name.split()[0].lower(), PASSPHRASE, "minimum")
        self.ws = Workspace(vault)
        self.sv = Supervision(self.ws, LONDON, clock=lambda: now[0])
        self.sv.set_me(name, role)
        self.folder = folder

    @property
    def fpr(self) -> str:
        return self.sv.fingerprint

    def knows(self, other: Person, name: str, relation: str, *,
              verified: bool = True) -> Contact:
        return self.sv.add_contact(other.sv.me().text(), name, relation,
                                   other.fpr if verified else None)

    def save(self, sealed: Sealed) -> Path:
        path = self.folder / f"{sealed.packet.type}-{sealed.packet.id[:8]}.age"
        self.sv.save(sealed, path)
        return path

    def send(self, sealed: Sealed, to: Person) -> Opened:
        """Save the packet here and open the file there, as two people would."""
        return to.sv.open(self.save(sealed).read_bytes())

    def doc(self, doc_id: str) -> SupervisionDoc:
        return self.ws.supervision.get(doc_id)


@dataclass
class Team:
    now: list[datetime]
    ana: Person
    bo: Person
    cy: Person
    folder: Path

    def at(self, when: datetime) -> None:
        self.now[0] = when


@pytest.fixture
def team(kit_env: Path, tmp_path: Path) -> Iterator[Team]:
    now = [START]
    folder = tmp_path / "out"
    folder.mkdir()
    ana = Person(tmp_path, "Ana Practitioner", "Social worker", now)
    bo = Person(tmp_path, "Bo Supervisor", "Team manager", now)
    cy = Person(tmp_path, "Cy Supervisor", "Team manager", now)
    for p in (ana, bo, cy):
        p.folder = folder
    bo.knows(ana, "Ana", "supervisee")
    bo.knows(cy, "Cy", "colleague")
    ana.knows(bo, "Bo", "supervisor")
    cy.knows(bo, "Bo", "colleague")
    yield Team(now, ana, bo, cy, folder)
    for p in (ana, bo, cy):
        p.ws.close()


def routine(held: datetime, **changes: Any) -> Session:
    return Session(held=held, attendees=("Ana", "Bo"), type="routine", **changes)


def sent_agreement(t: Team, window: int = 5) -> SupervisionDoc:
    """Bo makes an agreement with Ana and sends it; Ana opens it."""
    doc = t.bo.sv.add_agreement(t.bo.sv.contact("Ana"),
                                Agreement(frequency_days=28, comment_window_days=window,
                                          confidentiality="Safety of practice comes first"))
    t.bo.send(t.bo.sv.send_record(doc), t.ana)
    return t.bo.doc(doc.id)


def sent_session(t: Team, session: Session) -> SupervisionDoc:
    """Bo records a session with Ana and sends it; Ana opens it."""
    doc = t.bo.sv.add_session(t.bo.sv.contact("Ana"), session)
    t.bo.send(t.bo.sv.send_record(doc), t.ana)
    return t.bo.doc(doc.id)


def history(doc: SupervisionDoc) -> list[tuple[Any, ...]]:
    """What both copies of a record must agree on, version by version."""
    return [(v.n, v.content, v.digest, v.packet_id, v.signed, v.response) for v in doc.versions]


# --- handover ---


def ana_with_bo(t: Team) -> list[SupervisionDoc]:
    """An agreement and two sessions, the first answered by Ana, the second not yet."""
    agreement = sent_agreement(t)
    first = sent_session(t, routine(START - timedelta(days=14), impact="Tired",
                                    actions=(new_action("Book a break", "Ana"),)))
    t.ana.send(t.ana.sv.respond(t.ana.doc(first.id), "Fair summary"), t.bo)
    second = sent_session(t, routine(START - timedelta(hours=2), coping="Walks"))
    docs = [t.bo.doc(d.id) for d in (agreement, first, second)]
    assert [d.status for d in docs] == ["sent", "commented", "sent"]
    return docs


def test_handover_gives_the_new_supervisor_every_record_and_answer(team: Team) -> None:
    t = team
    docs = ana_with_bo(t)
    handed = t.bo.save(t.bo.sv.handover(t.bo.sv.contact("Ana"), t.bo.sv.contact("Cy")))
    opened = t.cy.sv.open(handed.read_bytes())
    assert "Ana" in opened.summary and "3 records" in opened.summary

    ana = t.cy.sv.contact("Ana")
    assert ana.fingerprint == t.ana.fpr
    assert ana.relation == "supervisee" and ana.verified is False
    held = {d.id: d for d in t.cy.ws.supervision.for_supervisee(t.ana.fpr)}
    assert set(held) == {d.id for d in docs}
    for doc in docs:
        mine = held[doc.id]
        assert (mine.type, mine.supervisor, mine.supervisee) == (doc.type, t.bo.fpr, t.ana.fpr)
        assert history(mine) == history(doc)
    answered = held[docs[1].id].latest.response
    assert answered is not None and answered.comment == "Fair summary"

    rows = t.cy.sv.team()
    assert [r.name for r in rows] == ["Ana"]
    assert rows[0].last_session == START - timedelta(hours=2)
    assert rows[0].open_actions == 0  # the latest session has none
    assert rows[0].next_due == (START - timedelta(hours=2)).date() + timedelta(days=28)

    # The records stay Bo's: Cy can read them but not rewrite what Bo wrote.
    with pytest.raises(UsageError, match="only the supervisor"):
        t.cy.sv.revise(held[docs[2].id], routine(START, coping="Changed by Cy"))
    # And the same handover cannot be opened twice.
    with pytest.raises(PacketReplayed):
        t.cy.sv.open(handed.read_bytes())
    # Cy's own agreement with Ana, made later, is a new record written by Cy, and in force.
    t.now[0] += timedelta(days=1)
    mine = t.cy.sv.add_agreement(ana, Agreement(frequency_days=14))
    assert mine.id not in held and mine.supervisor == t.cy.fpr
    in_force = t.cy.ws.supervision.agreement_for(t.ana.fpr)
    assert in_force is not None and in_force.id == mine.id


def test_handover_brings_drafts_as_drafts_and_says_so(team: Team) -> None:
    """What Ana was never sent (a new session, the second version of the agreement) goes to
    the new supervisor as a draft, not as if it had gone out; what was sent keeps its times."""
    t = team
    agreement, first, second = ana_with_bo(t)
    t.now[0] += timedelta(hours=1)
    draft = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(t.now[0], impact="Not sent"))
    t.bo.sv.revise(agreement, Agreement(frequency_days=14))  # version 2, a draft
    sealed = t.bo.sv.handover(t.bo.sv.contact("Ana"), t.bo.sv.contact("Cy"))
    assert sealed.summary == "Handover of Ana's records (4; 2 with a draft never sent to Ana)"
    t.bo.send(sealed, t.cy)
    held = {d.id: d for d in t.cy.ws.supervision.all()}
    assert set(held) == {agreement.id, first.id, second.id, draft.id}
    assert held[draft.id].status == "draft" and held[agreement.id].status == "draft"
    for doc_id, mine in held.items():
        theirs = t.bo.doc(doc_id)
        assert [(v.n, v.digest, v.sent_at, v.packet_id) for v in mine.versions] == [
            (v.n, v.digest, v.sent_at, v.packet_id) for v in theirs.versions]


def test_handover_with_a_name_already_taken_gets_a_free_name(team: Team) -> None:
    t = team
    other = Person(t.folder.parent, "Dee Other", "Nurse", t.now)
    try:
        t.cy.knows(other, "Ana", "supervisee")  # a different person Cy calls Ana
        ana_with_bo(t)
        opened = t.bo.send(t.bo.sv.handover(t.bo.sv.contact("Ana"), t.bo.sv.contact("Cy")),
                           t.cy)
        assert "Ana (2)" in opened.summary
        assert t.cy.sv.contact("Ana").fingerprint == other.fpr
        assert t.cy.sv.contact("ana (2)").fingerprint == t.ana.fpr
        assert [r.name for r in t.cy.sv.team()] == ["Ana", "Ana (2)"]
    finally:
        other.ws.close()


def test_handover_of_records_about_someone_else_is_refused(team: Team) -> None:
    """A handover names one supervisee; a record in it about anyone else is not kept."""
    t = team
    docs = ana_with_bo(t)
    documents = [d.to_json() for d in docs]
    documents[0]["supervisee"] = t.cy.fpr  # a record about Cy herself
    content = {"supervisee_card": t.ana.sv.me().text(), "supervisee_name": "Ana",
               "documents": documents}
    text = packets.signed_text(t.bo.ws.snapshot().records, t.bo.sv.me(), t.cy.sv.me(),
                               "handover", content, t.now[0])
    with pytest.raises(PacketDamaged):
        t.cy.sv.open(packets.encrypt(text, t.cy.sv.me()))
    assert t.cy.ws.supervision.all() == []
    assert [c.name for c in t.cy.sv.supervisees()] == []


def test_a_handover_that_fails_part_way_keeps_nothing(team: Team) -> None:
    """Opening a handover is one transaction: a record that cannot be kept, after others were,
    leaves no records, no new contact and no note of the packet behind."""
    t = team
    docs = ana_with_bo(t)
    documents = [d.to_json() for d in docs]
    clash = documents[1] | {"versions": [dict(documents[1]["versions"][0])]}
    clash["versions"][0]["content"] = clash["versions"][0]["content"] | {"impact": "Changed"}
    clash["versions"][0]["digest"] = digest_of(clash["versions"][0]["content"])
    content = {"supervisee_card": t.ana.sv.me().text(), "supervisee_name": "Ana",
               "documents": [*documents, clash]}  # the same record again, altered
    text = packets.signed_text(t.bo.ws.snapshot().records, t.bo.sv.me(), t.cy.sv.me(),
                               "handover", content, t.now[0])
    with pytest.raises(BadInput, match="was not kept"):
        t.cy.sv.open(packets.encrypt(text, t.cy.sv.me()))
    for ws in (t.cy.ws, Workspace(t.cy.ws.vault)):  # what is cached, and what is on disk
        assert ws.supervision.all() == []
        assert [c.name for c in ws.contacts.all()] == ["Bo"]
        assert ws.packet_log.received() == []
    # The whole handover, sent properly, is kept.
    t.bo.send(t.bo.sv.handover(t.bo.sv.contact("Ana"), t.bo.sv.contact("Cy")), t.cy)
    assert len(t.cy.ws.supervision.all()) == 3


def test_a_record_file_opened_before_can_still_be_answered_from_the_file(team: Team) -> None:
    t = team
    sent_agreement(t)
    doc = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(START, impact="Long week"))
    first = t.bo.save(t.bo.sv.send_record(doc))
    # New: opened and kept, with what opening it said.
    found, summary = t.ana.sv.record_to_answer(first.read_bytes())
    assert found.id == doc.id
    assert summary == "Bo's session record (version 1) is kept in your vault."
    # Opened before (to read it): found, not refused as a replay, and not kept twice.
    again, summary = t.ana.sv.record_to_answer(first.read_bytes())
    assert again.id == doc.id and summary is None
    assert len(t.ana.ws.packet_log.received()) == 2  # the agreement and this record
    # Once a newer version has arrived, the old file says so.
    t.bo.sv.revise(t.bo.doc(doc.id), routine(START, impact="Long week, then better"))
    t.bo.send(t.bo.sv.send_record(t.bo.doc(doc.id)), t.ana)
    with pytest.raises(UsageError, match=r"version 1 of record .* now at version 2"):
        t.ana.sv.record_to_answer(first.read_bytes())
    # A packet of another kind is not a record to accept.
    bo = t.ana.sv.contact("Bo")
    start, end = t.ana.sv.share_period(bo)
    share_file = t.ana.save(t.ana.sv.seal_share(bo, [], ["note"], "A note", start, end))
    with pytest.raises(UsageError, match="share packet, not a supervision record"):
        t.bo.sv.record_to_answer(share_file.read_bytes())


# --- answers: in time, late, twice, replayed ---


def test_a_late_answer_needs_late_ok_and_is_marked_late_on_both_sides(team: Team) -> None:
    t = team
    agreement = sent_agreement(t, window=2)
    deadline = t.ana.sv.comment_deadline(t.ana.doc(agreement.id))
    assert deadline == START + timedelta(days=2)

    t.at(START + timedelta(days=2))  # the last moment of the window is still in time
    on_time = t.ana.sv.respond(t.ana.doc(agreement.id), "")
    assert on_time.response is not None and on_time.response.late is False

    t.at(START + timedelta(days=3))
    with pytest.raises(UsageError, match="04 Nov 2026, 09:00") as refused:
        t.ana.sv.respond(t.ana.doc(agreement.id), "I missed the window")
    assert "--late" in refused.value.message
    assert t.ana.doc(agreement.id).latest.response is None  # refusing kept nothing

    late = t.ana.sv.respond(t.ana.doc(agreement.id), "I missed the window", late_ok=True)
    opened = t.ana.send(late, t.bo)
    assert "after the comment window" in opened.summary
    for side in (t.ana, t.bo):
        response = side.doc(agreement.id).latest.response
        assert response is not None
        assert (response.decision, response.late) == ("commented", True)
        assert response.comment == "I missed the window"


def test_a_session_is_answered_within_the_agreements_window(team: Team) -> None:
    t = team
    sent_agreement(t, window=2)
    t.at(START + timedelta(days=10))
    session = sent_session(t, routine(START + timedelta(days=9)))
    t.at(START + timedelta(days=11, hours=23))
    assert t.ana.sv.respond(t.ana.doc(session.id), "").response is not None
    t.at(START + timedelta(days=12, minutes=1))
    with pytest.raises(UsageError, match="window"):
        t.ana.sv.respond(t.ana.doc(session.id), "")


def test_a_second_different_answer_is_refused_and_the_same_one_is_a_replay(
        team: Team) -> None:
    t = team
    doc = sent_session(t, routine(START - timedelta(hours=1)))
    accept = t.ana.sv.respond(t.ana.doc(doc.id), "")
    dispute = t.ana.sv.respond(t.ana.doc(doc.id), "That is not what I said")
    first = t.ana.save(accept)
    t.bo.sv.open(first.read_bytes())
    received = len(t.bo.ws.packet_log.received())

    with pytest.raises(BadInput, match="not kept"):
        t.bo.sv.open(dispute.data)
    kept = t.bo.doc(doc.id).latest.response
    assert kept is not None and kept.decision == "accepted"
    assert not t.bo.ws.packet_log.seen(dispute.packet.id)
    assert len(t.bo.ws.packet_log.received()) == received

    with pytest.raises(PacketReplayed):
        t.bo.sv.open(first.read_bytes())
    assert len(t.bo.ws.packet_log.received()) == received


def test_saving_a_second_answer_writes_no_file(team: Team) -> None:
    """Ana's vault records the first answer; a second packet for the same version must not be
    left on disk, where it could reach Bo instead of the first."""
    t = team
    doc = sent_session(t, routine(START - timedelta(hours=1)))
    accept = t.ana.sv.respond(t.ana.doc(doc.id), "")
    dispute = t.ana.sv.respond(t.ana.doc(doc.id), "That is not what I said")
    t.ana.save(accept)
    sent = len(t.ana.ws.packet_log.sent())
    path = t.folder / "second.age"
    with pytest.raises(UsageError, match="already"):
        t.ana.sv.save(dispute, path)
    assert not path.exists()
    assert len(t.ana.ws.packet_log.sent()) == sent
    response = t.ana.doc(doc.id).latest.response
    assert response is not None and response.decision == "accepted"


def test_saving_a_record_sealed_before_its_draft_changed_writes_no_file(team: Team) -> None:
    t = team
    doc = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(START, impact="First draft"))
    sealed = t.bo.sv.send_record(doc)
    t.bo.sv.revise(t.bo.doc(doc.id), routine(START, impact="Second draft"))  # in place: v1
    path = t.folder / "stale.age"
    with pytest.raises(UsageError, match="changed"):
        t.bo.sv.save(sealed, path)
    assert not path.exists() and not t.bo.doc(doc.id).latest.sent
    assert t.bo.ws.packet_log.sent() == []


# --- who may change a record ---


def test_only_the_supervisor_revises_a_record_or_sets_its_actions(team: Team) -> None:
    t = team
    action = new_action("Refer to occupational health", "Bo", date(2026, 11, 20))
    doc = sent_session(t, routine(START - timedelta(hours=1), actions=(action,)))
    mine = t.ana.doc(doc.id)

    with pytest.raises(UsageError, match="only the supervisor"):
        t.ana.sv.revise(mine, routine(START - timedelta(hours=1), impact="Rewritten by Ana"))
    with pytest.raises(UsageError, match="only the supervisor"):
        t.ana.sv.set_action(action.id[:6], "done")
    with pytest.raises(UsageError):
        t.ana.sv.send_record(mine)
    assert history(t.ana.doc(doc.id)) == history(t.bo.doc(doc.id))

    # Bo may: closing the action after sending makes version 2, which Ana then receives.
    changed = t.bo.sv.set_action(action.id[:6], "done")
    assert [v.n for v in changed.versions] == [1, 2]
    t.bo.send(t.bo.sv.send_record(changed), t.ana)
    assert t.ana.sv.actions() == []

    # An action no longer open is still Bo's to reopen, never Ana's.
    with pytest.raises(UsageError, match="only the supervisor"):
        t.ana.sv.set_action(action.id[:6], "open")
    assert [v.n for v in t.ana.doc(doc.id).versions] == [1, 2]
    t.bo.sv.set_action(action.id[:6], "open")
    assert [a.id for _d, a in t.bo.sv.actions()] == [action.id]

    with pytest.raises(NotFound):
        t.bo.sv.set_action("abcdef", "done")


# --- forged record packets ---


@pytest.mark.parametrize("who", ["someone else's supervisor", "someone else's supervisee"])
def test_a_record_naming_other_people_is_damaged(team: Team, who: str) -> None:
    t = team
    t.ana.knows(t.cy, "Cy", "colleague")
    session = routine(START - timedelta(hours=1)).to_json()
    supervisor, supervisee = ((t.bo.fpr, t.ana.fpr) if who.endswith("supervisor")
                              else (t.cy.fpr, t.bo.fpr))
    doc_id = secrets.token_hex(16)
    content = {"doc": doc_id, "type": "session", "supervisor": supervisor,
               "supervisee": supervisee, "n": 1, "content": session,
               "digest": digest_of(session)}
    text = packets.signed_text(t.cy.ws.snapshot().records, t.cy.sv.me(), t.ana.sv.me(),
                               "record", content, t.now[0])
    data = packets.encrypt(text, t.ana.sv.me())
    with pytest.raises(PacketDamaged, match="Cy"):
        t.ana.sv.open(data)
    assert t.ana.ws.supervision.all() == []
    assert t.ana.ws.packet_log.received() == []


# --- archived contacts ---


def test_nothing_is_sent_to_an_archived_contact_until_restored(team: Team) -> None:
    t = team
    doc = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(START - timedelta(hours=1)))
    ana = t.bo.sv.archive(t.bo.sv.contact("Ana"))
    assert ana.archived and t.bo.sv.team() == [] and t.bo.sv.supervisees() == []
    assert [c.name for c in t.bo.sv.supervisees(archived=True)] == ["Ana"]
    with pytest.raises(UsageError, match="archived"):
        t.bo.sv.send_record(doc)
    with pytest.raises(UsageError, match="archived"):
        t.bo.sv.handover(t.bo.sv.contact("Ana"),
                         t.bo.sv.archive(t.bo.sv.contact("Cy")))
    t.bo.sv.archive(t.bo.sv.contact("Cy"), archived=False)

    restored = t.bo.sv.archive(t.bo.sv.contact("Ana"), archived=False)
    assert not restored.archived and [r.name for r in t.bo.sv.team()] == ["Ana"]
    t.bo.send(t.bo.sv.send_record(doc), t.ana)

    # The practitioner's side: no share and no answer to a supervisor archived there.
    bo = t.ana.sv.archive(t.ana.sv.contact("Bo"))
    start, end = t.ana.sv.share_period(bo)
    with pytest.raises(UsageError, match="archived"):
        t.ana.sv.seal_share(bo, [], (), "A note", start, end)
    with pytest.raises(UsageError, match="archived"):
        t.ana.sv.respond(t.ana.doc(doc.id), "")
    bo = t.ana.sv.archive(bo, archived=False)
    t.ana.send(t.ana.sv.respond(t.ana.doc(doc.id), ""), t.bo)
    assert t.bo.doc(doc.id).status == "accepted"


# --- sharing ---


def test_share_period_starts_where_the_last_share_to_that_person_ended(team: Team) -> None:
    t = team
    t.ana.knows(t.cy, "Cy", "supervisor")
    bo, cy = t.ana.sv.contact("Bo"), t.ana.sv.contact("Cy")
    assert t.ana.sv.share_period(bo) == (START - timedelta(days=28), START)

    start, end = t.ana.sv.share_period(bo)
    t.ana.send(t.ana.sv.seal_share(bo, t.ana.sv.share_fields(start, end), (), "Week one",
                                   start, end), t.bo)
    t.at(START + timedelta(days=10))
    assert t.ana.sv.share_period(bo) == (START, START + timedelta(days=10))

    # A share to someone else does not move Bo's period, and Bo's does not move theirs.
    t.ana.save(t.ana.sv.seal_share(cy, [], (), "For Cy", START, START + timedelta(days=10)))
    t.at(START + timedelta(days=12))
    assert t.ana.sv.share_period(bo) == (START, START + timedelta(days=12))
    assert t.ana.sv.share_period(cy) == (START + timedelta(days=10),
                                         START + timedelta(days=12))
    share = t.bo.sv.latest_share_from(t.bo.sv.contact("Ana"))
    assert share is not None and share.field("note") == "Week one"


def test_an_empty_share_and_failed_saves_leave_no_trace(team: Team) -> None:
    t = team
    bo = t.ana.sv.contact("Bo")
    start, end = t.ana.sv.share_period(bo)
    fields = t.ana.sv.share_fields(start, end)
    with pytest.raises(UsageError, match="nothing is ticked"):
        t.ana.sv.seal_share(bo, fields, (), "  \n ", start, end)

    sealed = t.ana.sv.seal_share(bo, fields, ("exposure_sessions",), "", start, end)
    with pytest.raises(UsageError, match="folder"):
        t.ana.sv.save(sealed, t.folder)
    with pytest.raises(BadInput, match="cannot write"):
        t.ana.sv.save(sealed, t.folder / "missing" / "share.age")
    assert t.ana.ws.packet_log.entries() == []
    assert t.ana.sv.last_share_to(bo) is None
    assert list(t.folder.iterdir()) == []

    # A record whose packet could not be written stays unsent, and nothing is logged.
    doc = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(START))
    with pytest.raises(BadInput):
        t.bo.sv.save(t.bo.sv.send_record(doc), t.folder / "missing" / "rec.age")
    assert not t.bo.doc(doc.id).latest.sent and t.bo.ws.packet_log.entries() == []
    t.bo.ws.refresh()  # and nothing half-written reached the vault on disk
    assert not t.bo.doc(doc.id).latest.sent and t.bo.ws.packet_log.entries() == []


# --- retention ---


def test_retention_lists_and_deletes_records_idle_for_longer_than_the_period(
        team: Team) -> None:
    t = team
    # Versions are stamped with the real time when made; the clock moves sending and answers.
    made = datetime.now(UTC)
    old = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(START - timedelta(days=30)))
    recent = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(START - timedelta(days=20)))
    t.at(made + timedelta(days=200))
    t.bo.send(t.bo.sv.send_record(recent), t.ana)  # its last activity is now day 200

    t.at(made + timedelta(days=400))
    assert t.bo.sv.expired(24) == []
    assert [d.id for d in t.bo.sv.expired(12)] == [old.id]
    assert [d.id for d in t.bo.sv.expired(6)] == [old.id, recent.id]  # oldest first

    assert t.bo.sv.delete_records(t.bo.sv.expired(12)) == 1
    t.bo.ws.refresh()
    assert [d.id for d in t.bo.ws.supervision.all()] == [recent.id]
    assert t.bo.sv.expired(12) == []
    for months in (0, -3):
        with pytest.raises(UsageError, match="retention"):
            t.bo.sv.expired(months)


# --- TRiM follow-ups in the team view ---


def test_follow_ups_fall_due_by_the_local_clock_and_go_once_recorded(team: Team) -> None:
    t = team
    incident = datetime(2026, 3, 27, 10, 0, tzinfo=LONDON)  # GMT; clocks go forward on the 29th
    t.at(datetime(2026, 3, 27, 14, 0, tzinfo=UTC))
    post = t.bo.sv.add_session(t.bo.sv.contact("Ana"), Session(
        held=incident + timedelta(hours=3), attendees=("Ana", "Bo"), type="post-incident",
        incident_at=incident))

    [row] = t.bo.sv.team()
    seventy_two, month = row.follow_ups_due
    assert seventy_two.kind == "follow-up-72h" and month.kind == "follow-up-1m"
    # Compared in UTC: datetimes sharing a tzinfo compare (and subtract) by wall clock alone.
    assert seventy_two.due.astimezone(UTC) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert (seventy_two.due.hour, seventy_two.due.utcoffset()) == (10, timedelta(hours=1))
    assert seventy_two.due.astimezone(UTC) - incident.astimezone(UTC) == timedelta(hours=71)
    assert month.due.astimezone(UTC) == datetime(2026, 4, 27, 9, 0, tzinfo=UTC)

    t.at(datetime(2026, 3, 30, 11, 0, tzinfo=LONDON))
    t.bo.sv.add_session(t.bo.sv.contact("Ana"), Session(
        held=datetime(2026, 3, 30, 10, 0, tzinfo=LONDON), attendees=("Ana", "Bo"),
        type="follow-up-72h", follows=post.id))
    [row] = t.bo.sv.team()
    assert [f.kind for f in row.follow_ups_due] == ["follow-up-1m"]

    # A session still to come is refused (a few minutes of clock difference are not).
    with pytest.raises(UsageError, match="still to come"):
        t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(
            datetime(2026, 3, 30, 11, 6, tzinfo=LONDON)))
    soon = t.bo.sv.add_session(t.bo.sv.contact("Ana"), routine(
        datetime(2026, 3, 30, 11, 4, tzinfo=LONDON)))
    with pytest.raises(UsageError, match="still to come"):
        t.bo.sv.revise(soon, routine(datetime(2026, 4, 2, 10, 0, tzinfo=LONDON)))
    t.bo.sv.delete_records([soon])

    # A follow-up must follow a post-incident session of the same person.
    with pytest.raises(UsageError, match="follow"):
        t.bo.sv.add_session(t.bo.sv.contact("Ana"), replace(
            routine(datetime(2026, 3, 30, 10, 30, tzinfo=LONDON)), type="follow-up-1m",
            follows=secrets.token_hex(16)))
