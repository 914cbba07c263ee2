"""The app never sends its user to a terminal: recovery, keyring unlock and checking the vault
are done in the app, the same way the command line does them, and no text the app shows names a
command."""

from __future__ import annotations

import ast
import contextlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kit.errors import WrongSecret
from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault, key_changes, recovery
from kit.vault.store import read_header
from tests.conftest import PASSPHRASE
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.tui.conftest import SIZE, showing, unlock, wait_for

NEW_PASSPHRASE = "a new calm harbour at dawn"


def text_of(app: KitApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def write_down_new_key(pilot: Pilot[Any]) -> str:
    """The new recovery key dialog: read the key, tick the box, Continue (keys only)."""
    app: Any = pilot.app
    await wait_for(pilot, lambda: showing(pilot, "NewRecoveryKeyDialog"), "the new key")
    await pilot.pause()
    key = text_of(app, "#new-recovery-key")
    assert app.focused.id == "new-key-written"  # Space ticks it at once
    await pilot.press("space", "tab", "enter")
    return key


async def test_recovery_from_the_lock_screen_refuses_a_wrong_key_calmly(
        make_app: Callable[..., KitApp], vault_path: Path) -> None:
    vault, old_key = Vault.create(vault_path, PASSPHRASE, "minimum")
    with vault:
        vault.put("journal", {"text": "kept through recovery"})
    wrong_key, _its_bytes = recovery.generate()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        lock_text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "kit recover" not in lock_text and "terminal" not in lock_text
        app.screen.query_one("#forgot").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "RecoverScreen"), "the recovery screen")
        await pilot.pause()
        screen = app.screen
        assert app.focused is screen.query_one("#recovery-key-input")

        # Too short a passphrase: refused before anything is tried, focus on the field.
        await pilot.press(*wrong_key, "enter", *"short", "enter", *"short", "enter")
        assert app.focused is screen.query_one("#new")
        assert "at least" in text_of(app, "#recover-problem")

        # A wrong key: refused calmly, the focus back on the key, the passphrases kept.
        screen.query_one("#new", Input).value = NEW_PASSPHRASE
        screen.query_one("#again", Input).value = NEW_PASSPHRASE
        screen.query_one("#again").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: "did not open" in text_of(app, "#recover-problem"), "refusal")
        await wait_for(pilot, lambda: app.focused is screen.query_one("#recovery-key-input"),
                       "the focus on the key")
        assert screen.query_one("#new", Input).value == NEW_PASSPHRASE
        assert screen.query_one("#recovery-key-input", Input).value == wrong_key
        assert app.workspace is None and read_header(vault_path).slots_of("recovery")

        # The right key: a new recovery key to write down, then the vault is open.
        screen.query_one("#recovery-key-input", Input).value = old_key
        screen.query_one("#again").focus()
        await pilot.press("enter")
        new_key = await write_down_new_key(pilot)
        await wait_for(pilot, lambda: app.workspace is not None
                       and showing(pilot, "HomeScreen"), "home after recovery")
        assert new_key != old_key
        assert app.workspace is not None
        assert [r.data["text"] for r in app.workspace.snapshot().records.values()
                if r.kind == "journal"] == ["kept through recovery"]

    # The new passphrase and the new key open it; the old key and passphrase do not.
    Vault.open(vault_path, Credentials(passphrase=NEW_PASSPHRASE)).close()
    Vault.open(vault_path, Credentials(recovery_key=recovery.parse(new_key))).close()
    for old in (Credentials(recovery_key=recovery.parse(old_key)),
                Credentials(passphrase=PASSPHRASE)):
        with pytest.raises(WrongSecret):
            Vault.open(vault_path, old)


