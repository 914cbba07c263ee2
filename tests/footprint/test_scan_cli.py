"""`kit scan username` and `kit sites` as a user runs them: the installed CLI in a subprocess,
fake sites on loopback, consent, --json/--csv output with status and reason per site, the ledger
and findings written, site lists updated and reset, and every bad input a clear message with the
right exit code."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_kit
from tests.footprint.fake_sites import SHERLOCK, WMN, farm, site


def write_sites(tmp_path: Path, base: str, name: str = "sites.json", **meta: Any) -> Path:
    doc = {"format": 1, "name": "Loopback sites", "version": "7", "date": "2026-11-23",
           "attribution": "Made for the tests", **meta, "sites": [
               site(base, "status", "status_code", name="StatusSite", fix_item="social-x"),
               site(base, "message", "message", name="MessageSite",
                    missing_text=["nobody here goes by that name"]),
               site(base, "cloudflare", "status_code", name="GuardedSite"),
               site(base, "status", "status_code", name="PickySite", pattern="^[0-9]+$"),
           ]}
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def scan_json(*args: str, **kwargs: Any) -> dict[str, Any]:
    result = run_kit("scan", "username", *args, "--yes", "--json", **kwargs)
    assert result.code == 0, result.err
    doc: dict[str, Any] = json.loads(result.out)
    return doc


def by_site(doc: dict[str, Any], username: str) -> dict[str, dict[str, Any]]:
    return {r["site"]: r for r in doc["results"] if r["username"] == username}


def test_json_gives_status_and_reason_per_site_and_fills_ledger_and_findings(
        cli_vault: Path, http_server: Any, tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    doc = scan_json("alice", "bob", "--sites", str(sites))
    alice, bob = by_site(doc, "alice"), by_site(doc, "bob")
    assert alice["StatusSite"]["status"] == "found"
    assert alice["StatusSite"]["url"] == f"{server.url}/status/alice"
    assert alice["MessageSite"]["status"] == "found"
    assert bob["StatusSite"]["status"] == "not_found"
    assert bob["MessageSite"]["status"] == "not_found"
    assert bob["MessageSite"]["http_status"] == 200
    assert alice["GuardedSite"]["status"] == "uncertain"
    assert "Cloudflare" in alice["GuardedSite"]["reason"]
    assert alice["PickySite"]["status"] == "skipped"
    assert all(r["reason"] for r in doc["results"])
    assert doc["summary"] == {"found": 2, "not_found": 2, "uncertain": 2, "skipped": 2}
    assert doc["site_list"]["attribution"] == "Made for the tests"
    assert doc["settings"]["concurrency"] == 128  # the default
    assert "/status/alice" in {r.path for r in server.received}
    assert not [r for r in server.received if "Picky" in r.path]

    ledger = json.loads(run_kit("ledger", "--json").out)
    entries = ledger["entries"] if isinstance(ledger, dict) else ledger
    paths = {e["path"] for e in entries}
    assert {"/status/alice", "/status/bob", "/message/bob"} <= paths
    assert len([e for e in entries if e["check"] == "usernames"]) == 6

    findings = run_kit("findings", "--json")
    assert findings.code == 0, findings.err
    text = findings.out
    assert f"{server.url}/status/alice" in text
    assert "social-x" in text  # the site's checklist step
    assert "bob" not in json.dumps([f for f in json.loads(text).get("findings", [])
                                    if f.get("status") == "open"])


def test_human_output_shows_the_list_attribution_and_each_section(
        cli_vault: Path, http_server: Any, tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    result = run_kit("scan", "username", "alice", "--sites", str(sites), "--yes")
    assert result.code == 0, result.err
    assert "Site list: Loopback sites 7" in result.out
    assert "Made for the tests" in result.out
    assert "Found (possible accounts" in result.out
    assert f"{server.url}/status/alice" in result.out
    assert "Uncertain" in result.out and "Cloudflare" in result.out
    assert "Skipped (nothing sent)" in result.out
    # the plan went to stderr before anything was sent, naming each request
    assert "GET /status/alice" in result.err
    assert "sends the username alice" in result.err
    assert "[" in result.err and "found: StatusSite (alice)" in result.err
    assert "possible account" in result.err


def test_csv_has_a_row_per_site_with_status_and_reason(cli_vault: Path, http_server: Any,
                                                      tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    result = run_kit("scan", "username", "alice", "--sites", str(sites), "--yes", "--csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [r["site"] for r in rows] == ["StatusSite", "MessageSite", "GuardedSite",
                                         "PickySite"]
    assert [r["status"] for r in rows] == ["found", "found", "uncertain", "skipped"]
    assert all(r["reason"] for r in rows)
    assert rows[0]["http_status"] == "200"


def test_without_a_terminal_or_yes_nothing_is_sent(cli_vault: Path, http_server: Any,
                                                  tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    result = run_kit("scan", "username", "alice", "--sites", str(sites), "--json")
    assert result.code == 6, result.err
    assert json.loads(result.out)["error"]["code"] == "network_refused"
    assert "GET /status/alice" in result.err  # the plan was shown
    assert server.received == []


def test_offline_sends_nothing(cli_vault: Path, http_server: Any, tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    result = run_kit("scan", "username", "alice", "--sites", str(sites), "--yes",
                     env={"KIT_OFFLINE": "1"})
    assert result.code == 6
    assert "offline" in result.err
    assert server.received == []


def test_when_no_site_answers_the_exit_is_7(cli_vault: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sites = write_sites(tmp_path, f"http://127.0.0.1:{port}")
    result = run_kit("scan", "username", "alice", "--sites", str(sites), "--yes",
                     "--timeout", "2")
    assert result.code == 7, result.err
    assert "no site answered" in result.err
    ledger = json.loads(run_kit("ledger", "--json").out)
    entries = ledger["entries"] if isinstance(ledger, dict) else ledger
    assert entries  # the failed attempts are recorded too


@pytest.mark.parametrize(("args", "code", "words"), [
    (["two words"], 2, "spaces"),
    (["alice", "--concurrency", "0"], 2, "--concurrency"),
    (["alice", "--timeout", "0"], 2, "--timeout"),
    (["alice", "--deadline", "0"], 2, "--deadline"),
    (["alice", "--json", "--csv"], 2, "choose one of --json and --csv"),
    (["alice", "--sites", "/nonexistent/sites.json"], 1, "does not exist"),
])
def test_bad_input_is_a_clear_error(cli_vault: Path, args: list[str], code: int,
                                    words: str) -> None:
    # KIT_OFFLINE: should a check wrongly pass, the shipped list's real sites are still not
    # contacted (this runs in a subprocess, outside the test's loopback-only socket guard).
    result = run_kit("scan", "username", *args, "--yes", env={"KIT_OFFLINE": "1"})
    assert result.code == code, result.err
    assert words in result.err
    assert "Traceback" not in result.err


def test_a_broken_site_file_is_a_clear_error_without_a_passphrase(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1, "sites": [{"name": "x", "profile": "http://evil.example/{}"}]}')
    result = run_kit("scan", "username", "alice", "--sites", str(bad), "--yes", "--json",
                     passphrase=None)
    assert result.code == 1
    error = json.loads(result.out)["error"]
    assert error["code"] == "bad_input"
    assert "has no usable sites" in error["message"]
    assert "x: profile: the address is plain http" in error["message"]


def test_an_imported_sherlock_file_names_the_sites_left_out(cli_vault: Path, http_server: Any,
                                                           tmp_path: Path) -> None:
    server = http_server(farm)
    doc = {**SHERLOCK, "Loopback": {"errorType": "status_code", "url": f"{server.url}/status/{{}}",
                                    "urlMain": server.url, "username_claimed": "alice"}}
    path = tmp_path / "data.json"
    path.write_text(json.dumps({k: v for k, v in doc.items()
                                if k in ("$schema", "CookieSite", "Loopback")}))
    result = run_kit("scan", "username", "alice", "--sites", str(path), "--yes", "--json")
    assert result.code == 0, result.err
    assert "CookieSite: headers: a Cookie header is not accepted" in result.err
    report = json.loads(result.out)
    assert [r["status"] for r in report["results"]] == ["found"]
    assert "sherlock-project/sherlock" in report["site_list"]["attribution"]
    assert report["site_list"]["licence"] == "MIT"
    assert [r.method for r in server.received] == ["HEAD"]


def test_sites_update_shows_the_change_then_scans_use_it_until_reset(
        cli_vault: Path, http_server: Any, tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    update = run_kit("sites", "update", str(sites), "--yes")
    assert update.code == 0, update.err
    assert "Now in use: Frontline Kit curated sites" in update.err
    assert "added (4): StatusSite, MessageSite, GuardedSite, PickySite" in update.err
    assert "removed (42)" in update.err

    listed = json.loads(run_kit("sites", "list", "--json").out)
    assert listed["origin"] == "your list" and listed["name"] == "Loopback sites"
    doc = scan_json("alice")  # no --sites: the saved list is used
    assert doc["site_list"]["name"] == "Loopback sites"
    assert by_site(doc, "alice")["StatusSite"]["status"] == "found"

    again = run_kit("sites", "update", str(sites), "--yes")
    assert again.code == 0 and "nothing changed" in again.err

    reset = run_kit("sites", "reset", "--yes", "--json")
    assert reset.code == 0, reset.err
    assert json.loads(reset.out) == {"reset": True}
    shown = json.loads(run_kit("sites", "show", "--json").out)
    assert shown["origin"] == "shipped"


def test_sites_update_asks_and_without_a_terminal_changes_nothing(
        cli_vault: Path, http_server: Any, tmp_path: Path) -> None:
    server = http_server(farm)
    sites = write_sites(tmp_path, server.url)
    result = run_kit("sites", "update", str(sites))
    assert result.code == 2
    assert "no terminal" in result.err and "--yes" in result.err
    assert "added (4)" in result.err  # the diff was shown first
    assert json.loads(run_kit("sites", "show", "--json").out)["origin"] == "shipped"


def test_sites_show_keeps_whatsmyname_licence_and_authors(cli_vault: Path,
                                                          tmp_path: Path) -> None:
    path = tmp_path / "wmn-data.json"
    path.write_text(json.dumps(WMN))
    assert run_kit("sites", "update", str(path), "--yes").code == 0
    shown = run_kit("sites", "show")
    assert shown.code == 0, shown.err
    assert "WhatsMyName wmn-data.json" in shown.out
    assert "Creative Commons Attribution-ShareAlike" in shown.out
    assert "WebBreacher, Munchko" in shown.out
    assert "CC BY-SA 4.0" in shown.out
    one = run_kit("sites", "show", "7cup")
    assert "'exists' text: Profile - 7 Cups" in one.out
    assert "CC BY-SA 4.0" in one.out
    assert run_kit("sites", "show", "nope").code == 1


def test_sites_list_and_show_read_files_and_the_shipped_list_without_a_vault(
        tmp_path: Path) -> None:
    shipped = run_kit("sites", "list", "--shipped", "--json", passphrase=None)
    assert shipped.code == 0, shipped.err
    doc = json.loads(shipped.out)
    assert doc["origin"] == "shipped" and len(doc["sites"]) == 42
    path = tmp_path / "data.json"
    path.write_text(json.dumps(SHERLOCK))
    listed = run_kit("sites", "list", "--sites", str(path), passphrase=None)
    assert listed.code == 0
    assert "GitHub" in listed.out
    assert "PlainHttp: url: the address is plain http" in listed.err
    both = run_kit("sites", "list", "--sites", str(path), "--shipped", passphrase=None)
    assert both.code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("format = = 1")
    broken = run_kit("sites", "show", "--sites", str(bad), passphrase=None)
    assert broken.code == 1 and "neither JSON nor valid TOML" in broken.err


def test_a_site_that_refused_head_is_asked_with_get_from_the_next_scan_on(
        cli_vault: Path, http_server: Any, tmp_path: Path) -> None:
    def handler(method: str, path: str, headers: Any, body: bytes) -> Any:
        if method == "HEAD":
            return 405, {"Allow": "GET"}, b""
        return farm(method, path, headers, body)

    server = http_server(handler)
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"Loopback": {
        "errorType": "status_code", "url": f"{server.url}/status/{{}}", "urlMain": server.url,
        "username_claimed": "alice"}}))
    first = scan_json("alice", "--sites", str(path))
    assert [r["status"] for r in first["results"]] == ["found"]
    assert [r.method for r in server.received] == ["HEAD", "GET"]
    server.received.clear()
    second = run_kit("scan", "username", "alice", "--sites", str(path), "--yes", "--json")
    assert second.code == 0, second.err
    assert "GET /status/alice" in second.err  # the plan shows how it will ask
    assert [r["requests"] for r in json.loads(second.out)["results"]] == [1]
    assert [r.method for r in server.received] == ["GET"]
    # What was kept is in the vault: no file in the kit's home names the site or the user.
    for file in cli_vault.parent.rglob("*"):
        if file.is_file():
            assert b"Loopback" not in file.read_bytes() and b"alice" not in file.read_bytes()


def test_many_sites_skipped_for_one_reason_are_told_once() -> None:
    from kit.commands.scan import _skipped_lines
    from kit.footprint.usernames import SiteResult

    def skip(site: str, reason: str) -> SiteResult:
        return SiteResult("jo", site, "skipped", reason, "")

    few = _skipped_lines([skip("A", "needs a text"), skip("B", "disabled")], 4)
    assert few == ["    A     needs a text", "    B     disabled"]
    many = [skip(f"S{n}", "needs a text") for n in range(803)] + [skip("X", "disabled"),
                                                                  skip("Y\x1b[2J", "disabled")]
    lines = _skipped_lines(many, 6)
    assert lines[0] == "    needs a text: S0, S1, S2, S3, S4 and 798 more"
    assert lines[1].startswith("    disabled: X, Y") and "\x1b" not in lines[1]
