"""Canary for the terminal app: what is typed into the journal editor never reaches the disk
in plaintext, neither from a saved entry nor from an unsaved draft sealed by the quick-hide key.

KIT_HOME and the test's folder are searched (UTF-8, UTF-16, hex and base64 of each canary and
of its lower-case form) while the app is still unlocked, by a separate process so the app's
SQLite locks are untouched and its write-ahead log is there to be read; again after the app has
quit, with the files the run changed in the temp folder. The canaries are
then shown to be in the vault, encrypted, so the clean scans were of real data.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import TextArea

from kit.records.journal import Journal
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, REPO
from tests.tui.conftest import SIZE, unlock, wait_for
from tests.vault.canary_scan import Scan, scan_everything

SCAN_CHILD = """\
import json, sys
from pathlib import Path
from tests.vault.canary_scan import Scan
canaries, home, tmp = json.loads(sys.argv[1])
scan = Scan(canaries).tree(Path(home)).tree(Path(tmp))
print(json.dumps({"hits": sorted(map(str, scan.hits)), "files": sorted(map(str, scan.files))}))
"""


def scan_from_another_process(canaries: list[str], home: Path,
                              tmp: Path) -> tuple[list[str], set[Path]]:
    """Scan without opening the vault files in this process: closing them here would drop the
    POSIX locks the app's SQLite connection holds on them."""
    args = json.dumps([canaries, str(home), str(tmp)])
    proc = subprocess.run([sys.executable, "-c", SCAN_CHILD, args], capture_output=True,
                          text=True, cwd=REPO, check=True, timeout=120)
    result = json.loads(proc.stdout)
    return result["hits"], {Path(p) for p in result["files"]}


def forms(*canaries: str) -> list[str]:
    return [form for canary in canaries for form in {canary, canary.lower()}]


async def test_typed_text_never_reaches_the_disk(make_app: Callable[..., KitApp],
                                                 closed_vault: Path, kit_env: Path,
                                                 tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # Anything that did try to write a file (a screenshot, say) would land in the test's tree.
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    since = time.time() - 2
    # Short, as every key is typed: unique by their random part.
    saved = "CnrY" + secrets.token_hex(5).upper()
    non_ascii = "Grüße-Ĳ-文字" + secrets.token_hex(3)
    draft = "DrfT" + secrets.token_hex(5).upper()
    canaries = forms(saved, non_ascii, draft)

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f3")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "JournalScreen")
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EditorScreen")
        area = app.screen.query_one("#text", TextArea)
        area.focus()
        await pilot.press(*saved, "enter", *non_ascii)
        assert area.text == f"{saved}\n{non_ascii}"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen.query_one("#editor-status").content == "Saved.")
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "JournalScreen")

        # The scan while the app holds the vault open: the write-ahead log is there too.
        hits, files = scan_from_another_process(canaries, kit_env, tmp_path)
        assert hits == []
        assert closed_vault / "vault.sqlite-wal" in files
        assert closed_vault / "vault.sqlite" in files

        # A draft: typed, not saved, sealed into the vault by the quick-hide key.
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "EditorScreen")
        app.screen.query_one("#text", TextArea).focus()
        await pilot.press(*draft)
        app.action_screenshot()  # refused: never a file
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HiddenScreen"
                       and app.workspace is None)
        await pilot.press("x")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "LockScreen")
        await pilot.press("ctrl+q")
    assert app.return_code == 0

    scan = scan_everything(canaries, kit_env, tmp_path, since)  # and the temp folder
    assert scan.hits == set()
    assert closed_vault / "vault.sqlite" in scan.files
    assert list(tmp_path.rglob("*.svg")) == []

    # The canaries are in the vault, sealed: the clean scans were of real data.
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        texts = [entry.text for entry in Journal(vault).entries()]
        drafts = [record.data for record in vault.snapshot().records.values()
                  if record.kind == "draft"]
    assert texts == [f"{saved}\n{non_ascii}"]
    assert [d["data"]["text"] for d in drafts] == [draft]

    # And the scan does see a canary when one is on the disk.
    leak = kit_env / "leak.txt"
    leak.write_text(non_ascii.lower(), encoding="utf-16-le")
    found = Scan(canaries).tree(kit_env).tree(tmp_path).hits
    assert {(path, canary) for path, canary, _how in found} == {(leak, non_ascii.lower())}
    os.unlink(leak)
