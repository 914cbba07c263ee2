"""Is an email address in known data breaches? Have I Been Pwned v3 `breachedaccount`.

Unlike the password check, this sends the FULL email address to HIBP, with the user's own API
key; the plan says so plainly. The answers (research/footprint.md §1): 200 with the breaches,
404 for "in no known breach" (a clean result, not an error), 401 for a bad or missing key, 403
for a refused request (no user agent, a blocked network), 429 when the key's rate limit is
reached, with Retry-After in seconds.

HIBP's public breach catalogue (`GET /breaches`, no key) is cached in the vault as one record
of kind `breach_catalogue`: it adds details to a short answer and lets breaches be described
without asking again. It is refreshed when asked or when 30 days old, as a request of its own
shown in the same consent.

The API key lives in the operating system's keyring when a secure one exists (the same
detection and time-limited calls as keyring unlock, kit/vault/device.py), under a service name
of its own; otherwise it is asked for each time, or read once from KIT_HIBP_API_KEY.
"""

from __future__ import annotations

import dataclasses
import os
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from kit import __version__
from kit.errors import KeyringUnavailable, NetworkFailed, UsageError
from kit.footprint.plan import Plan, PlannedRequest
from kit.outside_data import Malformed, parse_json
from kit.records.fields import stored_stamp
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.footprint.transport import Response, Session
    from kit.records.findings import Finding, Findings
    from kit.vault import Problem, Record, Vault

ENV_URL = "KIT_HIBP_URL"
DEFAULT_URL = "https://haveibeenpwned.com/api/v3"
ENV_KEY = "KIT_HIBP_API_KEY"
KEY_HEADER = "hibp-api-key"
# HIBP refuses requests without a user agent that says who is asking (403).
USER_AGENT = f"FrontlineKit/{__version__} (personal breach self-check)"
KEY_PAGE = "https://haveibeenpwned.com/API/Key"

KIND = "breach_catalogue"
CATALOGUE_MAX_AGE = timedelta(days=30)
# A Retry-After this short is waited out once; a longer one is reported with a time to retry.
MAX_RETRY_WAIT = 10.0
# Answers are read up to these sizes: an account in every breach is well under the first, and
# the whole catalogue (about a thousand breaches with descriptions) well under the second.
MAX_ACCOUNT_BYTES = 5_000_000
MAX_CATALOGUE_BYTES = 30_000_000

KEYRING_SERVICE = "frontline-kit-hibp"
KEYRING_ACCOUNT = "hibp-api-key"

MAX_EMAIL = 254
MAX_KEY = 200
MAX_TEXT = 300  # one catalogue field (a title, a data class): remote text, so capped
MAX_CLASSES = 60


