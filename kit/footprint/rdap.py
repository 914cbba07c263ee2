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

Some registries name a contact only by reference: CZ.NIC's domain record gives the registrant
as a handle and a `self` link to /entity/HANDLE, where the details are. Those are asked for in
the same way, one more plan naming the host and every reference sent (never the domain name),
at most MAX_CONTACTS in a check. A contact not read (declined, offline, failed, past the limit,
or with no link to follow) is a gap: the report is then not `complete`, says why, and never
reads as "no personal details are shown"; nor are earlier findings marked fixed on its word.

For each contact role (registrant, administrative, technical) the report says which vCard
fields are exposed (name, organisation, postal address, phone, email) and which are redacted:
named in the RFC 9537 `redacted` array (by the member's name or JSONPath; a member naming no
role, such as "All top level entity Names" on $.entities[*], covers every contact; one naming
a whole contact covers all its fields), or replaced by a placeholder such as "REDACTED FOR
PRIVACY", "N/A", "+1.0000000000" or a privacy service's name. Every answer is untrusted:
size-capped by the transport, parsed by orjson (which refuses nesting deeper than 1024
levels instead of recursing), walked only along the paths read here, with caps on every list.

Why one long module: it is the whole of one check, in the order it happens (the name checked, the
bootstrap, the plans, reading the record, the contacts given only by reference, the check itself),
and the consent rule runs through all of it: each request it can make is planned here and nowhere
else. Reading a domain record (vCard, entities, redaction, RFC 9537 placeholders) is the long
section; it is pure, and could move out first if the module grows.
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
MAX_CONTACTS = 6  # contacts given only by reference, looked up in one check (CZ.NIC: 1-4)
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

# What registries and registrars put in place of a withheld value (research/footprint.md §7,
# ICANN's 2024 RDAP response profile, and real answers: GoDaddy, Tucows, Namecheap, .ru and
# .moscow registrars). Matched as phrases, not single words, so that a real street such as
# "Hidden Valley Road" or an organisation named "Privacy International" is not taken for a
# placeholder: calling a shown detail "redacted" is the one mistake this check must not make.
_PLACEHOLDER_PHRASES: Final = re.compile(r"""
    redact | \bgdpr\b | \bmasked\b | masking\b | \banonymi[sz]ed\b
  | \b(?:un|not\ |non-?|never\ )disclos | \bbe\ (?:publicly\ )?disclosed
  | \bdata\ protected\b | \bwithheld\b | \bnon-?public\b
  | \bnot\ (?:public|published|shown|available|visible|provided|included|applicable)\b
  | please\ query\ the\ rdds | contact\ the\ registrar | select\ contact\ domain\ holder
  | \bprivacy\ (?:service|protect|guard|shield|hero|administrator)
  | \b(?:whois|contact|domain|domains|registration|registrant|perfect|super|global|direct
       |private|data|withheld\ for)\ ?privacy
  | privacyguardian | contactprivacy | domainsbyproxy | whoisguard | whoisproxy | whoissecure
  | \bby\ proxy\b | \bproxy\ (?:service|protection|registration|contact)
  | \bidentity\ (?:protect|shield) | \bid\ shield
  | \bprivate\ (?:registration|person|registrant|whois|contact|user|by\ design)
  | \bregistration\ private | \bprotection\ of\ private\ person
""", re.IGNORECASE | re.VERBOSE)
# Placeholders that are the whole value ("N/A", "Private", "-", "xxxx").
_PLACEHOLDER_WHOLE: Final = re.compile(
    r"(?:n/?a|none|null|nil|unknown|private|privacy|personal|hidden|protected|confidential"
    r"|anonymous|undisclosed|withheld|redacted|not\s+applicable|[-.*x?_#/\s]+)",
    re.IGNORECASE)
