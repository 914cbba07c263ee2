"""What the public record of your own domain shows about you (RDAP, research/footprint.md §7).

The registry for a top-level domain is found through IANA's bootstrap file `dns.json` (RFC 9224):
a list of `[[tlds...], [base URLs...]]`. It is public data, cached in the vault and fetched
again when 30 days old or on request. The registry is asked for `{base}domain/{name}`. Thin
registries (.com, .net) keep no contact details themselves: their answer carries a `links`
entry with rel "related" pointing at the registrar's RDAP server, which has them.

Following that link is a second consent step, not something planned up front. The registrar's
host is only known once the registry has answered, and the transport sends only requests an
approved plan names exactly, so a first plan could at best say "and possibly some registrar",
which names no host and could not be enforced. Asking again, with the host named, is the
honest way: the user sees exactly where the domain name goes before it goes there. (`--yes`
approves both.) A redirect from the registry is handled the same way.

For each contact role (registrant, administrative, technical) the report says which vCard
fields are exposed (name, organisation, postal address, phone, email) and which are redacted:
named in the RFC 9537 `redacted` array, or replaced by a placeholder such as "REDACTED FOR
PRIVACY" or a privacy service's details. Every answer is untrusted: size-capped by the
transport, parsed by orjson (which refuses nesting deeper than 1024 levels instead of
recursing), walked only along the paths read here, with caps on every list.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urljoin, urlsplit

from kit.errors import BadInput, NetworkFailed, NetworkRefused, NotFound, UsageError
from kit.footprint.plan import Plan, PlannedRequest, host_of, url_problem
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.footprint.transport import LedgerEntry, Response, Transport
    from kit.records.findings import Finding, Findings
    from kit.records.ledger import Ledger
    from kit.vault import Problem, Record, Vault

CHECK = "domain"
SOURCE = "domain"  # the findings register's source for what this check finds
FIX_ITEM = "records-domain-whois"
ENV_URL = "KIT_RDAP_URL"
DEFAULT_URL = "https://data.iana.org/rdap/"
BOOTSTRAP_FILE = "dns.json"
BOOTSTRAP_MAX_AGE = timedelta(days=30)
CACHE_KIND = "rdap_bootstrap"
MAX_BOOTSTRAP_BYTES = 2_000_000  # dns.json is about 100 kB
MAX_RDAP_BYTES = 1_000_000  # a domain record is a few kB
MAX_SERVICES = 5000
MAX_TLDS_PER_SERVICE = 5000
MAX_URLS_PER_SERVICE = 10
MAX_URL = 500
MAX_LIST = 200  # entities, links, vCard properties, redactions: more is not a real record
MAX_ENTITY_DEPTH = 3  # entities nest (a registrar's abuse contact); deeper is not followed
MAX_SHOWN = 120  # characters of an exposed value shown and kept
MAX_FOLLOW = 2  # further servers after the registry: one redirect, one registrar
ACCEPT: Final = (("Accept", "application/rdap+json"),)

ROLES: Final = ("registrant", "administrative", "technical")
ROLE_WORDS: Final = {"registrant": "registrant (the domain's holder)",
                     "administrative": "administrative contact",
                     "technical": "technical contact"}
FIELDS: Final = ("fn", "org", "adr", "tel", "email")
FIELD_WORDS: Final = {"fn": "name", "org": "organisation", "adr": "postal address",
                      "tel": "phone number", "email": "email address"}
# States, most revealing first.
STATES: Final = ("exposed", "partial", "redacted", "absent")
_RANK: Final = {"exposed": 3, "partial": 2, "redacted": 1, "absent": 0}

# Words registries and registrars put in place of the real value (lower case), including the
# names privacy and proxy services go by.
PLACEHOLDERS: Final = (
    "redacted", "data protected", "not disclosed", "non-disclosed", "withheld", "privacy",
    "proxy", "gdpr", "non-public", "not public", "masked", "hidden", "protect", "private",
    "not available", "statutory masking", "please query the rdds", "contact the registrar",
)


# --- the domain name, checked before anything is planned ---


@dataclass(frozen=True)
class DomainName:
    ascii: str  # the A-label form, as sent
    unicode: str  # as people read it

    @property
    def tld(self) -> str:
        return self.ascii.rsplit(".", 1)[-1]

    @property
    def shown(self) -> str:
        return self.unicode if self.unicode == self.ascii else f"{self.unicode} ({self.ascii})"

    def __str__(self) -> str:
        return self.ascii


def parse_domain(text: str) -> DomainName:
    """A registered domain name, IDNA-checked (UTS 46 mapping, IDNA 2008 rules); a clear
    UsageError for anything else, so nothing is planned for it."""
    import idna  # here: it loads large tables

    if not isinstance(text, str):
        raise UsageError("the domain must be text")
    name = text.strip()
    example = "give the domain name alone, for example example.co.uk"
    if not name:
        raise UsageError(f"no domain given; {example}")
    if "://" in name or "/" in name or "@" in name or any(c.isspace() for c in name):
        raise UsageError(f"{name[:80]!r} is not a domain name; {example}")
    name = name.removesuffix(".")
    try:
        ascii_name = idna.encode(name, uts46=True).decode("ascii").lower()
        unicode_name = idna.decode(ascii_name)
    except (idna.IDNAError, UnicodeError, ValueError):
        raise UsageError(f"{name[:80]!r} is not a valid domain name; {example}") from None
    labels = ascii_name.split(".")
    if len(labels) < 2:
        raise UsageError(f"{name[:80]!r} is a top-level domain on its own; {example}")
    if len(ascii_name) > 253 or labels[-1].isdigit():
        raise UsageError(f"{name[:80]!r} is not a domain name; {example}")
    return DomainName(ascii_name, unicode_name)


# --- untrusted JSON ---


def load_json(body: bytes, where: str) -> dict[str, Any]:
    """One JSON object from a remote answer; NetworkFailed (a remote-service failure) if the
    answer is anything else. orjson refuses deep nesting rather than recursing."""
    import orjson

    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise NetworkFailed(f"the answer from {where} is not valid JSON; it was not "
                            "used") from None
    if not isinstance(doc, dict):
        raise NetworkFailed(f"the answer from {where} is not an RDAP record; it was not used")
    return doc


def _items(value: object, limit: int = MAX_LIST) -> list[Any]:
    return value[:limit] if isinstance(value, list) else []


def _texts(value: object, depth: int = 0) -> Iterator[str]:
    """Every string in a vCard value (structured values are lists of strings or lists)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list) and depth < 3:
        for item in value[:20]:
            yield from _texts(item, depth + 1)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "\u2026"


