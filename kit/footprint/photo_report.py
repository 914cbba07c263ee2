"""The photo check's report types and the rules every reader shares: what an item and a
report are, the size and pixel caps, opening a picture with Pillow under those caps, and text
from a picture made safe to show. kit.footprint.photos (finding files, the reports),
kit.footprint.photo_read (reading one picture) and kit.footprint.photo_strip (clean copies)
all build on it.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from kit.bounded_read import open_regular
from kit.errors import FileRefused

if TYPE_CHECKING:
    from PIL.ImageFile import ImageFile


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

# In plain words, because the app shows them too; the command line adds the tools' commands
# (kit.commands.check_photo).
VIDEO_ADVICE: Final = (
    "may carry location; the kit cannot read or clean video, but the free tools exiftool and "
    "ffmpeg can remove what a video carries")
RAW_ADVICE: Final = (
    "a camera raw file; it may carry location and the camera's serial number, and the kit "
    "cannot clean this kind: export a JPEG from your photo app and check that, or clean a "
    "copy with the free tool exiftool")

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