# An email address at a privacy service's or registrar's forwarding domain.
_PLACEHOLDER_MAIL_DOMAIN: Final = re.compile(r"privacy|proxy|anonymi[sz]ed|redact|whois",
                                             re.IGNORECASE)


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


def contacts_plan(refs: Sequence[ContactRef], source: SourceReport) -> Plan:
    """Asking for the details of contacts *source*'s record names only by reference."""
    roles = [r for r in ROLES if any(r in ref.roles for ref in refs)]
    who = _listed([ROLE_WORDS[r].split(" (")[0] for r in roles])
    hosts = _listed(sorted({host_of(ref.url) for ref in refs}))
    handles = _listed([ref.handle for ref in refs])
    many = len(refs) > 1
    return Plan(CHECK, f"The record from {source.host} names the {who} only by "
                f"{'references' if many else 'a reference'}; the details are kept at {hosts}. "
                f"Ask for them: {'the references' if many else 'the reference'} {handles} "
                f"{'are' if many else 'is'} sent to {hosts}, not your domain name. Without "
                "this the kit cannot tell whether they show personal details.",
                tuple(PlannedRequest("GET", ref.url, (ref.sends,), headers=ACCEPT,
                                     max_bytes=MAX_RDAP_BYTES) for ref in refs))


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
    # References (handles) of contacts with this role that the record names without their
    # details: what they hold is elsewhere (looked up as a "contact" source, or a gap).
    referred: tuple[str, ...] = ()

    def having(self, *states: str) -> list[FieldReport]:
        return [f for f in self.fields if f.state in states]

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "in_record": self.in_record,
                "only_by_reference": list(self.referred),
                "fields": [f.to_json() for f in self.fields]}


@dataclass(frozen=True)
class SourceReport:
    """What one server's answer showed (or why there is none)."""

    kind: str  # registry | registrar | contact
    url: str
    status: str  # found | failed | declined | skipped
    roles: tuple[RoleReport, ...] = ()
    registrar: str = ""  # the registrar's name, as the record gives it
    message: str = ""
    handle: str = ""  # a contact source: the reference it was asked for
    contact_roles: tuple[str, ...] = ()  # a contact source: the roles it holds in the record

    @property
    def host(self) -> str:
        return host_of(self.url)

    def gap(self) -> str:
        """Why this source leaves the report incomplete, in plain words ("" when found)."""
        if self.status == "found":
            return ""
        if self.kind == "contact":
            who = _listed([ROLE_WORDS[r].split(" (")[0] for r in self.contact_roles]) \
                if self.contact_roles else "contact"
            ref = f" ({self.handle})" if self.handle else ""
            what = {"declined": "were not asked for", "skipped": "were not looked up"}.get(
                self.status, "could not be read")
            return (f"The record names the {who} only by a reference{ref}; the details "
                    f"{what} ({self.message}).")
        what = {"declined": "was not asked", "skipped": "was not asked"}.get(
            self.status, "could not be read")
        return f"The {self.kind}'s server {self.host} {what} ({self.message})."

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "url": self.url, "host": self.host, "status": self.status,
                "registrar": self.registrar, "message": self.message,
                "handle": self.handle, "contact_roles": list(self.contact_roles),
                "roles": [r.to_json() for r in self.roles]}


def _stand_in(text: str) -> str:
    """How a placeholder is described: the words shown in place of the value."""
    text = " ".join(text.split())
    return f'"{text if len(text) <= 60 else text[:59] + chr(0x2026)}" is shown in its place'


def _placeholder(text: str, field_name: str = "") -> str:
    """The placeholder found in *text* (what stands in for a withheld value), or ""."""
    text = " ".join(text.split())
    if not text:
        return ""
    if _PLACEHOLDER_WHOLE.fullmatch(text):
        return text
    found = _PLACEHOLDER_PHRASES.search(text)
    if found:
        return found.group(0)
    if field_name == "email" and "@" in text and \
            _PLACEHOLDER_MAIL_DOMAIN.search(text.rpartition("@")[2]):
        return text
    if field_name == "tel":
        # "+1.0000000000", "+44.9999999999": a number nobody can ring.
        digits = [c for c in text.split(";")[0] if c.isdigit()]
        if len(digits) >= 5 and len(set(digits[-7:])) == 1:
            return text
    return ""