# --- the bootstrap ---


def bootstrap_url() -> str:
    """KIT_RDAP_URL (tests point it at loopback) or IANA's, with dns.json after it."""
    base = os.environ.get(ENV_URL) or DEFAULT_URL
    url = base if base.endswith("/") else base + "/"
    url += BOOTSTRAP_FILE
    problem = url_problem(url)
    if problem:
        raise BadInput(f"{ENV_URL} {problem}; nothing was sent")
    return url


@dataclass(frozen=True)
class Bootstrap:
    """IANA's list of which RDAP server answers for which top-level domains."""

    services: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    publication: str
    fetched_at: datetime
    source: str
    id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def is_stale(self, now: datetime) -> bool:
        return now - self.fetched_at >= BOOTSTRAP_MAX_AGE

    def registry_for(self, domain: DomainName) -> str | None:
        """The base URL (ending in "/") of the registry for *domain*: the longest listed
        suffix wins (RFC 9224 §4), https preferred."""
        index: dict[str, tuple[str, ...]] = {}
        for tlds, urls in self.services:
            for tld in tlds:
                index.setdefault(tld, urls)
        labels = domain.ascii.split(".")
        for start in range(1, len(labels)):
            listed = index.get(".".join(labels[start:]))
            if listed:
                best = sorted(listed, key=lambda u: not u.startswith("https://"))[0]
                return best if best.endswith("/") else best + "/"
        return None

    def to_data(self) -> dict[str, Any]:
        return {**self.extra, "source": self.source, "publication": self.publication,
                "fetched_at": self.fetched_at.isoformat(),
                "services": [[list(t), list(u)] for t, u in self.services]}


