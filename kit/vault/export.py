"""The escape hatch: the whole vault as one age file that the standard `age` tool opens.

The file is a passphrase-encrypted (scrypt recipient) age file holding the JSON export
described in docs/vault-format.md, section 9. It is built and read in memory only.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyrage

from kit.errors import BadInput, KitError, WrongSecret
from kit.plurals import counted
from kit.vault.store import Snapshot, Vault, WriteTxn

# What a caller says of a snapshot's records: one message for each that this kit cannot read.
# Each kind's shape is its repository's rule, above the vault (kit.workspace.unreadable_in).
Unreadable = Callable[[Vault, Snapshot], list[str]]

EXPORT_FORMAT = "frontline-kit-export"
EXPORT_VERSION = 1
_ID = re.compile(r"^[0-9a-f]{32}$")
_AGE_PREFIXES = (b"age-encryption.org/v1\n", b"-----BEGIN AGE ENCRYPTED FILE-----")
# Writing a backup builds the whole vault in memory, so no backup the kit wrote is larger.
MAX_BACKUP_BYTES = 2 * 1024 * 1024 * 1024


def export_document(vault: Vault) -> dict[str, Any]:
    """Every readable record and stored file; refuses if anything is damaged."""
    problems = vault.verify()
    if problems:
        raise KitError(
            f"the vault has damage, so no backup was written: {problems[0].message}. "
            "Run `kit vault verify` for the full list."
        )
    snap = vault.snapshot()
    records = []
    blobs: dict[str, str] = {}
    for record in sorted(snap.records.values(), key=lambda r: r.id):
        if record.kind == "blob":
            blobs[record.id] = base64.b64encode(vault.get_blob(record.id)).decode("ascii")
        else:
            records.append({"id": record.id, "kind": record.kind, "data": record.data})
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "vault_id": vault.vault_id.hex(),
        "records": records,
        "blobs": blobs,
    }


def write_backup(vault: Vault, out: Path, passphrase: str, *, overwrite: bool = False) -> int:
    """Encrypt the export to *out* (0600; never over an existing file unless *overwrite*);
    returns the file's size."""
    from kit.chosen_file import write_chosen_file

    payload = json.dumps(export_document(vault), ensure_ascii=False).encode("utf-8")
    sealed = pyrage.passphrase.encrypt(payload, passphrase)
    del payload
    write_chosen_file(out, sealed, overwrite=overwrite)
    return len(sealed)


def read_backup(path: Path, passphrase: str, *, allow_costly: bool = False) -> dict[str, Any]:
    """The export document in the backup at *path*. The file is checked to be an age file
    whose passphrase work is no more than the kit writes before any key is derived."""
    from kit.age_header import refuse_costly
    from kit.bounded_read import open_regular, read_limited
    from kit.outside_data import Malformed, parse_json

    with open_regular(path, MAX_BACKUP_BYTES, "kit backup") as fh:
        head = fh.read(64)
        if not head.startswith(_AGE_PREFIXES):
            raise BadInput(f"{path} is not an age-encrypted file, so it is not a kit backup")
        data = head + read_limited(fh, path, MAX_BACKUP_BYTES - len(head), "kit backup")
    refuse_costly(data, f"backup ({path})", allow_costly=allow_costly)
    try:
        plain = pyrage.passphrase.decrypt(data, passphrase)
    except pyrage.DecryptError as exc:
        raise WrongSecret(
            f"could not decrypt {path}: wrong passphrase, or the file is damaged or was "
            "encrypted to a key rather than a passphrase"
        ) from exc
    del data
    try:
        doc = parse_json(plain)
    except Malformed as exc:
        raise BadInput(f"{path} decrypted, but it does not hold a kit export (it "
                       f"{exc.reason})") from None
    return validate(doc, str(path))