# The names privacy and proxy services register contacts under: when one is the contact's
# name or organisation, every detail shown for that contact is the service's.
_PRIVACY_SERVICE: Final = re.compile(r"""
    \bprivacy\ (?:service|protect|guard|shield|hero) | privacyguardian
  | \bby\ proxy\b | \bproxy\ (?:service|protection|registration|contact)
  | contactprivacy | \bcontact\ privacy\b | domainsbyproxy | whoisguard | whoisproxy
  | \b(?:whois|domain|perfect|super|global|direct)\ privacy\b | withheld\ for\ privacy
  | \bidentity\ (?:protect|shield) | \bregistration\ private\b | \bprivate\ registration\b
""", re.IGNORECASE | re.VERBOSE)


def _privacy_service(props: Iterable[list[Any]]) -> str:
    """The privacy service a contact's name or organisation names, or ""."""
    for prop in props:
        if prop[0].lower() in ("fn", "org"):
            text = " ".join(" ".join(_texts(prop[3:])).split())
            if _PRIVACY_SERVICE.search(text):
                return text
    return ""


def _judge(prop_name: str, params: object, value: object) -> FieldReport:
    """One vCard property's value: exposed, partial (an address down to region or country
    only), redacted (a placeholder or stand-in) or absent (empty)."""
    if prop_name == "adr":
        # Seven parts (RFC 6350 §6.3.1); some registries send more (CZ.NIC sends eight, the
        # street shifted along), so any part past the seventh counts as a detailed one.
        parts = [" ".join(_texts(p)).strip() for p in _items(value, 12)] \
            if isinstance(value, list) else [" ".join(_texts(value)).strip()]
        parts += [""] * (7 - len(parts))
        label = params.get("label") if isinstance(params, dict) else None
        lines = [" ".join(line.split()) for line in label[:1000].splitlines()
                 if line.strip()][:10] if isinstance(label, str) else []
        detailed = [p for i, p in enumerate(parts) if i not in (4, 6) and p]
        broad = [p for i, p in enumerate(parts) if i in (4, 6) and p]
        if lines and not parts[2]:
            # An unstructured address (the "label"): one or two lines without a digit, when
            # nothing more detailed is given, are a region and country ("QC\nCanada", as
            # RFC 9537's examples leave it); anything more is read as a full address.
            if len(lines) <= 2 and not detailed and not any(c.isdigit() for c in label or ""):
                broad += lines
            else:
                detailed.append(", ".join(lines))
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
    if _placeholder(text, prop_name):
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


# RDAP's entity roles (RFC 9083 §10.2.4): the three contact roles read here, and the rest,
# whose redactions say nothing about the holder's own contacts.
_ALL_ROLES: Final = ("registrant", "administrative", "technical", "abuse", "billing",
                     "registrar", "reseller", "sponsor", "proxy", "notifications", "noc")
_NAME_ROLE: Final = re.compile(r"\b(registrant|admin|administrative|tech|technical|billing"
                               r"|registrar|abuse|reseller|sponsor|noc)\b")
_ROLE_OF_WORD: Final = {"admin": "administrative", "tech": "technical"}
_FIELD_TEXT: Final = (("email", "email"), ("e-mail", "email"), ("phone", "tel"),
                      ("fax", "tel"), ("street", "adr"), ("city", "adr"), ("postal", "adr"),
                      ("address", "adr"), ("organi", "org"), ("name", "fn"))
