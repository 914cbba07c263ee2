"""The app as the screens that open a vault use it: lock, first run, recovery and the vault
check (kit.tui.app.KitApp is one). The app opens these screens, so they name what they need
here rather than importing the app, which imports them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.screen import Screen

if TYPE_CHECKING:
    from kit.workspace import Workspace


class VaultServices(Protocol):
    """What the app was handed from outside, as these screens read it (kit.tui.app's
    AppServices is one)."""

    @property
    def vault_path(self) -> Path: ...
    @property
    def kdf_profile(self) -> str: ...
    @property
    def allow_keyring(self) -> bool: ...
    @property
    def demo_passphrase(self) -> str | None: ...


@runtime_checkable
class VaultHost(Protocol):
    @property
    def services(self) -> VaultServices: ...
    @property
    def first_unlock(self) -> bool: ...
    def open_workspace(self, workspace: Workspace) -> None: ...
    @property
    def unlocked(self) -> bool: ...


def vault_host(screen: Screen[Any]) -> VaultHost:
    """*screen*'s app, which opens the vault for it."""
    app = screen.app
    assert isinstance(app, VaultHost), f"{type(app).__name__} cannot open a vault"
    return app
