"""One vault, many users at once: a long-lived reader (as the terminal app holds the vault open)
and several CLI writers. No write is lost, nobody is told the vault is busy under normal use,
and the reader only ever sees whole commits. A writer that truly cannot get the lock exits 5,
and a lock held by a process that is killed is released by the OS.

Four writers add 3 entries each by default, and 10 each with `pytest --slow`: each add is a
process of its own, and twelve already overlap one another and the reader.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import filelock

from kit.records.journal import Journal
from kit.vault import Credentials, Snapshot, Vault
from tests.conftest import PASSPHRASE, run_kit

CHILD = Path(__file__).with_name("crash_child.py")
WRITERS = 4
ADDS_EACH = 3
ADDS_EACH_SLOW = 10


def kit_popen(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = dict(os.environ, KIT_PASSPHRASE=PASSPHRASE)
    full_env.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "kit", *args], stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env,
        start_new_session=True,
    )


class Reader(threading.Thread):
    """Like the terminal app: one Vault held open, reading snapshots over and over."""

    def __init__(self, vault: Vault, baseline: Snapshot) -> None:
        super().__init__(daemon=True)
        self.vault = vault
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.reads = 0
        self.commits: set[int] = set()
        self._last = baseline
        # Each `kit journal add` is one commit adding one record, so in every whole commit
        # the number of records minus the commit counter stays what it was at the start.
        self._offset = len(baseline.records) - baseline.commit

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                snap = self.vault.snapshot()
            except Exception as exc:
                self.errors.append(f"snapshot raised {type(exc).__name__}: {exc}")
                return
            self.reads += 1
            self.commits.add(snap.commit)
            last = self._last
            if snap.problems:
                self.errors.append(f"commit {snap.commit}: {[p.message for p in snap.problems]}")
            if snap.commit < last.commit:
                self.errors.append(f"went back from commit {last.commit} to {snap.commit}")
            if not set(last.records) <= set(snap.records):
                self.errors.append(f"records vanished between commits {last.commit} and "
                                   f"{snap.commit}")
            if len(snap.records) - snap.commit != self._offset:
                self.errors.append(f"commit {snap.commit} holds {len(snap.records)} records: "
                                   "a partial commit was visible")
            self._last = snap


def writer_lane(lane: int, adds: int, results: list[tuple[int, str, str]]) -> None:
    for i in range(adds):
        proc = kit_popen("journal", "add", f"writer {lane} entry {i}")
        out, err = proc.communicate(timeout=120)
        results.append((proc.returncode, out.strip(), err))


def test_long_reader_and_parallel_cli_writers(cli_vault: Path, slow: bool) -> None:
    adds = ADDS_EACH_SLOW if slow else ADDS_EACH
    with Vault.open(cli_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        baseline = vault.snapshot()
        assert baseline.problems == []
        reader = Reader(vault, baseline)
        reader.start()
        results: list[tuple[int, str, str]] = []
        lanes = [threading.Thread(target=writer_lane, args=(lane, adds, results))
                 for lane in range(WRITERS)]
        for lane in lanes:
            lane.start()
        for lane in lanes:
            lane.join(timeout=600)
        reader.stop.set()
        reader.join(timeout=120)
        assert not reader.is_alive()
        final = vault.snapshot()
        journal = Journal(vault)
        entries = journal.entries()

    assert len(results) == WRITERS * adds
    failures = [(code, err) for code, _out, err in results if code != 0]
    assert failures == [], failures  # in particular, no exit 5 under normal use
    ids = {out for _code, out, _err in results}
    assert len(ids) == WRITERS * adds
    assert reader.errors == []
    assert reader.reads >= 2
    assert len(reader.commits) >= 3, "the reader never overlapped the writers"
    assert final.problems == []
    assert final.commit == baseline.commit + WRITERS * adds
    assert ids <= {e.id for e in entries}, "a write was lost"
    assert len(entries) == WRITERS * adds
    assert run_kit("vault", "verify").code == 0


def test_writer_that_cannot_get_the_lock_exits_5(cli_vault: Path) -> None:
    before = run_kit("journal", "list", "--json")
    lock = filelock.FileLock(str(cli_vault / "vault.lock"))
    with lock:
        busy = run_kit("journal", "add", "this must wait", env={"KIT_LOCK_TIMEOUT": "1"})
        busy_json = run_kit("journal", "add", "--json", "this must wait",
                            env={"KIT_LOCK_TIMEOUT": "1"})
    assert busy.code == 5, busy.err
    assert "Traceback" not in busy.err
    assert busy.err.startswith("kit: ")
    assert "busy" in busy.err and "try again" in busy.err.lower()
    assert busy.out == ""
    assert busy_json.code == 5
    assert json.loads(busy_json.out)["error"]["exit"] == 5
    assert run_kit("journal", "list", "--json").out == before.out  # nothing was half-written
    # The lock released, the same command goes through.
    assert run_kit("journal", "add", "now it fits", env={"KIT_LOCK_TIMEOUT": "1"}).code == 0


def test_lock_of_a_killed_process_is_released(cli_vault: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, str(CHILD), "hold-lock", str(cli_vault / "vault.lock")],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        # While the holder lives, the lock is really held ...
        busy = run_kit("journal", "add", "blocked", env={"KIT_LOCK_TIMEOUT": "1"})
        assert busy.code == 5, busy.err
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    assert holder.returncode == -signal.SIGKILL
    # ... and once it is killed the OS has dropped it: no stale lock blocks the next write.
    after = run_kit("journal", "add", "after the holder died", env={"KIT_LOCK_TIMEOUT": "1"})
    assert after.code == 0, after.err
    assert run_kit("vault", "verify").code == 0
