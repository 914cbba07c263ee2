"""The network ledger: every request kept encrypted in the vault, never a secret or a value."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kit.footprint.plan import Plan, PlannedRequest
from kit.footprint.transport import LedgerEntry, Transport
from kit.records.ledger import KIND, Ledger
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import Result
from tests.footprint.conftest import LoopbackServer

SECRET = "CANARY-SECRET-b81d44"
QUERY = "CANARY-QUERY-5e0c2a"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def entry(minutes: int, check: str = "password", path: str = "/range/21BD1",
          status: int | None = 200, error: str = "") -> LedgerEntry:
    return LedgerEntry(at=T0 + timedelta(minutes=minutes), check=check, method="GET",
                       host="api.pwnedpasswords.com", path=path, status=status,
                       bytes_received=1234, error=error)


def test_one_record_per_run_and_entries_newest_first(vault: Vault) -> None:
    ledger = Ledger(vault)
    ledger.add([entry(0), entry(1, path="/range/AAAAA")])
    ledger.add([entry(5, check="gravatar", status=None, error="timeout")])
    ledger.add([])  # a run that sent nothing leaves no record
    records = [r for r in vault.snapshot().records.values() if r.kind == KIND]
    assert len(records) == 2
    fresh = Workspace(vault).ledger
    assert [(e.check, e.path) for e in fresh.entries()] == [
        ("gravatar", "/range/21BD1"), ("password", "/range/AAAAA"), ("password", "/range/21BD1")]
    assert fresh.entries()[0] == entry(5, check="gravatar", status=None, error="timeout")
    assert ledger.entries() == fresh.entries()  # the writer's own view kept up to date
    assert fresh.problems == []


def test_an_unreadable_record_is_a_problem_and_the_rest_still_show(vault: Vault) -> None:
    Ledger(vault).add([entry(0)])
    vault.put(KIND, {"check": "password", "requests": [{"at": "not a time"}]})
    vault.put(KIND, {"check": "email", "requests": "nope", "future": True})
    ledger = Ledger(vault)
    assert ledger.entries() == [entry(0)]
    assert [p.code for p in ledger.problems] == ["unreadable_ledger", "unreadable_ledger"]


def test_no_secret_header_or_query_value_reaches_the_ledger_or_the_disk(
        http_server: type[LoopbackServer], vault: Vault, kit_env: Path) -> None:
    server = http_server(lambda m, p, h, b: (200, {"Set-Cookie": f"c={SECRET}"}, b"0123456789"))
    request = PlannedRequest("GET", f"{server.url}/api/lookup?account={QUERY}",
                             (f"your account name {QUERY}",),
                             headers=(("hibp-api-key", SECRET),),
                             secret_headers=frozenset({"hibp-api-key"}))
    plan = Plan("email", "Sends your account name to a test server.", (request,))
    with Transport() as transport, transport.open(plan, approved=True) as session:
        session.send(request, timeout=5)
    assert server.received[0].headers["hibp-api-key"] == SECRET  # it was really sent
    ledger = Workspace(vault).ledger
    ledger.add(session.entries)

    [saved] = Ledger(vault).entries()
    assert (saved.check, saved.method, saved.host, saved.path, saved.status,
            saved.bytes_received) == ("email", "GET", f"127.0.0.1:{server.port}", "/api/lookup",
                                      200, 10)
    decrypted = json.dumps([r.data for r in vault.snapshot().records.values()])
    assert "/api/lookup" in decrypted
    for canary in (SECRET, QUERY):
        assert canary not in decrypted
        assert canary not in repr(session.entries)
    vault.close()
    scanned = 0
    for path in kit_env.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            scanned += len(data)
            assert SECRET.encode() not in data and QUERY.encode() not in data, path
    assert scanned > 0


def test_kit_ledger_lists_requests_newest_first(vault: Vault, kit: type[Result]) -> None:
    Ledger(vault).add([entry(0), entry(2, path="/range/FFFFF", status=404)])
    Ledger(vault).add([entry(1, check="gravatar", status=None, error="timeout")])
    vault.close()

    human = kit("ledger")  # type: ignore[operator]
    assert human.code == 0, human.err
    lines = human.out.splitlines()
    assert lines[0].split() == ["time", "check", "sent", "got", "bytes", "where"]
    assert "/range/FFFFF" in lines[1] and " 404 " in lines[1]
    assert "gravatar" in lines[2] and "(timeout)" in lines[2] and " - " in lines[2]
    assert "api.pwnedpasswords.com/range/21BD1" in lines[3] and "1,234 B" in lines[3]

    doc = json.loads(kit("ledger", "--json", "--limit", "2").out)  # type: ignore[operator]
    assert doc["total"] == 3
    assert [e["path"] for e in doc["entries"]] == ["/range/FFFFF", "/range/21BD1"]
    assert doc["entries"][1] == {
        "at": (T0 + timedelta(minutes=1)).isoformat(), "check": "gravatar", "method": "GET",
        "host": "api.pwnedpasswords.com", "path": "/range/21BD1", "status": None,
        "bytes": 1234, "error": "timeout"}

    limited = kit("ledger", "--limit", "1")  # type: ignore[operator]
    assert "(the newest 1 of 3; --limit shows more)" in limited.out

    bad = kit("ledger", "--limit", "0")  # type: ignore[operator]
    assert bad.code == 2 and "--limit" in bad.err


def test_kit_ledger_on_an_empty_ledger(cli_vault: Path, kit: type[Result]) -> None:
    result = kit("ledger")  # type: ignore[operator]
    assert result.code == 0, result.err
    assert "No network requests recorded" in result.out
    assert json.loads(kit("ledger", "--json").out) == {"total": 0, "entries": []}  # type: ignore[operator]