def parse_bootstrap(doc: Mapping[str, Any], *, fetched_at: datetime, source: str) -> Bootstrap:
    """The services of a bootstrap document, checked and capped; ValueError if there are none.
    URLs the transport would refuse (plain http to the internet) are left out."""
    services: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for entry in _items(doc.get("services"), MAX_SERVICES):
        if not isinstance(entry, list) or len(entry) < 2:
            continue
        tlds = tuple(dict.fromkeys(
            t.strip(".").lower() for t in _items(entry[0], MAX_TLDS_PER_SERVICE)
            if isinstance(t, str) and 0 < len(t) <= 253 and t.isascii()
            and not any(c.isspace() or c in "/?#@" for c in t)))
        urls = tuple(u for u in _items(entry[1], MAX_URLS_PER_SERVICE)
                     if isinstance(u, str) and len(u) <= MAX_URL and not url_problem(u)
                     and not urlsplit(u).query)
        if tlds and urls:
            services.append((tlds, urls))
    if not services:
        raise ValueError("it lists no registry the kit can use")
    publication = doc.get("publication")
    return Bootstrap(tuple(services), publication[:40] if isinstance(publication, str) else "",
                     fetched_at, source[:MAX_URL])


class BootstrapCache:
    """The cached bootstrap in one vault: public data, kept so most checks need one request
    less. Two devices may each have saved one: the newest counts, the other is left as is."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._current: Bootstrap | None = None
        self._loaded = False
        self.problems: list[Problem] = []

    def current(self) -> Bootstrap | None:
        if not self._loaded:
            from kit.vault import Problem  # here: the CLI imports this module at start

            read, self.problems = read_kind(
                self.source, CACHE_KIND, _from_record, lambda r: Problem(
                    "unreadable_rdap_bootstrap", f"the cached list of domain registries ({r.id}) "
                    "has a shape this version of the kit cannot read; it was left untouched",
                    r.id))
            # The first of the newest, should two devices have fetched at the same moment.
            newest = max(read.values(), key=lambda b: b.fetched_at, default=None)
            self._current, self._loaded = newest, True
        return self._current

    def needs_refresh(self, now: datetime) -> bool:
        """None cached yet, or one 30 days old or more."""
        current = self.current()
        return current is None or current.is_stale(now)

    def save(self, bootstrap: Bootstrap) -> Bootstrap:
        """Replace the cached bootstrap with a newly fetched one."""
        old = self.current()
        fresh = dataclasses.replace(bootstrap, id=old.id if old else None,
                                    extra=old.extra if old else {})
        record = self.vault.put(CACHE_KIND, fresh.to_data(), record_id=fresh.id)
        saved = dataclasses.replace(fresh, id=record.id)
        self._current = saved
        return saved


def _from_record(record: Record) -> Bootstrap:
    d = record.data
    fetched_at = datetime.fromisoformat(d["fetched_at"])
    if fetched_at.tzinfo is None:
        raise ValueError("fetched_at has no time zone")
    source = d.get("source", "")
    if not isinstance(source, str):
        raise TypeError("source must be text")
    parsed = parse_bootstrap(d, fetched_at=fetched_at, source=source)
    known = {"source", "publication", "fetched_at", "services"}
    return dataclasses.replace(parsed, id=record.id,
                               extra={k: v for k, v in d.items() if k not in known})


# --- plans ---


def bootstrap_plan(url: str) -> Plan:
    host = host_of(url)
    return Plan(CHECK, f"Download the public list of domain registries ({BOOTSTRAP_FILE}) from "
                f"{host}, to find which registry to ask. Nothing about you or your domain is "
                "sent.", (PlannedRequest("GET", url, ("nothing about you: a request for the "
                                                      f"public file {BOOTSTRAP_FILE}",),
                                         headers=(("Accept", "application/json"),),
                                         max_bytes=MAX_BOOTSTRAP_BYTES),))


def lookup_request(domain: DomainName, url: str) -> PlannedRequest:
    return PlannedRequest("GET", url, (f"your domain name: {domain.ascii}",), headers=ACCEPT,
                          max_bytes=MAX_RDAP_BYTES)


def registry_plan(domain: DomainName, base: str) -> Plan:
    url = f"{base}domain/{domain.ascii}"
    host = host_of(url)
    return Plan(CHECK, f"Ask the registry for .{domain.tld} ({host}) for the public record of "
                f"{domain.ascii}: your domain name is sent to {host}.",
                (lookup_request(domain, url),))


def follow_plan(domain: DomainName, url: str, why: str) -> Plan:
    """A second server the first answer pointed to; *why* says how it came up."""
    host = host_of(url)
    return Plan(CHECK, f"{why} Ask it too: your domain name is sent to {host}.",
                (lookup_request(domain, url),))


# --- reading a domain record ---


@dataclass(frozen=True)
class FieldReport:
    field: str  # fn | org | adr | tel | email
    state: str  # exposed | partial | redacted | absent
    shown: str = ""  # the value as shown, when exposed or partial
    how: str = ""  # how it was judged redacted

    @property
    def label(self) -> str:
        return FIELD_WORDS[self.field]

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "state": self.state,
                "shown": self.shown, "how": self.how}


@dataclass(frozen=True)
class RoleReport:
    role: str
    in_record: bool  # an entity with this role, or a redaction naming it, is in the record
    fields: tuple[FieldReport, ...]

    def having(self, *states: str) -> list[FieldReport]:
        return [f for f in self.fields if f.state in states]

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "in_record": self.in_record,
                "fields": [f.to_json() for f in self.fields]}


@dataclass(frozen=True)
class SourceReport:
    """What one server's answer showed (or why there is none)."""

    kind: str  # registry | registrar | redirect
    url: str
    status: str  # found | failed | declined | skipped
    roles: tuple[RoleReport, ...] = ()
    registrar: str = ""  # the registrar's name, as the record gives it
    message: str = ""

    @property
    def host(self) -> str:
        return host_of(self.url)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.url, "host": self.host, "status": self.status,
                "registrar": self.registrar, "message": self.message,
                "roles": [r.to_json() for r in self.roles]}


