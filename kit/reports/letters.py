"""Letters the kit writes for you. Today: a UK GDPR erasure and objection request to a
people-search site, with a request for the data's source and recipients.

Every legal point in the letter was compared with these pages (stored copies read on
7 December 2026 through the project's page store):

- ICO, "Right to erasure" (guide to the UK GDPR, for organisations):
  https://ico.org.uk/for-organisations/guide-to-dp/guide-to-the-uk-gdpr/individual-rights/right-to-erasure
  -- the right is in Article 17 of the UK GDPR; it is not absolute; a request can be made
  verbally or in writing; the organisation must respond "without undue delay and within one
  month of receipt"; it must inform anyone it shared the data with of the erasure.
- ICO, "Your right to get your data deleted" (for the public):
  https://ico.org.uk/for-the-public/your-right-to-get-your-data-deleted
  -- one of the cases where erasure applies is that you have objected and your interests
  outweigh the organisation's.
- ICO, "Right to object" (for organisations), Welsh-site copy of the English text:
  https://cy.ico.org.uk/for-organisations/guide-to-the-general-data-protection-regulation-gdpr/individual-rights/right-to-object/
  -- Article 21 of the UK GDPR; respond without undue delay and within one month; and
  ICO, "The right to object to the use of your data": you need to explain why the
  organisation should stop. The UK GDPR's Article 21(1) words are "on grounds relating to
  his or her particular situation", hence the letter's "my particular situation".
- ICO, "What is the right of access?" (for organisations):
  https://ico.org.uk/for-organisations/guide-to-data-protection/guide-to-the-general-data-protection-regulation-gdpr/right-of-access/what-is-the-right-of-access/
  -- a person is entitled to the recipients the data has been or will be disclosed to, and
  information about its source where it was not obtained from them. Article 15(1)(c)
  (recipients) and 15(1)(g) (source) were checked against the article's text (gdprhub.eu's
  copy of Article 15; the UK GDPR kept those paragraphs).

The next-steps note for the user (not part of the letter) names the search engines' own
routes. Google's was read on its own help page (stored copy of
https://support.google.com/websearch/answer/9673730: you can ask Google to remove results
showing your address, phone number or email address, or shared to harm you ("doxxing"); this
only removes links from Google Search). No Bing page with a current address could be read, so
Bing's route is named in words only (Microsoft's help page on reporting a concern about a
Bing result was read only in a Swedish copy). The name "Results about you" is Google's, as
press reports of the tool give it; research/doxing.md (item E2) names it too.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from datetime import date
from urllib.parse import urlsplit

from kit.errors import UsageError
from kit.records.incidents import MAX_SHORT, check_text, check_url
from kit.records.my_details import Details, check_details

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MAX_URLS = 100
WIDTH = 78
GOOGLE_PERSONAL_INFO = "https://support.google.com/websearch/answer/9673730"

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?:{_LABEL}\.)+[a-z][a-z0-9-]*[a-z0-9]$")


def long_date(day: date) -> str:
    """'5 March 2026', the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def site_host(site: str) -> str | None:
    """The host a --site stands for when it is a web address ('192.com', 'www.192.com',
    'https://www.192.com/people'), without 'www.'; None for a plain name ('PeopleFinder')."""
    text = site.strip()
    if not text or any(c.isspace() for c in text):
        return None
    try:
        host = urlsplit(text if "://" in text else f"//{text}").hostname
    except ValueError:
        return None
    if not host:
        return None
    host = _bare_host(host)
    return host if _DOMAIN.match(host) else None


def page_host(url: str) -> str:
    """The host of a checked web address, lower case, without 'www.'."""
    return _bare_host(urlsplit(url).hostname or "")


def on_site(url: str, host: str) -> bool:
    """True if the page is on the site or one of its subdomains (people.example,
    uk.people.example), never a look-alike (notpeople.example, people.example.evil)."""
    page = page_host(url)
    return page == host or page.endswith("." + host)


def letter_host(site: str, urls: Iterable[str]) -> str | None:
    """The host whose pages a letter to this site lists: --site when it is a web address,
    else the one host of the pages you named yourself; None if neither tells."""
    host = site_host(site)
    if host is not None:
        return host
    hosts = sorted({page_host(u) for u in urls})
    if len(hosts) > 1:
        raise UsageError(f"the pages are on more than one site ({', '.join(hosts)}): give the "
                         "site's web address as --site (for example --site 192.com) and write "
                         "one letter per site")
    return hosts[0] if hosts else None