_PATH_ROLE: Final = re.compile(r"['\"](" + "|".join(_ALL_ROLES) + r")['\"]")
_PATH_FIELD: Final = re.compile(r"['\"](fn|org|adr|tel|email|contact-uri)['\"]")
_PATH_TEL: Final = re.compile(r"type\s*==\s*['\"](?:voice|fax|cell)['\"]")
_PATH_INDEX: Final = re.compile(r"^\$\s*(?:\.\s*entities|\[\s*['\"]entities['\"]\s*\])"
                                r"\s*\[\s*(-?\d{1,3})\s*\]")
# The end of a path at a contact itself: $.entities[?(@.roles[0]=='administrative')], or [2].
_WHOLE_ENTITY_END: Final = re.compile(r"(?:\)\s*\]|\[\s*-?\d+\s*\])\s*$")
_ENTITY_MEMBER: Final = re.compile(r"vcard|remarks|events|links|status|port43|publicids|"
                                   r"\blang\b|networks|autnums|handle", re.IGNORECASE)
# An identifier ("Registry Registrant ID", a removed handle), not a personal detail.
_IDENTIFIER: Final = re.compile(r"\bid\b|\bhandle\b")


def _member_roles(words: str, paths: str, doc: Mapping[str, Any],
                  default_roles: Iterable[str]) -> set[str]:
    """The contact roles one redaction member is about: those its name or JSONPath names;
    the entity its path picks by index; else every contact role (a member such as "All top
    level entity Names" with the path $.entities[*]...). Empty when it names only other roles
    (the registrar's, the abuse contact's)."""
    named = {_ROLE_OF_WORD.get(w, w) for w in _NAME_ROLE.findall(words)}
    named |= set(_PATH_ROLE.findall(paths))
    if named:
        return named & set(ROLES)
    index = _PATH_INDEX.match(paths)
    if index:
        entities = _items(doc.get("entities"))
        at = int(index.group(1))
        if -len(entities) <= at < len(entities) and isinstance(entities[at], dict):
            return _roles(entities[at]) & set(ROLES)
        return set()
    return set(default_roles)


def _member_fields(words: str, path_list: Sequence[str]) -> set[str]:
    """The personal fields one redaction member is about; every field when it names a whole
    contact ("Administrative Contact", $.entities[?(@.roles[0]=='administrative')]); none
    when it names something else or a part of the vCard this check does not read."""
    paths = " ".join(path_list)
    if _IDENTIFIER.search(words) or re.search(r"\.\s*handle\b|['\"]handle['\"]", paths):
        return set()
    fields = {f for word, f in _FIELD_TEXT if word in words}
    fields |= {"email" if f == "contact-uri" else f for f in _PATH_FIELD.findall(paths)}
    if _PATH_TEL.search(paths):
        fields.add("tel")
    if fields:
        return fields & set(FIELDS)
    if paths:
        # The path must end at the contact itself ($.entities[?(...)]), not at some member
        # of it (its remarks, its vCard's "lang") this check does not read.
        whole = all(p.startswith("$") and "entities" in p and _WHOLE_ENTITY_END.search(p)
                    and not _ENTITY_MEMBER.search(p) for p in path_list)
        return set(FIELDS) if whole else set()
    return set(FIELDS) if "contact" in words else set()


def redactions(doc: Mapping[str, Any], default_roles: Iterable[str] = ROLES
               ) -> dict[tuple[str, str], str]:
    """(role, field) -> method, from the RFC 9537 `redacted` array: each member's name
    ("Registrant Phone", registered or not) or its JSONPath
    ($.entities[?(@.roles[0]=='registrant')]...). A member that names no role applies to
    *default_roles* (in a domain record, every contact role it lists)."""
    found: dict[tuple[str, str], str] = {}
    defaults = tuple(default_roles)
    for member in _items(doc.get("redacted")):
        if not isinstance(member, dict):
            continue
        name = member.get("name")
        words = " ".join(v[:200] for v in (name.get("type"), name.get("description"))
                         if isinstance(v, str)) if isinstance(name, dict) else ""
        path_list = [p[:1000].strip() for p in (member.get("prePath"), member.get("postPath"),
                                                member.get("replacementPath"))
                     if isinstance(p, str) and p.strip()]
        paths = " ".join(path_list)
        method = member.get("method")
        method = method if isinstance(method, str) and len(method) < 40 else "removal"
        lowered = words.lower()
        for role in sorted(_member_roles(lowered, paths, doc, defaults)):
            for field_name in _member_fields(lowered, path_list):
                found.setdefault((role, field_name), method)
    return found


