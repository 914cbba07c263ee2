"""Has a password appeared in a known breach? Pwned Passwords' range API (k-anonymity).

Only the first 5 hex characters of the password's SHA-1 leave the machine; the service answers
with every known suffix under that prefix and the count of breaches it appeared in, and the
match is made here. `Add-Padding: true` makes the service pad its answer with random suffixes of
count 0, so the size of the answer does not give the prefix away; those lines are ignored.
(research/footprint.md §1.)

The password itself is never stored, logged, put in a plan, a ledger entry or an error message:
`plan()` keeps only the prefix (sent) and returns the suffix (kept in memory to match).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kit.errors import BadInput, NetworkFailed, UsageError
from kit.footprint.plan import Plan, PlannedRequest

if TYPE_CHECKING:
    from kit.footprint.transport import Response
    from kit.records.findings import Finding, Findings

ENV_URL = "KIT_PWNED_PASSWORDS_URL"
DEFAULT_URL = "https://api.pwnedpasswords.com"
PREFIX_LENGTH = 5
# A padded answer is 800-1,000 lines of 35 + ~8 characters: far below this.
MAX_BYTES = 1_000_000


# A password on standard input is one line; more than this is not a password (a file piped by
# mistake) and is refused without being read to the end.
MAX_STDIN_BYTES = 4096
BOM = "\ufeff"  # Notepad and PowerShell write one at the start of UTF-8 text


def password_from_input(raw: bytes) -> str:
    """The password in what a script piped in: one line of UTF-8, without a leading byte
    order mark and without its line ending (\\r\\n, \\n or \\r). Every other character, spaces
    included, is part of the password. UsageError for no password or more than one line,
    BadInput for text that is not UTF-8: the password is never hashed with a stray byte."""
    if len(raw) > MAX_STDIN_BYTES:
        raise UsageError(f"standard input holds more than {MAX_STDIN_BYTES} bytes; give only the "
                         "password, on one line. Nothing was sent")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput("the password on standard input is not valid UTF-8 (it is UTF-16 text, "
                       "as some Windows tools write); send it as UTF-8. Nothing was sent")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("the password on standard input is not valid UTF-8; nothing was "
                       "sent") from None
    text = text.removeprefix(BOM)
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            text = text[:-len(ending)]
            break
    if "\n" in text or "\r" in text:
        raise UsageError("standard input holds more than one line; give only the password, on "
                         "one line. Nothing was sent")
    if not text:
        raise UsageError("no password on standard input (the first line was empty); nothing "
                         "was sent")
    return text


def base_url() -> str:
    return (os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


def plan(password: str) -> tuple[Plan, str]:
    """The plan for checking *password*, and the hash suffix to look for in the answer."""
    if not password:
        raise UsageError("no password was given; nothing was sent")
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:PREFIX_LENGTH], digest[PREFIX_LENGTH:]
    request = PlannedRequest(
        method="GET",
        url=f"{base_url()}/range/{prefix}",
        sends=(f"the first 5 characters of your password's SHA-1 hash: {prefix}",),
        headers=(("Add-Padding", "true"),),
        max_bytes=MAX_BYTES,
    )
    host = request.host
    disclosure = (f"Only the first 5 characters of your password's SHA-1 hash ({prefix}) go to "
                  f"{host}; it answers with about a thousand hashes that start the same way, "
                  "and the match is made on this computer. Your password never leaves it.")
    return Plan(check="password", disclosure=disclosure, requests=(request,)), suffix


def count(body: bytes | str, suffix: str) -> int:
    """How many breaches the password with this hash *suffix* appeared in, from a range answer.

    Lines are `SUFFIX:COUNT`. Padding lines (count 0) and anything malformed are ignored, so a
    broken or hostile answer can only make the count 0, never invent one.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    wanted = suffix.strip().upper()
    found = 0
    for line in text.splitlines():
        head, sep, tail = line.strip().partition(":")
        if not sep or head.upper() != wanted:
            continue
        tail = tail.strip()
        if not tail.isascii() or not tail.isdigit():
            continue
        found = max(found, int(tail))
    return found


@dataclass(frozen=True)
class PasswordResult:
    count: int

    @property
    def found(self) -> bool:
        return self.count > 0

    @property
    def message(self) -> str:
        if self.found:
            times = "once" if self.count == 1 else f"{self.count:,} times"
            return f"found {times} in known breaches — do not use it"
        return "not found in known breaches"

    def to_json(self) -> dict[str, Any]:
        return {"found": self.found, "count": self.count}


def evaluate(response: Response, suffix: str) -> PasswordResult:
    """The result of a range answer; anything but 200 is the service failing (exit 7)."""
    if response.status != 200:
        raise NetworkFailed(
            f"the Pwned Passwords service ({_host(response.url)}) answered with HTTP "
            f"{response.status} instead of a list of hashes; nothing was learned. Try again "
            "later.")
    if response.truncated:
        raise NetworkFailed(
            f"the answer from {_host(response.url)} was larger than any real one and was cut "
            "off; nothing was learned. Try again later.")
    return PasswordResult(count(response.body, suffix))


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


SOURCE = "password"
FINDING_KEY = "breached-password"
FIX_ITEM = "accounts-password-manager"


def record_findings(register: Findings, result: PasswordResult) -> Finding | None:
    """Put a breached password in the findings register (one finding for all of them: nothing
    about the password itself is kept, not even a part of its hash). A clean result fixes
    nothing: another password may still be in use somewhere."""
    if not result.found:
        return None
    return register.record(
        SOURCE, FINDING_KEY, "A password you use is in known data breaches",
        "A password you checked is on the lists of leaked passwords that attackers try first "
        "against every account.",
        "high", f"Pwned Passwords: seen {result.count:,} times in breaches", FIX_ITEM)
