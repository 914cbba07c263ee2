"""Where does a username have a public profile? The scan engine (research/footprint.md §2-§4, §8.5).

`plan_scan` decides, before anything is sent, which (username, site) pairs get a request: a name
that fails a site's pattern, that the site would change (WhatsMyName's strip_bad_char), that looks
like an email address, or a site marked `skip`, is *skipped* with its reason and never sent. The
rest become one planned request each, shown to the user for approval.

`scan` then sends them through the approved transport session and yields one `SiteResult` per
pair as each completes, so a command line can print progress and a screen can fill a table:

- found / not_found: what the site's detection data says about the answer;
- uncertain: a bot check or captcha answered instead of the site (Cloudflare, AWS WAF,
  PerimeterX, hCaptcha, reCAPTCHA, DDoS-Guard), the site refused or failed (401/403/429/5xx), no
  answer within the timeout, both or neither WhatsMyName marker matched, or the scan was stopped
  (deadline, cancel) first;
- skipped: decided before sending, as above.

Speed comes from concurrency and a deadline policy, not from the HTTP library (§9's pilot): a pool
of worker threads (default 128) shares the one transport session, with at most `per_host` requests
in flight to any one host; each request gets the per-request timeout, cut so that none outlives
the overall deadline. Connection errors are retried once after a short random pause (never a
timeout: a site that did not answer is not asked again); a 429 with a short Retry-After is asked
once more after that pause, a longer one is reported as uncertain. The probes start longest
first, by what earlier scans learned (scan_memory.py), so a site that never answers runs
alongside the rest instead of holding the scan open after them.

A HEAD answered with 405 or 501 says nothing about the name: the site is asked once more with
GET (the plan says so; the transport allows exactly that stand-in) and remembered, so the next
scan asks it with GET at once. Pages are read in the character set they declare (page_text.py).

Why one long module: it is the scan from plan to findings, in order (before anything is sent,
reading an answer, sending, findings); what is skipped before sending and how an answer is read are
two halves of one rule about what a site's data can prove, and are kept side by side so a change to
one is seen against the other.
"""

from __future__ import annotations

import dataclasses
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from queue import Empty, Queue
from typing import TYPE_CHECKING, Any, Final, Protocol

from kit.errors import NetworkFailed, NetworkRefused, UsageError
from kit.footprint.plan import Plan, PlannedRequest
from kit.footprint.scan_memory import ScanMemory, SiteHistory
from kit.footprint.sites import (
    MAX_USERNAME,
    PLACEHOLDER,
    Site,
    SiteList,
    compiled_pattern,
    fill_body,
    fill_url,
)

if TYPE_CHECKING:
    from kit.footprint.transport import Response

CHECK: Final = "usernames"
STATUSES: Final = ("found", "not_found", "uncertain", "skipped")
STATUS_LABELS: Final = {"found": "Found", "not_found": "Not found", "uncertain": "Uncertain",
                        "skipped": "Skipped"}
MAX_NAMES: Final = 20
DEFAULT_CONCURRENCY: Final = 128
# Answers that say the site does not take this kind of request (not that the name is unknown):
# 405 Method Not Allowed, 501 Not Implemented. A HEAD answered so is asked again with GET.
METHOD_REFUSED: Final = (405, 501)
REFUSED_HEAD_MAX_BYTES: Final = 256 * 1024  # status_code sites: the status is what counts
MAX_BODY_BYTES: Final = 1_000_000  # a profile page; longer ones are cut and judged carefully
RETRY_PAUSE: Final = (0.2, 0.8)  # seconds of random pause before the one connection retry
EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Bot checks and captchas that answer instead of the site. The first four are Sherlock's
# WAFHitMsgs (MIT); the rest are each vendor's challenge-page markers. Matched in lower case.
WAF_BODY: Final = (
    ("Cloudflare", ".loading-spinner{visibility:hidden}body.no-js .challenge-running"
                   "{display:none}"),
    ("Cloudflare", '<span id="challenge-error-text">'),
    ("AWS WAF", "AwsWafIntegration.forceRefreshToken"),
    ("PerimeterX", 'Object.defineProperty(r,"perimeterxIdentifiers"'),
    ("Cloudflare", "<title>Just a moment...</title>"),
    ("Cloudflare", "cf_chl_opt"),
    ("Cloudflare", "cf-chl-"),
    ("Cloudflare", "Attention Required! | Cloudflare"),
    ("AWS WAF", "aws-waf-token"),
    ("PerimeterX", "px-captcha"),
    ("hCaptcha", "h-captcha"),
    ("hCaptcha", "hcaptcha.com/1/api.js"),
    ("reCAPTCHA", "g-recaptcha"),
    ("reCAPTCHA", "www.google.com/recaptcha/api"),
    ("DDoS-Guard", "ddos-guard"),
)
_WAF_LOWER: Final = tuple((vendor, marker.lower()) for vendor, marker in WAF_BODY)
WAF_HEADERS: Final = (("cf-mitigated", "challenge", "Cloudflare"),
                      ("x-amzn-waf-action", "captcha", "AWS WAF"),
                      ("x-amzn-waf-action", "challenge", "AWS WAF"))


