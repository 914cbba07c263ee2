"""The one writer of files the person names (kit.chosen_file) and the one rule for copies that
leave the vault (kit.reports.plaintext): never over an existing file unless told, not even one
that appears while writing; 0600 whatever the umask; whole or not at all; and a vault the
keyring opened gives no plaintext copy."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.atomic import create_atomic
from kit.chosen_file import check_chosen_path, write_chosen_file
from kit.errors import BadInput, FileAlreadyExists, PassphraseNeeded, UsageError
from kit.records.incidents import Incidents
from kit.reports.evidence_pack import export_pack
from kit.reports.plaintext import write_plaintext
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE

THEIRS = b"what the person already had here\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def chosen(tmp_path: Path) -> Path:
    """An empty folder to write in (tmp_path also holds the test's KIT_HOME)."""
    folder = tmp_path / "chosen"
    folder.mkdir()
    return folder


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_an_existing_file_is_refused_and_left_as_it_was(chosen: Path) -> None:
    target = chosen / "export.md"
    target.write_bytes(THEIRS)
    with pytest.raises(FileAlreadyExists) as refused:
        write_chosen_file(target, b"new")
    assert refused.value.message == (f"{target} already exists; add --force to overwrite it, "
                                     "or choose another name; nothing was written")
    assert refused.value.exit_code == 1 and refused.value.code == "file_exists"
    assert target.read_bytes() == THEIRS
    assert listing(chosen) == ["export.md"]  # no temp file left behind


def test_a_dangling_link_counts_as_a_file_there(chosen: Path) -> None:
    (chosen / "link").symlink_to(chosen / "nowhere")
    with pytest.raises(FileAlreadyExists):
        write_chosen_file(chosen / "link", b"new")
    assert not (chosen / "nowhere").exists()


def test_overwrite_replaces_it_whole(chosen: Path) -> None:
    target = chosen / "export.md"
    target.write_bytes(THEIRS)
    target.chmod(0o644)
    written = write_chosen_file(target, b"new", overwrite=True)
    assert written == target.resolve() and target.read_bytes() == b"new"
    assert mode(target) == 0o600
    assert listing(chosen) == ["export.md"]


@pytest.mark.parametrize("overwrite", [False, True])
def test_0600_whatever_the_umask(chosen: Path, umask_022: None, overwrite: bool) -> None:
    for umask in (0o022, 0o000, 0o002):
        os.umask(umask)
        target = chosen / f"file-{umask:o}"
        if overwrite:
            target.write_bytes(THEIRS)
        write_chosen_file(target, b"data", overwrite=overwrite)
        assert mode(target) == 0o600, f"umask {umask:o}"


def test_a_file_that_appears_after_the_check_is_not_replaced(chosen: Path) -> None:
    """The check passes; then something else creates the file before the write is put in
    place. create_atomic is the step after the check, so it must refuse on its own."""
    target = chosen / "packet.age"
    check_chosen_path(target)  # nothing there yet
    target.write_bytes(THEIRS)  # ...and now there is
    with pytest.raises(FileExistsError):
        create_atomic(target, b"sealed packet")
    assert target.read_bytes() == THEIRS
    assert listing(chosen) == ["packet.age"]


def test_without_hard_links_the_name_is_claimed_before_the_rename(
        chosen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """FAT and exFAT USB sticks refuse hard links (EPERM); the write still never replaces."""
    def no_links(src: object, dst: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = chosen / "backup.age"
    write_chosen_file(target, b"backup")
    assert target.read_bytes() == b"backup" and mode(target) == 0o600
    with pytest.raises(FileExistsError):  # the step after the check refuses by itself too
        create_atomic(target, b"another")
    assert target.read_bytes() == b"backup"
    assert listing(chosen) == ["backup.age"]


def test_a_folder_or_a_missing_folder_is_refused_plainly(chosen: Path) -> None:
    with pytest.raises(UsageError, match="is a folder; give a file name"):
        write_chosen_file(chosen, b"x")
    with pytest.raises(BadInput, match=r"the folder .*missing does not exist; nothing was "
                                       "written"):
        write_chosen_file(chosen / "missing" / "x.md", b"x")
    assert listing(chosen) == []


# --- plaintext copies need the passphrase ---


@pytest.fixture
def device_vault(vault_path: Path) -> Iterator[Vault]:
    """The vault as keyring unlock opens it: with the device key, not the passphrase."""
    vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
    key = os.urandom(32)
    with vault:
        vault.add_device_slot(key)
    opened = Vault.open(vault_path, Credentials(device_key=key))
    assert opened.unlocked_by == "device"
    try:
        yield opened
    finally:
        opened.close()


def test_a_keyring_opened_vault_gives_no_plaintext_copy(device_vault: Vault,
                                                         chosen: Path) -> None:
    target = chosen / "journal.md"
    with pytest.raises(PassphraseNeeded, match=r"opened with the keyring.*needs your "
                                               "passphrase; nothing was written") as refused:
        write_plaintext(device_vault, target, b"# Journal")
    assert refused.value.exit_code == 2
    assert not target.exists()


def test_nor_an_evidence_pack(device_vault: Vault, chosen: Path) -> None:
    with pytest.raises(PassphraseNeeded):
        export_pack(Incidents(device_vault), device_vault, "0" * 32, chosen / "pack.zip")
    assert listing(chosen) == []


def test_the_passphrase_opened_vault_does(vault: Vault, chosen: Path) -> None:
    assert vault.unlocked_by == "passphrase"
    written = write_plaintext(vault, chosen / "journal.md", b"# Journal")
    assert written.read_bytes() == b"# Journal" and mode(written) == 0o600
