"""A key change never leaves the user without a recovery key that works.

`kit passwd --rotate` and `kit recover` are killed (SIGKILL) or interrupted (SIGINT) at chosen
system calls, through strace's fault injection, as the adversarial sweep that found the defect
did. After every stop, the last recovery key the user was shown opens the vault, the passphrase
they chose does too once that key was shown, every record is intact, and whatever the command
said about the stop is true. A seeded sample of stops by default; every rename, fsync and
fdatasync of both commands with `pytest --slow`.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from kit.errors import KeyChanged, KeyChangeStopped, WrongSecret
from kit.records.journal import Journal
from kit.vault import Credentials, Vault, recovery
from kit.vault.files import HEADER_FILE, NEXT_HEADER_FILE
from tests.conftest import PASSPHRASE, run_kit
from tests.hostile_files import age_passphrase_file

PASSPHRASES = ("correct horse battery staple", "a quite different passphrase for rotation",
               "the third passphrase of the sweep")
SEED = 20_261_207
STRACE = shutil.which("strace")


def opens_with_key(vault_dir: Path, key_text: str) -> bool:
    try:
        Vault.open(vault_dir, Credentials(recovery_key=recovery.parse(key_text))).close()
    except WrongSecret:
        return False
    return True


def opens_with(vault_dir: Path, passphrase: str) -> bool:
    try:
        Vault.open(vault_dir, Credentials(passphrase=passphrase)).close()
    except WrongSecret:
        return False
    return True


def journal_texts(vault_dir: Path, passphrase: str) -> list[str]:
    with Vault.open(vault_dir, Credentials(passphrase=passphrase)) as vault:
        journal = Journal(vault)
        texts = sorted(entry.text for entry in journal.entries())
        assert journal.problems == []
        assert vault.verify() == []
    return texts


def init_with_entries(count: int) -> str:
    result = run_kit("init", "--json")
    assert result.code == 0, result.err
    for i in range(count):
        added = run_kit("journal", "add", f"entry {i} " + "z" * (i * 300))
        assert added.code == 0, added.err
    key: str = json.loads(result.out)["recovery_key"]
    return key


def stopped_run(command: str, current: str, new: str, key: str, syscall: str, when: int,
                sig: str) -> subprocess.CompletedProcess[str]:
    """Run a key change under strace, which sends *sig* at the *when*-th *syscall*."""
    assert STRACE is not None
    env = dict(os.environ, KIT_NEW_PASSPHRASE=new)
    if command == "passwd":
        env["KIT_PASSPHRASE"] = current
        args = ["passwd", "--rotate", "--yes", "--json"]
    else:
        env["KIT_RECOVERY_KEY"] = key
        args = ["recover", "--yes", "--json"]
    return subprocess.run(
        [STRACE, "-f", "-qq", "-o", "/dev/null", "-e", f"trace={syscall}",
         "-e", f"inject={syscall}:signal={sig}:when={when}",
         sys.executable, "-m", "kit", *args],
        capture_output=True, text=True, env=env, timeout=120, start_new_session=True,
        stdin=subprocess.DEVNULL)


def shown_key(stdout: str) -> str | None:
    """The recovery key the command printed, if it printed one whole."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        return None
    key = doc.get("recovery_key") if isinstance(doc, dict) else None
    return key if isinstance(key, str) else None


