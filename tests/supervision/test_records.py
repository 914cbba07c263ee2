"""Supervision records: validation of every field, versions, received copies and responses."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from kit.errors import BadInput, NotFound, UsageError
from kit.supervision.records import (
    Action,
    Agreement,
    Response,
    Session,
    SupervisionDoc,
    SupervisionRecords,
    Version,
    digest_of,
    new_action,
    parse_content,
)
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE

SUPERVISOR = "aaaa 1111 aaaa 1111 aaaa 1111 aaaa 1111"
SUPERVISEE = "bbbb 2222 bbbb 2222 bbbb 2222 bbbb 2222"
OTHER = "cccc 3333 cccc 3333 cccc 3333 cccc 3333"
HELD = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SENT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SOME_ID = "0123456789abcdef0123456789abcdef"


def action(text: str = "Reduce grading to 3 hours a day", **changes: Any) -> Action:
    return replace(new_action(text, "Sam", date(2026, 3, 16)), **changes)


def session(**changes: Any) -> Session:
    values: dict[str, Any] = {"held": HELD, "attendees": ("Sam", "Priya"), "type": "routine"}
    values.update(changes)
    return Session(**values)


def response(decision: str = "accepted", comment: str = "", **changes: Any) -> Response:
    values: dict[str, Any] = {"decision": decision, "comment": comment,
                              "at": SENT + timedelta(days=1), "late": False,
                              "packet_id": "countersign-1", "signed": "signed text"}
    values.update(changes)
    return Response(**values)


# --- validation ---


@pytest.mark.parametrize(("changes", "message"), [
    ({"id": "xyz"}, "12 hexadecimal"),
    ({"id": "0123456789AB"}, "12 hexadecimal"),
    ({"text": "   "}, "text cannot be empty"),
    ({"text": "x" * 20_001}, "20,001 characters long; at most 20,000"),
    ({"text": "look \x1b[2J here"}, "control characters"),
    ({"owner": ""}, "owner cannot be empty"),
    ({"owner": "x" * 101}, "at most 100"),
    ({"owner": "Sam\nSmith"}, "one line"),
    ({"owner": "Sam\u202e"}, "one line"),
    ({"due": datetime(2026, 3, 16, tzinfo=UTC)}, "due date must be a date"),
    ({"due": "2026-03-16"}, "due date must be a date"),
    ({"status": "finished"}, "action status 'finished' is not one of: open, done, dropped"),
    ({"agreed_in": "abc"}, "agreed_in"),
])
def test_action_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        action(**changes)


def test_action_text_is_trimmed_and_overdue_means_open_and_past_due() -> None:
    a = action("  call OH \r\n about referral  ", owner="  me ")
    assert (a.text, a.owner, a.status, a.agreed_in) == ("call OH \n about referral", "me",
                                                        "open", "")
    assert len(a.id) == 12 and set(a.id) <= set("0123456789abcdef")
    assert new_action("x", "me").id != new_action("x", "me").id
    assert not a.overdue(date(2026, 3, 16)) and a.overdue(date(2026, 3, 17))
    assert not replace(a, status="done").overdue(date(2027, 1, 1))
    assert not replace(a, due=None).overdue(date(2027, 1, 1))
    assert a.status_label == "Open"


@pytest.mark.parametrize(("changes", "message"), [
    ({"frequency_days": 6}, "from 7 to 91, not 6"),
    ({"frequency_days": 92}, "from 7 to 91"),
    ({"frequency_days": True}, "from 7 to 91, not True"),
    ({"frequency_days": "28"}, "from 7 to 91"),
    ({"comment_window_days": 0}, "comment window .* from 1 to 30"),
    ({"comment_window_days": 31}, "from 1 to 30"),
    ({"confidentiality": "x" * 20_001}, "confidentiality is 20,001 characters"),
    ({"records_kept": "\x07"}, "control characters"),
    ({"disagreement": 5}, "must be text"),
    ({"review_date": datetime(2026, 9, 1, tzinfo=UTC)}, "review date must be a date"),
])
def test_agreement_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Agreement(**changes)


def test_agreement_defaults_and_trimming() -> None:
    agreement = Agreement(cancellations="  rebook within a week\n")
    assert (agreement.frequency_days, agreement.comment_window_days) == (28, 5)
    assert agreement.cancellations == "rebook within a week"
    assert Agreement(confidentiality="x" * 20_000).confidentiality == "x" * 20_000


@pytest.mark.parametrize(("changes", "message"), [
    ({"held": datetime(2026, 3, 2, 10, 0)}, "session time needs a time zone"),
    ({"held": date(2026, 3, 2)}, "session time must be a date and time"),
    ({"type": "debrief"}, "session type 'debrief' is not one of: routine, post-incident, "
                          "follow-up-72h, follow-up-1m, other"),
    ({"type": "post-incident"}, "needs the time of the incident"),
    ({"type": "post-incident", "incident_at": HELD + timedelta(hours=1)}, "incident is after"),
    ({"incident_at": datetime(2026, 3, 1, 10, 0)}, "incident time needs a time zone"),
    ({"type": "follow-up-72h"}, "72-hour follow-up needs the id"),
    ({"type": "follow-up-1m"}, "one-month follow-up needs the id"),
    ({"type": "follow-up-1m", "follows": "s1"}, "follows must be a full record id"),
    ({"follows": SOME_ID}, "only a 72-hour or one-month follow-up follows"),
    ({"attendees": [f"person {i}" for i in range(21)]}, "at most 20 attendees, not 21"),
    ({"attendees": ["x" * 101]}, "attendee's name is 101 characters"),
    ({"attendees": ["Sam\tSmith"]}, "one line"),
    ({"attendees": "Sam, Priya"}, "attendees must be a list"),
    ({"actions": [action() for _ in range(101)]}, "at most 100 actions, not 101"),
    ({"actions": [action()] * 2}, "same action is listed twice"),
    ({"actions": ["do it"]}, "list of actions"),
    ({"referrals": ["gp"]}, "referral 'gp' is not one of: occupational-health, "
                            "employee-assistance, trim, other"),
    ({"share_packet": "a b"}, "must not contain spaces"),
    ({"impact": "y" * 20_001}, "impact is 20,001 characters"),
    ({"coping": "fine\x00"}, "control characters"),
    ({"escalation": "\ud800"}, "control characters"),
    ({"review_date": HELD}, "review date must be a date"),
])
def test_session_validation(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        session(**changes)


def test_session_normalises_what_it_is_given() -> None:
    s = session(held=datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1))),
                attendees=[" Sam ", "", "Priya", "Sam", "  "],
                referrals=["trim", "occupational-health", "trim"], summary_received=" ok\n",
                type="post-incident",
                incident_at=datetime(2026, 3, 1, 23, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert s.held == datetime(2026, 3, 2, 9, 0, tzinfo=UTC) and s.held.tzinfo is UTC
    assert s.incident_at == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    assert s.attendees == ("Sam", "Priya")
    assert s.referrals == ("occupational-health", "trim")  # the list's own order
    assert s.referrals == (*session(referrals="occupational-health").referrals, "trim")
    assert s.summary_received == "ok"
    assert s.type_label == "After an incident"


def test_response_validation() -> None:
    with pytest.raises(UsageError, match="decision 'maybe' is not one of: accepted, commented"):
        response("maybe")
    with pytest.raises(UsageError, match="a comment is needed"):
        response("commented", "   ")
    with pytest.raises(UsageError, match="response time needs a time zone"):
        response(at=datetime(2026, 3, 3))
    with pytest.raises(UsageError, match="late must be true or false"):
        response(late=1)
    with pytest.raises(UsageError, match="packet id"):
        response(packet_id="")
    assert response("accepted", "  thanks ").comment == "thanks"
    assert response("commented", "I disagree with point 2").decision_label == "Commented"


def test_version_checks_its_digest_and_sending() -> None:
    content = Agreement().to_json()
    with pytest.raises(UsageError, match="does not match its content"):
        Version(1, content, "0" * 64, HELD)
    with pytest.raises(UsageError, match="time, packet id and signed text"):
        Version(1, content, digest_of(content), HELD, sent_at=SENT)
    with pytest.raises(UsageError, match="never sent cannot have a response"):
        Version(1, content, digest_of(content), HELD, response=response())
    with pytest.raises(UsageError, match="whole number from 1"):
        Version(0, content, digest_of(content), HELD)


# --- JSON: canonical digests, and received data refused plainly when it does not fit ---


def test_digest_is_sha256_of_canonical_json() -> None:
    content = {"b": "é", "a": [1, None]}
    assert digest_of(content) == hashlib.sha256('{"a":[1,null],"b":"é"}'.encode()).hexdigest()
    assert digest_of({"a": [1, None], "b": "é"}) == digest_of(content)


def test_content_round_trips() -> None:
    full = session(type="post-incident", incident_at=HELD - timedelta(hours=5),
                   share_packet="pkt-1", summary_received="3 sessions of grading",
                   impact="tired", coping="walks", actions=(action(agreed_in=SOME_ID),),
                   escalation="TRiM if worse", referrals=("trim",),
                   review_date=date(2026, 6, 1))
    assert Session.from_json(full.to_json()) == full
    assert parse_content("session", full.to_json()) == full
    agreement = Agreement(frequency_days=14, comment_window_days=2, confidentiality="safety",
                          review_date=date(2026, 9, 1))
    assert Agreement.from_json(agreement.to_json()) == agreement
    assert full.to_json()["actions"][0]["due"] == "2026-03-16"
    assert full.to_json()["held"] == "2026-03-02T10:00:00+00:00"


def _with(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**data, **changes}


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: [d], "not a JSON object"),
    (lambda d: {k: v for k, v in d.items() if k != "held"}, "lacks held"),
    (lambda d: _with(d, mood="low"), "fields this version of the kit does not know \\(mood\\)"),
    (lambda d: _with(d, held=12), "held must be an ISO date and time"),
    (lambda d: _with(d, held="yesterday"), "cannot be read"),
    (lambda d: _with(d, held="2026-03-02T10:00:00"), "held has no time zone"),
    (lambda d: _with(d, held="2026-03-02T10:00:00Z"), "not in the form the kit writes"),
    (lambda d: _with(d, impact=" padded "), "not in the form the kit writes"),
    (lambda d: _with(d, type="debrief"), "session type 'debrief' is not one of"),
    (lambda d: _with(d, attendees="Sam"), "attendees must be a list"),
    (lambda d: _with(d, actions={}), "actions must be a list"),
    (lambda d: _with(d, actions=[{}] * 101), "more than 100 actions"),
    (lambda d: _with(d, actions=[{"id": "x"}]), "action cannot be read: it lacks text"),
    (lambda d: _with(d, review_date="1st June"), "cannot be read"),
    (lambda d: _with(d, review_date="20260601"), "not in the form the kit writes"),
])
def test_bad_session_json_is_bad_input(make: Any, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Session.from_json(make(session().to_json()))


@pytest.mark.parametrize(("changes", "message"), [
    ({"frequency_days": 200}, "from 7 to 91"),
    ({"frequency_days": 28.0}, "from 7 to 91"),
    ({"comment_window_days": None}, "from 1 to 30"),
    ({"confidentiality": None}, "must be text"),
])
def test_bad_agreement_json_is_bad_input(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(BadInput, match=message):
        Agreement.from_json(_with(Agreement().to_json(), **changes))
    with pytest.raises(BadInput, match="record type 'memo' is not one of: agreement, session"):
        parse_content("memo", Agreement().to_json())


# --- the repository ---


@pytest.fixture
def records(vault: Vault) -> SupervisionRecords:
    return SupervisionRecords(vault)


def reopened(vault: Vault, vault_path: Path) -> SupervisionRecords:
    vault.close()
    return SupervisionRecords(Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)))


def test_create_and_read_back(vault: Vault, vault_path: Path, records: SupervisionRecords
                              ) -> None:
    agreement = records.create_agreement(SUPERVISOR, SUPERVISEE.upper().replace(" ", ""),
                                         Agreement(frequency_days=14))
    doc = records.create_session(SUPERVISOR, SUPERVISEE, session(actions=(action(),)))
    assert doc.session.actions[0].agreed_in == doc.id  # new actions name their session
    assert (doc.type, doc.status, doc.latest.n, doc.supervisee) == (
        "session", "draft", 1, SUPERVISEE)
    assert doc.latest.digest == digest_of(doc.latest.content)
    again = reopened(vault, vault_path)
    try:
        assert again.get(doc.short_id) == doc
        assert again.agreement_for(SUPERVISEE) == agreement
        assert again.agreement_for(OTHER) is None
        assert again.problems == []
    finally:
        again.vault.close()


def test_create_refuses_bad_people(records: SupervisionRecords) -> None:
    with pytest.raises(UsageError, match="fingerprint is 32 hexadecimal"):
        records.create_agreement("not me", SUPERVISEE, Agreement())
    with pytest.raises(UsageError, match="different people"):
        records.create_agreement(SUPERVISOR, SUPERVISOR, Agreement())
    with pytest.raises(UsageError, match="needs an Agreement"):
        records.create_agreement(SUPERVISOR, SUPERVISEE, session())  # type: ignore[arg-type]


def test_revise_in_place_until_sent_then_a_new_version(records: SupervisionRecords) -> None:
    doc = records.create_session(SUPERVISOR, SUPERVISEE, session())
    doc = records.revise(doc.id, session(impact="first draft"))
    assert [v.n for v in doc.versions] == [1]
    assert doc.session.impact == "first draft"
    assert records.revise(doc.short_id, session(impact="first draft")) == doc  # no change
    doc = records.mark_sent(doc.id, 1, "pkt-1", "signed v1", SENT)
    assert doc.status == "sent"
    doc = records.revise(doc.id, session(impact="corrected"))
    assert [v.n for v in doc.versions] == [1, 2]
    assert doc.versions[0].content["impact"] == "first draft"  # what was sent stays
    assert (doc.status, doc.session.impact) == ("draft", "corrected")
    with pytest.raises(UsageError, match="cannot be changed into another kind"):
        records.revise(doc.id, Agreement())


def test_responses(records: SupervisionRecords) -> None:
    doc = records.create_session(SUPERVISOR, SUPERVISEE, session())
    with pytest.raises(UsageError, match="never sent"):
        records.add_response(doc.id, 1, response())
    records.mark_sent(doc.id, 1, "pkt-1", "signed v1", SENT)
    doc = records.add_response(doc.id, 1, response("commented", "Point 2 was not agreed"))
    assert doc.status == "commented" and doc.latest.response is not None
    assert doc.latest.response.comment == "Point 2 was not agreed"
    assert records.add_response(doc.id, 1, response("commented", "Point 2 was not agreed")) == doc
    with pytest.raises(UsageError, match="already has a response \\(commented\\)"):
        records.add_response(doc.id, 1, response())
    with pytest.raises(UsageError, match="already has a response"):
        records.mark_sent(doc.id, 1, "pkt-2", "signed again", SENT)
    with pytest.raises(NotFound, match="has no version 2"):
        records.add_response(doc.id, 2, response())


def test_comment_deadline_follows_the_agreement(records: SupervisionRecords) -> None:
    doc = records.create_session(SUPERVISOR, SUPERVISEE, session())
    assert records.comment_deadline(doc.id, 1) is None
    records.mark_sent(doc.id, 1, "pkt-1", "signed v1", SENT)
    assert records.comment_deadline(doc.id, 1) == SENT + timedelta(days=5)
    agreement = records.create_agreement(SUPERVISOR, SUPERVISEE, Agreement(comment_window_days=2))
    assert records.comment_deadline(doc.id, 1) == SENT + timedelta(days=2)
    records.mark_sent(agreement.id, 1, "pkt-a", "signed a", SENT)
    assert records.comment_deadline(agreement.id, 1) == SENT + timedelta(days=2)


def received(**changes: Any) -> dict[str, Any]:
    content = session(impact="as written by the supervisor").to_json()
    values: dict[str, Any] = {"doc_id": SOME_ID, "type": "session", "supervisor": SUPERVISOR,
                              "supervisee": SUPERVISEE, "n": 1, "content": content,
                              "digest": digest_of(content), "packet_id": "pkt-1",
                              "signed": "signed v1", "at": SENT}
    values.update(changes)
    return values


def test_store_received_creates_then_is_idempotent(vault: Vault, vault_path: Path,
                                                   records: SupervisionRecords) -> None:
    doc = records.store_received(**received())
    assert (doc.id, doc.status, doc.latest.sent_at, doc.latest.packet_id) == (
        SOME_ID, "sent", SENT, "pkt-1")
    assert records.store_received(**received()) == doc
    content = session(impact="revised by the supervisor").to_json()
    doc = records.store_received(**received(n=2, content=content, digest=digest_of(content),
                                            packet_id="pkt-2"))
    assert [v.n for v in doc.versions] == [1, 2]
    assert doc.session.impact == "revised by the supervisor"
    again = reopened(vault, vault_path)
    try:
        assert again.get(SOME_ID) == doc
    finally:
        again.vault.close()


def test_store_received_refusals(records: SupervisionRecords) -> None:
    records.store_received(**received())
    changed = session(impact="quietly changed").to_json()
    with pytest.raises(BadInput, match=r"different content.*must come as a new version"):
        records.store_received(**received(content=changed, digest=digest_of(changed)))
    with pytest.raises(BadInput, match="digest does not match"):
        records.store_received(**received(n=2, content=changed))
    with pytest.raises(BadInput, match="different type or people"):
        records.store_received(**received(n=2, supervisor=OTHER))
    untrimmed = {**changed, "coping": " spaces "}
    with pytest.raises(BadInput, match="not in the form the kit writes"):
        records.store_received(**received(doc_id="f" * 32, content=untrimmed,
                                          digest=digest_of(untrimmed)))
    with pytest.raises(BadInput, match="not a JSON object"):
        records.store_received(**received(doc_id="f" * 32, content=["x"], digest="0" * 64))
    with pytest.raises(BadInput, match="not a record id"):
        records.store_received(**received(doc_id="../x"))
    with pytest.raises(BadInput, match="fingerprint is not in the kit's form"):
        records.store_received(**received(doc_id="f" * 32, supervisor="AAAA1111" * 4))
    with pytest.raises(BadInput, match="needs a time zone"):
        records.store_received(**received(doc_id="f" * 32, at=datetime(2026, 3, 2)))
    assert [d.id for d in records.all()] == [SOME_ID]


def test_a_received_id_may_not_take_another_records_place(vault: Vault) -> None:
    other = vault.put("journal", {"text": "private"})
    with pytest.raises(BadInput, match="already used by another record"):
        SupervisionRecords(vault).store_received(**received(doc_id=other.id))
    assert vault.get(other.id).data == {"text": "private"}


def test_an_unreadable_record_is_reported_and_left_alone(vault: Vault) -> None:
    bad = vault.put("supervision_record", {"type": "session", "versions": "soon"})
    records = SupervisionRecords(vault)
    assert records.all() == []
    assert [(p.code, p.record_id) for p in records.problems] == [
        ("unreadable_supervision_record", bad.id)]
    with pytest.raises(BadInput, match="cannot read; it was left untouched"):
        records.store_received(**received(doc_id=bad.id))
    assert vault.get(bad.id).data == {"type": "session", "versions": "soon"}


def test_follow_ups_must_follow_a_post_incident_session(records: SupervisionRecords) -> None:
    routine = records.create_session(SUPERVISOR, SUPERVISEE, session())
    with pytest.raises(UsageError, match="must follow a session after an incident"):
        records.create_session(SUPERVISOR, SUPERVISEE,
                               session(type="follow-up-72h", follows=routine.id))
    incident = records.create_session(SUPERVISOR, SUPERVISEE, session(
        type="post-incident", incident_at=HELD - timedelta(hours=2)))
    with pytest.raises(UsageError, match="must follow"):
        records.create_session(SUPERVISOR, OTHER, session(type="follow-up-72h",
                                                          follows=incident.id))
    follow = records.create_session(SUPERVISOR, SUPERVISEE, session(
        type="follow-up-72h", follows=incident.id, held=HELD + timedelta(days=3)))
    assert follow.session.follows == incident.id


def test_carried_forward_and_set_action(records: SupervisionRecords) -> None:
    first = records.create_session(SUPERVISOR, SUPERVISEE, session(actions=(
        action("open one"), action("done one", status="done"))))
    # Created later but held earlier: "latest" is by when the session was held.
    older = records.create_session(SUPERVISOR, SUPERVISEE, session(
        held=HELD - timedelta(days=28), actions=(action("ancient"),)))
    assert [d.id for d in records.sessions_for(SUPERVISEE)] == [first.id, older.id]
    carried = records.carried_forward(SUPERVISEE)
    assert [a.text for a in carried] == ["open one"]
    assert carried[0].agreed_in == first.id and carried[0].status == "open"
    assert records.carried_forward(OTHER) == ()
    records.mark_sent(first.id, 1, "pkt-1", "signed", SENT)
    nxt = records.create_session(SUPERVISOR, SUPERVISEE, session(
        held=HELD + timedelta(days=28), actions=(*carried, action("new one"))))
    assert [a.agreed_in for a in nxt.session.actions] == [first.id, nxt.id]
    changed = records.set_action(carried[0].id[:6], "done")
    assert changed.id == nxt.id  # the latest session holding it
    assert [v.n for v in changed.versions] == [1]  # never sent: changed in place
    assert records.carried_forward(SUPERVISEE)[0].text == "new one"
    assert records.get(first.id).session.actions[0].status == "open"  # history untouched
    assert records.set_action(carried[0].id, "done") == changed  # already so
    with pytest.raises(UsageError, match="at least the first 4"):
        records.set_action("ab", "done")
    with pytest.raises(NotFound, match="no action"):
        records.set_action("ffffffffffff", "done")
    with pytest.raises(UsageError, match="action status 'closed' is not one of"):
        records.set_action(carried[0].id, "closed")


def test_set_action_on_a_sent_session_makes_a_new_version(records: SupervisionRecords) -> None:
    doc = records.create_session(SUPERVISOR, SUPERVISEE, session(actions=(action(),)))
    records.mark_sent(doc.id, 1, "pkt-1", "signed", SENT)
    doc = records.set_action(doc.session.actions[0].id, "dropped")
    assert [v.n for v in doc.versions] == [1, 2]
    assert doc.session.actions[0].status == "dropped"
    assert doc.versions[0].content["actions"][0]["status"] == "open"


def test_actions_lists_open_actions_of_each_latest_session(records: SupervisionRecords) -> None:
    records.create_session(SUPERVISOR, SUPERVISEE, session(
        held=HELD - timedelta(days=28), actions=(action("superseded"),)))
    records.create_session(SUPERVISOR, SUPERVISEE, session(actions=(
        action("later", due=date(2026, 4, 1)), action("soon", due=date(2026, 3, 9)),
        action("whenever", due=None), action("done", status="done"))))
    # The practitioner's own session, received from their supervisor, counts too.
    own = session(actions=(action("mine", due=date(2026, 3, 5)),)).to_json()
    records.store_received(**received(supervisor=OTHER, supervisee=SUPERVISOR, content=own,
                                      digest=digest_of(own)))
    today = date(2026, 3, 10)
    assert [a.text for _doc, a in records.actions(today)] == [
        "mine", "soon", "later", "whenever"]
    assert [a.text for _doc, a in records.actions(today, overdue_only=True)] == ["mine", "soon"]


def test_lists_and_delete(records: SupervisionRecords) -> None:
    a = records.create_agreement(SUPERVISOR, SUPERVISEE, Agreement())
    s = records.create_session(SUPERVISOR, SUPERVISEE, session())
    o = records.create_session(SUPERVISOR, OTHER, session())
    assert {d.id for d in records.for_supervisee(SUPERVISEE)} == {a.id, s.id}
    assert [d.id for d in records.all()] == [o.id, s.id, a.id]  # most recently changed first
    with pytest.raises(UsageError, match="not a session record"):
        _ = a.session
    with pytest.raises(UsageError, match="not an agreement"):
        _ = s.agreement
    deleted = records.delete([a.short_id, s.id])
    assert {d.id for d in deleted} == {a.id, s.id}
    assert [d.id for d in records.all()] == [o.id]
    assert [d.id for d in SupervisionRecords(records.vault).all()] == [o.id]
    with pytest.raises(NotFound):
        records.delete([o.id, secrets.token_hex(16)])  # all or none
    assert [d.id for d in records.all()] == [o.id]


def test_doc_json_round_trip() -> None:
    content = Agreement().to_json()
    version = Version(1, content, digest_of(content), HELD, SENT, "pkt-1", "signed", response())
    doc = SupervisionDoc(SOME_ID, "agreement", SUPERVISOR, SUPERVISEE, (version,))
    data = doc.to_json()
    assert data.pop("id") == SOME_ID
    assert SupervisionDoc.from_json(SOME_ID, data) == doc
    assert (doc.status, doc.status_label, doc.type_label) == ("accepted", "Accepted",
                                                              "Supervision agreement")
    assert doc.last_activity() == response().at
    with pytest.raises(BadInput, match="versions are not a list"):
        SupervisionDoc.from_json(SOME_ID, {**data, "versions": {}})
    with pytest.raises(BadInput, match="numbered in order"):
        SupervisionDoc.from_json(SOME_ID, {**data, "versions": data["versions"] * 2})
