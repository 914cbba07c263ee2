"""The username engine against real fake sites on loopback: each detection kind, bot-check pages,
soft-404 pages, 429 with Retry-After, 5xx, a site that never answers, skipped names, the per-host
cap (sites on 127.0.0.2..127.0.0.9), the deadline, cancelling, and streaming. No mocking of
requests: every answer crosses a real socket through kit.footprint.transport."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

from kit.footprint import usernames
from kit.footprint.sites import Site, SiteList, parse
from kit.footprint.transport import Response, Session, Transport
from kit.footprint.usernames import ScanSettings, SiteResult, evaluate, plan_scan, scan
from tests.footprint.fake_sites import EXISTING, farm, kinds_list, site, site_list


@pytest.fixture
def transport() -> Iterator[Transport]:
    with Transport() as t:
        yield t


def run(transport: Transport, names: list[str], sites: SiteList,
        settings: ScanSettings | None = None, **kwargs: Any
        ) -> tuple[dict[tuple[str, str], SiteResult], Session]:
    scan_plan = plan_scan(names, sites)
    session = transport.open(scan_plan.plan, approved=True)
    results = list(scan(session, scan_plan, settings or ScanSettings(timeout=2), **kwargs))
    assert len(results) == scan_plan.total
    return {(r.username, r.site): r for r in results}, session


# --- detection kinds ---


def test_each_detection_kind_tells_found_from_not_found(http_server: Any,
                                                        transport: Transport) -> None:
    server = http_server(farm)
    results, session = run(transport, ["alice", "bob"], kinds_list(server.url))
    for kind in ("status", "message", "redirect", "markers"):
        assert results[("alice", kind)].status == "found", results[("alice", kind)]
        assert results[("bob", kind)].status == "not_found", results[("bob", kind)]
    assert "no such user" in results[("bob", "message")].reason
    assert "redirected" in results[("bob", "redirect")].reason
    assert results[("bob", "message")].http_status == 200  # a 200 "not found" page
    assert results[("alice", "status")].profile_url == f"{server.url}/status/alice"
    # one request per (name, site), each recorded for the ledger
    assert len(server.received) == 8
    assert len(session.entries) == 8
    assert {e.check for e in session.entries} == {"usernames"}


def test_status_code_sites_ask_with_head_when_imported_from_sherlock(
        http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    doc = {"Fake": {"url": f"{server.url}/status/{{}}", "urlMain": server.url,
                    "errorType": "status_code", "username_claimed": "alice"}}
    sites = parse(json.dumps(doc).encode(), origin="data.json")
    results, _ = run(transport, ["alice", "bob"], sites)
    assert results[("alice", "Fake")].status == "found"
    assert results[("bob", "Fake")].status == "not_found"
    assert {r.method for r in server.received} == {"HEAD"}


def test_response_url_sites_are_not_followed(http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    results, _ = run(transport, ["bob"], kinds_list(server.url))
    assert [r.path for r in server.received if r.path.startswith("/redirect")] == \
        ["/redirect/bob"]  # the redirect to / was not followed
    assert results[("bob", "redirect")].http_status == 302


def test_whatsmyname_markers_both_or_neither_is_uncertain(http_server: Any,
                                                          transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([
        site(server.url, "both", "markers", found_status=200, found_text="profile-header",
             missing_status=200, missing_text="user not found"),
        site(server.url, "status", "markers", name="neither", found_status=200,
             found_text="never on the page", missing_status=404, missing_text="nor this"),
    ])
    results, _ = run(transport, ["alice", "bob"], sites)
    assert results[("alice", "both")].status == "uncertain"
    assert "both" in results[("alice", "both")].reason
    assert results[("alice", "neither")].status == "uncertain"
    assert "neither" in results[("bob", "neither")].reason


def test_an_imported_whatsmyname_list_is_read_with_its_markers(http_server: Any,
                                                               transport: Transport) -> None:
    server = http_server(farm)
    # WhatsMyName's format (CC BY-SA 4.0, WebBreacher/WhatsMyName), made-up loopback entries.
    doc = {"license": ["CC BY-SA 4.0"], "authors": ["WebBreacher"], "sites": [
        {"name": "Fake", "uri_check": f"{server.url}/markers/{{account}}", "e_code": 200,
         "e_string": "profile-header", "m_code": 404, "m_string": "user not found",
         "known": ["alice"], "cat": "social"},
        {"name": "Dotless", "uri_check": f"{server.url}/markers/{{account}}", "e_code": 200,
         "e_string": "profile-header", "m_code": 404, "m_string": "user not found",
         "known": ["alice"], "cat": "social", "strip_bad_char": "."}]}
    sites = parse(json.dumps(doc).encode(), origin="wmn-data.json")
    results, _ = run(transport, ["alice", "bob", "al.ice"], sites)
    assert results[("alice", "Fake")].status == "found"
    assert results[("bob", "Fake")].status == "not_found"
    assert results[("al.ice", "Dotless")].status == "skipped"
    assert "/markers/al.ice" in {r.path for r in server.received}  # only to Fake
    assert sum(1 for r in server.received if r.path == "/markers/al.ice") == 1


def test_a_post_api_gets_the_name_json_escaped_in_its_body(http_server: Any,
                                                           transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([{"name": "api", "profile": f"{server.url}/u/{{username}}",
                        "probe": f"{server.url}/api/check", "method": "POST",
                        "body": '{"username": "{username}"}',
                        "headers": {"Content-Type": "application/json"},
                        "detect": "message", "missing_text": ['"taken": false']}])
    results, _ = run(transport, ["alice", 'bo"b'], sites)
    assert results[("alice", "api")].status == "found"
    assert results[('bo"b', "api")].status == "not_found"
    bodies = sorted(json.loads(r.body)["username"] for r in server.received)
    assert bodies == ["alice", 'bo"b']


# --- uncertain answers ---


@pytest.mark.parametrize(("kind", "vendor"), [
    ("cloudflare", "Cloudflare"), ("cf-header", "Cloudflare"), ("aws", "AWS WAF"),
    ("perimeterx", "PerimeterX"), ("hcaptcha", "hCaptcha"), ("recaptcha", "reCAPTCHA")])
def test_bot_check_pages_are_uncertain_never_found(http_server: Any, transport: Transport,
                                                   kind: str, vendor: str) -> None:
    server = http_server(farm)
    # status_code detection would call a 200 "found": the bot check must win.
    results, _ = run(transport, ["alice"], site_list([site(server.url, kind, "status_code")]))
    result = results[("alice", kind)]
    assert result.status == "uncertain"
    assert vendor in result.reason


@pytest.mark.parametrize(("kind", "words"), [("error", "HTTP 503"), ("forbidden", "HTTP 403")])
def test_refusals_and_server_errors_are_uncertain(http_server: Any, transport: Transport,
                                                  kind: str, words: str) -> None:
    server = http_server(farm)
    results, _ = run(transport, ["alice"], site_list([site(server.url, kind, "status_code")]))
    assert results[("alice", kind)].status == "uncertain"
    assert words in results[("alice", kind)].reason


def test_a_status_the_site_declares_is_read_as_declared(http_server: Any,
                                                        transport: Transport) -> None:
    server = http_server(farm)
    # This site says 403 is its "no such user" answer: that is believed.
    results, _ = run(transport, ["alice"], site_list(
        [site(server.url, "forbidden", "status_code", missing_status=[403])]))
    assert results[("alice", "forbidden")].status == "not_found"


def test_429_with_a_short_retry_after_is_asked_once_more(http_server: Any,
                                                         transport: Transport) -> None:
    calls: Counter[str] = Counter()

    def limited(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        calls[path] += 1
        if calls[path] == 1:
            return 429, {"Retry-After": "1"}, b"slow down"
        return farm(method, path, headers, body)

    server = http_server(limited)
    started = time.monotonic()
    results, session = run(transport, ["alice"], site_list([site(server.url, "status",
                                                                 "status_code")]))
    assert results[("alice", "status")].status == "found"
    assert results[("alice", "status")].requests == 2
    assert calls["/status/alice"] == 2
    assert time.monotonic() - started >= 1.0  # the wait it asked for was honoured
    assert len(session.entries) == 2


def test_429_asking_for_a_long_wait_is_uncertain_and_not_retried(http_server: Any,
                                                                 transport: Transport) -> None:
    server = http_server(lambda *a: (429, {"Retry-After": "120"}, b""))
    results, _ = run(transport, ["alice"], site_list([site(server.url, "status",
                                                           "status_code")]))
    result = results[("alice", "status")]
    assert result.status == "uncertain"
    assert "120 s" in result.reason
    assert len(server.received) == 1


def test_a_site_that_never_answers_is_uncertain_and_not_asked_again(
        http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    started = time.monotonic()
    results, session = run(transport, ["alice"], site_list([site(server.url, "slow",
                                                                 "status_code")]),
                           ScanSettings(timeout=0.5))
    assert time.monotonic() - started < 2.5
    result = results[("alice", "slow")]
    assert result.status == "uncertain"
    assert result.reason == "did not answer in 0.5 s"
    assert len(server.received) == 1  # never retried after a timeout
    assert session.entries[0].error == "timeout"


class FlakyServer:
    """Drops the first connection without answering, then answers 200: a connection error."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.accepts = 0
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepts += 1
            with conn:
                if self.accepts == 1:
                    continue  # closed without a word
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close"
                             b"\r\n\r\nok")