def stops(slow: bool) -> list[tuple[str, str, int, str]]:
    """(command, syscall, n, signal) for each run of the sweep."""
    every = [(command, syscall, n, "KILL")
             for command in ("passwd", "recover")
             for syscall in ("rename", "fsync", "fdatasync")
             for n in range(1, 26)]
    every += [(command, "rename", n, "INT") for command in ("passwd", "recover")
              for n in range(1, 18)]
    if slow:
        return every
    rng = random.Random(SEED)
    return rng.sample(every, 10)


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (.ci/run installs it)")
@pytest.mark.timeout(3600)
def test_the_last_shown_recovery_key_opens_the_vault_after_every_stop(
        vault_path: Path, slow: bool) -> None:
    cli_vault = vault_path
    key = init_with_entries(4)
    expected = journal_texts(cli_vault, PASSPHRASE)
    current = PASSPHRASE
    stopped = finished = 0
    for n, (command, syscall, when, sig) in enumerate(stops(slow), 1):
        where = f"run {n}: {command} stopped by SIG{sig} at {syscall} #{when}"
        new = next(p for p in PASSPHRASES if p != current)
        result = stopped_run(command, current, new, key, syscall, when, sig)
        assert "Traceback" not in result.stderr, f"{where}:\n{result.stderr}"
        new_key = shown_key(result.stdout)
        last_shown = new_key or key

        assert opens_with_key(cli_vault, last_shown), f"{where}: the last key shown is dead"
        assert not (cli_vault / NEXT_HEADER_FILE).exists()
        assert not list(cli_vault.glob(".*.flk-tmp")), f"{where}: temp files left behind"
        if new_key is not None:
            assert opens_with(cli_vault, new), f"{where}: the new passphrase does not open"
        if result.returncode == 0:
            finished += 1
            assert new_key is not None, where
            assert not opens_with_key(cli_vault, key), f"{where}: the old key still works"
        else:
            stopped += 1
            assert result.returncode in (1, -signal.SIGKILL), f"{where}:\n{result.stderr}"
        if "cancelled; nothing more was saved" in result.stderr:
            assert new_key is None and opens_with(cli_vault, current), where
            assert opens_with_key(cli_vault, key), where
        if "stopped before the old recovery key was retired" in result.stderr:
            assert opens_with_key(cli_vault, key), f"{where}: the message says the old key works"
            assert opens_with(cli_vault, new), f"{where}: the message says the passphrase is set"

        current = new if opens_with(cli_vault, new) else current
        assert opens_with(cli_vault, current), f"{where}: neither passphrase opens the vault"
        assert journal_texts(cli_vault, current) == expected, f"{where}: records changed"
        key = last_shown
    print(f"key-change sweep: {stopped} stopped part-way, {finished} finished")


def test_an_unfinished_change_keeps_both_keys_and_says_so_on_every_unlock(
        vault_path: Path) -> None:
    first_key = init_with_entries(1)
    shown: list[str] = []

    def show_then_stop(text: str) -> None:
        shown.append(text)
        raise KeyboardInterrupt  # ctrl+c while the new key is on the screen

    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault, \
            pytest.raises(KeyChangeStopped) as stopped:
        vault.rotate(PASSPHRASES[1], show=show_then_stop)
    assert "your old recovery key still works" in stopped.value.message
    assert opens_with_key(vault_path, first_key) and opens_with_key(vault_path, shown[0])
    assert opens_with(vault_path, PASSPHRASES[1]) and not opens_with(vault_path, PASSPHRASE)

    for _ in range(2):  # every unlock, not only the first
        listed = run_kit("journal", "list", passphrase=PASSPHRASES[1])
        assert listed.code == 0, listed.err
        assert "a change of this vault's keys was stopped before it finished" in listed.err

    done = run_kit("passwd", "--rotate", "--yes", "--json", passphrase=PASSPHRASES[1])
    assert done.code == 0, done.err
    final_key = json.loads(done.out)["recovery_key"]
    assert opens_with_key(vault_path, final_key)
    assert not opens_with_key(vault_path, first_key)
    assert not opens_with_key(vault_path, shown[0])
    quiet = run_kit("journal", "list", passphrase=PASSPHRASES[1])
    assert quiet.code == 0 and "stopped before it finished" not in quiet.err


def test_the_app_home_names_an_unfinished_change(vault_path: Path) -> None:
    from datetime import date

    from kit.attention import needs_attention
    from kit.workspace import Workspace

    init_with_entries(0)

    def stop(_text: str) -> None:
        raise KeyboardInterrupt

    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault, \
            pytest.raises(KeyChangeStopped):
        vault.rotate(PASSPHRASE, show=stop)
    ws = Workspace(Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)))
    with ws.vault:
        titles = [item.title for item in needs_attention(ws, date(2026, 12, 7))]
    assert titles[0] == "A change of your vault's keys did not finish"


@pytest.mark.parametrize("args", [
    ("passwd", "--rotate"), ("recover",), ("keyring", "disable")])
