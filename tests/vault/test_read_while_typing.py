"""At the command line's passphrase prompt, the vault's rows are read while the person types:
the unlock takes that read over (kept across a wrong try), and with no terminal to type at
nothing is read first."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import credentials, unlock
from kit.errors import SecretMissing
from kit.vault import Vault


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
    from tests.conftest import PASSPHRASE

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
    monkeypatch.setattr(unlock._ReadWhileTyping, "__enter__",
                        lambda self: started.append(self) or self)
    with pytest.raises(SecretMissing):
        unlock.unlock(vault_path, None, allow_device=False)
    assert started == []


def test_an_unlock_that_fails_closes_the_early_read(vault_path: Path, vault: Vault,
                                                    typed: list[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    vault.close()
    closed: list[object] = []
    from kit.vault import store

    original = store.Prefetched.close
    monkeypatch.setattr(store.Prefetched, "close",
                        lambda self: (closed.append(self), original(self))[1])
    typed += ["wrong"] * credentials.TRIES
    with pytest.raises(Exception, match="three wrong passphrases"):
        unlock.unlock(vault_path, None, allow_device=False)
    assert len(closed) == 1
