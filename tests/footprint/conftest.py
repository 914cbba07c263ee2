"""Real HTTP servers on loopback that stand in for the remote services (no mocking of requests).

Use the `http_server` fixture; it is a factory:

    def test_something(http_server):
        def handler(method, path, headers, body):
            # path includes the query string; headers have lower-cased names
            return 200, {"Content-Type": "text/plain"}, b"hello"

        server = http_server(handler)              # on 127.0.0.1, a free port
        other = http_server(handler, host="127.0.0.2")   # a second "host" (any 127.x works)
        url = server.url + "/range/21BD1"          # "http://127.0.0.1:PORT/range/21BD1"
        ...
        assert [r.path for r in server.received] == ["/range/21BD1"]

- handler(method, path, headers, body) -> (status, headers, body). Response headers are a dict,
  or a list of (name, value) pairs when a name repeats (several Set-Cookie, say).
  Content-Length is added unless given. The handler may sleep (to test timeouts) and may be
  swapped mid-test: `server.handler = other_handler`. An exception in it answers 500.
- server.received: every request, in arrival order, as `Received(method, path, headers, body)`,
  recorded before the handler runs (so a request that then timed out is still there).
- server.url / server.host / server.port; every server is shut down when the test ends.

The servers speak HTTP/1.1 with keep-alive, like real services, and run each connection in a
daemon thread (ThreadingHTTPServer), so many threads may send at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

HeadersOut = Mapping[str, str] | Sequence[tuple[str, str]]
Handler = Callable[[str, str, Mapping[str, str], bytes], tuple[int, HeadersOut, bytes]]


@dataclass(frozen=True)
class Received:
    method: str
    path: str  # with the query string
    headers: Mapping[str, str]  # lower-cased names
    body: bytes


def _ok(method: str, path: str, headers: Mapping[str, str], body: bytes
        ) -> tuple[int, HeadersOut, bytes]:
    return 200, {"Content-Type": "text/plain"}, b"ok"


class LoopbackServer:
    """One stand-in service on a loopback address, in a daemon thread."""

    def __init__(self, handler: Handler = _ok, host: str = "127.0.0.1") -> None:
        self.handler = handler
        self.received: list[Received] = []
        self._lock = threading.Lock()
        owner = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                with owner._lock:
                    owner.received.append(Received(self.command, self.path, headers, body))
                try:
                    status, out_headers, out_body = owner.handler(self.command, self.path,
                                                                  headers, body)
                except Exception as exc:  # shown to the test as a 500, not lost in a thread
                    status, out_headers, out_body = 500, {}, repr(exc).encode()
                pairs = list(out_headers.items()) if isinstance(out_headers, Mapping) \
                    else list(out_headers)
                self.send_response(status)
                for name, value in pairs:
                    self.send_header(name, value)
                if not any(name.lower() == "content-length" for name, _ in pairs):
                    self.send_header("Content-Length", str(len(out_body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(out_body)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer((host, 0), RequestHandler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        # A client that gave up (a timeout test) leaves a broken pipe: not worth a traceback.
        self._server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.host = host
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}"
        # A short poll: shutting down waits for it, and tests start and stop many servers.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def http_server() -> Iterator[Callable[..., LoopbackServer]]:
    """A factory of loopback servers: `http_server(handler, host="127.0.0.1")`."""
    started: list[LoopbackServer] = []

    def start(handler: Handler = _ok, host: str = "127.0.0.1") -> LoopbackServer:
        server = LoopbackServer(handler, host)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()
