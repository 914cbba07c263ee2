"""Canary: private text never reaches the disk in any readable form.

Journal entries holding unique canary strings are added (as an argument and on stdin), edited,
deleted, listed and searched through the CLI; then every file under KIT_HOME, the test's
tmp_path and the temp directory is searched for each canary as UTF-8, UTF-16 (both byte orders),
hex and base64 (all three alignments, standard and URL-safe alphabets). The same after
`kit passwd --rotate` and `kit vault backup --out`. The scan is first shown to find canaries,
in every encoding and in a real plaintext export, so a clean result means something.
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import PASSPHRASE, run_kit
from tests.vault.canary_scan import CHILD, CHUNK, Scan, scan_everything

NEW_PASSPHRASE = "another long passphrase for the canary"


def kit_ok(*args: str, input: str | None = None, env: dict[str, str] | None = None,
           passphrase: str = PASSPHRASE) -> str:
    result = run_kit(*args, input=input, env=env, passphrase=passphrase)
    assert result.code == 0, f"kit {args[:2]} exited {result.code}: {result.err}"
    return result.out


def test_scan_finds_every_encoding(tmp_path: Path) -> None:
    canary = "canaryproof" + secrets.token_hex(10)
    proof = tmp_path / "proof"
    proof.mkdir()
    for prefix in range(4):
        pad = os.urandom(prefix)
        raw = canary.encode()
        (proof / f"b64-{prefix}").write_bytes(base64.b64encode(pad + raw + b"!"))
        (proof / f"b64url-{prefix}").write_bytes(base64.urlsafe_b64encode(pad + raw + b"?>"))
    (proof / "utf16le").write_bytes(b"\xff\xfe" + f"note: {canary}.".encode("utf-16-le"))
    (proof / "utf16be").write_bytes(b"\xfe\xff" + f"note: {canary}.".encode("utf-16-be"))
    (proof / "hex").write_bytes(b"0x" + canary.encode().hex().encode())
    # Straddling two read chunks.
    (proof / "plain").write_bytes(b"x" * (CHUNK - 5) + canary.encode() + b"x" * 10)
    scan = Scan([canary]).tree(tmp_path)
    found = {path.name for path, _c, _how in scan.hits}
    assert found == {p.name for p in proof.iterdir()}


def entry_text(canary: str) -> str:
    return f"Visited the family today.\nPrivate detail {canary} stays private.\n"


def test_no_plaintext_on_disk(cli_vault: Path, kit_env: Path, tmp_path: Path) -> None:
    since = time.time() - 2
    names = ("argument", "tag", "stdin", "bare", "edited", "editarg", "deleted")
    canary = {name: f"canary{name}{secrets.token_hex(10)}" for name in names}
    kept = {canary["argument"], canary["tag"], canary["edited"], canary["editarg"]}

    # A long-lived reader, as the terminal app would be, keeps vault.sqlite-wal and -shm in
    # place (SQLite removes them when the last connection closes), so they get scanned too.
    # It runs in its own process: the scan opens and closes the database files, and on POSIX
    # that would drop the SQLite locks of any connection in this process.
    held = subprocess.Popen(
        [sys.executable, str(CHILD), "hold-open", str(cli_vault)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, KIT_PASSPHRASE=PASSPHRASE),
    )
    try:
        assert held.stdout is not None
        assert held.stdout.readline() == "open\n"
        first = kit_ok("journal", "add", entry_text(canary["argument"]),
                       "--tag", canary["tag"]).strip()
        second = kit_ok("journal", "add", "-", input=entry_text(canary["stdin"])).strip()
        third = kit_ok("journal", "add", input=entry_text(canary["bare"])).strip()
        kit_ok("journal", "edit", second, input=entry_text(canary["edited"]))
        kit_ok("journal", "edit", third, entry_text(canary["editarg"]))
        doomed = kit_ok("journal", "add", input=entry_text(canary["deleted"])).strip()
        kit_ok("journal", "delete", doomed, "--yes")
        kit_ok("journal", "list")
        kit_ok("journal", "list", "--json")
        kit_ok("journal", "show", first)
        kit_ok("journal", "search", canary["argument"])
        kit_ok("journal", "search", "#" + canary["tag"], "--json")

        scan = scan_everything(canary.values(), kit_env, tmp_path, since)
        assert scan.hits == set()
        for name in ("vault.header", "vault.sqlite", "vault.sqlite-wal", "vault.sqlite-shm"):
            assert cli_vault / name in scan.files, f"{name} was not scanned"
        assert any("backups" in p.parts for p in scan.files)

        # The scan can see plaintext when it is there: a plaintext export holds the entries
        # that still exist (and none of the replaced or deleted text).
        export = tmp_path / "journal-export.md"
        kit_ok("journal", "export", "--format", "md", "--out", str(export))
        scan = scan_everything(canary.values(), kit_env, tmp_path, since)
        assert {(path, c) for path, c, _how in scan.hits} == {(export, c) for c in kept}
        export.unlink()

        kit_ok("passwd", "--rotate", "--yes", env={"KIT_NEW_PASSPHRASE": NEW_PASSPHRASE})
        scan = scan_everything(canary.values(), kit_env, tmp_path, since)
        assert scan.hits == set()
        assert cli_vault / "vault.sqlite-wal" in scan.files

        backup = tmp_path / "vault-backup.age"
        kit_ok("vault", "backup", "--out", str(backup), passphrase=NEW_PASSPHRASE)
        assert backup.read_bytes().startswith(b"age-encryption.org/v1\n")
        scan = scan_everything(canary.values(), kit_env, tmp_path, since)
        assert scan.hits == set()
        assert backup in scan.files
    finally:
        held.communicate(timeout=60)  # closing its stdin lets it close the vault
    assert held.returncode == 0

    scan = scan_everything(canary.values(), kit_env, tmp_path, since)
    assert scan.hits == set()
    # The entries really are in the vault (the clean scans were not of an empty vault).
    listed = kit_ok("journal", "search", canary["edited"], "--json", passphrase=NEW_PASSPHRASE)
    assert second in listed