def _has_details(entity: Mapping[str, Any]) -> bool:
    """The entity carries a vCard with at least one of the fields read here."""
    return any(p[0].lower() in FIELDS for p in _vcard(entity))


def _contact_roles(entity: Mapping[str, Any]) -> set[str]:
    return _roles(entity) & set(ROLES)


def analyse(doc: Mapping[str, Any], *, kind: str, url: str) -> SourceReport:
    """Which personal fields of each contact role the record exposes or redacts. A contact
    given only by reference (a handle, perhaps a link, and no details) is listed in its role's
    `referred`: what it holds is not in this record."""
    best: dict[tuple[str, str], FieldReport] = {}
    present: set[str] = set()
    referred: dict[str, list[str]] = {}
    registrar = ""
    marked: dict[tuple[str, str], str] = {}
    for entity in _entities(doc):
        roles = _roles(entity)
        props = _vcard(entity)
        if "registrar" in roles and not registrar:
            registrar = next((_clip(" ".join(_texts(p[3]))) for p in props if p[0] == "fn"), "")
        contact = roles & set(ROLES)
        present |= contact
        if contact and kind != "contact" and not _has_details(entity):
            for role in contact:
                referred.setdefault(role, []).append(_handle(entity) or "no reference given")
        # RFC 9537 lets a contained object carry its own redactions, about itself.
        for key, method in redactions(entity, contact).items():
            if key[0] in contact:
                marked.setdefault(key, method)
        service = _privacy_service(props) if contact else ""
        for role in contact:
            for prop in props:
                name = prop[0].lower()
                if name not in FIELDS:
                    continue
                judged = _judge(name, prop[1], prop[3:] if name != "adr" else prop[3])
                if service and judged.state in ("exposed", "partial"):
                    # A privacy service stands in for the whole contact: the address, phone
                    # and email shown are the service's own, not the holder's.
                    judged = FieldReport(name, "redacted", how=_stand_in(service).replace(
                        "is shown in its place", "(a privacy service) is shown in its place"))
                old = best.get((role, name))
                if old is None or _RANK[judged.state] > _RANK[old.state]:
                    best[(role, name)] = judged
    for key, method in redactions(doc, sorted(present)).items():
        marked.setdefault(key, method)
    for (role, name), method in marked.items():
        present.add(role)
        old = best.get((role, name), FieldReport(name, "absent"))
        how = f"marked redacted by the server ({method})"
        if old.state == "absent" or (old.state == "exposed" and method == "replacementValue"
                                     and name != "adr"):
            best[(role, name)] = FieldReport(name, "redacted", how=how)
        elif old.state == "exposed" and method == "partialValue":
            # Part of an address hidden leaves it "partial" only if what is shown is the
            # region or country alone (judged above); part of a name, number or email
            # hidden still shows the rest, so it stays exposed.
            best[(role, name)] = dataclasses.replace(old, how=how.replace(
                "redacted", "partly redacted"))
    reports = tuple(RoleReport(role, role in present, tuple(
        best.get((role, f), FieldReport(f, "absent")) for f in FIELDS),
        tuple(dict.fromkeys(referred.get(role, ())))) for role in ROLES)
    return SourceReport(kind, url, "found", reports, registrar)


# --- contacts given only by reference ---


_HANDLE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+\-]{0,79}")


