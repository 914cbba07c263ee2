"""What a footprint check will send, to whom, built before anything leaves the machine.

A check builds a `Plan` (pure: no network code here), the user reads `plan.describe()` and approves
it, and the transport then sends exactly the plan's requests and nothing else. A URL must be https;
plain http is allowed only to this machine (loopback), where the tests' stand-in servers run.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kit import __version__
from kit.errors import UsageError

METHODS = ("GET", "HEAD", "POST")
MAX_REDIRECTS = 5
# Sent with every request that does not name its own (the transport sets it).
USER_AGENT = f"FrontlineKit/{__version__} (+self-check)"
# What the encrypted ledger keeps of each request, said the same wherever a plan is shown.
LEDGER_KEEPS = (
    "Each request is kept in your encrypted ledger: when, which check, the host, and the path "
    "of the address, which can hold what was checked (your email address, a username, a "
    "domain name or the start of a password's hash); and the answer's status and size. Never "
    "an API key, a password, a query string or a header's value.")


def is_loopback(hostname: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts plain http may go to."""
    if hostname.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname).is_loopback
    except ValueError:
        return False


def url_problem(url: str) -> str:
    """Why `url` may not be requested ("" when it may): https, or http only to loopback."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "is not a valid URL"
    if not hostname:
        return "has no host"
    if parts.username is not None or parts.password is not None:
        # A name or password in the URL would be a secret in the ledger and the plan.
        return "carries a user name or password; the kit does not send credentials in URLs"
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http":
        return "" if is_loopback(hostname) else "is plain http; only https may leave this machine"
    return f"uses {parts.scheme or 'no'} scheme; only https is allowed"


def host_of(url: str) -> str:
    """The host (with its port when one is given) of `url`, never any user name or password."""
    parts = urlsplit(url)
    hostname = parts.hostname or ""
    if ":" in hostname:  # IPv6 literal
        hostname = f"[{hostname}]"
    return f"{hostname}:{parts.port}" if parts.port is not None else hostname


def path_of(url: str) -> str:
    """The path of `url` without its query string or fragment (which may carry values)."""
    return urlsplit(url).path or "/"


@dataclass(frozen=True)
class PlannedRequest:
    """One request a check will make, with the exact values it sends in plain words."""

    method: str
    url: str
    sends: tuple[str, ...]
    headers: tuple[tuple[str, str], ...] = ()
    # Header names whose values are never shown, logged or sent to another host than the url's.
    secret_headers: frozenset[str] = frozenset()
    body: bytes | None = None
    follow_redirects: bool = False
    max_bytes: int = 2_000_000

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise UsageError(f"request method {self.method!r} is not one of {', '.join(METHODS)}")
        problem = url_problem(self.url)
        if problem:
            # Never echo the URL itself: its query may hold the values being checked.
            raise UsageError(f"a request to {self._safe_host()} {problem}")
        if isinstance(self.sends, str) or not all(isinstance(s, str) for s in self.sends):
            raise UsageError("a planned request's sends must be a tuple of plain-words strings")
        if self.max_bytes <= 0:
            raise UsageError("a planned request's max_bytes must be more than 0")
        names = {name.lower() for name, _ in self.headers}
        secrets = frozenset(name.lower() for name in self.secret_headers)
        if not secrets <= names:
            raise UsageError("a secret header is named that the request does not send")
        object.__setattr__(self, "secret_headers", secrets)

    def _safe_host(self) -> str:
        try:
            return host_of(self.url) or "(no host)"
        except ValueError:
            return "(a malformed URL)"

    @property
    def host(self) -> str:
        """The host (and port, when the URL names one) the request goes to."""
        return host_of(self.url)

    @property
    def path(self) -> str:
        """The URL path without query string: what the ledger records."""
        return path_of(self.url)

    @property
    def target(self) -> str:
        """Path and query, for showing the user what will be asked for."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def shown_headers(self) -> list[tuple[str, str]]:
        """The headers as they may be shown: secret values replaced by a note."""
        return [(name, "(secret, not shown)" if name.lower() in self.secret_headers else value)
                for name, value in self.headers]

    def sent_headers(self) -> list[tuple[str, str]]:
        """Every header that goes out, as it may be shown: the request's own (secret values
        replaced by a note) and the User-Agent the transport adds when it names none."""
        shown = self.shown_headers()
        if not any(name.lower() == "user-agent" for name, _ in shown):
            shown.append(("User-Agent", USER_AGENT))
        return shown


@dataclass(frozen=True)
class Plan:
    """Everything one run of a check will send, shown to the user before approval."""

    check: str
    disclosure: str
    requests: tuple[PlannedRequest, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.check.strip():
            raise UsageError("a plan needs the name of its check")
        if not self.disclosure.strip():
            raise UsageError("a plan needs a one-line disclosure of what leaves the machine")
        if not all(isinstance(r, PlannedRequest) for r in self.requests):
            raise UsageError("a plan's requests must be PlannedRequest values")

    def by_host(self) -> dict[str, list[PlannedRequest]]:
        """The requests grouped by host, in the plan's order."""
        grouped: dict[str, list[PlannedRequest]] = {}
        for request in self.requests:
            grouped.setdefault(request.host, []).append(request)
        return grouped

    def describe(self, shown_per_host: int | None = None) -> str:
        """Human text: the disclosure, then per host each request, the exact values and headers
        it sends and how it treats redirects, then what the ledger keeps. The one disclosure:
        the command line and the app both show this text. With *shown_per_host*, only that
        many requests are listed per host, then a count of the rest."""
        lines = [self.disclosure]
        if not self.requests:
            lines.append("Nothing will be sent.")
        for host, requests in self.by_host().items():
            count = len(requests)
            lines.append("")
            lines.append(f"To {host} ({count} request{'s' if count != 1 else ''}):")
            shown = requests if shown_per_host is None else requests[:shown_per_host]
            for request in shown:
                lines.append(f"  {request.method} {request.target}")
                for value in request.sends:
                    lines.append(f"    sends {value}")
                for name, value in request.sent_headers():
                    lines.append(f"    header {name}: {value}")
                if request.body is not None:
                    lines.append(f"    with a {len(request.body)}-byte body")
                if request.follow_redirects:
                    lines.append(f"    follows up to {MAX_REDIRECTS} https redirects "
                                 "(secret headers are not sent on to another host)")
                elif request.secret_headers:
                    lines.append("    follows no redirect (so the secret cannot be sent on "
                                 "to another host)")
            hidden = count - len(shown)
            if hidden:
                lines.append(f"  … and {hidden} more request{'s' if hidden != 1 else ''} "
                             "like these to this host")
        if self.requests:
            lines.append("")
            lines.append(LEDGER_KEEPS)
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The plan as JSON values; secret header values never appear."""
        return {
            "check": self.check,
            "disclosure": self.disclosure,
            "requests": [
                {
                    "method": r.method,
                    "host": r.host,
                    "target": r.target,
                    "sends": list(r.sends),
                    "headers": [{"name": n, "value": v} for n, v in r.shown_headers()],
                    "body_bytes": None if r.body is None else len(r.body),
                    "follow_redirects": r.follow_redirects,
                }
                for r in self.requests
            ],
        }
