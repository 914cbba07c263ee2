"""The network choke point, against real loopback servers: only the approved plan is sent, no
cookies or environment proxies, redirects under control, capped bodies, plain failures."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from kit import config
from kit.errors import BadInput, NetworkFailed, NetworkRefused, UsageError
from kit.footprint.plan import Plan, PlannedRequest
from kit.footprint.transport import USER_AGENT, Response, Transport
from tests.conftest import REPO
from tests.footprint.conftest import HeadersOut, LoopbackServer

SECRET = "CANARY-SECRET-7f3a9c"


def get(url: str, **kwargs: object) -> PlannedRequest:
    return PlannedRequest("GET", url, ("nothing personal (a test)",), **kwargs)  # type: ignore[arg-type]


def plan_of(*requests: PlannedRequest) -> Plan:
    return Plan("test", "Sends test requests to loopback servers.", requests)


@pytest.fixture
def transport() -> Iterator[Transport]:
    with Transport() as t:
        yield t


def send(transport: Transport, request: PlannedRequest, timeout: float = 5) -> Response:
    with transport.open(plan_of(request), approved=True) as session:
        return session.send(request, timeout=timeout)


# --- the plan ---


def test_a_plan_refuses_plain_http_beyond_loopback_and_credentials_in_urls() -> None:
    for url in ("http://example.org/x?u=someone", "ftp://example.org/", "https://u:p@example.org/",
                "https:///nohost"):
        with pytest.raises(UsageError) as caught:
            get(url)
        assert "someone" not in caught.value.message
        assert caught.value.exit_code == 2
    for url in ("https://example.org/a", "http://127.0.0.1:8/x", "http://127.9.9.9/",
                "http://[::1]:80/", "http://localhost/"):
        get(url)
    with pytest.raises(UsageError):
        PlannedRequest("DELETE", "https://example.org/", ())
    with pytest.raises(UsageError):
        get("https://example.org/", secret_headers=frozenset({"hibp-api-key"}))  # not sent


def test_describe_and_json_show_what_is_sent_but_never_a_secret_value() -> None:
    request = get("https://haveibeenpwned.com/api/v3/breachedaccount/a%40b.example",
                  headers=(("hibp-api-key", SECRET), ("Accept", "application/json")),
                  secret_headers=frozenset({"HIBP-API-KEY"}))
    other = PlannedRequest("GET", "https://api.pwnedpasswords.com/range/21BD1",
                           ("the first 5 characters of your password's SHA-1: 21BD1",),
                           headers=(("Add-Padding", "true"),))
    plan = Plan("email", "Sends your email address to Have I Been Pwned.", (request, other))
    text = plan.describe()
    assert text.startswith("Sends your email address to Have I Been Pwned.")
    assert "To haveibeenpwned.com (1 request):" in text
    assert "GET /range/21BD1" in text and "sends the first 5 characters" in text
    assert "Add-Padding: true" in text and "hibp-api-key: (secret, not shown)" in text
    doc = json.dumps(plan.to_json())
    assert SECRET not in text and SECRET not in doc
    assert list(plan.by_host()) == ["haveibeenpwned.com", "api.pwnedpasswords.com"]


# --- what is sent ---


def test_a_planned_request_is_sent_and_answered(http_server: type[LoopbackServer],
                                                transport: Transport) -> None:
    server = http_server(lambda m, p, h, b: (201, {"X-Answer": "yes"}, b"hello"))
    request = get(server.url + "/range/21BD1", headers=(("Add-Padding", "true"),))
    response = send(transport, request)
    assert (response.status, response.body, response.truncated) == (201, b"hello", False)
    assert response.headers["x-answer"] == "yes"
    assert response.url == request.url
    [got] = server.received
    assert (got.method, got.path) == ("GET", "/range/21BD1")
    assert got.headers["add-padding"] == "true"
    assert got.headers["user-agent"] == USER_AGENT
    assert "cookie" not in got.headers and "authorization" not in got.headers


def test_a_post_sends_its_body(http_server: type[LoopbackServer], transport: Transport) -> None:
    server = http_server(lambda m, p, h, b: (200, {}, b[::-1]))
    request = PlannedRequest("POST", server.url + "/q", ("the word abc",), body=b"abc")
    assert send(transport, request).body == b"cba"
    assert server.received[0].body == b"abc"


def test_nothing_outside_the_approved_plan_is_sent(http_server: type[LoopbackServer],
                                                   transport: Transport) -> None:
    server = http_server()
    planned = get(server.url + "/a", headers=(("X-Key", "1"),), secret_headers=frozenset({"x-key"}))
    session = transport.open(plan_of(planned), approved=True)
    unplanned = [
        get(server.url + "/b"),
        get(server.url + "/a?more=1"),
        PlannedRequest("POST", server.url + "/a", ("x",), body=b"x"),
        get(server.url + "/a", headers=(("X-Key", "1"), ("X-Extra", "2")),
            secret_headers=frozenset({"x-key"})),
        get(server.url + "/a", headers=(("X-Key", "1"),), secret_headers=frozenset({"x-key"}),
            follow_redirects=True),
    ]
    for request in unplanned:
        with pytest.raises(NetworkRefused) as caught:
            session.send(request, timeout=5)
        assert caught.value.exit_code == 6 and "not in the approved plan" in caught.value.message
    assert server.received == []
    assert [e.error for e in session.entries] == ["refused: not in the approved plan"] * 5
    session.close()
    with pytest.raises(NetworkRefused):
        session.send(planned, timeout=5)
    assert server.received == []


def test_an_unapproved_plan_or_offline_sends_nothing(http_server: type[LoopbackServer],
                                                     transport: Transport,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    server = http_server()
    request = get(server.url + "/x")
    with pytest.raises(NetworkRefused) as caught:
        transport.open(plan_of(request), approved=False)
    assert "not approved; nothing was sent" in caught.value.message
    session = transport.open(plan_of(request), approved=True)
    monkeypatch.setenv("KIT_OFFLINE", "1")
    with pytest.raises(NetworkRefused) as caught:
        transport.open(plan_of(request), approved=True)
    assert caught.value.message == "offline (KIT_OFFLINE=1); nothing was sent"
    with pytest.raises(NetworkRefused):  # an approval given before going offline
        session.send(request, timeout=5)
    assert server.received == []


def test_no_cookie_is_kept(http_server: type[LoopbackServer], transport: Transport) -> None:
    headers: HeadersOut = [("Set-Cookie", "track=1; Path=/"),
                           ("Set-Cookie", "other=2; Path=/; Max-Age=999")]
    server = http_server(lambda m, p, h, b: (200, headers, b"x"))
    first, second = get(server.url + "/one"), get(server.url + "/two")
    with transport.open(plan_of(first, second), approved=True) as session:
        session.send(first, timeout=5)
        session.send(second, timeout=5)
    send(transport, first)
    assert len(server.received) == 3
    assert all("cookie" not in r.headers for r in server.received)
    assert len(transport.http().cookies) == 0


def test_environment_proxies_and_netrc_are_ignored(http_server: type[LoopbackServer],
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    server = http_server()
    dead = "http://127.0.0.1:9"  # discard port: nothing listens
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    with Transport() as transport:
        assert send(transport, get(server.url + "/x")).status == 200
    assert "authorization" not in server.received[0].headers


# --- redirects ---


def redirect_to(location: str, status: int = 302) -> object:
    return lambda m, p, h, b: (status, {"Location": location}, b"")


def test_a_redirect_to_another_host_drops_the_secret_header(
        http_server: type[LoopbackServer], transport: Transport) -> None:
    other = http_server(lambda m, p, h, b: (200, {}, b"landed"), host="127.0.0.2")
    first = http_server(redirect_to(other.url + "/there?x=1"))
    request = get(first.url + "/here", headers=(("hibp-api-key", SECRET), ("Accept", "text/plain")),
                  secret_headers=frozenset({"hibp-api-key"}), follow_redirects=True)
    with transport.open(plan_of(request), approved=True) as session:
        response = session.send(request, timeout=5)
    assert (response.status, response.body, response.url) == (200, b"landed",
                                                               other.url + "/there?x=1")
    assert first.received[0].headers["hibp-api-key"] == SECRET
    [landed] = other.received
    assert "hibp-api-key" not in landed.headers
    assert landed.headers["accept"] == "text/plain"  # only the secret is dropped
    assert [(e.host, e.path, e.status) for e in session.entries] == [
        (f"127.0.0.1:{first.port}", "/here", 302), (f"127.0.0.2:{other.port}", "/there", 200)]


def test_a_redirect_on_the_same_host_keeps_the_secret_and_303_turns_a_post_into_a_get(
        http_server: type[LoopbackServer], transport: Transport) -> None:
    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, HeadersOut, bytes]:
        return (303, {"Location": "/done"}, b"") if path == "/start" else (200, {}, b"ok")

    server = http_server(handler)
    request = PlannedRequest("POST", server.url + "/start", ("x",), body=b"data",
                             headers=(("X-Key", SECRET),), secret_headers=frozenset({"x-key"}),
                             follow_redirects=True)
    assert send(transport, request).body == b"ok"
    assert [(r.method, r.path, r.body) for r in server.received] == [
        ("POST", "/start", b"data"), ("GET", "/done", b"")]
    assert server.received[1].headers["x-key"] == SECRET


def test_a_redirect_is_not_followed_unless_the_request_says_so(
        http_server: type[LoopbackServer], transport: Transport) -> None:
    other = http_server(host="127.0.0.2")
    first = http_server(redirect_to(other.url + "/there"))
    response = send(transport, get(first.url + "/here"))
    assert response.status == 302 and response.headers["location"] == other.url + "/there"
    assert other.received == []


@pytest.mark.parametrize("location", ["http://192.0.2.1/x?q=1", "ftp://127.0.0.1/x",
                                      "https://user:pw@127.0.0.1/"])
def test_a_redirect_to_plain_http_beyond_loopback_is_refused(
        http_server: type[LoopbackServer], transport: Transport, location: str) -> None:
    # The conftest guard would fail this test if anything tried to connect to 192.0.2.1.
    server = http_server(redirect_to(location, 301))
    request = get(server.url + "/here", follow_redirects=True)
    with transport.open(plan_of(request), approved=True) as session, \
            pytest.raises(NetworkRefused) as caught:
        session.send(request, timeout=5)
    assert "was not followed" in caught.value.message
    assert "q=1" not in caught.value.message and "pw" not in caught.value.message
    assert [e.error for e in session.entries] == ["", "refused: redirect not allowed"]


def test_a_body_is_not_carried_to_another_host_and_redirects_stop_after_five(
        http_server: type[LoopbackServer], transport: Transport) -> None:
    other = http_server(host="127.0.0.2")
    first = http_server(redirect_to(other.url + "/there", 307))
    request = PlannedRequest("POST", first.url + "/x", ("x",), body=b"value",
                             follow_redirects=True)
    with pytest.raises(NetworkRefused):
        send(transport, request)
    assert other.received == []
    looping = http_server(redirect_to("/again"))
    with pytest.raises(NetworkFailed) as caught:
        send(transport, get(looping.url + "/start", follow_redirects=True))
    assert "more than 5 times" in caught.value.message and caught.value.exit_code == 7
    assert len(looping.received) == 6


# --- limits and failures ---


def test_the_body_is_cut_at_max_bytes(http_server: type[LoopbackServer],
                                      transport: Transport) -> None:
    server = http_server(lambda m, p, h, b: (200, {}, b"x" * 300_000))
    capped = send(transport, get(server.url + "/big", max_bytes=1000))
    assert (len(capped.body), capped.truncated) == (1000, True)
    whole = send(transport, get(server.url + "/big", max_bytes=300_000))
    assert (len(whole.body), whole.truncated) == (300_000, False)
    # A redirect's body too: nothing reads an answer whole behind the cap. (This one promises
    # 100 MB and never ends: reading it whole would hang until the timeout.)
    server.handler = lambda m, p, h, b: (302, {"Location": "/elsewhere",
                                               "Content-Length": "100000000"}, b"r" * 300_000)
    redirect = send(transport, get(server.url + "/moved", max_bytes=1000), timeout=3)
    assert (redirect.status, len(redirect.body), redirect.truncated) == (302, 1000, True)


def test_a_timeout_is_a_network_failure(http_server: type[LoopbackServer],
                                        transport: Transport) -> None:
    def slow(method: str, path: str, headers: Mapping[str, str], body: bytes
             ) -> tuple[int, HeadersOut, bytes]:
        time.sleep(1.5)
        return 200, {}, b"late"

    server = http_server(slow)
    request = get(server.url + "/slow?who=CANARY-QUERY")
    with transport.open(plan_of(request), approved=True) as session:
        started = time.monotonic()
        with pytest.raises(NetworkFailed) as caught:
            session.send(request, timeout=0.3)
        assert time.monotonic() - started < 1.4
    assert caught.value.exit_code == 7 and caught.value.code == "network_failed"
    assert caught.value.message == f"127.0.0.1:{server.port} did not answer within 0.3 s"
    [entry] = session.entries
    assert (entry.path, entry.status, entry.error) == ("/slow", None, "timeout")


def test_nothing_listening_is_a_plain_network_failure(transport: Transport) -> None:
    with socket.socket() as probe:  # a free port, closed again: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkFailed) as caught:
        send(transport, get(f"http://127.0.0.1:{port}/x?secret=CANARY-QUERY"))
    assert caught.value.message.startswith(f"could not reach 127.0.0.1:{port}")
    assert "CANARY" not in caught.value.message


def test_one_session_sends_from_many_threads(http_server: type[LoopbackServer],
                                             transport: Transport) -> None:
    server = http_server(lambda m, p, h, b: (200, {}, p.encode()))
    requests = [get(f"{server.url}/site/{n}") for n in range(48)]
    results: dict[int, bytes] = {}
    with transport.open(plan_of(*requests), approved=True) as session:
        def work(n: int) -> None:
            results[n] = session.send(requests[n], timeout=10).body

        threads = [threading.Thread(target=work, args=(n,)) for n in range(48)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == {n: f"/site/{n}".encode() for n in range(48)}
    assert len(session.entries) == 48


# --- SOCKS (Tor) from config ---


class Socks5Server:
    """A tiny SOCKS5 proxy on loopback: no authentication, CONNECT only, then a blind relay."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connects: list[tuple[str, int]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _read(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def _serve(self, client: socket.socket) -> None:
        with client:
            _version, count = self._read(client, 2)
            self._read(client, count)
            client.sendall(b"\x05\x00")  # no authentication
            _version, command, _reserved, kind = self._read(client, 4)
            assert command == 1  # CONNECT
            if kind == 1:
                host = socket.inet_ntoa(self._read(client, 4))
            else:  # 3: a name, which socks5h sends so the proxy resolves it
                host = self._read(client, self._read(client, 1)[0]).decode()
            port = int.from_bytes(self._read(client, 2), "big")
            self.connects.append((host, port))
            with socket.create_connection((host, port)) as upstream:
                client.sendall(b"\x05\x00\x00\x01" + bytes(6))
                threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
                self._pipe(client, upstream)

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()


