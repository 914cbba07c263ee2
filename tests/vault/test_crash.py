"""Crash sweep: writers killed with SIGKILL at random moments.

A child process adds journal entries through the API and reports each completed id over a pipe;
the parent kills it at seeded random moments. After every kill `kit vault verify` passes, every
reported id is present, and the next CLI write goes through at once (no stale lock). The same
for `kit passwd --rotate` killed part-way: the vault then opens with exactly one of the old and
new passphrases, and every record is as it was (test_key_change.py sweeps the recovery key).

10 kills (and 6 rotation kills) by default; 200 (and 40) with `pytest --slow`. Random kills
rarely land in the narrowest windows (between SQLite's commit and the header write that
follows it), so each step of a write and of a rotation is also hit on purpose: the child
SIGKILLs itself at exactly that step (crash_child.py die-at).

Writers, key changes and the next write are processes of their own; `kit vault verify` after
each kill runs in this process (kit_in_process: the same command, without a process's start-up
each time), and as a process of its own at the end of the sweep.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from kit.errors import WrongSecret
from kit.records.journal import Journal
from kit.vault import Credentials, Vault
from kit.vault.backups import list_backups
from kit.vault.files import NEXT_HEADER_FILE
from tests.conftest import PASSPHRASE, Cli, run_kit

CHILD = Path(__file__).with_name("crash_child.py")
OTHER_PASSPHRASE = "a quite different passphrase for rotation"
SEED = 20_240_611
# With a stale lock the next command would wait this long and then exit 5.
PROMPT_LOCK = {"KIT_LOCK_TIMEOUT": "2"}


def child_env(passphrase: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["KIT_PASSPHRASE"] = passphrase
    env.update(extra)
    return env


class Writer:
    """A crash_child.py writer; a thread collects the ids it reports on stdout."""

    def __init__(self, vault_dir: Path, seed: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), "add", str(vault_dir), str(seed)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=child_env(PASSPHRASE), text=True, start_new_session=True,
        )
        self.ids: list[str] = []
        self._eof = False
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            # Only whole lines count: an id is acknowledged once its newline is written.
            if line.endswith("\n") and len(line) == 33:
                with self._cond:
                    self.ids.append(line[:32])
                    self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def wait_for(self, count: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: len(self.ids) >= count or self._eof, timeout=60)

    def kill(self) -> str:
        """SIGKILL the child; return its stderr (for messages if it died on its own)."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)
        self._reader.join(timeout=60)
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


def age_newest_backup(vault_dir: Path) -> None:
    """Make the newest backup look two days old, so the next write takes a fresh one."""
    backups = list_backups(vault_dir)
    if backups:
        old = time.time() - 2 * 24 * 3600
        os.utime(backups[-1], (old, old))


def journal_ids(vault_dir: Path, passphrase: str) -> set[str]:
    with Vault.open(vault_dir, Credentials(passphrase=passphrase)) as vault:
        journal = Journal(vault)
        ids = {entry.id for entry in journal.entries()}
        assert journal.problems == []
    return ids


def cli_add_at_once(text: str, passphrase: str, when: str) -> str:
    """The next CLI write must go through without waiting out a stale lock."""
    result = run_kit("journal", "add", text, env=PROMPT_LOCK, passphrase=passphrase)
    assert result.code == 0, f"{when}: `kit journal add` exited {result.code}: {result.err}"
    assert "Traceback" not in result.err
    entry_id = result.out.strip()
    assert len(entry_id) == 32, result.out
    return entry_id


def assert_verify_passes(cli: Cli, passphrase: str, when: str) -> None:
    result = cli.run("vault", "verify", passphrase=passphrase)
    assert result.code == 0, f"{when}: `kit vault verify` exited {result.code}: {result.err}"


