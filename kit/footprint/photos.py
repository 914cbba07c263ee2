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
import re
import stat
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from kit.bounded_read import open_regular
from kit.errors import FileRefused

if TYPE_CHECKING:
    from PIL.ImageFile import ImageFile

    from kit.records.findings import Findings

# The findings register's source for photos, and the step that stops new photos recording
# where they were taken.
SOURCE: Final = "photos"
FIX_ITEM: Final = "triage-location-sharing-off"

# For clean copies that must decode the pixels: enough for a 108-megapixel phone photo; a file
# claiming more is refused before it is decoded (a small PNG can declare 100,000 x 100,000
# pixels and ask for 30 GB). Checking a picture decodes nothing and has no such limit.
MAX_PIXELS: Final = 120_000_000
MAX_FILE_BYTES: Final = 256 * 1024 * 1024
MAX_TEXT_BYTES: Final = 1_000_000  # one PNG text chunk, after decompression
MAX_PNG_TEXT_CHUNKS: Final = 100  # text fields read and listed; the rest are counted
MAX_PNG_CHUNKS: Final = 100_000  # chunk headers walked: pixel data comes in 8 KiB chunks
MAX_VALUE_CHARS: Final = 160  # of any value shown
JPEG_QUALITY: Final = 95
HEIF_QUALITY: Final = 90

SEVERITIES: Final = ("high", "medium", "low")

VIDEO_SUFFIXES: Final = frozenset({
    ".mp4", ".mov", ".m4v", ".3gp", ".3g2", ".avi", ".mkv", ".webm", ".mts", ".m2ts", ".wmv",
    ".mpg", ".mpeg", ".insv", ".lrv", ".qt"})
RAW_SUFFIXES: Final = frozenset({
    ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".orf", ".rw2",
    ".raf", ".srw", ".pef", ".x3f", ".3fr", ".iiq", ".raw"})
IMAGE_SUFFIXES: Final = frozenset({
    ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".tif", ".tiff", ".gif", ".heic",
    ".heif", ".hif", ".avif", ".bmp", ".mpo"})

VIDEO_ADVICE: Final = (
    "may carry location; the kit cannot read or clean video — use exiftool (`exiftool -all= "
    "FILE`) or ffmpeg (`ffmpeg -i IN -map_metadata -1 -c copy OUT`)")
RAW_ADVICE: Final = (
    "a camera raw file; it may carry location and the camera's serial number, and the kit "
    "cannot read this kind or clean it — export a JPEG from your photo app and check that, or "
    "use exiftool (`exiftool -all= FILE`) on a copy")

# Statuses of a PhotoReport.
SCANNED: Final = "scanned"  # an image the kit read; `items` says what it carries
VIDEO: Final = "video"  # may carry location; the kit cannot read it
UNSUPPORTED: Final = "unsupported"  # a camera raw file: may carry metadata; not read
SKIPPED: Final = "skipped"  # not a picture (or a link not followed); `reason` says which
ERROR: Final = "error"  # a picture the kit could not read; `reason` says why

_HEIF_BRANDS: Final = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis",
                                 b"hevm", b"hevs", b"mif1", b"msf1"})
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
# Terminal escape sequences (CSI and OSC) go whole, not just their ESC byte.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]{0,500}(?:\x07|\x1b\\)?)"
                      r"|\x9b[0-?]*[ -/]*[@-~]")


@dataclass(frozen=True)
class GeoPoint:
    """A position in decimal degrees (north and east positive)."""

    latitude: float
    longitude: float
    altitude: float | None = None  # metres above sea level, when given

    def describe(self) -> str:
        text = f"{self.latitude:.6f}, {self.longitude:.6f}"
        if self.altitude is not None:
            text += f" (altitude {self.altitude:.0f} m)"
        return text

    def to_json(self) -> dict[str, Any]:
        return {"latitude": self.latitude, "longitude": self.longitude,
                "altitude": self.altitude}


@dataclass(frozen=True)
class MetadataItem:
    """One thing a picture carries besides its pixels."""

    # location, people, device, text, thumbnail, extra_images, camera, date, software, other
    kind: str
    source: str  # where it sits: "EXIF", "EXIF GPS", "XMP", "JPEG comment", "PNG text" ...
    label: str  # what it is, in plain words
    value: str  # what it says (shortened, control characters removed); may be ""
    severity: str  # high | medium | low

    def describe(self) -> str:
        return f"{self.label}: {self.value}" if self.value else self.label

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "label": self.label,
                "value": self.value, "severity": self.severity}


@dataclass(frozen=True)
class PhotoReport:
    """What one file carries, or why it was not read."""

    path: Path
    status: str  # SCANNED | VIDEO | UNSUPPORTED | SKIPPED | ERROR
    format: str = ""  # JPEG, PNG, HEIF ... for pictures the kit read
    items: tuple[MetadataItem, ...] = ()
    location: GeoPoint | None = None
    reason: str = ""  # why skipped or unreadable, or the advice for video and raw files
    size: tuple[int, int] | None = None  # pixels, width x height, as stored

    @property
    def clean(self) -> bool:
        """Read, and nothing found beside the pixels."""
        return self.status == SCANNED and not self.items

    @property
    def severity(self) -> str | None:
        """The most serious item's severity; None when there is none."""
        for level in SEVERITIES:
            if any(item.severity == level for item in self.items):
                return level
        return None

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "status": self.status, "format": self.format,
                "reason": self.reason, "clean": self.clean, "severity": self.severity,
                "size": list(self.size) if self.size else None,
                "location": self.location.to_json() if self.location else None,
                "items": [item.to_json() for item in self.items]}


