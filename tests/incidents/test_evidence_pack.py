"""Evidence packs: the round trip for a folder, a zip and an age file (opened by pyrage and by
the standard `age` binary); every kind of tampering reported distinctly; unsafe packs refused;
and fuzzed packs giving only clear errors."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyrage
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kit.errors import BadInput, KitError, RecordDamaged, UsageError, WrongSecret
from kit.records.incidents import Incident, Incidents, Reference
from kit.reports import evidence_pack as ep
from kit.reports.evidence_pack import PackReport, export_pack, verify_pack
from kit.vault import Vault
from kit.vault.identity import public_identity
from tests.conftest import PASSPHRASE

WHEN = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
PACK_PASSPHRASE = "a separate passphrase for the pack"
PACK_NAME = re.compile(r"^files/\d{2}-[0-9a-f]{8}-[a-z0-9-]+(\.[a-z0-9]{1,10})?$")
ORIGINALS = {
    "screenshot.png": os.urandom(70_000),  # more than one vault chunk
    "Ünïcode saved page (2).HTML": "<p>ünïcode</p>".encode(),
    "..\u202eevil name": b"no extension, and a name that tries to look like a path",
}


@dataclass
class Filled:
    vault: Vault
    log: Incidents
    incident: Incident
    originals: dict[str, bytes]

    def export(self, out: Path, **options: object) -> ep.PackResult:
        return export_pack(self.log, self.vault.snapshot().records, self.incident.id, out,
                           **options)  # type: ignore[arg-type]


def fill(vault: Vault, folder: Path) -> Filled:
    log = Incidents(vault)
    incident = log.add(category="doxing", platform="X", when=WHEN,
                       description="Home address posted.\n# not a heading",
                       urls=["https://x.example/post/1"], usernames=["@baddie"],
                       references=[Reference("police", "CR/12345/26")])
    folder.mkdir()
    for name, data in ORIGINALS.items():
        (folder / name).write_bytes(data)
        log.add_file(incident.id, folder / name, captured_by="Sam", method="screenshot")
    log.add_url(incident.id, "https://x.example/post/2", captured_by="=HYPERLINK(1)")
    log.add_note(incident.id, "They phoned the office twice.")
    return Filled(vault, log, incident, dict(ORIGINALS))


@pytest.fixture
def filled(vault: Vault, tmp_path: Path) -> Filled:
    return fill(vault, tmp_path / "originals")


def pack_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def zip_of(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def codes(report: PackReport) -> set[tuple[str, str | None]]:
    return {(f.code, f.path) for f in report.findings}


# --- round trips ---


def test_folder_pack_round_trip(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "pack"
    result = filled.export(out, exported_by="Sam")
    assert (result.container, result.items, result.files, result.handling_recorded) == (
        "folder", 5, 3, True)
    ident = public_identity(filled.vault.snapshot().records)
    assert result.fingerprint == ident.fingerprint
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    files = pack_files(out)
    assert all(stat.S_IMODE((out / name).stat().st_mode) == 0o600 for name in files)
    manifest = json.loads(files["manifest.json"])
    assert (manifest["format"], manifest["version"]) == ("frontline-kit-evidence-pack", 1)
    assert manifest["signer"]["fingerprint"] == ident.fingerprint
    assert manifest["incident"]["references"] == [
        {"kind": "police", "value": "CR/12345/26", "note": ""}]
    # every file in the pack is listed with its size and hash, and nothing else is there
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(files) == {*listed, "manifest.json", "manifest.sig"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest()
        assert entry["size"] == len(files[name])
    # each evidence file is the original, byte for byte, under a safe made-up name
    by_item = {e["id"]: e for e in manifest["evidence"]}
    evidence_files = [f for f in manifest["files"] if f["role"] == "evidence"]
    assert len(evidence_files) == 3
    for entry in evidence_files:
        assert PACK_NAME.match(entry["path"]), entry["path"]
        item = by_item[entry["evidence_id"]]
        assert files[entry["path"]] == ORIGINALS[item["file_name"]]
        assert item["sha256"] == entry["sha256"] and item["pack_path"] == entry["path"]
    kinds = sorted(e["kind"] for e in manifest["evidence"])
    assert kinds == ["file", "file", "file", "note", "url"]
    assert all(e["handling"][-1]["action"] == "exported" for e in manifest["evidence"])
    # the custody log is in the pack and in the vault
    rows = list(csv.DictReader(io.StringIO(files["handling-log.csv"].decode())))
    assert sorted(r["action"] for r in rows) == ["added"] * 5 + ["exported"] * 5
    assert "'=HYPERLINK(1)" in {r["by"] for r in rows}  # no formula for a spreadsheet
    for item in filled.log.evidence(filled.incident.id):
        assert [h.action for h in item.handling] == ["added", "exported"]
        assert item.handling[-1].by == "Sam" and str(out.resolve()) in item.handling[-1].detail
    summary = files["SUMMARY.md"].decode()
    assert ident.fingerprint in summary and "CR/12345/26" in summary
    assert "    # not a heading" in summary  # free text kept out of the markup
    assert all(e["sha256"] in summary for e in evidence_files)

    report = verify_pack(out, expected_fingerprint=ident.fingerprint.replace(" ", "").upper())
    assert report.intact and report.findings == () and report.signature_valid
    assert report.signer_fingerprint == ident.fingerprint
    assert [f.status for f in report.files] == ["ok"] * 5
    assert report.incident is not None and report.incident["id"] == filled.incident.id


def test_zip_pack_round_trip(filled: Filled, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    result = filled.export(out)
    assert result.container == "zip" and result.bytes == out.stat().st_size
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert names[:4] == ["manifest.json", "manifest.sig", "SUMMARY.md", "handling-log.csv"]
        assert all(PACK_NAME.match(n) for n in names[4:]) and len(names) == 7
        assert sorted(zf.read(n) for n in names[4:]) == sorted(ORIGINALS.values())
    report = verify_pack(out)
    assert report.intact and report.container == "zip"
    with pytest.raises(KitError, match="already exists"):
        filled.export(out)
    # the vault itself (or a workspace) may stand in for its records
    again = export_pack(filled.log, filled.vault, filled.incident.id, out, force=True)
    assert again.container == "zip" and verify_pack(out).intact


def test_a_removal_request_that_cannot_be_read_is_said_not_left_out_silently(
        filled: Filled, tmp_path: Path) -> None:
    assert filled.export(tmp_path / "clean.zip").notes() == []
    filled.vault.put("removal", {"shape": "from a newer kit"})
    result = filled.export(tmp_path / "pack.zip")
    assert result.removals_unreadable == 1
    assert result.to_json()["removal_requests_unreadable"] == 1
    (note,) = result.notes()
    assert note.startswith("1 removal request in this vault could not be read")
    assert verify_pack(tmp_path / "pack.zip").intact  # the pack itself is whole


AGE = shutil.which("age")


def test_age_pack_round_trip(filled: Filled, tmp_path: Path) -> None:
    """Sealed at the tests' low scrypt cost (conftest's cheap_age_sealing), read back by the
    kit and opened by the age binary (or pyrage, without it). Sealing at pyrage's own cost,
    about a second for each scrypt, is covered where the command runs as a person runs it
    (tests/incidents/test_incident_cli.py) and by the backups (tests/vault/test_age_interop.py)."""
    out = tmp_path / "pack.age"
    result = filled.export(out, encrypt_passphrase=PACK_PASSPHRASE)
    sealed = out.read_bytes()
    assert result.container == "age" and sealed.startswith(b"age-encryption.org/v1\n-> scrypt ")
    for original in ORIGINALS.values():
        assert original not in sealed
    report = verify_pack(out, passphrase=PACK_PASSPHRASE)
    assert report.intact and report.container == "age"

    inner = tmp_path / "inner.zip"
    if AGE is None:  # .ci/run installs it; without it, pyrage alone opens the pack
        inner.write_bytes(pyrage.passphrase.decrypt(sealed, PACK_PASSPHRASE))
    else:
        from tests.vault.age_tool import age_on_terminal

        code, said = age_on_terminal(["-d", "-o", str(inner), str(out)],
                                     [(b"Enter passphrase", PACK_PASSPHRASE)])
        assert code == 0, said
    assert verify_pack(inner).intact
    with zipfile.ZipFile(inner) as zf:
        assert {zf.read(n) for n in zf.namelist() if n.startswith("files/")} == set(
            ORIGINALS.values())
    if AGE is None:
        pytest.skip("the `age` binary is not installed (.ci/run installs it)")


def test_an_age_pack_needs_its_passphrase(filled: Filled, tmp_path: Path) -> None:
    """Sealed at a cheap scrypt cost (conftest's cheap_age_sealing): a wrong passphrase, none,
    and a header asking for far more work are each refused for what they are."""
    out = tmp_path / "pack.age"
    filled.export(out, encrypt_passphrase=PACK_PASSPHRASE)
    sealed = out.read_bytes()
    assert verify_pack(out, passphrase=PACK_PASSPHRASE).intact
    with pytest.raises(WrongSecret, match="wrong passphrase"):
        verify_pack(out, passphrase="not the passphrase")
    with pytest.raises(UsageError, match="encrypted"):
        verify_pack(out)
    assert ep.is_encrypted_pack(out) and not ep.is_encrypted_pack(tmp_path / "originals")

    head, stanza, rest = sealed.split(b"\n", 2)
    costly = tmp_path / "costly.age"  # an scrypt cost of 2^40: refused, not attempted
    costly.write_bytes(b"\n".join([head, stanza.rsplit(b" ", 1)[0] + b" 40", rest]))
    with pytest.raises(BadInput, match="far more work"):
        verify_pack(costly, passphrase=PACK_PASSPHRASE)


def test_export_refusals_and_failures_leave_nothing(filled: Filled, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "taken").mkdir()
    with pytest.raises(KitError, match="already exists"):
        filled.export(tmp_path / "taken")
    with pytest.raises(KitError, match="does not exist"):
        filled.export(tmp_path / "no" / "pack.zip")
    with pytest.raises(UsageError, match="--encrypt"):
        filled.export(tmp_path / "pack.age")
    with pytest.raises(UsageError, match=r"ending in \.age"):
        filled.export(tmp_path / "pack.zip", encrypt_passphrase=PACK_PASSPHRASE)
    monkeypatch.setattr(ep, "MAX_PACK_BYTES", 1000)
    with pytest.raises(KitError, match="more than one pack holds"):
        filled.export(tmp_path / "big.zip")
    monkeypatch.undo()

    real = filled.log.file_bytes
    calls = []

    def fail_on_second(item: object) -> bytes:
        calls.append(item)
        if len(calls) == 2:
            raise RecordDamaged("stored file is damaged", "x")
        return real(item)  # type: ignore[arg-type]

    monkeypatch.setattr(filled.log, "file_bytes", fail_on_second)
    for out in (tmp_path / "half", tmp_path / "half.zip"):
        calls.clear()
        with pytest.raises(RecordDamaged):
            filled.export(out)
        assert not out.exists() and not out.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "originals", "taken"]
    for item in filled.log.evidence(filled.incident.id):
        assert [h.action for h in item.handling] == ["added"]  # no export was noted


# --- tampering: each reported distinctly, in a folder and in a zip ---


def _edit_manifest(files: dict[str, bytes], resign_hash: bool) -> None:
    doc = json.loads(files["manifest.json"])
    doc["incident"]["platform"] = "Y"
    files["manifest.json"] = (json.dumps(doc, indent=2) + "\n").encode()
    if resign_hash:
        lines = files["manifest.sig"].decode().splitlines()
        lines[1] = "manifest-sha256: " + hashlib.sha256(files["manifest.json"]).hexdigest()
        files["manifest.sig"] = ("\n".join(lines) + "\n").encode()


def _flip_signature(files: dict[str, bytes]) -> None:
    lines = files["manifest.sig"].decode().splitlines()
    key, sig = lines[2].split(": ")
    lines[2] = f"{key}: {'B' if sig[0] == 'A' else 'A'}{sig[1:]}"
    files["manifest.sig"] = ("\n".join(lines) + "\n").encode()


def _first_evidence(files: dict[str, bytes]) -> str:
    return min(name for name in files if name.startswith("files/"))


def _change(files: dict[str, bytes]) -> None:
    name = _first_evidence(files)
    data = bytearray(files[name])
    data[len(data) // 2] ^= 0x01  # same size, one bit different
    files[name] = bytes(data)


Tamper = Callable[[dict[str, bytes]], None]
TAMPERING: dict[str, tuple[Tamper, Callable[[dict[str, bytes]], set[tuple[str, str | None]]]]] = {
    "changed file": (_change, lambda f: {("changed", _first_evidence(f))}),
    "removed file": (lambda f: f.pop(_first_evidence(f)) and None,
                     lambda f: {("missing", _first_evidence(f))}),
    "added file": (lambda f: f.update({"files/99-extra.png": b"planted"}),
                   lambda f: {("added", "files/99-extra.png")}),
    "edited summary": (lambda f: f.update({"SUMMARY.md": f["SUMMARY.md"] + b"\nedited"}),
                       lambda f: {("changed", "SUMMARY.md")}),
    "edited manifest": (lambda f: _edit_manifest(f, resign_hash=False),
                        lambda f: {("manifest_edited", "manifest.json")}),
    "manifest and its hash edited": (lambda f: _edit_manifest(f, resign_hash=True),
                                     lambda f: {("signature_bad", "manifest.sig")}),
    "bad signature": (_flip_signature, lambda f: {("signature_bad", "manifest.sig")}),
    "damaged signature file": (lambda f: f.update({"manifest.sig": b"garbage"}),
                               lambda f: {("signature_bad", "manifest.sig")}),
    "signature removed": (lambda f: f.pop("manifest.sig") and None,
                          lambda f: {("signature_missing", "manifest.sig")}),
    "manifest removed": (lambda f: f.pop("manifest.json") and None,
                         lambda f: {("manifest_missing", "manifest.json")}),
    "manifest truncated": (lambda f: f.update({"manifest.json": f["manifest.json"][:100]}),
                           lambda f: {("manifest_edited", "manifest.json")}),
}


@pytest.fixture
def pristine(filled: Filled, tmp_path: Path) -> dict[str, bytes]:
    filled.export(tmp_path / "pristine")
    return pack_files(tmp_path / "pristine")


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize("container", ["folder", "zip"])
@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_each_kind_of_tampering_is_reported(pristine: dict[str, bytes], tmp_path: Path,
                                            case: str, container: str) -> None:
    tamper, expected = TAMPERING[case]
    files = dict(pristine)
    want = expected(files)  # named before the change (a removed file is gone after)
    tamper(files)
    if container == "folder":
        pack = write_folder(tmp_path / "tampered", files)
    else:
        pack = tmp_path / "tampered.zip"
        pack.write_bytes(zip_of(files))
    report = verify_pack(pack)
    assert codes(report) == want
    assert not report.intact
    if case in ("changed file", "removed file", "added file", "edited summary"):
        assert report.signature_valid  # the files changed, the signed manifest did not
    assert all(f.message for f in report.findings)


def test_signed_by_another_vault_is_caught_by_the_fingerprint(
        pristine: dict[str, bytes], filled: Filled, tmp_path: Path) -> None:
    """Anyone can make a pack that checks out against its own key: the fingerprint is what
    says whose key it is."""
    other, _ = Vault.create(tmp_path / "other-vault", PASSPHRASE, "minimum")
    with other:
        forged = fill(other, tmp_path / "other-originals")
        forged.export(tmp_path / "forged")
        theirs = public_identity(other.snapshot().records).fingerprint
    mine = public_identity(filled.vault.snapshot().records).fingerprint
    assert verify_pack(tmp_path / "forged").intact  # consistent in itself ...
    report = verify_pack(tmp_path / "forged", expected_fingerprint=mine)
    assert codes(report) == {("signer_mismatch", None)}  # ... but not signed by me
    assert report.signer_fingerprint == theirs != mine


# --- unsafe packs are refused, nothing is extracted ---


def crafted_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


def symlink_entry(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


@pytest.mark.parametrize(("entries", "message"), [
    ([("/etc/evil", b"x")], "absolute path"),
    ([("../evil", b"x")], "climbs out"),
    ([("files/../../evil", b"x")], "climbs out"),
    ([("C:/evil", b"x")], "drive"),
    ([("C:evil", b"x")], "drive"),
    ([("files\\..\\evil", b"x")], "backslash"),
    ([("files//evil", b"x")], "empty or '.'"),
    ([("files/\x1b[2Jevil", b"x")], "control characters"),
    ([symlink_entry("files/evil", "/etc/passwd")], "symbolic link"),
    ([("manifest.json", b"{}"), ("manifest.json", b"{}")], "more than once"),
    ([("files/A.png", b"x"), ("files/a.png", b"y")], "more than once"),
])
def test_unsafe_zip_entries_are_refused(tmp_path: Path,
                                        entries: list[tuple[str | zipfile.ZipInfo, bytes]],
                                        message: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    pack = crafted_zip(work / "pack.zip", entries)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    with pytest.raises(BadInput, match=message) as caught:
        verify_pack(pack)
    assert "\x1b" not in caught.value.message  # names are shown safely
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing extracted
    assert not Path("/etc/evil").exists()


def test_size_and_count_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ep, "MAX_MEMBER_BYTES", 100)
    big = crafted_zip(tmp_path / "big.zip", [("manifest.json", b"{}"), ("files/x", b"x" * 101)])
    with pytest.raises(BadInput, match="more than the kit reads"):
        verify_pack(big)
    folder = write_folder(tmp_path / "bigfolder", {"manifest.json": b"{}", "files/x": b"x" * 101})
    with pytest.raises(BadInput, match="more than the kit reads"):
        verify_pack(folder)
    monkeypatch.undo()
    monkeypatch.setattr(ep, "MAX_PACK_BYTES", 150)
    total = crafted_zip(tmp_path / "total.zip", [(f"f{n}", b"x" * 60) for n in range(3)])
    with pytest.raises(BadInput, match="more than the kit reads"):
        verify_pack(total)
    monkeypatch.undo()
    monkeypatch.setattr(ep, "MAX_ENTRIES", 3)
    many = crafted_zip(tmp_path / "many.zip", [(f"f{n}", b"") for n in range(4)])
    with pytest.raises(BadInput, match="entries"):
        verify_pack(many)
    monkeypatch.undo()
    monkeypatch.setattr(ep, "MAX_MANIFEST_BYTES", 10)
    manifest = crafted_zip(tmp_path / "manifest.zip", [("manifest.json", b"{" + b" " * 20)])
    with pytest.raises(BadInput, match="larger than the kit reads"):
        verify_pack(manifest)


def test_a_deflate_bomb_is_stopped_at_the_cap(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A member whose header lies about its size is still read only up to the cap."""
    pack = tmp_path / "bomb.zip"
    with zipfile.ZipFile(pack, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr("files/bomb", b"\0" * 5_000_000)
    monkeypatch.setattr(ep, "MAX_MEMBER_BYTES", 1_000_000)
    with pytest.raises(BadInput, match="more than the kit reads"):
        verify_pack(pack)


def test_unsafe_folders_are_refused(pristine: dict[str, bytes], tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("not part of the pack")
    linked = write_folder(tmp_path / "linked", pristine)
    (linked / "files" / "link.png").symlink_to(secret)
    with pytest.raises(BadInput, match="symbolic link"):
        verify_pack(linked)
    dir_linked = write_folder(tmp_path / "dirlinked", pristine)
    (dir_linked / "more").symlink_to(tmp_path / "originals", target_is_directory=True)
    with pytest.raises(BadInput, match="symbolic link"):
        verify_pack(dir_linked)
    piped = write_folder(tmp_path / "piped", pristine)
    os.mkfifo(piped / "files" / "pipe")
    with pytest.raises(BadInput, match="not a regular file"):
        verify_pack(piped)


def test_things_that_are_not_packs(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "empty").mkdir()
    crafted_zip(tmp_path / "other.zip", [("readme.txt", b"hi")])
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\0" * 40)
    (tmp_path / "fake.age").write_bytes(b"age-encryption.org/v1\n-> X25519 nonsense\n---\n")
    for name, message in [("nowhere", "does not exist"), ("notes.txt", "not an evidence pack"),
                          ("empty", "no manifest.json"), ("other.zip", "no manifest.json"),
                          ("broken.zip", "not a readable zip")]:
        with pytest.raises(BadInput, match=message):
            verify_pack(tmp_path / name)
    with pytest.raises(KitError):
        verify_pack(tmp_path / "fake.age", passphrase="whatever it is")


def test_a_newer_pack_format_is_named(filled: Filled, pristine: dict[str, bytes],
                                      tmp_path: Path) -> None:
    """A signed manifest with a higher version: said plainly, not called damage."""
    from kit.vault.identity import sign

    doc = json.loads(pristine["manifest.json"])
    doc["version"] = 2
    manifest = json.dumps(doc).encode()
    sig = sign(filled.vault.snapshot().records, ep.SIGNING_CONTEXT, manifest)
    import base64

    files = {**pristine, "manifest.json": manifest, "manifest.sig": (
        f"{ep.SIGNATURE_FORMAT}\nmanifest-sha256: {hashlib.sha256(manifest).hexdigest()}\n"
        f"signature: {base64.b64encode(sig).decode()}\n").encode()}
    with pytest.raises(KitError, match="version 2"):
        verify_pack(write_folder(tmp_path / "v2", files))


# --- fuzzing: whatever the bytes, a report or a clear error ---


@pytest.fixture(scope="module")
def zip_pack(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    work = tmp_path_factory.mktemp("fuzz")
    vault, _ = Vault.create(work / "vault", PASSPHRASE, "minimum")
    with vault:
        small = Filled(vault, Incidents(vault), Incidents(vault).add(
            category="threat", platform="X", when=WHEN), {})
        (work / "a.txt").write_bytes(b"evidence a")
        small.log.add_file(small.incident.id, work / "a.txt")
        small.export(work / "pack.zip")
    return (work / "pack.zip").read_bytes()



@contextlib.contextmanager
def as_file(data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "pack.zip"
        path.write_bytes(data)
        yield path


def only_clear_errors(data: bytes) -> None:
    with as_file(data) as path:
        try:
            report = verify_pack(path)
        except KitError as exc:  # BadInput, UnsupportedFormat ...: a message, no traceback
            assert exc.message and "\x1b" not in exc.message
            return
        assert not report.intact or report.findings == ()
        json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")  # printable


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1,
                      max_size=8),
       cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_fuzz_mutated_packs(zip_pack: bytes, edits: list[tuple[int, int]],
                            cut: int | None) -> None:
    data = bytearray(zip_pack)
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    only_clear_errors(bytes(data))


@FUZZ
@given(tail=st.binary(max_size=3000))
def test_fuzz_random_bytes(tail: bytes) -> None:
    only_clear_errors(b"PK\x03\x04" + tail)
    only_clear_errors(b"PK\x05\x06" + tail)


# zipfile itself cuts a name at a NUL, and cannot write an empty one
NAMES = st.text(alphabet="ab./\\:-_é\x00\x1b", min_size=1, max_size=12).filter(
    lambda name: not name.startswith("\x00"))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=10)
MANIFESTS = st.one_of(
    st.binary(max_size=200),
    st.fixed_dictionaries({}, optional={
        "format": st.sampled_from([ep.PACK_FORMAT, "other"]), "version": JSON,
        "files": st.lists(st.fixed_dictionaries({}, optional={
            "path": NAMES, "size": JSON, "sha256": st.sampled_from(["0" * 64, "x"])}),
            max_size=3) | JSON,
        "signer": JSON, "incident": JSON, "exported_at": JSON,
    }).map(lambda doc: json.dumps(doc).encode()),
)


@FUZZ
@given(entries=st.lists(st.tuples(NAMES, st.binary(max_size=64)), max_size=5),
       manifest=st.one_of(st.none(), MANIFESTS),
       signature=st.one_of(st.none(), st.binary(max_size=200), st.just(
           f"{ep.SIGNATURE_FORMAT}\nmanifest-sha256: {'0' * 64}\nsignature: {'A' * 88}\n"
           .encode())))
def test_fuzz_random_zips(entries: list[tuple[str, bytes]], manifest: bytes | None,
                          signature: bytes | None) -> None:
    if manifest is not None:
        entries = [*entries, ("manifest.json", manifest)]
    if signature is not None:
        entries = [*entries, ("manifest.sig", signature)]
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in entries:
                zf.writestr(name, data)
    only_clear_errors(buf.getvalue())
