"""Evidence packs: one incident, its files, their hashes and custody log, and a manifest signed
with the vault's Ed25519 key, so whoever receives the pack can check that nothing was changed,
removed or added since it left the kit.

Format v1 is specified in docs/evidence-pack-format.md. A pack is a folder, a zip file, or a
zip inside an age file (passphrase recipient) that the standard `age -d` opens.

Packs read back are untrusted input. Nothing is ever extracted to disk: zip members are read in
memory in chunks, a folder is read without following links, and every count and size is capped
before it is trusted. Entries that could escape a folder when unpacked by another tool (absolute
paths, '..', drive letters, links, duplicates) are refused outright.

Why one long module: it writes packs and reads them back, and the two halves are one format
(docs/evidence-pack-format.md): the reader must refuse exactly what the writer never makes. Kept
together, a change to one is made against the other.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import os
import re
import shutil
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from kit import __version__
from kit.chosen_file import check_chosen_path, write_chosen_file
from kit.errors import BadInput, KitError, UnsupportedFormat, UsageError, WrongSecret
from kit.outside_data import Malformed, parse_json
from kit.plurals import counted
from kit.records.incidents import EvidenceItem, HandlingEvent, Incident, Incidents
from kit.reports.plaintext import require_passphrase

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.removals.requests import Removal
    from kit.vault import Record
    from kit.vault.identity import PublicIdentity

PACK_FORMAT: Final = "frontline-kit-evidence-pack"
PACK_VERSION: Final = 1
SIGNATURE_FORMAT: Final = "frontline-kit-evidence-signature v1"
# Signed: this line, then the manifest's exact bytes (kit.vault.identity.sign).
SIGNING_CONTEXT: Final = b"frontline-kit/evidence-pack/v1/manifest\n"

MANIFEST: Final = "manifest.json"
SIGNATURE: Final = "manifest.sig"
SUMMARY: Final = "SUMMARY.md"
HANDLING_LOG: Final = "handling-log.csv"
FILES_DIR: Final = "files"

# Caps on reading a pack (and on writing one, so the kit never makes a pack it would refuse).
MAX_ENTRIES = 5000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_PACK_BYTES = 2 * 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_SIGNATURE_BYTES = 4096
_AGE_OVERHEAD = 1024 * 1024  # header and per-chunk tags around an age payload
_CHUNK = 1024 * 1024
_AGE_PREFIXES = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")
_SHA256 = re.compile(r"[0-9a-f]{64}")

CONTAINERS: Final = ("folder", "zip", "age")


@dataclass(frozen=True)
class PackResult:
    """What export_pack wrote."""

    path: Path
    container: str  # folder | zip | age
    incident_id: str
    items: int  # evidence items described
    files: int  # evidence files included
    bytes: int  # size of the zip or age file; for a folder, of everything in it
    manifest_sha256: str
    fingerprint: str  # the signer's, as `kit vault info` shows it
    exported_at: datetime
    handling_recorded: bool  # False: the pack is fine, but the custody log could not be updated
    handling_error: str = ""
    removals_unreadable: int = 0  # removal requests in the vault this kit cannot read: left out

    def notes(self) -> list[str]:
        """What the person should be told beside "written", in plain sentences: the same
        on the command line and in the app."""
        said = []
        if not self.handling_recorded:
            said.append("The pack is complete, but the export could not be noted in the "
                        f"custody log: {self.handling_error}")
        if self.removals_unreadable:
            said.append(f"{counted(self.removals_unreadable, 'removal request')} in this vault "
                        "could not be read, so any of them about this incident are not in the "
                        "pack. \"Check the vault\" says which.")
        return said

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "container": self.container,
                "incident_id": self.incident_id, "items": self.items, "files": self.files,
                "bytes": self.bytes, "manifest_sha256": self.manifest_sha256,
                "fingerprint": self.fingerprint, "exported_at": self.exported_at.isoformat(),
                "encrypted": self.container == "age",
                "handling_recorded": self.handling_recorded,
                "handling_error": self.handling_error or None,
                "removal_requests_unreadable": self.removals_unreadable}


@dataclass(frozen=True)
class Finding:
    """One thing verify found wrong. Codes: changed, missing, added, unreadable,
    manifest_edited, manifest_missing, signature_bad, signature_missing, signer_mismatch."""

    code: str
    path: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "path": self.path, "message": self.message}


@dataclass(frozen=True)
class FileCheck:
    """One file the manifest lists, as found in the pack."""

    path: str
    status: str  # ok | changed | missing | unreadable
    expected_size: int
    expected_sha256: str
    actual_size: int | None = None
    actual_sha256: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "expected_size": self.expected_size,
                "expected_sha256": self.expected_sha256, "actual_size": self.actual_size,
                "actual_sha256": self.actual_sha256}


@dataclass(frozen=True)
class PackReport:
    """What verify_pack found. Text in it comes from the pack: cleaned of control characters
    and cut short, but otherwise the pack's own word."""

    path: Path
    container: str
    signature_valid: bool
    signer_fingerprint: str | None
    format_version: int | None
    exported_at: str | None
    incident: Mapping[str, str] | None
    files: tuple[FileCheck, ...]
    findings: tuple[Finding, ...]

    @property
    def intact(self) -> bool:
        return self.signature_valid and not self.findings

    def to_json(self) -> dict[str, Any]:
        return {"pack": str(self.path), "container": self.container, "intact": self.intact,
                "signature_valid": self.signature_valid,
                "signer_fingerprint": self.signer_fingerprint,
                "format_version": self.format_version, "exported_at": self.exported_at,
                "incident": dict(self.incident) if self.incident is not None else None,
                "files": [f.to_json() for f in self.files],
                "findings": [f.to_json() for f in self.findings]}


