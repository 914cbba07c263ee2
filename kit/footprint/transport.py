"""The one place the kit talks to the network.

Nothing else in the kit imports requests, socket, urllib.request or http.client (a test checks).
A check hands its `Plan` to `Transport.open` once the user approved it; the returned `Session` sends
only that plan's requests and records each one (time, host, path, status, bytes; never a header
value, query string or body) in `Session.entries`, which the caller saves to the encrypted ledger.

What the requests.Session is set up to do, and why:
- trust_env = False: no proxy from the environment and no .netrc; a proxy (Tor's SOCKS port
  included) comes only from the kit's own config, where the user chose it.
- a cookie policy that refuses every cookie, so no request carries anything a site set earlier.
- no automatic redirects (requests are handed straight to the connection adapter, the same
  as allow_redirects=False without requests reading a redirect's body): redirects are followed
  here, at most MAX_REDIRECTS hops, https (or loopback) only, with secret headers dropped once a
  hop leaves the request's host.
- no retries (a retry would send the values again), explicit timeouts, a capped streamed body.
- one connection pool large enough for the username scan's threads.
- a GET may stand in for an approved HEAD to the same address with the same headers (a site
  that refuses HEAD): it sends nothing the plan did not show.

requests is imported inside the functions that need it so `kit --help` stays fast.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from kit.errors import NetworkFailed, NetworkRefused, UsageError
from kit.footprint.plan import (
    MAX_REDIRECTS,
    USER_AGENT,
    Plan,
    PlannedRequest,
    host_of,
    path_of,
    url_problem,
)
from kit.records.ledger import LedgerEntry as LedgerEntry

if TYPE_CHECKING:
    import requests

    from kit.config import Config

PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
POOL_SIZE = 64  # the username scan's worker threads share one Session
MAX_TIMEOUT = 300.0
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
PROXY_SETTING = "config.toml [network] proxy"


def offline() -> bool:
    """KIT_OFFLINE set to anything but empty or 0 blocks every request (the safe reading)."""
    return os.environ.get("KIT_OFFLINE", "").strip() not in ("", "0")


def refuse_if_offline(what: str = "nothing was sent") -> None:
    """The offline rule for every way something could leave the machine: the transport's own
    requests, and a link handed to the web browser (offline means nothing leaves, the browser
    included). *what* finishes the message, saying what did not happen."""
    if offline():
        raise NetworkRefused(f"offline (KIT_OFFLINE=1); {what}")


def proxy_problem(proxy: str) -> str:
    """Why `proxy` is not a usable proxy URL ("" when it is)."""
    try:
        parts = urlsplit(proxy)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "is not a valid proxy URL"
    if parts.scheme not in PROXY_SCHEMES:
        return (f"must start with one of {', '.join(s + '://' for s in PROXY_SCHEMES)}, "
                "such as socks5h://127.0.0.1:9050 for Tor")
    if not parts.hostname:
        return "has no host"
    return ""


def _proxy_host(proxy: str) -> str:
    """The proxy's host and port, for messages: never a user name or password it may carry."""
    return host_of(proxy)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    url: str  # the final URL, after any redirects followed
    elapsed: float
    truncated: bool  # the body was cut at the request's max_bytes

    def text(self) -> str:
        """The body as text, in the character set the answer declares (page_text.py)."""
        from kit.footprint.page_text import page_text

        return page_text(self.body, self.headers.get("content-type", ""))


@contextlib.contextmanager
def approved_session(plan: Plan, config: Config, ledger: list[LedgerEntry]
                     ) -> Iterator[Session]:
    """Sending rights for the plan the user approved, over a transport set up from config.toml.
    On the way out, success or not, the requests it sent are added to *ledger*, for the
    caller to keep in the vault (from the thread that owns the vault)."""
    with Transport.from_config(config) as transport:
        session = transport.open(plan, approved=True)
        try:
            yield session
        finally:
            session.close()
            ledger.extend(session.entries)