def _stand_in(text: str) -> str:
    """How a placeholder is described: the words shown in place of the value."""
    text = " ".join(text.split())
    return f'"{text if len(text) <= 60 else text[:59] + chr(0x2026)}" is shown in its place'


def _placeholder(text: str) -> str:
    """The placeholder word found in *text*, or ""."""
    lowered = text.lower()
    return next((word for word in PLACEHOLDERS if word in lowered), "")


def _judge(prop_name: str, params: object, value: object) -> FieldReport:
    """One vCard property's value: exposed, partial (an address down to region or country
    only), redacted (a placeholder or stand-in) or absent (empty)."""
    if prop_name == "adr":
        parts = [" ".join(_texts(p)).strip() for p in _items(value, 7)] \
            if isinstance(value, list) else [" ".join(_texts(value)).strip()]
        parts += [""] * (7 - len(parts))
        label = params.get("label") if isinstance(params, dict) else None
        if isinstance(label, str) and label.strip():
            parts[2] = parts[2] or label
        detailed = [p for i, p in enumerate(parts) if i in (0, 1, 2, 3, 5) and p]
        broad = [p for i, p in enumerate(parts) if i in (4, 6) and p]
        hidden = next((p for p in detailed + broad if _placeholder(p)), "")
        real_detailed = [p for p in detailed if not _placeholder(p)]
        real_broad = [p for p in broad if not _placeholder(p)]
        shown = _clip(", ".join(real_detailed + real_broad))
        if real_detailed:
            return FieldReport("adr", "exposed", shown)
        if real_broad:
            return FieldReport("adr", "partial", shown, "only the region or country is shown")
        if hidden:
            return FieldReport("adr", "redacted", how=_stand_in(hidden))
        return FieldReport("adr", "absent")
    text = " ".join(t.strip() for t in _texts(value) if t.strip())
    if prop_name == "tel":
        text = text.removeprefix("tel:")
    if prop_name == "email":
        text = text.removeprefix("mailto:")
    if not text:
        return FieldReport(prop_name, "absent")
    if _placeholder(text):
        return FieldReport(prop_name, "redacted", how=_stand_in(text))
    if prop_name == "email" and "@" not in text:
        return FieldReport(prop_name, "redacted", how="a contact form is given instead")
    if prop_name == "tel" and sum(c.isdigit() for c in text) < 5:
        return FieldReport(prop_name, "redacted", how="no usable number is given")
    return FieldReport(prop_name, "exposed", _clip(text))