# --- export ---


def container_for(out: Path, encrypted: bool) -> str:
    """folder, zip or age, from the name asked for; a mismatch is a usage error."""
    suffix = out.suffix.lower()
    if encrypted:
        if suffix != ".age":
            raise UsageError(f"an encrypted pack is one age file: give --out a name ending in "
                             f".age (not {out.name})")
        return "age"
    if suffix == ".age":
        raise UsageError(f"{out.name} ends in .age, but no passphrase was given to encrypt it "
                         "(use --encrypt)")
    return "zip" if suffix == ".zip" else "folder"


def check_target(out: Path, container: str, force: bool = False) -> None:
    """Refuse early, before any passphrase is asked or anything is read."""
    if not out.parent.is_dir():
        raise KitError(f"the folder {out.parent} does not exist; nothing was written")
    if container == "folder":
        if out.exists() or out.is_symlink():
            raise KitError(f"{out} already exists; give a new folder name (a folder pack is "
                           "never written into an existing one)")
    elif out.is_dir():
        raise KitError(f"{out} is a folder; give a file name to write")
    else:
        check_chosen_path(out, overwrite=force)


def export_pack(incidents: Incidents, records: Mapping[str, Record] | RecordSource,
                incident_id: str, out: Path, *, encrypt_passphrase: str | None = None,
                exported_by: str = "", force: bool = False,
                nation: str = "england") -> PackResult:
    """Write one incident's evidence pack to *out*: a folder, a .zip, or (with a passphrase)
    an .age file. *records* are the vault's decrypted records, or the vault or workspace
    they come from (for its signing key). Each item's custody log gains an "exported" line,
    in the pack and in the vault. The incident's removal requests go with it, their reply
    dates counted with *nation*'s bank holidays (kit.removals.deadlines)."""
    from kit.vault.identity import public_identity, sign

    if not isinstance(records, Mapping):
        records = records.snapshot().records
    out = Path(out).expanduser()
    container = container_for(out, encrypt_passphrase is not None)
    check_target(out, container, force)
    # Even sealed with a pack passphrase, a pack takes the evidence out of the vault: the
    # same rule as a plaintext export, so a keyring unlock is not enough.
    require_passphrase(incidents.vault)
    incident = incidents.get(incident_id)
    items = incidents.evidence(incident.id)
    total = sum(i.size for i in items)
    if total > MAX_PACK_BYTES or any(i.size > MAX_MEMBER_BYTES for i in items):
        raise KitError(f"this incident's files come to {total:,} bytes, more than one pack "
                       f"holds ({MAX_PACK_BYTES:,}); nothing was written")
    ident = public_identity(records)
    exported_at = datetime.now(UTC).replace(microsecond=0)
    event = HandlingEvent(exported_at, "exported", exported_by,
                          f"included in the {container} evidence pack {out.resolve()}")
    logged = [replace(item, handling=(*item.handling, event)) for item in items]
    paths = pack_paths(logged)

    from kit.removals.requests import for_incident

    removals, removals_unreadable = for_incident(records, incident.id)
    summary = summary_text(incident, logged, paths, exported_at, ident,
                           removals, nation).encode("utf-8")
    log = handling_csv(logged).encode("utf-8")
    listed: list[dict[str, Any]] = [_file_entry(SUMMARY, summary, "summary"),
                                    _file_entry(HANDLING_LOG, log, "handling-log")]
    for item in logged:
        if item.id in paths:
            listed.append({"path": paths[item.id], "size": item.size, "sha256": item.sha256,
                           "role": "evidence", "evidence_id": item.id})
    manifest = _manifest_bytes(incident, logged, paths, listed, exported_at, ident, removals,
                               nation)
    signature = sign(records, SIGNING_CONTEXT, manifest)
    manifest_sha = hashlib.sha256(manifest).hexdigest()
    sig_file = (f"{SIGNATURE_FORMAT}\nmanifest-sha256: {manifest_sha}\n"
                f"signature: {base64.b64encode(signature).decode('ascii')}\n").encode("ascii")

    def contents() -> Iterator[tuple[str, bytes]]:
        yield MANIFEST, manifest
        yield SIGNATURE, sig_file
        yield SUMMARY, summary
        yield HANDLING_LOG, log
        for item in logged:  # one stored file in memory at a time
            if item.id in paths:
                yield paths[item.id], incidents.file_bytes(item)

    if container == "folder":
        size = _write_folder(out, contents())
        written = out.resolve()
    else:
        payload = _zip_bytes(contents(), exported_at)
        if encrypt_passphrase is not None:
            import pyrage

            payload = pyrage.passphrase.encrypt(payload, encrypt_passphrase)
        size = len(payload)
        written = write_chosen_file(out, payload, overwrite=force)
    recorded, error = True, ""
    try:
        incidents.record_handling(items, event)
    except KitError as exc:  # the pack is complete and signed; say what was not noted
        recorded, error = False, exc.message
    return PackResult(written, container, incident.id, len(items), len(paths), size,
                      manifest_sha, ident.fingerprint, exported_at, recorded, error,
                      removals_unreadable)


