"""The escape hatch works with the standard tool: a `kit vault backup` opens with the Debian
`age` binary, and a file made by `age -p` restores into a new vault.

`age` reads passphrases only from a terminal, so it is driven through a pseudo-terminal it
owns as its controlling terminal. Each scrypt costs seconds, so the files are few and shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PASSPHRASE, run_kit
from tests.vault.age_tool import AGE, age_on_terminal

pytestmark = pytest.mark.skipif(
    AGE is None, reason="the `age` binary is not installed (.ci/run installs it)")

AGE_PASSPHRASE = "tangerine lighthouse paper crane"
NEW_PASSPHRASE = "a different passphrase for the new vault"
ENTRY_ID = "0123456789abcdef0123456789abcdef"
ENTRY_TEXT = "Made outside the kit — réflexion, 記録, and a line\nthat continues."


def age_encrypt(plain: Path, out: Path, passphrase: str) -> None:
    code, said = age_on_terminal(
        ["-p", "-o", str(out), str(plain)],
        [(b"Enter passphrase", passphrase), (b"Confirm passphrase", passphrase)])
    assert code == 0, said
    assert out.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")


def export_document() -> dict[str, object]:
    """A kit export as another tool could write it (docs/vault-format.md, section 9)."""
    return {
        "format": "frontline-kit-export",
        "version": 1,
        "exported": "2025-01-02T03:04:05+00:00",
        "records": [{
            "id": ENTRY_ID,
            "kind": "journal",
            "data": {"created": "2025-01-02T03:00:00+00:00",
                     "updated": "2025-01-02T03:00:00+00:00",
                     "text": ENTRY_TEXT, "tags": ["outside"], "mood": 6},
        }],
        "blobs": {},
    }


@pytest.fixture(scope="module")
def age_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One export encrypted by `age -p`, shared by the tests below (scrypt is slow)."""
    work = tmp_path_factory.mktemp("age-made")
    plain = work / "export.json"
    plain.write_text(json.dumps(export_document(), ensure_ascii=False), encoding="utf-8")
    sealed = work / "export.json.age"
    age_encrypt(plain, sealed, AGE_PASSPHRASE)
    plain.unlink()
    return sealed


def files_of(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


def test_kit_backup_decrypts_with_the_age_binary(cli_vault: Path, tmp_path: Path) -> None:
    texts = ["First entry, plain ASCII.", "Second — with ünïcödé and\nmore than one line."]
    for text in texts:
        added = run_kit("journal", "add", "-", "--tag", "interop", input=text)
        assert added.code == 0, added.err
    backup = tmp_path / "vault-backup.age"
    made = run_kit("vault", "backup", "--out", str(backup))
    assert made.code == 0, made.err
    assert backup.read_bytes().startswith(b"age-encryption.org/v1\n-> scrypt ")

    plain = tmp_path / "decrypted.json"
    code, said = age_on_terminal(["-d", "-o", str(plain), str(backup)],
                                 [(b"Enter passphrase", PASSPHRASE)])
    assert code == 0, said
    doc = json.loads(plain.read_text(encoding="utf-8"))
    assert doc["format"] == "frontline-kit-export"
    assert doc["version"] == 1
    journal = [r for r in doc["records"] if r["kind"] == "journal"]
    assert sorted(r["data"]["text"] for r in journal) == sorted(texts)
    assert all(r["data"]["tags"] == ["interop"] for r in journal)


def test_age_made_file_restores_into_a_new_vault(age_made: Path, tmp_path: Path) -> None:
    target = tmp_path / "restored"
    restored = run_kit("--vault", str(target), "vault", "restore", str(age_made), "--json",
                       passphrase=AGE_PASSPHRASE, env={"KIT_NEW_PASSPHRASE": NEW_PASSPHRASE})
    assert restored.code == 0, restored.err
    doc = json.loads(restored.out)
    assert doc["records"] == 1
    assert doc["recovery_key"]

    listed = run_kit("--vault", str(target), "journal", "list", "--json",
                     passphrase=NEW_PASSPHRASE)
    assert listed.code == 0, listed.err
    entries = json.loads(listed.out)["entries"]
    assert [(e["id"], e["text"], e["tags"], e["mood"]) for e in entries] == [
        (ENTRY_ID, ENTRY_TEXT, ["outside"], 6)]

    # the new vault has its own passphrase, not the age file's
    old = run_kit("--vault", str(target), "journal", "list", passphrase=AGE_PASSPHRASE)
    assert old.code == 3, old.err
    verified = run_kit("--vault", str(target), "vault", "verify", passphrase=NEW_PASSPHRASE)
    assert verified.code == 0, verified.err


def test_restore_with_wrong_passphrase_exits_3(age_made: Path, tmp_path: Path) -> None:
    target = tmp_path / "never"
    result = run_kit("--vault", str(target), "vault", "restore", str(age_made),
                     passphrase="not the passphrase of this file")
    assert result.code == 3, result.err
    assert "wrong passphrase" in result.err
    assert not target.exists()


def test_restore_of_a_file_that_is_not_age_exits_1(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.json"
    bogus.write_text(json.dumps(export_document()), encoding="utf-8")
    target = tmp_path / "never"
    result = run_kit("--vault", str(target), "vault", "restore", str(bogus), "--json")
    assert result.code == 1, result.err
    assert "not an age-encrypted file" in result.err
    assert json.loads(result.out)["error"]["exit"] == 1
    assert not target.exists()


def test_restore_of_age_file_that_is_not_an_export_exits_1(tmp_path: Path) -> None:
    plain = tmp_path / "other.json"
    plain.write_text(json.dumps({"format": "something-else", "records": []}), encoding="utf-8")
    sealed = tmp_path / "other.json.age"
    age_encrypt(plain, sealed, AGE_PASSPHRASE)
    target = tmp_path / "never"
    result = run_kit("--vault", str(target), "vault", "restore", str(sealed),
                     passphrase=AGE_PASSPHRASE)
    assert result.code == 1, result.err
    assert "not a Frontline Kit export" in result.err
    assert "Traceback" not in result.err
    assert not target.exists()


def test_restore_never_overwrites_an_existing_vault(age_made: Path, cli_vault: Path) -> None:
    added = run_kit("journal", "add", "-", input="already here")
    assert added.code == 0, added.err
    before = files_of(cli_vault)
    result = run_kit("--vault", str(cli_vault), "vault", "restore", str(age_made),
                     passphrase=AGE_PASSPHRASE)
    assert result.code == 1, result.err
    assert "already exists" in result.err
    assert files_of(cli_vault) == before
    listed = run_kit("journal", "list", "--json")
    assert [e["text"] for e in json.loads(listed.out)["entries"]] == ["already here"]