class Transport:
    """One requests.Session (trust_env=False, no cookies kept, proxy only from config)."""

    def __init__(self, *, proxy: str | None = None, user_agent: str = USER_AGENT) -> None:
        if proxy is not None:
            problem = proxy_problem(proxy)
            if problem:
                raise UsageError(f"the proxy in {PROXY_SETTING} {problem}")
        self.proxy = proxy
        self.user_agent = user_agent
        self._http: requests.Session | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: Config) -> Transport:
        """A transport using the proxy from config.toml [network] (the timeout is per send)."""
        return cls(proxy=config.network_proxy)

    def open(self, plan: Plan, *, approved: bool) -> Session:
        """Sending rights for exactly this plan's requests, once the user approved it."""
        refuse_if_offline()
        if approved is not True:
            raise NetworkRefused(f"the {plan.check} check was not approved; nothing was sent")
        return Session(self, plan)

    def http(self) -> requests.Session:
        """The shared requests.Session, built on first use."""
        with self._lock:
            if self._http is None:
                self._http = _build_session(self.proxy)
            return self._http

    def close(self) -> None:
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _build_session(proxy: str | None) -> requests.Session:
    from http.cookiejar import DefaultCookiePolicy

    import requests
    from requests.adapters import HTTPAdapter

    # urllib3 logs full URLs (query strings included) at debug level; never let them out.
    logging.getLogger("urllib3").setLevel(logging.WARNING)
    http = requests.Session()
    http.trust_env = False
    http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    # max_retries=0: a retry would send the checked values a second time.
    adapter = HTTPAdapter(pool_connections=16, pool_maxsize=POOL_SIZE, pool_block=False,
                          max_retries=0)
    http.mount("https://", adapter)
    http.mount("http://", adapter)
    http.headers["User-Agent"] = USER_AGENT
    if proxy is not None:
        http.proxies = {"http": proxy, "https": proxy}
    return http


def _key(request: PlannedRequest) -> tuple[str, str, bytes | None]:
    return (request.method, request.url, request.body)


