"""Self-search queries: the searches someone looking for you would type, as links you open
yourself. Pure and offline: the kit builds the addresses and never fetches them; a browser opens
one only when you ask (`kit search-queries --open N`).

The searches follow the checklist step "Search for your name, usernames, phone number and
address" (audit-search-yourself): each name in quotation marks, on its own and with your town;
each username, email address and phone number; at least three search engines, since they show
different results; image results too. People-search and public-record sites get a `site:`
search each, so a listing shows up without visiting the site's own search (which would tell it
who is looking).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from kit.records.search_details import SearchDetails


@dataclass(frozen=True)
class Engine:
    id: str
    name: str
    address: str  # the search page; the query goes in its `q` parameter
    extra: tuple[tuple[str, str], ...] = ()  # other parameters, such as image results


GOOGLE = Engine("google", "Google", "https://www.google.com/search")
BING = Engine("bing", "Bing", "https://www.bing.com/search")
DUCKDUCKGO = Engine("duckduckgo", "DuckDuckGo", "https://duckduckgo.com/")
GOOGLE_IMAGES = Engine("google-images", "Google Images", "https://www.google.com/search",
                       (("udm", "2"),))
BING_IMAGES = Engine("bing-images", "Bing Images", "https://www.bing.com/images/search")
WEB: Final = (GOOGLE, BING, DUCKDUCKGO)
IMAGES: Final = (GOOGLE_IMAGES, BING_IMAGES)


@dataclass(frozen=True)
class Site:
    domain: str
    what: str  # what a listing there shows, for "looks for"
    fix_item: str


# UK people-finder and public-record sites where a name leads to an address or a job.
PEOPLE_SITES: Final = (
    Site("192.com", "a 192.com people-finder listing (name, address, relatives)",
         "search-people-finder-sites"),
    Site("ukphonebook.com", "a UK phone book listing with your name",
         "search-people-finder-sites"),
    Site("locatefamily.com", "a Locate Family listing (name and address)",
         "search-people-finder-sites"),
    Site("find-and-update.company-information.service.gov.uk",
         "a Companies House record (directors' names and addresses)",
         "records-companies-house"),
    Site("linkedin.com", "a LinkedIn profile showing your job and employer",
         "social-linkedin"),
)


@dataclass(frozen=True)
class Query:
    """One search, on one engine, with what it looks for."""

    number: int  # 1-based, the N of `--open N`
    engine: Engine
    text: str
    looks_for: str
    fix_item: str  # the checklist step for what it may turn up

    @property
    def url(self) -> str:
        return f"{self.engine.address}?{urlencode((('q', self.text), *self.engine.extra))}"

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "engine": self.engine.id,
                "engine_name": self.engine.name, "query": self.text,
                "looks_for": self.looks_for, "fix_item": self.fix_item, "url": self.url}


def quoted(value: str) -> str:
    return f'"{value}"'


def phone_forms(phone: str) -> tuple[str, ...]:
    """The ways a number is written on pages: as given, digits only, and the UK national or
    international form of it (07700 900123 and +44 7700 900123 are the same phone)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    forms = [phone.strip(), digits]
    if phone.strip().startswith("+44") or (digits.startswith("44") and len(digits) == 12):
        national = "0" + digits[2:]
        forms += [national, f"+44 {digits[2:]}"]
    elif digits.startswith("0") and len(digits) in (10, 11):
        forms += [f"+44 {digits[1:]}", f"+44{digits[1:]}"]
    return tuple(dict.fromkeys(f for f in forms if f))


def _searches(details: SearchDetails) -> Iterator[tuple[tuple[Engine, ...], str, str, str]]:
    """(engines, query text, looks for, fix item), most revealing first."""
    audit = "audit-search-yourself"
    for name in details.names:
        for town in details.towns:
            yield WEB, f"{quoted(name)} {quoted(town)}", \
                f"pages that link your name to {town}", audit
        yield WEB, quoted(name), "pages that mention your name exactly", audit
    for phone in details.phones:
        text = " OR ".join(quoted(f) for f in phone_forms(phone))
        yield WEB, text, "pages showing your phone number, written in its usual forms", audit
    for email in details.emails:
        yield WEB, quoted(email), "pages and lists showing this email address", audit
    for username in details.usernames:
        yield WEB, quoted(username), \
            "accounts and posts under this username on other sites", audit
    for name in details.names:
        for site in PEOPLE_SITES:
            yield (GOOGLE,), f"{quoted(name)} site:{site.domain}", site.what, site.fix_item
    for name in details.names:
        yield IMAGES, quoted(name), "photos of you, or photos captioned with your name", \
            "audit-reverse-image"


def build_queries(details: SearchDetails) -> list[Query]:
    """Every search for *details*, numbered from 1 in the order they are shown."""
    queries: list[Query] = []
    for engines, text, looks_for, fix_item in _searches(details):
        for engine in engines:
            queries.append(Query(len(queries) + 1, engine, text, looks_for, fix_item))
    return queries


def grouped(queries: list[Query]) -> list[tuple[str, str, list[Query]]]:
    """(query text, looks for, the engines' queries) in order, for showing one search once."""
    groups: list[tuple[str, str, list[Query]]] = []
    for query in queries:
        if groups and groups[-1][0] == query.text and groups[-1][1] == query.looks_for:
            groups[-1][2].append(query)
        else:
            groups.append((query.text, query.looks_for, [query]))
    return groups


def site_queries(names: Iterable[str], pages: Iterable[str]) -> list[Query]:
    """Searches for each of your *names* on the sites of *pages* (a removal request's), so a
    second look finds a listing that moved to another address, not only the one recorded.
    Links only: the kit never fetches them."""
    from urllib.parse import urlsplit

    hosts: list[str] = []
    for page in pages:
        host = (urlsplit(page).hostname or "").lower().removeprefix("www.")
        if host and host not in hosts:
            hosts.append(host)
    queries: list[Query] = []
    for host in hosts:
        for name in dict.fromkeys(n.strip() for n in names if n.strip()):
            queries.append(Query(len(queries) + 1, GOOGLE, f"{quoted(name)} site:{host}",
                                 f"pages on {host} that still show your name",
                                 "search-removal-follow-through"))
    return queries


def names_to_search(details: SearchDetails, my_name: str) -> tuple[str, ...]:
    """The names your searches use: those saved for searching, else the one in your details."""
    return details.names or ((my_name,) if my_name.strip() else ())
