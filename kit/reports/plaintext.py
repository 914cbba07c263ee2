"""Writing a file the user asked for in plain form: an export, a letter, a printable plan.

Every such file leaves the vault's protection, so each goes through here: never over an
existing file unless asked, readable by the owner only, written whole or not at all, and
announced with a warning that names the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from kit.errors import KitError


def warning(what: str, path: Path) -> str:
    """The one warning every plaintext export shows."""
    return (f"WARNING: {path} is NOT encrypted. Anyone who can read the file can read {what}. "
            "Keep it somewhere safe and delete it when you no longer need it.")


def write_plaintext(path: Path, data: bytes, force: bool = False) -> Path:
    """Write *data* to *path* (mode 0600), atomically; refuse an existing file unless *force*."""
    path = path.expanduser()
    if path.is_dir():
        raise KitError(f"{path} is a folder; give a file name to write")
    if path.exists() and not force:
        raise KitError(f"{path} already exists; add --force to overwrite it")
    if not path.parent.is_dir():
        raise KitError(f"the folder {path.parent} does not exist; nothing was written")
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise KitError(f"could not write {path}: {exc.strerror}; nothing was written") from exc
    return path.resolve()