@dataclass(frozen=True)
class ScanSettings:
    """How hard and how long to try."""

    # One request per site (two at most in flight to a host) keeps a high concurrency polite;
    # it is what lets a site that never answers run alongside the rest rather than after them,
    # even on a first scan, before scan_memory knows which sites are slow: 128 took 500 fake
    # sites in 6.5 s where 64 took 7.6 s (benchmarks/scan_bench.py, a busy machine).
    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = 2
    timeout: float = 10.0  # per request
    deadline: float = 60.0  # for the whole scan
    retry_after_max: float = 5.0  # a 429 asking to wait longer than this is not retried

    def __post_init__(self) -> None:
        if isinstance(self.concurrency, bool) or not 1 <= self.concurrency <= 256:
            raise UsageError("--concurrency must be from 1 to 256")
        if isinstance(self.per_host, bool) or not 1 <= self.per_host <= 16:
            raise UsageError("the per-host limit must be from 1 to 16")
        if not 0.1 <= self.timeout <= 300:
            raise UsageError("--timeout must be from 0.1 to 300 seconds")
        if not 0.1 <= self.deadline <= 3600:
            raise UsageError("--deadline must be from 0.1 to 3600 seconds")
        if not 0 <= self.retry_after_max <= 60:
            raise UsageError("the longest Retry-After waited for must be 0 to 60 seconds")


@dataclass(frozen=True)
class SiteResult:
    """What one site said about one username, in plain words."""

    username: str
    site: str
    status: str  # one of STATUSES
    reason: str
    profile_url: str
    category: str = "other"
    fix_item: str = ""
    http_status: int | None = None
    seconds: float | None = None
    requests: int = 0  # how many requests were sent for it (retries included)
    method: str = ""  # how it was last asked (GET after a refused HEAD); "" when not sent

    def to_json(self) -> dict[str, Any]:
        return {"username": self.username, "site": self.site, "status": self.status,
                "reason": self.reason, "url": self.profile_url, "category": self.category,
                "fix_item": self.fix_item, "http_status": self.http_status,
                "seconds": None if self.seconds is None else round(self.seconds, 3),
                "requests": self.requests, "method": self.method}


@dataclass(frozen=True)
class Probe:
    """One (username, site) pair that will be asked about."""

    username: str
    site: Site
    request: PlannedRequest
    profile_url: str


@dataclass(frozen=True)
class ScanPlan:
    """Everything a scan will do: the plan to approve, the probes, and what is skipped."""

    plan: Plan
    usernames: tuple[str, ...]
    sites: SiteList
    probes: tuple[Probe, ...]
    skipped: tuple[SiteResult, ...]
    memory: ScanMemory = dataclasses.field(default_factory=ScanMemory)

    @property
    def total(self) -> int:
        return len(self.probes) + len(self.skipped)

    def order(self) -> list[int]:
        """The probes' indexes, longest expected first (what the last scans saw: a site that
        never answered first, then the slowest; one never seen counts as typical). Started in
        this order, a site that waits out the timeout runs alongside the others instead of
        after them. With nothing remembered it is the plan's order."""
        estimates = self.memory.estimates([p.site for p in self.probes])
        return sorted(range(len(self.probes)), key=lambda i: -estimates[i])

    def learned(self, results: Sequence[SiteResult]) -> ScanMemory:
        """The memory updated with this scan's results, to keep for the next scan."""
        by_pair = {(p.username, p.site.name): p.site for p in self.probes}
        seen: list[tuple[Site, SiteHistory]] = []
        for result in results:
            site = by_pair.get((result.username, result.site))
            if site is None or result.requests == 0:
                continue
            if result.http_status is None and result.seconds is None:
                continue  # failed at once (refused, could not connect): nothing learned
            seen.append((site, SiteHistory(
                result.seconds, hung=result.http_status is None,
                needs_get=site.method == "HEAD" and result.method == "GET"
                and result.http_status not in METHOD_REFUSED)))
        return self.memory.learned(seen)


