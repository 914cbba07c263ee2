"""What a removal request changes beyond itself, as the command line and the app both do it.

A re-check that finds the pages gone marks the request removed and the findings it answers
fixed. Those are two repositories, so they are written in one workspace transaction: a failure
part way keeps neither, and the workspace forgets what its repositories had cached of the
unkept writes."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kit.records.findings import Findings
    from kit.removals.requests import Removal, Removals


class Stores(Protocol):
    """The part of an unlocked workspace a re-check writes (kit.workspace.Workspace is one)."""

    @property
    def removals(self) -> Removals: ...
    @property
    def findings(self) -> Findings: ...
    def transaction(self) -> AbstractContextManager[None]: ...


def recheck(workspace: Stores, id_or_prefix: str, gone: bool, *, today: date) -> Removal:
    """Record what a look at a request's pages showed (kit.removals.requests.Removals.recheck):
    gone, the request removed and its findings fixed in one commit; still there, the request
    kept open."""
    with workspace.transaction():
        return workspace.removals.recheck(id_or_prefix, gone=gone, findings=workspace.findings,
                                          today=today)
