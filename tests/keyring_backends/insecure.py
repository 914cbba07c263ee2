"""A keyring backend like keyrings.alt's PlaintextKeyring: it keeps passwords in a readable
JSON file (named by KIT_TEST_PLAINTEXT_KEYRING) and has its low priority, 0.5.

The kit must refuse it, so the test can also check that the file was never written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


def _file() -> Path:
    return Path(os.environ["KIT_TEST_PLAINTEXT_KEYRING"])


def _load() -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return loaded


class Keyring(KeyringBackend):
    priority = 0.5  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        value = _load().get(f"{service}\0{username}")
        return None if value is None else str(value)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = _load()
        data[f"{service}\0{username}"] = password
        _file().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service: str, username: str) -> None:
        data = _load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError("not found")
        _file().write_text(json.dumps(data), encoding="utf-8")
