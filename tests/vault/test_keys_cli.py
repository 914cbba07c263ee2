"""Passphrase change, recovery, rotation, info and destroy through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from kit.vault import header as hdr
from tests.conftest import PASSPHRASE, run_kit

NEW = "a brand new passphrase"


def init() -> str:
    result = run_kit("init", "--json")
    assert result.code == 0, result.err
    key: str = json.loads(result.out)["recovery_key"]
    return key


def add(text: str, passphrase: str = PASSPHRASE) -> str:
    result = run_kit("journal", "add", input=text, passphrase=passphrase)
    assert result.code == 0, result.err
    return result.out.strip()


def texts(passphrase: str = PASSPHRASE) -> list[str]:
    result = run_kit("journal", "list", "--json", passphrase=passphrase)
    assert result.code == 0, result.err
    return [e["text"] for e in json.loads(result.out)["entries"]]


def key_id(path: Path) -> bytes:
    return hdr.decode(path.read_bytes())[0].key_id


def test_passwd_changes_the_passphrase_and_keeps_the_recovery_key(vault_path: Path) -> None:
    recovery = init()
    add("kept through passwd")
    result = run_kit("passwd", env={"KIT_NEW_PASSPHRASE": NEW})
    assert result.code == 0, result.err
    assert run_kit("journal", "list").code == 3
    assert texts(NEW) == ["kept through passwd"]
    # Old backups take the new slots too, so the old passphrase opens none of them.
    for backup in (vault_path / "backups").iterdir():
        from kit.vault import Credentials, Vault

        try:
            Vault.open(backup, Credentials(passphrase=PASSPHRASE))
        except Exception as exc:
            assert type(exc).__name__ == "WrongSecret"
        else:
            raise AssertionError(f"old passphrase still opens {backup}")
    result = run_kit("recover", "--yes", passphrase=None,
                     env={"KIT_RECOVERY_KEY": recovery, "KIT_NEW_PASSPHRASE": PASSPHRASE})
    assert result.code == 0, result.err


def test_passwd_needs_a_new_passphrase(vault_path: Path) -> None:
    init()
    result = run_kit("passwd")
    assert result.code == 2
    short = run_kit("passwd", env={"KIT_NEW_PASSPHRASE": "tiny"})
    assert short.code == 2 and "too short" in short.err
    assert texts() == []


def test_recover_sets_a_passphrase_and_rotates(vault_path: Path) -> None:
    recovery = init()
    add("survives recovery")
    before = key_id(vault_path / "vault.header")
    result = run_kit("recover", "--yes", "--json", passphrase=None,
                     env={"KIT_RECOVERY_KEY": recovery.lower().replace("-", " "),
                          "KIT_NEW_PASSPHRASE": NEW})
    assert result.code == 0, result.err
    new_key = json.loads(result.out)["recovery_key"]
    assert new_key != recovery
    assert key_id(vault_path / "vault.header") != before
    assert texts(NEW) == ["survives recovery"]
    assert run_kit("journal", "list").code == 3  # old passphrase is gone
    old = run_kit("recover", "--yes", passphrase=None,
                  env={"KIT_RECOVERY_KEY": recovery, "KIT_NEW_PASSPHRASE": NEW})
    assert old.code == 3 and "wrong recovery key" in old.err
    assert run_kit("vault", "verify", passphrase=NEW).code == 0


def test_mistyped_recovery_key_is_caught_by_its_check_character(vault_path: Path) -> None:
    recovery = init()
    swapped = ("1" if recovery[0] != "1" else "2") + recovery[1:]
    result = run_kit("recover", "--yes", passphrase=None,
                     env={"KIT_RECOVERY_KEY": swapped, "KIT_NEW_PASSPHRASE": NEW})
    assert result.code == 3
    assert "check character" in result.err
    short = run_kit("recover", "--yes", passphrase=None,
                    env={"KIT_RECOVERY_KEY": "ABCD-EFGH", "KIT_NEW_PASSPHRASE": NEW})
    assert short.code == 3 and "13 groups" in short.err
    assert texts() == []


def test_recover_without_a_key_or_terminal_exits_2(vault_path: Path) -> None:
    init()
    assert run_kit("recover", passphrase=None).code == 2


def test_rotate_reencrypts_everything_and_the_backups(vault_path: Path) -> None:
    init()
    ids = [add(f"entry {n}") for n in range(3)]
    before = key_id(vault_path / "vault.header")
    result = run_kit("passwd", "--rotate", "--yes", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["rotated"] is True
    after = key_id(vault_path / "vault.header")
    assert after != before
    backups = list((vault_path / "backups").iterdir())
    assert backups
    assert all(key_id(b / "vault.header") == after for b in backups)
    assert sorted(texts()) == ["entry 0", "entry 1", "entry 2"]
    assert run_kit("vault", "verify").code == 0
    assert len(ids) == 3


def test_info_json(vault_path: Path) -> None:
    init()
    add("one")
    info = json.loads(run_kit("vault", "info", "--json").out)
    assert info["records"]["journal"] == 1
    assert info["slots"] == ["passphrase", "recovery"]
    assert info["keyring_unlock"] is False
    assert info["kdf"]["profile"] == "minimum"
    assert info["identity"]["age_recipient"].startswith("age1")
    assert len(info["identity"]["fingerprint"].replace(" ", "")) == 32


def test_destroy(vault_path: Path) -> None:
    init()
    refused = run_kit("vault", "destroy")
    assert refused.code == 2 and vault_path.exists()
    wrong = run_kit("vault", "destroy", "--yes", passphrase="not it at all")
    assert wrong.code == 3 and vault_path.exists()
    assert run_kit("vault", "destroy", "--yes").code == 0
    assert not vault_path.exists()
    assert run_kit("journal", "list").code == 1


def test_recover_on_a_damaged_vault_still_sets_the_passphrase(vault_path: Path) -> None:
    import sqlite3

    recovery = init()
    add("will be damaged")
    add("stays fine")
    with sqlite3.connect(vault_path / "vault.sqlite") as conn:
        row = conn.execute("SELECT id, ct FROM records ORDER BY id LIMIT 1").fetchone()
        flipped = bytearray(row[1])
        flipped[-1] ^= 1
        conn.execute("UPDATE records SET ct = ? WHERE id = ?", (bytes(flipped), row[0]))
    result = run_kit("recover", "--yes", passphrase=None,
                     env={"KIT_RECOVERY_KEY": recovery, "KIT_NEW_PASSPHRASE": NEW})
    assert result.code == 0, result.err
    assert "NOT changed" in result.err
    assert run_kit("vault", "verify", passphrase=NEW).code == 4
    assert run_kit("journal", "list", passphrase=PASSPHRASE).code == 3
