"""The ICO's rule for when a reply is due, on the cases that trip up hand-counting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kit.removals.deadlines import (
    extension_notice_due,
    is_working_day,
    months_after,
    received_on,
    reply_due,
)


@pytest.mark.parametrize(("received", "due", "why"), [
    # The ICO's own examples (for the public: "Time limits for responding ...").
    (date(2025, 9, 3), date(2025, 10, 3), "the corresponding date, a Friday"),
    (date(2029, 11, 25), date(2029, 12, 27), "Christmas Day and Boxing Day pass first"),
    (date(2027, 3, 31), date(2027, 4, 30), "April has no 31st: its last day"),
    # Month ends.
    (date(2027, 1, 31), date(2027, 3, 1), "28 February 2027 is a Sunday"),
    (date(2028, 1, 31), date(2028, 2, 29), "a leap year's 29 February, a Tuesday"),
    (date(2027, 1, 28), date(2027, 3, 1), "28 February again: the same Sunday"),
    # Received on a Saturday: the month starts that day, not on the Monday.
    (date(2026, 12, 5), date(2027, 1, 5), "5 January 2027 is a Tuesday"),
    # A substitute bank holiday: Christmas 2027 is a Saturday, so the 27th and 28th are off.
    (date(2027, 11, 25), date(2027, 12, 29), "Saturday, Sunday, two substitute days"),
])
def test_a_reply_is_due_one_calendar_month_on(received: date, due: date, why: str) -> None:
    assert reply_due(received) == due, why


def test_an_extension_is_three_months_from_the_same_start() -> None:
    assert reply_due(date(2026, 11, 30), extended=True) == date(2027, 3, 1)  # 28 Feb: Sunday
    assert reply_due(date(2027, 1, 15), extended=True) == date(2027, 4, 15)
    # They must say they need it within the first month.
    assert extension_notice_due(date(2027, 1, 15)) == date(2027, 2, 15)


@pytest.mark.parametrize(("received", "nation", "due"), [
    (date(2026, 12, 2), "england", date(2027, 1, 4)),  # 2 January is a Saturday
    (date(2026, 12, 2), "scotland", date(2027, 1, 5)),  # and Scotland's holiday moves to the 4th
    (date(2026, 10, 30), "england", date(2026, 11, 30)),
    (date(2026, 10, 30), "scotland", date(2026, 12, 1)),  # St Andrew's Day
    (date(2027, 2, 17), "northern-ireland", date(2027, 3, 18)),  # St Patrick's Day
    (date(2027, 2, 17), "wales", date(2027, 3, 17)),
    (date(2027, 2, 17), "uk", date(2027, 3, 17)),  # the whole UK counts as England and Wales
])
def test_each_nation_keeps_its_own_bank_holidays(received: date, nation: str,
                                                   due: date) -> None:
    assert reply_due(received, nation) == due


def test_working_days() -> None:
    assert is_working_day(date(2027, 3, 17))
    assert not is_working_day(date(2027, 3, 17), "northern-ireland")
    assert not is_working_day(date(2027, 3, 20))  # a Saturday


def test_the_day_received_is_the_day_in_the_uk() -> None:
    # 23:30 UTC on 31 March 2027 is 00:30 on 1 April in London (summer time began 28 March).
    assert received_on(datetime(2027, 3, 31, 23, 30, tzinfo=UTC)) == date(2027, 4, 1)
    # In winter London is on UTC.
    assert received_on(datetime(2027, 1, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 31)
    # Sent from New York at 20:00 on 31 January: 01:00 on 1 February in London.
    sent = datetime(2027, 1, 31, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert received_on(sent) == date(2027, 2, 1)
    with pytest.raises(ValueError, match="time zone"):
        received_on(datetime(2027, 1, 31, 20, 0))


def test_months_after_keeps_the_day_or_takes_the_last() -> None:
    assert months_after(date(2027, 12, 31), 2) == date(2028, 2, 29)
    assert months_after(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert months_after(date(2027, 10, 15), 3) == date(2028, 1, 15)