def test_a_socks_proxy_from_config_carries_the_request(http_server: type[LoopbackServer],
                                                       kit_env: Path) -> None:
    server = http_server(lambda m, p, h, b: (200, {}, b"via socks"))
    proxy = Socks5Server()
    try:
        (kit_env / "config.toml").write_text(
            f'[network]\nproxy = "socks5h://127.0.0.1:{proxy.port}"\ntimeout = 4\n')
        settings = config.load()
        assert settings.network_timeout == 4.0
        with Transport.from_config(settings) as transport:
            response = send(transport, get(server.url + "/x"), timeout=settings.network_timeout)
        assert response.body == b"via socks"
        assert proxy.connects == [("127.0.0.1", server.port)]
    finally:
        proxy.close()


def test_a_dead_proxy_is_named_in_the_failure(http_server: type[LoopbackServer]) -> None:
    server = http_server()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for scheme in ("socks5h", "http"):
        with Transport(proxy=f"{scheme}://user:pw@127.0.0.1:{port}") as transport, \
                pytest.raises(NetworkFailed) as caught:
            send(transport, get(server.url + "/x"))
        assert f"127.0.0.1:{port}" in caught.value.message
        assert "config.toml [network] proxy" in caught.value.message
        assert "pw" not in caught.value.message
    assert server.received == []


