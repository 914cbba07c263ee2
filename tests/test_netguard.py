"""The loopback-only rule reaches the Python processes tests start, not just the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import socket, sys
for attempt in (lambda: socket.create_connection(("192.0.2.1", 80), timeout=1),
                lambda: socket.getaddrinfo("example.org", 443)):
    try:
        attempt()
    except ConnectionRefusedError as exc:
        print("refused:", exc)
socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
print("loopback ok")
"""


def test_a_child_python_may_reach_loopback_only_and_reports_what_it_tried() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    try:
        proc = subprocess.run([sys.executable, "-c", PROBE, str(listener.getsockname()[1])],
                              capture_output=True, text=True, timeout=30, check=True)
    finally:
        listener.close()
    assert proc.stdout.count("refused:") == 2 and "loopback ok" in proc.stdout
    log = Path(os.environ["FLK_TEST_BLOCKED_LOG"])
    assert log.read_text(encoding="utf-8").split() == ["192.0.2.1", "example.org"]
    log.unlink()  # seen and expected: the fixture would otherwise fail this test
