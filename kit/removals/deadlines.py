"""When an organisation's reply to a UK GDPR request is due, by the ICO's rule.

The rule, compared on 7 December 2026 with the stored copies of these ICO pages:

- "Time limits for responding to data protection rights requests" (for the public),
  https://ico.org.uk/for-the-public/time-limits-for-responding-to-data-protection-rights-requests
  -- the reply is due no later than one calendar month, starting from the day the organisation
  receives the request, even if that day is a weekend or public holiday; the month ends on the
  corresponding calendar date of the next month; if that date falls on a Saturday, Sunday or
  bank holiday the month ends on the next working day; if the next month has no such date, it
  ends on the last day of that month (31 March gives 30 April). A complex request, or more than
  one, may take at most three calendar months from the day of receipt.
- "What should we consider when responding to a request?" (for organisations, right of
  access),
  https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/right-of-access/what-should-we-consider-when-responding-to-a-request/
  -- an extension is counted as three months from the original start date, and the
  organisation must tell the person within one month of receiving the request, and say why.

Bank holidays differ between the nations, and the kit cannot know where an organisation works
(many people-search sites are abroad), so it counts the bank holidays of the nation the user
lives in (config's region), England and Wales's when that is the whole UK or not set. The
holidays come from the `holidays` library, which follows each nation's proclamations,
substitute days included.

"Received" is a day in UK time: a web form sent at 00:30 on 1 April in London was received on
1 April, though it was still 31 March in UTC.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo

UK_TIME: Final = ZoneInfo("Europe/London")
# The holidays library's subdivision codes for the United Kingdom.
_SUBDIVISION: Final = {"england": "ENG", "wales": "WLS", "scotland": "SCT",
                       "northern-ireland": "NIR"}
MONTHS_TO_REPLY: Final = 1
MONTHS_WHEN_EXTENDED: Final = 3


def received_on(moment: datetime) -> date:
    """The day in the UK on which something sent at *moment* (with a time zone) arrived, for a
    web form or an email: the clock starts that day."""
    if moment.tzinfo is None:
        raise ValueError("the moment needs a time zone")
    return moment.astimezone(UK_TIME).date()


def months_after(start: date, months: int) -> date:
    """The corresponding calendar date *months* months after *start*, or the last day of that
    month when it has no such date (31 January + 1 month is 28 or 29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@cache
def _holidays(nation: str, year: int) -> frozenset[date]:
    import holidays  # here: only deadline arithmetic needs it

    return frozenset(holidays.country_holidays(
        "GB", subdiv=_SUBDIVISION.get(nation, "ENG"), years=year))


def is_working_day(day: date, nation: str = "england") -> bool:
    """Monday to Friday and not a bank holiday in *nation* (a config region; anything that is
    not one of the four nations counts as England)."""
    return day.weekday() < 5 and day not in _holidays(nation, day.year)


def next_working_day(day: date, nation: str = "england") -> date:
    """*day* itself if it is a working day, else the first working day after it."""
    while not is_working_day(day, nation):
        day += timedelta(days=1)
    return day


def reply_due(received: date, nation: str = "england", *, extended: bool = False) -> date:
    """The last day for the organisation's reply to a request it received on *received*: one
    calendar month, or three when it has extended the time, moved past a weekend or bank
    holiday."""
    months = MONTHS_WHEN_EXTENDED if extended else MONTHS_TO_REPLY
    return next_working_day(months_after(received, months), nation)


def extension_notice_due(received: date, nation: str = "england") -> date:
    """The last day an organisation may tell you it needs more time: within the first month."""
    return reply_due(received, nation)
