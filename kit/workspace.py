"""An unlocked vault and the services the command line and the terminal app share.

The vault is decrypted once per workspace: every repository reads the same snapshot, then keeps
its own kind of record up to date as it writes. Each kind has exactly one repository here, so the
shared snapshot never hides a write. `refresh()` starts again from the disk, which is how the app
sees what the command line wrote meanwhile.
"""

from __future__ import annotations

from functools import cached_property

from kit.records.journal import Journal
from kit.vault import Problem, Snapshot, Vault

REPOSITORIES = ("journal",)


class Workspace:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot:
        if self._snapshot is None:
            self._snapshot = self.vault.snapshot()
        return self._snapshot

    @property
    def problems(self) -> list[Problem]:
        return self.snapshot().problems

    def refresh(self) -> None:
        """Forget everything decrypted; the next read comes from the disk."""
        self._snapshot = None
        for name in REPOSITORIES:
            self.__dict__.pop(name, None)

    def close(self) -> None:
        self.refresh()
        self.vault.close()

    @cached_property
    def journal(self) -> Journal:
        return Journal(self.vault, source=self)