@pytest.mark.parametrize(("table", "complaint"), [
    ('proxy = "socks4://127.0.0.1:9050"', "must start with one of http://, https://, socks5://"),
    ('proxy = "socks5h://127.0.0.1"', "needs a host and a port"),
    ('proxy = "socks5h://127.0.0.1:notaport"', "is not a valid URL"),
    ("proxy = 9050", "must be a proxy URL"),
    ("timeout = 0", "[network] timeout must be a number of seconds"),
    ('timeout = "10"', "[network] timeout must be a number of seconds"),
    ("timeout = 301", "at most 300"),
    ("retries = 3", "unknown setting [network] retries (known: proxy, timeout)"),
])
def test_network_config_mistakes_are_named(kit_env: Path, table: str, complaint: str) -> None:
    (kit_env / "config.toml").write_text(f"[network]\n{table}\n")
    with pytest.raises(BadInput) as caught:
        config.load()
    assert complaint in caught.value.message


def test_network_config_defaults() -> None:
    settings = config.load()
    assert (settings.network_proxy, settings.network_timeout) == (None, 10.0)


# --- on the command line: consent and exit codes ---

PROBE = """
import sys, click
from kit.cli import cli, main
from kit.commands.context import json_option
from kit.commands.footprint_consent import approve
from kit.footprint.plan import Plan, PlannedRequest
from kit.footprint.transport import Transport

@cli.command("probe")
@click.argument("url")
@click.option("--yes", is_flag=True)
@click.option("--timeout", type=float, default=5.0)
@json_option
def probe(url, yes, timeout):
    request = PlannedRequest("GET", url, ("the word probe",))
    plan = Plan("probe", "Sends the word probe to a test server.", (request,))
    approve(plan, yes)
    with Transport() as transport, transport.open(plan, approved=True) as session:
        click.echo(session.send(request, timeout=timeout).body.decode())

main(sys.argv[1:])
"""


