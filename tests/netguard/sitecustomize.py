"""The loopback-only rule of tests/conftest.py, for the Python processes the tests start.

tests/conftest.py puts this folder on PYTHONPATH, so every child Python (the installed `kit`
run as a user would run it) loads it at start. A connection or name lookup beyond loopback
raises in the child, and is written to the file named by FLK_TEST_BLOCKED_LOG, which the test's
fixture reads afterwards: the test fails even if the child turned the error into a clean exit.
"""

from __future__ import annotations

import ipaddress
import os
import socket

_LOG = os.environ.get("FLK_TEST_BLOCKED_LOG")


def _refuse(host: str) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(host + "\n")
    raise ConnectionRefusedError(f"tests may not reach {host}")


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return True


if _LOG:
    _connect, _connect_ex, _getaddrinfo = (socket.socket.connect, socket.socket.connect_ex,
                                           socket.getaddrinfo)

    def _check(sock: socket.socket, address: object) -> None:
        if (sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)
                and not _is_loopback(str(address[0]))):
            _refuse(str(address[0]))

    def connect(self: socket.socket, address: object) -> None:
        _check(self, address)
        _connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        _check(self, address)
        return _connect_ex(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if not _is_loopback(name) and not _is_address(name):
            _refuse(name)  # a name lookup would ask a DNS server beyond this machine
        return _getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]