def test_a_change_that_retires_the_recovery_key_asks_first(vault_path: Path,
                                                             args: tuple[str, ...]) -> None:
    key = init_with_entries(1)
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault:
        vault.add_device_slot(os.urandom(32))  # keyring unlock on, without a keyring
    before = {p.name: p.read_bytes() for p in vault_path.iterdir() if p.is_file()}
    env = {"KIT_NEW_PASSPHRASE": PASSPHRASES[1]}
    if args[0] == "recover":
        env["KIT_RECOVERY_KEY"] = key
    result = run_kit(*args, env=env, passphrase=None if args[0] == "recover" else PASSPHRASE)
    assert result.code == 2, result.err
    assert "add --yes" in result.err and "nothing was changed" in result.err
    assert "Your current recovery key keeps" in result.err  # said before asking
    after = {p.name: p.read_bytes() for p in vault_path.iterdir() if p.is_file()}
    assert after[HEADER_FILE] == before[HEADER_FILE]
    assert opens_with_key(vault_path, key)


def test_at_a_terminal_the_new_key_must_be_confirmed_before_the_old_one_retires(
        vault_path: Path) -> None:
    from tests.pty_session import PtySession

    key = init_with_entries(1)
    env = dict(os.environ, KIT_PASSPHRASE=PASSPHRASE, KIT_NEW_PASSPHRASE=PASSPHRASES[1])

    def run(answers: list[str]) -> tuple[int, str]:
        session = PtySession([sys.executable, "-m", "kit", "passwd", "--rotate"], env=env)
        session.expect("Go ahead? [y/N]")
        session.send("y")
        for answer in answers:
            session.expect("type its last four characters")
            session.send(answer)
        code = session.wait()
        return code, session.text

    code, text = run(["NOPE", "ZZZZ", "QQQQ"])
    assert code == 1, text
    assert "the new recovery key was not confirmed" in text
    assert opens_with_key(vault_path, key)

    first = run_kit("journal", "list", passphrase=PASSPHRASES[1])
    assert "stopped before it finished" in first.err
    env["KIT_PASSPHRASE"] = PASSPHRASES[1]
    session = PtySession([sys.executable, "-m", "kit", "passwd", "--rotate"], env=env)
    session.expect("Go ahead? [y/N]")
    session.send("y")
    session.expect("type its last four characters")
    new_key = next(line.strip() for line in session.text.splitlines()
                   if line.strip().count("-") == 12 and line.strip() != key)
    session.send(new_key.rsplit("-", 1)[-1].lower())
    assert session.wait() == 0, session.text
    assert "Your old recovery key no longer works" in session.text
    assert opens_with_key(vault_path, new_key) and not opens_with_key(vault_path, key)


def test_a_write_racing_a_key_change_is_busy_not_a_failure(vault_path: Path) -> None:
    init_with_entries(1)
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as stale:
        stale.snapshot()
        rotated = run_kit("passwd", "--rotate", "--yes", "--json")
        assert rotated.code == 0, rotated.err
        with pytest.raises(KeyChanged) as busy:
            Journal(stale).add("written with the old key")
    assert busy.value.exit_code == 5
    assert "changed in another window" in busy.value.message
    assert journal_texts(vault_path, PASSPHRASE) == ["entry 0 "]


def syscall_counts(args: list[str], names: tuple[str, ...]) -> dict[str, int]:
    """How many of each system call one whole run of `kit ARGS` makes (strace -c)."""
    assert STRACE is not None
    result = subprocess.run(
        [STRACE, "-f", "-qq", "-c", "-o", "/dev/stdout", "-e", f"trace={','.join(names)}",
         sys.executable, "-m", "kit", *args],
        capture_output=True, text=True, env=dict(os.environ, KIT_PASSPHRASE=PASSPHRASE),
        timeout=120, start_new_session=True, stdin=subprocess.DEVNULL)
    counts = {row.split()[-1]: int(row.split()[3]) for row in result.stdout.splitlines()
              if row.split() and row.split()[-1] in names}
    assert set(counts) == set(names), result.stdout
    return counts