class Sender(Protocol):
    """What the engine needs of a transport Session."""

    def send(self, request: PlannedRequest, *, timeout: float) -> Response: ...


# --- before anything is sent ---


def check_username(name: str) -> str:
    """The username as it will be checked, or UsageError (nothing is sent for any name)."""
    if not isinstance(name, str):
        raise UsageError("a username must be text")
    cleaned = name.strip()
    if not cleaned:
        raise UsageError("a username is empty; nothing was sent")
    if len(cleaned) > MAX_USERNAME:
        raise UsageError(f"a username is {len(cleaned)} characters long; at most "
                         f"{MAX_USERNAME} are checked. Nothing was sent")
    if any(ch.isspace() or not ch.isprintable() for ch in cleaned):
        raise UsageError(f"the username {cleaned[:40]!r} has spaces or control characters; "
                         "usernames have none. Nothing was sent")
    return cleaned


def looks_like_email(name: str) -> bool:
    return bool(EMAIL.match(name))


def _skip_reason(name: str, site: Site) -> str:
    """Why this name is not sent to this site ("" when it is)."""
    if site.skip:
        return site.skip
    if site.cannot_find:
        # A rule that can never say "found" would make every "not found" from it meaningless.
        return f"not sent: the site list's rule for {site.name} cannot work ({site.cannot_find})"
    if looks_like_email(name):
        return ("this looks like an email address; the kit never sends an email address "
                "where a username is expected")
    if site.strip_chars and any(ch in site.strip_chars for ch in name):
        return (f"{site.name} removes some characters ({site.strip_chars}) from names, so it "
                "would check a different name; not sent")
    pattern = compiled_pattern(site)
    if pattern is not None and pattern.search(name) is None:
        return f"not a possible {site.name} username (it breaks the site's naming rules); not sent"
    return ""


MAX_BODY_SHOWN: Final = 300  # characters of a request body shown in the plan


def _sends(site: Site, name: str, body: bytes | None) -> tuple[str, ...]:
    """What one request sends, in plain words: where the name goes, and for a POST the body
    exactly as sent (its format named), so the plan shows the request's shape."""
    from kit.terminal_text import shown

    where = []
    if PLACEHOLDER in site.probe_url:
        where.append("in the web address")
    if body is None:
        return (f"the username {name} ({' and '.join(where) or 'in the web address'})",)
    kind = "a JSON" if site.body_format == "json" else "a form"
    text = body.decode("utf-8", errors="replace")
    if len(text) > MAX_BODY_SHOWN:
        text = text[:MAX_BODY_SHOWN - 1] + "…"
    if site.body is not None and PLACEHOLDER in site.body:
        where.append(f"in {kind} request body")
    return (f"the username {name} ({' and '.join(where)})",
            f"{kind} body: {shown(text)}")


def _filled_body(site: Site, name: str) -> tuple[bytes | None, str]:
    """The request body with the name in it, or a reason it cannot be sent ("" when it can)."""
    if site.body is None:
        return None, ""
    try:
        return fill_body(site.body, name, site.body_format), ""
    except ValueError:
        return None, f"this name cannot be put safely in {site.name}'s request; not sent"