def probe(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A tiny check on the real CLI, in its own session: no terminal to ask on."""
    return subprocess.run([sys.executable, "-c", PROBE, "probe", *args], capture_output=True,
                          text=True, env={**os.environ, **env}, start_new_session=True,
                          timeout=60, cwd=REPO)


def test_cli_consent_and_exit_codes(http_server: type[LoopbackServer]) -> None:
    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, HeadersOut, bytes]:
        if path == "/slow":
            time.sleep(2)
        return 200, {}, b"answered"

    server = http_server(handler)
    url = server.url + "/probe"

    offline = probe(url, "--yes", "--json", KIT_OFFLINE="1")
    assert offline.returncode == 6
    assert json.loads(offline.stdout)["error"]["code"] == "network_refused"
    assert "offline (KIT_OFFLINE=1); nothing was sent" in offline.stderr

    unasked = probe(url)
    assert unasked.returncode == 6
    assert "Sends the word probe to a test server." in unasked.stderr  # the plan was shown
    assert "sends the word probe" in unasked.stderr
    assert "--yes to approve" in unasked.stderr
    assert server.received == []

    approved = probe(url, "--yes")
    assert (approved.returncode, approved.stdout.strip()) == (0, "answered"), approved.stderr
    assert "Approved with --yes." in approved.stderr
    assert [r.path for r in server.received] == ["/probe"]

    slow = probe(server.url + "/slow", "--yes", "--timeout", "0.3", "--json")
    assert slow.returncode == 7
    assert json.loads(slow.stdout)["error"] == {
        "code": "network_failed", "exit": 7,
        "message": f"127.0.0.1:{server.port} did not answer within 0.3 s"}


# --- the test guard itself ---


def test_the_guard_refuses_connections_beyond_loopback() -> None:
    from tests import conftest

    with pytest.raises(conftest.InternetBlocked):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with socket.socket() as sock, pytest.raises(conftest.InternetBlocked):
        sock.connect_ex(("192.0.2.1", 443))
    assert conftest._blocked == ["192.0.2.1", "192.0.2.1"]
    conftest._blocked.clear()  # seen and expected: let this test pass


SWALLOWED = """
import socket

def test_swallows_the_error():
    try:
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    except OSError:
        pass
"""


def test_the_guard_fails_a_test_even_when_the_error_is_swallowed(tmp_path: Path) -> None:
    test_file = tmp_path / "test_swallowed.py"
    test_file.write_text(SWALLOWED)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest",
         str(test_file)], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 1, proc.stdout
    assert "the test tried to reach 192.0.2.1; tests may use loopback only" in proc.stdout
    assert "1 passed, 1 error" in proc.stdout