def _handle(entity: Mapping[str, Any]) -> str:
    """The entity's handle when it is a plain identifier (it is shown and sent), else ""."""
    handle = entity.get("handle")
    return handle if isinstance(handle, str) and _HANDLE.fullmatch(handle) else ""


@dataclass(frozen=True)
class ContactRef:
    """A contact the record names only by reference: where its details could be asked for
    (`url`), or why they cannot be (`problem`)."""

    roles: tuple[str, ...]
    handle: str  # shown and sent: a plain identifier, or "" when the record gives none
    url: str = ""
    problem: str = ""
    # "entity" (a contact), or a FRED set (CZ.NIC's "fred_nsset", "fred_keyset") whose own
    # record lists the domain's technical contacts, again by reference.
    kind: str = "entity"

    @property
    def shown(self) -> str:
        return self.handle or "no reference given"

    @property
    def sends(self) -> str:
        what = "a contact reference" if self.kind == "entity" else \
            f"a reference to the domain's {SET_WORDS.get(self.kind, 'set')}"
        return f"{what} from the record: {self.handle}"


# FRED's sets (CZ.NIC's RDAP extension): the domain's technical contacts are listed on them.
SET_WORDS: Final = {"fred_nsset": "name-server set", "fred_keyset": "DNSSEC key set"}


def _entity_lookup(url: str, handle: str, segment: str = "entity") -> str:
    """The handle an entity lookup URL asks for ("" if it is not a plain one: .../entity/X,
    no query or fragment, printable ASCII, and X the entity's own handle when it has one);
    with *segment*, a lookup of that kind of object (.../fred_nsset/X)."""
    from urllib.parse import unquote

    if len(url) > MAX_URL or not url.isascii() or not url.isprintable() or " " in url:
        return ""
    parts = urlsplit(url)
    if parts.query or parts.fragment or url_problem(url):
        return ""
    segments = parts.path.split("/")
    asked = unquote(segments[-1]) if len(segments) >= 3 else ""
    if segments[-2:-1] != [segment] or not _HANDLE.fullmatch(asked):
        return ""
    return asked if not handle or asked.lower() == handle.lower() else ""


def contact_references(doc: Mapping[str, Any], current: str, *, sets: bool = True
                       ) -> list[ContactRef]:
    """Every contact (registrant, administrative, technical) the record names only by a
    reference (CZ.NIC lists each as a handle and a `self` link, the details kept at
    /entity/HANDLE): with the URL to ask, or the reason there is none. One per URL, holding
    every role that contact has. A contact a redaction accounts for, with no link, is not
    listed: the server has said why its details are missing. With *sets*, also CZ.NIC's
    name-server and key sets, whose own records list the technical contacts."""
    marked = {role for role, _ in redactions(doc)}
    refs: dict[str, ContactRef] = {}
    for entity in _entities(doc):
        roles = _contact_roles(entity)
        if not roles or _has_details(entity):
            continue
        handle = _handle(entity)
        url = ""
        for link in _items(entity.get("links")):
            if not isinstance(link, dict) or link.get("rel") != "self":
                continue
            href, kind = link.get("href"), link.get("type")
            if not isinstance(href, str) or len(href) > MAX_URL:
                continue
            if isinstance(kind, str) and "rdap" not in kind.lower() and \
                    "json" not in kind.lower():
                continue
            target = urljoin(current, href)
            asked = _entity_lookup(target, handle)
            if asked:
                url, handle = target, handle or asked
                break
        if not url and roles <= marked:
            continue
        key = url or f"{handle}#{len(refs)}"
        old = refs.get(key)
        ordered = tuple(r for r in ROLES if r in roles or (old is not None and r in old.roles))
        refs[key] = ContactRef(ordered, handle, url, "" if url else (
            "the record gives no address the kit can ask for its details"))
    if sets:
        for key, words in SET_WORDS.items():
            held = doc.get(key)
            if not isinstance(held, dict):
                continue
            handle = _handle(held)
            url = next((target for link in _items(held.get("links"))
                        if isinstance(link, dict) and link.get("rel") == "self"
                        and isinstance(link.get("href"), str) and len(link["href"]) <= MAX_URL
                        and _entity_lookup(target := urljoin(current, link["href"]), handle,
                                           key)), "")
            refs[url or key] = ContactRef(("technical",), handle, url, "" if url else (
                f"the record gives no address the kit can ask for its {words}"), kind=key)
    return list(refs.values())[:MAX_LIST]


