"""kit.bounded_read: only an ordinary file is read, never past the caller's limit, and a pipe or
device is refused without blocking."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kit.bounded_read import open_regular, read_bounded, read_limited, size_text
from kit.errors import BadInput, FileRefused
from tests.hostile_files import PROMPT, fifo, sparse

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def test_a_file_within_the_limit_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 100)
    assert read_bounded(path, 100, "thing") == b"x" * 100
    assert read_bounded(tmp_path.joinpath("f"), 10**9, "thing") == b"x" * 100


def test_one_byte_over_the_limit_is_refused_naming_file_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 2049)
    with pytest.raises(FileRefused) as caught:
        read_bounded(path, 2048, "card")
    assert isinstance(caught.value, BadInput) and caught.value.too_large
    assert caught.value.message == (f"{path} is 2,049 bytes, larger than any card can be (at "
                                    "most 2 KiB), so it was not read. Nothing was changed.")


def test_a_3_gb_sparse_file_is_refused_by_its_size(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="is 3,072 MiB, larger than any packet can be"):
        read_bounded(sparse(tmp_path / "big"), 64 * 1024 * 1024, "packet")


def test_a_file_that_grows_after_it_was_opened_is_cut_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 10)
    with open_regular(path, 100, "log") as fh:
        with open(path, "ab") as grow:
            grow.write(b"y" * 1000)
        with pytest.raises(FileRefused, match="is larger than any log can be"):
            read_limited(fh, path, 100, "log")


@pytest.mark.parametrize(("make", "words"), [
    (lambda tmp: tmp, "is a folder, not an ordinary file"),
    (lambda tmp: tmp / "missing", "does not exist"),
])
def test_folders_and_missing_files_are_named(tmp_path: Path, make: object, words: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(FileRefused, match=words):
        read_bounded(path, 100, "thing")


def test_missing_can_pass_through_for_callers_that_mean_something_by_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "gone", 100, "thing", pass_os_errors=True)


@needs_fifo
@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_pipes_and_devices_are_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    path = fifo(tmp_path / "pipe") if kind == "pipe" else Path("/dev/zero")
    # In a child with a timeout: a regression would block (pipe) or read for ever (device).
    code = ("import sys; from pathlib import Path; from kit.bounded_read import read_bounded\n"
            "from kit.errors import FileRefused\n"
            "try: read_bounded(Path(sys.argv[1]), 1 << 40, 'file')\n"
            "except FileRefused as exc: print(exc.message)")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=PROMPT)
    words = "a named pipe" if kind == "pipe" else "a device"
    assert proc.stdout.strip() == (f"{path} is {words}, not an ordinary file, so it was not "
                                   "read. Nothing was changed.")


def test_sizes_are_shown_in_the_unit_people_use() -> None:
    assert size_text(64 * 1024 * 1024) == "64 MiB"
    assert size_text(256 * 1024) == "256 KiB"
    assert size_text(3 * 1024**3) == "3,072 MiB"
    assert size_text(1_049_367) == "1,049,367 bytes"
