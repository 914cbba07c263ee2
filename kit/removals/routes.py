"""The official places to send a removal request or a complaint, from the shipped
data/routes.toml: the ICO's complaint service, search engines' removal forms and the main
platforms' reporting pages. Each names the page it was taken from and, once it has been compared
with that page, the day of the comparison (docs/content-review.md); until then it says "Not yet
checked against its source", never a date. The file lists, in its header, the routes that are
missing and why.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Final

from kit.errors import BadInput
from kit.removals.requests import TARGETS

FORMAT: Final = "frontline-kit-removal-routes"
VERSION: Final = 1
REGULATOR: Final = "regulator"
KINDS: Final = (*(c.value for c in TARGETS), REGULATOR)
ICO_COMPLAINT: Final = "ico-complaint"

_FIELDS: Final = {"id", "name", "target_kind", "url", "what", "source_url", "last_verified"}
_MAX_TEXT: Final = 600


@dataclass(frozen=True)
class Route:
    id: str
    name: str
    target_kind: str  # KINDS
    url: str
    what: str
    source_url: str
    last_verified: date | None  # the day compared with source_url's text; None: not yet

    @property
    def checked(self) -> str:
        """Whether the route was compared with its source, and when: never a date that was
        not such a comparison."""
        if self.last_verified is None:
            return "Not yet checked against its source"
        return f"Checked against its source on {self.last_verified:%d %b %Y}"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "target_kind": self.target_kind,
                "url": self.url, "what": self.what, "source_url": self.source_url,
                "last_verified": self.last_verified.isoformat() if self.last_verified else None,
                "checked": self.checked}


def _route(t: Mapping[str, Any], n: int) -> Route:
    where = f"routes.toml: route {t.get('id', n)!r}"
    unknown = set(t) - _FIELDS
    if unknown:
        raise BadInput(f"{where}: unknown field {sorted(unknown)[0]!r}")
    for key in ("id", "name", "target_kind", "url", "what", "source_url"):
        value = t.get(key)
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"{where}: field {key!r} must be a non-empty string")
        if len(value) > _MAX_TEXT or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise BadInput(f"{where}: field {key!r} must be one line of at most {_MAX_TEXT} "
                           "characters")
    if t["target_kind"] not in KINDS:
        raise BadInput(f"{where}: field 'target_kind' must be one of {', '.join(KINDS)}")
    for key in ("url", "source_url"):
        if not t[key].startswith("https://"):
            raise BadInput(f"{where}: field {key!r} must be an https:// address")
    day = t.get("last_verified")
    if day is not None and (isinstance(day, datetime) or not isinstance(day, date)):
        raise BadInput(f"{where}: field 'last_verified' must be a date, or left out until the "
                       "route has been compared with its source")
    return Route(t["id"], t["name"], t["target_kind"], t["url"], t["what"], t["source_url"],
                 day)


def parse_routes(text: str) -> tuple[Route, ...]:
    """The routes in a routes file's *text*, in its order; BadInput for any fault."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"routes.toml: not valid TOML ({exc})") from None
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise BadInput("routes.toml: not a version 1 removal routes file")
    raw = doc.get("routes")
    if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
        raise BadInput("routes.toml: field 'routes' must be a non-empty list of tables")
    found = tuple(_route(t, n) for n, t in enumerate(raw, 1))
    ids = [r.id for r in found]
    if len(set(ids)) != len(ids):
        raise BadInput("routes.toml: two routes have the same id")
    return found


@cache
def routes() -> tuple[Route, ...]:
    """The shipped routes, in the file's order."""
    return parse_routes(resources.files("kit.removals").joinpath("data", "routes.toml")
                        .read_text(encoding="utf-8"))


def routes_for(kind: str | None) -> tuple[Route, ...]:
    """The routes for one kind of target (KINDS), or every route for None."""
    if kind is not None and kind not in KINDS:
        raise BadInput(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return tuple(r for r in routes() if kind is None or r.target_kind == kind)


def ico_complaint() -> Route:
    """The ICO's complaint route: the one place its address is kept."""
    return next(r for r in routes() if r.id == ICO_COMPLAINT)