def split_by_site(host: str | None, urls: Iterable[str]) -> tuple[list[str], list[str]]:
    """(pages on the site, pages elsewhere), each once, in the order given. With no host
    nothing can be matched, so every page is 'elsewhere'."""
    mine: list[str] = []
    others: list[str] = []
    for url in dict.fromkeys(urls):
        (mine if host is not None and on_site(url, host) else others).append(url)
    return mine, others


def erasure_letter(details: Details, site: str, urls: Sequence[str], today: date) -> str:
    """The letter as plain text. Needs your name and a reply address; every URL is checked,
    and only the pages on the site's own host (and its subdomains) are listed."""
    details = check_details(details)
    if not details.name:
        raise UsageError("the letter needs your name (--name)")
    if not details.reply_to:
        raise UsageError("the letter needs an address for their reply (--reply-to): an "
                         "email address or a postal address")
    site = check_text("site", site, MAX_SHORT, required=True, one_line=True)
    checked = [check_url(u, "url") for u in urls]
    pages, _elsewhere = split_by_site(letter_host(site, checked), checked)
    if len(pages) > MAX_URLS:
        raise UsageError(f"too many URLs for one letter ({len(pages)}; at most {MAX_URLS})")

    if pages:
        where = ("Your site shows my personal data, including on these pages:\n\n"
                 + "\n".join(f"  - {url}" for url in pages))
    else:
        where = wrap("Your site publishes personal data about me. I do not yet know the "
                      "addresses of the pages that show it, so please search your whole site "
                      "and your records for my name.")
    held = ("on the pages above and in any records, copies or listings behind them" if pages
            else "on your site and in any records, copies or listings behind it")
    return "\n\n".join([
        f"{details.name}\n{details.reply_to}",
        long_date(today),
        f"To: the data protection team, {site}",
        wrap("Subject: Request to erase my personal data (UK GDPR Article 17), objection to "
              "its processing (Article 21), and request for its source and recipients "
              "(Article 15)"),
        "Dear data protection team,",
        wrap("I am writing to ask you to erase my personal data and to stop processing (using) "
              "it. I make this request to erase under Article 17, and this objection to processing "
              "under Article 21, of the UK General Data Protection Regulation (UK GDPR)."),
        wrap("My particular situation: my details on your site put me and my family at risk. "
              "They have been used to find and target me in connection with my safeguarding "
              "work. Publishing someone's details in this way, so that others can harass or "
              "harm them, is known as doxing. My safety, and my family's, outweighs any "
              "interest in keeping these details published, and this is why I ask you to act "
              "without undue delay."),
        where,
        "Please:",
        "\n".join([
            wrap(f"erase all the personal data you hold about me, {held};", "  1. "),
            wrap("stop processing my personal data, including publishing, selling or "
                  "sharing it, and do not add it again from other sources;", "  2. "),
            wrap("tell me where you got my personal data from (its source), as Article "
                  "15(1)(g) of the UK GDPR allows;", "  3. "),
            wrap("tell me who you have passed it to or shared it with (the recipients), by "
                  "name, as Article 15(1)(c) allows, and tell each of them that you have "
                  "erased it;", "  4. "),
            wrap("confirm to me in writing, at the address above, when you have done this.",
                  "  5. "),
        ]),
        wrap("You must respond to this request without undue delay and within one month of "
              "receiving it. I have kept the personal details in this letter to a minimum on "
              "purpose; if you need anything more to find my data, please tell me what you "
              "need and why."),
        wrap("If I do not receive a reply within one month, or I am not satisfied with your "
              "reply, I may complain to the Information Commissioner's Office (ICO)."),
        "Yours faithfully,",
        details.name,
    ]) + "\n"


def next_steps(site: str) -> str:
    """A note for you, not for the site: what the letter does not reach."""
    return "\n\n".join([
        "Where to go next",
        wrap(f"The letter asks {site} to take your details down. Search engines may still "
              "show its pages, and other sites may copy them, so also ask "
              "the search engines to stop showing results with your personal details. This "
              "hides the results; it does not take the page down, which is why the letter "
              "still matters."),
        "\n".join([
            wrap("Google: the \"Results about you\" tool, or Google's request to remove "
                  "personal information from Google Search (your address, phone number or "
                  f"email address, or details shared to harm you): {GOOGLE_PERSONAL_INFO}",
                  "  - "),
            wrap("Bing: Microsoft's own form for reporting a concern about a Bing search "
                  "result and asking for it to be removed. The kit gives no web address for "
                  "it because it could not check a current one; search for \"Bing report a "
                  "concern\".", "  - "),
        ]),
    ]) + "\n"


def wrap(text: str, first: str = "") -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=first,
                         subsequent_indent=" " * len(first), break_long_words=False,
                         break_on_hyphens=False)
