"""The workspace decrypts the vault once and shares that snapshot among repositories. A record
added through a repository that had not read its kind yet must still be listed afterwards:
the shared snapshot was taken before the write and does not hold it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from kit.footprint.transport import LedgerEntry
from kit.vault import Vault
from kit.workspace import Workspace

AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def _journal(ws: Workspace) -> int:
    ws.journal.add("a note written before anything read the journal")
    return len(ws.journal.entries())


def _exposure(ws: Workspace) -> int:
    ws.exposure.add(material=["image"], impact=3, when=AT)
    return len(ws.exposure.entries())


def _ledger(ws: Workspace) -> int:
    ws.ledger.add([LedgerEntry(AT, "password", "GET", "127.0.0.1", "/range/ABCDE", 200, 10)])
    return len(ws.ledger.entries())


def _incident(ws: Workspace) -> int:
    ws.incidents.add(category="doxing", platform="a forum", description="address posted")
    return len(ws.incidents.list())


@pytest.mark.parametrize("add_then_count", [_journal, _exposure, _ledger, _incident],
                         ids=["journal", "exposure", "ledger", "incidents"])
def test_a_record_added_after_the_snapshot_is_listed_once(
        vault: Vault, add_then_count: Callable[[Workspace], int]) -> None:
    ws = Workspace(vault)
    ws.snapshot()  # as open_workspace() does, before any repository is used
    assert add_then_count(ws) == 1
    assert add_then_count(ws) == 2  # and a second add is not counted twice
    ws.refresh()
    assert add_then_count(ws) == 3  # what the disk holds agrees
