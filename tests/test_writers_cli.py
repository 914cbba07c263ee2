"""Every command that writes a file the person named: it refuses a file already there (exit
1, a message saying to add --force or choose another name, the file and the vault as they
were), replaces it with --force, and writes 0600 whatever the umask. Every command that
takes the vault's content out of it asks for the passphrase even when keyring unlock is on.

The vault is a copy of the demo's, which holds records of every kind. Each command runs
through kit.cli.main in this process (kit_in_process, with a trusted keyring in memory where
one is needed; the umask is this process's, as a child would inherit it): some eighty
commands, each a second of a subprocess's start-up. The folder pack runs as the installed
command. tests/vault/test_keyring.py and test_keys_cli.py run keyring unlock as a subprocess
over a real Secret Service and a keyring chosen as the process starts.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kit.demo import DemoVault, demo_png, prepare_demo
from tests.conftest import KitRun, Ran, run_kit
from tests.demo_copy import DemoIds, copy_vault, demo_ids, files_of
from tests.keyring_backends.memory import Keyring as MemoryKeyring

THEIRS = b"the person's own file, which must survive\n"
PACK_PASSPHRASE = "a long pack passphrase for the test"


@dataclass(frozen=True)
class Writer:
    """A command that writes one file; *args* builds its command line for that file."""

    name: str
    suffix: str
    args: Callable[[DemoIds, Path], list[str]]
    plaintext: bool = False  # takes the vault's content out in a form the vault cannot guard
    env: tuple[tuple[str, str], ...] = ()


def _photo(ids: DemoIds, out: Path) -> list[str]:
    picture = out.parent.parent / out.name
    picture.write_bytes(demo_png())
    return ["check", "photo", str(picture), "--strip", "--out", str(out.parent)]


WRITERS = [
    Writer("share build", ".age",
           lambda i, o: ["share", "build", "--for", i.share_to, "--out", str(o), "--yes"]),
    Writer("supervision send", ".age",
           lambda i, o: ["supervision", "send", i.to_send, "--out", str(o)]),
    Writer("supervision accept", ".age",
           lambda i, o: ["supervision", "accept", i.to_answer, "--out", str(o)]),
    Writer("supervision comment", ".age",
           lambda i, o: ["supervision", "comment", i.to_answer, "Noted, thank you.",
                         "--out", str(o)]),
    Writer("supervision handover", ".age",
           lambda i, o: ["supervision", "handover", i.supervisee, "--to", i.new_supervisor,
                         "--out", str(o), "--yes"]),
    Writer("supervision export md", ".md",
           lambda i, o: ["supervision", "export", i.any_record, "--out", str(o)],
           plaintext=True),
    Writer("supervision export pdf", ".pdf",
           lambda i, o: ["supervision", "export", i.any_record, "--format", "pdf",
                         "--out", str(o)], plaintext=True),
    Writer("journal export", ".md",
           lambda i, o: ["journal", "export", "--format", "md", "--out", str(o)],
           plaintext=True),
    Writer("safety-plan export", ".pdf",
           lambda i, o: ["safety-plan", "export", "--format", "pdf", "--out", str(o)],
           plaintext=True),
    Writer("evidence export zip", ".zip",
           lambda i, o: ["evidence", "export", i.incident, "--out", str(o)], plaintext=True),
    Writer("evidence export age", ".age",
           lambda i, o: ["evidence", "export", i.incident, "--encrypt", "--out", str(o)],
           plaintext=True, env=(("KIT_NEW_PASSPHRASE", PACK_PASSPHRASE),)),
    Writer("id export-age-identity", ".key",
           lambda i, o: ["id", "export-age-identity", "--out", str(o), "--yes"],
           plaintext=True),
    Writer("vault backup", ".age", lambda i, o: ["vault", "backup", "--out", str(o)],
           plaintext=True),
    Writer("letter erasure", ".txt",
           lambda i, o: ["letter", "erasure", "--site", "Example People Search", "--name",
                         "Morgan Example", "--reply-to", "morgan@example.org", "--out",
                         str(o)]),
    Writer("check photo --strip", ".png", _photo),
]
PLAINTEXT = [w for w in WRITERS if w.plaintext]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoVault, DemoIds]]:
    made = prepare_demo(parent=tmp_path_factory.mktemp("demo"))
    try:
        yield made, demo_ids(made)
    finally:
        made.cleanup()


@dataclass
class Setup:
    vault: Path
    out: Path
    args: list[str]
    env: dict[str, str]
    passphrase: str
    kit: KitRun


@pytest.fixture
def setup(request: pytest.FixtureRequest, demo: tuple[DemoVault, DemoIds],
          tmp_path: Path, kit_in_process: KitRun) -> Setup:
    writer: Writer = request.param
    made, ids = demo
    vault = copy_vault(made, tmp_path / "vault")
    out_dir = tmp_path / "chosen"
    out_dir.mkdir()
    out = out_dir / f"out{writer.suffix}"
    return Setup(vault, out, writer.args(ids, out), {"KIT_VAULT": str(vault), **dict(writer.env)},
                 made.passphrase, kit_in_process)


def run(s: Setup, *extra: str, umask: int = 0o022) -> Ran:
    """`kit` with the writer's arguments, in this process, under *umask*."""
    previous = os.umask(umask)
    try:
        return s.kit(*s.args, *extra, env=s.env, passphrase=s.passphrase)
    finally:
        os.umask(previous)




