"""What the last username scans learned about each site, kept in the vault for the next scan.

Two things are worth remembering, and neither is about the user:

- a site that refused HEAD (405, 501) and answered GET is asked with GET from the start next
  time, so it costs one request and not two;
- how long each site took, and which ones never answered: the next scan starts the slowest
  first (longest probe first), so a site that waits out the whole timeout is not started last
  and does not hold the scan open after every other site has answered.

The record names sites and their timings only (never a username or an answer) and lives in the
encrypted vault like every other record. It is bounded (MAX_SITES entries, the newest kept),
and a record this kit cannot read is left as it is and the scan simply starts cold.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from kit.footprint.sites import Site
    from kit.records.source import RecordSource
    from kit.vault import Problem, Record, Vault

KIND: Final = "scan_memory"
VERSION: Final = 1
MAX_SITES: Final = 5000
MAX_KEY: Final = 600
HUNG: Final = math.inf  # the estimate for a site that did not answer: it goes first


@dataclass(frozen=True)
class SiteHistory:
    """One site as the last scan that asked it saw it."""

    seconds: float | None  # how long it took to answer (or to be given up on); None: unknown
    hung: bool = False  # no answer came: it waited out the timeout or the deadline
    needs_get: bool = False  # it refused HEAD and answered GET

    def estimate(self) -> float | None:
        if self.hung:
            return HUNG
        return self.seconds


def site_key(site: Site) -> str:
    """The key a site is remembered by: its name and the address it is asked at, so a site
    whose rule changes is not mistaken for the old one."""
    return f"{site.name.casefold()}|{site.probe_url}"[:MAX_KEY]


@dataclass(frozen=True)
class ScanMemory:
    """Every site the kit remembers, by site_key (oldest first)."""

    sites: Mapping[str, SiteHistory] = field(default_factory=dict)
    record_id: str | None = None

    def get(self, site: Site) -> SiteHistory | None:
        return self.sites.get(site_key(site))

    def needs_get(self, site: Site) -> bool:
        known = self.get(site)
        return known is not None and known.needs_get

    def estimates(self, sites: Sequence[Site]) -> list[float]:
        """Each site's expected time, for ordering longest first: what it took last time
        (a site that never answered: infinity), and the median of those for one never seen."""
        known = [self.get(s) for s in sites]
        seen = [h.estimate() for h in known if h is not None and h.estimate() is not None]
        finite = [e for e in seen if e is not None and e != HUNG]
        typical = statistics.median(finite) if finite else 0.0
        out: list[float] = []
        for history in known:
            estimate = history.estimate() if history is not None else None
            out.append(typical if estimate is None else estimate)
        return out

    def learned(self, seen: Iterable[tuple[Site, SiteHistory]]) -> ScanMemory:
        """This memory updated with what a scan saw; the sites it saw become the newest."""
        merged = dict(self.sites)
        fresh: dict[str, SiteHistory] = {}
        for site, history in seen:
            key = site_key(site)
            before = fresh.get(key)
            if before is not None:  # several names on one site: keep the slowest, any GET
                history = SiteHistory(
                    _slowest(before.seconds, history.seconds), before.hung or history.hung,
                    before.needs_get or history.needs_get)
            fresh[key] = history
        for key, history in fresh.items():
            merged.pop(key, None)
            merged[key] = history
        if len(merged) > MAX_SITES:
            merged = dict(list(merged.items())[-MAX_SITES:])
        return ScanMemory(merged, self.record_id)

    def to_data(self) -> dict[str, Any]:
        return {"version": VERSION, "sites": {
            key: [None if h.seconds is None else round(h.seconds, 3), h.hung, h.needs_get]
            for key, h in self.sites.items()}}


def _slowest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)


def from_data(data: Mapping[str, Any], record_id: str | None = None) -> ScanMemory:
    """Read a stored memory; TypeError or ValueError when it is not one this kit wrote."""
    if data.get("version") != VERSION:
        raise ValueError("an unknown scan memory version")
    raw = data.get("sites")
    if not isinstance(raw, dict) or len(raw) > MAX_SITES:
        raise TypeError("sites must be a table of at most MAX_SITES entries")
    sites: dict[str, SiteHistory] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or len(key) > MAX_KEY or not isinstance(value, list) \
                or len(value) != 3:
            raise TypeError("a remembered site must be [seconds, hung, needs_get]")
        seconds, hung, needs_get = value
        if seconds is not None and (isinstance(seconds, bool) or not isinstance(
                seconds, int | float) or not 0 <= seconds <= 3600):
            raise ValueError("seconds must be from 0 to 3600")
        if not isinstance(hung, bool) or not isinstance(needs_get, bool):
            raise TypeError("hung and needs_get must be true or false")
        sites[key] = SiteHistory(None if seconds is None else float(seconds), hung, needs_get)
    return ScanMemory(sites, record_id)


class ScanMemoryStore:
    """The one scan memory record in a vault (the fullest, should two devices each keep one)."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._current: ScanMemory | None = None
        self.problems: list[Problem] = []

    def current(self) -> ScanMemory:
        """What the kit remembers (empty before the first scan)."""
        if self._current is None:
            from kit.records.source import read_kind
            from kit.vault import Problem

            read, self.problems = read_kind(
                self.source, KIND, _from_record, lambda r: Problem(
                    "unreadable_scan_memory", f"what the kit remembers of earlier username "
                    f"scans ({r.id}) has a shape this version cannot read; it was left "
                    "untouched, and scans start without it", r.id))
            self._current = max(read.values(), key=lambda m: len(m.sites), default=None) \
                or ScanMemory()
        return self._current

    def save(self, memory: ScanMemory) -> ScanMemory:
        """Keep *memory* in place of the current one."""
        record = self.vault.put(KIND, memory.to_data(),
                                record_id=self.current().record_id)
        self._current = ScanMemory(memory.sites, record.id)
        return self._current


def _from_record(record: Record) -> ScanMemory:
    return from_data(record.data, record.id)