def plan_scan(usernames: Sequence[str], sites: SiteList,
              memory: ScanMemory | None = None) -> ScanPlan:
    """The plan for checking *usernames* on *sites*; nothing is sent here. *memory* (what
    earlier scans learned, scan_memory.py) asks a site that refused HEAD with GET at once, and
    orders the scan longest first."""
    memory = memory or ScanMemory()
    names = tuple(dict.fromkeys(check_username(n) for n in usernames))
    if not names:
        raise UsageError("give at least one username to check")
    if len(names) > MAX_NAMES:
        raise UsageError(f"at most {MAX_NAMES} usernames can be checked at once")
    probes: list[Probe] = []
    skipped: list[SiteResult] = []
    for name in names:
        for site in sites.sites:
            reason = _skip_reason(name, site)
            profile = ""
            if not reason:
                try:
                    profile = fill_url(site.profile_url, name)
                    url = fill_url(site.probe_url, name)
                except ValueError:
                    reason = f"this name cannot be part of {site.name}'s web address; not sent"
            if not reason:
                body, reason = _filled_body(site, name)
            if reason:
                try:
                    profile = profile or fill_url(site.profile_url, name)
                except ValueError:
                    profile = site.profile_url
                skipped.append(SiteResult(name, site.name, "skipped", reason, profile,
                                          site.category, site.fix_item))
                continue
            request = PlannedRequest(
                method=_method(site, memory), url=url,
                sends=_sends(site, name, body),
                headers=site.headers, body=body,
                # response_url sites are judged by the redirect itself; WhatsMyName's codes
                # are the first answer's (its own checker never follows).
                follow_redirects=not ({"response_url", "markers"} & set(site.detect)),
                max_bytes=MAX_BODY_BYTES)
            probes.append(Probe(name, site, request, profile))
    hosts = len({p.request.host for p in probes})
    shown = ", ".join(names)
    plural = "s" if len(names) > 1 else ""
    if probes:
        disclosure = (f"The username{plural} {shown} will be sent to {hosts} "
                      f"site{'s' if hosts != 1 else ''} ({len(probes)} request"
                      f"{'s' if len(probes) != 1 else ''}), one request per site and name. Each "
                      "site learns the name and this computer's internet address (or your "
                      "proxy's); nothing else about you is sent." + _head_note(probes))
    else:
        disclosure = f"Nothing will be sent: every site was skipped for {shown}."
    plan = Plan(check=CHECK, disclosure=disclosure, requests=tuple(p.request for p in probes))
    return ScanPlan(plan, names, sites, tuple(probes), tuple(skipped), memory)


def _method(site: Site, memory: ScanMemory) -> str:
    """The site's method; but GET for a HEAD site whose rule reads the page (a HEAD answer has
    no page: a "no such user" text could never be seen, and every name would be "found"), or
    that an earlier scan found refusing HEAD. GET sends the same address and headers."""
    if site.method != "HEAD":
        return site.method
    reads_page = bool(set(site.detect) - {"status_code", "response_url"})
    return "GET" if reads_page or memory.needs_get(site) else "HEAD"


def _head_note(probes: Sequence[Probe]) -> str:
    """The plan's word on HEAD requests: a site that refuses HEAD is asked with GET."""
    if not any(p.request.method == "HEAD" for p in probes):
        return ""
    return (" A site that refuses a HEAD request is asked once more with GET at the same "
            "address: nothing more is sent, only the answer is longer.")


# --- reading an answer (pure) ---


def waf_vendor(response: Response, text: str | None = None) -> str:
    """The bot check or captcha that answered instead of the site ("" when none did). *text*
    is the body already decoded, when the caller has it."""
    for name, value, vendor in WAF_HEADERS:
        if response.headers.get(name, "").strip().lower() == value:
            return vendor
    text = (response.text() if text is None else text).lower()
    for vendor, marker in _WAF_LOWER:
        if marker in text:
            return vendor
    return ""


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


def evaluate(site: Site, response: Response) -> tuple[str, str]:
    """(status, reason) for one answer, from the site's detection data."""
    status = response.status
    # In the page's own character set: a "no such user" text in windows-1251 read as UTF-8
    # would never match, and the name would be "found".
    text = response.text()
    vendor = waf_vendor(response, text)
    if vendor:
        return "uncertain", (f"a {vendor} bot check answered instead of the site (HTTP {status});"
                             " open the link to check by hand")
    if status == 429:
        return "uncertain", "the site is limiting requests (HTTP 429); try again later"
    declared = status in site.missing_codes or status == site.found_code
    if not declared:
        if status in (401, 403, 407):
            return "uncertain", f"the site refused to answer (HTTP {status})"
        if status in METHOD_REFUSED:
            return "uncertain", (f"the site would not take this kind of request (HTTP "
                                 f"{status}), which says nothing about the name")
        if 500 <= status <= 599:
            return "uncertain", f"the site had a problem (HTTP {status})"
        if status < 200 or status > 599:
            return "uncertain", f"the site gave an unusual answer (HTTP {status})"
    if site.detect == ("markers",):
        return _markers(site, status, text)
    verdicts = [_one(kind, site, status, text, response.truncated) for kind in site.detect]
    for wanted in ("not_found", "uncertain"):
        for verdict in verdicts:
            if verdict[0] == wanted:
                return verdict
    return verdicts[0]