class Session:
    """One approved plan's sending rights; thread-safe (the username scan sends from threads)."""

    def __init__(self, transport: Transport, plan: Plan) -> None:
        self.transport = transport
        self.plan = plan
        self.entries: list[LedgerEntry] = []
        self._approved = {_key(r): r for r in plan.requests}
        self._lock = threading.Lock()
        self._closed = False

    def send(self, request: PlannedRequest, *, timeout: float) -> Response:
        """Send one planned request (following redirects only if it says so) and read the answer.

        Refused (NetworkRefused, nothing sent) when offline, closed, or the request differs from
        the approved plan in anything that leaves the machine. Failures (NetworkFailed) name the
        host, never the values. Every call is recorded in `entries`, failures included.
        """
        if isinstance(timeout, bool) or not 0 < timeout <= MAX_TIMEOUT:
            raise UsageError(f"a request timeout must be more than 0 and at most "
                             f"{MAX_TIMEOUT:g} seconds")
        where = f"{request.host}{request.path}"
        if offline():
            self._record(request.method, request.url, None, 0, "refused: offline")
            raise NetworkRefused("offline (KIT_OFFLINE=1); nothing was sent")
        if self._closed:
            self._record(request.method, request.url, None, 0, "refused: session closed")
            raise NetworkRefused(f"the approval for the {self.plan.check} check has ended; "
                                 f"nothing was sent to {where}")
        planned = self._approved.get(_key(request)) or self._head_as_get(request)
        if planned is None or (planned.headers, planned.secret_headers, planned.follow_redirects) \
                != (request.headers, request.secret_headers, request.follow_redirects):
            self._record(request.method, request.url, None, 0, "refused: not in the approved plan")
            raise NetworkRefused(f"a {request.method} request to {where} was not in the approved "
                                 f"plan; nothing was sent")
        return self._follow(request, timeout)

    def _head_as_get(self, request: PlannedRequest) -> PlannedRequest | None:
        """The approved HEAD request that *request* may stand in for, if any: a site that
        refuses HEAD (405, 501) is asked with GET instead. The GET sends exactly what the
        approved HEAD would (the same address and headers, no body); only the answer is
        longer, so the plan's approval covers it. Any other method change is refused."""
        if request.method != "GET" or request.body is not None:
            return None
        return self._approved.get(("HEAD", request.url, None))

    def _follow(self, request: PlannedRequest, timeout: float) -> Response:
        method, url, body = request.method, request.url, request.body
        headers = {"User-Agent": self.transport.user_agent, **dict(request.headers)}
        origin = request.host
        started = time.monotonic()
        for hop in range(MAX_REDIRECTS + 1):
            response = self._once(method, url, headers, body, timeout, request.max_bytes, started)
            location = response.headers.get("location", "")
            if not (request.follow_redirects and response.status in REDIRECT_STATUSES and location):
                return response
            from_host = host_of(url)
            if hop == MAX_REDIRECTS:
                raise NetworkFailed(f"{request.host} redirected more than {MAX_REDIRECTS} times; "
                                    "the kit stopped following")
            url = urljoin(url, location)
            problem = url_problem(url)
            if problem:
                self._record(method, url, None, 0, "refused: redirect not allowed")
                raise NetworkRefused(f"{from_host} redirected to an address that {problem}; "
                                     "it was not followed")
            if response.status == 303 or (response.status in (301, 302) and method == "POST"):
                method, body = ("HEAD" if method == "HEAD" else "GET"), None
            if host_of(url) != origin:
                # The API key (or any secret header) is for the planned host alone.
                headers = {name: value for name, value in headers.items()
                           if name.lower() not in request.secret_headers}
                if body is not None:
                    self._record(method, url, None, 0, "refused: body to another host")
                    raise NetworkRefused(f"{from_host} asked for the request's data to be sent on "
                                         f"to {host_of(url)}; it was not sent")
        raise AssertionError("unreachable")

    def _once(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
              timeout: float, max_bytes: int, started: float) -> Response:
        import requests

        host = host_of(url)
        http = self.transport.http()
        try:
            # Straight to the adapter, past Session.send: that would read a redirect's whole body
            # (uncapped) to look for the next hop, and would take cookies from the answer.
            prepared = http.prepare_request(requests.Request(method, url, headers=headers,
                                                             data=body))
            answer = http.get_adapter(url).send(prepared, stream=True,
                                                timeout=(timeout, timeout), verify=True,
                                                proxies=dict(http.proxies))
        except requests.RequestException as exc:
            error, message = self._failure(exc, host, timeout)
            self._record(method, url, None, 0, error)
            raise NetworkFailed(message) from None
        received = bytearray()
        truncated = False
        try:
            if method != "HEAD":
                for chunk in answer.iter_content(CHUNK):
                    received += chunk
                    if len(received) > max_bytes:
                        del received[max_bytes:]
                        truncated = True
                        break
        except requests.RequestException:
            self._record(method, url, answer.status_code, len(received), "answer cut off")
            raise NetworkFailed(f"the answer from {host} was cut off or too slow "
                                f"(waiting at most {timeout:g} s)") from None
        finally:
            answer.close()
        self._record(method, url, answer.status_code, len(received),
                     "truncated" if truncated else "")
        return Response(
            status=answer.status_code,
            headers={name.lower(): value for name, value in answer.headers.items()},
            body=bytes(received),
            url=url,
            elapsed=time.monotonic() - started,
            truncated=truncated,
        )

    def _failure(self, exc: Exception, host: str, timeout: float) -> tuple[str, str]:
        """A ledger word and a plain message for a failed request; exception text is never used,
        since it carries the full URL."""
        import requests

        proxy = self.transport.proxy
        via = f" through the proxy {_proxy_host(proxy)} ({PROXY_SETTING})" if proxy else ""
        if isinstance(exc, requests.exceptions.ProxyError):
            return "proxy failed", (f"could not reach {host}: the proxy {_proxy_host(proxy or '')} "
                                    f"set in {PROXY_SETTING} refused or did not answer")
        if isinstance(exc, requests.exceptions.SSLError):
            return "TLS failed", (f"the secure connection to {host} failed (its certificate was "
                                  "not valid, or something on the way interfered); nothing was "
                                  "read")
        if isinstance(exc, requests.exceptions.Timeout):
            return "timeout", f"{host} did not answer within {timeout:g} s{via}"
        if isinstance(exc, requests.exceptions.InvalidSchema) and proxy:
            return "proxy failed", (f"the proxy in {PROXY_SETTING} needs SOCKS support "
                                    "(the PySocks package), which is not installed")
        if isinstance(exc, requests.exceptions.ConnectionError):
            return "could not connect", (f"could not reach {host}{via}: check the internet "
                                         "connection" + (" and the proxy" if proxy else ""))
        return "failed", f"the request to {host} failed{via}"

    def _record(self, method: str, url: str, status: int | None, size: int, error: str) -> None:
        try:
            host, path = host_of(url), path_of(url)
        except ValueError:  # a malformed redirect target
            host, path = "(malformed address)", ""
        entry = LedgerEntry(
            at=datetime.now(UTC), check=self.plan.check, method=method, host=host, path=path,
            status=status, bytes_received=size, error=error)
        with self._lock:
            self.entries.append(entry)

    def close(self) -> None:
        """End this plan's approval: later sends are refused."""
        self._closed = True

    def __enter__(self) -> Session:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