def test_a_connection_error_is_retried_once(transport: Transport) -> None:
    flaky = FlakyServer()
    try:
        results, session = run(transport, ["alice"], site_list(
            [site(flaky.url, "status", "status_code")]))
    finally:
        flaky.sock.close()
    assert flaky.accepts == 2
    assert results[("alice", "status")].status == "found"
    assert results[("alice", "status")].requests == 2
    assert [e.status for e in session.entries] == [None, 200]


def test_nobody_listening_is_uncertain_after_one_retry(transport: Transport) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the scan: nothing listens
    results, session = run(transport, ["alice"], site_list(
        [site(f"http://127.0.0.1:{port}", "status", "status_code")]))
    result = results[("alice", "status")]
    assert result.status == "uncertain"
    assert "could not reach" in result.reason
    assert result.requests == 2
    assert len(session.entries) == 2


# --- skipped: nothing is sent ---


def test_names_failing_the_pattern_or_looking_like_email_are_never_sent(
        http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([site(server.url, "status", "status_code", pattern="^[a-z.]+$"),
                       site(server.url, "message", "message", strip_chars=".",
                            missing_text=["nobody"]),
                       site(server.url, "redirect", "response_url",
                            skip="no public profile pages")])
    scan_plan = plan_scan(["Bob_1", "me@example.org", "alice.b"], sites)
    sent = {(p.username, p.site.name) for p in scan_plan.probes}
    assert sent == {("Bob_1", "message"), ("alice.b", "status")}
    results, _ = run(transport, ["Bob_1", "me@example.org", "alice.b"], sites)
    assert results[("Bob_1", "status")].status == "skipped"
    assert "naming rules" in results[("Bob_1", "status")].reason
    assert results[("alice.b", "message")].status == "skipped"
    assert "removes some characters" in results[("alice.b", "message")].reason
    assert results[("me@example.org", "status")].status == "skipped"
    assert "email" in results[("me@example.org", "message")].reason
    assert results[("Bob_1", "redirect")].reason == "no public profile pages"
    received = " ".join(r.path for r in server.received)
    assert "example.org" not in received and "redirect" not in received
    assert sorted(r.path for r in server.received) == ["/message/Bob_1", "/status/alice.b"]


def test_only_email_like_names_means_an_empty_plan(transport: Transport) -> None:
    sites = site_list([site("https://example.org", "status", "status_code")])
    scan_plan = plan_scan(["someone@example.org"], sites)
    assert scan_plan.plan.requests == ()
    assert "Nothing will be sent" in scan_plan.plan.disclosure
    assert [r.status for r in scan(None, scan_plan)] == ["skipped"]  # type: ignore[arg-type]


def test_the_plan_lists_every_request_with_the_name_it_sends() -> None:
    sites = site_list([site("https://one.example", "u", "status_code", name="One"),
                       site("https://two.example", "u", "status_code", name="Two")])
    scan_plan = plan_scan(["alice", "bob"], sites)
    text = scan_plan.plan.describe()
    assert "To one.example (2 requests)" in text
    assert "GET /u/alice" in text and "GET /u/bob" in text
    assert "sends the username bob (in the web address)" in text
    assert "alice, bob" in scan_plan.plan.disclosure
    assert scan_plan.plan.check == "usernames"


@pytest.mark.parametrize("bad", ["", "   ", "two words", "tab\there", "x" * 65, "nul\x00"])
def test_bad_usernames_are_usage_errors(bad: str) -> None:
    from kit.errors import UsageError

    with pytest.raises(UsageError):
        plan_scan([bad], site_list([site("https://a.example", "u", "status_code")]))


def test_names_are_percent_encoded_so_they_cannot_change_the_page_asked_for() -> None:
    sites = site_list([site("https://a.example", "u", "status_code")])
    probe = plan_scan(["a/../b?x#y"], sites).probes[0]
    assert probe.request.url == "https://a.example/u/a%2F..%2Fb%3Fx%23y"


# --- concurrency, deadline, cancel, streaming ---


def test_the_per_host_cap_holds_and_hosts_run_side_by_side(http_server: Any,
                                                           transport: Transport) -> None:
    lock = threading.Lock()
    now: Counter[str] = Counter()
    peak: Counter[str] = Counter()
    overall = [0, 0]  # in flight now, peak

    def counting(host: str) -> Callable[..., tuple[int, dict[str, str], bytes]]:
        def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                    ) -> tuple[int, dict[str, str], bytes]:
            with lock:
                now[host] += 1
                peak[host] = max(peak[host], now[host])
                overall[0] += 1
                overall[1] = max(overall[1], overall[0])
            time.sleep(0.15)
            with lock:
                now[host] -= 1
                overall[0] -= 1
            return farm(method, path, headers, body)
        return handler

    servers = [http_server(counting(f"127.0.0.{n}"), host=f"127.0.0.{n}") for n in range(2, 10)]
    sites = site_list([site(s.url, "status", "status_code", name=s.host) for s in servers])
    names = [f"user{n}" for n in range(6)]
    started = time.monotonic()
    results, _ = run(transport, names, sites, ScanSettings(concurrency=32, per_host=2))
    elapsed = time.monotonic() - started
    assert len(results) == 48
    assert all(r.status == "not_found" for r in results.values())
    assert max(peak.values()) <= 2, peak
    assert max(peak.values()) == 2  # the cap was reached, not merely respected by luck
    assert overall[1] > 2  # different hosts ran at the same time
    # 6 requests per host, 2 at a time, 0.15 s each: about 0.45 s when hosts run side by side
    assert elapsed < 3.0


