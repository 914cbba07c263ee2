"""What a photo gives away, found offline, and a clean copy made without it.

A picture taken on a phone can carry the place it was taken (EXIF GPS), the camera's serial
number, the owner's name, the computer that edited it, and a small preview image that can show
the uncropped original (research/footprint.md §6). `scan()` finds these in JPEG, PNG, WebP,
TIFF, GIF, HEIC/HEIF and AVIF files and in camera raw files built on TIFF (DNG, CR2, NEF,
ARW ...), and names the video and other raw files it cannot read.
It walks each file's structure (kit.footprint.photo_formats; what it means is read in
kit.footprint.photo_read) and never decodes a pixel, so a picture of any size is checked, and
it looks where picture viewers do not: after the end of the image, in every TIFF directory, in
maker notes. tests/footprint/photo_lib.py measures it
against exiftool. `strip()` (kit.footprint.photo_strip) writes a NEW file without any of it,
then reads that file back with scan() and fails loudly if anything is left. The original is
only ever read.

Nothing here uses the network or the vault. Every file is untrusted input: sizes, counts and
pixel caps (for clean copies) bound the work, and a damaged file is a per-file error, never a
traceback. Pillow and pillow-heif are imported only when needed, so `kit --help` stays fast.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from kit.bounded_read import open_regular
from kit.errors import FileRefused
from kit.footprint.photo_read import read_picture
from kit.footprint.photo_report import (
    _AVIF_BRANDS,
    _HEIF_BRANDS,
    ERROR,
    HEIF_QUALITY,
    IMAGE_SUFFIXES,
    JPEG_QUALITY,
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MAX_PNG_CHUNKS,
    MAX_PNG_TEXT_CHUNKS,
    MAX_TEXT_BYTES,
    MAX_VALUE_CHARS,
    RAW_ADVICE,
    RAW_SUFFIXES,
    SCANNED,
    SEVERITIES,
    SKIPPED,
    UNSUPPORTED,
    VIDEO,
    VIDEO_ADVICE,
    VIDEO_SUFFIXES,
    GeoPoint,
    MetadataItem,
    PhotoReport,
    StripResult,
    _clean,
    _damaged,
    _formats,
    _Opened,
    _pillow,
    _too_big,
    _Unreadable,
    printable_path,
)

if TYPE_CHECKING:
    from kit.records.findings import Findings

# The report types and shared rules live in kit.footprint.photo_report; they are offered here
# too, where the check's callers (the command, the app, photo_strip) have always found them.
__all__ = [
    "ERROR",
    "FIX_ITEM",
    "HEIF_QUALITY",
    "IMAGE_SUFFIXES",
    "JPEG_QUALITY",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "MAX_PNG_CHUNKS",
    "MAX_PNG_TEXT_CHUNKS",
    "MAX_TEXT_BYTES",
    "MAX_VALUE_CHARS",
    "RAW_ADVICE",
    "RAW_SUFFIXES",
    "SCANNED",
    "SEVERITIES",
    "SKIPPED",
    "SOURCE",
    "UNSUPPORTED",
    "VIDEO",
    "VIDEO_ADVICE",
    "VIDEO_SUFFIXES",
    "_AVIF_BRANDS",
    "_HEIF_BRANDS",
    "GeoPoint",
    "MetadataItem",
    "PhotoReport",
    "StripResult",
    "_Opened",
    "_Unreadable",
    "_clean",
    "_damaged",
    "_formats",
    "_pillow",
    "_too_big",
    "finding_key",
    "iter_scan",
    "printable_path",
    "record_findings",
    "scan",
]

# The findings register's source for photos, and the step that stops new photos recording
# where they were taken.
SOURCE: Final = "photos"
FIX_ITEM: Final = "triage-location-sharing-off"

# --- finding the files ---


def iter_scan(paths: Iterable[Path], *, exclude: Sequence[Path] = ()) -> Iterator[PhotoReport]:
    """Reports one by one, as each file is read: files, and folders walked recursively
    (symbolic links inside folders are not followed). Folders in *exclude* are not entered."""
    excluded = {_identity(p) for p in exclude}
    excluded.discard(None)
    seen: set[tuple[int, int]] = set()
    for path in paths:
        path = Path(path)
        try:
            info = path.stat()
        except OSError as exc:
            yield PhotoReport(path, ERROR, reason=_os_reason(exc))
            continue
        yield from _visit(path, info, excluded, seen)


def scan(paths: Iterable[Path], *, exclude: Sequence[Path] = ()) -> list[PhotoReport]:
    """What each picture carries, for files and folders (see iter_scan)."""
    return list(iter_scan(paths, exclude=exclude))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "there is no such file or folder"
    if isinstance(exc, PermissionError):
        return "permission denied: the kit may not read it"
    return f"it could not be read ({exc.strerror or type(exc).__name__})"


def _walk(folder: Path, excluded: set[tuple[int, int] | None],
          seen: set[tuple[int, int]]) -> Iterator[PhotoReport]:
    key = _identity(folder)
    if key in excluded or key in seen:
        return
    if key is not None:
        seen.add(key)
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        yield PhotoReport(folder, ERROR, reason=_os_reason(exc))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_symlink() or (hasattr(entry, "is_junction") and entry.is_junction()):
                yield PhotoReport(path, SKIPPED, reason="a link to somewhere else; links are "
                                  "not followed (give its target directly to check it)")
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError as exc:
            yield PhotoReport(path, ERROR, reason=_os_reason(exc))
            continue
        yield from _visit(path, info, excluded, seen)


def _visit(path: Path, info: os.stat_result, excluded: set[tuple[int, int] | None],
           seen: set[tuple[int, int]]) -> Iterator[PhotoReport]:
    """A folder is walked; a file is read, once, however many ways lead to it."""
    if stat.S_ISDIR(info.st_mode):
        yield from _walk(path, excluded, seen)
    elif (info.st_dev, info.st_ino) not in seen:
        seen.add((info.st_dev, info.st_ino))
        yield _scan_file(path, info)


def _sniff(head: bytes) -> str | None:
    """The format from the first bytes: a file's name can say anything."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return VIDEO
    if head[:4] in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):  # TIFF and BigTIFF
        return "TIFF"
    if head[:2] == b"BM" and len(head) >= 14:
        return "BMP"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "HEIF"
        if brand in _AVIF_BRANDS:
            return "AVIF"
        return VIDEO  # MP4, MOV, 3GP, M4V all start with an ftyp box
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return VIDEO  # QuickTime files older than ftyp
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return VIDEO  # Matroska and WebM
    return None