def _vcard(entity: Mapping[str, Any]) -> list[list[Any]]:
    card = entity.get("vcardArray")
    if not isinstance(card, list) or len(card) < 2 or card[0] != "vcard":
        return []
    return [p for p in _items(card[1]) if isinstance(p, list) and len(p) >= 4
            and isinstance(p[0], str)]


def _entities(holder: Mapping[str, Any], depth: int = 0) -> Iterator[Mapping[str, Any]]:
    for entity in _items(holder.get("entities")):
        if isinstance(entity, dict):
            yield entity
            if depth + 1 < MAX_ENTITY_DEPTH:
                yield from _entities(entity, depth + 1)


def _roles(entity: Mapping[str, Any]) -> set[str]:
    return {r.lower() for r in _items(entity.get("roles"), 20) if isinstance(r, str)}


_ROLE_TEXT: Final = (("registrant", "registrant"), ("admin", "administrative"),
                     ("tech", "technical"))
_FIELD_TEXT: Final = (("email", "email"), ("e-mail", "email"), ("phone", "tel"),
                      ("fax", "tel"), ("street", "adr"), ("city", "adr"), ("postal", "adr"),
                      ("address", "adr"), ("organi", "org"), ("name", "fn"))
_PATH_ROLE = re.compile(r"['\"](registrant|administrative|technical)['\"]")
_PATH_FIELD = re.compile(r"['\"](fn|org|adr|tel|email)['\"]")


