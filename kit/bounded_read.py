"""Reading a file someone named to the kit: only a regular file, and never more than a limit.

A path typed on the command line or into a dialog can name something that is not a file at all:
a named pipe (opening it waits for a writer for ever), a device such as /dev/zero (reading it never
ends), a folder, or a socket. Or it can be a regular file far larger than anything the caller
reads: a 3 GB sparse file read whole costs 3 GB of memory before any size check could run.

So every path the kit reads goes through `open_regular` or `read_bounded`: the path is looked at
first, opened without blocking, looked at again through the open descriptor (it may have been
swapped in between), and its size is checked against the caller's limit before a byte is read.
At most limit + 1 bytes are ever read, so a file that grows while it is read is caught too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kit.errors import FileRefused

KIB = 1024
MIB = 1024 * KIB
_BLOCK = MIB


def size_text(size: int) -> str:
    """A limit or size in the unit a person would use for it."""
    if size >= MIB and size % MIB == 0:
        return f"{size // MIB:,} MiB"
    if size >= 10 * MIB:
        return f"{size / MIB:,.0f} MiB"
    if size >= KIB and size % KIB == 0:
        return f"{size // KIB:,} KiB"
    return f"{size:,} bytes"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "something other than a file"


def _too_large(path: Path, what: str, limit: int, size: int | None = None) -> FileRefused:
    shown = f"is {size_text(size)}, larger" if size is not None else "is larger"
    return FileRefused(path, f"{shown} than any {what} can be (at most {size_text(limit)})",
                       too_large=True)


def _check(path: Path, st: os.stat_result, limit: int, what: str) -> None:
    kind = _kind(st.st_mode)
    if kind is not None:
        raise FileRefused(path, f"is {kind}, not an ordinary file")
    if st.st_size > limit:
        raise _too_large(path, what, limit, st.st_size)


def open_regular(path: Path, limit: int, what: str, *, pass_os_errors: bool = False) -> BinaryIO:
    """*path* opened for reading, if it is a regular file of at most *limit* bytes; FileRefused
    (BadInput, naming the file and the limit) otherwise.

    *what* names the file for the person ("share packet", "passphrase file"). With
    *pass_os_errors* a missing or unreadable file raises the OSError itself, for callers whose
    answer to it differs (a missing vault header means no vault). The caller still reads no
    more than limit + 1 bytes (read_limited): a file can grow after it was opened.
    """
    try:
        # stat first: a folder cannot be opened everywhere, and it names the problem plainly.
        _check(path, os.stat(path), limit, what)
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except OSError as exc:
        if pass_os_errors:
            raise
        if isinstance(exc, FileNotFoundError):
            raise FileRefused(path, "does not exist") from None
        raise FileRefused(path, f"could not be read ({exc.strerror or exc})") from None
    try:
        # Again through the descriptor: the path may have been swapped for a pipe meanwhile.
        _check(path, os.fstat(fd), limit, what)
        if hasattr(os, "set_blocking"):
            # Regular files ignore O_NONBLOCK; hand back an ordinary descriptor all the same.
            os.set_blocking(fd, True)
        return open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def read_limited(fh: BinaryIO, path: Path, limit: int, what: str) -> bytes:
    """The rest of an open file, refused (FileRefused) once it passes *limit* bytes."""
    chunks: list[bytes] = []
    total = 0
    try:
        while total <= limit:
            block = fh.read(min(_BLOCK, limit + 1 - total))
            if not block:
                break
            chunks.append(block)
            total += len(block)
    except OSError as exc:
        raise FileRefused(path, f"could not be read ({exc.strerror or exc})") from None
    if total > limit:
        raise _too_large(path, what, limit)
    return b"".join(chunks)


def read_bounded(path: Path, limit: int, what: str, *, pass_os_errors: bool = False) -> bytes:
    """The bytes of *path*, a regular file of at most *limit* bytes (see open_regular)."""
    with open_regular(path, limit, what, pass_os_errors=pass_os_errors) as fh:
        return read_limited(fh, path, limit, what)