async def test_keyring_unlock_is_turned_off_in_the_app(
        make_app: Callable[..., KitApp], closed_vault: Path,
        secure_keyring: MemoryKeyring) -> None:
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        key_changes.keyring_on(vault)
    assert secure_keyring.store
    app = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.workspace is not None
                       and showing(pilot, "HomeScreen"), "opened by the keyring")
        # The toast is a message of its own, handled after Home may already be showing.
        await wait_for(pilot, lambda: "Turn off keyring unlock" in " ".join(
            str(n.message) for n in app._notifications), "the keyring toast")
        toast = " ".join(str(n.message) for n in app._notifications)
        assert "Turn off keyring unlock" in toast and "`" not in toast
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Turn off keyring unlock" in titles and "Turn on keyring unlock" not in titles
        app.change_keys("keyring-off")
        await wait_for(pilot, lambda: showing(pilot, "KeyChangeDialog"), "the dialog")
        await pilot.pause()
        dialog = app.screen
        assert app.focused is dialog.query_one("#key-change-passphrase")
        await pilot.press(*"not my passphrase", "enter")  # wrong: refused, nothing changed
        await wait_for(pilot, lambda: "did not open" in text_of(app, "#key-change-problem"),
                       "the refusal")
        assert app.focused is dialog.query_one("#key-change-passphrase")
        assert read_header(closed_vault).slots_of("device") and secure_keyring.store
        await pilot.press(*PASSPHRASE, "enter")
        await write_down_new_key(pilot)
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "home again")
        assert any("Keyring unlock is off" in str(n.message) for n in app._notifications)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Turn on keyring unlock" in titles and "Turn off keyring unlock" not in titles
    assert not read_header(closed_vault).slots_of("device")
    assert not secure_keyring.store
    Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)).close()


async def test_keyring_unlock_is_turned_on_in_the_app(
        make_app: Callable[..., KitApp], closed_vault: Path,
        secure_keyring: MemoryKeyring) -> None:
    app = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.change_keys("keyring-on")
        await wait_for(pilot, lambda: showing(pilot, "KeyChangeDialog"), "the dialog")
        await pilot.pause()
        await pilot.press(*PASSPHRASE, "enter")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "home again")
        # A healthy vault, checked: said to be healthy, and Home offers no check of its own.
        assert not app.screen.query(".attention-action")
        await pilot.press("ctrl+p")  # found in the palette, as help and README say
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "palette")
        await pilot.press(*"check the vault")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "VaultCheckDialog"), "the check")
        await wait_for(pilot, lambda: "healthy" in text_of(app, "#vault-check-result"),
                       "the result")
    assert read_header(closed_vault).slots_of("device") and secure_keyring.store


async def test_keyring_unlock_is_not_offered_to_turn_on_without_a_secure_keyring(
        make_app: Callable[..., KitApp], closed_vault: Path) -> None:
    # conftest selects keyring's "fail" backend: no secure keyring here.
    app = make_app(allow_keyring=True)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.change_keys("keyring-on")
        await wait_for(pilot, lambda: showing(pilot, "KeyChangeDialog"), "the dialog")
        await wait_for(pilot, lambda: "cannot be turned on" in text_of(app, "#key-change-problem"),
                       "the reason, before the passphrase is typed")
        assert app.screen.query_one("#key-change-go").disabled
        await pilot.press(*PASSPHRASE, "enter")  # nothing happens, nothing is changed
        await pilot.pause()
        assert not app.screen.workers
    assert not read_header(closed_vault).slots_of("device")


async def test_a_damaged_vault_is_checked_in_the_app(
        make_app: Callable[..., KitApp], closed_vault: Path) -> None:
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        Journal(vault).add("fine")
        flipped = Journal(vault).add("to be damaged").id
        # Whole and authentic, but of a shape this kit cannot read: damage the check names too.
        wrong_shape = vault.put("journal", {"shape": "from a newer kit"}).id
    with contextlib.closing(sqlite3.connect(closed_vault / "vault.sqlite")) as conn:
        (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?",
                             (bytes.fromhex(flipped),)).fetchone()
        conn.execute("UPDATE records SET ct = ? WHERE id = ?",
                     (ct[:30] + bytes([ct[30] ^ 4]) + ct[31:], bytes.fromhex(flipped)))
        conn.commit()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.pause()
        note = " ".join(str(w.render()) for w in app.screen.query(".attention-item"))
        assert "could not be read" in note and "Check the vault" in note and "`" not in note
        app.screen.query_one(".attention-action").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "VaultCheckDialog"), "the check")
        await wait_for(pilot, lambda: "Damaged" in text_of(app, "#vault-check-result"),
                       "the result")
        result = text_of(app, "#vault-check-result")
        assert flipped in result and wrong_shape in result  # what is damaged, named
        assert "Damaged (2 problems)" in result and "read correctly" in result  # what is fine
        assert "What to do next" in result and str(closed_vault / "backups") in result
        assert "`" not in result and "kit vault" not in result
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "home again")