def redactions(doc: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    """(role, field) -> method, from the RFC 9537 `redacted` array: each member's registered
    name ("Registrant Phone") or its JSONPath ($.entities[?(@.roles[0]=='registrant')]...)."""
    found: dict[tuple[str, str], str] = {}
    for member in _items(doc.get("redacted")):
        if not isinstance(member, dict):
            continue
        name = member.get("name")
        words = " ".join(v for v in (name.get("type"), name.get("description"))
                         if isinstance(v, str)) if isinstance(name, dict) else ""
        paths = " ".join(p for p in (member.get("prePath"), member.get("postPath"),
                                     member.get("replacementPath")) if isinstance(p, str))
        method = member.get("method")
        method = method if isinstance(method, str) and len(method) < 40 else "removal"
        lowered = words.lower()
        role = next((r for word, r in _ROLE_TEXT if word in lowered), None)
        if role is None and (m := _PATH_ROLE.search(paths[:2000])):
            role = m.group(1)
        # "Registry Registrant ID" names an identifier, not a personal field.
        field_name = None if " id" in f"{lowered} " and "registry" in lowered else next(
            (f for word, f in _FIELD_TEXT if word in lowered), None)
        if field_name is None and (m := _PATH_FIELD.search(paths[:2000])):
            field_name = m.group(1)
        if role in ROLES and field_name in FIELDS:
            found.setdefault((role, field_name), method)
    return found


def analyse(doc: Mapping[str, Any], *, kind: str, url: str) -> SourceReport:
    """Which personal fields of each contact role the record exposes or redacts."""
    best: dict[tuple[str, str], FieldReport] = {}
    present: set[str] = set()
    registrar = ""
    for entity in _entities(doc):
        roles = _roles(entity)
        props = _vcard(entity)
        if "registrar" in roles and not registrar:
            registrar = next((_clip(" ".join(_texts(p[3]))) for p in props if p[0] == "fn"), "")
        for role in roles & set(ROLES):
            present.add(role)
            for prop in props:
                name = prop[0].lower()
                if name not in FIELDS:
                    continue
                judged = _judge(name, prop[1], prop[3:] if name != "adr" else prop[3])
                old = best.get((role, name))
                if old is None or _RANK[judged.state] > _RANK[old.state]:
                    best[(role, name)] = judged
    for (role, name), method in redactions(doc).items():
        present.add(role)
        old = best.get((role, name), FieldReport(name, "absent"))
        how = f"marked redacted by the server ({method})"
        if old.state == "absent" or (old.state == "exposed" and method == "replacementValue"
                                     and name != "adr"):
            best[(role, name)] = FieldReport(name, "redacted", how=how)
        elif old.state == "exposed" and method == "partialValue":
            best[(role, name)] = dataclasses.replace(old, state="partial", how=how)
    reports = tuple(RoleReport(role, role in present, tuple(
        best.get((role, f), FieldReport(f, "absent")) for f in FIELDS)) for role in ROLES)
    return SourceReport(kind, url, "found", reports, registrar)


def _same_lookup(url: str, domain: DomainName) -> bool:
    """A plain domain lookup for this very domain: the only thing another server is asked."""
    parts = urlsplit(url)
    return not parts.query and not parts.fragment and \
        parts.path.lower().endswith(f"/domain/{domain.ascii}")


def related_link(doc: Mapping[str, Any], domain: DomainName, current: str) -> str | None:
    """The registrar's RDAP URL for this domain, from a `links` entry with rel "related"."""
    for link in _items(doc.get("links")):
        if not isinstance(link, dict) or link.get("rel") != "related":
            continue
        href, kind = link.get("href"), link.get("type")
        if not isinstance(href, str) or len(href) > MAX_URL:
            continue
        if isinstance(kind, str) and "rdap" not in kind.lower() and "json" not in kind.lower():
            continue  # the registrar's web page, not its RDAP server
        url = urljoin(current, href)
        if url != current and not url_problem(url) and _same_lookup(url, domain):
            return url
    return None


# --- the check ---


Approve = Callable[[Plan], None]  # returns once approved; raises NetworkRefused if not


@dataclass(frozen=True)
class DomainReport:
    domain: DomainName
    bootstrap: Bootstrap
    bootstrap_refreshed: bool
    sources: tuple[SourceReport, ...]
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()  # recorded or updated by this run
    cleared: tuple[Finding, ...] = ()  # open before, no longer found: marked fixed

    @property
    def complete(self) -> bool:
        """Every server asked answered, so what is not exposed is known not to be."""
        return bool(self.sources) and all(s.status == "found" for s in self.sources)

    def exposed(self) -> dict[str, list[tuple[SourceReport, FieldReport]]]:
        """role -> the exposed or partial fields, with the server that showed each."""
        found: dict[str, list[tuple[SourceReport, FieldReport]]] = {}
        for source in self.sources:
            for role in source.roles:
                for f in role.having("exposed", "partial"):
                    found.setdefault(role.role, []).append((source, f))
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "domain": self.domain.ascii, "domain_unicode": self.domain.unicode,
            "bootstrap": {"source": self.bootstrap.source,
                          "publication": self.bootstrap.publication,
                          "fetched_at": self.bootstrap.fetched_at.isoformat(),
                          "refreshed": self.bootstrap_refreshed},
            "complete": self.complete,
            "sources": [s.to_json() for s in self.sources],
            "exposed": {role: sorted({f.field for _, f in hits})
                        for role, hits in self.exposed().items()},
            "notes": list(self.notes),
            "findings": [f.to_json() for f in self.findings],
            "cleared": [f.to_json() for f in self.cleared],
        }


def _severity(fields: Iterable[FieldReport]) -> str:
    full = {f.field for f in fields if f.state == "exposed"}
    if full & {"adr", "tel"}:
        return "high"
    if full & {"email", "fn"}:
        return "medium"
    return "low"