def _one(kind: str, site: Site, status: int, text: str, truncated: bool) -> tuple[str, str]:
    ok = 200 <= status <= 299
    if kind == "status_code":
        if status in site.missing_codes:
            return "not_found", f"HTTP {status}, the site's answer for a name nobody has"
        if ok:
            return "found", f"the profile address answered (HTTP {status})"
        return "not_found", f"no such page (HTTP {status})"
    if kind == "message":
        hit = next((m for m in site.missing_text if m and m in text), None)
        if hit is not None:
            return "not_found", f"the page says there is no such user (“{_short(hit)}”)"
        if not ok:
            return "uncertain", (f"HTTP {status} without the site's “no such user” text")
        if truncated:
            return "uncertain", "the page was too large to read in full"
        return "found", f"a profile page without the site's “no such user” text (HTTP {status})"
    # response_url: the request was not allowed to follow; a redirect means "no such user"
    if ok:
        return "found", f"the profile address answered without redirecting (HTTP {status})"
    if 300 <= status <= 399:
        return "not_found", f"the site redirected elsewhere, as it does for unknown names " \
                            f"(HTTP {status})"
    return "not_found", f"no such page (HTTP {status})"


def _markers(site: Site, status: int, text: str) -> tuple[str, str]:
    """WhatsMyName's rule: found needs e_code and e_string, missing needs m_code and m_string."""
    found = status == site.found_code and site.found_text in text
    missing = status in site.missing_codes and (
        not site.missing_text or any(m in text for m in site.missing_text))
    protected = f" (the list notes: {', '.join(site.protection)})" if site.protection else ""
    if found and not missing:
        return "found", f"HTTP {status} and the site's “account exists” text"
    if missing and not found:
        return "not_found", f"HTTP {status} and the site's “no such account” text"
    if found and missing:
        return "uncertain", ("the answer matched both the “exists” and the “missing” markers"
                             + protected)
    return "uncertain", (f"the answer (HTTP {status}) matched neither the “exists” nor the "
                         f"“missing” marker{protected}")


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429's Retry-After asks for, when given as a number (a date is not waited for)."""
    value = headers.get("retry-after", "").strip()
    if not value.isdigit():
        return None
    return float(int(value[:6]))


def refuses_head(response: Response) -> bool:
    """Whether an answer to HEAD says the site does not take HEAD (405, 501, or an Allow
    header without HEAD on an error), rather than anything about the name."""
    if response.status in METHOD_REFUSED:
        return True
    allow = response.headers.get("allow")
    if allow is None or response.status < 400:
        return False
    return "HEAD" not in {m.strip().upper() for m in allow[:200].split(",")}


# --- sending ---


def _kind_of_failure(exc: NetworkFailed) -> str:
    """"timeout", "connection" or "other", from the library error the transport turned into
    NetworkFailed. The transport keeps it as the exception's context (raised `from None`, so it
    is never shown); the class names are read so this module never imports the library."""
    names = {cls.__name__ for cls in type(exc.__context__).__mro__} if exc.__context__ else set()
    if "Timeout" in names or "ReadTimeoutError" in names:
        return "timeout"
    if "ConnectionError" in names:
        return "connection"
    return "other"