@dataclass(frozen=True)
class StripResult:
    """A clean copy made: where it is, what the original carried, and what to know."""

    source: Path
    output: Path
    removed: tuple[MetadataItem, ...]
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"source": str(self.source), "output": str(self.output),
                "removed": [item.to_json() for item in self.removed],
                "notes": list(self.notes)}


class _Unreadable(Exception):
    """A file the kit will not or cannot read; the message is for the user."""


# --- Pillow, set up once and only when a picture is opened ---

_ready = False


def _pillow() -> Any:
    """PIL.Image, with the pixel cap set and the HEIF opener registered."""
    global _ready
    from PIL import Image

    if not _ready:
        # Pillow warns above this and refuses at twice it; the warning becomes an error below.
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        Image.init()  # every format plugin, so Image.OPEN lists what this Pillow can read
        try:
            import pillow_heif

            pillow_heif.register_heif_opener()
        except ImportError:  # pragma: no cover - HEIC files then report that they need it
            pass
        _ready = True
    return Image


def _formats(kind: str, pil: Any) -> list[str]:
    wanted = {"HEIF": ["HEIF", "AVIF"], "AVIF": ["AVIF", "HEIF"]}
    return [f for f in wanted.get(kind, [kind]) if f in pil.OPEN]


class _Opened:
    """Image.open with the caps on, every failure turned into one plain sentence."""

    def __init__(self, path: Path, kind: str) -> None:
        self.path, self.kind = path, kind
        self.image: ImageFile | None = None
        self.file: BinaryIO | None = None

    def __enter__(self) -> ImageFile:
        pil = _pillow()
        formats = _formats(self.kind, pil)
        if not formats:
            raise _Unreadable(f"{self.kind} pictures need pillow-heif, which is not installed"
                              if self.kind in ("HEIF", "AVIF") else
                              f"this kit cannot read {self.kind} pictures")
        try:
            # Through kit.bounded_read: the file checked a moment ago may since have been
            # swapped for a pipe, which Pillow would wait on for ever.
            self.file = open_regular(self.path, MAX_FILE_BYTES, "picture")
        except FileRefused as exc:
            raise _Unreadable(f"it {exc.reason}") from None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pil.DecompressionBombWarning)
                self.image = pil.open(self.file, formats=formats)
        except (pil.DecompressionBombWarning, pil.DecompressionBombError):
            raise _Unreadable(_too_big()) from None
        except pil.UnidentifiedImageError:
            raise _Unreadable(f"it is damaged, or not really a {self.kind} file") from None
        except Exception as exc:  # untrusted bytes: any parser error is this file's problem
            raise _Unreadable(_damaged(exc)) from None
        width, height = self.image.size
        if width * height > MAX_PIXELS:  # the warning filter is process-wide; check anyway
            self.__exit__()
            raise _Unreadable(_too_big())
        return self.image

    def __exit__(self, *exc: object) -> None:
        if self.image is not None:
            self.image.close()
        if self.file is not None:
            self.file.close()


def _too_big() -> str:
    return (f"it claims more than {MAX_PIXELS // 1_000_000} megapixels, more than the kit "
            "will open (a damaged or booby-trapped file, or a very large scan); nothing was "
            "read from it")


def _damaged(exc: BaseException) -> str:
    detail = _clean(str(exc), 120)
    if isinstance(exc, OSError) and "truncated" in detail.lower():
        return "it is damaged: the file is cut short (truncated)"
    return f"it is damaged or in a form the kit cannot read ({detail or type(exc).__name__})"


# --- text shown to the user: never control characters, never an endless value ---


def _clean(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """Printable one-line text: a picture's fields are written by whoever made the file."""
    if isinstance(value, bytes):
        value = value.rstrip(b"\0")
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
    elif isinstance(value, tuple | list):
        text = ", ".join(_clean(v, limit) for v in value)
    else:
        text = str(value)
    # Format characters (bidi overrides) can make text read differently from what it is.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = " ".join(_CONTROL.sub(" ", _ESCAPES.sub("", text)).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def printable_path(path: Path | str) -> str:
    """A file name safe to print on a terminal (names can hold escape sequences)."""
    return _CONTROL.sub("?", "".join(
        "?" if unicodedata.category(ch) == "Cf" else ch for ch in str(path)))


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
            report = _read_picture()(path, kind)
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


def _read_picture() -> Callable[[Path, str], PhotoReport]:
    """kit.footprint.photo_read.read_picture, imported when the first picture is read (it
    builds on this module's types)."""
    from kit.footprint.photo_read import read_picture

    return read_picture


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
            report = _read_picture()(path, "TIFF")
    except Exception:  # untrusted bytes: a raw file the reader cannot follow stays unread
        return unsupported
    return dataclasses.replace(report, format=fmt)


# --- making a clean copy: kit.footprint.photo_strip ---


def strip(path: Path, out_dir: Path, *, force: bool = False) -> StripResult:
    """A clean copy of *path* in *out_dir*: see kit.footprint.photo_strip.strip."""
    from kit.footprint import photo_strip

    return photo_strip.strip(path, out_dir, force=force)


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