def _scan_file(path: Path, info: os.stat_result) -> PhotoReport:
    suffix = path.suffix.lower()
    if not stat.S_ISREG(info.st_mode):
        return PhotoReport(path, SKIPPED, reason="not a regular file")
    if suffix in VIDEO_SUFFIXES:
        return PhotoReport(path, VIDEO, format=suffix[1:].upper(), reason=VIDEO_ADVICE)
    if suffix in RAW_SUFFIXES:
        return _scan_raw(path, info, suffix[1:].upper())
    if info.st_size == 0:
        if suffix in IMAGE_SUFFIXES:
            return PhotoReport(path, ERROR, reason="the file is empty")
        return PhotoReport(path, SKIPPED, reason="an empty file")
    try:
        # Any size: a video is recognised from its first bytes before its size is judged.
        with open_regular(path, sys.maxsize, "picture") as fh:
            head = fh.read(32)
    except FileRefused as exc:
        return PhotoReport(path, SKIPPED, reason=f"it {exc.reason}")
    except OSError as exc:
        return PhotoReport(path, ERROR, reason=_os_reason(exc))
    kind = _sniff(head)
    if kind == VIDEO:
        return PhotoReport(path, VIDEO, format="video", reason=VIDEO_ADVICE)
    if kind is None:
        if suffix in IMAGE_SUFFIXES:
            return PhotoReport(path, ERROR, reason=f"it is named like a picture ({suffix}) "
                               "but its content is not one the kit recognises: damaged, or "
                               "another kind of file")
        return PhotoReport(path, SKIPPED, reason="not a picture the kit can read")
    if info.st_size > MAX_FILE_BYTES:
        return PhotoReport(path, ERROR, format=kind, reason=(
            f"it is {info.st_size / 1_048_576:,.0f} MB, more than the "
            f"{MAX_FILE_BYTES // 1_048_576} MB the kit will open"))
    try:
        # Pillow warns (on stderr) about damaged fields it skips: the user gets one line in
        # the report instead.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = read_picture(path, kind)
        if any(issubclass(w.category, UserWarning) for w in caught):
            note = MetadataItem("other", report.format, "some of the metadata is damaged; "
                                "what could be read is listed", "", "low")
            report = dataclasses.replace(report, items=(*report.items, note))
        return report
    except _Unreadable as exc:
        return PhotoReport(path, ERROR, format=kind, reason=str(exc))
    except OSError as exc:
        return PhotoReport(path, ERROR, format=kind, reason=_os_reason(exc))
    except Exception as exc:  # untrusted bytes: any parser error is this file's problem
        return PhotoReport(path, ERROR, format=kind, reason=_damaged(exc))


def _scan_raw(path: Path, info: os.stat_result, fmt: str) -> PhotoReport:
    """Camera raw files built on TIFF (DNG, CR2, NEF, ARW, PEF, SRW ...) are read like TIFF;
    others, and any the reader cannot follow, are named with the advice to use exiftool. None
    can be cleaned by the kit."""
    unsupported = PhotoReport(path, UNSUPPORTED, format=fmt, reason=RAW_ADVICE)
    if info.st_size > MAX_FILE_BYTES or info.st_size < 8:
        return unsupported
    try:
        with open_regular(path, MAX_FILE_BYTES, "picture") as fh:
            head = fh.read(8)
        if _sniff(head) != "TIFF":
            return unsupported
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = read_picture(path, "TIFF")
    except Exception:  # untrusted bytes: a raw file the reader cannot follow stays unread
        return unsupported
    return dataclasses.replace(report, format=fmt)


def finding_key(path: Path) -> str:
    """A picture's key in the findings register: its full path, links resolved."""
    try:
        return str(path.resolve())
    except OSError:
        return str(path.absolute())


def record_findings(register: Findings, reports: Iterable[PhotoReport]) -> tuple[int, int]:
    """Each picture that shows where it was taken or names people (high or medium) becomes a
    finding; one read clean now that had one before is marked fixed. Returns (recorded, fixed).
    The command line and the app both keep a photo check's results through this."""
    added = gone = 0
    for report in reports:
        key = finding_key(report.path)
        # The register takes one-line text only; such a name is reported, not recorded.
        if report.status != SCANNED or printable_path(key) != key:
            continue
        serious = [i for i in report.items if i.severity in ("high", "medium")]
        if not serious:
            if register.record_gone(SOURCE, key) is not None:
                gone += 1
            continue
        located = any(i.kind == "location" and i.severity == "high" for i in serious)
        title = (f"{report.path.name[:120]}: "
                 + ("shows where it was taken" if located else "carries personal details"))
        exposed = "; ".join(f"{i.describe()} [{i.source}]" for i in serious)
        register.record(SOURCE, key, title, exposed[:2000], report.severity or "medium",
                        f"{key} (share only a clean copy, made without its details)",
                        FIX_ITEM if located else None)
        added += 1
    return added, gone