def _listed(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def record_findings(register: Findings, report: DomainReport, *,
                    now: datetime | None = None) -> tuple[list[Finding], list[Finding]]:
    """One finding per contact role with a field exposed in full, keyed by domain and role
    (an address shown down to region or country only is listed in it, but is not a finding
    on its own: that is what a properly redacted record shows). When every server answered,
    a role no longer exposed has its open finding marked fixed."""
    recorded: list[Finding] = []
    cleared: list[Finding] = []
    exposed = report.exposed()
    domain = report.domain
    for role in ROLES:
        key = f"{domain.ascii} {role}"
        hits = exposed.get(role, [])
        if not any(f.state == "exposed" for _, f in hits):
            if report.complete:
                gone = register.record_gone(SOURCE, key, now=now)
                if gone is not None:
                    cleared.append(gone)
            continue
        fields: dict[str, FieldReport] = {}
        for _, f in hits:
            if f.field not in fields or _RANK[f.state] > _RANK[fields[f.field].state]:
                fields[f.field] = f
        ordered = [fields[f] for f in FIELDS if f in fields]
        words = [f.label + (" (region or country only)" if f.state == "partial" else "")
                 for f in ordered]
        owner = {"registrant": "the registrant's", "administrative": "the admin contact's",
                 "technical": "the technical contact's"}[role]
        full = [f.label for f in ordered if f.state == "exposed"]
        title = f"{domain.unicode}: {owner} {_listed(full)} " \
            f"{'is' if len(full) == 1 else 'are'} public in the domain record"
        values = "; ".join(f"{f.label}: {f.shown}" for f in ordered if f.shown)
        exposed_text = (f"Anyone can look up the public record of {domain.shown}. For the "
                        f"{ROLE_WORDS[role]} it shows the {_listed(words)}."
                        + (f" Shown: {values}." if values else ""))
        servers = sorted({f"{s.url} ({s.kind})" for s, _ in hits})
        evidence = "RDAP " + "; ".join(servers)
        recorded.append(register.record(SOURCE, key, title, exposed_text,
                                        _severity(ordered), evidence, FIX_ITEM, now=now))
    return recorded, cleared


def _send(transport: Transport, plan: Plan, timeout: float,
          entries: list[LedgerEntry]) -> Response:
    session = transport.open(plan, approved=True)
    try:
        return session.send(plan.requests[0], timeout=timeout)
    finally:
        session.close()
        entries.extend(session.entries)


def _refused_answer(response: Response, host: str) -> NetworkFailed:
    if response.status == 429:
        wait = response.headers.get("retry-after", "").strip()
        later = f"in {wait} seconds" if wait.isdigit() else "later"
        return NetworkFailed(f"{host} is limiting requests (HTTP 429); try again {later}")
    if response.status in (401, 403):
        return NetworkFailed(f"{host} refused the request (HTTP {response.status}); some "
                             "registries allow only a few lookups, or none through Tor")
    return NetworkFailed(f"{host} answered HTTP {response.status}; nothing from it was used")


def _fetch_bootstrap(transport: Transport, approve: Approve, timeout: float,
                     entries: list[LedgerEntry], now: datetime) -> Bootstrap:
    url = bootstrap_url()
    plan = bootstrap_plan(url)
    approve(plan)
    response = _send(transport, plan, timeout, entries)
    host = host_of(url)
    if response.status != 200:
        raise _refused_answer(response, host)
    if response.truncated:
        raise NetworkFailed(f"the list of registries from {host} was larger than "
                            f"{MAX_BOOTSTRAP_BYTES:,} bytes; it was not used")
    try:
        return parse_bootstrap(load_json(response.body, host), fetched_at=now, source=url)
    except ValueError as exc:
        raise NetworkFailed(f"the file from {host} is not a usable list of registries "
                            f"({exc}); it was not used") from None


def _lookup(transport: Transport, plan: Plan, domain: DomainName, kind: str, timeout: float,
            entries: list[LedgerEntry]) -> tuple[SourceReport | None, dict[str, Any] | str]:
    """(report, document) for a found record, or (None, next URL) for a redirect; raises for
    anything else."""
    request = plan.requests[0]
    response = _send(transport, plan, timeout, entries)
    host = request.host
    if response.status in (301, 302, 303, 307, 308):
        location = response.headers.get("location", "")
        target = urljoin(request.url, location) if location else ""
        if target and len(target) <= MAX_URL and not url_problem(target) and \
                _same_lookup(target, domain) and target != request.url:
            return None, target
        raise NetworkFailed(f"{host} pointed elsewhere, to an address the kit does not "
                            "follow; nothing more was sent")
    if response.status == 404:
        if kind != "registry":
            raise NotFound(f"{host} has no record of {domain.ascii}")
        raise NotFound(f"{host} has no record of {domain.ascii}. Check the spelling, and give "
                       "the registered domain (example.co.uk, not www.example.co.uk)")
    if response.status != 200:
        raise _refused_answer(response, host)
    if response.truncated:
        raise NetworkFailed(f"the answer from {host} was larger than {MAX_RDAP_BYTES:,} "
                            "bytes; it was not used")
    doc = load_json(response.body, host)
    return analyse(doc, kind=kind, url=request.url), doc


def check_domain(name: str, *, transport: Transport, approve: Approve, cache: BootstrapCache,
                 findings: Findings, ledger: Ledger, timeout: float, refresh: bool = False,
                 now: datetime | None = None) -> DomainReport:
    """The whole check: the name checked, the bootstrap from the cache (or fetched, after
    approval), the registry asked (after approval), a redirect or the registrar's server asked
    (each after its own approval), findings recorded, and every request saved to the ledger
    whether the check worked or not.

    Raises UsageError (bad name; nothing sent), NotFound (no registry for the TLD; nothing
    about the domain sent), NetworkRefused (not approved or offline), NetworkFailed (the
    registry failed or answered nonsense). A failure or refusal at the registrar's server
    is reported in its SourceReport instead: the registry's answer still counts.
    """
    domain = parse_domain(name)
    stamp = now or datetime.now(UTC)
    entries: list[LedgerEntry] = []
    notes: list[str] = []
    try:
        cached = cache.current()
        refreshed = False
        if refresh or cached is None or cached.is_stale(stamp):
            try:
                bootstrap = cache.save(_fetch_bootstrap(transport, approve, timeout, entries,
                                                        stamp))
                refreshed = True
            except (NetworkFailed, NetworkRefused) as exc:
                # Declined or failed, an older copy still names the right registry in all
                # but the rarest cases (a registry that moved this month).
                if cached is None:
                    raise
                notes.append(f"The list of registries was not refreshed ({exc.message}); "
                             f"the copy from {cached.fetched_at:%Y-%m-%d} was used.")
                bootstrap = cached
        else:
            bootstrap = cached
        base = bootstrap.registry_for(domain)
        if base is None:
            when = f"{bootstrap.fetched_at:%Y-%m-%d}"
            raise NotFound(
                f"no RDAP server is listed for .{domain.tld} in IANA's list of registries "
                f"(fetched {when}), so the kit cannot look {domain.ascii} up; nothing about "
                "it was sent. Many country-code registries publish no RDAP; use the "
                "registry's own WHOIS search instead"
                + ("" if refreshed else ", or run again with --refresh-bootstrap if the list "
                   "may be out of date"))
        plan = registry_plan(domain, base)
        approve(plan)
        kind = "registry"
        report, doc = _lookup(transport, plan, domain, kind, timeout, entries)
        sources: list[SourceReport] = []
        for hop in range(MAX_FOLLOW + 1):
            if report is not None:
                sources.append(report)
                link = related_link(doc, domain, report.url) if isinstance(doc, dict) and \
                    kind == "registry" else None
                if link is None:
                    break
                why = (f"The record from {report.host} points to the registrar's RDAP server, "
                       f"{host_of(link)}, which holds the contact details.")
                next_url, kind = link, "registrar"
            else:
                assert isinstance(doc, str)
                why = f"{host_of(plan.requests[0].url)} sent the question on to {host_of(doc)}."
                next_url = doc
            if hop == MAX_FOLLOW:
                if not sources:
                    raise NetworkFailed(f"{host_of(next_url)} was reached through "
                                        f"{MAX_FOLLOW} redirects and pointed on again; the kit "
                                        "stopped there")
                notes.append(f"{host_of(next_url)} was not asked: the kit follows at most "
                             f"{MAX_FOLLOW} further servers.")
                break
            try:
                plan = follow_plan(domain, next_url, why)
                approve(plan)
                report, doc = _lookup(transport, plan, domain, kind, timeout, entries)
            except (NetworkRefused, NetworkFailed, NotFound) as exc:
                if not sources:  # the registry's whole answer was the redirect
                    raise
                status = "declined" if isinstance(exc, NetworkRefused) else "failed"
                sources.append(SourceReport(kind, next_url, status, message=exc.message))
                break
    finally:
        ledger.add(entries)
    result = DomainReport(domain, bootstrap, refreshed, tuple(sources), tuple(notes))
    recorded, cleared = record_findings(findings, result, now=now)
    return dataclasses.replace(result, findings=tuple(recorded), cleared=tuple(cleared))