def _same_lookup(url: str, domain: DomainName) -> bool:
    """A plain domain lookup for this very domain: the only thing another server is asked."""
    parts = urlsplit(url)
    return not parts.query and not parts.fragment and \
        parts.path.lower().endswith(f"/domain/{domain.ascii}")


def related_link(doc: Mapping[str, Any], domain: DomainName, current: str) -> str | None:
    """The registrar's RDAP URL for this domain, from a `links` entry with rel "related"."""
    return _related_links(doc, domain, current)[0]


def _related_links(doc: Mapping[str, Any], domain: DomainName, current: str
                   ) -> tuple[str | None, str]:
    """(the registrar's RDAP URL for this domain, or None; and, when there is none, the
    address of a domain lookup the record points to that the kit will not follow: another
    domain, a query string, plain http. "" when the record points to no such lookup)."""
    refused = ""
    for link in _items(doc.get("links")):
        if not isinstance(link, dict) or link.get("rel") != "related":
            continue
        href, kind = link.get("href"), link.get("type")
        if not isinstance(href, str) or len(href) > MAX_URL:
            continue
        if isinstance(kind, str) and "rdap" not in kind.lower() and "json" not in kind.lower():
            continue  # the registrar's web page, not its RDAP server
        url = urljoin(current, href)
        if url == current:
            continue
        if not url_problem(url) and _same_lookup(url, domain):
            return url, ""
        if not refused and "/domain/" in url.lower() and url.isascii() and url.isprintable():
            refused = url
    return None, refused


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
        """Every server and every contact the record points to was read, so what is not
        exposed is known not to be."""
        return bool(self.sources) and all(s.status == "found" for s in self.sources)

    @property
    def gaps(self) -> tuple[str, ...]:
        """Why the report is incomplete, one plain sentence per part not read."""
        return tuple(dict.fromkeys(s.gap() for s in self.sources if s.status != "found"))

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
            "incomplete": list(self.gaps),
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


def _contact(response: Response, ref: ContactRef) -> tuple[SourceReport, dict[str, Any]]:
    """One contact's answer read for the roles it holds in the record (or a set's, read as a
    record of its own); raises NetworkFailed for anything but a usable answer."""
    host = host_of(ref.url)
    if response.status == 404:
        raise NetworkFailed(f"{host} has no record of it")
    if response.status != 200:
        raise _refused_answer(response, host)
    if response.truncated:
        raise NetworkFailed(f"the answer from {host} was larger than {MAX_RDAP_BYTES:,} "
                            "bytes; it was not used")
    doc = load_json(response.body, host)
    if ref.kind != "entity":
        report = analyse(doc, kind=ref.kind.removeprefix("fred_"), url=ref.url)
        return dataclasses.replace(report, handle=ref.handle), doc
    # Read as the record's own entity: its vCard and its redactions, for the roles it holds
    # there (an entity answer need not repeat them).
    as_entity = {"roles": list(ref.roles), "vcardArray": doc.get("vcardArray"),
                 "redacted": doc.get("redacted")}
    report = analyse({"entities": [as_entity]}, kind="contact", url=ref.url)
    return dataclasses.replace(report, handle=ref.handle, contact_roles=ref.roles), doc


