"""The command line reads the vault's rows on a thread while the unlock waits: while the
person types at the prompt, while the KDF runs on a given passphrase, and while the keyring
answers. The unlock takes that read over once the key is known (a wrong try keeps it), and with
no terminal to type at and nothing given, nothing is read first."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import credentials, unlock
from kit.errors import SecretMissing, WrongSecret
from kit.vault import Vault, kdf, read_ahead, store
from tests.conftest import PASSPHRASE
from tests.keyring_backends.memory import Keyring as MemoryKeyring


@pytest.fixture
def typed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the prompt returns, one answer per ask; a terminal is there to ask on."""
    answers: list[str] = []
    monkeypatch.delenv("KIT_PASSPHRASE", raising=False)
    monkeypatch.setattr(credentials, "terminal_available", lambda: True)

    def prompt(_prompt: str, _how: str) -> str:
        return answers.pop(0)

    monkeypatch.setattr(credentials, "prompt_secret", prompt)
    return answers


def test_the_unlock_takes_over_the_rows_read_while_typing(vault_path: Path, vault: Vault,
                                                          typed: list[str]) -> None:
    saved = vault.put("journal", {"n": 1})
    vault.close()
    typed += ["not it", PASSPHRASE]
    with unlock.unlock(vault_path, None, allow_device=False) as opened:
        assert opened._prefetched is not None  # read before the KDF, kept across the wrong try
        assert opened.snapshot().records[saved.id].data == {"n": 1}
        assert opened._prefetched is None
    assert typed == []


def test_with_no_terminal_nothing_is_read_first(vault_path: Path, vault: Vault,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    vault.close()
    monkeypatch.delenv("KIT_PASSPHRASE", raising=False)
    monkeypatch.setattr(credentials, "terminal_available", lambda: False)
    started: list[object] = []
    monkeypatch.setattr(unlock, "ReadAhead", lambda path: started.append(path))
    with pytest.raises(SecretMissing):
        unlock.unlock(vault_path, None, allow_device=False)
    assert started == []


@pytest.fixture
def closed(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every early read closed, in order (Prefetched.close still closes it)."""
    reads: list[object] = []
    original = store.Prefetched.close
    monkeypatch.setattr(store.Prefetched, "close",
                        lambda self: (reads.append(self), original(self))[1])
    return reads


def test_an_unlock_that_fails_closes_the_early_read(vault_path: Path, vault: Vault,
                                                    typed: list[str],
                                                    closed: list[object]) -> None:
    vault.close()
    typed += ["wrong"] * credentials.TRIES
    with pytest.raises(Exception, match="three wrong passphrases"):
        unlock.unlock(vault_path, None, allow_device=False)
    assert len(closed) == 1


@pytest.fixture
def order(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """When the KDF ran and when the unlock waited for the read, in order."""
    events: list[str] = []
    derive, take = kdf.derive, read_ahead.ReadAhead.take

    def derived(passphrase: str, params: kdf.KdfParams) -> bytes:
        events.append("kdf")
        return derive(passphrase, params)

    def taken(self: read_ahead.ReadAhead) -> store.Prefetched | None:
        events.append("take")
        return take(self)

    monkeypatch.setattr(kdf, "derive", derived)
    monkeypatch.setattr(read_ahead.ReadAhead, "take", taken)
    return events


def _given(tmp_path: Path, passphrase: str) -> Path:
    given = tmp_path / "passphrase.txt"
    given.write_text(passphrase + "\n", encoding="utf-8")
    return given


def test_a_given_passphrase_is_derived_while_the_rows_are_read(
        vault_path: Path, vault: Vault, tmp_path: Path, order: list[str]) -> None:
    saved = vault.put("journal", {"n": 2})
    vault.close()
    with unlock.unlock(vault_path, _given(tmp_path, PASSPHRASE)) as opened:
        assert order == ["kdf", "take"]  # waited for only once the key was known
        assert opened._prefetched is not None
        assert opened.snapshot().records[saved.id].data == {"n": 2}


def test_a_wrong_given_passphrase_closes_the_read(vault_path: Path, vault: Vault,
                                                  tmp_path: Path, closed: list[object],
                                                  order: list[str]) -> None:
    vault.close()
    before = sorted(path.name for path in vault_path.iterdir())
    with pytest.raises(WrongSecret):
        unlock.unlock(vault_path, _given(tmp_path, "not it at all"))
    assert order == ["kdf"]  # never taken
    assert len(closed) == 1
    # Waited for and closed before the command ends: no -wal or -shm file is left behind.
    assert sorted(path.name for path in vault_path.iterdir()) == before


def test_keyring_unlock_takes_the_rows_read_while_the_keyring_answered(
        vault_path: Path, vault: Vault, secure_keyring: MemoryKeyring,
        monkeypatch: pytest.MonkeyPatch, order: list[str]) -> None:
    from kit.vault.device import enable_device_unlock

    saved = vault.put("journal", {"n": 3})
    enable_device_unlock(vault)
    vault.close()
    monkeypatch.delenv("KIT_PASSPHRASE", raising=False)
    with unlock.unlock(vault_path, None) as opened:
        assert opened.unlocked_by == "device"
        assert order == ["take"]  # no KDF at all
        assert opened.snapshot().records[saved.id].data == {"n": 3}


def test_a_read_ahead_is_handed_over_once_and_let_go_of_when_closed(
        vault_path: Path, vault: Vault, closed: list[object],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    vault.close()
    ahead = read_ahead.ReadAhead(vault_path)
    taken = ahead.take()
    assert taken is not None and ahead.take() is None  # handed over once
    ahead.close()
    assert closed == []  # what was taken is the taker's to close
    taken.close()

    # Closed while the read is still going on: the read is closed when it arrives.
    go = threading.Event()
    prefetch = store.prefetch

    def slow(path: Path) -> store.Prefetched | None:
        go.wait(5)
        return prefetch(path)

    monkeypatch.setattr(store, "prefetch", slow)
    closed.clear()
    late = read_ahead.ReadAhead(vault_path)
    late.close()
    go.set()
    assert late.take() is None
    assert len(closed) == 1


def test_starting_a_read_ahead_loads_no_cryptography_on_the_callers_thread() -> None:
    """The app's lock screen starts one as soon as it is up: loading the vault's store and
    the cryptography stack there would hold up its first moments (the start-up benchmark)."""
    import subprocess
    import sys

    code = ("import sys; import kit.vault.read_ahead; heavy = ('cryptography', 'kit.vault.store'); "
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert loaded.stdout.strip() == "[]"


def test_a_read_ahead_that_fails_is_no_read_and_prints_nothing(
        vault_path: Path, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure on the read's thread would be printed over the app's screen by the thread's
    exception hook; the unlock reads afresh instead, and meets the failure there."""
    import threading

    hooked: list[object] = []
    monkeypatch.setattr(threading, "excepthook", hooked.append)

    def broken(path: Path) -> store.Prefetched | None:
        raise RuntimeError("a fault on the read's thread")

    vault.close()
    monkeypatch.setattr(store, "prefetch", broken)
    ahead = read_ahead.ReadAhead(vault_path)
    assert ahead.take() is None
    assert hooked == []
    with unlock.unlock(vault_path, _given(tmp_path, PASSPHRASE)) as opened:  # reads afresh
        assert opened._prefetched is None
        assert opened.snapshot().problems == []