def _file_entry(path: str, data: bytes, role: str) -> dict[str, Any]:
    return {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "role": role, "evidence_id": None}


def pack_paths(items: Sequence[EvidenceItem]) -> dict[str, str]:
    """Each file item's place in the pack: files/NN-<id>-<slug>.<ext>. Made only from a
    number, the item id and letters, digits and dashes of the original name, so no name can
    carry a path, and each is unique."""
    paths: dict[str, str] = {}
    files = [i for i in items if i.kind == "file" and i.blob_id]
    width = max(2, len(str(len(files))))
    for n, item in enumerate(files, 1):
        stem, dot, ext = item.file_name.rpartition(".")
        if not dot:
            stem, ext = item.file_name, ""
        slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40].strip("-") or "file"
        ext = ext.lower() if re.fullmatch(r"[a-z0-9]{1,10}", ext.lower()) else ""
        name = f"{n:0{width}d}-{item.id[:8]}-{slug}" + (f".{ext}" if ext else "")
        paths[item.id] = f"{FILES_DIR}/{name}"
    return paths


def _utc(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _block(text: str) -> list[str]:
    """Free text as an indented block: Markdown shows it as written, markup and all."""
    return [("    " + line) if line else "" for line in text.splitlines()] + [""]


def summary_text(incident: Incident, items: Sequence[EvidenceItem], paths: Mapping[str, str],
                 exported_at: datetime, ident: PublicIdentity,
                 removals: Sequence[Removal] = (), nation: str = "england") -> str:
    """SUMMARY.md: the pack for people to read."""
    lines = [
        f"# Evidence pack: {incident.category_label}",
        "",
        f"Exported {_utc(exported_at)} by Frontline Kit {__version__}. The manifest "
        "(manifest.json) is signed with the key whose fingerprint is:",
        "",
        f"    {ident.fingerprint}",
        "",
        "## How to check this pack",
        "",
        "Run `kit evidence verify PACK`; add `--fingerprint \"...\"` with the fingerprint the "
        "sender gives you to check who signed it. Without the kit, each file's SHA-256 is "
        "listed below and in manifest.json: `sha256sum FILE` (Linux), `shasum -a 256 FILE` "
        "(macOS) or `certutil -hashfile FILE SHA256` (Windows) prints it for comparison. "
        "The signature is described in the kit's docs/evidence-pack-format.md.",
        "",
        "## The incident",
        "",
        f"- Incident id: {incident.id}",
        f"- When: {_utc(incident.when)}",
        f"- Category: {incident.category_label}",
        f"- Platform: {incident.platform or 'not recorded'}",
        f"- Status: {incident.status_label}",
    ]
    if incident.urls:
        lines.append("- Web addresses:")
        lines += [f"    - <{url}>" for url in incident.urls]
    if incident.usernames:
        lines.append("- Usernames:")
        lines += [f"    - `{name}`" for name in incident.usernames]
    if incident.references:
        lines.append("- Reference numbers:")
        lines += [f"    - {r.kind_label}: `{r.value}`" + (f" ({r.note})" if r.note else "")
                  for r in incident.references]
    lines.append("")
    if incident.description:
        lines += ["Description:", "", *_block(incident.description)]
    lines += [f"## Evidence ({len(items)} item{'s' if len(items) != 1 else ''})", ""]
    if not items:
        lines += ["No evidence items were recorded for this incident.", ""]
    for n, item in enumerate(items, 1):
        lines += [f"### {n}. {item.kind_label}: {item.title or '(untitled)'}", "",
                  f"- Evidence id: {item.id}"]
        if item.id in paths:
            lines += [f"- File in this pack: `{paths[item.id]}` ({item.size:,} bytes)",
                      f"- Original file name: `{item.file_name}`",
                      f"- SHA-256 (of the original file): `{item.sha256}`"]
        if item.url:
            lines.append(f"- Web address: <{item.url}>")
        lines += [
            f"- Captured: {_utc(item.captured_at)} (from {item.captured_at_basis_label})",
            f"- Captured by: {item.captured_by or 'not recorded'}",
            f"- Method: {item.method or 'not recorded'}",
            f"- Added to the kit: {_utc(item.added)}",
            f"- Custody log: {len(item.handling)} entr{'ies' if len(item.handling) != 1 else 'y'}"
            " in handling-log.csv",
            "",
        ]
        if item.note:
            lines += ["Note:", "", *_block(item.note)]
    return "\n".join(lines + _removals_text(removals, nation))


def _removals_text(removals: Sequence[Removal], nation: str) -> list[str]:
    """What was asked of whom to take it down, and everything that happened since."""
    if not removals:
        return []
    lines = ["", f"## Removal requests ({len(removals)})", ""]
    for n, request in enumerate(removals, 1):
        lines += [f"### {n}. {request.target}: {request.asked_label}", "",
                  f"- Request id: {request.id}",
                  f"- Status: {request.status_label}"]
        if request.sent_on:
            lines.append(f"- Sent: {request.sent_on.isoformat()}")
        due = request.reply_due(nation)
        if due:
            lines.append(f"- Reply due by law: {due.isoformat()}"
                         + (" (extended by the organisation)" if request.extended else ""))
        if request.reference:
            lines.append(f"- Their reference: `{request.reference}`")
        if request.pages:
            lines.append("- Pages:")
            lines += [f"    - <{page}>" for page in request.pages]
        lines.append("- History:")
        lines += [f"    - {_utc(e.at)}: {e.what or e.status}" for e in request.history]
        lines.append("")
    return lines


def _cell(text: str) -> str:
    # A spreadsheet runs a cell starting with these as a formula; a leading apostrophe keeps
    # it as text (the format document says so).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def handling_csv(items: Sequence[EvidenceItem]) -> str:
    """handling-log.csv: every custody event of every item, oldest first."""
    rows = sorted(((h, item) for item in items for h in item.handling),
                  key=lambda pair: (pair[0].at, pair[1].added, pair[1].id))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["time_utc", "evidence_id", "evidence_title", "action", "by", "detail"])
    for event, item in rows:
        writer.writerow([event.at.astimezone(UTC).isoformat(), item.id, _cell(item.title),
                         _cell(event.action), _cell(event.by), _cell(event.detail)])
    return buf.getvalue()


