"""An unlocked vault and the services the command line and the terminal app share.

The vault is decrypted once per workspace: every repository reads the same snapshot, then keeps
its own kind of record up to date as it writes. Each kind has exactly one repository here, so the
shared snapshot never hides a write. `refresh()` starts again from the disk, which is how the app
sees what the command line wrote meanwhile.

Each repository's module is imported when the repository is first used, so a command that
reads the journal does not load the footprint checks or supervision.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kit.errors import VaultDamaged
from kit.records.source import UNREADABLE
from kit.vault import Credentials, Problem, Snapshot, Vault

if TYPE_CHECKING:
    from kit.footprint.breaches import BreachCatalogue
    from kit.footprint.rdap import BootstrapCache
    from kit.footprint.scan_memory import ScanMemoryStore
    from kit.footprint.sites import UserSites
    from kit.records.drafts import Drafts
    from kit.records.exposure import Exposure
    from kit.records.findings import Findings
    from kit.records.incidents import Incidents
    from kit.records.journal import Journal
    from kit.records.ledger import Ledger
    from kit.records.my_details import MyDetails
    from kit.records.progress import ProgressLog
    from kit.records.safety_plan import SafetyPlan
    from kit.records.search_details import SearchDetailsStore
    from kit.records.wellbeing_plan import WellbeingPlan
    from kit.removals.requests import Removals
    from kit.supervision.contacts import Contacts
    from kit.supervision.exchange import PacketLog
    from kit.supervision.records import SupervisionRecords
    from kit.vault.store import Prefetched
    from kit.wellbeing.checkins import CheckIns
    from kit.wellbeing.library import Instruments

REPOSITORIES = ("journal", "drafts", "exposure", "plan", "instruments", "checkins",
                "safety_plan", "progress", "incidents", "my_details", "ledger",
                "breach_catalogue", "findings", "search_details",
                "rdap_bootstrap", "site_list", "scan_memory", "contacts", "packet_log",
                "supervision", "removals")


def unreadable_in(vault: Vault, snapshot: Snapshot) -> list[str]:
    """One message for each record of *snapshot* that its repository cannot read: a restore
    refuses a backup holding any (kit.vault.export, below the repositories, is given this)."""
    return [p.message for p in Workspace(vault, snapshot).unreadable()]


def open_workspace(path: Path, creds: Credentials,
                   prefetched: Prefetched | Callable[[], Prefetched | None] | None = None
                   ) -> Workspace:
    """Unlock the vault and decrypt it once, ready for every screen or command. *prefetched*
    is what kit.vault.store.prefetch(path) read while the passphrase was typed, or a function
    that gives it once the key is known (ReadAhead.take): the records are then not read again
    after the KDF, unless the vault changed meanwhile."""
    vault = Vault.open(path, creds, prefetched)
    try:
        workspace = Workspace(vault)
        workspace.snapshot()
    except BaseException:
        vault.close()
        raise
    return workspace


def create_workspace(path: Path, passphrase: str, profile: str,
                     show: Callable[[str], None] | None = None) -> tuple[Workspace, str]:
    """A new vault; returns its workspace and the recovery key text, to be shown once (by
    *show*, before the vault is in place: see Vault.create)."""
    vault, recovery_text = Vault.create(path, passphrase, profile, show)
    return Workspace(vault), recovery_text


class Workspace:
    def __init__(self, vault: Vault, snapshot: Snapshot | None = None) -> None:
        """*snapshot* stands in for the vault's own until refresh(): how a restore reads a
        backup's records through every repository before writing any of them."""
        self.vault = vault
        self._snapshot: Snapshot | None = snapshot

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = self.vault.snapshot()
        return self._snapshot

    @property
    def problems(self) -> list[Problem]:
        return self.snapshot().problems

    def unreadable(self) -> list[Problem]:
        """Each record whose repository cannot read it (a field missing or of the wrong type
        or value, or a version this kit does not know), named once. Each kind's shape is
        its repository's rule; this asks every repository, so none is left out. The
        snapshot's own damage is not repeated here (see problems)."""
        self.snapshot()  # a vault that cannot be read at all says so (VaultDamaged) here
        found: dict[tuple[str, str | None], Problem] = {}
        for name in REPOSITORIES:
            repository = getattr(self, name)
            try:
                # Every repository reads its records in _load(), or in current() for caches.
                (getattr(repository, "_load", None) or repository.current)()
            except VaultDamaged:
                raise
            except UNREADABLE as exc:
                # A repository that fails on a record instead of leaving it out (a fault of
                # the kit's): named, so the check that is meant to find damage still finishes.
                what = f"{type(exc).__name__}: {exc}"
                found[("unreadable_" + name, None)] = Problem(
                    "unreadable_" + name, f"the {name.replace('_', ' ')} records could not be "
                    f"read at all ({what[:200]}); one of them has a shape this version of the "
                    "kit cannot read, and nothing was changed")
                continue
            for problem in getattr(repository, "problems", ()):
                # A repository's own "cannot read" problems; not the snapshot's, and not a
                # readable record's trouble with another (evidence whose incident is gone).
                if problem.code.startswith("unreadable_"):
                    found.setdefault((problem.code, problem.record_id), problem)
        return list(found.values())

    def refresh(self) -> None:
        """Forget everything decrypted; the next read comes from the disk."""
        self._snapshot = None
        for name in REPOSITORIES:
            self.__dict__.pop(name, None)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything the repositories write in the block lands together, or none of it does.
        On failure the repositories forget what they had cached of the unkept writes."""
        try:
            with self.vault.transaction():
                yield
        except BaseException:
            self.refresh()
            raise

    def close(self) -> None:
        self.refresh()
        self.vault.close()

    @cached_property
    def journal(self) -> Journal:
        from kit.records.journal import Journal

        return Journal(self.vault, source=self)

    @cached_property
    def drafts(self) -> Drafts:
        from kit.records.drafts import Drafts

        return Drafts(self.vault, source=self)

    @cached_property
    def exposure(self) -> Exposure:
        from kit.records.exposure import Exposure

        return Exposure(self.vault, source=self)

    @cached_property
    def plan(self) -> WellbeingPlan:
        from kit.records.wellbeing_plan import WellbeingPlan

        return WellbeingPlan(self.vault, source=self)

    @cached_property
    def safety_plan(self) -> SafetyPlan:
        from kit.records.safety_plan import SafetyPlan

        return SafetyPlan(self.vault, source=self)

    @cached_property
    def progress(self) -> ProgressLog:
        from kit.records.progress import ProgressLog

        return ProgressLog(self.vault, source=self)

    @cached_property
    def incidents(self) -> Incidents:
        from kit.records.incidents import Incidents

        return Incidents(self.vault, source=self)

    @cached_property
    def my_details(self) -> MyDetails:
        from kit.records.my_details import MyDetails

        return MyDetails(self.vault, source=self)

    @cached_property
    def breach_catalogue(self) -> BreachCatalogue:
        from kit.footprint.breaches import BreachCatalogue

        return BreachCatalogue(self.vault, source=self)

    @cached_property
    def ledger(self) -> Ledger:
        from kit.records.ledger import Ledger

        return Ledger(self.vault, source=self)

    @cached_property
    def findings(self) -> Findings:
        from kit.records.findings import Findings

        return Findings(self.vault, source=self)

    @cached_property
    def search_details(self) -> SearchDetailsStore:
        from kit.records.search_details import SearchDetailsStore

        return SearchDetailsStore(self.vault, source=self)

    @cached_property
    def rdap_bootstrap(self) -> BootstrapCache:
        from kit.footprint.rdap import BootstrapCache

        return BootstrapCache(self.vault, source=self)

    @cached_property
    def site_list(self) -> UserSites:
        from kit.footprint.sites import UserSites

        return UserSites(self.vault, source=self)

    @cached_property
    def scan_memory(self) -> ScanMemoryStore:
        from kit.footprint.scan_memory import ScanMemoryStore

        return ScanMemoryStore(self.vault, source=self)

    @cached_property
    def instruments(self) -> Instruments:
        from kit.wellbeing.library import Instruments

        return Instruments(self.vault, source=self)

    @cached_property
    def checkins(self) -> CheckIns:
        from kit.wellbeing.checkins import CheckIns

        return CheckIns(self.vault, source=self, instruments=self.instruments)

    @cached_property
    def contacts(self) -> Contacts:
        from kit.supervision.contacts import Contacts

        return Contacts(self.vault, source=self)

    @cached_property
    def packet_log(self) -> PacketLog:
        from kit.supervision.exchange import PacketLog

        return PacketLog(self.vault, source=self)

    @cached_property
    def supervision(self) -> SupervisionRecords:
        from kit.supervision.records import SupervisionRecords

        return SupervisionRecords(self.vault, source=self)

    @cached_property
    def removals(self) -> Removals:
        from kit.removals.requests import Removals

        return Removals(self.vault, source=self)