def killed_while_creating(args: list[str], target: Path, points: list[tuple[str, int]],
                         check: Callable[[str], None]) -> int:
    """Kill `kit ARGS` (which makes a vault at *target*) at each (syscall, n) in *points*.
    Each time, either there is no vault and the command runs again, or there is one whose
    key the command printed, and *check* passes on it. Returns how many runs made a vault."""
    assert STRACE is not None
    made = 0
    for syscall, when in points:
        where = f"{args[-2:]} killed at {syscall} #{when}"
        result = subprocess.run(
            [STRACE, "-f", "-qq", "-o", "/dev/null", "-e", f"trace={syscall}",
             "-e", f"inject={syscall}:signal=KILL:when={when}",
             sys.executable, "-m", "kit", *args],
            capture_output=True, text=True, env=dict(os.environ, KIT_PASSPHRASE=PASSPHRASE),
            timeout=120, start_new_session=True, stdin=subprocess.DEVNULL)
        assert "Traceback" not in result.stderr, where
        if (target / HEADER_FILE).exists():
            key = shown_key(result.stdout)
            assert key is not None, f"{where}: a vault exists whose key was never shown"
            assert opens_with_key(target, key), where
            check(where)
            made += 1
        else:
            again = run_kit(*args)
            assert again.code == 0, f"{where}: it cannot run again: {again.err}"
        shutil.rmtree(target)
    return made


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (.ci/run installs it)")
def test_a_vault_never_exists_without_its_recovery_key_having_been_shown(
        vault_path: Path, slow: bool) -> None:
    """`kit init` shows the key before moving the new vault into place: killed at any
    rename or fsync, either there is no vault (and init runs again) or its key was shown."""
    counts = syscall_counts(["init", "--json"], ("rename", "fsync", "fdatasync"))
    shutil.rmtree(vault_path)
    # Every rename, and the last fsyncs (which follow the move into place); all with --slow.
    points = [("rename", n) for n in range(1, counts["rename"] + 1)]
    points += [("fsync", n) for n in range(counts["fsync"] - 2, counts["fsync"] + 1)]
    if slow:
        points = [(name, n) for name in counts for n in range(1, counts[name] + 1)]
    made = killed_while_creating(["init", "--json"], vault_path, points, lambda _where: None)
    assert made > 0  # some runs got far enough to make a vault


@pytest.mark.skipif(STRACE is None, reason="strace is not installed (.ci/run installs it)")
def test_a_restored_vault_is_whole_and_its_key_shown_or_it_is_not_there(
        vault_path: Path, tmp_path: Path, slow: bool) -> None:
    from kit.vault.export import export_document

    init_with_entries(3)
    backup = tmp_path / "backup.age"
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault:
        document = json.dumps(export_document(vault)).encode()
    # What `kit vault backup` writes, at a cheap scrypt cost: the sweep restores it many times.
    backup.write_bytes(age_passphrase_file(document, PASSPHRASE))
    expected = journal_texts(vault_path, PASSPHRASE)
    target = tmp_path / "restored"

    def whole(where: str) -> None:
        assert journal_texts(target, PASSPHRASE) == expected, f"{where}: records missing"

    args = ["--vault", str(target), "vault", "restore", str(backup), "--json"]
    counts = syscall_counts(args, ("rename", "fsync"))
    shutil.rmtree(target)
    # The last rename moves the vault into place and the last fsync makes that durable. By
    # default: half-way through, at the move, and just after it; every one with --slow.
    points = [("rename", counts["rename"] // 2), ("rename", counts["rename"]),
              ("fsync", counts["fsync"])]
    if slow:
        points = [(name, n) for name in counts for n in range(1, counts[name] + 1)]
    made = killed_while_creating(args, target, points, whole)
    assert made > 0


def test_a_change_that_fails_after_showing_the_key_says_which_keys_work(
        vault_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only ctrl+c: a failure between showing the new key and retiring the old one (here
    the vault stays busy) is told in the same words, with the failure's own exit code."""
    first_key = init_with_entries(1)
    monkeypatch.setenv("KIT_LOCK_TIMEOUT", "1")
    shown: list[str] = []
    holders: list[subprocess.Popen[str]] = []

    def show_then_hold_the_lock(text: str) -> None:
        shown.append(text)
        holder = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("crash_child.py")), "hold-lock",
             str(vault_path / "vault.lock")],
            stdout=subprocess.PIPE, text=True, start_new_session=True)
        holders.append(holder)
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"

    try:
        with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as vault, \
                pytest.raises(KeyChangeStopped) as stopped:
            vault.rotate(PASSPHRASES[1], show=show_then_hold_the_lock)
    finally:
        for holder in holders:
            holder.kill()
            holder.wait(timeout=30)
    assert stopped.value.exit_code == 5
    assert "busy" in stopped.value.message
    assert "your old recovery key still works" in stopped.value.message
    assert opens_with_key(vault_path, first_key) and opens_with_key(vault_path, shown[0])
    assert journal_texts(vault_path, PASSPHRASES[1]) == ["entry 0 "]
