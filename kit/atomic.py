"""Durable, atomic replacement of small files: the vault header, config.toml, a file the user
chose. It sits below the vault (kit.vault, kit.config and kit.chosen_file all use it).

The sequence is the one that survives a power cut: a temp file in the same directory, written
and fsynced, then os.replace, then an fsync of the directory so the rename itself is durable.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import time
from pathlib import Path

TEMP_SUFFIX = ".flk-tmp"


def _fsync_file(fd: int) -> None:
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        import fcntl

        # A plain fsync on macOS does not flush the drive's cache.
        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or create in *path* durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace(src: Path, dst: Path) -> None:
    # On Windows an indexer or antivirus can hold the target for a moment.
    for attempt in range(10):
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 9:
                raise
            time.sleep(0.05 * (attempt + 1))


def _write_temp(path: Path, data: bytes) -> Path:
    """*data* in a new, fsynced temp file (mode 0600) beside *path*; the caller places it."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # exactly 0600, whatever the umask took away
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            _fsync_file(fd)
        finally:
            os.close(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def write_atomic(path: Path, data: bytes) -> None:
    """Replace *path* with *data* so that a crash leaves either the old or the new content."""
    tmp = _write_temp(path, data)
    try:
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def sweep_temp_files(directory: Path) -> int:
    """Remove temp files a crash left behind. They hold only ciphertext, never plaintext."""
    removed = 0
    for leftover in directory.glob(f".*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed


def create_atomic(path: Path, data: bytes) -> None:
    """Create *path* holding *data*, whole or not at all, only if nothing is there yet.

    Raises FileExistsError if *path* exists, even if it appeared a moment ago: checking first
    and then renaming would replace a file made in between, so the finished temp file is
    hard-linked to *path* instead, which the OS refuses atomically when the name is taken.
    Some file systems (FAT and exFAT USB sticks, some network shares) have no hard links;
    there the name is first claimed with O_EXCL (just as atomic) and the temp file then
    renamed over that empty claim. A crash in that short gap leaves an empty file under the
    new name, never a lost one.
    """
    tmp = _write_temp(path, data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except (OSError, AttributeError):  # no hard links here (or no os.link at all)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            try:
                _replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    path.unlink()  # our own empty claim, made just above
                raise
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()  # after a link, the temp name is a second name for the file
    fsync_dir(path.parent)