def base_url() -> str:
    return (os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


def normalise_email(text: str) -> str:
    """The address with outer spaces removed, or UsageError if it cannot be an address."""
    address = text.strip()
    local, at, domain = address.rpartition("@")
    if (not at or not local or not domain or "." not in domain.strip(".")
            or len(address) > MAX_EMAIL
            or any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf") for ch in address)):
        raise UsageError("that is not an email address (like name@example.org); nothing was "
                         "sent")
    return address


def check_key(text: str) -> str:
    """An API key as typed, or UsageError. The key itself is never part of a message."""
    key = text.strip()
    if not key:
        raise UsageError("no HIBP API key was given; nothing was sent")
    if len(key) > MAX_KEY or not key.isascii() or not key.isprintable() or " " in key:
        raise UsageError("that does not look like an HIBP API key (it should be one word of "
                         f"letters and digits, from {KEY_PAGE}); nothing was sent")
    return key


# --- the plan ---


def account_request(email: str, api_key: str) -> PlannedRequest:
    return PlannedRequest(
        method="GET",
        url=f"{base_url()}/breachedaccount/{quote(email, safe='')}?truncateResponse=false",
        sends=(f"your full email address: {email}", "your HIBP API key (never shown)"),
        headers=((KEY_HEADER, api_key), ("User-Agent", USER_AGENT)),
        secret_headers=frozenset({KEY_HEADER}),
        # A keyed API: a redirect could carry the key elsewhere, so none are followed.
        follow_redirects=False,
        max_bytes=MAX_ACCOUNT_BYTES,
    )


def catalogue_request() -> PlannedRequest:
    return PlannedRequest(
        method="GET",
        url=f"{base_url()}/breaches",
        sends=("nothing about you: this asks for HIBP's public list of known breaches",),
        headers=(("User-Agent", USER_AGENT),),
        max_bytes=MAX_CATALOGUE_BYTES,
    )


def plan(email: str, api_key: str, *, refresh_catalogue: bool) -> Plan:
    """The email check's plan: the account lookup, and the catalogue refresh if it is due."""
    email = normalise_email(email)
    account = account_request(email, check_key(api_key))
    requests = (account, catalogue_request()) if refresh_catalogue else (account,)
    disclosure = (f"Your FULL email address ({email}) is sent to {account.host} (Have I Been "
                  "Pwned), with your API key; HIBP sees who looked it up, and the address "
                  "is not hashed or hidden.")
    if refresh_catalogue:
        disclosure += " The public list of breaches is fetched too (it carries nothing about you)."
    return Plan(check="email", disclosure=disclosure, requests=requests)


# --- the breaches ---


def _remote_text(value: object, limit: int = MAX_TEXT) -> str:
    """Remote text made safe to show: control and format characters (terminal escapes,
    direction overrides) removed, and the length capped."""
    if not isinstance(value, str):
        return ""
    cleaned = "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf"))
    return cleaned.strip()[:limit]


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


@dataclass(frozen=True)
class Breach:
    """One breach, as HIBP describes it. Fields the answer lacked stay empty."""

    name: str
    title: str = ""
    domain: str = ""
    breach_date: str = ""
    added_date: str = ""
    pwn_count: int | None = None
    data_classes: tuple[str, ...] = ()
    is_verified: bool | None = None
    is_sensitive: bool | None = None
    is_spam_list: bool | None = None

    @classmethod
    def from_api(cls, item: object) -> Breach | None:
        """A breach from HIBP's JSON (PascalCase); None if it has no usable name."""
        if not isinstance(item, Mapping):
            return None
        name = _remote_text(item.get("Name"), 100)
        if not name:
            return None
        count = item.get("PwnCount")
        classes = item.get("DataClasses")
        return cls(
            name=name,
            title=_remote_text(item.get("Title")),
            domain=_remote_text(item.get("Domain")),
            breach_date=_remote_text(item.get("BreachDate"), 40),
            added_date=_remote_text(item.get("AddedDate"), 40),
            pwn_count=count if isinstance(count, int) and not isinstance(count, bool)
            and count >= 0 else None,
            data_classes=tuple(c for c in (_remote_text(x) for x in classes[:MAX_CLASSES]) if c)
            if isinstance(classes, list) else (),
            is_verified=_flag(item.get("IsVerified")),
            is_sensitive=_flag(item.get("IsSensitive")),
            is_spam_list=_flag(item.get("IsSpamList")),
        )

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> Breach | None:
        """A breach from the kit's own cache format (to_json)."""
        api = {"Name": item.get("name"), "Title": item.get("title"),
               "Domain": item.get("domain"), "BreachDate": item.get("breach_date"),
               "AddedDate": item.get("added_date"), "PwnCount": item.get("pwn_count"),
               "DataClasses": item.get("data_classes"), "IsVerified": item.get("is_verified"),
               "IsSensitive": item.get("is_sensitive"), "IsSpamList": item.get("is_spam_list")}
        return cls.from_api(api)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "domain": self.domain,
                "breach_date": self.breach_date, "added_date": self.added_date,
                "pwn_count": self.pwn_count, "data_classes": list(self.data_classes),
                "is_verified": self.is_verified, "is_sensitive": self.is_sensitive,
                "is_spam_list": self.is_spam_list}

    def filled_from(self, known: Breach) -> Breach:
        """This breach, with what it lacks taken from the catalogue's copy."""
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            mine = getattr(self, f.name)
            if mine in ("", None, ()):
                changes[f.name] = getattr(known, f.name)
        return dataclasses.replace(self, **changes)

    def describe(self) -> str:
        """One line for people: title, date, what leaked."""
        head = self.title or self.name
        if self.breach_date:
            head += f" ({self.breach_date})"
        if self.data_classes:
            head += ": " + ", ".join(self.data_classes)
        return head


