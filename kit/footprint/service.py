"""Footprint, as the command line and the terminal app both use it.

One object over an unlocked workspace: sending an approved check's plan through the one
transport, keeping what a check did (every request in the ledger, what it found in the findings
register, and the caches it refreshed, in one commit), listing and marking findings, the ledger,
the site list the username scan uses, what earlier scans learned, and the details for search
queries. The Footprint panes, the scan screen and the footprint commands all go through here;
none of them opens a transaction or reads a repository of its own.

The network rules are the transport's, unchanged: nothing is sent without a plan the person
approved (`send` opens an approved session for exactly that plan), KIT_OFFLINE refuses it there,
and the requests a session made come back whether the check worked or not, for `keep` to put in
the ledger. `send` touches no vault, so it may run in a worker thread; everything that writes
runs in the thread that owns the vault.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol, TypeVar

from kit.errors import KitError
from kit.records.service_base import AreaService

if TYPE_CHECKING:
    from kit.config import Config
    from kit.footprint.breaches import Breach, BreachCatalogue, Catalogue, EmailResult
    from kit.footprint.gravatar import GravatarResult
    from kit.footprint.passwords import PasswordResult
    from kit.footprint.photos import PhotoReport
    from kit.footprint.plan import Plan
    from kit.footprint.rdap import Approve, BootstrapCache, DomainReport
    from kit.footprint.scan_memory import ScanMemoryStore
    from kit.footprint.sites import SiteList, UserSites
    from kit.footprint.transport import Session, Transport
    from kit.footprint.usernames import ScanPlan, SiteResult
    from kit.records.findings import Finding, Findings, Summary
    from kit.records.ledger import Ledger, LedgerEntry
    from kit.records.search_details import SearchDetails, SearchDetailsStore
    from kit.vault import Problem

T = TypeVar("T")


class Stores(Protocol):
    """The part of an unlocked workspace the service uses (kit.workspace.Workspace is one).
    The workspace sits above the feature packages, so the service names what it needs."""

    @property
    def findings(self) -> Findings: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def breach_catalogue(self) -> BreachCatalogue: ...
    @property
    def site_list(self) -> UserSites: ...
    @property
    def scan_memory(self) -> ScanMemoryStore: ...
    @property
    def rdap_bootstrap(self) -> BootstrapCache: ...
    @property
    def search_details(self) -> SearchDetailsStore: ...
    def transaction(self) -> AbstractContextManager[None]: ...


class Footprint(AreaService[Stores]):
    # --- sending and keeping a check ---

    @staticmethod
    def send(plan: Plan, config: Config, entries: list[LedgerEntry],
             send: Callable[[Session, float], T]) -> T:
        """Let *send* use the approved *plan*'s requests, through the transport set up from
        *config* (its timeout is handed on). The requests made are added to *entries* whether
        or not *send* succeeds, for `keep` (or a `record_...`) to put in the ledger. Touches no
        vault: safe in a worker thread."""
        from kit.footprint.transport import approved_session

        with approved_session(plan, config, entries) as session:
            return send(session, config.network_timeout)

    def keep(self, entries: Sequence[LedgerEntry], record: Callable[[], T] | None = None
             ) -> T | None:
        """Keep a check's requests in the ledger and what *record* writes (its findings, a
        refreshed cache) in one commit. The ledger keeps every request even when the rest
        cannot be kept: should the commit fail, the requests are kept on their own, and the
        failure is raised."""
        try:
            with self.workspace.transaction():
                if entries:
                    self._repo("ledger").add(entries)
                return record() if record is not None else None
        except BaseException:
            if entries:
                with contextlib.suppress(KitError):  # the first failure is the one to say
                    self._repo("ledger").add(entries)
            raise

    def record_password(self, entries: Sequence[LedgerEntry], result: PasswordResult
                        ) -> Finding | None:
        from kit.footprint import passwords

        return self.keep(entries, lambda: passwords.record_findings(self._repo("findings"),
                                                                    result))

    def record_gravatar(self, entries: Sequence[LedgerEntry], email: str,
                        result: GravatarResult) -> list[Finding]:
        from kit.footprint import gravatar

        found = self.keep(entries, lambda: gravatar.record_findings(self._repo("findings"),
                                                                    email, result))
        return found or []

    def catalogue(self) -> Catalogue | None:
        """The public list of breaches kept from the last time it was fetched, if any."""
        catalogue: Catalogue | None = self._repo("breach_catalogue").current()
        return catalogue

    def catalogue_needs_refresh(self, now: datetime) -> bool:
        """No breach list kept yet, or one 30 days old or more."""
        return bool(self._repo("breach_catalogue").needs_refresh(now))

    def record_breaches(self, entries: Sequence[LedgerEntry], email: str,
                        found: Sequence[Breach], fetched: Sequence[Breach] | None,
                        now: datetime) -> EmailResult:
        """The breaches *email* is in, with details from the breach list (*fetched* now, kept
        for next time, or the copy kept earlier), recorded as findings."""
        from kit.footprint import breaches

        def record() -> EmailResult:
            store = self._repo("breach_catalogue")
            catalogue = store.save(fetched, now) if fetched is not None else store.current()
            result = breaches.EmailResult(breaches.with_details(found, catalogue),
                                          catalogue.fetched_at if catalogue else None)
            breaches.record_findings(self._repo("findings"), email, result)
            return result

        result = self.keep(entries, record)
        assert result is not None
        return result

    def sites(self) -> SiteList:
        """The site list scans use: the person's own when there is one, else the kit's."""
        sites: SiteList = self._repo("site_list").active()
        return sites

    def own_sites(self) -> SiteList | None:
        """The site list the person chose (`kit sites update`), or None for the kit's own."""
        sites: SiteList | None = self._repo("site_list").current()
        return sites

    def use_sites(self, new: SiteList) -> None:
        self._repo("site_list").save(new)

    def reset_sites(self) -> bool:
        """Back to the kit's own site list; False when it was in use already."""
        return bool(self._repo("site_list").reset())

    def plan_scan(self, names: Sequence[str], sites: SiteList | None = None) -> ScanPlan:
        """The username scan's plan over *sites* (else the list in use), asking first where
        earlier scans learned to (a slow site, one that refuses HEAD). Nothing is sent."""
        from kit.footprint import usernames

        return usernames.plan_scan(names, sites or self.sites(),
                                   self._repo("scan_memory").current())

    def record_scan(self, entries: Sequence[LedgerEntry], scan_plan: ScanPlan,
                    results: Sequence[SiteResult]) -> int:
        """Keep a username scan: its requests, each profile found (one commit for them all:
        200 took 0.45 s one by one), and what the scan learned about slow sites and refused
        HEADs for the next one. Returns how many profiles were found."""
        from kit.footprint import usernames

        def record() -> int:
            found = usernames.record_findings(self._repo("findings"), results)
            if scan_plan.probes:
                self._repo("scan_memory").save(scan_plan.learned(results))
            return found

        found = self.keep(entries, record)
        return found or 0

    def check_domain(self, name: str, *, transport: Transport, approve: Approve,
                     timeout: float, refresh: bool = False) -> DomainReport:
        """The domain's public record (kit.footprint.rdap.check_domain): each plan is approved
        as it is known, the requests go to the ledger as the check ends (worked or not), then
        its findings. Not one commit: the check asks questions between its requests, and the
        vault is not held for that long."""
        from kit.footprint import rdap

        return rdap.check_domain(name, transport=transport, approve=approve,
                                 cache=self._repo("rdap_bootstrap"),
                                 findings=self._repo("findings"), ledger=self._repo("ledger"),
                                 timeout=timeout, refresh=refresh)

    def domain_bootstrap_problems(self) -> list[Problem]:
        """Read the kept list of domain registries, for what is wrong with it."""
        self._repo("rdap_bootstrap").current()
        return list(self._repo("rdap_bootstrap").problems)

    def record_photos(self, reports: Sequence[PhotoReport]) -> tuple[int, int]:
        """Each picture that gives away where it was taken or who is in it becomes a finding
        (one read clean now is marked fixed), in one commit. Returns (recorded, fixed)."""
        from kit.footprint import photos

        kept = self.keep((), lambda: photos.record_findings(self._repo("findings"), reports))
        assert kept is not None
        return kept

    # --- findings ---

    def findings(self, status: str | None = None) -> list[Finding]:
        """The findings (of *status*, or all), open first, then by severity."""
        found: list[Finding] = self._repo("findings").list(status)
        return found

    def finding(self, id_or_prefix: str) -> Finding:
        found: Finding = self._repo("findings").get(id_or_prefix)
        return found

    def findings_summary(self, today: date) -> Summary:
        summary: Summary = self._repo("findings").summary(today)
        return summary

    def mark(self, id_or_prefix: str, status: str, note: str | None = None, *,
             recheck_on: date | None = None) -> Finding:
        """Say what was done about a finding: fixed (looked at again later), accepted, or
        open again. A *note* of None keeps the note; "" clears it."""
        marked: Finding = self._repo("findings").mark(id_or_prefix, status, note,
                                                       recheck_on=recheck_on)
        return marked

    # --- the ledger ---

    def ledger(self) -> list[LedgerEntry]:
        """Every request the checks have sent, newest first."""
        entries: list[LedgerEntry] = self._repo("ledger").entries()
        return entries

    # --- search queries ---

    def search_details(self) -> SearchDetails:
        details: SearchDetails = self._repo("search_details").get()
        return details

    def save_search_details(self, details: SearchDetails) -> SearchDetails:
        saved: SearchDetails = self._repo("search_details").save(details)
        return saved
