"""Every place in the app that writes a file the person names (seal a share, send a record,
accept or comment on one, hand a supervisee over, export a record, the safety plan or an
evidence pack) asks before replacing a file that is already there: "Keep it" leaves that file
as it was and writes nothing, "Replace it" replaces it, readable by its owner only. With the
vault opened by the keyring, no export starts at all.

The vault is a copy of the demo's, which has records of every kind, dated around FIXED_NOW.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, TextArea

from kit.demo import DemoVault, prepare_demo
from kit.tui.app import KitApp
from kit.tui.widgets.confirm import ConfirmDialog
from kit.tui.widgets.replace_file import kept_message
from kit.vault import Credentials, Vault, device
from tests.demo_copy import DemoIds, copy_vault, demo_ids, files_of
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.tui.conftest import FIXED_NOW, SIZE, press_button, showing, unlock, wait_for
from tests.tui.supervision_helpers import show_tab

THEIRS = b"the person's own file, which must survive\n"
Scenario = Callable[[Any, KitApp, DemoIds, Path], Awaitable[None]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoVault, DemoIds]]:
    made = prepare_demo(FIXED_NOW, parent=tmp_path_factory.mktemp("demo"))
    try:
        yield made, demo_ids(made, FIXED_NOW)
    finally:
        made.cleanup()


async def _supervision(pilot: Any) -> Any:
    await pilot.press("f10")
    await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "the supervision area")
    await pilot.pause()
    return pilot.app.screen


async def _fill(pilot: Any, app: KitApp, field: str, path: Path, ok: str) -> None:
    await wait_for(pilot, lambda: bool(app.screen.query(field)), f"the dialog with {field}")
    app.screen.query_one(field, Input).value = str(path)
    await press_button(pilot, ok)


async def pick_record(pilot: Any, screen: Any, doc_id: str) -> None:
    """Show the Records tab and highlight a record in the list, as the arrow keys would."""
    await show_tab(pilot, screen, "records-tab")
    listing = screen.query_one("#records")
    listing.action_jump([doc.id for doc in listing.items].index(doc_id))


async def seal_share(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    screen = await _supervision(pilot)
    await show_tab(pilot, screen, "share-tab")
    await wait_for(pilot, lambda: screen.share_pane.contact is not None, "the share builder")
    screen.query_one("#share-note", TextArea).text = "A note for the session."
    await pilot.pause()
    screen.share_pane.seal()
    await _fill(pilot, app, "#ask-path", path, "#ask-ok")


async def send_record(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    screen = await _supervision(pilot)
    await pick_record(pilot, screen, ids.to_send)
    screen.records_pane.send_record()
    await _fill(pilot, app, "#ask-path", path, "#ask-ok")


async def accept_record(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    screen = await _supervision(pilot)
    await pick_record(pilot, screen, ids.to_answer)
    screen.records_pane.accept()
    await _fill(pilot, app, "#ask-path", path, "#ask-ok")


async def comment_on_record(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    screen = await _supervision(pilot)
    await pick_record(pilot, screen, ids.to_answer)
    screen.records_pane.comment()
    await wait_for(pilot, lambda: bool(app.screen.query("#comment-text")), "the comment dialog")
    app.screen.query_one("#comment-text", TextArea).text = "Noted, thank you."
    await _fill(pilot, app, "#comment-path", path, "#comment-ok")


async def hand_over(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    screen = await _supervision(pilot)
    screen.action_handover()
    await wait_for(pilot, lambda: bool(app.screen.query("#handover-to")), "the handover dialog")
    assert app.workspace is not None
    to = app.workspace.contacts.find(ids.new_supervisor).id
    app.screen.query_one("#handover-to", Select).value = to
    await _fill(pilot, app, "#handover-path", path, "#handover-ok")
    # First the question every handover asks; the one about the file comes after it.
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog)
                   and "Seal them for" in app.screen.question, "the handover question")
    await press_button(pilot, "#yes")


async def start_record_export(pilot: Any, app: KitApp, ids: DemoIds) -> None:
    screen = await _supervision(pilot)
    await pick_record(pilot, screen, ids.any_record)
    screen.records_pane.export_record()


async def export_record(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    await start_record_export(pilot, app, ids)
    await _fill(pilot, app, "#export-path", path, "#export-ok")


async def start_safety_plan_export(pilot: Any, app: KitApp, ids: DemoIds) -> None:
    await pilot.press("f6")
    await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "the prepare area")
    await pilot.pause()
    app.screen.export("md")  # type: ignore[attr-defined]


async def export_safety_plan(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    await start_safety_plan_export(pilot, app, ids)
    await _fill(pilot, app, "#ask-path", path, "#ask-ok")


async def start_evidence_export(pilot: Any, app: KitApp, ids: DemoIds) -> None:
    await pilot.press("f7")
    await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
    await pilot.pause()
    screen: Any = app.screen
    listing = screen.query_one("#incidents")
    listing.action_jump([i.id for i in listing.items].index(ids.incident))
    await pilot.pause()
    screen.action_export()


async def export_evidence(pilot: Any, app: KitApp, ids: DemoIds, path: Path) -> None:
    await start_evidence_export(pilot, app, ids)
    await _fill(pilot, app, "#ask-path", path, "#ask-ok")


WRITERS: list[tuple[str, Scenario, str]] = [
    ("seal a share", seal_share, ".age"),
    ("send a record", send_record, ".age"),
    ("accept a record", accept_record, ".age"),
    ("comment on a record", comment_on_record, ".age"),
    ("hand over", hand_over, ".age"),
    ("export a record", export_record, ".md"),
    ("export the safety plan", export_safety_plan, ".md"),
    ("export an evidence pack", export_evidence, ".zip"),
]


def _replace_question(app: KitApp, path: Path) -> bool:
    return isinstance(app.screen, ConfirmDialog) and app.screen.is_mounted \
        and str(path) in app.screen.question and "Replace it?" in app.screen.question


def _notified(app: KitApp, text: str) -> bool:
    return any(text in str(n.message) for n in app._notifications)


@pytest.mark.parametrize(("scenario", "suffix"),
                         [pytest.param(s, x, id=name) for name, s, x in WRITERS])
async def test_the_app_asks_before_replacing_a_file(
        make_app: Callable[..., KitApp], vault_path: Path, tmp_path: Path,
        demo: tuple[DemoVault, DemoIds], scenario: Scenario, suffix: str) -> None:
    made, ids = demo
    copy_vault(made, vault_path)
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    path = chosen / f"out{suffix}"
    path.write_bytes(THEIRS)
    path.chmod(0o644)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot, made.passphrase)
        await app.workers.wait_for_complete()  # what the app saves by itself on opening
        vault_before = files_of(vault_path)

        await scenario(pilot, app, ids, path)
        await wait_for(pilot, lambda: _replace_question(app, path), "the replace question")
        assert app.screen.query_one("#no").has_focus  # keeping the file is the default
        await press_button(pilot, "#no")  # "Keep it"
        await wait_for(pilot, lambda: _notified(app, kept_message(path)), "the kept message")
        assert not any(n.severity == "error" for n in app._notifications)  # a choice, calmly
        assert path.read_bytes() == THEIRS
        await app.workers.wait_for_complete()
        assert files_of(vault_path) == vault_before, "keeping the file changed the vault"
        assert sorted(p.name for p in chosen.iterdir()) == [path.name]  # no temp file left

        await pilot.press("escape")  # back to a plain screen, then the same steps again
        await pilot.pause()
        await scenario(pilot, app, ids, path)
        await wait_for(pilot, lambda: _replace_question(app, path), "the replace question")
        await press_button(pilot, "#yes")  # "Replace it"
        await wait_for(pilot, lambda: path.read_bytes() != THEIRS, "the replaced file",
                       tries=600)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in chosen.iterdir()) == [path.name]


# --- a keyring unlock is not enough for a copy that leaves the vault ---


EXPORTS = [("export a record", start_record_export),
           ("export the safety plan", start_safety_plan_export),
           ("export an evidence pack", start_evidence_export)]


@pytest.mark.parametrize("start", [pytest.param(s, id=name) for name, s in EXPORTS])
async def test_a_keyring_unlock_starts_no_export(
        make_app: Callable[..., KitApp], vault_path: Path,
        demo: tuple[DemoVault, DemoIds], secure_keyring: MemoryKeyring,
        start: Callable[[Any, KitApp, DemoIds], Awaitable[None]]) -> None:
    made, ids = demo
    copy_vault(made, vault_path)
    key = os.urandom(32)
    with Vault.open(vault_path, Credentials(passphrase=made.passphrase)) as vault:
        vault.add_device_slot(key)
        device.store_key(vault.vault_id, key)
    app = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.workspace is not None and showing(pilot, "HomeScreen"),
                       "home, opened by the keyring")
        assert app.workspace is not None and app.workspace.vault.unlocked_by == "device"
        await start(pilot, app, ids)
        await pilot.pause()
        assert not app.screen.is_modal, "an export dialog opened after a keyring unlock"
        assert _notified(app, "Not exported: the vault was opened with the keyring, and a "
                              "copy that is not encrypted needs your passphrase")