class _Run:
    """One scan in progress: a work list, worker threads and a results queue."""

    def __init__(self, sender: Sender, probes: Sequence[Probe], settings: ScanSettings,
                 cancel: threading.Event | None, clock: Callable[[], float],
                 order: Sequence[int] | None = None) -> None:
        self.sender = sender
        self.probes = probes
        self.settings = settings
        self.cancel = cancel
        self.clock = clock
        self.started = clock()
        self.deadline_at = self.started + settings.deadline
        # Longest expected first (ScanPlan.order); _take keeps this order among hosts with room.
        self.pending = list(order) if order is not None else list(range(len(probes)))
        self.in_flight: Counter[str] = Counter()
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self.results: Queue[tuple[int, SiteResult]] = Queue()
        self.workers = [threading.Thread(target=self._work, name=f"kit-scan-{n}", daemon=True)
                        for n in range(min(settings.concurrency, len(probes)))]

    # the workers

    def _take(self) -> int | None:
        """The next probe whose host has room, waiting for one when all are busy."""
        with self.cond:
            while not self.stop.is_set() and self.pending:
                for position, index in enumerate(self.pending):
                    host = self.probes[index].request.host
                    if self.in_flight[host] < self.settings.per_host:
                        del self.pending[position]
                        self.in_flight[host] += 1
                        return index
                self.cond.wait(0.25)
            return None

    def _done(self, index: int) -> None:
        with self.cond:
            self.in_flight[self.probes[index].request.host] -= 1
            self.cond.notify_all()

    def _work(self) -> None:
        while (index := self._take()) is not None:
            try:
                result = self._check(self.probes[index])
            except Exception as exc:  # a bug must not lose the result or hang the scan
                probe = self.probes[index]
                result = self._result(probe, "uncertain", f"the kit could not check this site "
                                      f"({type(exc).__name__})", 0)
            finally:
                self._done(index)
            self.results.put((index, result))

    def _pause(self, seconds: float) -> bool:
        """Wait, unless the scan stops meanwhile; False when it did."""
        return not self.stop.wait(seconds)

    def _result(self, probe: Probe, status: str, reason: str, sent: int,
                http_status: int | None = None, seconds: float | None = None,
                method: str = "") -> SiteResult:
        site = probe.site
        return SiteResult(probe.username, site.name, status, reason, probe.profile_url,
                          site.category, site.fix_item, http_status, seconds, sent, method)

    def _check(self, probe: Probe) -> SiteResult:
        settings = self.settings
        request = probe.request
        sent = 0
        retried_connection = retried_429 = False
        began = self.clock()

        def result(status: str, reason: str, http_status: int | None = None,
                   answered: bool = True) -> SiteResult:
            # A result without an answer keeps its time only when it waited (a timeout, the
            # deadline): the next scan starts such a site first (scan_memory.py).
            seconds = self.clock() - began if answered or self._waited() else None
            return self._result(probe, status, reason, sent, http_status, seconds,
                                request.method if sent else "")

        while True:
            left = self.deadline_at - self.clock()
            timeout = min(settings.timeout, left)
            if self.stop.is_set() or timeout < 0.05:
                return result("uncertain", self._stopped_reason(), answered=False) if sent \
                    else self._result(probe, "uncertain", self._stopped_reason(), 0)
            start = self.clock()
            sent += 1
            try:
                response = self.sender.send(request, timeout=timeout)
            except NetworkRefused as exc:
                return self._result(probe, "uncertain", f"not sent: {exc.message}", sent,
                                    method=request.method)
            except NetworkFailed as exc:
                kind = _kind_of_failure(exc)
                if self.clock() - start >= 0.9 * timeout:
                    kind = "timeout"  # a body that trickled in too slowly ends the same way
                if kind == "timeout":
                    if timeout < settings.timeout:
                        return result("uncertain", self._stopped_reason(), answered=False)
                    return result("uncertain", f"did not answer in {settings.timeout:g} s",
                                  answered=False)
                if kind == "connection" and not retried_connection:
                    retried_connection = True
                    if self._pause(random.uniform(*RETRY_PAUSE)):  # noqa: S311 - jitter only
                        continue
                    return result("uncertain", self._stopped_reason(), answered=False)
                return self._result(probe, "uncertain", exc.message, sent,
                                    method=request.method)
            if request.method == "HEAD" and refuses_head(response) and not waf_vendor(response):
                # Not an answer about the name: ask once more the way a browser would.
                request = dataclasses.replace(request, method="GET",
                                              max_bytes=REFUSED_HEAD_MAX_BYTES)
                continue
            if response.status == 429 and not waf_vendor(response):
                wait = retry_after(response.headers)
                if not retried_429 and wait is not None and wait <= settings.retry_after_max \
                        and self.clock() + wait + 0.05 < self.deadline_at:
                    retried_429 = True
                    if self._pause(wait + random.uniform(0, 0.1)):  # noqa: S311 - jitter only
                        continue
                    return result("uncertain", self._stopped_reason(), answered=False)
                if retried_429:
                    reason = ("the site is still limiting requests (HTTP 429) after waiting as "
                              "it asked; try again later")
                elif wait is not None:
                    reason = (f"the site is limiting requests (HTTP 429) and asked to wait "
                              f"{wait:g} s; try again later")
                else:
                    reason = "the site is limiting requests (HTTP 429); try again later"
                return result("uncertain", reason, 429)
            status, reason = evaluate(probe.site, response)
            if request is not probe.request:
                reason += " (asked with GET: the site refused HEAD)"
            return result(status, reason, response.status)

    def _waited(self) -> bool:
        """Whether a probe without an answer waited for one (not cancelled by the user)."""
        return not (self.cancel is not None and self.cancel.is_set())

    def _stopped_reason(self) -> str:
        if self.cancel is not None and self.cancel.is_set():
            return "not checked: the scan was cancelled"
        return f"stopped at the deadline ({self.settings.deadline:g} s) before an answer came"

    # the caller's side

    def run(self) -> Iterator[SiteResult]:
        for worker in self.workers:
            worker.start()
        remaining = set(range(len(self.probes)))
        try:
            while remaining:
                if self.cancel is not None and self.cancel.is_set():
                    break
                wait = min(0.1, self.deadline_at - self.clock())
                if wait <= 0:
                    break
                try:
                    index, result = self.results.get(timeout=wait)
                except Empty:
                    continue
                if index in remaining:
                    remaining.discard(index)
                    yield result
            self._halt()
            # Anything answered while stopping still counts; the rest is reported as stopped.
            while True:
                try:
                    index, result = self.results.get_nowait()
                except Empty:
                    break
                if index in remaining:
                    remaining.discard(index)
                    yield result
            reason = self._stopped_reason()
            for index in sorted(remaining):
                yield self._result(self.probes[index], "uncertain", reason, 0)
            remaining.clear()
        finally:
            self._halt()

    def _halt(self) -> None:
        if self.stop.is_set():
            return
        self.stop.set()
        with self.cond:
            self.cond.notify_all()
        # Requests in flight were given timeouts that end by the deadline; a short grace lets
        # them finish, so the ledger records their answers. Workers are daemon threads: a
        # request still waiting after a cancel never holds the program open.
        grace_until = time.monotonic() + 1.0
        for worker in self.workers:
            if worker.is_alive():
                worker.join(max(0.0, grace_until - time.monotonic()))


