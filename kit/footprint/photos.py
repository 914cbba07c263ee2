"""What a photo gives away, found offline, and a clean copy made without it.

A picture taken on a phone can carry the place it was taken (EXIF GPS), the camera's serial
number, the owner's name, the computer that edited it, and a small preview image that can show
the uncropped original (research/footprint.md §6). `scan()` finds these in JPEG, PNG, WebP,
TIFF, GIF, HEIC/HEIF and AVIF files, and names the video and camera-raw files it cannot read.
`strip()` writes a NEW file holding only the pixels (turned upright first, since dropping EXIF
drops the Orientation tag too), then reads that file back and fails loudly if anything is left.
The original is only ever read.

Nothing here uses the network or the vault. Every file is untrusted input: size and pixel caps
stop decompression bombs, and a damaged file is a per-file error, never a traceback. Pillow and
pillow-heif are imported only when a picture is opened, so `kit --help` stays fast.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import re
import stat
import struct
import sys
import unicodedata
import warnings
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from kit.bounded_read import open_regular
from kit.errors import FileRefused

if TYPE_CHECKING:
    from PIL.Image import Exif
    from PIL.ImageFile import ImageFile

    from kit.records.findings import Findings

# The findings register's source for photos, and the step that stops new photos recording
# where they were taken.
SOURCE: Final = "photos"
FIX_ITEM: Final = "triage-location-sharing-off"

# Enough for a 108-megapixel phone photo; a file claiming more is refused before it is decoded
# (a small PNG can declare 100,000 x 100,000 pixels and ask for 30 GB when opened).
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
    "cannot read or clean it — export a JPEG from your photo app and check that, or use "
    "exiftool (`exiftool -all= FILE`) on a copy")

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
    if head[:4] in (b"II*\0", b"MM\0*"):
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
        return PhotoReport(path, UNSUPPORTED, format=suffix[1:].upper(), reason=RAW_ADVICE)
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
            report = _read_picture(path, kind)
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


# --- reading one picture ---


class _Found:
    """Items as they are found, and the best location seen."""

    def __init__(self) -> None:
        self.items: list[MetadataItem] = []
        self.location: GeoPoint | None = None

    def add(self, kind: str, source: str, label: str, value: object = "",
            severity: str = "low") -> None:
        text = _clean(value) if value != "" else ""
        self.items.append(MetadataItem(kind, source, label, text, severity))

    def place(self, point: GeoPoint) -> None:
        if self.location is None:
            self.location = point


def _read_picture(path: Path, kind: str) -> PhotoReport:
    found = _Found()
    with _Opened(path, kind) as im:
        fmt = im.format or kind
        info = im.info
        frames = getattr(im, "n_frames", 1)
        if fmt == "PNG":
            _png_chunks(path, found)
        elif fmt == "TIFF":
            _exif(im.getexif(), None, found, "TIFF tags", tiff=True)
        elif info.get("exif"):
            _exif_bytes(info["exif"], found, "EXIF")
        if fmt in ("JPEG", "MPO"):
            _jpeg_segments(im, found)
        elif fmt != "PNG":
            xmp = info.get("xmp") or (im.getexif().get(700) if fmt == "TIFF" else None)
            if xmp:
                _xmp(xmp, found)
            if info.get("comment"):
                found.add("text", f"{fmt} comment", "comment", info["comment"], "medium")
        if fmt in ("HEIF", "AVIF"):
            _heif_extras(info, found)
        if isinstance(frames, int) and frames > 1:
            what = ("images in one file (often a depth map or a second view)"
                    if fmt in ("MPO", "HEIF", "AVIF") else "frames or pages")
            found.add("extra_images", fmt, f"{frames} {what}",
                      severity="medium" if fmt in ("MPO", "HEIF", "AVIF") else "low")
        size = im.size
    return PhotoReport(path, SCANNED, format=fmt, items=tuple(found.items),
                       location=found.location, size=size)


# EXIF fields worth naming: (tag, kind, label, severity). Everything else is counted.
_IFD0_TAGS: Final = (
    (0x010F, "camera", "camera make", "low"),
    (0x0110, "camera", "camera model", "low"),
    (0x0131, "software", "software", "low"),
    (0x0132, "date", "date changed", "low"),
    (0x013B, "people", "artist (often the owner's name)", "medium"),
    (0x8298, "people", "copyright (often the owner's name)", "medium"),
    (0x013C, "device", "computer name (can include a person's name)", "medium"),
    (0x010E, "text", "description", "medium"),
    (0x010D, "text", "document name", "medium"),
    (0x9C9B, "text", "Windows title", "medium"),
    (0x9C9C, "text", "Windows comment", "medium"),
    (0x9C9D, "people", "Windows author", "medium"),
    (0x9C9E, "text", "Windows keywords", "medium"),
    (0x9C9F, "text", "Windows subject", "medium"),
)
_EXIF_TAGS: Final = (
    (0x9003, "date", "date taken", "low"),
    (0x9004, "date", "date digitised", "low"),
    (0x9011, "date", "time zone when taken", "low"),
    (0xA430, "people", "camera owner's name", "medium"),
    (0xA431, "device", "camera serial number", "medium"),
    (0xA435, "device", "lens serial number", "medium"),
    (0xA420, "device", "unique image ID (links copies of this photo)", "medium"),
    (0xA433, "camera", "lens make", "low"),
    (0xA434, "camera", "lens model", "low"),
)
_USER_COMMENT: Final = 0x9286
_MAKER_NOTE: Final = 0x927C
_EXIF_IFD: Final = 0x8769
_GPS_IFD: Final = 0x8825
_IFD1: Final = -1  # ExifTags.IFD.IFD1: the thumbnail's directory


def _exif_bytes(raw: bytes, found: _Found, source: str) -> None:
    exif = _pillow().Exif()
    try:
        exif.load(raw)
    except Exception:  # a damaged block is still something the file carries
        found.add("other", source, "an EXIF block the kit could not read (it may hold "
                  "anything, a location included)", severity="medium")
        return
    _exif(exif, raw, found, source)


def _exif(exif: Exif, raw: bytes | None, found: _Found, source: str, *,
          tiff: bool = False) -> None:
    for tag, kind, label, severity in _IFD0_TAGS:
        _field(exif.get(tag), found, kind, source, label, severity)
    sub = _ifd(exif, _EXIF_IFD)
    for tag, kind, label, severity in _EXIF_TAGS:
        _field(sub.get(tag), found, kind, source, label, severity)
    comment = _user_comment(sub.get(_USER_COMMENT))
    if comment:
        found.add("text", source, "user comment", comment, "medium")
    maker = sub.get(_MAKER_NOTE)
    if maker:
        size = len(maker) if isinstance(maker, bytes | tuple) else 0
        found.add("device", source, "maker notes (the manufacturer's own data; can include "
                  "the camera's serial number)", f"{size:,} bytes" if size else "",
                  "medium")
    named = {tag for tag, *_ in _EXIF_TAGS} | {_USER_COMMENT, _MAKER_NOTE}
    others = [tag for tag in sub if tag not in named]
    if others:
        found.add("other", source, f"{len(others)} technical camera settings (exposure, "
                  "lens and the like)")
    _gps(_ifd(exif, _GPS_IFD), found, source)
    if not tiff:
        _thumbnail(exif, raw, found, source)


def _ifd(exif: Exif, tag: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception:  # a damaged pointer: nothing readable there
        return {}


def _field(value: object, found: _Found, kind: str, source: str, label: str,
           severity: str) -> None:
    if value is None:
        return
    if isinstance(value, tuple) and value and all(isinstance(v, int) for v in value):
        value = bytes(v & 0xFF for v in value)  # the Windows XP tags arrive as byte tuples
    if label.startswith("Windows") and isinstance(value, bytes):
        value = value.decode("utf-16-le", "replace")
    text = _clean(value)
    if text:
        found.add(kind, source, label, text, severity)


def _user_comment(value: object) -> str:
    if isinstance(value, str):
        return _clean(value)
    if not isinstance(value, bytes) or len(value) < 8:
        return ""
    code, body = value[:8], value[8:]
    if code.startswith(b"UNICODE"):
        encoding = "utf-16-be" if body[:1] == b"\0" else "utf-16-le"
        return _clean(body.decode(encoding, "replace"))
    return _clean(body.decode("utf-8", "replace"))


def _rational(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]  # IFDRational, int or float
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _degrees(value: object) -> float | None:
    parts = value if isinstance(value, tuple | list) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    total = 0.0
    for part, scale in zip(parts, (1, 60, 3600), strict=False):
        number = _rational(part)
        if number is None or number < 0:
            return None
        total += number / scale
    return total


def _ref(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value).strip("\0 ").upper()[:1] if value is not None else ""


def _gps(gps: dict[int, Any], found: _Found, source: str) -> None:
    if not gps:
        return
    source = f"{source} GPS"
    lat, lon = _degrees(gps.get(2)), _degrees(gps.get(4))
    if lat is not None and lon is not None:
        if _ref(gps.get(1)) == "S":
            lat = -lat
        if _ref(gps.get(3)) == "W":
            lon = -lon
        if abs(lat) <= 90 and abs(lon) <= 180:
            altitude = _rational(gps.get(6))
            if altitude is not None and _ref(gps.get(5)) in ("\x01", "1"):
                altitude = -altitude
            point = GeoPoint(round(lat, 7), round(lon, 7), altitude)
            if lat == 0 and lon == 0:
                found.add("location", source, "GPS position 0, 0 (usually means the camera "
                          "had no fix, but the fields are there)", severity="medium")
            else:
                found.place(point)
                found.add("location", source, "where the photo was taken",
                          point.describe(), "high")
        else:
            found.add("location", source, "GPS position (out of range; it may still point "
                      "somewhere)", severity="high")
    elif 2 in gps or 4 in gps:
        found.add("location", source, "GPS position the kit could not decode (it may still "
                  "point somewhere)", severity="high")
    else:
        found.add("location", source, "GPS fields without a position", severity="low")
    stamp = " ".join(_clean(gps[t]) for t in (0x1D, 7) if t in gps)
    if stamp:
        found.add("date", source, "GPS date and time", stamp)


def _thumbnail(exif: Exif, raw: bytes | None, found: _Found, source: str) -> None:
    ifd1 = _ifd(exif, _IFD1)
    if not ifd1:
        return
    value = ""
    offset, length = ifd1.get(0x0201), ifd1.get(0x0202)
    if raw is not None and isinstance(offset, int) and isinstance(length, int) and length > 0:
        tiff = raw[6:] if raw.startswith(b"Exif\0\0") else raw
        data = tiff[offset:offset + length]
        if len(data) == length:
            value = _thumbnail_size(data)
    found.add("thumbnail", source, "an embedded preview image (it can show the photo as it "
              "was before cropping or editing)", value, "medium")


def _thumbnail_size(data: bytes) -> str:
    pil = _pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pil.DecompressionBombWarning)
            with pil.open(io.BytesIO(data), formats=["JPEG"]) as thumb:
                return f"{thumb.size[0]}×{thumb.size[1]} pixels"
    except Exception:  # the preview is reported either way; its size is a detail
        return ""


# --- JPEG segments: comments, XMP, IPTC, other images, vendor data ---


def _jpeg_segments(im: ImageFile, found: _Found) -> None:
    vendor: set[str] = set()
    xmp_seen = False
    for marker, data in getattr(im, "applist", []):
        if marker == "COM":
            text = _clean(data)
            if text:
                found.add("text", "JPEG comment", "comment", text, "medium")
        elif marker == "APP1" and data.startswith(b"http://ns.adobe.com/xap/1.0/\0"):
            xmp_seen = True
            _xmp(data[29:], found)
        elif marker == "APP1" and data.startswith(b"http://ns.adobe.com/xmp/extension/\0"):
            if not xmp_seen:
                found.add("other", "XMP", "extended XMP data", severity="medium")
            xmp_seen = True
        elif marker == "APP13" and data.startswith(b"Photoshop 3.0\0"):
            _iptc(im, found)
        elif marker in ("APP0", "APP1", "APP2", "APP14"):
            continue  # JFIF, EXIF (read above), ICC colour profile and MPF, Adobe colour
        else:
            vendor.add(marker)
    if vendor:
        found.add("other", "JPEG", "other application data (a manufacturer's or an app's "
                  "own data)", ", ".join(sorted(vendor)), "low")


_IPTC_FIELDS: Final = (
    ((2, 80), "people", "by-line (author)", "medium"),
    ((2, 116), "people", "copyright", "medium"),
    ((2, 118), "people", "contact", "medium"),
    ((2, 122), "people", "caption writer", "medium"),
    ((2, 90), "location", "city", "high"),
    ((2, 92), "location", "sub-location", "high"),
    ((2, 95), "location", "province or state", "medium"),
    ((2, 101), "location", "country", "low"),
    ((2, 120), "text", "caption", "medium"),
    ((2, 105), "text", "headline", "medium"),
    ((2, 25), "text", "keywords", "medium"),
    ((2, 55), "date", "date created", "low"),
)


def _iptc(im: ImageFile, found: _Found) -> None:
    from PIL import IptcImagePlugin

    try:
        iptc = IptcImagePlugin.getiptcinfo(im) or {}
    except Exception:  # a damaged block is reported, not read
        iptc = {}
    named = False
    for key, kind, label, severity in _IPTC_FIELDS:
        value = iptc.get(key)
        if value:
            found.add(kind, "IPTC", label, value, severity)
            named = True
    if not named:
        found.add("other", "IPTC", "a Photoshop/IPTC block", severity="low")


# --- XMP: read as text, never as XML (no entity expansion, no external references) ---

# (local name, kind, label, severity); matched with any namespace prefix.
_XMP_FIELDS: Final = (
    ("GPSLatitude", "location", "GPS latitude", "high"),
    ("GPSLongitude", "location", "GPS longitude", "high"),
    ("GpsLatitude", "location", "GPS latitude (drone)", "high"),
    ("GpsLongitude", "location", "GPS longitude (drone)", "high"),
    ("City", "location", "city", "high"),
    ("Sublocation", "location", "sub-location", "high"),
    ("Location", "location", "location", "high"),
    ("State", "location", "state or province", "medium"),
    ("Country", "location", "country", "low"),
    ("CiAdrExtadr", "people", "contact address", "high"),
    ("CiAdrCity", "people", "contact city", "high"),
    ("CiEmailWork", "people", "contact email", "medium"),
    ("CiTelWork", "people", "contact phone", "medium"),
    ("creator", "people", "creator", "medium"),
    ("rights", "people", "rights (often the owner's name)", "medium"),
    ("Owner", "people", "owner", "medium"),
    ("OwnerName", "people", "owner's name", "medium"),
    ("CameraOwnerName", "people", "camera owner's name", "medium"),
    ("PersonInImage", "people", "people shown", "medium"),
    ("PersonDisplayName", "people", "people tagged", "medium"),
    ("SerialNumber", "device", "camera serial number", "medium"),
    ("BodySerialNumber", "device", "camera serial number", "medium"),
    ("LensSerialNumber", "device", "lens serial number", "medium"),
    ("description", "text", "description", "medium"),
    ("title", "text", "title", "medium"),
    ("subject", "text", "keywords", "medium"),
    ("Make", "camera", "camera make", "low"),
    ("Model", "camera", "camera model", "low"),
    ("CreatorTool", "software", "software", "low"),
    ("DateTimeOriginal", "date", "date taken", "low"),
    ("CreateDate", "date", "date created", "low"),
    ("MotionPhoto", "extra_images", "motion photo (a short video is embedded)", "medium"),
    ("MicroVideo", "extra_images", "motion photo (a short video is embedded)", "medium"),
)
_XMP_LIMIT: Final = 1_000_000
_TAGS = re.compile(r"<[^>]{0,2000}>")


def _xmp_values(text: str, name: str) -> list[str]:
    """Values of *name* (any prefix), as an attribute or as element text."""
    values = [m.group(1) for m in re.finditer(
        rf'[\s<][\w.-]{{1,40}}:{name}\s*=\s*["\']([^"\'<]{{0,2000}})["\']', text)]
    for m in re.finditer(rf"<([\w.-]{{1,40}}:{name})\b[^>]{{0,2000}}>(.{{0,4000}}?)</\1\s*>",
                         text, re.DOTALL):
        values.append(_TAGS.sub(" ", m.group(2)))
    return [v for v in (_clean(v) for v in values) if v]


def _xmp(raw: object, found: _Found, source: str = "XMP") -> None:
    if isinstance(raw, bytes):
        text = raw[:_XMP_LIMIT].decode("utf-8", "replace")
    else:
        text = str(raw)[:_XMP_LIMIT]
    named = 0
    for name, kind, label, severity in _XMP_FIELDS:
        values = _xmp_values(text, name)
        if values:
            found.add(kind, source, label, "; ".join(dict.fromkeys(values)), severity)
            named += 1
    lat, lon = _xmp_values(text, "GPSLatitude"), _xmp_values(text, "GPSLongitude")
    if lat and lon:
        point_lat, point_lon = _xmp_coordinate(lat[0]), _xmp_coordinate(lon[0])
        if point_lat is not None and point_lon is not None:
            found.place(GeoPoint(round(point_lat, 7), round(point_lon, 7)))
    if not named:
        found.add("other", source, "XMP metadata (the kit found no personal fields in it, "
                  "but it is removed when stripped)", f"{len(text):,} characters", "low")


def _xmp_coordinate(value: str) -> float | None:
    """XMP writes "51,30.5N" or "51,30,30N"; drones write plain decimals."""
    match = re.fullmatch(r"\s*(\d{1,3})(?:,(\d{1,2}(?:\.\d+)?))?(?:,(\d{1,2}(?:\.\d+)?))?"
                         r"\s*([NSEW])\s*", value, re.IGNORECASE)
    if match:
        degrees, minutes, seconds, ref = match.groups()
        number = int(degrees) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
        return -number if ref.upper() in "SW" else number
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


# --- PNG chunks, walked directly: text after the pixel data is still metadata ---

_PNG_TEXT_KINDS: Final = {
    "author": ("people", "author", "medium"),
    "copyright": ("people", "copyright", "medium"),
    "software": ("software", "software", "low"),
    "creation time": ("date", "creation time", "low"),
    "source": ("camera", "source device", "low"),
}


def _png_chunks(path: Path, found: _Found) -> None:
    text_chunks = 0
    with open_regular(path, MAX_FILE_BYTES, "picture") as fh:
        fh.seek(8)
        for _ in range(MAX_PNG_CHUNKS):
            header = fh.read(8)
            if len(header) < 8:
                break  # cut short: what was there has been read
            length, kind = struct.unpack(">I4s", header)
            if length > 0x7FFFFFFF:
                break
            if kind in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
                text_chunks += 1
                if text_chunks > MAX_PNG_TEXT_CHUNKS:
                    fh.seek(length + 4, os.SEEK_CUR)  # counted, not read: see below
                    continue
                if length > MAX_TEXT_BYTES * 4:
                    found.add("text", "PNG text", "a very large text chunk (not read)",
                              f"{length:,} bytes", "medium")
                    fh.seek(length + 4, os.SEEK_CUR)
                    continue
                data = fh.read(length)
                fh.seek(4, os.SEEK_CUR)
                if kind == b"eXIf":
                    _exif_bytes(data, found, "PNG eXIf")
                else:
                    _png_text(kind, data, found)
            elif kind == b"tIME":
                found.add("date", "PNG", "time last changed", severity="low")
                fh.seek(length + 4, os.SEEK_CUR)
            elif kind == b"IEND":
                break
            else:
                fh.seek(length + 4, os.SEEK_CUR)
        else:
            found.add("text", "PNG", f"more than {MAX_PNG_CHUNKS:,} chunks: the rest of the "
                      "file was not read", severity="medium")
    if text_chunks > MAX_PNG_TEXT_CHUNKS:
        # Hundreds of thousands of text fields would take seconds and megabytes to list, and
        # no camera or editor writes more than a few: the count says what is there.
        more = text_chunks - MAX_PNG_TEXT_CHUNKS
        found.add("text", "PNG text", f"and {more:,} more text field{'s' if more != 1 else ''} "
                  "(not read)", severity="medium")


def _inflate(data: bytes) -> str | None:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_TEXT_BYTES)
    except zlib.error:
        return None
    return out.decode("latin-1")


def _png_text(kind: bytes, data: bytes, found: _Found) -> None:
    keyword, _, rest = data.partition(b"\0")
    key = keyword.decode("latin-1", "replace")
    text: str | None
    if kind == b"tEXt":
        text = rest.decode("latin-1")
    elif kind == b"zTXt":
        text = _inflate(rest[1:])
    else:  # iTXt: compression flag, method, language, translated keyword, text (UTF-8)
        if len(rest) < 2:
            return
        compressed, rest = rest[0], rest[2:]
        _lang, _, rest = rest.partition(b"\0")
        _translated, _, body = rest.partition(b"\0")
        text = _inflate(body) if compressed else body.decode("latin-1")
        if text is not None:
            text = text.encode("latin-1").decode("utf-8", "replace")
    source = f"PNG {kind.decode()}"
    if text is None:
        found.add("text", source, f"text {_clean(key)!r} (damaged; not read)",
                  severity="medium")
        return
    lower = key.lower()
    if key == "XML:com.adobe.xmp":
        _xmp(text, found, f"{source} XMP")
    elif lower == "raw profile type xmp":
        _xmp(_raw_profile(text) or text, found, f"{source} XMP")
    elif lower in ("raw profile type exif", "raw profile type app1"):
        raw = _raw_profile(text)
        if raw:
            _exif_bytes(raw if raw.startswith(b"Exif") else b"Exif\0\0" + raw, found,
                        f"{source} EXIF")
    elif lower.startswith("raw profile type"):
        found.add("other", source, f"{_clean(key)} block", severity="medium")
    elif lower.startswith("date:"):
        found.add("date", source, _clean(key), text, "low")
    else:
        what = _PNG_TEXT_KINDS.get(lower, ("text", f"text {_clean(key)!r}", "medium"))
        if _clean(text):
            found.add(what[0], source, what[1], text, what[2])


def _raw_profile(text: str) -> bytes | None:
    """ImageMagick's hex form: a blank line, the type, the length, then hex digits."""
    lines = text.strip().split("\n")
    if len(lines) < 3:
        return None
    try:
        return bytes.fromhex("".join(lines[2:]).replace(" ", ""))
    except ValueError:
        return None


def _heif_extras(info: Mapping[Any, Any], found: _Found) -> None:
    thumbnails = info.get("thumbnails") or []
    if thumbnails:
        found.add("thumbnail", "HEIC", f"{len(thumbnails)} embedded preview image"
                  + ("s" if len(thumbnails) > 1 else ""), severity="medium")
    if info.get("depth_images"):
        found.add("extra_images", "HEIC", "a depth map (the shape of the scene)",
                  severity="low")
    if info.get("aux"):
        found.add("extra_images", "HEIC", "auxiliary images (such as a portrait matte)",
                  ", ".join(_clean(k) for k in info["aux"]), "low")
    for block in info.get("metadata") or []:
        kind = block.get("type", "") if isinstance(block, dict) else ""
        found.add("other", "HEIC", "another metadata block", _clean(kind), "medium")


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
