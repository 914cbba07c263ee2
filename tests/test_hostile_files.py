"""A hostile file costs bounded memory and time (issue 13, item 3), through the installed CLI.

Each case runs the real `kit` in a subprocess with a timeout (a pipe that blocked, or a read of
/dev/zero, would hit it) and, where memory is the point, under an address-space cap that a
whole-file read or a 4 GiB scrypt would break. Each asserts the exit code, the message, and
that nothing on disk changed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kit.vault import header as hdr
from kit.vault.files import HEADER_FILE
from kit.vault.kdf import KdfParams
from tests.conftest import PASSPHRASE, run_kit
from tests.hostile_files import (
    age_passphrase_file,
    age_with_scrypt,
    fifo,
    run_kit_capped,
    sparse,
    tree_state,
)

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


# --- the vault header ---


@needs_fifo
def test_a_pipe_in_place_of_the_header_is_damage_not_a_hang(cli_vault: Path) -> None:
    (cli_vault / HEADER_FILE).unlink()
    fifo(cli_vault / HEADER_FILE)
    before = tree_state(cli_vault)
    result = run_kit("journal", "list", timeout=60)
    assert result.code == 4, result.err
    assert "vault header is damaged" in result.err and "named pipe" in result.err
    assert "restore the header from a backup" in result.err
    assert tree_state(cli_vault) == before


def test_a_3_gb_sparse_header_is_refused_before_it_is_read(cli_vault: Path) -> None:
    sparse(cli_vault / HEADER_FILE)
    before = tree_state(cli_vault)
    result = run_kit_capped("journal", "list")
    assert result.code == 4, result.err
    assert "vault header is damaged" in result.err and "3,072 MiB" in result.err
    assert tree_state(cli_vault) == before


@pytest.mark.parametrize(("memory", "iterations", "lanes", "words"), [
    (1024 * 1024, 8, 16, "KDF memory"),   # the old documented cap: 11 s and 1 GB, then "wrong"
    (256 * 1024, 4, 4, "KDF passes"),     # one pass more than `strong`
    (64 * 1024, 3, 8, "KDF lanes"),
])
def test_kdf_work_above_the_strong_profile_is_refused_at_once(
        cli_vault: Path, memory: int, iterations: int, lanes: int, words: str) -> None:
    path = cli_vault / HEADER_FILE
    header, _signed, _tag = hdr.decode(path.read_bytes())
    slots = tuple(
        hdr.Slot(s.type, s.id, s.wrapped, kdf=KdfParams(memory, iterations, lanes, s.kdf.salt))
        if s.kdf else s for s in header.slots)
    path.write_bytes(hdr.encode(hdr.Header(header.vault_id, header.key_id, slots, header.state,
                                           header.pending, header.minor), bytes(32)))
    before = tree_state(cli_vault)
    result = run_kit_capped("journal", "list", headroom=256 * 1024 * 1024)
    assert result.code == 4, result.err
    assert words in result.err and "damaged or forged" in result.err
    assert "unexpected error" not in result.err
    assert tree_state(cli_vault) == before


def test_too_little_memory_for_the_kdf_is_a_clear_error(vault_path: Path) -> None:
    assert run_kit("init", env={"KIT_KDF_PROFILE": "strong"}).code == 0
    before = tree_state(vault_path)
    # 256 MiB of Argon2 memory cannot fit in 64 MiB of headroom.
    result = run_kit_capped("journal", "list", headroom=64 * 1024 * 1024)
    assert result.code == 1, result.err
    assert "not enough free memory for the passphrase protection" in result.err
    assert "it needs 256 MiB" in result.err
    assert "unexpected error" not in result.err and "MemoryError" not in result.err
    assert tree_state(vault_path) == before


# --- secrets from a file ---


@needs_fifo
@pytest.mark.parametrize("kind", ["pipe", "device", "sparse"])
def test_a_passphrase_file_that_is_not_a_small_file_exits_2(cli_vault: Path, tmp_path: Path,
                                                            kind: str) -> None:
    path = {"pipe": lambda: fifo(tmp_path / "pw"), "device": lambda: Path("/dev/zero"),
            "sparse": lambda: sparse(tmp_path / "pw")}[kind]()
    before = tree_state(cli_vault)
    result = run_kit_capped("--passphrase-file", str(path), "journal", "list", passphrase=None)
    assert result.code == 2, result.err
    assert f"could not read the passphrase file {path}: it is" in result.err
    assert {"pipe": "a named pipe", "device": "a device",
            "sparse": "larger than any passphrase file"}[kind] in result.err
    assert tree_state(cli_vault) == before


def test_a_passphrase_file_that_is_not_utf8_exits_2(cli_vault: Path, tmp_path: Path) -> None:
    path = tmp_path / "pw"
    path.write_bytes(PASSPHRASE.encode("utf-16"))
    before = tree_state(cli_vault)
    result = run_kit("--passphrase-file", str(path), "journal", "list", passphrase=None)
    assert result.code == 2, result.err
    assert "is not UTF-8 text" in result.err and "unexpected error" not in result.err
    assert tree_state(cli_vault) == before


# --- share packets ---


@needs_fifo
def test_share_open_refuses_a_pipe_and_a_device_at_once(cli_vault: Path, tmp_path: Path) -> None:
    before = tree_state(cli_vault)
    for path, words in ((fifo(tmp_path / "p.age"), "named pipe"),
                        (Path("/dev/zero"), "is a device")):
        result = run_kit("share", "open", str(path), timeout=60)
        assert result.code == 1, result.err
        assert words in result.err and "not an ordinary file" in result.err
    assert tree_state(cli_vault) == before


def test_share_open_refuses_a_3_gb_file_before_reading_it(cli_vault: Path,
                                                          tmp_path: Path) -> None:
    big = sparse(tmp_path / "big.age")
    before = tree_state(cli_vault)
    result = run_kit_capped("share", "open", str(big), "--json")
    assert result.code == 4, result.err
    assert '"code": "packet_damaged"' in result.out
    assert "larger than any packet can be (at most 64 MiB)" in result.out
    assert tree_state(cli_vault) == before


def test_share_open_refuses_a_passphrase_sealed_file_without_running_scrypt(
        cli_vault: Path, tmp_path: Path) -> None:
    costly = tmp_path / "costly.age"
    costly.write_bytes(age_with_scrypt(22))
    before = tree_state(cli_vault)
    result = run_kit_capped("share", "open", str(costly))
    assert result.code == 4, result.err
    assert "sealed with a passphrase, not to your identity" in result.err
    assert tree_state(cli_vault) == before


# --- backups and evidence packs (age, passphrase) ---


@pytest.mark.parametrize("log_n", [21, 22, 40])
def test_restore_refuses_a_backup_asking_more_scrypt_work_than_the_kit_writes(
        kit_env: Path, tmp_path: Path, log_n: int) -> None:
    backup = tmp_path / "backup.age"
    backup.write_bytes(age_with_scrypt(log_n))
    target = kit_env / "restored"
    before = tree_state(kit_env)
    result = run_kit_capped("--vault", str(target), "vault", "restore", str(backup), "--json")
    assert result.code == 1, result.err
    assert '"code": "too_costly"' in result.out
    assert f"scrypt work factor {log_n}" in result.out and "far more work" in result.out
    assert "work factor 20 at most" in result.out
    assert not target.exists() and tree_state(kit_env) == before


@needs_fifo
def test_restore_refuses_a_pipe(kit_env: Path, tmp_path: Path) -> None:
    target = kit_env / "restored"
    result = run_kit("--vault", str(target), "vault", "restore", str(fifo(tmp_path / "b.age")),
                     timeout=60)
    assert result.code == 1, result.err
    assert "named pipe, not an ordinary file" in result.err
    assert not target.exists()


def test_evidence_verify_refuses_a_costly_age_pack(cli_vault: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack.age"
    pack.write_bytes(age_with_scrypt(22))
    before = tree_state(cli_vault)
    result = run_kit_capped("evidence", "verify", str(pack))
    assert result.code == 1, result.err
    assert "evidence pack" in result.err and "scrypt work factor 22" in result.err
    assert tree_state(cli_vault) == before


@needs_fifo
def test_evidence_verify_refuses_a_pipe_at_once(cli_vault: Path, tmp_path: Path) -> None:
    result = run_kit("evidence", "verify", str(fifo(tmp_path / "pack.zip")), timeout=60)
    assert result.code == 1, result.err
    assert "named pipe, not an ordinary file" in result.err


# --- imports: instruments, site lists ---


@needs_fifo
@pytest.mark.parametrize("command", [["instrument", "add"], ["sites", "update"]])
def test_imports_refuse_a_pipe_and_a_device_at_once(cli_vault: Path, tmp_path: Path,
                                                     command: list[str]) -> None:
    before = tree_state(cli_vault)
    for path, words in ((fifo(tmp_path / "in.toml"), "named pipe"),
                        (Path("/dev/zero"), "a device")):
        result = run_kit(*command, str(path), "--yes" if "sites" in command else "--json",
                         timeout=60)
        assert result.code == 1, result.err
        assert words in result.err + result.out
        path.unlink() if path.parent == tmp_path else None
    assert tree_state(cli_vault) == before


@pytest.mark.parametrize(("payload", "words"), [
    (b'{"format": "frontline-kit-export", "n": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
     "is nested too deeply"),
    (b'{"format": "frontline-kit-export", "n": ' + b"9" * 5000 + b"}",
     "holds a number too large"),
], ids=["deep-nesting", "long-number"])
def test_restore_names_hostile_json_inside_a_backup(kit_env: Path, tmp_path: Path,
                                                    payload: bytes, words: str) -> None:
    backup = tmp_path / "backup.age"
    backup.write_bytes(age_passphrase_file(payload, PASSPHRASE))
    target = kit_env / "restored"
    result = run_kit("--vault", str(target), "vault", "restore", str(backup))
    assert result.code == 1, result.err
    assert "decrypted, but it does not hold a kit export" in result.err and words in result.err
    assert "unexpected error" not in result.err
    assert not target.exists()


@pytest.mark.parametrize("version", [1.0, True, "1"])
def test_an_export_version_must_be_the_integer_1(version: object) -> None:
    from kit.errors import BadInput
    from kit.vault.export import EXPORT_FORMAT, validate

    doc = {"format": EXPORT_FORMAT, "version": version, "records": [], "blobs": {}}
    with pytest.raises(BadInput, match="is not one this kit reads"):
        validate(doc, "backup.age")
    assert validate({**doc, "version": 1}, "backup.age")["version"] == 1


def test_running_out_of_memory_anywhere_is_a_calm_message(kit_env: Path, tmp_path: Path) -> None:
    # A backup within the size the kit reads, but larger than this process may hold.
    backup = sparse(tmp_path / "big-backup.age", 600 * 1024 * 1024)
    with open(backup, "r+b") as fh:
        fh.write(b"age-encryption.org/v1\n")
    target = kit_env / "restored"
    result = run_kit_capped("--vault", str(target), "vault", "restore", str(backup), "--json",
                            headroom=128 * 1024 * 1024)
    assert result.code == 1, result.err
    assert '"code": "out_of_memory"' in result.out and "not enough free memory" in result.out
    assert "unexpected error" not in result.out + result.err
    assert not target.exists()


# --- the kit's own files from a faster computer ---


def test_a_backup_from_a_faster_computer_opens_when_asked(kit_env: Path, tmp_path: Path) -> None:
    """pyrage sets the work factor by the writing computer's speed, so the kit's own backup
    may ask for 21 or 22: refused by default with the way to open it, accepted (up to age's
    own ceiling, never beyond) with --allow-costly."""
    from kit.age_header import refuse_costly

    backup = tmp_path / "backup.age"
    backup.write_bytes(age_with_scrypt(21))
    target = kit_env / "restored"
    refused = run_kit_capped("--vault", str(target), "vault", "restore", str(backup))
    assert refused.code == 1, refused.err
    assert "add --allow-costly" in refused.err and "2 GiB of memory" in refused.err
    assert not target.exists()

    refuse_costly(age_with_scrypt(21), "backup", allow_costly=True)  # no scrypt runs here
    refuse_costly(age_with_scrypt(22), "backup", allow_costly=True)
    backup.write_bytes(age_with_scrypt(23))
    beyond = run_kit_capped("--vault", str(target), "vault", "restore", str(backup),
                            "--allow-costly")
    assert beyond.code == 1, beyond.err
    assert "work factor 22 at most" in beyond.err and "--allow-costly" not in beyond.err
    assert not target.exists()


def test_writing_a_file_the_kit_would_not_open_by_default_says_how_to_open_it(
        tmp_path: Path) -> None:
    from kit.age_header import costly_note

    fast = tmp_path / "fast.age"
    fast.write_bytes(age_with_scrypt(21))
    note = costly_note(fast, "kit vault restore")
    assert note is not None and "--allow-costly" in note and "`kit vault restore`" in note
    usual = tmp_path / "usual.age"
    usual.write_bytes(age_with_scrypt(19))
    assert costly_note(usual, "kit vault restore") is None
