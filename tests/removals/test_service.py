"""kit.removals.service: a re-check that finds the pages gone writes the request and the
findings it answers in one commit, or neither."""

from __future__ import annotations

from datetime import date

import pytest

from kit.errors import KitError
from kit.records.findings import Findings
from kit.removals.service import recheck
from kit.workspace import Workspace


def counter(workspace: Workspace) -> int:
    """How many commits the vault has had (a fresh read from the disk)."""
    workspace.refresh()
    return workspace.vault.snapshot().commit


def _removal_for_a_finding(workspace: Workspace) -> tuple[str, str]:
    finding = workspace.findings.record("usernames", "people.example jo", "Listing",
                                        "home address", "high", "https://people.example/jo",
                                        None)
    request = workspace.removals.add("people.example", "people-search", "erasure", "email",
                                     sent_on=date(2027, 1, 4), finding_ids=[finding.id],
                                     today=date(2027, 1, 4))
    return request.id, finding.id


def test_a_removal_found_gone_fixes_its_findings_in_the_same_commit(
        workspace: Workspace) -> None:
    request_id, finding_id = _removal_for_a_finding(workspace)
    before = counter(workspace)
    saved = recheck(workspace, request_id, gone=True, today=date(2027, 2, 1))
    assert saved.status == "removed"
    assert counter(workspace) == before + 1  # the request and its finding, one commit
    assert workspace.findings.get(finding_id).status == "fixed"


def test_a_removal_recheck_that_fails_part_way_keeps_neither_half(
        workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The request marked removed but its finding still open would be a record that
    disagrees with itself: if marking the finding fails, the request is left as it was."""
    request_id, finding_id = _removal_for_a_finding(workspace)
    before = counter(workspace)

    def broken(*args: object, **kwargs: object) -> None:
        raise KitError("the disk is full")

    monkeypatch.setattr(Findings, "mark", broken)
    with pytest.raises(KitError, match="disk is full"):
        recheck(workspace, request_id, gone=True, today=date(2027, 2, 1))
    assert counter(workspace) == before
    assert workspace.removals.get(request_id).status == "sent"
    assert workspace.findings.get(finding_id).status == "open"