# --- no text the app shows tells its user to run a command ---

APP = Path(__file__).resolve().parents[2] / "kit"
# Text the app shows that lives outside kit/tui: Home's "What needs attention".
APP_TEXT_OUTSIDE_TUI = (APP / "attention.py",)
# A kit command, with or without backticks ("`kit recover`", "run kit vault verify"), or an
# instruction to go to a terminal.
COMMAND = re.compile(r"`kit\s|\b(?:run|type|use|with)\s+`?kit\s+[a-z]|\bin a terminal\b",
                     re.IGNORECASE)


def shown_strings(path: Path) -> list[str]:
    """Every string literal in *path* that can reach the screen: not docstrings (the code's
    own notes), each f-string's literal parts joined."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found: list[str] = []
    inside_fstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values
                     if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            inside_fstrings.update(id(v) for v in node.values)
            found.append("".join(parts))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings and id(node) not in inside_fstrings):
            found.append(node.value)
    return found


def app_texts() -> dict[str, list[str]]:
    # kit/tui/app_words.py holds the commands it takes out of the core's messages, never shown.
    sources = [path for path in sorted((APP / "tui").rglob("*.py"))
               if path.name != "app_words.py"] + list(APP_TEXT_OUTSIDE_TUI)
    texts = {str(path.relative_to(APP)): shown_strings(path) for path in sources}
    for path in sorted((APP / "tui").rglob("*.md")):
        # Help is read a paragraph at a time; a command split over two lines still counts.
        texts[str(path.relative_to(APP))] = re.split(r"\n\s*\n",
                                                     path.read_text(encoding="utf-8"))
    return texts


def test_the_scan_finds_a_command_where_there_is_one() -> None:
    # The words this change took out of the lock screen and the keyring notice, and the kinds
    # of instruction the pattern must catch; and words it must leave alone.
    for said in ("Forgotten it? In a terminal, `kit recover` opens the vault",
                 "keyring unlock is ON (`kit keyring disable` turns it off).",
                 "The rest is safe. Run kit vault verify for the details."):
        assert COMMAND.search(said), said
    for fine in ("the kit locked before you answered", "Unlock the kit to tick steps off",
                 "everything the kit has sent"):
        assert not COMMAND.search(fine), fine


def test_no_app_text_tells_its_user_to_run_a_command() -> None:
    texts = app_texts()
    # Not vacuous: the scan reads the screens, the help and Home's notes, and their words.
    assert {"tui/help.md", "tui/screens/lock.py", "tui/app.py", "attention.py"} <= set(texts)
    assert sum(len(strings) for strings in texts.values()) > 1000
    assert any("I have forgotten my passphrase" in s for s in texts["tui/screens/lock.py"])
    offending = [f"{where}: {text.strip()[:120]!r}" for where, strings in texts.items()
                 for text in strings if COMMAND.search(text)]
    assert not offending, "\n".join(offending)


async def test_one_evidence_item_is_deleted_in_the_app(
        make_app: Callable[..., KitApp], closed_vault: Path) -> None:
    from kit.records.incidents import Incidents

    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        incidents = Incidents(vault)
        incident = incidents.add(category="threat", platform="Email")
        incidents.add_url(incident.id, "https://example.org/first-post")
        incidents.add_url(incident.id, "https://example.org/second-post")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "incidents")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CommandPalette", "palette")
        await pilot.press(*"delete an evidence")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "EvidenceChoice"), "the choice")
        await pilot.pause()
        await pilot.press("down", "enter")  # the second item
        await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the question")
        assert "second-post" in str(app.screen.query_one(Static).render())
        await pilot.press("tab", "enter")  # from Cancel (the default) to Delete
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "incidents again")
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        left = Incidents(vault).evidence(incident.id)
    assert [item.url for item in left] == ["https://example.org/first-post"]


# --- messages from the core reach the app in its words ---

CORE_SKIPPED = ("cli.py", "commands", "tui")  # the command line's own words, and the app's


def core_messages_naming_a_command() -> list[tuple[str, str]]:
    """Every string the core may raise or return that names a kit command (not docstrings)."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path.relative_to(APP).parts[0] in CORE_SKIPPED:
            continue
        for text in shown_strings(path):
            if "`kit " in text:
                found.append((str(path.relative_to(APP)), text))
    return found