def temp_leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def by_name(writers: list[Writer]) -> list[object]:
    return [pytest.param(w, id=w.name) for w in writers]


@pytest.mark.parametrize("setup", by_name(WRITERS), indirect=True)
def test_an_existing_file_is_refused_and_nothing_changes(setup: Setup) -> None:
    setup.out.write_bytes(THEIRS)
    vault_before = files_of(setup.vault)

    result = run(setup)

    assert result.code == 1, result.err
    assert f"{setup.out} already exists; add --force to overwrite it, or choose another " \
           "name" in result.out + result.err
    assert "Traceback" not in result.err
    assert setup.out.read_bytes() == THEIRS
    assert files_of(setup.vault) == vault_before, "a refused write changed the vault"
    assert temp_leftovers(setup.out.parent) == []


@pytest.mark.parametrize("setup", by_name(WRITERS), indirect=True)
def test_force_replaces_the_file_readable_by_its_owner_only(setup: Setup) -> None:
    setup.out.write_bytes(THEIRS)
    setup.out.chmod(0o644)

    result = run(setup, "--force", umask=0o022)

    assert result.code == 0, result.err
    assert setup.out.read_bytes() != THEIRS
    assert stat.S_IMODE(setup.out.stat().st_mode) == 0o600
    assert temp_leftovers(setup.out.parent) == []


@pytest.mark.parametrize("setup", by_name(WRITERS), indirect=True)
def test_a_new_file_is_0600_under_a_permissive_umask(setup: Setup) -> None:
    result = run(setup, umask=0o022)

    assert result.code == 0, result.err
    assert stat.S_IMODE(setup.out.stat().st_mode) == 0o600
    assert setup.out.stat().st_size > 0


@pytest.mark.parametrize("setup", by_name(WRITERS[:1]), indirect=True)
def test_the_refusal_in_json_names_its_own_code(setup: Setup) -> None:
    setup.out.write_bytes(THEIRS)
    result = run(setup, "--json")
    assert result.code == 1
    error = json.loads(result.out)["error"]
    assert error["code"] == "file_exists" and error["exit"] == 1
    assert setup.out.read_bytes() == THEIRS


# --- keyring unlock is not enough to take the vault's content out ---


@pytest.mark.parametrize("setup", by_name(PLAINTEXT), indirect=True)
def test_a_keyring_unlock_does_not_export_without_the_passphrase(
        setup: Setup, secure_keyring: MemoryKeyring) -> None:
    enabled = setup.kit("keyring", "enable", "--yes", env=setup.env, passphrase=setup.passphrase)
    assert enabled.code == 0, enabled.err
    assert secure_keyring.store
    # The keyring does open the vault for ordinary commands, with no passphrase given...
    listed = setup.kit("journal", "list", "--json", env=setup.env, passphrase=None)
    assert listed.code == 0 and "Opened with this computer's keyring" in listed.err
    vault_before = files_of(setup.vault)

    # ...but not for a copy that leaves the vault: that asks for the passphrase, and with
    # no terminal to ask on and none given, stops.
    refused = setup.kit(*setup.args, env=setup.env, passphrase=None)

    assert refused.code == 2, refused.err
    assert "KIT_PASSPHRASE" in refused.err
    assert "Opened with this computer's keyring" not in refused.err
    assert not setup.out.exists()
    assert files_of(setup.vault) == vault_before


def test_a_folder_pack_is_0600_files_in_0700_folders_under_a_permissive_umask(
        demo: tuple[DemoVault, DemoIds], tmp_path: Path) -> None:
    made, ids = demo
    vault = copy_vault(made, tmp_path / "vault")
    pack = tmp_path / "pack"
    previous = os.umask(0o022)
    try:
        result = run_kit("evidence", "export", ids.incident, "--out", str(pack),
                         env={"KIT_VAULT": str(vault)}, passphrase=made.passphrase)
    finally:
        os.umask(previous)
    assert result.code == 0, result.err
    inside = [pack, *pack.rglob("*")]
    assert any(p.is_file() for p in inside)
    for path in inside:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
