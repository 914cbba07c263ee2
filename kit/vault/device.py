"""The opt-in device slot: a random key kept in the operating system's keyring.

Anyone who can use the same login can then open the vault without the passphrase, so it is
off by default and the kit always says when it is on. Only a secure backend is accepted, and
every call runs on a daemon thread with a timeout, because keyring backends can hang
(a locked collection, an unreachable D-Bus service).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from kit.errors import KeyringUnavailable

if TYPE_CHECKING:
    from kit.vault.store import Vault

SERVICE = "frontline-kit"
T = TypeVar("T")

_INSECURE_MODULE_PREFIXES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def timeout_seconds() -> float:
    try:
        return float(os.environ.get("KIT_KEYRING_TIMEOUT", "5"))
    except ValueError:
        return 5.0


def account(vault_id: bytes) -> str:
    return f"vault:{vault_id.hex()}:device"


def _with_timeout(call: Callable[[], T], what: str) -> T:
    """Run a keyring call on a daemon thread; a hang becomes KeyringUnavailable, not a freeze."""
    outcome: dict[str, Any] = {}

    def runner() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # reported on the calling thread
            outcome["error"] = exc

    thread = threading.Thread(target=runner, name="kit-keyring", daemon=True)
    thread.start()
    thread.join(timeout_seconds())
    if thread.is_alive():
        raise KeyringUnavailable(
            f"the system keyring did not answer within {timeout_seconds():g} s while trying to "
            f"{what}; use your passphrase instead"
        )
    if "error" in outcome:
        exc = outcome["error"]
        if isinstance(exc, KeyringUnavailable):
            raise exc
        raise KeyringUnavailable(f"the system keyring failed to {what}: {exc}") from exc
    value: T = outcome["value"]
    return value


def _is_secure(backend: Any) -> bool:
    module = type(backend).__module__
    if module.startswith(_INSECURE_MODULE_PREFIXES):
        return False
    try:
        priority = float(backend.priority)
    except Exception:
        return False
    if module.startswith("keyring.backends.chainer"):
        return any(_is_secure(b) for b in getattr(backend, "backends", []))
    return priority >= 1


@dataclass(frozen=True)
class BackendStatus:
    available: bool
    name: str
    reason: str


def backend_status() -> BackendStatus:
    """Whether a secure keyring backend is present, and which."""

    def detect() -> BackendStatus:
        import keyring

        backend = keyring.get_keyring()
        name = f"{type(backend).__module__}.{type(backend).__name__}"
        if _is_secure(backend):
            return BackendStatus(True, name, "a secure system keyring is available")
        return BackendStatus(
            False, name,
            "no secure system keyring is available here (common on servers and SSH sessions "
            "without a desktop); the kit will keep asking for your passphrase",
        )

    try:
        return _with_timeout(detect, "find a keyring")
    except KeyringUnavailable as exc:
        return BackendStatus(False, "unknown", exc.message)


def _require_backend() -> Any:
    status = backend_status()
    if not status.available:
        raise KeyringUnavailable(status.reason)
    import keyring

    return keyring.get_keyring()


def store_key(vault_id: bytes, key: bytes) -> None:
    backend = _require_backend()
    encoded = base64.b64encode(key).decode("ascii")
    _with_timeout(lambda: backend.set_password(SERVICE, account(vault_id), encoded),
                  "store the device key")


def load_key(vault_id: bytes) -> bytes | None:
    """The device key for this vault, or None if the keyring holds none."""
    backend = _require_backend()
    value = _with_timeout(lambda: backend.get_password(SERVICE, account(vault_id)),
                          "read the device key")
    if value is None:
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def delete_key(vault_id: bytes) -> None:
    backend = _require_backend()

    def remove() -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):  # already gone
            backend.delete_password(SERVICE, account(vault_id))

    _with_timeout(remove, "remove the device key")


def enable_device_unlock(vault: Vault) -> BackendStatus:
    """Store a new device key in the keyring and add its slot; undo the keyring write if the
    slot cannot be added, so the keyring never holds a key the vault does not know."""
    status = backend_status()
    if not status.available:
        raise KeyringUnavailable(status.reason)
    key = os.urandom(32)
    store_key(vault.vault_id, key)
    try:
        vault.add_device_slot(key)
    except BaseException:
        delete_key(vault.vault_id)
        raise
    return status