def _manifest_bytes(incident: Incident, items: Sequence[EvidenceItem], paths: Mapping[str, str],
                    files: list[dict[str, Any]], exported_at: datetime,
                    ident: PublicIdentity, removals: Sequence[Removal] = (),
                    nation: str = "england") -> bytes:
    evidence = []
    for item in items:
        entry = item.to_json()
        del entry["blob_id"]  # the vault's own id: means nothing outside it
        entry["pack_path"] = paths.get(item.id)
        evidence.append(entry)
    doc = {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "exported_at": exported_at.isoformat(),
        "generator": f"Frontline Kit {__version__}",
        "signer": {"ed25519_public_key": base64.b64encode(ident.signing_key).decode("ascii"),
                   "age_recipient": ident.recipient, "fingerprint": ident.fingerprint},
        "incident": incident.to_json(),
        "evidence": evidence,
        "files": files,
    }
    if removals:
        # The private note stays in the vault: the pack says what was done, not what was felt.
        doc["removals"] = [{k: v for k, v in r.to_json(nation).items() if k != "note"}
                           for r in removals]
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _write_folder(out: Path, contents: Iterator[tuple[str, bytes]]) -> int:
    """Build the folder in place (0700, files 0600); on any failure remove all of it."""
    try:
        os.mkdir(out, 0o700)
    except FileExistsError:
        raise KitError(f"{out} already exists; give a new folder name") from None
    except OSError as exc:
        raise KitError(f"could not create {out}: {exc.strerror}; nothing was written") from exc
    size = 0
    try:
        os.chmod(out, 0o700)  # mkdir's mode is filtered by the umask
        for rel, data in contents:
            target = out.joinpath(*rel.split("/"))
            if not target.parent.is_dir():
                target.parent.mkdir(mode=0o700)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            with os.fdopen(os.open(target, flags, 0o600), "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            size += len(data)
        from kit.atomic import fsync_dir

        if (out / FILES_DIR).is_dir():
            fsync_dir(out / FILES_DIR)
        fsync_dir(out)
    except BaseException as exc:
        shutil.rmtree(out, ignore_errors=True)
        if isinstance(exc, OSError):
            raise KitError(f"could not write the pack in {out}: {exc.strerror}; the partial "
                           "folder was removed") from exc
        raise
    return size


def _zip_bytes(contents: Iterator[tuple[str, bytes]], when: datetime) -> bytes:
    stamp = when.astimezone(UTC)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
        for rel, data in contents:
            info = zipfile.ZipInfo(rel, date_time=(stamp.year, stamp.month, stamp.day,
                                                   stamp.hour, stamp.minute, stamp.second))
            # Evidence files are stored as they are: screenshots and videos are compressed
            # already, and deflating them cost most of the export time for no smaller pack.
            info.compress_type = (zipfile.ZIP_STORED if rel.startswith("files/")
                                  else zipfile.ZIP_DEFLATED)
            info.external_attr = (stat.S_IFREG | 0o600) << 16
            zf.writestr(info, data)
    return buf.getvalue()


# --- reading a pack (untrusted) ---

# Everything the zip and zlib modules raise on malformed input, so a crafted file is a clear
# error and never a traceback (the fuzz test in tests/incidents holds this to account).
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
                ValueError, NotImplementedError, RuntimeError, struct.error, OverflowError,
                KeyError, IndexError, TypeError)


