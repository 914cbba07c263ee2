"""Does an email address have a public Gravatar, and what does its profile show?

Gravatar identifies an address by the SHA-256 of its trimmed, lower-cased text, computed here
(https://docs.gravatar.com/rest/api-data-specifications). The hash hides the address, but it is
the same on every site that shows the avatar, and anyone who knows or guesses the address can
compute it and match it (research/footprint.md §7): the plan says so.

`GET {base}/avatar/{hash}?d=404` answers 200 when an avatar exists and 404 when none does. The
profile lookup (`GET https://api.gravatar.com/v3/profiles/{hash}`) is opt-in; it reports which
public fields the profile exposes.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kit.errors import NetworkFailed
from kit.footprint.breaches import normalise_email
from kit.footprint.plan import Plan, PlannedRequest
from kit.outside_data import Malformed, parse_json
from kit.plurals import counted

if TYPE_CHECKING:
    from kit.footprint.transport import Response
    from kit.records.findings import Finding, Findings

ENV_URL = "KIT_GRAVATAR_URL"
DEFAULT_URL = "https://gravatar.com"
DEFAULT_PROFILE_URL = "https://api.gravatar.com/v3/profiles/"
MAX_AVATAR_BYTES = 2_000_000  # only the status matters; the image is not kept
MAX_PROFILE_BYTES = 1_000_000
MAX_VALUE = 300

# Profile fields a doxer could use, in the order shown, with the words shown for them.
PROFILE_FIELDS: tuple[tuple[str, str], ...] = (
    ("display_name", "Display name"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("location", "Location"),
    ("job_title", "Job title"),
    ("company", "Company"),
    ("description", "About me"),
    ("pronouns", "Pronouns"),
    ("pronunciation", "Pronunciation"),
    ("timezone", "Time zone"),
    ("languages", "Languages"),
    ("interests", "Interests"),
    ("verified_accounts", "Linked accounts"),
    ("links", "Links"),
    ("contact_info", "Contact details"),
    ("payments", "Payment links"),
    ("gallery", "Photo gallery"),
    ("profile_url", "Profile page"),
)


def base_url() -> str:
    return (os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")


def profile_base_url() -> str:
    """The profile API's base: Gravatar's own, or under KIT_GRAVATAR_URL when that is set
    (tests point one loopback server at both)."""
    override = os.environ.get(ENV_URL)
    return override.rstrip("/") + "/v3/profiles/" if override else DEFAULT_PROFILE_URL


def email_hash(email: str) -> str:
    """SHA-256 (hex) of the trimmed, lower-cased address, as Gravatar computes it."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def avatar_request(digest: str) -> PlannedRequest:
    return PlannedRequest(
        method="GET",
        url=f"{base_url()}/avatar/{digest}?d=404",
        sends=(f"the SHA-256 hash of your email address: {digest}",),
        follow_redirects=True,  # no key to leak; Gravatar may move between its own hosts
        max_bytes=MAX_AVATAR_BYTES,
    )


def profile_request(digest: str) -> PlannedRequest:
    return PlannedRequest(
        method="GET",
        url=f"{profile_base_url()}{digest}",
        sends=(f"the same SHA-256 hash of your email address: {digest}",),
        max_bytes=MAX_PROFILE_BYTES,
    )


def plan(email: str, *, profile: bool = False) -> Plan:
    """The Gravatar check's plan: the avatar probe, and the profile lookup if asked for."""
    digest = email_hash(normalise_email(email))
    avatar = avatar_request(digest)
    requests = (avatar, profile_request(digest)) if profile else (avatar,)
    hosts = " and ".join(dict.fromkeys(r.host for r in requests))
    disclosure = (f"The SHA-256 hash of your email address is sent to {hosts}, not the address "
                  "itself. The hash is a stable identifier: anyone who knows or guesses your "
                  "address can compute it and match it to you.")
    return Plan(check="gravatar", disclosure=disclosure, requests=requests)


def _host(response: Response) -> str:
    return urlsplit(response.url).hostname or "Gravatar"


def evaluate_avatar(response: Response) -> bool:
    """Whether a public avatar exists (200) or not (404); anything else is exit 7."""
    if response.status == 200:
        return True
    if response.status == 404:
        return False
    raise _failed(response, "the avatar")


