"""Letters the kit writes for you. Today: a UK GDPR erasure and objection request to a
people-search site.

The legal points are only those research/doxing.md (section 3) gives: under the UK GDPR you can
ask an organisation to erase your data or object to its processing; it must reply within one
month; complaints go to the Information Commissioner's Office (ICO). No article numbers, no
other claims.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import date

from kit.errors import UsageError
from kit.records.incidents import MAX_SHORT, check_text, check_url
from kit.records.my_details import Details, check_details

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MAX_URLS = 100
WIDTH = 78


def long_date(day: date) -> str:
    """'5 March 2026', the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def erasure_letter(details: Details, site: str, urls: Sequence[str], today: date) -> str:
    """The letter as plain text. Needs your name and a reply address; every URL is checked."""
    details = check_details(details)
    if not details.name:
        raise UsageError("the letter needs your name (--name)")
    if not details.reply_to:
        raise UsageError("the letter needs an address for their reply (--reply-to): an "
                         "email address or a postal address")
    site = check_text("site", site, MAX_SHORT, required=True, one_line=True)
    pages = list(dict.fromkeys(check_url(u, "url") for u in urls))
    if len(pages) > MAX_URLS:
        raise UsageError(f"too many URLs for one letter ({len(pages)}; at most {MAX_URLS})")

    if pages:
        where = ("Your site shows my personal data, including on these pages:\n\n"
                 + "\n".join(f"  - {url}" for url in pages))
    else:
        where = _wrap("Your site publishes personal data about me.")
    held = ("on the pages above and in any records, copies or listings behind them" if pages
            else "on your site and in any records, copies or listings behind it")
    return "\n\n".join([
        f"{details.name}\n{details.reply_to}",
        long_date(today),
        f"To: the data protection team, {site}",
        _wrap("Subject: Request to erase my personal data, and objection to its processing "
              "(UK GDPR)"),
        "Dear data protection team,",
        _wrap("I am writing to ask you to erase my personal data and to stop processing it. I "
              "make this request to erase, and this objection to processing, under the UK "
              "General Data Protection Regulation (UK GDPR)."),
        where,
        "Please:",
        "\n".join([
            _wrap(f"erase all the personal data you hold about me, {held};", "  1. "),
            _wrap("stop processing my personal data, including publishing, selling or "
                  "sharing it, and do not add it again from other sources;", "  2. "),
            _wrap("confirm to me in writing, at the address above, when you have done this.",
                  "  3. "),
        ]),
        _wrap("You must reply to this request within one month of receiving it. I have kept "
              "the personal details in this letter to a minimum on purpose; if you need "
              "anything more to find my data, please tell me what you need and why."),
        _wrap("If I do not receive a reply within one month, or I am not satisfied with your "
              "reply, I may complain to the Information Commissioner's Office (ICO)."),
        "Yours faithfully,",
        details.name,
    ]) + "\n"


def _wrap(text: str, first: str = "") -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=first,
                         subsequent_indent=" " * len(first), break_long_words=False,
                         break_on_hyphens=False)