@pytest.mark.timeout(3600)
def test_sigkill_during_journal_writes(cli: Cli, cli_vault: Path, slow: bool) -> None:
    rng = random.Random(SEED)
    kills = 200 if slow else 10  # the full sweep runs with --slow
    expected: set[str] = set()
    reported = 0
    for n in range(1, kills + 1):
        when = f"kill {n}/{kills}"
        if rng.random() < 0.25:
            age_newest_backup(cli_vault)  # so the kill may land in the middle of a backup copy
        writer = Writer(cli_vault, rng.randrange(2**32))
        if rng.random() < 0.3:
            # Anywhere from start-up through unlocking to the first few writes.
            time.sleep(rng.uniform(0.01, 0.3))
        else:
            # At a random phase of a write, after a random number of acknowledged ones.
            writer.wait_for(rng.randint(1, 6))
            time.sleep(rng.uniform(0.0, 0.02))
        err = writer.kill()
        assert writer.proc.returncode == -signal.SIGKILL, f"{when}: the writer died early:\n{err}"
        reported += len(writer.ids)
        expected.update(writer.ids)

        assert_verify_passes(cli, PASSPHRASE, when)
        present = journal_ids(cli_vault, PASSPHRASE)
        missing = expected - present
        assert not missing, f"{when}: acknowledged entries lost: {sorted(missing)}"
        # A kill can leave at most one write that committed but was never acknowledged.
        assert len(present - expected) <= n, f"{when}: entries appeared from nowhere"
        expected.add(cli_add_at_once(f"written after {when}", PASSPHRASE, when))

    assert reported >= kills // 2, "the writers were killed before writing anything"
    listed = run_kit("journal", "list", "--json")
    assert listed.code == 0, listed.err
    doc = json.loads(listed.out)
    ids = {entry["id"] for entry in doc["entries"]}
    assert expected <= ids
    assert doc["total"] == len(ids)
    final = run_kit("vault", "verify")
    assert final.code == 0, f"after the sweep: `kit vault verify` exited {final.code}: {final.err}"


# --- key rotation killed part-way ---


def opening_passphrases(vault_dir: Path) -> list[str]:
    """Which of the two passphrases open the vault (opening also settles a rotation)."""
    opens = []
    for passphrase in (PASSPHRASE, OTHER_PASSPHRASE):
        try:
            Vault.open(vault_dir, Credentials(passphrase=passphrase)).close()
        except WrongSecret:
            continue
        opens.append(passphrase)
    return opens