def validate(doc: Any, source: str) -> dict[str, Any]:
    """Check an export document's shape, naming exactly what is wrong."""
    def bad(what: str) -> BadInput:
        return BadInput(f"{source}: {what}")

    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise bad("not a Frontline Kit export (the 'format' field is missing or different)")
    if type(doc.get("version")) is not int or doc.get("version") != EXPORT_VERSION:  # not 1.0
        raise bad(f"export version {doc.get('version')!r} is not one this kit reads")
    records, blobs = doc.get("records"), doc.get("blobs", {})
    if not isinstance(records, list) or not isinstance(blobs, dict):
        raise bad("'records' must be a list and 'blobs' an object")
    seen: set[str] = set()
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            raise bad(f"record {n} is not an object")
        rid, kind, data = record.get("id"), record.get("kind"), record.get("data")
        if not isinstance(rid, str) or not _ID.match(rid) or rid in seen:
            raise bad(f"record {n} has a missing, malformed or repeated id")
        if not isinstance(kind, str) or not kind or kind == "blob":
            raise bad(f"record {n} ({rid}) has a missing or reserved kind")
        if not isinstance(data, dict):
            raise bad(f"record {n} ({rid}) has no data object")
        seen.add(rid)
    for bid, encoded in blobs.items():
        if not _ID.match(bid) or bid in seen or not isinstance(encoded, str):
            raise bad(f"stored file {bid[:40]!r} has a malformed or repeated id")
        try:
            base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise bad(f"stored file {bid} is not valid base64") from exc
        seen.add(bid)
    if sum(1 for r in records if r["kind"] == "identity") > 1:
        raise bad("more than one identity record")
    return doc


def restore_into(vault: Vault, doc: dict[str, Any], unreadable: Unreadable) -> int:
    """Load an export into a freshly created vault, in one transaction; returns records loaded.
    Refuses, writing nothing, if any record is of a shape this kit cannot read (*unreadable*)."""
    _refuse_unreadable(vault, doc, unreadable)
    snap = vault.snapshot()
    own_identity = [r.id for r in snap.records.values() if r.kind == "identity"]
    has_identity = any(r["kind"] == "identity" for r in doc["records"])

    def load(txn: WriteTxn) -> int:
        if has_identity:
            for rid in own_identity:
                txn.delete(rid)
        for record in doc["records"]:
            txn.put_new(record["id"], record["kind"], record["data"])
        for bid, encoded in doc["blobs"].items():
            data = base64.b64decode(encoded)
            txn.put_blob(data, blob_id=bid)
        return len(doc["records"]) + len(doc["blobs"])

    return vault.write(load)


# How many unreadable records a refusal lists; the rest are counted.
_NAMED = 20


def _refuse_unreadable(vault: Vault, doc: dict[str, Any], unreadable: Unreadable) -> None:
    """Read every record of *doc* as its repository would (*unreadable*), before
    any is written. A record of the wrong shape is named and nothing is restored: restoring
    the rest would leave it out without the person deciding so, and storing it would leave a
    vault that warns about it forever. The backup file stays as it was, for a newer kit or
    `age -d` to read."""
    from kit.errors import VaultDamaged
    from kit.vault.identity import public_identity
    from kit.vault.store import Record

    records = {r["id"]: Record(r["id"], 1, r["kind"], r["data"]) for r in doc["records"]}
    messages = unreadable(vault, Snapshot(0, records))
    identity = [r.id for r in records.values() if r.kind == "identity"]
    if identity:
        try:
            public_identity(records)
        except VaultDamaged:
            messages.append(f"the vault's identity record {identity[0]} is malformed")
    if not messages:
        return
    listed = "\n".join(f"  - {m}" for m in messages[:_NAMED])
    if len(messages) > _NAMED:
        listed += f"\n  - and {len(messages) - _NAMED} more"
    raise BadInput(
        f"the backup holds {counted(len(messages), 'record')} this version of the kit cannot "
        "read, so "
        f"nothing was restored:\n{listed}\nThe backup file is unchanged. A newer version of "
        "the kit may read it, and `age -d` opens it to show what it holds.")
