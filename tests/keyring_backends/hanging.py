"""Keyring backends that never answer, as a locked or unreachable Secret Service can
(keyring #40, secretstorage #33).

- `Keyring` claims to be the best backend (priority 10), then blocks on every call.
- `DetectKeyring` blocks while the keyring library asks whether it is usable at all.
"""

from __future__ import annotations

import threading
from typing import NoReturn

from jaraco.classes import properties
from keyring.backend import KeyringBackend


def _block_forever() -> NoReturn:
    threading.Event().wait()
    raise AssertionError("unreachable")


class Keyring(KeyringBackend):
    priority = 10  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        _block_forever()

    def set_password(self, service: str, username: str, password: str) -> None:
        _block_forever()

    def delete_password(self, service: str, username: str) -> None:
        _block_forever()


class DetectKeyring(Keyring):
    @properties.classproperty
    def priority(cls) -> float:
        _block_forever()