def contents(vault_dir: Path, passphrase: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Every record as (generation, kind, data), and every stored file's bytes."""
    with Vault.open(vault_dir, Credentials(passphrase=passphrase)) as vault:
        snap = vault.snapshot()
        assert snap.problems == []
        records = {r.id: (r.generation, r.kind, r.data) for r in snap.records.values()}
        blobs = {r.id: vault.get_blob(r.id) for r in snap.records.values() if r.kind == "blob"}
    return records, blobs


def start_rotation(current: str, new: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kit", "passwd", "--rotate", "--yes"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=child_env(current, KIT_NEW_PASSPHRASE=new), start_new_session=True,
    )


def kill_when_next_header_appears(proc: subprocess.Popen[str], vault_dir: Path,
                                  limit: float) -> None:
    """Aim at the narrow window where vault.header.next exists (re-encrypted, not swapped in)."""
    deadline = time.monotonic() + limit
    nxt = vault_dir / NEXT_HEADER_FILE
    while time.monotonic() < deadline and proc.poll() is None:
        if nxt.exists():
            break
        time.sleep(0.0002)
    proc.send_signal(signal.SIGKILL)


@pytest.mark.timeout(3600)
def test_sigkill_during_key_rotation(cli: Cli, cli_vault: Path, slow: bool) -> None:
    rng = random.Random(SEED + 1)
    with Vault.open(cli_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        journal = Journal(vault)
        for i in range(80):
            journal.add(f"rotation sweep entry {i}\n" + "y" * rng.randrange(10, 4000))
        vault.put_blob(rng.randbytes(700_000))  # chunks are re-encrypted too

    # One rotation left to finish: the success path, and how long a whole rotation takes,
    # so that the kill moments below spread over all of it.
    before = contents(cli_vault, PASSPHRASE)
    started = time.monotonic()
    result = run_kit("passwd", "--rotate", "--yes", env={"KIT_NEW_PASSPHRASE": OTHER_PASSPHRASE})
    duration = time.monotonic() - started
    assert result.code == 0, result.err
    assert opening_passphrases(cli_vault) == [OTHER_PASSPHRASE]
    assert contents(cli_vault, OTHER_PASSPHRASE) == before
    current = OTHER_PASSPHRASE

    rounds = 40 if slow else 6
    interrupted = 0
    for n in range(1, rounds + 1):
        when = f"rotation kill {n}/{rounds}"
        new = PASSPHRASE if current == OTHER_PASSPHRASE else OTHER_PASSPHRASE
        before = contents(cli_vault, current)
        proc = start_rotation(current, new)
        if n % 3 == 1:
            kill_when_next_header_appears(proc, cli_vault, 3 * duration + 5)
        else:
            time.sleep(rng.uniform(0.05, duration))
            proc.send_signal(signal.SIGKILL)
        _out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err
        if proc.returncode == 0:
            expected_openers = [new]
        else:
            assert proc.returncode == -signal.SIGKILL, f"{when}: rotation failed:\n{err}"
            interrupted += 1
            expected_openers = [current, new]

        opens = opening_passphrases(cli_vault)
        assert len(opens) == 1, f"{when}: the vault opens with {len(opens)} of the 2 passphrases"
        assert opens[0] in expected_openers
        current = opens[0]
        assert not (cli_vault / NEXT_HEADER_FILE).exists()
        assert_verify_passes(cli, current, when)
        assert contents(cli_vault, current) == before, f"{when}: records changed"
        cli_add_at_once(f"written after {when}", current, when)
    print(f"rotation sweep: {interrupted} of {rounds} rotations interrupted by SIGKILL "
          f"(a whole rotation took {duration:.2f} s)")


# --- each step hit on purpose ---

# point: (journal entries the killed operation leaves behind, whether the new passphrase is
# the one that opens). A rotation sets the new passphrase in its first step, before the data
# key changes (kit.vault.rotation), so every rotation step opens with the new one.
STEPS = {
    "write-pending": (0, False),
    "write-committed": (1, False),
    "rotate-next-written": (0, True),
    "rotate-committed": (0, True),
    "rotate-backup": (0, True),
}


@pytest.mark.parametrize("point", list(STEPS))
def test_sigkill_at_each_step(cli: Cli, cli_vault: Path, point: str) -> None:
    left_behind, rotated = STEPS[point]
    for i in range(3):
        cli_add_at_once(f"entry {i} before the kill", PASSPHRASE, point)
    before, blobs_before = contents(cli_vault, PASSPHRASE)
    proc = subprocess.run(
        [sys.executable, str(CHILD), "die-at", point, str(cli_vault)],
        env=child_env(PASSPHRASE, KIT_NEW_PASSPHRASE=OTHER_PASSPHRASE), capture_output=True,
        text=True, timeout=120, start_new_session=True,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    acknowledged = proc.stdout.split()
    assert len(acknowledged) == 1

    assert opening_passphrases(cli_vault) == [OTHER_PASSPHRASE if rotated else PASSPHRASE]
    current = OTHER_PASSPHRASE if rotated else PASSPHRASE
    assert not (cli_vault / NEXT_HEADER_FILE).exists()
    assert_verify_passes(cli, current, point)
    after, blobs_after = contents(cli_vault, current)
    assert {rid: after.get(rid) for rid in before} == before, "records changed"
    assert blobs_after == blobs_before
    added = set(after) - set(before)
    assert acknowledged[0] in added
    assert len(added) == 1 + left_behind
    cli_add_at_once(f"written after the kill at {point}", current, point)
    assert_verify_passes(cli, current, f"after the kill at {point} and one more write")
    # No backup may still open with a passphrase a key change retired, even one cut short.
    if rotated:
        for backup in list_backups(cli_vault):
            with pytest.raises(WrongSecret):
                Vault.open(backup, Credentials(passphrase=PASSPHRASE))
            with Vault.open(backup, Credentials(passphrase=OTHER_PASSPHRASE)) as copy:
                assert copy.verify() == []
