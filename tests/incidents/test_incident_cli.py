"""`kit incident` and `kit evidence` end to end: the round trip, every bad input with its exit
code, evidence packs made and checked, and a canary proving evidence never reaches the disk in
plain form except in an export the user asked for. The commands run through kit.cli.main in
this process (tests/conftest.py's Cli): some ninety of them, each a second of a
subprocess's start-up; the canary's long-lived reader is a process of its own."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kit.records import incidents as inc
from tests.conftest import PASSPHRASE, Cli
from tests.incidents.helpers import run_here
from tests.vault.canary_scan import CHILD, scan_everything

PACK_PASSPHRASE = "the pack's own passphrase"


def test_incident_and_evidence_round_trip(cli: Cli, cli_vault: Path, tmp_path: Path) -> None:
    added = json.loads(cli.ok(
            "incident", "add", "--when", "2026-01-05 10:30", "--category", "doxing",
            "--platform", "X", "--url", "https://x.example/p/1", "--username", "@baddie",
            "--ref", "police:CR/12345/26", "--ref", "platform:R-1", "--description", "-", "--json",
            input="My home address was posted.\n"))
    short = added["id"][:8]
    assert added["description"] == "My home address was posted."
    assert [r["kind"] for r in added["references"]] == ["police", "platform"]
    assert cli.ok("incident", "add", "--category", "swatting", "--platform", "phone").strip()

    originals = tmp_path / "originals"
    originals.mkdir()
    shot, page = originals / "shot 1.png", originals / "page.html"
    shot.write_bytes(os.urandom(100_000))
    page.write_bytes(b"<html>saved</html>")
    os.utime(shot, ns=(1_767_000_000_000_000_000, 1_767_000_000_000_000_000))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (shot, page)}
    result = cli.run("evidence", "add", short, str(shot), str(page), "--url",
                     "https://x.example/p/2", "--captured-by", "Sam", "--method",
                     "screenshot", "--note", "-", input="First post, then the repost.")
    assert result.code == 0, result.err
    for p, (data, mtime) in before.items():  # the originals, untouched
        assert p.read_bytes() == data and p.stat().st_mtime_ns == mtime
        assert hashlib.sha256(data).hexdigest() in result.out  # each file's SHA-256
    assert "were not changed" in result.err and "Keep them" in result.err
    assert "last-modified time" in result.err  # the default capture time is said so
    note = cli.run("evidence", "add", short, "--note", "They rang the office.", "--json")
    assert note.code == 0 and json.loads(note.out)["added"][0]["kind"] == "note"

    listed = json.loads(cli.ok("incident", "list", "--json"))
    assert listed["total"] == 2 and listed["incidents"][1]["evidence"] == 4
    shown = json.loads(cli.ok("incident", "show", short, "--json"))
    items = shown["evidence"]
    assert [i["kind"] for i in items] == ["file", "file", "url", "note"]
    assert items[0]["captured_at_basis"] == "file-modified"
    assert items[0]["note"] == "First post, then the repost."
    assert all(i["handling"][0]["action"] == "added" for i in items)
    human = cli.ok("incident", "show", short)
    for text in ("Police reference: CR/12345/26", "shot 1.png", "Custody log", "@baddie"):
        assert text in human

    updated = json.loads(cli.ok("incident", "update", short, "--status", "reported", "--ref",
                                "helpline:POSH-1", "--json"))
    assert updated["status"] == "reported" and len(updated["references"]) == 3
    assert "Nothing changed" in cli.run("incident", "update", short, "--status",
                                        "reported").err


def test_bad_input_exits_with_the_right_code_and_saves_nothing(
        cli: Cli, cli_vault: Path, tmp_path: Path) -> None:
    short = cli.ok("incident", "add", "--category", "threat", "--platform", "X").strip()
    (tmp_path / "real.png").write_bytes(b"x")
    before = cli.state()
    cases: list[tuple[list[str], int, str]] = [
        (["incident", "add", "--category", "stalking", "--platform", "X"], 2, "--category"),
        (["incident", "add", "--platform", "X"], 2, "--category"),
        (["incident", "add", "--category", "threat"], 2, "--platform"),
        (["incident", "add", "--category", "threat", "--platform", "X", "--when",
          "last tuesday"], 2, "--when"),
        (["incident", "add", "--category", "threat", "--platform", "X", "--when",
          "2999-01-01"], 2, "future"),
        (["incident", "add", "--category", "threat", "--platform", "X", "--ref", "court:1"],
         2, "reference"),
        (["incident", "add", "--category", "threat", "--platform", "X", "--ref", "CR1"],
         2, "KIND:VALUE"),
        (["incident", "add", "--category", "threat", "--platform", "X", "--url",
          "ftp://x.example"], 2, "url"),
        (["incident", "add", "--category", "threat", "--platform", "X", "--status", "new"],
         2, "--status"),
        (["incident", "show", "ffffffff"], 1, "no incident"),
        (["incident", "show", "ab"], 2, "at least"),
        (["incident", "update", short], 2, "say what to change"),
        (["evidence", "add", short], 2, "at least one FILE"),
        (["evidence", "add", short, str(tmp_path / "missing.png")], 2, "no such file"),
        (["evidence", "add", short, str(tmp_path)], 2, "is a folder"),
        (["evidence", "add", short, str(tmp_path / "real.png"), str(tmp_path / "gone.png")],
         2, "gone.png: no such file"),  # checked before the first is saved
        (["evidence", "add", short, "--url", "javascript:alert(1)"], 2, "--url"),
        (["evidence", "add", short, str(tmp_path / "real.png"), "--captured-at", "soon"], 2,
         "--captured-at"),
        (["evidence", "add", "ffffffff", str(tmp_path / "real.png")], 1, "no incident"),
        (["evidence", "export", short, "--out", str(tmp_path / "p.age")], 2, "--encrypt"),
        (["evidence", "export", short, "--out", str(tmp_path / "p.zip"), "--encrypt"], 2,
         ".age"),
        (["evidence", "export", short, "--out", str(tmp_path)], 1, "already exists"),
        (["evidence", "export", short, "--out", str(tmp_path / "no" / "p.zip")], 1,
         "does not exist"),
    ]
    for args, code, named in cases:
        result = cli.run(*args)
        assert result.code == code, (args, result.code, result.err)
        assert named in result.err, (args, result.err)
        assert "Traceback" not in result.err
    as_json = cli.run("incident", "add", "--category", "x", "--platform", "X", "--json")
    doc = json.loads(as_json.out)
    assert as_json.code == 2 and set(doc) == {"error"} and doc["error"]["exit"] == 2
    assert cli.state() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "real.png"]


def test_an_over_size_file_is_refused(cli: Cli, cli_vault: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    short = cli.ok("incident", "add", "--category", "threat", "--platform", "X").strip()
    big = tmp_path / "video.mp4"
    big.write_bytes(b"v" * 2048)
    monkeypatch.setattr(inc, "MAX_FILE_BYTES", 2047)
    result = run_here(monkeypatch, capsys, "evidence", "add", short, str(big))
    assert result.code == 2, result.err
    assert f"{big} is too large" in result.err and "2,047" in result.err
    monkeypatch.setattr(inc, "MAX_FILE_BYTES", 2048)
    result = run_here(monkeypatch, capsys, "evidence", "add", short, str(big), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["added"][0]["size"] == 2048


def test_packs_exported_and_verified(cli: Cli, cli_vault: Path, tmp_path: Path) -> None:
    short = cli.ok("incident", "add", "--category", "doxing", "--platform", "X").strip()
    (tmp_path / "a.png").write_bytes(b"evidence a")
    cli.ok("evidence", "add", short, str(tmp_path / "a.png"))
    fingerprint = json.loads(cli.ok("vault", "info", "--json"))["identity"]["fingerprint"]

    folder = cli.run("evidence", "export", short, "--out", str(tmp_path / "pack"), "--json")
    assert folder.code == 0, folder.err
    assert json.loads(folder.out)["fingerprint"] == fingerprint
    assert "is NOT encrypted" in folder.err and fingerprint in folder.err
    zipped = cli.run("evidence", "export", short, "--out", str(tmp_path / "pack.zip"))
    assert zipped.code == 0 and "is NOT encrypted" in zipped.err
    sealed = cli.run("evidence", "export", short, "--out", str(tmp_path / "pack.age"),
                     "--encrypt", env={"KIT_NEW_PASSPHRASE": PACK_PASSPHRASE})
    assert sealed.code == 0, sealed.err
    assert "NOT encrypted" not in sealed.err and "separately" in sealed.err
    no_secret = cli.run("evidence", "export", short, "--out", str(tmp_path / "x.zip"),
                        passphrase=None)
    assert no_secret.code == 2 and "KIT_PASSPHRASE" in no_secret.err
    assert not (tmp_path / "x.zip").exists()

    # verifying needs no vault at all
    elsewhere = {"KIT_HOME": str(tmp_path / "empty-home")}
    for pack in ("pack", "pack.zip"):
        checked = cli.run("evidence", "verify", str(tmp_path / pack), "--fingerprint",
                          fingerprint, "--json", passphrase=None, env=elsewhere)
        assert checked.code == 0, checked.err
        assert json.loads(checked.out)["intact"] is True
    aged = cli.run("evidence", "verify", str(tmp_path / "pack.age"),
                   passphrase=PACK_PASSPHRASE, env=elsewhere)
    assert aged.code == 0 and "INTACT" in aged.out
    wrong = cli.run("evidence", "verify", str(tmp_path / "pack.age"), passphrase="nope nope",
                    env=elsewhere)
    assert wrong.code == 3 and "wrong passphrase" in wrong.err
    unasked = cli.run("evidence", "verify", str(tmp_path / "pack.age"), passphrase=None,
                      env=elsewhere)
    assert unasked.code == 2 and "KIT_PASSPHRASE" in unasked.err

    victim = next((tmp_path / "pack" / "files").iterdir())
    victim.write_bytes(b"evidence b")
    (tmp_path / "pack" / "planted.txt").write_text("x")
    damaged = cli.run("evidence", "verify", str(tmp_path / "pack"), "--json", env=elsewhere)
    assert damaged.code == 4
    report = json.loads(damaged.out)
    assert report["intact"] is False
    assert {(f["code"], f["path"]) for f in report["findings"]} == {
        ("changed", f"files/{victim.name}"), ("added", "planted.txt")}
    human = cli.run("evidence", "verify", str(tmp_path / "pack"), env=elsewhere)
    assert human.code == 4 and "NOT INTACT" in human.out and "[changed]" in human.out
    mismatch = cli.run("evidence", "verify", str(tmp_path / "pack.zip"), "--fingerprint",
                       " ".join(["0000"] * 8), env=elsewhere)
    assert mismatch.code == 4 and "signer_mismatch" in mismatch.out
    # A fingerprint typed wrongly is a usage slip (exit 2), not a pack signed by someone else.
    for typo in ("x", "0000 0000"):
        mistyped = cli.run("evidence", "verify", str(tmp_path / "pack.zip"), "--fingerprint",
                           typo, env=elsewhere)
        assert mistyped.code == 2 and "32 hexadecimal characters" in mistyped.err
        assert "signer_mismatch" not in mistyped.out + mistyped.err
    (tmp_path / "notes.txt").write_text("hello")
    for target, code in (("notes.txt", 1), ("nowhere", 1)):
        result = cli.run("evidence", "verify", str(tmp_path / target), "--json", env=elsewhere)
        assert result.code == code and json.loads(result.out)["error"]["exit"] == code

    shown = json.loads(cli.ok("incident", "show", short, "--json"))
    assert [h["action"] for h in shown["evidence"][0]["handling"]] == [
        "added", "exported", "exported", "exported"]


def test_evidence_never_reaches_the_disk_in_plain_form(cli: Cli, cli_vault: Path,
                                                       kit_env: Path, tmp_path: Path) -> None:
    canary = "canaryevidence" + secrets.token_hex(12)
    originals = tmp_path / "originals"
    originals.mkdir()
    evidence = originals / "screenshot.png"
    evidence.write_bytes(os.urandom(70_000) + f"the doxer wrote {canary} here".encode()
                         + os.urandom(1000))
    time.sleep(0.05)
    since = time.time()  # the original predates this: the temp-directory scan passes it by
    # A long-lived reader keeps vault.sqlite-wal and -shm on disk, so they are scanned too.
    held = subprocess.Popen(
        [sys.executable, str(CHILD), "hold-open", str(cli_vault)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True, start_new_session=True,
        env=dict(os.environ, KIT_PASSPHRASE=PASSPHRASE))
    try:
        assert held.stdout is not None and held.stdout.readline() == "open\n"
        short = cli.ok("incident", "add", "--category", "doxing", "--platform", "X").strip()
        cli.ok("evidence", "add", short, str(evidence), "--note", "-",
               input=f"a note naming {canary}")
        cli.ok("incident", "show", short)
        cli.ok("incident", "show", short, "--json")
        exports = tmp_path / "exports"
        exports.mkdir()
        cli.ok("evidence", "export", short, "--out", str(exports / "sealed.age"), "--encrypt",
               env={"KIT_NEW_PASSPHRASE": PACK_PASSPHRASE})

        scan = scan_everything([canary], kit_env, exports, since)
        assert scan.hits == set()
        for name in ("vault.header", "vault.sqlite", "vault.sqlite-wal"):
            assert cli_vault / name in scan.files, f"{name} was not scanned"
        assert exports / "sealed.age" in scan.files

        # positive control: the scan finds the canary in a plain export the user asked for
        cli.ok("evidence", "export", short, "--out", str(exports / "plain"))
        scan = scan_everything([canary], kit_env, exports, since)
        found = {path.relative_to(exports).parts[0] for path, _c, _how in scan.hits}
        assert found == {"plain"}
        assert any(path.parent.name == "files" for path, _c, _how in scan.hits)
    finally:
        held.communicate(timeout=60)
    assert held.returncode == 0
    assert canary.encode() in evidence.read_bytes()  # the original is still there
