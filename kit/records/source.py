"""What a repository reads from."""

from __future__ import annotations

from typing import Protocol

from kit.vault import Snapshot


class RecordSource(Protocol):
    """A Vault, or a Workspace that shares one decrypted snapshot among repositories."""

    def snapshot(self) -> Snapshot: ...
