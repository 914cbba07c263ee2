"""Site lists for the username check: the kit's own format, and imports of Sherlock's and
Maigret's `data.json` and WhatsMyName's `wmn-data.json`, recognised from the content
(docs/site-format.md).

Every list is untrusted input, the shipped one included: each is read through the same checks.
A site file decides which hosts the kit contacts and what it sends, so the checks are strict:
https only (plain http to this machine alone, for tests), no cookie, authorization or other
credential-like headers, the username placeholder in the profile address, size caps on names,
addresses, markers, patterns, headers and the file, and username patterns that cannot make the
matcher run for ever (no nested or overlapping repetition, no back-references). A site with a
problem is left out and the problem names the site and the field; a file that cannot be read at
all is a BadInput.

Attribution travels with the data: a list imported from Sherlock (MIT), Maigret (MIT) or
WhatsMyName (CC BY-SA 4.0) keeps its licence and authors, shown by `kit sites show` and at the
top of a scan.

Why one long module: every site list, whatever its format (the kit's own, Sherlock's, Maigret's,
WhatsMyName's), is turned into the kit's form and then checked by the same code before it is
trusted to decide which hosts are contacted and what is sent. Keeping the readers beside the checks
keeps that one door in one place. The safe compiling of username patterns (its own section) is the
first part to move out if the module grows.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from kit.bounded_read import read_bounded
from kit.errors import BadInput, FileRefused
from kit.footprint.plan import url_problem
from kit.outside_data import Malformed, parse_json, parse_toml

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.vault import Problem, Record, Vault

FORMAT_VERSION: Final = 1
SOURCE_FORMATS: Final = ("kit", "sherlock", "whatsmyname", "maigret")
PLACEHOLDER: Final = "{username}"
KINDS: Final = ("status_code", "message", "response_url", "markers")
METHODS: Final = ("GET", "HEAD", "POST")

MAX_FILE_BYTES: Final = 4 * 1024 * 1024  # Maigret: 1.4 MB, WhatsMyName: 0.3, Sherlock: 0.1
MAX_SITES: Final = 5000  # Maigret lists about 3,200
MAX_ENGINES: Final = 100  # Maigret names 17
MAX_NAME: Final = 80
MAX_URL: Final = 500
MAX_PATTERN: Final = 200
MAX_MARKER: Final = 500
MAX_MARKERS: Final = 20
MAX_HEADERS: Final = 10
MAX_HEADER_VALUE: Final = 500
MAX_BODY: Final = 2000
MAX_TEXT: Final = 2000  # licence, notes
MAX_SHORT: Final = 200
MAX_USERNAME: Final = 64
MAX_REPEATS: Final = 3  # repeating quantifiers in one pattern: polynomial matching stays small

DEFAULT_FIX_ITEM: Final = "social-other-accounts"
NEVER_CHECKED: Final = "never against the live site"
KIND_RECORD: Final = "site_list"

SHERLOCK_ATTRIBUTION: Final = (
    "Site data from Sherlock (https://github.com/sherlock-project/sherlock), "
    "MIT licence, copyright the Sherlock Project contributors")
MAIGRET_ATTRIBUTION: Final = (
    "Site data from Maigret (https://github.com/soxoj/maigret), MIT licence, copyright Soxoj "
    "and the Maigret contributors (built on Sherlock's data, MIT, the Sherlock Project)")
WMN_ATTRIBUTION: Final = (
    "Site data from WhatsMyName (https://github.com/WebBreacher/WhatsMyName) by Micah "
    "Hoffman and contributors, CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)")

# Headers a site file may never set: credentials (the kit signs in nowhere and keeps no
# cookies) and the ones that frame the request, which belong to the transport.
FORBIDDEN_HEADERS: Final = frozenset({
    "cookie", "cookie2", "set-cookie", "authorization", "proxy-authorization", "host",
    "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer",
    "upgrade", "expect", "forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip",
})
CREDENTIAL_WORDS: Final = ("auth", "token", "api-key", "apikey", "secret", "session", "csrf",
                           "password", "cookie")
# Unicode's control characters (category Cc): C0, DEL and C1. Matched by a pattern, not
# character by character: Maigret's list is 3,200 sites of text.
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # keeps \t and \n
_CONTROL_BUT_BREAKS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # \t \n \r
HEADER_NAME: Final = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$")


@dataclass(frozen=True)
class Site:
    """One site: where a profile would be, how to ask, and how to read the answer."""

    name: str
    profile_url: str  # the page a person would open, with {username}
    probe_url: str  # what is requested (an API, say); the profile page by default
    detect: tuple[str, ...]  # one or more of KINDS; "markers" stands alone
    method: str = "GET"
    missing_codes: tuple[int, ...] = ()  # status_code / markers: these statuses mean "no such user"
    missing_text: tuple[str, ...] = ()  # message / markers: any of these in the page means missing
    found_code: int | None = None  # markers: the status when the account exists
    found_text: str = ""  # markers: text on the page when the account exists
    body: str | None = None  # POST body with {username}
    headers: tuple[tuple[str, str], ...] = ()
    pattern: str | None = None  # a username that does not match is never sent here
    strip_chars: str = ""  # WhatsMyName: characters the site drops; a name with them is skipped
    category: str = "other"
    fix_item: str = DEFAULT_FIX_ITEM
    claimed: str = ""  # a name known to exist there, for whoever maintains the list
    last_checked: str = NEVER_CHECKED
    note: str = ""
    skip: str = ""  # when set, never probed: this is the reason shown
    protection: tuple[str, ...] = ()  # WhatsMyName: cloudflare, captcha... (shown when uncertain)
    # Why this rule can never report an account as found ("" when it can), worked out from the
    # rule itself whenever a list is read (never stored): a scan skips such a site with this
    # reason rather than let it answer "not found" or "uncertain" for every name.
    cannot_find: str = ""

    @property
    def body_format(self) -> str:
        """"json" or "form": how the name is escaped in the body ("" without a body)."""
        return body_format(self.body, self.headers) if self.body is not None else ""

    def to_json(self) -> dict[str, Any]:
        """The site in the kit's own format (JSON form): what the vault stores."""
        doc: dict[str, Any] = {"name": self.name, "category": self.category,
                               "profile": self.profile_url}
        if self.probe_url != self.profile_url:
            doc["probe"] = self.probe_url
        doc["detect"] = list(self.detect)
        doc["method"] = self.method
        optional: dict[str, Any] = {
            "missing_status": list(self.missing_codes), "missing_text": list(self.missing_text),
            "found_status": self.found_code, "found_text": self.found_text, "body": self.body,
            "headers": dict(self.headers), "pattern": self.pattern,
            "strip_chars": self.strip_chars, "fix_item": self.fix_item, "claimed": self.claimed,
            "last_checked": self.last_checked, "note": self.note, "skip": self.skip,
            "protection": list(self.protection)}
        doc.update({k: v for k, v in optional.items() if v not in (None, "", [], {})})
        return doc


