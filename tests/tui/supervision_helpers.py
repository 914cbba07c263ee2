"""People with their own vaults, introduced to each other, and the app opened on Supervision:
shared by the Supervision screen's tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kit.config import Config
from kit.supervision.service import Supervision
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE
from tests.tui.conftest import FIXED_NOW, showing, unlock, wait_for

ZONE = ZoneInfo("Europe/London")


@dataclass
class Person:
    workspace: Workspace
    sup: Supervision

    def close(self) -> None:
        self.workspace.close()


def person(path: Path, name: str, role: str) -> Person:
    """A vault (new, or the app's own closed one) with its card named."""
    if path.exists():
        vault = Vault.open(path, Credentials(passphrase=PASSPHRASE))
    else:
        vault, _recovery = Vault.create(path, PASSPHRASE, "minimum")
    workspace = Workspace(vault)
    sup = Supervision(workspace, zone=ZONE, clock=lambda: FIXED_NOW)
    sup.set_me(name, role)
    return Person(workspace, sup)


def introduce(a: Person, a_calls_b: str, relation: str, b: Person, b_calls_a: str,
              back: str) -> None:
    """Each adds the other's card, with the fingerprint checked."""
    a.sup.add_contact(b.sup.me().text(), a_calls_b, relation, b.sup.fingerprint)
    b.sup.add_contact(a.sup.me().text(), b_calls_a, back, a.sup.fingerprint)


def supervision_app(make_app: Any) -> KitApp:
    app: KitApp = make_app(config=Config(time_zone="Europe/London"))
    return app


async def open_supervision(pilot: Any) -> Any:
    await unlock(pilot)
    await pilot.press("f10")
    await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "the supervision area")
    await pilot.pause()
    return pilot.app.screen


async def show_tab(pilot: Any, screen: Any, tab: str) -> None:
    """Show one of the Supervision screen's tabs, and wait until its pane has drawn what the
    vault holds (a pane is built the first time its tab is shown)."""
    screen.show_tab(tab)
    await wait_for(pilot, lambda: screen.pane(tab).loaded, f"the {tab} pane")
    await pilot.pause()
