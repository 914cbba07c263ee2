"""The team view (by name, no ranking, only what was shared) and retention."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kit.errors import UsageError
from kit.supervision.records import (
    Agreement,
    Session,
    SupervisionDoc,
    Version,
    digest_of,
    new_action,
)
from kit.supervision.records import Response as Answer
from kit.supervision.team import expired, roster

LONDON = ZoneInfo("Europe/London")
ME = "0000 0000 0000 0000 0000 0000 0000 0000"
NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def fpr(ch: str) -> str:
    return " ".join([ch * 4] * 8)


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    fingerprint: str
    archived: bool = False


@dataclass(frozen=True)
class Share:
    sender: str
    received_at: datetime
    fields: tuple[tuple[str, str, str], ...]


def doc(supervisee: str, content: Agreement | Session, created: datetime = NOW,
        doc_id: str | None = None, **version: Any) -> SupervisionDoc:
    data = content.to_json()
    kind = "agreement" if isinstance(content, Agreement) else "session"
    return SupervisionDoc(doc_id or secrets.token_hex(16), kind, ME, supervisee,
                          (Version(1, data, digest_of(data), created, **version),))


def held(when: datetime, **changes: Any) -> Session:
    return Session(held=when, **changes)


ALEX, BEA, CAL = fpr("a"), fpr("b"), fpr("c")
PEOPLE = [Person("c1", "cal", CAL), Person("b1", "Bea", BEA), Person("a1", "Alex", ALEX),
          Person("z1", "Aaron (left)", fpr("d"), archived=True)]


def test_rows_are_by_name_and_skip_people_who_left() -> None:
    rows = roster(PEOPLE, [], [], NOW, LONDON)
    assert [r.name for r in rows] == ["Alex", "Bea", "cal"]  # case does not reorder
    assert [r.contact_id for r in rows] == ["a1", "b1", "c1"]
    assert all((r.status, r.last_session, r.next_due, r.open_actions, r.overdue_actions,
                r.follow_ups_due, r.shared_band, r.last_share) ==
               ("no-sessions", None, None, 0, 0, (), None, None) for r in rows)


@pytest.mark.parametrize(("now", "status"), [
    (datetime(2026, 3, 29, 12, 0, tzinfo=UTC), "up-to-date"),
    (datetime(2026, 3, 30, 12, 0, tzinfo=UTC), "due"),
    (datetime(2026, 3, 31, 12, 0, tzinfo=UTC), "overdue"),
    (datetime(2026, 3, 30, 23, 30, tzinfo=UTC), "overdue"),  # 00:30 on the 31st in London
])
def test_next_due_is_the_last_session_plus_the_agreed_frequency(now: datetime,
                                                                status: str) -> None:
    docs = [doc(ALEX, Agreement(frequency_days=28)),
            doc(ALEX, held(datetime(2026, 2, 2, 10, 0, tzinfo=UTC))),
            doc(ALEX, held(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))),
            doc(BEA, held(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)))]
    rows = {r.name: r for r in roster(PEOPLE, docs, [], now, LONDON)}
    assert rows["Alex"].last_session == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert rows["Alex"].next_due == date(2026, 3, 30)
    assert rows["Alex"].status == status
    assert (rows["Bea"].next_due, rows["Bea"].status) == (None, "no-agreement")


def test_next_due_counts_from_the_local_date_and_the_latest_agreement() -> None:
    late_evening = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 1 July in London
    docs = [doc(ALEX, Agreement(frequency_days=28), created=NOW - timedelta(days=60)),
            doc(ALEX, Agreement(frequency_days=14), created=NOW),
            doc(ALEX, held(late_evening))]
    [row] = roster(PEOPLE[2:3], docs, [], NOW, LONDON)
    assert row.next_due == date(2026, 7, 15)
    [row] = roster(PEOPLE[2:3], docs, [], NOW, ZoneInfo("UTC"))
    assert row.next_due == date(2026, 7, 14)


def test_action_counts_come_from_the_latest_session_only() -> None:
    earlier = held(datetime(2026, 2, 2, 10, 0, tzinfo=UTC), actions=(
        new_action("old, carried or not", "Alex", date(2026, 2, 9)),))
    latest = held(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), actions=(
        new_action("overdue", "Alex", date(2026, 3, 31)),
        new_action("due today", "me", date(2026, 4, 1)),
        new_action("no date", "Alex"),
        replace(new_action("finished", "Alex", date(2026, 3, 1)), status="done")))
    [row] = roster(PEOPLE[2:3], [doc(ALEX, earlier), doc(ALEX, latest)], [], NOW, LONDON)
    assert (row.open_actions, row.overdue_actions) == (3, 1)


def test_follow_ups_due_until_a_follow_up_session_names_the_incident() -> None:
    incident_at = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)
    incident = doc(ALEX, held(incident_at + timedelta(hours=2), type="post-incident",
                              incident_at=incident_at))
    [row] = roster(PEOPLE[2:3], [incident], [], NOW, LONDON)
    assert [(f.kind, f.due) for f in row.follow_ups_due] == [
        ("follow-up-72h", datetime(2026, 3, 30, 14, 0, tzinfo=LONDON)),
        ("follow-up-1m", datetime(2026, 4, 27, 14, 0, tzinfo=LONDON))]
    # A follow-up of another incident, or of the wrong kind, does not count.
    unrelated = doc(ALEX, held(NOW, type="follow-up-1m", follows=secrets.token_hex(16)))
    three_days = doc(ALEX, held(NOW, type="follow-up-72h", follows=incident.id))
    [row] = roster(PEOPLE[2:3], [incident, unrelated, three_days], [], NOW, LONDON)
    assert [f.kind for f in row.follow_ups_due] == ["follow-up-1m"]
    one_month = doc(ALEX, held(NOW, type="follow-up-1m", follows=incident.id))
    [row] = roster(PEOPLE[2:3], [incident, three_days, one_month], [], NOW, LONDON)
    assert row.follow_ups_due == ()
    assert row.last_session == NOW


def test_the_band_shown_is_only_the_one_in_the_latest_share() -> None:
    band = ("checkin_bands", "Check-in bands", "WHO-5: reduced")
    exposure = ("exposure", "Exposure", "3 sessions of grading")
    shares = [Share(ALEX, NOW - timedelta(days=20), (band,)),
              Share(ALEX, NOW - timedelta(days=2), (exposure, band)),
              Share(BEA, NOW - timedelta(days=30), (band,)),
              Share(BEA, NOW - timedelta(days=1), (exposure,)),
              Share(fpr("e"), NOW, (band,))]
    rows = {r.name: r for r in roster(PEOPLE, [], shares, NOW, LONDON)}
    assert (rows["Alex"].shared_band, rows["Alex"].last_share) == (
        "WHO-5: reduced", NOW - timedelta(days=2))
    # Bea left the band out of her latest share: an older one does not speak for her.
    assert (rows["Bea"].shared_band, rows["Bea"].last_share) == (None, NOW - timedelta(days=1))
    assert (rows["cal"].shared_band, rows["cal"].last_share) == (None, None)


def test_row_json() -> None:
    docs = [doc(ALEX, Agreement()), doc(ALEX, held(datetime(2026, 3, 20, 9, 0, tzinfo=UTC)))]
    [row] = roster(PEOPLE[2:3], docs, [], NOW, LONDON)
    assert row.to_json() == {
        "contact_id": "a1", "name": "Alex", "fingerprint": ALEX,
        "last_session": "2026-03-20T09:00:00+00:00", "next_due": "2026-04-17",
        "overdue_actions": 0, "open_actions": 0, "follow_ups_due": [], "shared_band": None,
        "last_share": None, "status": "up-to-date"}


def test_roster_needs_an_aware_now() -> None:
    with pytest.raises(UsageError, match="time zone"):
        roster(PEOPLE, [], [], datetime(2026, 4, 1), LONDON)


# --- retention ---


def test_expired_by_latest_activity() -> None:
    year_ago = NOW - timedelta(days=400)
    answer = Answer("accepted", "", NOW - timedelta(days=10), False, "pkt-r", "signed")
    old = doc(ALEX, Agreement(), created=year_ago - timedelta(days=1))
    older = doc(BEA, Agreement(), created=year_ago - timedelta(days=30))
    sent_lately = doc(ALEX, Agreement(), created=year_ago, sent_at=NOW - timedelta(days=5),
                      packet_id="pkt", signed="s")
    answered_lately = doc(ALEX, Agreement(), created=year_ago, sent_at=year_ago,
                          packet_id="pkt", signed="s", response=answer)
    fresh = doc(ALEX, Agreement(), created=NOW)
    docs = [old, sent_lately, fresh, older, answered_lately]
    assert expired(docs, NOW, 12) == [older, old]  # the oldest first
    assert expired(docs, NOW, 24) == []


def test_expired_months_are_calendar_months() -> None:
    now = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    just_over = doc(ALEX, Agreement(), created=datetime(2026, 2, 28, 11, 59, tzinfo=UTC))
    just_under = doc(ALEX, Agreement(), created=datetime(2026, 2, 28, 12, 1, tzinfo=UTC))
    assert expired([just_over, just_under], now, 1) == [just_over]


@pytest.mark.parametrize("months", [0, -1, 1201, True, 1.5])
def test_expired_refuses_a_silly_period(months: Any) -> None:
    with pytest.raises(UsageError, match="whole number of months from 1 to 1200"):
        expired([], NOW, months)