def scan(sender: Sender, scan_plan: ScanPlan, settings: ScanSettings | None = None, *,
         cancel: threading.Event | None = None,
         clock: Callable[[], float] = time.monotonic) -> Iterator[SiteResult]:
    """Send the plan's requests and yield one result per (username, site) as each completes.

    Skipped pairs come first (nothing was sent for them). Setting *cancel* stops the scan: what
    has not answered is yielded as uncertain ("cancelled"); so is what has not answered by the
    overall deadline. Closing the generator early stops the workers too.
    """
    settings = settings or ScanSettings()
    yield from scan_plan.skipped
    if scan_plan.probes:
        yield from _Run(sender, scan_plan.probes, settings, cancel, clock,
                        scan_plan.order()).run()


def summary(results: Sequence[SiteResult]) -> dict[str, int]:
    """How many results of each status."""
    counts = Counter(r.status for r in results)
    return {status: counts.get(status, 0) for status in STATUSES}


# --- findings ---

SEVERITY: Final = "medium"


def record_findings(findings: Any, results: Sequence[SiteResult]) -> int:
    """Record each found profile in the findings register (kit/records/findings.py); a profile
    that was found before and is now not found is marked as gone. Returns how many were found."""
    found = 0
    for result in results:
        key = f"{result.site}|{result.username}"
        if result.status == "found":
            found += 1
            findings.record(
                CHECK, key, f"A profile named {result.username} on {result.site}",
                f"A public {result.site} profile with the username {result.username} "
                "(possibly yours, possibly someone else's: open it to check). Anyone who knows "
                "the name can find it and link it to your other accounts.",
                SEVERITY, result.profile_url, result.fix_item or None)
        elif result.status == "not_found":
            findings.record_gone(CHECK, key)
    return found
