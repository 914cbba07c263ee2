"""kit.footprint.service.Footprint through its public methods: a check's requests and what it
found kept together, the ledger kept even when the rest is not, and the reads the panes and
the commands share. The network goes to real loopback servers (tests/footprint/conftest.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kit.config import Config
from kit.errors import KitError, NetworkRefused, NotFound
from kit.footprint import passwords, photos
from kit.footprint.breaches import Breach
from kit.footprint.plan import Plan
from kit.footprint.service import Footprint
from kit.footprint.sites import shipped
from kit.footprint.usernames import SiteResult
from kit.records.ledger import LedgerEntry
from kit.records.search_details import SearchDetails
from kit.workspace import Workspace
from tests.footprint.photo_make import make_jpeg

PASSWORD = "correct horse"
SUFFIX = hashlib.sha1(PASSWORD.encode()).hexdigest().upper()[5:]


def entry(path: str = "/x", check: str = "test") -> LedgerEntry:
    return LedgerEntry(datetime.now(UTC), check, "GET", "127.0.0.1", path, 200, 2)


def counter(workspace: Workspace) -> int:
    """How many commits the vault has had (a fresh read from the disk)."""
    workspace.refresh()
    return workspace.vault.snapshot().commit


def test_a_password_check_sends_its_plan_and_keeps_requests_and_finding_in_one_commit(
        workspace: Workspace, http_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "text/plain"}, f"{SUFFIX}:7\r\n".encode()

    server = http_server(handler)
    monkeypatch.setenv("KIT_PWNED_PASSWORDS_URL", server.url)
    plan, suffix = passwords.plan(PASSWORD)
    entries: list[LedgerEntry] = []
    result = Footprint.send(plan, Config(), entries, lambda session, timeout: passwords.evaluate(
        session.send(plan.requests[0], timeout=timeout), suffix))
    assert result.found and len(entries) == 1
    assert [r.path for r in server.received] == [plan.requests[0].path]
    before = counter(workspace)
    fp = Footprint(workspace)
    fp.record_password(entries, result)
    assert counter(workspace) == before + 1  # the request and the finding: one commit
    fp = Footprint(workspace)
    assert [e.path for e in fp.ledger()] == [entries[0].path]
    assert [f.source for f in fp.findings()] == ["password"]


def test_offline_nothing_is_sent_and_nothing_is_kept(
        workspace: Workspace, http_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    server = http_server()
    monkeypatch.setenv("KIT_PWNED_PASSWORDS_URL", server.url)
    monkeypatch.setenv("KIT_OFFLINE", "1")
    plan, _suffix = passwords.plan(PASSWORD)
    entries: list[LedgerEntry] = []
    with pytest.raises(NetworkRefused):
        Footprint.send(plan, Config(), entries, lambda session, timeout: session.send(
            plan.requests[0], timeout=timeout))
    assert entries == [] and server.received == []


def test_the_ledger_keeps_the_requests_when_the_rest_cannot_be_kept(
        workspace: Workspace) -> None:
    fp = Footprint(workspace)

    def fails() -> None:
        fp.mark("0000", "fixed")  # written in the same commit, then the record fails

    with pytest.raises(NotFound):
        fp.keep([entry("/kept")], fails)
    fp = Footprint(workspace)
    assert [e.path for e in fp.ledger()] == ["/kept"]
    assert fp.keep([entry("/alone")]) is None
    assert [e.path for e in Footprint(workspace).ledger()] == ["/alone", "/kept"]


def test_a_breach_check_keeps_the_fetched_list_and_each_breach(workspace: Workspace) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    fp = Footprint(workspace)
    assert fp.catalogue() is None and fp.catalogue_needs_refresh(now)
    fetched = [Breach("Adobe", title="Adobe", breach_date="2013-10-04")]
    result = fp.record_breaches([entry()], "me@example.org", [Breach("Adobe")], fetched, now)
    assert [b.title for b in result.breaches] == ["Adobe"]  # details from the fetched list
    assert result.catalogue_fetched_at == now
    fp = Footprint(workspace)
    assert not fp.catalogue_needs_refresh(now)
    assert [f.source for f in fp.findings()] == ["email"]
    # Next time, without a fetch, the kept list still fills in the details.
    again = fp.record_breaches([], "me@example.org", [Breach("Adobe")], None, now)
    assert [b.breach_date for b in again.breaches] == ["2013-10-04"]


def test_a_scan_keeps_profiles_found_and_what_it_learned(workspace: Workspace) -> None:
    fp = Footprint(workspace)
    scan_plan = fp.plan_scan(["someone"])
    assert scan_plan.sites.name == shipped().name and scan_plan.probes
    site = scan_plan.probes[0].site.name
    results = [SiteResult("someone", site, "found", "profile page", "https://x.example/someone",
                          http_status=200, seconds=9.0, requests=1, method="GET")]
    assert fp.record_scan([entry()], scan_plan, results) == 1
    fp = Footprint(workspace)
    assert [f.source for f in fp.findings()] == ["usernames"]
    assert len(fp.ledger()) == 1
    assert fp.plan_scan(["someone"]).memory != scan_plan.memory  # the slow site is known


def test_photos_that_give_away_a_place_become_findings(workspace: Workspace,
                                                       tmp_path: Path) -> None:
    picture = make_jpeg(tmp_path / "a.jpg")
    fp = Footprint(workspace)
    assert fp.record_photos(photos.scan([picture])) == (1, 0)
    assert [f.source for f in Footprint(workspace).findings()] == ["photos"]


def test_findings_are_listed_marked_and_counted(workspace: Workspace) -> None:
    fp = Footprint(workspace)
    fp.record_password([], passwords.PasswordResult(count=3))
    finding = fp.findings()[0]
    assert fp.finding(finding.short_id).id == finding.id
    marked = fp.mark(finding.short_id, "fixed", "changed it", recheck_on=date(2027, 1, 1))
    assert marked.status == "fixed" and marked.recheck_on == date(2027, 1, 1)
    assert fp.findings("open") == [] and len(fp.findings("fixed")) == 1
    assert fp.findings_summary(date(2026, 12, 1)).open == 0


def test_the_site_list_and_search_details_are_read_and_kept(workspace: Workspace) -> None:
    fp = Footprint(workspace)
    assert fp.own_sites() is None and not fp.reset_sites()
    mine = shipped()
    fp.use_sites(mine)
    assert Footprint(workspace).own_sites() is not None
    assert Footprint(workspace).reset_sites()
    assert Footprint(workspace).own_sites() is None
    assert fp.search_details().is_empty
    fp.save_search_details(SearchDetails(names=("Jane Smith",)))
    assert Footprint(workspace).search_details().names == ("Jane Smith",)


def test_a_domain_check_not_approved_sends_nothing(workspace: Workspace) -> None:
    from kit.footprint.transport import Transport

    def refuse(plan: Plan) -> None:
        raise NetworkRefused("not approved")

    fp = Footprint(workspace)
    with Transport() as transport, pytest.raises(NetworkRefused):
        fp.check_domain("example.org", transport=transport, approve=refuse, timeout=1.0)
    assert fp.domain_bootstrap_problems() == []
    assert Footprint(workspace).ledger() == []


def test_problems_name_each_unreadable_record_once(workspace: Workspace) -> None:
    workspace.vault.put("finding", {"nonsense": True})
    workspace.refresh()
    fp = Footprint(workspace)
    assert fp.problems == []  # nothing read yet
    fp.findings()
    fp.ledger()
    codes = [p.code for p in fp.problems]
    assert codes and len(codes) == len(set(codes))


def test_keep_raises_what_failed(workspace: Workspace) -> None:
    def broken() -> None:
        raise KitError("no room")

    with pytest.raises(KitError, match="no room"):
        Footprint(workspace).keep([entry()], broken)


def test_a_gravatar_check_keeps_its_request_and_the_picture_found(workspace: Workspace) -> None:
    from kit.footprint.gravatar import GravatarResult, email_hash

    fp = Footprint(workspace)
    found = fp.record_gravatar([entry(check="gravatar")], "me@example.org",
                               GravatarResult(email_hash("me@example.org"), avatar=True))
    assert [f.source for f in found] == ["gravatar"]
    fp = Footprint(workspace)
    assert [e.check for e in fp.ledger()] == ["gravatar"]
    assert [f.id for f in fp.findings()] == [found[0].id]
    assert fp.sites().name == shipped().name  # the kit's own list until one is chosen