def test_every_core_message_naming_a_command_is_said_in_app_words() -> None:
    from kit.tui.app_words import app_words

    messages = core_messages_naming_a_command()
    where = {place for place, _text in messages}
    # Not vacuous: the damage messages this app replaces, and others it leaves out, are here.
    assert {"vault/store.py", "records/ids.py", "vault/rotation.py"} <= where, where
    assert len(messages) >= 10
    for place, text in messages:
        said = app_words(text)
        assert not COMMAND.search(said) and "`kit" not in said, (place, text, said)


def test_a_command_the_app_can_do_is_named_as_the_apps_action() -> None:
    from kit.tui.app_words import app_words

    said = app_words("record 1a2b3c4d is damaged (bad tag), so it cannot be shown or changed. "
                     "Nothing was changed; run `kit vault verify` to see all the damage, then "
                     "restore from a backup")
    assert said.startswith("record 1a2b3c4d is damaged (bad tag)")
    assert 'choose "Check the vault" in the command palette (ctrl+p)' in said
    said = app_words("Nothing was kept. Run `kit passwd --rotate` again.")
    assert said == 'Nothing was kept. Choose "Finish the key change" in the command palette ' \
                   "(ctrl+p)."
    assert app_words("no instrument 'who5'; `kit instrument list` shows the ones you have") \
        == "no instrument 'who5'"


async def test_a_notification_never_names_a_command(
        make_app: Callable[..., KitApp], closed_vault: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        app.screen.notify("Not saved: vault.sqlite is damaged. Run `kit vault verify`, then "
                          "restore from a backup.")
        await pilot.pause()
        [note] = [str(n.message) for n in app._notifications]
        assert note.startswith("Not saved: vault.sqlite is damaged.") and "`" not in note
        assert "Check the vault" in note


async def test_hiding_while_the_new_key_is_shown_keeps_the_old_key_working(
        make_app: Callable[..., KitApp], vault_path: Path) -> None:
    vault, old_key = Vault.create(vault_path, PASSPHRASE, "minimum")
    vault.close()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        app.screen.query_one("#forgot").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "RecoverScreen"), "the recovery screen")
        await pilot.pause()
        screen = app.screen
        screen.query_one("#recovery-key-input", Input).value = old_key
        screen.query_one("#new", Input).value = NEW_PASSPHRASE
        screen.query_one("#again", Input).value = NEW_PASSPHRASE
        screen.query_one("#again").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "NewRecoveryKeyDialog"), "the new key")
        await pilot.press("ctrl+l")  # someone comes in: the key is off the screen at once
        await wait_for(pilot, lambda: showing(pilot, "HiddenScreen"), "the blank screen")
        await wait_for(pilot, lambda: not any(w.name == "_recover" or "recover" in
                                              (w.description or "") for w in app.workers),
                       "the change to stop")
        assert app.workspace is None
    # Stopped before the old key was retired: it still opens the vault, as the new
    # passphrase does (set before the new key was shown).
    Vault.open(vault_path, Credentials(recovery_key=recovery.parse(old_key))).close()
    with Vault.open(vault_path, Credentials(passphrase=NEW_PASSPHRASE)) as reopened:
        assert reopened.key_change_unfinished  # Home offers "Finish the key change"

    # Home offers to finish it, in the app: passphrase, the new key written down, done.
    again = make_app()
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot, NEW_PASSPHRASE)
        await pilot.pause()
        buttons = list(again.screen.query(".attention-action"))
        assert [b.name for b in buttons] == ["finish-key-change"]
        buttons[0].focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "KeyChangeDialog"), "the dialog")
        await pilot.pause()
        await pilot.press(*NEW_PASSPHRASE, "enter")
        await write_down_new_key(pilot)
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "home again")
        assert any("finished" in str(n.message) for n in again._notifications)
    with Vault.open(vault_path, Credentials(passphrase=NEW_PASSPHRASE)) as reopened:
        assert not reopened.key_change_unfinished
    with pytest.raises(WrongSecret):
        Vault.open(vault_path, Credentials(recovery_key=recovery.parse(old_key)))