class _Unreadable(Exception):
    """One member of the pack could not be read."""


def clean(text: str, limit: int = 200) -> str:
    """Text from a pack, safe to print: no control characters (a terminal would obey them),
    no unpaired surrogates, at most *limit* characters."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = "".join(c if c.isprintable() or c == " " else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(name: str) -> str:
    return repr(clean(name, 120))


class _Pack:
    container = ""

    def __init__(self) -> None:
        self.members: dict[str, int] = {}  # regular files: path -> declared size

    def _stream(self, name: str) -> Iterator[bytes]:
        raise NotImplementedError

    def _chunks(self, name: str, limit: int) -> Iterator[bytes]:
        seen = 0
        try:
            for chunk in self._stream(name):
                seen += len(chunk)
                if seen > limit:
                    raise BadInput(f"{_show(name)} in the pack is larger than the kit reads "
                                   f"({limit:,} bytes at most); it was refused")
                yield chunk
        except _READ_ERRORS as exc:
            raise _Unreadable(str(exc)) from exc

    def read(self, name: str, limit: int) -> bytes:
        return b"".join(self._chunks(name, limit))

    def digest(self, name: str) -> tuple[str, int]:
        h = hashlib.sha256()
        size = 0
        for chunk in self._chunks(name, MAX_MEMBER_BYTES):
            h.update(chunk)
            size += len(chunk)
        return h.hexdigest(), size


def unsafe_name(name: str) -> str | None:
    """Why a zip entry's name is refused, or None. A pack only ever holds plain relative
    names; anything else could write outside the folder of whoever unpacks it."""
    if not name:
        return "has an empty name"
    if len(name) > 1024:
        return "has a name over 1,024 characters"
    if any(not c.isprintable() for c in name):
        return "has control characters in its name"
    if "\\" in name:
        return "uses backslashes (a Windows path)"
    if name.startswith("/"):
        return "has an absolute path"
    if ":" in name:
        return "names a drive or contains a colon"
    parts = (name[:-1] if name.endswith("/") else name).split("/")
    if ".." in parts:
        return "climbs out of the pack with '..'"
    if any(part in ("", ".") for part in parts):
        return "has an empty or '.' part in its path"
    return None


class _ZipPack(_Pack):
    def __init__(self, zf: zipfile.ZipFile, container: str) -> None:
        super().__init__()
        self.zf, self.container = zf, container
        self._infos: dict[str, zipfile.ZipInfo] = {}
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BadInput(f"the pack has {len(infos):,} entries, more than the kit reads "
                           f"({MAX_ENTRIES:,}); it was refused")
        folded: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            why = unsafe_name(name)
            if why:
                raise BadInput(f"refused: the zip entry {_show(name)} {why}. Evidence packs "
                               "never contain such names; nothing was extracted")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise BadInput(f"refused: the zip entry {_show(name)} is a symbolic link. "
                               "Evidence packs never contain links; nothing was extracted")
            if info.flag_bits & 0x1:
                raise BadInput(f"refused: the zip entry {_show(name)} is encrypted with a zip "
                               "password; evidence packs are never made that way")
            key = name.rstrip("/").casefold()
            if key in folded:
                raise BadInput(f"refused: the name {_show(name)} appears more than once in the "
                               "zip, so it is unclear which copy is meant")
            folded.add(key)
            if info.is_dir():
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                raise BadInput(f"refused: the zip entry {_show(name)} is {info.file_size:,} "
                               f"bytes unpacked, more than the kit reads "
                               f"({MAX_MEMBER_BYTES:,})")
            total += info.file_size
            if total > MAX_PACK_BYTES:
                raise BadInput(f"refused: the zip unpacks to more than the kit reads "
                               f"({MAX_PACK_BYTES:,} bytes)")
            self.members[name] = info.file_size
            self._infos[name] = info

    def _stream(self, name: str) -> Iterator[bytes]:
        with self.zf.open(self._infos[name]) as fh:
            while chunk := fh.read(_CHUNK):
                yield chunk


class _FolderPack(_Pack):
    container = "folder"

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root
        total = 0

        def failed(exc: OSError) -> None:
            raise BadInput(f"could not read {exc.filename}: {exc.strerror}")

        for dirpath, dirnames, filenames in os.walk(root, onerror=failed, followlinks=False):
            for name in [*dirnames, *filenames]:
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, root).replace(os.sep, "/")
                try:
                    st = os.lstat(full)
                except OSError as exc:
                    raise BadInput(f"could not read {_show(rel)} in the pack: "
                                   f"{exc.strerror}") from exc
                if stat.S_ISLNK(st.st_mode):
                    raise BadInput(f"refused: {_show(rel)} in the pack is a symbolic link. "
                                   "Evidence packs never contain links, and the kit does not "
                                   "follow them out of the folder")
                if name in dirnames and stat.S_ISDIR(st.st_mode):
                    continue
                if not stat.S_ISREG(st.st_mode):
                    raise BadInput(f"refused: {_show(rel)} in the pack is not a regular file")
                if len(self.members) >= MAX_ENTRIES:
                    raise BadInput(f"the folder holds more than {MAX_ENTRIES:,} files, more "
                                   "than the kit reads; it was refused")
                if st.st_size > MAX_MEMBER_BYTES:
                    raise BadInput(f"refused: {_show(rel)} is {st.st_size:,} bytes, more than "
                                   f"the kit reads ({MAX_MEMBER_BYTES:,})")
                total += st.st_size
                if total > MAX_PACK_BYTES:
                    raise BadInput(f"refused: the folder holds more than the kit reads "
                                   f"({MAX_PACK_BYTES:,} bytes)")
                self.members[rel] = st.st_size

    def _stream(self, name: str) -> Iterator[bytes]:
        flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_BINARY", 0))
        fd = os.open(self.root.joinpath(*name.split("/")), flags)
        with open(fd, "rb", closefd=True) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise OSError(f"{name} is not a regular file")
            while chunk := fh.read(_CHUNK):
                yield chunk


def is_encrypted_pack(path: Path) -> bool:
    """True for an age file (which needs a passphrase to verify)."""
    from kit.bounded_read import open_regular

    try:
        with open_regular(path, MAX_PACK_BYTES + _AGE_OVERHEAD, "evidence pack") as fh:
            return fh.read(64).startswith(_AGE_PREFIXES)
    except (KitError, OSError):  # a folder, a pipe, too large: verify_pack says which
        return False


def _open_zip(fileobj: BinaryIO, path: Path, container: str) -> _ZipPack:
    try:
        zf = zipfile.ZipFile(fileobj)
    except _READ_ERRORS as exc:
        raise BadInput(f"{path} is not a readable zip file ({clean(str(exc), 120)}); it "
                       "cannot be checked") from exc
    try:
        return _ZipPack(zf, container)
    except _READ_ERRORS as exc:
        raise BadInput(f"{path} is a damaged zip file ({clean(str(exc), 120)}); it cannot be "
                       "checked") from exc


def _open_pack(path: Path, passphrase: str | None, stack: ExitStack,
               allow_costly: bool = False) -> _Pack:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise BadInput(f"{path} does not exist") from None
    except OSError as exc:
        raise BadInput(f"could not read {path}: {exc.strerror}") from exc
    if stat.S_ISDIR(st.st_mode):
        return _FolderPack(path)
    from kit.age_header import refuse_costly
    from kit.bounded_read import open_regular, read_limited

    # Opened without blocking and checked again through the descriptor: a pipe or device put
    # in the file's place is refused, never waited on or read for ever.
    fh = stack.enter_context(open_regular(path, MAX_PACK_BYTES + _AGE_OVERHEAD, "evidence pack"))
    try:
        head = fh.read(64)
        fh.seek(0)
    except OSError as exc:
        raise BadInput(f"could not read {path}: {exc.strerror}") from exc
    if head.startswith(_AGE_PREFIXES):
        if passphrase is None:
            raise UsageError(f"{path} is encrypted; its passphrase is needed to check it")
        import pyrage

        sealed = read_limited(fh, path, MAX_PACK_BYTES + _AGE_OVERHEAD, "evidence pack")
        refuse_costly(sealed, f"evidence pack ({path})", allow_costly=allow_costly)
        try:
            plain = pyrage.passphrase.decrypt(sealed, passphrase)
        except pyrage.DecryptError as exc:
            if "work" in str(exc).lower():  # rage's own cap on the scrypt cost
                raise BadInput(f"{path} asks for far more work to decrypt than a pack made by "
                               "the kit; it was refused (it may be crafted to stall the "
                               "computer)") from exc
            raise WrongSecret(f"could not decrypt {path}: wrong passphrase, or the file is "
                              "damaged or was not encrypted with a passphrase") from exc
        except Exception as exc:  # any other failure of the age parser on a crafted header
            raise BadInput(f"{path} is a damaged age file and cannot be opened") from exc
        del sealed
        if not plain.startswith(b"PK"):
            raise BadInput(f"{path} decrypted, but it does not hold an evidence pack (a zip)")
        return _open_zip(io.BytesIO(plain), path, "age")
    if head.startswith(b"PK"):
        return _open_zip(fh, path, "zip")
    raise BadInput(f"{path} is not an evidence pack: it is not a folder, a zip file or an "
                   "age file")


def _signer(doc: object) -> tuple[bytes, str] | None:
    """The signing key and age recipient the manifest names, if well formed."""
    if not isinstance(doc, dict) or not isinstance(doc.get("signer"), dict):
        return None
    signer = doc["signer"]
    key, recipient = signer.get("ed25519_public_key"), signer.get("age_recipient")
    if not isinstance(key, str) or not isinstance(recipient, str) or not recipient.isascii():
        return None
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        return None
    return (raw, recipient) if len(raw) == 32 else None


def _signature_file(raw: bytes) -> tuple[str, bytes] | None:
    try:
        lines = raw.decode("ascii").splitlines()
    except UnicodeDecodeError:
        return None
    if len(lines) != 3 or lines[0] != SIGNATURE_FORMAT:
        return None
    sha_key, _, sha = lines[1].partition(": ")
    sig_key, _, sig = lines[2].partition(": ")
    if sha_key != "manifest-sha256" or sig_key != "signature" or not _SHA256.fullmatch(sha):
        return None
    try:
        signature = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError):
        return None
    return (sha, signature) if len(signature) == 64 else None


class _Malformed(Exception):
    pass


def _listed_files(doc: dict[str, Any]) -> list[tuple[str, int, str]]:
    files = doc.get("files")
    if not isinstance(files, list) or len(files) > MAX_ENTRIES:
        raise _Malformed("its list of files is missing or too long")
    listed: list[tuple[str, int, str]] = []
    seen: set[str] = set()
    for n, entry in enumerate(files):
        if not isinstance(entry, dict):
            raise _Malformed(f"file entry {n} is not an object")
        path, size, sha = entry.get("path"), entry.get("size"), entry.get("sha256")
        if (not isinstance(path, str) or unsafe_name(path) or path.endswith("/")
                or path in (MANIFEST, SIGNATURE) or path.casefold() in seen):
            raise _Malformed(f"file entry {n} has a missing, unsafe or repeated path")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise _Malformed(f"file entry {n} ({clean(path, 80)}) has no valid size")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise _Malformed(f"file entry {n} ({clean(path, 80)}) has no valid SHA-256")
        seen.add(path.casefold())
        listed.append((path, size, sha))
    return listed


def _incident_summary(doc: dict[str, Any]) -> dict[str, str] | None:
    incident = doc.get("incident")
    if not isinstance(incident, dict):
        return None
    return {key: clean(incident[key]) for key in ("id", "when", "category", "platform",
                                                  "status")
            if isinstance(incident.get(key), str)}


def normalise_fingerprint(text: str) -> str:
    return "".join(c for c in text.lower() if c in "0123456789abcdef")


def verify_pack(path: Path, *, passphrase: str | None = None,
                expected_fingerprint: str | None = None,
                allow_costly: bool = False) -> PackReport:
    """Check a pack's signature and every file against its manifest. Damage and tampering
    are findings in the report; a file that is not a pack, or one that is refused as
    unsafe, is an error (BadInput); a wrong passphrase is WrongSecret; a malformed
    *expected_fingerprint* is UsageError."""
    if expected_fingerprint is not None:
        from kit.supervision.cards import normalize_fingerprint

        # A fingerprint mistyped is a usage error, said before anything is opened: it must not
        # read as "signed by someone else".
        expected_fingerprint = normalize_fingerprint(expected_fingerprint)
    path = Path(path).expanduser()
    with ExitStack() as stack:
        pack = _open_pack(path, passphrase, stack, allow_costly)
        return _Verifier(path, pack, expected_fingerprint).run()


class _Verifier:
    def __init__(self, path: Path, pack: _Pack, expected: str | None) -> None:
        self.path, self.pack, self.expected = path, pack, expected
        self.findings: list[Finding] = []
        self.signature_valid = False
        self.fingerprint: str | None = None
        self.version: int | None = None
        self.exported_at: str | None = None
        self.incident: dict[str, str] | None = None
        self.files: list[FileCheck] = []

    def find(self, code: str, path: str | None, message: str) -> None:
        self.findings.append(Finding(code, path, message))

    def report(self) -> PackReport:
        if self.expected is not None:
            want = normalise_fingerprint(self.expected)
            got = normalise_fingerprint(self.fingerprint or "")
            if not self.signature_valid or want != got:
                self.find("signer_mismatch", None,
                          "the pack was not signed by the key with the fingerprint you gave"
                          + (f" (it names {self.fingerprint})" if self.fingerprint else ""))
        return PackReport(self.path, self.pack.container, self.signature_valid,
                          self.fingerprint, self.version, self.exported_at, self.incident,
                          tuple(self.files), tuple(self.findings))

    def _read(self, name: str, limit: int) -> bytes | None:
        try:
            return self.pack.read(name, limit)
        except _Unreadable as exc:
            self.find("unreadable", name, f"{name} could not be read: it is damaged "
                      f"({clean(str(exc), 120)})")
            return None

    def run(self) -> PackReport:
        members = self.pack.members
        if MANIFEST not in members:
            if SIGNATURE not in members:
                raise BadInput(f"{self.path} is not an evidence pack: it has no {MANIFEST}")
            self.find("manifest_missing", MANIFEST,
                      f"{MANIFEST} is missing, so none of the files can be checked")
            return self.report()
        raw = self._read(MANIFEST, MAX_MANIFEST_BYTES)
        if raw is None:
            return self.report()
        try:
            doc = parse_json(raw)
        except Malformed:
            doc = None
        self._check_signature(raw, doc)
        if not isinstance(doc, dict):
            if not any(f.code == "manifest_edited" for f in self.findings):
                self.find("manifest_edited", MANIFEST,
                          f"{MANIFEST} is damaged (it is not a JSON object), so none of the "
                          "files can be checked")
            return self.report()
        if doc.get("format") != PACK_FORMAT:
            if self.signature_valid:
                raise BadInput(f"{self.path} is not a Frontline Kit evidence pack (its "
                               "manifest names another format)")
            self.find("manifest_edited", MANIFEST, f"{MANIFEST} does not name the evidence "
                      "pack format; it was changed or replaced")
            return self.report()
        version = doc.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            self.version = version
            if version > PACK_VERSION and self.signature_valid:
                raise UnsupportedFormat(f"{self.path} is evidence pack format version "
                                        f"{version}; this kit reads version {PACK_VERSION}. "
                                        "Update the kit to check it.")
        if isinstance(doc.get("exported_at"), str):
            self.exported_at = clean(doc["exported_at"], 40)
        self.incident = _incident_summary(doc)
        try:
            listed = _listed_files(doc)
        except _Malformed as exc:
            if self.signature_valid:
                raise BadInput(f"{self.path}: the manifest is malformed ({exc}); the pack was "
                               "made wrongly and cannot be checked") from exc
            self.find("manifest_edited", MANIFEST, f"{MANIFEST} is malformed ({exc}); it was "
                      "changed after it was signed")
            return self.report()
        self._check_files(listed)
        return self.report()

    def _check_signature(self, raw: bytes, doc: object) -> None:
        from kit.vault.identity import PublicIdentity, verify_signature

        signer = _signer(doc)
        if signer is not None:
            self.fingerprint = PublicIdentity(signer[1], signer[0]).fingerprint
        if SIGNATURE not in self.pack.members:
            self.find("signature_missing", SIGNATURE, f"{SIGNATURE} is missing, so the "
                      "manifest cannot be trusted: anyone could have written it")
            return
        sig_raw = self._read(SIGNATURE, MAX_SIGNATURE_BYTES)
        if sig_raw is None:
            return
        parsed = _signature_file(sig_raw)
        if parsed is None:
            self.find("signature_bad", SIGNATURE, f"{SIGNATURE} is damaged: it is not a "
                      "signature the kit can read")
            return
        stated_sha, signature = parsed
        if stated_sha != hashlib.sha256(raw).hexdigest():
            self.find("manifest_edited", MANIFEST, f"{MANIFEST} was changed after it was "
                      "signed (its SHA-256 differs from the one recorded with the signature)")
            return
        if signer is None:
            self.find("signature_bad", SIGNATURE, f"{MANIFEST} names no usable signing key, "
                      "so its signature cannot be checked")
            return
        if not verify_signature(signer[0], SIGNING_CONTEXT, raw, signature):
            self.find("signature_bad", SIGNATURE, "the signature does not match the manifest: "
                      f"{SIGNATURE} was altered or replaced, or the manifest was changed "
                      "together with its recorded hash")
            return
        self.signature_valid = True

    def _check_files(self, listed: list[tuple[str, int, str]]) -> None:
        members = self.pack.members
        for path, size, sha in listed:
            if path not in members:
                self.files.append(FileCheck(path, "missing", size, sha))
                self.find("missing", path, f"{path} is listed in the manifest but is not in "
                          "the pack")
                continue
            try:
                actual_sha, actual_size = self.pack.digest(path)
            except _Unreadable as exc:
                self.files.append(FileCheck(path, "unreadable", size, sha))
                self.find("unreadable", path, f"{path} could not be read: it is damaged "
                          f"({clean(str(exc), 120)})")
                continue
            if actual_sha == sha and actual_size == size:
                self.files.append(FileCheck(path, "ok", size, sha, actual_size, actual_sha))
                continue
            self.files.append(FileCheck(path, "changed", size, sha, actual_size, actual_sha))
            what = (f"its size is {actual_size:,} bytes, not {size:,}" if actual_size != size
                    else "its SHA-256 differs from the manifest's")
            self.find("changed", path, f"{path} has been changed: {what}")
        expected = {path for path, _s, _h in listed} | {MANIFEST, SIGNATURE}
        for name in sorted(set(members) - expected):
            shown = clean(name)
            self.find("added", shown, f"{shown} is in the pack but not in the manifest (it "
                      "was added afterwards)")