def test_the_overall_concurrency_holds(http_server: Any, transport: Transport) -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.1)
        with lock:
            state["now"] -= 1
        return farm(method, path, headers, body)

    servers = [http_server(handler, host=f"127.0.0.{n}") for n in range(2, 10)]
    sites = site_list([site(s.url, "status", "status_code", name=s.host) for s in servers])
    run(transport, ["a", "b"], sites, ScanSettings(concurrency=3))
    assert state["peak"] == 3


def test_a_per_host_cap_of_one(http_server: Any, transport: Transport) -> None:
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}

    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
        return farm(method, path, headers, body)

    server = http_server(handler, host="127.0.0.2")
    run(transport, [f"u{n}" for n in range(5)], kinds_list(server.url),
        ScanSettings(per_host=1))
    assert state["peak"] == 1


def test_the_deadline_stops_the_scan_in_time(http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    fast = http_server(farm, host="127.0.0.2")
    sites = site_list([site(server.url, "slow", "status_code"),
                       site(fast.url, "status", "status_code")])
    started = time.monotonic()
    results, session = run(transport, ["alice", "bob"], sites,
                           ScanSettings(timeout=10, deadline=0.8))
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed
    assert results[("alice", "status")].status == "found"
    stopped = results[("alice", "slow")]
    assert stopped.status == "uncertain"
    assert stopped.reason.startswith("stopped at the deadline (0.8 s)")
    # the slow requests were sent, and the ledger has them
    assert sum(1 for e in session.entries if "/slow/" in e.path) == 2


def test_cancelling_reports_the_rest_as_cancelled(http_server: Any,
                                                 transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([site(server.url, "slow", "status_code")])
    cancel = threading.Event()
    scan_plan = plan_scan(["a1", "a2", "a3"], sites)
    session = transport.open(scan_plan.plan, approved=True)
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()
    results = list(scan(session, scan_plan, ScanSettings(timeout=10), cancel=cancel))
    assert time.monotonic() - started < 2.5
    assert [r.status for r in results] == ["uncertain"] * 3
    assert {r.reason for r in results} == {"not checked: the scan was cancelled"}


def test_results_stream_as_they_arrive(http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([site(server.url, "lag", "status_code"),
                       site(server.url, "status", "status_code")])
    scan_plan = plan_scan(["alice"], sites)
    session = transport.open(scan_plan.plan, approved=True)
    started = time.monotonic()
    stream = scan(session, scan_plan, ScanSettings(timeout=5))
    first = next(stream)
    assert first.site == "status"
    assert time.monotonic() - started < 0.7  # not held back by the slower site
    rest = list(stream)
    assert [r.site for r in rest] == ["lag"]
    assert rest[0].status == "found"


def test_closing_the_stream_early_stops_the_workers(http_server: Any,
                                                   transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([site(server.url, "status", "status_code")])
    scan_plan = plan_scan([f"u{n}" for n in range(10)], sites)
    session = transport.open(scan_plan.plan, approved=True)

    def workers() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name.startswith("kit-scan-")}

    before = workers()  # earlier tests' workers may still wait on their slow sites
    stream = scan(session, scan_plan, ScanSettings(concurrency=1, per_host=1))
    next(stream)
    assert workers() - before
    stream.close()
    time.sleep(0.3)
    assert len(server.received) <= 3
    assert not {t for t in workers() - before if t.is_alive()}


@pytest.mark.parametrize(("settings", "message"), [
    ({"concurrency": 0}, "--concurrency"), ({"concurrency": 1000}, "--concurrency"),
    ({"timeout": 0}, "--timeout"), ({"deadline": -1}, "--deadline"),
    ({"per_host": 0}, "per-host")])
def test_settings_out_of_range_are_usage_errors(settings: dict[str, Any], message: str) -> None:
    from kit.errors import UsageError

    with pytest.raises(UsageError, match=message):
        ScanSettings(**settings)


# --- the pure parts ---


def answer(status: int, body: bytes = b"", **headers: str) -> Response:
    return Response(status, headers, body, "https://a.example/u/x", 0.1, False)


def make_site(**fields: Any) -> Site:
    values: dict[str, Any] = {"name": "S", "profile": "https://a.example/{username}",
                              "detect": "status_code"}
    values.update(fields)
    return site_list([values]).sites[0]


def test_message_detection_distrusts_error_pages_without_its_text() -> None:
    s = make_site(detect="message", missing_text=["No such user"])
    assert evaluate(s, answer(200, b"a profile"))[0] == "found"
    assert evaluate(s, answer(200, b"No such user"))[0] == "not_found"
    assert evaluate(s, answer(404, b"some error page"))[0] == "uncertain"
    assert evaluate(s, answer(404, b"No such user"))[0] == "not_found"


def test_combined_kinds_need_every_kind_to_agree() -> None:
    s = make_site(detect=["message", "status_code"], missing_text=["gone"])
    assert evaluate(s, answer(200, b"hello"))[0] == "found"
    assert evaluate(s, answer(200, b"gone"))[0] == "not_found"
    assert evaluate(s, answer(410, b"hello"))[0] in ("not_found", "uncertain")


def test_unusual_statuses_are_uncertain() -> None:
    s = make_site()
    assert evaluate(s, answer(999))[0] == "uncertain"  # LinkedIn's "no robots"
    assert evaluate(s, answer(401))[0] == "uncertain"
    assert evaluate(s, answer(502))[0] == "uncertain"


def test_retry_after_reads_seconds_only() -> None:
    assert usernames.retry_after({"retry-after": "3"}) == 3.0
    assert usernames.retry_after({"retry-after": "Wed, 21 Oct 2026 07:28:00 GMT"}) is None
    assert usernames.retry_after({}) is None


def test_summary_counts_every_status() -> None:
    rows = [SiteResult("a", "s", status, "", "") for status in
            ("found", "found", "uncertain", "skipped")]
    assert usernames.summary(rows) == {"found": 2, "not_found": 0, "uncertain": 1,
                                       "skipped": 1}


def test_found_profiles_become_findings_and_go_away_when_no_longer_found(vault: Any) -> None:
    from kit.records.findings import Findings

    findings = Findings(vault)
    found = SiteResult("alice", "GitHub", "found", "HTTP 200", "https://github.com/alice",
                       "coding", "social-other-accounts", 200)
    unsure = SiteResult("alice", "Kick", "uncertain", "bot check", "https://kick.com/alice")
    assert usernames.record_findings(findings, [found, unsure]) == 1
    [finding] = findings.list()
    assert finding.source == "usernames"
    assert finding.evidence == "https://github.com/alice"
    assert finding.fix_item == "social-other-accounts"
    assert finding.status == "open"
    usernames.record_findings(findings, [found])  # seen again: updated, not duplicated
    assert len(findings.list()) == 1
    gone = SiteResult("alice", "GitHub", "not_found", "HTTP 404", "https://github.com/alice")
    usernames.record_findings(findings, [gone])
    assert findings.list()[0].status == "fixed"


# --- a site that refuses HEAD (issue 16) ---


def head_refusing(status: int = 405, allow: str | None = "GET, POST"
                  ) -> Callable[..., tuple[int, dict[str, str], bytes]]:
    """A site that answers HEAD with *status* (a refusal) and GET as the farm does."""
    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        if method == "HEAD":
            return status, {"Allow": allow} if allow else {}, b""
        return farm(method, path, headers, body)
    return handler


def sherlock_status_site(base: str, name: str = "Fake") -> SiteList:
    doc = {name: {"url": f"{base}/status/{{}}", "urlMain": base,
                  "errorType": "status_code", "username_claimed": "alice"}}
    return parse(json.dumps(doc).encode(), origin="data.json")


@pytest.mark.parametrize(("status", "allow"), [(405, "GET, POST"), (501, None), (400, "GET")])
def test_a_site_refusing_head_is_asked_with_get_and_remembered(
        http_server: Any, transport: Transport, status: int, allow: str | None) -> None:
    server = http_server(head_refusing(status, allow))
    sites = sherlock_status_site(server.url)
    scan_plan = plan_scan(["alice", "bob"], sites)
    assert "asked once more with GET" in scan_plan.plan.disclosure
    session = transport.open(scan_plan.plan, approved=True)
    results = {r.username: r for r in scan(session, scan_plan, ScanSettings(timeout=2))}
    # Before: HTTP 405 read as "no such page", so a real account was "not found".
    assert results["alice"].status == "found", results["alice"]
    assert results["bob"].status == "not_found"
    assert "asked with GET" in results["alice"].reason
    assert (results["alice"].requests, results["alice"].method) == (2, "GET")
    assert sorted(r.method for r in server.received) == ["GET", "GET", "HEAD", "HEAD"]
    assert [e.method for e in session.entries].count("GET") == 2  # the ledger has both

    memory = scan_plan.learned(list(results.values()))
    assert memory.needs_get(sites.sites[0])
    server.received.clear()
    again = plan_scan(["alice"], sites, memory)
    assert [r.method for r in again.plan.requests] == ["GET"]  # shown as GET in the plan
    [result] = scan(transport.open(again.plan, approved=True), again, ScanSettings(timeout=2))
    assert result.status == "found" and result.requests == 1
    assert [r.method for r in server.received] == ["GET"]  # one request, not two


def test_a_site_refusing_every_method_is_uncertain_not_missing(
        http_server: Any, transport: Transport) -> None:
    server = http_server(lambda *a: (405, {"Allow": "POST"}, b"no"))
    results, _ = run(transport, ["alice"], sherlock_status_site(server.url))
    result = results[("alice", "Fake")]
    assert result.status == "uncertain"
    assert "HTTP 405" in result.reason
    assert [r.method for r in server.received] == ["HEAD", "GET"]
    assert not plan_scan(["alice"], sherlock_status_site(server.url)).memory.sites
    # A GET site answering 405 is uncertain too: the answer says nothing about the name.
    server2 = http_server(lambda *a: (405, {}, b"no"), host="127.0.0.2")
    results, _ = run(transport, ["bob"], site_list([site(server2.url, "x", "status_code")]))
    assert results[("bob", "x")].status == "uncertain"
    assert len(server2.received) == 1


def test_a_head_answered_404_is_not_asked_again(http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    results, _ = run(transport, ["bob"], sherlock_status_site(server.url))
    assert results[("bob", "Fake")].status == "not_found"
    assert [r.method for r in server.received] == ["HEAD"]


def test_the_transport_lets_get_stand_in_only_for_an_approved_head(
        http_server: Any, transport: Transport) -> None:
    import dataclasses

    from kit.errors import NetworkRefused

    server = http_server(farm)
    head = plan_scan(["alice"], sherlock_status_site(server.url)).probes[0].request
    message = plan_scan(["alice"], kinds_list(server.url)).probes[1].request  # a GET
    from kit.footprint.plan import Plan

    session = transport.open(Plan("usernames", "test", (head, message)), approved=True)
    assert session.send(dataclasses.replace(head, method="GET"), timeout=2).status == 200
    for refused in (dataclasses.replace(head, method="POST", body=b"x"),
                    dataclasses.replace(head, method="GET", url=head.url + "x"),
                    dataclasses.replace(message, method="HEAD"),
                    dataclasses.replace(head, method="GET", headers=(("X-A", "b"),))):
        with pytest.raises(NetworkRefused):
            session.send(refused, timeout=2)
    assert [r.method for r in server.received] == ["GET"]


# --- pages in their own character set (issue 16) ---

CYRILLIC_MISSING = "Пользователь не найден"


def cp1251_site(where: str) -> Callable[..., tuple[int, dict[str, str], bytes]]:
    """A Russian forum: a soft 404 page in windows-1251, declared in the header or a meta tag."""
    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        name = path.rstrip("/").split("/")[-1]
        text = f"<p>Профиль {name}</p>" if name in EXISTING else f"<p>{CYRILLIC_MISSING}</p>"
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
        page = f"<html><head>{meta if where == 'meta' else ''}<title>Форум</title></head>" \
               f"<body>{text}</body></html>"
        content_type = "text/html; charset=windows-1251" if where == "header" else "text/html"
        return 200, {"Content-Type": content_type}, page.encode("cp1251")
    return handler


@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_page_is_read_in_the_charset_it_declares(http_server: Any, transport: Transport,
                                                   where: str) -> None:
    server = http_server(cp1251_site(where))
    sites = site_list([
        site(server.url, "forum", "message", missing_text=[CYRILLIC_MISSING]),
        site(server.url, "wmn", "markers", found_status=200, found_text="Профиль",
             missing_status=200, missing_text=CYRILLIC_MISSING)])
    results, _ = run(transport, ["alice", "nobody1"], sites)
    # Read as UTF-8 the missing text never matched: an unclaimed name was "found".
    assert results[("nobody1", "forum")].status == "not_found", results[("nobody1", "forum")]
    assert results[("nobody1", "wmn")].status == "not_found"
    assert results[("alice", "forum")].status == "found"
    assert results[("alice", "wmn")].status == "found"


def test_page_text_follows_the_whatwg_order() -> None:
    from kit.footprint.page_text import charset_of, page_text

    cyr = CYRILLIC_MISSING.encode("cp1251")
    meta = b'<meta charset="koi8-r">'
    assert charset_of(cyr, "text/html; charset=Windows-1251") == ("cp1251", "header")
    assert charset_of(meta + cyr, "text/html; charset=cp1251") == ("cp1251", "header")
    assert charset_of(meta + cyr, "text/html")[1] == "meta"
    assert charset_of(b"\xef\xbb\xbf" + meta, "text/html; charset=cp1251") == ("utf-8", "bom")
    assert page_text(b"\xef\xbb\xbfhi") == "hi"
    assert charset_of(b"<?xml version='1.0' encoding='windows-1251'?><a/>")[0] == "cp1251"
    # latin1 and ascii labels mean windows-1252 to a browser; a meta claiming UTF-16 is UTF-8
    assert charset_of(b"x", "text/html; charset=ISO-8859-1")[0] == "cp1252"
    assert charset_of(b'<meta charset="utf-16">x')[0] == "utf-8"
    # labels that are not page encodings are not used, however Python's codecs name them
    for label in ("rot13", "base64", "unicode_escape", "utf-7", "x" * 50, "../../etc"):
        assert charset_of(b"plain", f"text/html; charset={label}") == ("utf-8", "utf-8")
    # a body cut inside a character at the size cap is still UTF-8
    assert charset_of("ok é".encode()[:-1]) == ("utf-8", "utf-8")
    # nothing declared and not UTF-8: a guess, which reads Cyrillic text back
    page = ("<p>" + CYRILLIC_MISSING + ". Проверьте имя и попробуйте снова.</p>") * 5
    assert CYRILLIC_MISSING in page_text(page.encode("cp1251"))
    # a meta tag past the prescan window is not looked for
    assert charset_of(b" " * 5000 + meta + cyr)[1] != "meta"


# --- rules that can never find anyone (issue 16) ---


def test_a_rule_that_can_never_find_anyone_is_skipped_with_its_reason(
        http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    # WhatsMyName's Evolution CMS entry, in shape: the same marker for found and missing.
    doc = {"license": ["CC BY-SA 4.0"], "authors": ["WebBreacher"], "sites": [
        {"name": "Evolution CMS", "uri_check": f"{server.url}/both/{{account}}", "e_code": 200,
         "e_string": "profile-header", "m_code": 200, "m_string": "profile-header",
         "known": ["alice"], "cat": "tech"},
        {"name": "Fine", "uri_check": f"{server.url}/markers/{{account}}", "e_code": 200,
         "e_string": "profile-header", "m_code": 404, "m_string": "user not found",
         "known": ["alice"], "cat": "social"}]}
    sites = parse(json.dumps(doc).encode(), origin="wmn-data.json")
    results, _ = run(transport, ["alice", "bob"], sites)
    for name in ("alice", "bob"):
        result = results[(name, "Evolution CMS")]
        assert result.status == "skipped", result
        assert "markers are the same" in result.reason
        assert "never find anyone" in result.reason
    assert results[("alice", "Fine")].status == "found"
    assert not [r for r in server.received if r.path.startswith("/both/")]  # never asked


# --- the last scan's timings: the slowest first (issue 16) ---


def test_sites_slow_or_silent_last_time_are_started_first(http_server: Any,
                                                          transport: Transport) -> None:
    hosts = [f"127.0.0.{n}" for n in range(2, 6)]
    servers = {h: http_server(farm, host=h) for h in hosts}
    servers["127.0.0.5"].handler = lambda *a: (time.sleep(0.6), farm(*a))[1]
    sites = site_list([site(servers[h].url, "status", "status_code", name=h) for h in hosts])
    settings = ScanSettings(concurrency=1, timeout=0.3)
    first = plan_scan(["alice"], sites)
    assert first.order() == [0, 1, 2, 3]  # nothing remembered: the list's order
    results = list(scan(transport.open(first.plan, approved=True), first, settings))
    silent = next(r for r in results if r.site == "127.0.0.5")
    assert silent.status == "uncertain" and silent.seconds is not None
    memory = first.learned(results)
    assert memory.get(sites.sites[3]) is not None and memory.get(sites.sites[3]).hung  # type: ignore[union-attr]

    second = plan_scan(["alice"], sites, memory)
    assert second.order()[0] == 3
    started: list[str] = []
    for host, server in servers.items():
        server.received.clear()
        server.handler = (lambda h: lambda *a: (started.append(h), farm(*a))[1])(host)
    list(scan(transport.open(second.plan, approved=True), second, settings))
    assert started[0] == "127.0.0.5"


def test_the_memory_keeps_no_username_and_survives_the_vault(vault: Any) -> None:
    from kit.footprint.scan_memory import ScanMemoryStore

    sites = site_list([site("https://a.example", "u", "status_code", name="A"),
                       site("https://b.example", "u", "status_code", name="B")])
    scan_plan = plan_scan(["secretname"], sites)
    results = [SiteResult("secretname", "A", "found", "", "", http_status=200, seconds=0.4,
                          requests=1, method="GET"),
               SiteResult("secretname", "B", "uncertain", "", "", seconds=5.0, requests=1,
                          method="GET")]
    store = ScanMemoryStore(vault)
    store.save(scan_plan.learned(results))
    assert "secretname" not in json.dumps(store.current().to_data())
    again = ScanMemoryStore(vault).current()
    assert again.get(sites.sites[1]).hung  # type: ignore[union-attr]
    assert again.get(sites.sites[0]).seconds == 0.4  # type: ignore[union-attr]
    store.save(again)
    assert sum(1 for r in vault.snapshot().records.values() if r.kind == "scan_memory") == 1


def test_an_unreadable_memory_is_left_alone_and_the_scan_starts_cold(vault: Any) -> None:
    from kit.footprint.scan_memory import ScanMemoryStore

    vault.put("scan_memory", {"version": 1, "sites": {"a|x": ["slow", 1, 2]}})
    store = ScanMemoryStore(vault)
    assert not store.current().sites
    assert [p.code for p in store.problems] == ["unreadable_scan_memory"]


def test_a_head_site_whose_rule_reads_the_page_is_asked_with_get(
        http_server: Any, transport: Transport) -> None:
    server = http_server(farm)
    sites = site_list([site(server.url, "message", "message", method="HEAD",
                            missing_text=["nobody here goes by that name"])])
    # HEAD brings no page: the "no such user" text could never match, so bob was "found".
    results, _ = run(transport, ["bob"], sites)
    assert results[("bob", "message")].status == "not_found"
    assert [r.method for r in server.received] == ["GET"]
