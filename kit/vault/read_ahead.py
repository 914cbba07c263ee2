"""Reading the vault's rows while the unlock waits for the key (kit.vault.store.prefetch).

A light module: the app's lock screen starts a read as soon as it is up, and importing the
vault's store (the cryptography stack) on the app's thread then would hold up the lock
screen's first moments; the read's own thread imports it instead.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kit.vault.store import Prefetched


class ReadAhead:
    """prefetch(path) on a thread of its own, started at once, so the rows are read while the
    unlock waits for something else: a passphrase being typed, the keyring, or the KDF (which
    releases the GIL). Pass `take` to Vault.open, which calls it only once the key is known;
    after a wrong secret the read stays here for the next try. `close` lets go of whatever was
    not taken, without waiting for a read still going on; leaving a `with` block waits for it,
    so that a command that ends leaves nothing open (sqlite's -wal and -shm files go with the
    last connection). The command line (kit.unlock) and the app's lock screen both use it; it
    may be taken from any thread."""

    def __init__(self, path: Path) -> None:
        self._guard = threading.Lock()
        self._read: Prefetched | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, args=(path,), name="kit-read-ahead",
                                        daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        from kit.vault.store import prefetch  # here, on this thread: it loads the crypto stack

        try:
            found = prefetch(path)
        except Exception:  # the unlock reads afresh, and meets it there
            # A read ahead only saves time. Whatever went wrong here goes wrong again in the
            # fresh read, on the unlock's own thread, where it is reported; raised here, it
            # would be printed over the app's screen by the thread's exception hook.
            found = None
        with self._guard:
            if not self._closed:
                self._read, found = found, None
        if found is not None:  # closed meanwhile: nobody will take it
            found.close()

    def take(self) -> Prefetched | None:
        """The read, once it is done, handed over (the caller closes it, or the vault takes
        it over); None if it found nothing to read, failed, was closed, or was taken already."""
        self._thread.join()
        with self._guard:
            found, self._read = self._read, None
        return found

    def close(self) -> None:
        with self._guard:
            self._closed = True
            found, self._read = self._read, None
        if found is not None:
            found.close()

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(self, *exc: object) -> None:
        self._thread.join()
        self.close()