def _failed(response: Response, what: str) -> NetworkFailed:
    if response.status == 429:
        return NetworkFailed(f"Gravatar's rate limit was reached (HTTP 429) while asking for "
                             f"{what}; without a key it allows about 100 lookups an hour. "
                             "Try again later.")
    return NetworkFailed(f"{_host(response)} answered HTTP {response.status} when asked for "
                         f"{what}; nothing was learned. Try again later.")


def _clean(value: object) -> str:
    text = value if isinstance(value, str) else ""
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return " ".join(text.split())[:MAX_VALUE]


def _summary(key: str, value: object) -> str:
    """What one profile field shows, as one line ("" when it shows nothing)."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        parts = []
        for item in value[:20]:
            if isinstance(item, Mapping):
                if item.get("is_hidden") is True:  # not shown on the public profile
                    continue
                label = _clean(item.get("service_label") or item.get("label")
                               or item.get("name") or "")
                url = _clean(item.get("url") or "")
                part = f"{label} {url}".strip() if label != url else url
            else:
                part = _clean(item)
            if part:
                parts.append(part)
        if key == "gallery":
            return counted(len(value), "photo") if value else ""
        return "; ".join(parts)
    if isinstance(value, Mapping):
        parts = []
        for sub, item in value.items():
            shown = _summary(str(sub), item)
            if shown:
                parts.append(f"{_clean(str(sub)).replace('_', ' ')}: {shown}")
        return "; ".join(parts)
    return ""


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class GravatarResult:
    email_hash: str
    avatar: bool
    profile_checked: bool = False
    profile: bool = False
    fields: tuple[ProfileField, ...] = ()

    @property
    def exposed(self) -> bool:
        return self.avatar or self.profile

    def to_json(self) -> dict[str, Any]:
        return {
            "hash": self.email_hash, "avatar": self.avatar,
            "profile_checked": self.profile_checked, "profile": self.profile,
            "fields": [{"field": f.key, "label": f.label, "value": f.value}
                       for f in self.fields],
        }


def evaluate_profile(response: Response) -> tuple[ProfileField, ...] | None:
    """The public fields a profile shows; None when there is no public profile (404)."""
    if response.status == 404:
        return None
    if response.status != 200:
        raise _failed(response, "the profile")
    try:
        doc = parse_json(response.body) if not response.truncated else None
    except Malformed:  # not JSON, nested absurdly deep, numbers of thousands of digits
        doc = None
    if not isinstance(doc, Mapping):
        raise NetworkFailed(f"the profile from {_host(response)} could not be read; nothing "
                            "was learned. Try again later.")
    shown = []
    for key, label in PROFILE_FIELDS:
        value = _summary(key, doc.get(key))
        if value:
            shown.append(ProfileField(key, label, value))
    return tuple(shown)


SOURCE = "gravatar"
FIX_ITEM = "social-other-accounts"


def record_findings(register: Findings, email: str, result: GravatarResult) -> list[Finding]:
    """The avatar and the profile's fields as findings; what is no longer public is marked
    fixed (the profile only when it was looked up)."""
    address = email.strip().lower()
    recorded = []
    avatar_key, profile_key = f"{address} avatar", f"{address} profile"
    if result.avatar:
        recorded.append(register.record(
            SOURCE, avatar_key, "A public Gravatar picture is linked to your email address",
            f"Anyone who knows or guesses {address} can see its Gravatar picture, and sites "
            "that show it link your accounts through the same hash.",
            "low", f"Gravatar avatar for hash {result.email_hash}", FIX_ITEM))
    else:
        register.record_gone(SOURCE, avatar_key)
    if result.fields:
        shown = ", ".join(f.label.lower() for f in result.fields)
        recorded.append(register.record(
            SOURCE, profile_key, "Your public Gravatar profile shows personal details",
            f"The public Gravatar profile for {address} shows: {shown}.",
            "medium", "\n".join(f"{f.label}: {f.value}" for f in result.fields)[:4000],
            FIX_ITEM))
    elif result.profile_checked:
        register.record_gone(SOURCE, profile_key)
    return recorded