@dataclass(frozen=True)
class SiteProblem:
    """One thing wrong with a site list, naming the site and the field."""

    site: str  # "" for the file as a whole
    field: str
    message: str

    def __str__(self) -> str:
        from kit.terminal_text import shown

        # The site's name is the file's own text, and this line is printed as it is.
        where = f"{shown(self.site)}: " if self.site else ""
        what = f"{self.field}: " if self.field else ""
        return f"{where}{what}{self.message}"

    def to_json(self) -> dict[str, str]:
        return {"site": self.site, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class SiteList:
    """A whole list: its sites and where they came from."""

    name: str
    version: str  # the data's own version
    date: str  # ISO date the data was made or imported
    source_format: str  # one of SOURCE_FORMATS
    sites: tuple[Site, ...]
    licence: str = ""
    authors: tuple[str, ...] = ()
    attribution: str = ""  # one line, shown with every scan
    problems: tuple[SiteProblem, ...] = ()  # the sites left out, and why
    origin: str = "shipped"  # "shipped", "your list" (in the vault) or a file path

    def to_json(self) -> dict[str, Any]:
        """The kit's own format as JSON: what `kit sites update` keeps in the vault."""
        return {"format": FORMAT_VERSION, "name": self.name, "version": self.version,
                "date": self.date, "source_format": self.source_format,
                "licence": self.licence, "authors": list(self.authors),
                "attribution": self.attribution, "sites": [s.to_json() for s in self.sites]}

    @property
    def digest(self) -> str:
        """SHA-256 of the list's content (sites and attribution), to tell two lists apart."""
        canonical = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def get(self, name: str) -> Site | None:
        wanted = name.casefold()
        return next((s for s in self.sites if s.name.casefold() == wanted), None)

    def summary_json(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "date": self.date,
                "source_format": self.source_format, "origin": self.origin,
                "licence": self.licence, "authors": list(self.authors),
                "attribution": self.attribution, "sites": len(self.sites),
                "digest": self.digest, "problems": [p.to_json() for p in self.problems]}


class SiteListError(BadInput):
    """A site file that cannot be used at all (unreadable, unknown format, too large, empty)."""

    def __init__(self, message: str, problems: Iterable[SiteProblem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


# --- reading a file ---


def load_file(path: Path) -> SiteList:
    """Read a site file in any of the three formats; BadInput when it cannot be used at all."""
    try:
        raw = read_bounded(path, MAX_FILE_BYTES, "site list")
    except FileRefused as exc:
        raise SiteListError(exc.message) from None
    return parse(raw, origin=str(path))


def parse(raw: bytes, *, origin: str) -> SiteList:
    """Recognise the format from the content and read it."""
    if len(raw) > MAX_FILE_BYTES:
        raise SiteListError(f"{origin} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                            "no site list is that big")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SiteListError(f"{origin} is not UTF-8 text; a site list is TOML or JSON") from None
    doc = _decode(text, origin)
    if _is_maigret(doc):
        return _from_maigret(doc, origin)
    if _is_wmn(doc):
        return _from_wmn(doc, origin)
    if _is_sherlock(doc):
        return _from_sherlock(doc, origin)
    if isinstance(doc, dict) and "format" in doc and ("site" in doc or "sites" in doc):
        return _from_kit(doc, origin)
    raise SiteListError(
        f"{origin} is not a site list the kit knows: expected the kit's own format "
        "(docs/site-format.md), Sherlock's or Maigret's data.json or WhatsMyName's "
        "wmn-data.json")


def _decode(text: str, origin: str) -> Any:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return parse_json(text)
        except Malformed as exc:
            raise SiteListError(f"{origin} {exc.reason}; it cannot be a site list") from None
    try:
        return parse_toml(text)
    except Malformed as exc:
        syntax = exc.reason.removeprefix("is not valid TOML: ")
        if syntax != exc.reason:  # it looked like neither, so say both
            raise SiteListError(f"{origin} is neither JSON nor valid TOML ({syntax})") from None
        raise SiteListError(f"{origin} {exc.reason}; it cannot be a site list") from None


def _is_wmn(doc: Any) -> bool:
    sites = doc.get("sites") if isinstance(doc, dict) else None
    return (isinstance(sites, list) and "format" not in doc
            and any(isinstance(s, dict) and "uri_check" in s for s in sites))


def _is_maigret(doc: Any) -> bool:
    sites = doc.get("sites") if isinstance(doc, dict) else None
    return (isinstance(sites, dict) and "format" not in doc
            and any(isinstance(s, dict) and ("checkType" in s or "engine" in s)
                    for s in sites.values()))


def _is_sherlock(doc: Any) -> bool:
    return isinstance(doc, dict) and "format" not in doc and any(
        isinstance(v, dict) and "errorType" in v for v in doc.values())


# --- the shared checks ---


class _Reader:
    """Collects problems while turning one format's sites into Site values."""

    def __init__(self, labels: Mapping[str, str] | None = None) -> None:
        self.problems: list[SiteProblem] = []
        self.labels = dict(labels or {})

    def label(self, name: str) -> str:
        return self.labels.get(name, name)

    def fail(self, site: str, name: str, message: str) -> None:
        self.problems.append(SiteProblem(site, self.label(name) if name else "", message))

    def build(self, site: str, values: dict[str, Any]) -> Site | None:
        """Check one site's values (in the kit's vocabulary) and make the Site, or None."""
        before = len(self.problems)
        checked = _check_site(site, values, self.fail)
        if len(self.problems) > before or checked is None:
            return None
        return checked


def _text(value: Any, limit: int, *, one_line: bool = True) -> str | None:
    """The value when it is text within the limit (and on one line if asked), else None."""
    if not isinstance(value, str) or len(value) > limit:
        return None
    if (_CONTROL if one_line else _CONTROL_BUT_LAYOUT).search(value):
        return None
    return value


def _check_site(site: str, v: dict[str, Any],
                fail: Callable[[str, str, str], None]) -> Site | None:
    name = v.get("name")
    clean = _text(name, MAX_NAME)
    if not clean or not clean.strip():
        fail(site, "name", f"must be text of 1 to {MAX_NAME} characters on one line")
        return None
    name = clean.strip()

    def text(key: str, limit: int = MAX_SHORT, default: str = "") -> str:
        value = v.get(key, default)
        if value is None:
            return default
        checked = _text(value, limit, one_line=key not in ("note",))
        if checked is None:
            fail(name, key, f"must be text of at most {limit} characters")
            return default
        return checked

    category = text("category", 40, "other") or "other"
    skip = text("skip", MAX_SHORT)
    profile = _check_url(name, "profile", v.get("profile"), fail)
    probe = _check_url(name, "probe", v.get("probe"), fail) if v.get("probe") is not None \
        else profile
    method = v.get("method") or "GET"
    if method not in METHODS:
        fail(name, "method", f"{str(method)[:20]!r} is not one of {', '.join(METHODS)}")
    detect = _check_detect(name, v.get("detect"), fail)
    headers = _check_headers(name, v.get("headers", {}), fail)
    body = v.get("body")
    if body is not None:
        if not isinstance(body, str) or len(body) > MAX_BODY or _control(body):
            fail(name, "body", f"must be text of at most {MAX_BODY} characters")
            body = None
        elif method != "POST":
            fail(name, "body", "a request body needs method POST")
        else:
            problem = body_problem(body, headers)
            if problem:
                fail(name, "body", problem)
    elif method == "POST":
        fail(name, "method", "POST needs a body")
    # The name must reach the site: in the address asked or in the body sent. The profile
    # address may go without it (Discord has no page per name; its probe is an API).
    if probe and PLACEHOLDER not in probe and not (body and PLACEHOLDER in body):
        field_name = "probe" if v.get("probe") is not None or v.get("body") is not None \
            else "profile"
        fail(name, field_name, f"must contain the username placeholder {PLACEHOLDER}" if
             field_name == "profile" else f"the username placeholder {PLACEHOLDER} must be in "
             "the address or the body")
    missing_codes = _check_codes(name, "missing_status", v.get("missing_status", []), fail)
    found_code = v.get("found_status")
    if found_code is not None and not _is_status(found_code):
        fail(name, "found_status", "must be an HTTP status from 100 to 599")
        found_code = None
    missing_text = _check_markers(name, "missing_text", v.get("missing_text", []), fail)
    found_text = v.get("found_text", "")
    if not isinstance(found_text, str) or len(found_text) > MAX_MARKER or _control(found_text):
        fail(name, "found_text", f"must be text of at most {MAX_MARKER} characters")
        found_text = ""
    if "message" in detect and (not missing_text or "" in missing_text):
        fail(name, "missing_text", "message detection needs one or more non-empty 'not found' "
             "texts")
    if "markers" in detect and (found_code is None or not missing_codes):
        fail(name, "found_status" if found_code is None else "missing_status",
             "markers detection needs found_status and missing_status")
    pattern = v.get("pattern")
    if pattern is not None:
        problem = pattern_problem(pattern)
        if problem:
            fail(name, "pattern", problem)
            pattern = None
    strip_chars = text("strip_chars", 40)
    protection = v.get("protection", [])
    if not isinstance(protection, list) or not all(
            isinstance(p, str) and len(p) <= 40 for p in protection) or len(protection) > 10:
        fail(name, "protection", "must be a list of short words")
        protection = []
    fix_item = text("fix_item", 100, DEFAULT_FIX_ITEM) or DEFAULT_FIX_ITEM
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", fix_item):
        fail(name, "fix_item", "must be a checklist item id such as social-other-accounts")
    claimed = text("claimed", MAX_USERNAME)
    last_checked = text("last_checked", 100, NEVER_CHECKED) or NEVER_CHECKED
    note = text("note", MAX_TEXT)
    if not (profile and probe and detect) or method not in METHODS:
        return None
    return Site(name=name, profile_url=profile, probe_url=probe, detect=detect, method=method,
                missing_codes=missing_codes, missing_text=missing_text, found_code=found_code,
                found_text=found_text, body=body, headers=headers,
                pattern=pattern if isinstance(pattern, str) else None, strip_chars=strip_chars,
                category=category, fix_item=fix_item, claimed=claimed,
                last_checked=last_checked, note=note, skip=skip,
                protection=tuple(protection),
                cannot_find=cannot_find(detect, missing_codes, missing_text, found_code,
                                        found_text))


def cannot_find(detect: tuple[str, ...], missing_codes: tuple[int, ...],
                missing_text: tuple[str, ...], found_code: int | None, found_text: str) -> str:
    """Why a rule can never report an account as found ("" when some answer would be found).

    The answer is read as kit.footprint.usernames.evaluate reads it (docs/site-format.md, "How
    an answer is read"). For `markers`, "found" needs the found status and text while the
    missing rule does not also hold; when the found status is a missing status, the missing
    rule holds on every found page if it has no text of its own or if one of its texts is
    part of the found text (the same text, an empty one, or a piece of it); and a 1xx found
    status is never a final answer. For
    `status_code`, HTTP 200 declared as "no such user" leaves no ordinary answer to be found.
    """
    if detect == ("markers",):
        if found_code is not None and found_code < 200:
            return (f"its “found” status (HTTP {found_code}) is never a site's final answer, so "
                    "it can never find anyone")
        if found_code is None or found_code not in missing_codes:
            return ""
        if not missing_text:
            return (f"its “missing” rule (HTTP {found_code}, any page) also matches every "
                    "“found” answer, so it can never find anyone")
        for marker in missing_text:
            if marker == found_text:
                return ("its “found” and “missing” markers are the same, so it can never "
                        "find anyone")
            if not marker:
                return "its “missing” marker is empty, so it can never find anyone"
            if marker in found_text:
                return ("its “missing” marker is part of its “found” marker, so it can never "
                        "find anyone")
        return ""
    if "status_code" in detect and 200 in missing_codes:
        return ("it counts HTTP 200, the answer a profile page gives, as “no such user”, so "
                "it can never find anyone")
    return ""


def _check_url(site: str, key: str, value: Any, fail: Callable[[str, str, str], None]) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        fail(site, key, f"must be a web address of at most {MAX_URL} characters")
        return ""
    if _CONTROL.search(value) or any(ch.isspace() for ch in value):
        fail(site, key, "must not contain spaces or control characters")
        return ""
    problem = url_problem(value.replace(PLACEHOLDER, "example"))
    if problem:
        fail(site, key, f"the address {problem}")
        return ""
    if "{" in value.replace(PLACEHOLDER, ""):
        fail(site, key, f"has a placeholder other than {PLACEHOLDER}")
        return ""
    return value


def _check_detect(site: str, value: Any, fail: Callable[[str, str, str], None]
                  ) -> tuple[str, ...]:
    kinds = [value] if isinstance(value, str) else value
    if not isinstance(kinds, list) or not kinds or not all(k in KINDS for k in kinds):
        fail(site, "detect", f"must be one or more of {', '.join(KINDS)}")
        return ()
    if "markers" in kinds and len(kinds) > 1:
        fail(site, "detect", "markers detection cannot be combined with another kind")
        return ()
    return tuple(dict.fromkeys(kinds))


def _is_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599


def _check_codes(site: str, key: str, value: Any, fail: Callable[[str, str, str], None]
                 ) -> tuple[int, ...]:
    codes = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(codes, list) or len(codes) > MAX_MARKERS or not all(
            _is_status(c) for c in codes):
        fail(site, key, "must be HTTP statuses from 100 to 599")
        return ()
    return tuple(codes)


def _check_markers(site: str, key: str, value: Any, fail: Callable[[str, str, str], None]
                   ) -> tuple[str, ...]:
    markers = [value] if isinstance(value, str) else value
    if not isinstance(markers, list) or len(markers) > MAX_MARKERS or not all(
            isinstance(m, str) and len(m) <= MAX_MARKER for m in markers):
        fail(site, key, f"must be at most {MAX_MARKERS} texts of at most {MAX_MARKER} "
             "characters each")
        return ()
    if any(_control(m) for m in markers):
        fail(site, key, "must not contain control characters")
        return ()
    return tuple(markers)


def _printable(text: str) -> str:
    """Display-only text (licences, authors) without control characters other than line
    breaks and tabs."""
    return _CONTROL_BUT_LAYOUT.sub("", text)


def _control(text: str) -> bool:
    """Control characters other than line breaks and tabs: text from a site file is shown in
    the terminal, where an escape sequence could rewrite what the user sees."""
    return _CONTROL_BUT_BREAKS.search(text) is not None


def _check_headers(site: str, value: Any, fail: Callable[[str, str, str], None]
                   ) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or len(value) > MAX_HEADERS:
        fail(site, "headers", f"must be a table of at most {MAX_HEADERS} headers")
        return ()
    headers: list[tuple[str, str]] = []
    for header, content in value.items():
        lowered = str(header).lower()
        if not isinstance(header, str) or not HEADER_NAME.match(header):
            fail(site, "headers", f"{str(header)[:40]!r} is not a valid header name")
        elif lowered in FORBIDDEN_HEADERS or any(w in lowered for w in CREDENTIAL_WORDS):
            fail(site, "headers", f"a {header} header is not accepted (the kit sends no "
                 "cookies or credentials, and sets connection headers itself)")
        elif not isinstance(content, str) or len(content) > MAX_HEADER_VALUE \
                or _CONTROL.search(content):
            fail(site, "headers", f"the {header} value must be one line of at most "
                 f"{MAX_HEADER_VALUE} characters")
        else:
            headers.append((header, content))
    return tuple(headers)


def _distinct(sites: list[Site], reader: _Reader) -> tuple[Site, ...]:
    seen: set[str] = set()
    kept: list[Site] = []
    for site in sites:
        key = site.name.casefold()
        if key in seen:
            reader.fail(site.name, "name", "another site has the same name; the first was kept")
            continue
        seen.add(key)
        kept.append(site)
    return tuple(kept)


# --- username patterns, compiled safely ---


def pattern_problem(pattern: Any) -> str:
    """Why a username pattern may not be used ("" when it may).

    Python's matcher backtracks, so some patterns take time exponential in the length of the
    name (`(a+)+$`, `(a|a)*$`) or a high power of it (`.*.*.*.*x`). A pattern comes from a file
    someone else wrote, so it is refused when it repeats a group that itself repeats or whose
    alternatives can match the same character, uses more than MAX_REPEATS repetitions or a
    back-reference. Names are also at most MAX_USERNAME characters long. Together these keep a
    match to a small, bounded amount of work.
    """
    if not isinstance(pattern, str) or not pattern:
        return "must be a regular expression (text)"
    if len(pattern) > MAX_PATTERN:
        return f"is longer than {MAX_PATTERN} characters"
    if _CONTROL.search(pattern):
        return "must not contain control characters"
    try:
        with warnings.catch_warnings():  # a pattern from a file is not the user's code
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"is not a valid regular expression ({exc})"
    return _Shape(pattern).problem()


_ZERO_WIDTH_ESCAPES: Final = frozenset("bBAZz")


@dataclass
class _Group:
    lookaround: bool = False
    quantified_inside: bool = False  # holds any quantifier, even ? (a?a? can split many ways)
    alternatives_inside: bool = False  # holds a nested group with alternatives
    branches: list[list[str]] = field(default_factory=lambda: [[]])  # atoms of each branch


class _Shape:
    """A small scanner for the structure of a pattern: what it repeats, and what is inside."""

    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.stack: list[_Group] = [_Group()]
        self.repeats = 0
        self.last: _Group | str | None = None  # what a quantifier would apply to

    def problem(self) -> str:
        try:
            while self.i < len(self.p):
                self._step()
        except ValueError as exc:
            return str(exc)
        if self.repeats > MAX_REPEATS:
            return (f"repeats more than {MAX_REPEATS} times (such a pattern can take very long "
                    "to check)")
        return ""

    def _atom(self, text: str) -> None:
        self.stack[-1].branches[-1].append(text)
        self.last = text

    def _step(self) -> None:
        p, i = self.p, self.i
        ch = p[i]
        if ch == "\\":
            nxt = p[i + 1] if i + 1 < len(p) else ""
            if nxt.isdigit() and nxt != "0":
                raise ValueError("uses a back-reference, which the kit does not accept")
            self.i = i + 2
            if nxt in _ZERO_WIDTH_ESCAPES:
                self.last = None
            else:
                self._atom(p[i:i + 2])
            return
        if ch == "[":
            end = i + 1
            if end < len(p) and p[end] == "^":
                end += 1
            if end < len(p) and p[end] == "]":
                end += 1
            while end < len(p) and p[end] != "]":
                end += 2 if p[end] == "\\" else 1
            self.i = end + 1
            self._atom(p[i:end + 1])
            return
        if ch == "(":
            self._open()
            return
        if ch == ")":
            group = self.stack.pop()
            if not self.stack:
                raise ValueError("has an unbalanced parenthesis")
            parent = self.stack[-1]
            parent.quantified_inside |= group.quantified_inside
            parent.alternatives_inside |= group.alternatives_inside or (
                len(group.branches) > 1 and not group.lookaround)
            self.i = i + 1
            if not group.lookaround:
                parent.branches[-1].append("(group)")
            self.last = group
            return
        if ch == "|":
            self.stack[-1].branches.append([])
            self.i = i + 1
            self.last = None
            return
        if ch in "*+?{":
            self._quantifier()
            return
        self.i = i + 1
        if ch in "^$":
            self.last = None
            return
        self._atom(ch)

    def _open(self) -> None:
        p, i = self.p, self.i
        group = _Group()
        if not p.startswith("(?", i):
            self.stack.append(group)
            self.i = i + 1
            return
        rest = p[i + 2:i + 4]
        if rest.startswith(("P=", "P>")):
            raise ValueError("uses a back-reference, which the kit does not accept")
        if rest.startswith(("(", "#")):
            raise ValueError("uses a conditional group or a comment, which the kit does not "
                             "accept")
        j = i + 2
        if rest.startswith(("=", "!")):
            group.lookaround, j = True, j + 1
        elif rest.startswith(("<=", "<!")):
            group.lookaround, j = True, j + 2
        elif rest.startswith(("P<", "<")):
            j = p.index(">", j) + 1
        else:  # (?: or scoped flags (?i:...), or flags alone (?i)
            while j < len(p) and p[j] not in ":)":
                j += 1
            if j < len(p) and p[j] == ")":
                self.i = j + 1  # flags for the whole pattern: not a group
                self.last = None
                return
            j += 1
        self.stack.append(group)
        self.i = j

    def _quantifier(self) -> None:
        p, i = self.p, self.i
        high: int | None
        if p[i] == "{":
            m = re.match(r"\{(\d*)(,?)(\d*)\}", p[i:])
            if not m:  # a literal brace
                self.i = i + 1
                self._atom("{")
                return
            low = int(m.group(1) or 0)
            high = int(m.group(3)) if m.group(3) else (low if not m.group(2) else None)
            self.i = i + m.end()
        else:
            high = 1 if p[i] == "?" else None
            self.i = i + 1
        if self.i < len(p) and p[self.i] in "?+":  # lazy or possessive
            self.i += 1
        target, self.last = self.last, None
        if target is None:
            return
        self.stack[-1].quantified_inside = True
        if high is not None and high <= 1:
            return  # optional, or exactly once: repeats nothing
        self.repeats += 1
        if not isinstance(target, _Group):
            return
        if target.quantified_inside:
            raise ValueError("repeats a group that has a repetition or an optional part inside "
                             "(such a pattern can take very long to check)")
        if target.alternatives_inside:
            raise ValueError("repeats a group with nested alternatives (such a pattern can take "
                             "very long to check)")
        if len(target.branches) > 1:
            if any(len(b) != 1 for b in target.branches):
                raise ValueError("repeats a group whose alternatives are longer than one "
                                 "character (such a pattern can take very long to check)")
            if _overlap([b[0] for b in target.branches]):
                raise ValueError("repeats alternatives that can match the same character (such "
                                 "a pattern can take very long to check)")


# The characters tried when checking whether two one-character alternatives overlap.
_SAMPLE: Final = "".join(chr(c) for c in range(32, 0x250)) + "\u0400\u0430\u4e00\u3042\U0001f600"


def _overlap(atoms: list[str]) -> bool:
    """Whether two of these one-character atoms can match the same character."""
    try:
        compiled = [re.compile(a if a != "." else "(?s:.)") for a in atoms]
    except re.error:
        return True
    return any(sum(1 for c in compiled if c.fullmatch(ch)) > 1 for ch in _SAMPLE)


def compiled_pattern(site: Site) -> re.Pattern[str] | None:
    """The site's username pattern, compiled (it passed pattern_problem when read)."""
    if not site.pattern:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return re.compile(site.pattern)


# --- filling in a username ---


def host_placeholder(template: str) -> bool:
    """Whether the username goes into the host name (https://{username}.example.com)."""
    rest = template.split("://", 1)[-1]
    return PLACEHOLDER in rest.split("/", 1)[0]


DNS_LABEL: Final = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def fill_url(template: str, username: str) -> str:
    """The address with the username in it: percent-encoded in a path or query, so a name can
    never change which page is asked for; in a host name it must already be a DNS label."""
    if host_placeholder(template):
        if not DNS_LABEL.match(username):
            raise ValueError("not usable in a web address")
        return template.replace(PLACEHOLDER, username.lower())
    return template.replace(PLACEHOLDER, quote(username, safe=""))


BODY_FORMATS: Final = ("json", "form")


def declared_body_format(headers: Iterable[tuple[str, str]]) -> str | None:
    """The body format a site's Content-Type declares: "json", "form", "" for any other type
    (which the kit cannot fill in safely), or None when no Content-Type is given."""
    for header, value in headers:
        if header.lower() == "content-type":
            media = value.split(";", 1)[0].strip().lower()
            if media == "application/json" or (media.startswith("application/")
                                               and media.endswith("+json")):
                return "json"
            if media == "application/x-www-form-urlencoded":
                return "form"
            return ""
    return None


def body_format(body: str, headers: Iterable[tuple[str, str]]) -> str:
    """How the name is escaped in *body*: as the Content-Type declares it, else "json" when the
    body is JSON and "form" when it is not; "" when the declared type is neither."""
    declared = declared_body_format(headers)
    if declared is not None:
        return declared
    try:
        parse_json(body.replace(PLACEHOLDER, "x"))  # deep nesting: not JSON, not a crash
    except ValueError:
        return "form"
    return "json"


def body_problem(body: str, headers: Iterable[tuple[str, str]]) -> str:
    """Why a request body cannot carry a name safely ("" when it can)."""
    fmt = body_format(body, headers)
    if not fmt:
        return ("its Content-Type is neither JSON nor a form, so the kit cannot put a name in it "
                "safely")
    if fmt == "form" or PLACEHOLDER not in body:
        return ""
    marker = "\ue000kit-name\ue001"  # private-use characters: never in a real body
    try:
        doc = parse_json(body.replace(PLACEHOLDER, marker))
    except ValueError:
        return "is declared JSON but is not valid JSON"
    in_strings = 0
    stack: list[Any] = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            in_strings += value.count(marker)
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            if any(marker in key for key in value):
                return f"the username placeholder {PLACEHOLDER} may not be a JSON key"
            stack.extend(value.values())
    if in_strings != body.count(PLACEHOLDER):
        return f"the username placeholder {PLACEHOLDER} must sit inside a JSON string"
    return ""


def _json_placeholders(template: str) -> Iterator[tuple[int, bool]]:
    """Where {username} starts in a JSON text, and whether it sits inside a string quoted within
    a JSON string (an odd number of escaped quotes since that string opened). Placeholders
    outside JSON strings are not given: body_problem refuses such a body."""
    in_string = False
    inner_quotes = 0
    i = 0
    while i < len(template):
        ch = template[i]
        if not in_string:
            if ch == '"':
                in_string, inner_quotes = True, 0
            i += 1
        elif template.startswith(PLACEHOLDER, i):
            yield i, inner_quotes % 2 == 1
            i += len(PLACEHOLDER)
        elif ch == "\\":
            inner_quotes += template.startswith('\\"', i)
            i += 2
        else:
            in_string = ch != '"'
            i += 1


def fill_body(template: str, username: str, fmt: str = "") -> bytes:
    """The POST body with the username, escaped for the body's format (*fmt*, "json" or "form";
    worked out from the body when not given): JSON-escaped inside a JSON string, and escaped
    twice where the string itself holds a quoted string (a GraphQL query's `\\"{username}\\"`),
    percent-encoded in a form. ValueError when the result would not be the body's format."""
    fmt = fmt or body_format(template, ())
    if fmt == "form":
        return template.replace(PLACEHOLDER, quote(username, safe="")).encode()
    if fmt != "json":
        raise ValueError("not a body the kit can fill in")
    once = json.dumps(username)[1:-1]
    twice = json.dumps(once)[1:-1]
    pieces: list[str] = []
    start = 0
    for at, nested in _json_placeholders(template):
        pieces += [template[start:at], twice if nested else once]
        start = at + len(PLACEHOLDER)
    filled = "".join(pieces) + template[start:]
    try:
        parse_json(filled)
    except ValueError:
        raise ValueError("the name does not fit in this JSON body") from None
    return filled.encode()


# --- the kit's own format ---


def _from_kit(doc: dict[str, Any], origin: str) -> SiteList:
    reader = _Reader()
    fmt = doc.get("format")
    if type(fmt) is not int or fmt != FORMAT_VERSION:  # an integer: 1.0 and true equal 1
        from kit.terminal_text import shown

        # The value is the file's own text: shown escaped, never as it is.
        raise SiteListError(f"{origin} is site format {shown(str(fmt)[:20])}; this kit reads "
                            "format "
                            f"{FORMAT_VERSION}. A newer kit may read it")
    raw_sites = doc.get("site", doc.get("sites"))
    meta = _meta(doc, origin, reader)
    sites = _read_sites(raw_sites, origin, reader, lambda i, s: (str(s.get("name") or
                                                                     f"site {i + 1}"), s))
    return _finish(meta, sites, reader, origin, "kit")


def _meta(doc: dict[str, Any], origin: str, reader: _Reader) -> dict[str, Any]:
    def text(key: str, limit: int, default: str) -> str:
        value = doc.get(key, default)
        if isinstance(value, date):
            value = value.isoformat()
        checked = _text(value, limit, one_line=key not in ("licence", "attribution"))
        if checked is None:
            reader.fail("", key, f"must be text of at most {limit} characters")
            return default
        return checked

    authors = doc.get("authors", [])
    if not isinstance(authors, list) or len(authors) > 200 or not all(
            isinstance(a, str) and len(a) <= 100 for a in authors):
        reader.fail("", "authors", "must be a list of names")
        authors = []
    return {"name": text("name", MAX_SHORT, Path(origin).name) or Path(origin).name,
            "version": text("version", 40, ""), "date": text("date", 40, ""),
            "licence": text("licence", MAX_TEXT, ""),
            "authors": tuple(_printable(a) for a in authors),
            "attribution": text("attribution", MAX_TEXT, ""),
            "source_format": doc.get("source_format", "kit")}


def _read_sites(raw_sites: Any, origin: str, reader: _Reader,
                convert: Callable[[int, dict[str, Any]], tuple[str, dict[str, Any]] | None]
                ) -> list[Site]:
    if not isinstance(raw_sites, list):
        raise SiteListError(f"{origin} has no list of sites")
    if len(raw_sites) > MAX_SITES:
        raise SiteListError(f"{origin} lists {len(raw_sites)} sites; at most {MAX_SITES} are "
                            "accepted")
    sites: list[Site] = []
    for i, raw in enumerate(raw_sites):
        if not isinstance(raw, dict):
            reader.fail(f"site {i + 1}", "", "is not a table of fields")
            continue
        converted = convert(i, raw)
        if converted is None:
            continue
        label, values = converted
        site = reader.build(label[:MAX_NAME], values)
        if site is not None:
            sites.append(site)
    return sites


def _finish(meta: dict[str, Any], sites: list[Site], reader: _Reader, origin: str,
            source_format: str) -> SiteList:
    kept = _distinct(sites, reader)
    if not kept:
        shown = "; ".join(str(p) for p in reader.problems[:5])
        raise SiteListError(f"{origin} has no usable sites" + (f" ({shown})" if shown else ""),
                            reader.problems)
    fmt = meta.get("source_format", source_format)
    if fmt not in SOURCE_FORMATS:
        fmt = "kit"
    return SiteList(name=meta["name"], version=meta["version"], date=meta["date"],
                    source_format=fmt, sites=kept, licence=meta["licence"],
                    authors=meta["authors"], attribution=meta["attribution"],
                    problems=tuple(reader.problems), origin=origin)


# --- Sherlock's data.json (MIT) ---

SHERLOCK_LABELS: Final = {
    "profile": "url", "probe": "urlProbe", "detect": "errorType", "missing_status": "errorCode",
    "missing_text": "errorMsg", "pattern": "regexCheck", "method": "request_method",
    "body": "request_payload", "claimed": "username_claimed", "name": "name"}


def _named_tables(entries: list[tuple[Any, Any]], origin: str,
                  reader: _Reader) -> list[dict[str, Any]]:
    """The sites of a list keyed by name (Sherlock's, Maigret's), each a table of fields with its
    name under "__name__"; an entry that is not a table is named as a problem and left out."""
    if len(entries) > MAX_SITES:
        raise SiteListError(f"{origin} lists {len(entries)} sites; at most {MAX_SITES} are "
                            "accepted")
    tables = []
    for key, value in entries:
        if isinstance(value, dict):
            tables.append({**value, "__name__": key})
        else:
            reader.fail(str(key)[:MAX_NAME], "", "is not a table of fields")
    return tables


def _imported(name: str, licence: str, authors: tuple[str, ...],
              attribution: str) -> dict[str, Any]:
    """What a list imported from another project says about itself, imported today."""
    today = date.today().isoformat()
    return {"name": name, "version": f"imported {today}", "date": today, "licence": licence,
            "authors": authors, "attribution": attribution}


def _from_sherlock(doc: dict[str, Any], origin: str) -> SiteList:
    reader = _Reader(SHERLOCK_LABELS)
    raw_sites = _named_tables([(k, v) for k, v in doc.items() if not k.startswith("$")],
                              origin, reader)

    def convert(_i: int, raw: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        name = str(raw.get("__name__"))
        detect = raw.get("errorType")
        kinds = [detect] if isinstance(detect, str) else detect
        values: dict[str, Any] = {
            "name": name, "profile": _placeholder(raw.get("url"), "{}"),
            "detect": detect, "category": "other",
            "missing_status": raw.get("errorCode", []), "missing_text": raw.get("errorMsg", []),
            "pattern": raw.get("regexCheck"), "headers": raw.get("headers", {}),
            "claimed": raw.get("username_claimed", ""),
            "note": _comment(raw.get("__comment__"))}
        if raw.get("urlProbe") is not None:
            values["probe"] = _placeholder(raw.get("urlProbe"), "{}")
        method = raw.get("request_method")
        if method is None:
            # Sherlock asks with HEAD when the status code alone decides.
            method = "HEAD" if kinds == ["status_code"] else "GET"
        values["method"] = method
        payload = raw.get("request_payload")
        if payload is not None:
            try:
                encoded = json.dumps(payload, ensure_ascii=False)
            except (TypeError, ValueError, RecursionError):
                reader.fail(name, "body", "must be a JSON value")
                return None
            values["body"] = encoded.replace("{}", PLACEHOLDER)
            values["method"] = "POST" if method == "GET" and raw.get("request_method") is None \
                else method
            if not any(k.lower() == "content-type" for k in values["headers"] or {}):
                values["headers"] = {**(values["headers"] or {}),
                                     "Content-Type": "application/json"}
        if raw.get("isNSFW") is True:
            values["category"] = "adult"
        return name, values

    sites = _read_sites(raw_sites, origin, reader, convert)
    meta = _imported("Sherlock data.json", "MIT", ("Sherlock Project contributors",),
                     SHERLOCK_ATTRIBUTION)
    return _finish(meta, sites, reader, origin, "sherlock")


def _placeholder(value: Any, token: str) -> Any:
    return value.replace(token, PLACEHOLDER) if isinstance(value, str) else value


def _comment(value: Any) -> str:
    return value[:MAX_TEXT] if isinstance(value, str) else ""


# --- Maigret's data.json (MIT) ---

MAIGRET_LABELS: Final = {
    "profile": "url", "probe": "urlProbe", "detect": "checkType", "missing_text": "absenceStrs",
    "missing_status": "ignore403", "pattern": "regexCheck", "method": "requestMethod",
    "body": "requestPayload", "claimed": "usernameClaimed", "category": "tags",
    "protection": "protection", "name": "name"}

# Fields that change nothing about how one name is asked and read (ranks, tags, notes, the
# name of a free one, what a maintainer uses to find a site's engine), and the fields the kit
# reads. Any other field could change what Maigret does: such a site is skipped, not guessed.
MAIGRET_INERT: Final = frozenset({
    "alexaRank", "tags", "usernameUnclaimed", "source", "mirrors", "errorUrl", "caseSentitive",
    "engine", "urlMain", "urlSubpath"})
MAIGRET_READ: Final = frozenset({
    "url", "urlProbe", "checkType", "absenceStrs", "presenseStrs", "presenceStrs", "regexCheck",
    "headers", "requestMethod", "requestPayload", "requestHeadOnly", "disabled", "protection",
    "errors", "type", "protocol", "activation", "similarSearch", "usernameClaimed", "ignore403",
    "encoding"})
MAIGRET_CATEGORIES: Final = (  # the first of a site's tags found here names its category
    ({"porn", "erotic", "webcam"}, "adult"), ({"gaming"}, "gaming"),
    ({"messaging"}, "messaging"), ({"streaming", "video"}, "streaming"),
    ({"coding", "tech", "hacking"}, "coding"),
    ({"art", "photo", "music", "design", "writing", "3d"}, "creative"),
    ({"social", "networking", "forum", "discussion", "blog", "dating"}, "social"))
_FORMAT_FIELD: Final = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def _maigret_template(template: Any, values: Mapping[str, str]) -> Any:
    """A Maigret template (Python str.format: {username}, {urlMain}, {urlSubpath}, {{ and }}
    for braces) in the kit's terms: the name as {username}, the others filled in. None when it
    names another field or has a stray brace (Maigret itself would fail), or when its own
    braces would spell {username} where Maigret puts no name."""
    if not isinstance(template, str):
        return template
    out: list[str] = []
    names = 0
    at = 0
    for match in _FORMAT_FIELD.finditer(template):
        literal = template[at:match.start()]
        if "{" in literal or "}" in literal:
            return None
        out.append(literal)
        token, field_name = match.group(), match.group(1)
        if token in ("{{", "}}"):
            out.append(token[0])
        elif field_name == "username":
            out.append(PLACEHOLDER)
            names += 1
        elif field_name in values:
            out.append(values[field_name])
        else:
            return None
        at = match.end()
    rest = template[at:]
    if "{" in rest or "}" in rest:
        return None
    filled = "".join([*out, rest])
    return filled if filled.count(PLACEHOLDER) == names else None


def _maigret_url(template: Any, values: Mapping[str, str]) -> Any:
    filled = _maigret_template(template, values)
    if not isinstance(filled, str):
        return filled
    # Maigret's own clean-up of a doubled slash where {urlMain} ends in one
    return re.sub("(?<!:)/+", "/", filled)


def _maigret_payload(value: Any, values: Mapping[str, str]) -> Any:
    """A requestPayload with each string filled as a Maigret template (keys are left alone);
    None when a string cannot be."""
    if isinstance(value, str):
        return _maigret_template(value, values)
    if isinstance(value, list):
        items = [_maigret_payload(v, values) for v in value]
        return None if any(i is None for i, v in zip(items, value, strict=True)
                           if v is not None) else items
    if isinstance(value, dict):
        filled = {k: _maigret_payload(v, values) for k, v in value.items()}
        return None if any(filled[k] is None for k, v in value.items() if v is not None) \
            else filled
    return value


def _maigret_skip(site: Mapping[str, Any], unknown: list[str]) -> str:
    """Why a Maigret site is skipped ("" when the kit can ask it as Maigret would)."""
    if site.get("disabled") is True:
        return "marked as not working in Maigret's list (disabled)"
    kind = site.get("type")
    if kind not in (None, "username"):
        return (f"Maigret checks an account number there ({str(kind)[:40]}), not a username")
    if site.get("protocol") not in (None, "", "http", "https"):
        return f"reached over {str(site['protocol'])[:20]}, which the kit does not use"
    if site.get("activation"):
        return "needs a token fetched from the site first (activation), which the kit never does"
    if unknown:
        return (f"uses Maigret settings the kit does not know ({', '.join(unknown[:5])[:120]}); "
                "skipped rather than read wrongly")
    if site.get("presenseStrs") or site.get("presenceStrs"):
        return ("its rule needs a text that shows the account exists (presenseStrs), which the "
                "kit's rules cannot check yet; skipped rather than read wrongly")
    if site.get("errors"):
        return ("its rule names the site's own error pages (errors), which the kit cannot "
                "recognise yet; skipped rather than read an error page as an answer")
    if site.get("similarSearch"):
        return ("the site searches for similar names, so an answer would not be about this "
                "exact name")
    encoding = site.get("encoding")
    if encoding is not None and str(encoding).lower().replace("-", "") != "utf8":
        return f"its pages are in {str(encoding)[:20]}, which its rule's texts are not"
    return ""


def _maigret_category(tags: Any) -> str:
    if not isinstance(tags, list):
        return "other"
    for tag in tags:
        for names, category in MAIGRET_CATEGORIES:
            if isinstance(tag, str) and tag in names:
                return category
    return "other"


def _from_maigret(doc: dict[str, Any], origin: str) -> SiteList:
    reader = _Reader(MAIGRET_LABELS)
    raw_sites = _named_tables(list(doc["sites"].items()), origin, reader)
    engines = doc.get("engines", {})
    if not isinstance(engines, dict) or len(engines) > MAX_ENGINES:
        raise SiteListError(f"{origin} has an 'engines' table the kit cannot read (at most "
                            f"{MAX_ENGINES} engines, each a table)")

    def convert(_i: int, raw: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        name = str(raw.pop("__name__"))[:MAX_NAME]
        site = raw
        engine_name = raw.get("engine")
        if engine_name is not None:
            engine = engines.get(engine_name) if isinstance(engine_name, str) else None
            defaults = engine.get("site") if isinstance(engine, dict) else None
            if not isinstance(defaults, dict):
                reader.fail(name, "engine", f"names an engine ({str(engine_name)[:40]}) the "
                            "file does not describe")
                return None
            site = {**defaults, **raw}
        unknown = sorted(str(k)[:40] for k in site if k not in MAIGRET_INERT | MAIGRET_READ)
        values: dict[str, str] = {}
        for key in ("urlMain", "urlSubpath"):
            value = site.get(key, "")
            if not isinstance(value, str) or len(value) > MAX_URL:
                reader.fail(name, key, f"must be text of at most {MAX_URL} characters")
                return None
            values[key] = value
        kit: dict[str, Any] = {"name": name, "category": _maigret_category(site.get("tags")),
                               "claimed": site.get("usernameClaimed", ""),
                               "pattern": site.get("regexCheck"),
                               "headers": site.get("headers", {}),
                               "protection": site.get("protection", [])}
        for key, maigret_key in (("profile", "url"), ("probe", "urlProbe")):
            if maigret_key in site:
                filled = _maigret_url(site[maigret_key], values)
                if filled is None:
                    reader.fail(name, key, "has a {field} other than {username}, {urlMain} or "
                                "{urlSubpath}, or a stray brace")
                    return None
                kit[key] = filled
        check = site.get("checkType")
        kit["detect"] = check
        kit["missing_text"] = site.get("absenceStrs", [])
        if site.get("ignore403") is True:
            kit["missing_status"] = [403]  # Maigret reads a 403 there as an answer, not an error
        head = site.get("requestHeadOnly") is True and check == "status_code"
        kit["method"] = site.get("requestMethod") or ("HEAD" if head else "GET")
        payload = site.get("requestPayload")
        if payload is not None:
            filled_payload = _maigret_payload(payload, values)
            if filled_payload is None:
                reader.fail(name, "body", "has a {field} other than {username}, or a stray "
                            "brace")
                return None
            try:
                kit["body"] = json.dumps(filled_payload, ensure_ascii=False)
            except (TypeError, ValueError, RecursionError):
                reader.fail(name, "body", "must be a JSON value")
                return None
            headers = kit["headers"] if isinstance(kit["headers"], dict) else {}
            if not any(str(k).lower() == "content-type" for k in headers):
                kit["headers"] = {**headers, "Content-Type": "application/json"}
        skip = _maigret_skip(site, unknown)
        if skip:
            kit["skip"] = skip
            if check == "message" and not kit["missing_text"]:
                # Its rule cannot be written as the kit's; it is never used (the site is
                # skipped), so a stand-in that passes the checks keeps the site listed.
                kit["detect"], kit["missing_text"] = "status_code", []
                kit["note"] = "Maigret's rule for it needs texts the kit cannot check yet."
        return name, kit

    sites = _read_sites(raw_sites, origin, reader, convert)
    meta = _imported("Maigret data.json", "MIT", ("Soxoj", "Maigret contributors"),
                     MAIGRET_ATTRIBUTION)
    return _finish(meta, sites, reader, origin, "maigret")


# --- WhatsMyName's wmn-data.json (CC BY-SA 4.0) ---

WMN_LABELS: Final = {
    "profile": "uri_pretty", "probe": "uri_check", "missing_status": "m_code",
    "missing_text": "m_string", "found_status": "e_code", "found_text": "e_string",
    "body": "post_body", "category": "cat", "claimed": "known", "strip_chars": "strip_bad_char"}


def _from_wmn(doc: dict[str, Any], origin: str) -> SiteList:
    reader = _Reader(WMN_LABELS)

    def convert(i: int, raw: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        name = str(raw.get("name") or f"site {i + 1}")
        check = _placeholder(raw.get("uri_check"), "{account}")
        pretty = _placeholder(raw.get("uri_pretty"), "{account}") or check
        body = raw.get("post_body") or None
        known = raw.get("known") or []
        values: dict[str, Any] = {
            "name": name, "profile": pretty, "probe": check, "detect": "markers",
            "method": "POST" if body else "GET",
            "body": _placeholder(body, "{account}"),
            "found_status": raw.get("e_code"), "found_text": raw.get("e_string", ""),
            "missing_status": raw.get("m_code"),
            "missing_text": raw.get("m_string", ""),
            "headers": raw.get("headers", {}), "category": raw.get("cat") or "other",
            "strip_chars": raw.get("strip_bad_char", ""),
            "claimed": known[0] if isinstance(known, list) and known and isinstance(
                known[0], str) else "",
            "protection": raw.get("protection", [])}
        if values["missing_status"] is None:
            values["missing_status"] = []
        if raw.get("valid") is False:
            values["skip"] = "marked as not working in its list (valid: false)"
        return name, values

    sites = _read_sites(doc.get("sites"), origin, reader, convert)
    licence = doc.get("license", [])
    licence_text = " ".join(licence) if isinstance(licence, list) and all(
        isinstance(x, str) for x in licence) else licence if isinstance(licence, str) else ""
    authors = doc.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        authors = []
    meta = _imported("WhatsMyName wmn-data.json",
                     _printable(licence_text[:MAX_TEXT]) or "CC BY-SA 4.0",
                     tuple(_printable(a[:100]) for a in authors[:200]), WMN_ATTRIBUTION)
    return _finish(meta, sites, reader, origin, "whatsmyname")


# --- the shipped list, and the user's own in the vault ---


@functools.cache
def shipped() -> SiteList:
    """The curated list that comes with the kit (kit/footprint/data/sites.toml)."""
    raw = resources.files("kit.footprint").joinpath("data/sites.toml").read_bytes()
    return parse(raw, origin="shipped")


@dataclass(frozen=True)
class SiteDiff:
    """What an update would change, by site name."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, list[str]]:
        return {"added": list(self.added), "removed": list(self.removed),
                "changed": list(self.changed)}


def diff(old: SiteList, new: SiteList) -> SiteDiff:
    before = {s.name: s for s in old.sites}
    after = {s.name: s for s in new.sites}
    return SiteDiff(
        added=tuple(n for n in after if n not in before),
        removed=tuple(n for n in before if n not in after),
        changed=tuple(n for n in after if n in before and after[n] != before[n]))


class UserSites:
    """The user's own site list, kept in the vault by `kit sites update` (one record)."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self.problems: list[Problem] = []
        self._loaded: tuple[SiteList | None, str | None] | None = None

    def _load(self) -> tuple[SiteList | None, str | None]:
        if self._loaded is None:
            from kit.records.source import read_kind
            from kit.vault import Problem

            seen: list[str] = []  # every stored list, in the snapshot's order

            def stored(record: Record) -> SiteList:
                seen.append(record.id)
                return parse(json.dumps(record.data["list"]).encode(), origin="your list")

            read, problems = read_kind(self.source, KIND_RECORD, stored, lambda r: Problem(
                "unreadable_site_list", f"your saved site list ({r.id}) could not be read, so "
                "the kit's own list is used; `kit sites update FILE` replaces it", r.id))
            # The snapshot's own damage is the vault's to report, not this list's.
            self.problems = [p for p in problems if p.code == "unreadable_site_list"]
            # One list is kept; should two ever be stored, the first is the one in use.
            first = seen[0] if seen else None
            found: tuple[SiteList | None, str | None] = (read.get(first or ""), first)
            self._loaded = found
        return self._loaded

    def current(self) -> SiteList | None:
        """The user's list, or None when the shipped one is in use."""
        return self._load()[0]

    def active(self) -> SiteList:
        """The list scans use: the user's when there is one, else the shipped one."""
        return self.current() or shipped()

    def save(self, new: SiteList) -> None:
        """Keep *new* as the user's list (replacing any earlier one)."""
        data = {"list": new.to_json(), "origin": new.origin}
        _current, record_id = self._load()
        record = self.vault.put(KIND_RECORD, data, record_id=record_id)
        self._loaded = (parse(json.dumps(data["list"]).encode(), origin="your list"), record.id)

    def reset(self) -> bool:
        """Go back to the shipped list; False when it was already in use."""
        _current, record_id = self._load()
        if record_id is None:
            return False
        self.vault.delete(record_id)
        self._loaded = (None, None)
        return True