def _contacts(transport: Transport, approve: Approve, source: SourceReport,
              doc: Mapping[str, Any], budget: list[int], timeout: float,
              entries: list[LedgerEntry], *, sets: bool = True) -> list[SourceReport]:
    """The contacts *source*'s record names only by reference, each looked up after one
    approval for them all, at most budget[0] in the whole check. One SourceReport each:
    found, or why not (declined, failed, skipped), so an unread contact is never taken for
    one that shows nothing."""
    def unread(ref: ContactRef, status: str, message: str) -> SourceReport:
        return SourceReport("contact", ref.url or source.url, status, message=message,
                            handle=ref.handle, contact_roles=ref.roles)

    reports: list[SourceReport] = []
    asked: list[ContactRef] = []
    for ref in contact_references(doc, source.url, sets=sets):
        if not ref.url:
            reports.append(unread(ref, "skipped", ref.problem))
        elif len(asked) >= budget[0]:
            reports.append(unread(ref, "skipped", f"the kit looks up at most {MAX_CONTACTS} "
                                  "contacts in one check"))
        else:
            asked.append(ref)
    budget[0] -= len(asked)
    if not asked:
        return reports
    plan = contacts_plan(asked, source)
    try:
        approve(plan)
        session = transport.open(plan, approved=True)
    except NetworkRefused as exc:
        return [unread(ref, "declined", exc.message) for ref in asked] + reports
    found: list[SourceReport] = []
    held: list[tuple[SourceReport, dict[str, Any]]] = []  # sets read: their contacts next
    try:
        for ref, request in zip(asked, plan.requests, strict=True):
            try:
                report, answer = _contact(session.send(request, timeout=timeout), ref)
            except NetworkRefused as exc:
                found.append(unread(ref, "declined", exc.message))
            except NetworkFailed as exc:
                found.append(unread(ref, "failed", exc.message))
            else:
                found.append(report)
                if ref.kind != "entity":
                    held.append((report, answer))
    finally:
        session.close()
        entries.extend(session.entries)
    for report, answer in held:  # one level: a set's contacts, never a set's sets
        found += _contacts(transport, approve, report, answer, budget, timeout, entries,
                           sets=False)
    return found + reports


def check_domain(name: str, *, transport: Transport, approve: Approve, cache: BootstrapCache,
                 findings: Findings, ledger: Ledger, timeout: float, refresh: bool = False,
                 now: datetime | None = None) -> DomainReport:
    """The whole check: the name checked, the bootstrap from the cache (or fetched, after
    approval), the registry asked (after approval), a redirect or the registrar's server asked
    (each after its own approval), the contacts each record names only by reference asked
    for (one approval per record), findings recorded, and every request saved to the ledger
    whether the check worked or not.

    Raises UsageError (bad name; nothing sent), NotFound (no registry for the TLD; nothing
    about the domain sent), NetworkRefused (not approved or offline), NetworkFailed (the
    registry failed or answered nonsense). A failure or refusal at the registrar's server or
    at a contact is reported in its SourceReport instead (the registry's answer still
    counts), and the report is then not `complete`.
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
        budget = [MAX_CONTACTS]
        for hop in range(MAX_FOLLOW + 1):
            if report is not None:
                sources.append(report)
                assert isinstance(doc, dict)
                sources += _contacts(transport, approve, report, doc, budget, timeout, entries)
                link, refused = _related_links(doc, domain, report.url) \
                    if kind == "registry" else (None, "")
                if link is None:
                    if refused:
                        # Pointed to, not asked: the part it holds is missing, not clean.
                        where = refused if url_problem(refused) != "is not a valid URL" \
                            else report.url
                        sources.append(SourceReport("registrar", where, "skipped", message=(
                            "the record points to a lookup the kit does not follow: another "
                            "domain, a query, or an address that is not https")))
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
                # Not asked is not "shows nothing": the report says it is incomplete.
                sources.append(SourceReport(kind, next_url, "skipped", message=(
                    f"the kit follows at most {MAX_FOLLOW} further servers")))
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
