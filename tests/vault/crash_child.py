"""Child processes for the crash and lock tests. Run as a script; pytest never imports it.

    crash_child.py add VAULT_DIR SEED
        Open the vault through the API (passphrase from KIT_PASSPHRASE) and add journal
        entries until killed, printing each completed entry's id on its own line (flushed),
        so the parent knows exactly which writes were acknowledged.

    crash_child.py hold-lock LOCK_FILE
        Take the vault's write lock (the same filelock.FileLock the kit uses), print "held",
        then sleep until killed.

    crash_child.py die-at POINT VAULT_DIR
        Open the vault (KIT_PASSPHRASE), add one journal entry normally and print its id, then
        start one more operation and SIGKILL itself at exactly POINT inside it (see POINTS).
        Nothing is faked: the files, SQLite and the kill are real; only the moment is chosen.

    crash_child.py hold-open VAULT_DIR
        Open the vault (KIT_PASSPHRASE) and read it once, as the terminal app would, print
        "open", and keep it open until stdin closes. While a connection is open, SQLite keeps
        vault.sqlite-wal and -shm on disk.
"""

from __future__ import annotations

import os
import random
import signal
import string
import sys
import time
from pathlib import Path
from typing import Any

LETTERS = string.ascii_letters + string.digits + "     \n"


def add_forever(vault_dir: Path, seed: int) -> None:
    from kit.records.journal import Journal
    from kit.vault import Credentials, Vault

    passphrase = os.environ.pop("KIT_PASSPHRASE")
    rng = random.Random(seed)
    vault = Vault.open(vault_dir, Credentials(passphrase=passphrase))
    journal = Journal(vault)
    n = 0
    while True:
        # Sizes from tiny to a few pages, so the WAL grows and checkpoints under the kills.
        size = rng.choice((10, 200, 3000, 20000, 60000))
        text = f"crash sweep {seed} entry {n}\n" + "".join(rng.choices(LETTERS, k=size))
        tags = rng.sample(("work", "home", "calm", "late"), rng.randint(0, 2))
        mood = rng.choice((None, rng.randint(0, 10)))
        entry = journal.add(text, tags, mood)
        sys.stdout.write(entry.id + "\n")
        sys.stdout.flush()
        n += 1


def hold_lock(lock_file: Path) -> None:
    from filelock import FileLock

    lock = FileLock(str(lock_file), timeout=10)
    lock.acquire()
    sys.stdout.write("held\n")
    sys.stdout.flush()
    time.sleep(600)


POINTS = {
    # Journal.add: the header names the new commit as pending, SQLite has not committed it.
    "write-pending": "the first header write of the add has completed",
    # Journal.add: SQLite committed, the header still names the commit as pending.
    "write-committed": "the second header write of the add is about to start",
    # Key rotation: vault.header.next written, the re-encryption not yet committed.
    "rotate-next-written": "vault.header.next has just been written",
    # Key rotation: re-encryption committed, vault.header.next not yet swapped in.
    "rotate-committed": "vault.header.next is about to replace vault.header",
    # Key rotation: the vault is rotated; a backup is half-way through its re-encryption.
    "rotate-backup": "a backup copy has just been moved aside to be replaced",
}


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def die_at(point: str, vault_dir: Path) -> None:
    from kit.records.journal import Journal
    from kit.vault import Credentials, Vault, store

    passphrase = os.environ.pop("KIT_PASSPHRASE")
    new_passphrase = os.environ.pop("KIT_NEW_PASSPHRASE", passphrase)
    vault = Vault.open(vault_dir, Credentials(passphrase=passphrase))
    journal = Journal(vault)
    sys.stdout.write(journal.add(f"before the kill at {point}").id + "\n")
    sys.stdout.flush()

    real_write_atomic, real_replace, real_rename = store.write_atomic, os.replace, os.rename
    header_writes = 0

    def write_atomic(path: Path, data: bytes) -> None:
        nonlocal header_writes
        if path.name == store.HEADER_FILE:
            header_writes += 1
            if point == "write-committed" and header_writes == 2:
                die()
        real_write_atomic(path, data)
        if point == "write-pending" and header_writes == 1:
            die()

    def replace(src: Any, dst: Any, **kwargs: Any) -> None:
        if point == "rotate-committed" and Path(src).name == store.NEXT_HEADER_FILE:
            die()
        real_replace(src, dst, **kwargs)
        if point == "rotate-next-written" and Path(dst).name == store.NEXT_HEADER_FILE:
            die()

    def rename(src: Any, dst: Any, **kwargs: Any) -> None:
        real_rename(src, dst, **kwargs)
        if point == "rotate-backup" and str(dst).endswith(".old"):
            die()

    store.write_atomic = write_atomic  # type: ignore[assignment]
    os.replace, os.rename = replace, rename  # type: ignore[assignment]
    if point.startswith("write-"):
        journal.add(f"the entry being written at the kill ({point})")
    else:
        vault.rotate(new_passphrase)
    raise SystemExit(f"the operation finished without reaching {point}")


def hold_open(vault_dir: Path) -> None:
    from kit.vault import Credentials, Vault

    passphrase = os.environ.pop("KIT_PASSPHRASE")
    with Vault.open(vault_dir, Credentials(passphrase=passphrase)) as vault:
        vault.snapshot()
        sys.stdout.write("open\n")
        sys.stdout.flush()
        sys.stdin.read()


def main(argv: list[str]) -> None:
    if len(argv) == 3 and argv[0] == "add":
        add_forever(Path(argv[1]), int(argv[2]))
    elif len(argv) == 2 and argv[0] == "hold-lock":
        hold_lock(Path(argv[1]))
    elif len(argv) == 3 and argv[0] == "die-at" and argv[1] in POINTS:
        die_at(argv[1], Path(argv[2]))
    elif len(argv) == 2 and argv[0] == "hold-open":
        hold_open(Path(argv[1]))
    else:
        raise SystemExit(f"usage: {__doc__}")


if __name__ == "__main__":
    main(sys.argv[1:])