def parse_breaches(body: bytes, what: str) -> list[Breach]:
    """Breaches from an HIBP JSON list; NetworkFailed if the answer is not one."""
    try:
        doc = parse_json(body)
    except Malformed:  # not JSON, nested absurdly deep, numbers of thousands of digits
        doc = None
    if not isinstance(doc, list):
        raise NetworkFailed(f"the answer from {what} could not be read as a list of breaches; "
                            "nothing was learned. Try again later.")
    return [b for b in (Breach.from_api(item) for item in doc) if b is not None]


# --- answers ---


def retry_after(headers: Mapping[str, str], now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent or
    unreadable."""
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def send_account(session: Session, request: PlannedRequest, *, timeout: float,
                 notify: Callable[[str], None] = lambda _text: None,
                 sleep: Callable[[float], None] = time.sleep) -> Response:
    """Send the account lookup; on a 429 with a short Retry-After, wait and try ONCE more."""
    response = session.send(request, timeout=timeout)
    if response.status == 429:
        wait = retry_after(response.headers)
        if wait is not None and wait <= MAX_RETRY_WAIT:
            notify(f"{request.host} said too many requests were made (its rate limit): "
                   f"waiting {wait:g} s before retrying once, as the server asked.")
            sleep(wait)
            response = session.send(request, timeout=timeout)
    return response


@dataclass(frozen=True)
class EmailResult:
    breaches: tuple[Breach, ...]
    catalogue_fetched_at: datetime | None = None

    @property
    def found(self) -> bool:
        return bool(self.breaches)

    def to_json(self) -> dict[str, Any]:
        return {"found": self.found, "breaches": [b.to_json() for b in self.breaches],
                "catalogue_fetched_at": self.catalogue_fetched_at.isoformat()
                if self.catalogue_fetched_at else None}


def evaluate_account(response: Response, *, key_source: str = "",
                     now: datetime | None = None,
                     forget: str = "`kit check email --forget-key` removes it") -> list[Breach]:
    """The breaches in a `breachedaccount` answer; [] for 404. Every refusal is NetworkFailed
    (exit 7) with what it means and what to do. *forget* says how to remove a kept key where
    the user is (the app has its own button)."""
    host = urlsplit(response.url).hostname or "HIBP"
    status = response.status
    if status == 404:
        return []
    if status == 200:
        if response.truncated:
            raise NetworkFailed(f"the answer from {host} was too large and was cut off; "
                                "nothing was learned. Try again later.")
        return parse_breaches(response.body, host)
    if status == 401:
        hint = (f" The key stored in the system keyring was used; {forget}, and the next "
                "check asks for a new one."
                if key_source == "keyring" else "")
        raise NetworkFailed(f"HIBP did not accept the API key (HTTP 401): it is wrong, has "
                            f"expired or its subscription has ended. Check it at {KEY_PAGE}."
                            + hint)
    if status == 403:
        raise NetworkFailed("HIBP refused the request (HTTP 403). It does this when a request "
                            "does not say which program sent it, or comes from a network it "
                            "blocks (some VPNs, proxies and Tor exits). Try again later, or "
                            "from another network.")
    if status == 429:
        raise NetworkFailed(f"HIBP's rate limit for this API key was reached (HTTP 429). "
                            f"{_when_to_retry(response.headers, now)}")
    if status >= 500:
        raise NetworkFailed(f"HIBP is having trouble (HTTP {status}); nothing was learned. "
                            "Try again later.")
    raise NetworkFailed(f"HIBP answered with HTTP {status}, which the kit does not expect; "
                        "nothing was learned. Try again later.")


def _when_to_retry(headers: Mapping[str, str], now: datetime | None) -> str:
    wait = retry_after(headers, now)
    if wait is None:
        return "Wait a minute, then try again."
    at = (now or datetime.now(UTC)) + timedelta(seconds=wait)
    seconds = f"{wait:.0f} second" + ("" if round(wait) == 1 else "s")
    return f"Try again in {seconds} (after {at.astimezone():%H:%M:%S}); nothing more was sent."


def with_details(breaches: Iterable[Breach], catalogue: Catalogue | None) -> tuple[Breach, ...]:
    """The account's breaches with gaps filled from the catalogue, newest breach first."""
    known = catalogue.by_name() if catalogue else {}
    filled = [b.filled_from(known[b.name.lower()]) if b.name.lower() in known else b
              for b in breaches]
    return tuple(sorted(filled, key=lambda b: (b.breach_date, b.name), reverse=True))


# --- findings ---

SOURCE = "email"
# What makes a breach serious for someone a doxer targets: it can lead to their door, their
# family or into their accounts.
SERIOUS_CLASSES = frozenset({
    "Passwords", "Physical addresses", "Phone numbers", "Dates of birth",
    "Geographic locations", "Family members' names", "Security questions and answers",
    "Government issued IDs", "Partial credit card data", "Credit cards",
    "Bank account numbers", "Auth tokens", "Historical passwords", "Password hints",
})


def finding_key(email: str, breach: Breach) -> str:
    return f"{email.lower()} in {breach.name}"


def record_findings(register: Findings, email: str, result: EmailResult) -> list[Finding]:
    """One finding per breach the address is in; a breach recorded before for this address
    but no longer reported (HIBP hides some later) is marked fixed."""
    recorded = []
    for breach in result.breaches:
        name = breach.title or breach.name
        when = f" ({breach.breach_date})" if breach.breach_date else ""
        leaked = ", ".join(c.lower() for c in breach.data_classes) or "other details"
        serious = bool(SERIOUS_CLASSES & set(breach.data_classes))
        evidence = f"Have I Been Pwned: breach {breach.name}{when}"
        if breach.pwn_count is not None:
            evidence += f", {breach.pwn_count:,} accounts"
        recorded.append(register.record(
            SOURCE, finding_key(email, breach), f"Your email address is in the {name} breach"[:200],
            f"{email} was in the {name} data breach{when}, which exposed: {leaked}.",
            "high" if serious else "medium", evidence,
            "accounts-password-manager" if "Passwords" in breach.data_classes
            else "accounts-2fa-email"))
    still = {finding_key(email, b) for b in result.breaches}
    prefix = f"{email.lower()} in "
    for finding in register.list():
        if finding.source == SOURCE and finding.key.startswith(prefix) \
                and finding.key not in still:
            register.record_gone(SOURCE, finding.key)
    return recorded


# --- the cached catalogue ---


@dataclass(frozen=True)
class Catalogue:
    """HIBP's public list of breaches, as fetched at *fetched_at*."""

    fetched_at: datetime
    breaches: tuple[Breach, ...]
    id: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def by_name(self) -> dict[str, Breach]:
        return {b.name.lower(): b for b in self.breaches}

    def is_stale(self, now: datetime) -> bool:
        return now - self.fetched_at >= CATALOGUE_MAX_AGE

    def _data(self) -> dict[str, Any]:
        return {**self.extra, "fetched_at": self.fetched_at.isoformat(),
                "breaches": [b.to_json() for b in self.breaches]}


def _from_record(record: Record) -> Catalogue:
    d = record.data
    stamp = stored_stamp(d["fetched_at"], "fetched_at")
    items = d["breaches"]
    if not isinstance(items, list):
        raise TypeError("breaches must be a list")
    breaches = tuple(b for b in (Breach.from_json(i) for i in items if isinstance(i, dict))
                     if b is not None)
    return Catalogue(stamp, breaches, record.id,
                     extra={k: v for k, v in d.items() if k not in ("fetched_at", "breaches")})


class BreachCatalogue:
    """The cached catalogue in one vault. Two devices may each have saved one: the newest
    counts and the other is left as it is."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._current: Catalogue | None = None
        self._loaded = False
        self.problems: list[Problem] = []

    def current(self) -> Catalogue | None:
        if not self._loaded:
            from kit.vault import Problem  # here: the CLI imports this module at start

            read, self.problems = read_kind(self.source, KIND, _from_record, lambda r: Problem(
                "unreadable_breach_catalogue", f"the cached breach list ({r.id}) has a shape "
                "this version of the kit cannot read; it was left untouched", r.id))
            # The first of the newest, should two devices have fetched at the same moment.
            newest = max(read.values(), key=lambda c: c.fetched_at, default=None)
            self._current, self._loaded = newest, True
        return self._current

    def needs_refresh(self, now: datetime) -> bool:
        """No catalogue yet, or one 30 days old or more."""
        current = self.current()
        return current is None or current.is_stale(now)

    def save(self, breaches: Iterable[Breach], fetched_at: datetime) -> Catalogue:
        """Replace the cached catalogue with a newly fetched one."""
        old = self.current()
        fresh = Catalogue(fetched_at, tuple(breaches), old.id if old else None,
                          extra=old.extra if old else {})
        record = self.vault.put(KIND, fresh._data(), record_id=fresh.id)
        saved = dataclasses.replace(fresh, id=record.id)
        self._current = saved
        return saved


# --- the API key in the keyring ---


def key_from_environment() -> str | None:
    """KIT_HIBP_API_KEY, removed from the environment as it is read, so no child process
    (a browser opened later) inherits it."""
    value = os.environ.pop(ENV_KEY, None)
    return value if value else None


def _secure_backend() -> Any | None:
    """The keyring backend if it is a secure one (kit/vault/device.py decides), else None."""
    from kit.vault import device

    if not device.backend_status().available:
        return None
    import keyring

    return keyring.get_keyring()


def _bounded(call: Callable[[], Any], what: str) -> Any:
    from kit.vault import device

    # device's helper on purpose: one place decides how keyring calls are bounded in time
    # and how their failures read.
    return device._with_timeout(call, what)


def stored_key() -> str | None:
    """The key kept in the keyring; None when none is kept or there is no secure keyring.
    KeyringUnavailable when a secure keyring exists but fails or hangs."""
    backend = _secure_backend()
    if backend is None:
        return None
    value = _bounded(lambda: backend.get_password(KEYRING_SERVICE, KEYRING_ACCOUNT),
                     "read the HIBP API key")
    return value if isinstance(value, str) and value else None


def key_place() -> str:
    """Where a kept key lives, in words a person can follow to find it there."""
    backend = _secure_backend()
    kind = f"{type(backend).__module__}.{type(backend).__name__}".lower() if backend else ""
    place = ("the macOS Keychain" if "macos" in kind
             else "Windows Credential Manager" if "windows" in kind
             else "your desktop's keyring (Secret Service)" if "secretservice" in kind
             else "this computer's keyring")
    return f"{place}, under the name \"{KEYRING_SERVICE}\""


def can_keep_key() -> bool:
    """Whether a secure keyring exists to keep the key in (asked before offering to)."""
    return _secure_backend() is not None


def keep_key(api_key: str) -> bool:
    """Keep the key in the keyring if a secure one exists; whether it was kept.
    KeyringUnavailable when the keyring fails or hangs."""
    backend = _secure_backend()
    if backend is None:
        return False
    _bounded(lambda: backend.set_password(KEYRING_SERVICE, KEYRING_ACCOUNT, api_key),
             "store the HIBP API key")
    return True


def forget_key() -> bool:
    """Remove the kept key; whether there was one. KeyringUnavailable without a secure
    keyring (then nothing can have been kept there)."""
    backend = _secure_backend()
    if backend is None:
        raise KeyringUnavailable("there is no secure system keyring here, so the kit never kept "
                                 "an HIBP API key on this computer")

    def remove() -> bool:
        import keyring.errors

        try:
            backend.delete_password(KEYRING_SERVICE, KEYRING_ACCOUNT)
        except keyring.errors.PasswordDeleteError:
            return False
        return True

    return bool(_bounded(remove, "remove the HIBP API key"))
