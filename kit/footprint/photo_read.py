"""What a picture's structure means: the fields, blocks and hidden parts that name a person, a
place or a device, read from what kit.footprint.photo_formats walks, without decoding a pixel.

kit.footprint.photos finds the files and makes the reports; this module reads one picture
(`read_picture`). Each format's reader says where every item sits (its source), what it is
(kind and label) and how much it matters (severity). tests/footprint/photo_lib.py measures the
result against exiftool.

Why one long module: it is one reader per block a picture can hide things in (JPEG segments, EXIF
and TIFF directories, maker notes, Photoshop and IPTC, XMP, PNG text), each a section below, all
writing into one item model with one severity scale, and all measured together against exiftool.
The sections call each other (a JPEG segment holds EXIF, EXIF holds maker notes, Photoshop
resources hold IPTC), so apart they would import in a ring.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct
import warnings
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from kit.bounded_read import open_regular
from kit.footprint.photo_formats import (
    Damaged,
    Entry,
    IptcRecord,
    Segment,
    Tiff,
    Truncated,
    find_iptc,
    read_ciff,
    read_gif,
    read_iptc,
    read_jpeg,
    read_photoshop,
    read_png,
    read_riff,
    read_tiff,
    walk_ifd,
    webp_size,
)
from kit.footprint.photo_report import (
    MAX_FILE_BYTES,
    MAX_PNG_CHUNKS,
    MAX_PNG_TEXT_CHUNKS,
    MAX_TEXT_BYTES,
    SCANNED,
    GeoPoint,
    MetadataItem,
    PhotoReport,
    _clean,
    _damaged,
    _pillow,
    _Unreadable,
)

# --- reading one picture: its structure, never its pixels ---


class _Found:
    """Items as they are found (each once), and the best location seen."""

    def __init__(self) -> None:
        self.items: list[MetadataItem] = []
        self.location: GeoPoint | None = None
        self.damaged = False
        self._seen: set[MetadataItem] = set()

    def add(self, kind: str, source: str, label: str, value: object = "",
            severity: str = "low") -> None:
        text = _clean(value) if value != "" else ""
        item = MetadataItem(kind, source, label, text, severity)
        if item not in self._seen:
            self._seen.add(item)
            self.items.append(item)

    def place(self, point: GeoPoint) -> None:
        if self.location is None:
            self.location = point


def read_picture(path: Path, kind: str) -> PhotoReport:
    """What one picture carries, from its structure alone: no pixel is decoded, so a picture
    of any size is read (MAX_PIXELS limits only the making of clean copies)."""
    found = _Found()
    if kind in ("HEIF", "AVIF"):
        fmt, size, frames = _read_heif(path, kind, found)
    else:
        with open_regular(path, MAX_FILE_BYTES, "picture") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        try:
            fmt, size, frames = _READERS[kind](data, found)
        except Truncated:
            raise _Unreadable("it is damaged: the file is cut short (truncated)") from None
        except Damaged as exc:
            raise _Unreadable(f"it is damaged or in a form the kit cannot read ({exc})"
                              ) from None
    if frames > 1:
        what = ("images in one file (often a depth map or a second view)"
                if fmt in ("MPO", "HEIF", "AVIF") else "frames or pages")
        found.add("extra_images", fmt, f"{frames} {what}",
                  severity="medium" if fmt in ("MPO", "HEIF", "AVIF") else "low")
    if found.damaged:
        found.add("other", fmt, "some of the metadata is damaged; what could be read is "
                  "listed", severity="low")
    return PhotoReport(path, SCANNED, format=fmt, items=tuple(found.items),
                       location=found.location, size=size)


Size = tuple[int, int] | None
_NOT_ALL_READ: Final = ("the file holds more parts than the kit reads; the rest was not read "
                        "and may hold anything")


def _read_jpeg(data: bytes, found: _Found) -> tuple[str, Size, int]:
    jpeg = read_jpeg(data)
    found.damaged = found.damaged or jpeg.damaged
    if jpeg.stopped:
        found.add("other", "JPEG", _NOT_ALL_READ, severity="medium")
    images, images_end = _jpeg_segments(data, jpeg.segments, found)
    if jpeg.end is not None:
        _other_images(data, jpeg.end, found)
        _trailer(data, max(jpeg.end, images_end), found, "JPEG")
    return ("MPO" if images > 1 else "JPEG"), jpeg.size, images


_MAX_OTHER_IMAGES: Final = 4


def _other_images(data: bytes, end: int, found: _Found) -> None:
    """Pictures stored after the first (a second view, a depth map, an appended original)
    carry their own EXIF, which can hold a location the first has not: what they add is
    listed, marked with the image it came from."""
    for n, at in enumerate(_embedded_starts(data[end:])[:_MAX_OTHER_IMAGES], start=2):
        child = _Found()
        try:
            jpeg = read_jpeg(data, end + at)
            _jpeg_segments(data, jpeg.segments, child)
        except (Damaged, struct.error):
            continue
        known = {(i.kind, i.label, i.value) for i in found.items}
        for item in child.items:
            if item.kind != "other" and (item.kind, item.label, item.value) not in known:
                found.add(item.kind, f"{item.source} (image {n})", item.label, item.value,
                          item.severity)
        if child.location is not None:
            found.place(child.location)


def _read_png(data: bytes, found: _Found) -> tuple[str, Size, int]:
    chunks, end, stopped = read_png(data, MAX_PNG_CHUNKS)
    if len(data) < 33:
        raise Truncated("it is cut short")
    if not chunks or chunks[0].kind != b"IHDR" or len(chunks[0].data) < 8:
        raise Damaged("its PNG header is missing")
    size = struct.unpack_from(">II", chunks[0].data)
    frames = 1
    text_chunks = 0
    unknown: set[str] = set()
    for chunk in chunks:
        kind = chunk.kind
        if kind in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
            text_chunks += 1
            if text_chunks > MAX_PNG_TEXT_CHUNKS:
                continue  # counted, not read: see below
            if len(chunk.data) > MAX_TEXT_BYTES * 4:
                found.add("text", "PNG text", "a very large text chunk (not read)",
                          f"{len(chunk.data):,} bytes", "medium")
            elif kind == b"eXIf":
                _exif_block(chunk.data, 6 if chunk.data.startswith(b"Exif\0\0") else 0,
                            found, "PNG eXIf")
            else:
                _png_text(kind, chunk.data, found)
        elif kind == b"tIME":
            found.add("date", "PNG", "time last changed", severity="low")
        elif kind == b"acTL" and len(chunk.data) >= 4:
            frames = max(1, struct.unpack_from(">I", chunk.data)[0])
        elif kind in (b"caBX", b"jumb"):
            _jumbf(chunk.data, found)
        elif kind not in _PNG_KNOWN and kind[:1].islower():
            unknown.add(_clean(kind, 8))
            _xmp_inside(chunk.data, found, f"XMP in PNG {_clean(kind, 8)}")
    if unknown:
        found.add("other", "PNG", "other application data (an app's own chunks)",
                  ", ".join(sorted(unknown)), "low")
    if stopped:
        found.add("text", "PNG", f"more than {MAX_PNG_CHUNKS:,} chunks: the rest of the "
                  "file was not read", severity="medium")
    if text_chunks > MAX_PNG_TEXT_CHUNKS:
        # Hundreds of thousands of text fields would take seconds and megabytes to list, and
        # no camera or editor writes more than a few: the count says what is there.
        more = text_chunks - MAX_PNG_TEXT_CHUNKS
        found.add("text", "PNG text", f"and {more:,} more text field{'s' if more != 1 else ''} "
                  "(not read)", severity="medium")
    if end is not None:
        _trailer(data, end, found, "PNG")
    return "PNG", (size[0], size[1]), frames


# Chunks the PNG specification and its registered extensions define for the picture itself.
_PNG_KNOWN: Final = frozenset({
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"cICP", b"mDCV", b"cLLI", b"bKGD", b"hIST", b"pHYs", b"sPLT", b"tIME", b"acTL", b"fcTL",
    b"fdAT", b"oFFs", b"pCAL", b"sCAL", b"sTER", b"gIFg", b"dSIG", b"eXIf", b"tEXt", b"zTXt",
    b"iTXt"})
_GIF_QUIET: Final = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def _read_gif(data: bytes, found: _Found) -> tuple[str, Size, int]:
    gif = read_gif(data)
    if gif.stopped:
        found.add("other", "GIF", _NOT_ALL_READ, severity="medium")
    vendor: set[str] = set()
    for block in gif.blocks:
        if block.kind == "comment":
            if _clean(block.data):
                found.add("text", "GIF comment", "comment", block.data, "medium")
        elif block.kind == "plaintext":
            if _clean(block.data):
                found.add("text", "GIF text", "text shown over the picture", block.data,
                          "medium")
        elif block.name.startswith(b"XMP Data"):
            _xmp(block.data, found, "GIF XMP")
        elif block.name not in _GIF_QUIET:
            vendor.add(_clean(block.name))
    if vendor:
        found.add("other", "GIF", "other application data (an app's own data)",
                  ", ".join(sorted(vendor)), "low")
    if gif.end is not None:
        _trailer(data, gif.end, found, "GIF")
    return "GIF", gif.size, gif.frames


_WEBP_QUIET: Final = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ICCP", b"ANIM"})


def _read_webp(data: bytes, found: _Found) -> tuple[str, Size, int]:
    chunks, end = read_riff(data)
    frames = 0
    vendor: set[str] = set()
    for chunk in chunks:
        if chunk.kind == b"EXIF":
            _exif_block(chunk.data, 6 if chunk.data.startswith(b"Exif\0\0") else 0, found,
                        "EXIF")
        elif chunk.kind == b"XMP ":
            _xmp(chunk.data, found)
        elif chunk.kind == b"ANMF":
            frames += 1
        elif chunk.kind not in _WEBP_QUIET:
            vendor.add(_clean(chunk.kind))
    if vendor:
        found.add("other", "WEBP", "other application data (an app's own data)",
                  ", ".join(sorted(vendor)), "low")
    _trailer(data, end, found, "WEBP")
    return "WEBP", webp_size(chunks), max(frames, 1)


def _read_tiff_file(data: bytes, found: _Found) -> tuple[str, Size, int]:
    tiff = read_tiff(data)
    if "IFD0" not in tiff.ifds:
        raise Damaged("its first TIFF directory is missing")
    pages = _tiff_fields(data, tiff, found, "TIFF tags", tiff_file=True)
    main = tiff.directory("IFD0")
    width, height = main.get(256), main.get(257)
    size = ((width.number or 0, height.number or 0)
            if width is not None and height is not None else None)
    return "TIFF", size, pages


def _read_bmp(data: bytes, found: _Found) -> tuple[str, Size, int]:
    if len(data) < 26:
        raise Truncated("it is cut short")
    width, height = struct.unpack_from("<ii", data, 18)
    return "BMP", (abs(width), abs(height)), 1


_READERS: Final = {"JPEG": _read_jpeg, "PNG": _read_png, "GIF": _read_gif,
                   "WEBP": _read_webp, "TIFF": _read_tiff_file, "BMP": _read_bmp}


def _read_heif(path: Path, kind: str, found: _Found) -> tuple[str, Size, int]:
    try:
        import pillow_heif
    except ImportError:  # pragma: no cover - pillow-heif is a dependency
        raise _Unreadable(f"{kind} pictures need pillow-heif, which is not installed"
                          ) from None
    with open_regular(path, MAX_FILE_BYTES, "picture") as fh:
        try:
            heif = pillow_heif.open_heif(fh, convert_hdr_to_8bit=False)
        except Exception as exc:  # untrusted bytes: any parser error is this file's problem
            raise _Unreadable(_damaged(exc)) from None
        for image in heif:
            info: dict[str, Any] = dict(image.info)
            exif = info.get("exif")
            if isinstance(exif, bytes) and exif:
                _exif_block(exif, 6 if exif.startswith(b"Exif\0\0") else 0, found, "EXIF")
            if info.get("xmp"):
                _xmp(info["xmp"], found)
            _heif_extras(info, found)
        return kind, heif.size, len(heif)


# --- JPEG segments: comments, EXIF, XMP, IPTC, previews, vendor data ---

_XMP_HEAD: Final = b"http://ns.adobe.com/xap/1.0/\0"
_XMP_EXTENSION: Final = b"http://ns.adobe.com/xmp/extension/\0"
_QUIET_SEGMENTS: Final = ((0xE2, b"ICC_PROFILE\0"), (0xEE, b"Adobe"), (0xE0, b"AVI1"))
_PREVIEW: Final = ("an embedded preview image (it can show the photo as it was before "
                   "cropping or editing)")


def _jpeg_segments(data: bytes, segments: list[Segment], found: _Found) -> tuple[int, int]:
    """Reads each segment; returns how many images the file says it holds (MPF) and where
    the last of them ends."""
    vendor: set[str] = set()
    extended: dict[bytes, dict[int, bytes]] = {}
    xmp_seen = False
    images, images_end = 1, 0
    exif_parts: list[bytes] = []
    photoshop: list[bytes] = []
    flir: list[bytes] = []
    for seg in segments:
        marker, p = seg.marker, seg.payload
        if marker == 0xFE:
            if _clean(p):
                found.add("text", "JPEG comment", "comment", p, "medium")
        elif marker == 0xE1 and p.startswith(b"Exif\0"):
            # Each block is read within its own segment (as exiftool does), and a few are
            # read: a crafted file could hold thousands, each pointing everywhere.
            exif_parts.append(p[6:])
            if len(exif_parts) <= _MAX_BLOCKS:
                _exif_block(p, 6, found, "EXIF")
            elif len(exif_parts) == _MAX_BLOCKS + 1:
                found.add("other", "EXIF", _NOT_ALL_READ, severity="medium")
        elif marker == 0xE1 and p.startswith(_XMP_HEAD):
            xmp_seen = True
            _xmp(p[len(_XMP_HEAD):], found)
        elif marker == 0xE1 and p.startswith(_XMP_EXTENSION):
            # Extended XMP: pieces of one packet too big for a segment, keyed by its digest.
            head = len(_XMP_EXTENSION)
            if len(p) >= head + 40:
                at = struct.unpack_from(">I", p, head + 36)[0]
                extended.setdefault(p[head:head + 32], {})[at] = p[head + 40:]
        elif marker == 0xED and p.startswith(b"Photoshop 3.0\0"):
            photoshop.append(p[14:])  # a large block continues in the next segments
        elif marker == 0xE2 and p.startswith(b"MPF\0"):
            images, images_end = _mpf(data, seg.at + 4, found)
        elif marker == 0xE0 and p.startswith(b"JFIF\0"):
            if len(p) >= 14 and p[12] and p[13]:
                found.add("thumbnail", "JFIF", _PREVIEW, f"{p[12]}×{p[13]} pixels", "medium")
        elif marker == 0xE0 and p.startswith(b"JFXX\0"):
            found.add("thumbnail", "JFXX", _PREVIEW, "", "medium")
        elif marker == 0xE0 and p[6:14] == b"HEAPJPGM":
            _ciff(p, found)
        elif marker == 0xEC:
            _app12(p, found)
        elif marker == 0xEA and p.startswith(b"UNICODE\0"):  # PhotoStudio's comment
            text = p[8:].decode("utf-16-be", "replace")
            if _clean(text):
                found.add("text", "JPEG APP10", "comment", text, "medium")
        elif marker == 0xE1 and p.startswith(b"FLIR\0"):  # a thermal camera's records
            flir.append(p[8:])
            vendor.add("APP1 FLIR")
        elif marker == 0xE9 and p.startswith(b"infisense"):  # InfiRay's thermal camera data
            for at, label in ((0xC0, "infrared sensor serial number"),
                              (0x240, "camera sensor serial number")):
                _field(p[at:at + 32], found, "device", "JPEG APP9 InfiRay", label, "medium")
            vendor.add("APP9 infisense")
        elif marker == 0xEB and p.startswith(b"JP"):  # JUMBF (content credentials)
            _jumbf(p, found)
        elif any(marker == m and p.startswith(head) for m, head in _QUIET_SEGMENTS):
            continue
        else:
            name = _clean(p[:12].split(b"\0")[0], 12)
            vendor.add(f"APP{marker - 0xE0} {name}".strip())
            _xmp_inside(p, found, f"XMP in JPEG APP{marker - 0xE0}")
            if _embedded_images(p):
                found.add("thumbnail", f"JPEG APP{marker - 0xE0}", "a preview image inside "
                          "a manufacturer's or an app's own data", severity="medium")
    if photoshop:
        _photoshop(b"".join(photoshop), found)
    if flir:
        _flir(b"".join(flir), found)
    if 1 < len(exif_parts) <= _MAX_BLOCKS:
        # Some writers continue one EXIF block across several segments (exiftool joins
        # them too): values that run past the first segment are read from the joined block.
        _exif_block(b"".join(exif_parts), 0, found, "EXIF")
    for guid, pieces in extended.items():
        _xmp(b"".join(pieces[at] for at in sorted(pieces)), found, "Extended XMP")
        if not xmp_seen:
            found.add("other", "XMP", "extended XMP data", _clean(guid), "medium")
    if vendor:
        found.add("other", "JPEG", "other application data (a manufacturer's or an app's "
                  "own data; it can include the camera's serial number)",
                  ", ".join(sorted(vendor)), "medium")
    return images, images_end


# Keys of JSON content (C2PA and similar) that name or describe: (kind, label, severity).
_JSON_FIELDS: Final = {
    "author": ("people", "author", "medium"), "creator": ("people", "creator", "medium"),
    "copyright": ("people", "copyright (often the owner's name)", "medium"),
    "name": ("people", "name", "medium"), "title": ("text", "title", "medium"),
    "description": ("text", "description", "medium"),
    "location": ("location", "location", "high"),
}


def _jumbf(payload: bytes, found: _Found) -> None:
    """JUMBF boxes (JPEG APP11): content credentials, whose JSON can name people."""
    found.add("other", "JUMBF", "content credentials (C2PA: can name the author and the "
              "tools used)", f"{len(payload):,} bytes", "medium")
    pos = 0
    for _ in range(64):
        at = payload.find(b"json", pos)
        if at < 4:
            break
        pos = at + 4
        size = int.from_bytes(payload[at - 4:at], "big")
        if not 8 < size <= MAX_TEXT_BYTES:
            continue
        try:
            doc = json.loads(payload[at + 4:at - 4 + size].decode("utf-8"))
        except (ValueError, RecursionError):
            continue
        _json_fields(doc, found, 0)


def _json_fields(doc: object, found: _Found, depth: int) -> None:
    if depth > 16:
        return
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) \
        if isinstance(doc, list) else ()
    for key, value in list(items)[:1000]:
        spec = _JSON_FIELDS.get(str(key).lower())
        if spec is not None and isinstance(value, str | int | float):
            found.add(spec[0], "JUMBF JSON", spec[1], value, spec[2])
        elif isinstance(value, dict | list):
            _json_fields(value, found, depth + 1)


def _flir(fff: bytes, found: _Found) -> None:
    """FLIR's FFF records: the camera-information record holds the serial number."""
    if not fff.startswith(b"FFF\0") or len(fff) < 0x20:
        return
    order = ">" if struct.unpack_from(">I", fff, 0x18)[0] < len(fff) else "<"
    start, count = struct.unpack_from(order + "II", fff, 0x18)
    for n in range(min(count, 64)):
        at = start + 32 * n
        if at + 32 > len(fff):
            break
        kind, _sub, _version, _ident, offset, length = struct.unpack_from(order + "HHIIII",
                                                                          fff, at)
        if kind == 0x20 and length >= 0x114:  # camera information
            record = fff[offset:offset + length]
            _field(record[0x104:0x114], found, "device", "JPEG APP1 FLIR",
                   "camera serial number", "medium")


def _embedded_images(data: bytes) -> int:
    """How many JPEG pictures start inside *data* (at most 100 counted)."""
    return len(_embedded_starts(data))


def _embedded_starts(data: bytes) -> list[int]:
    """Where JPEG pictures start inside *data* (the first 100)."""
    starts: list[int] = []
    pos = 0
    while len(starts) < 100:
        pos = data.find(b"\xff\xd8\xff", pos)
        if pos < 0:
            break
        if pos + 3 < len(data) and data[pos + 3] in (0xDB, 0xE0, 0xE1, 0xC0, 0xC4, 0xEE,
                                                     0xFE, 0xE2):
            starts.append(pos)
        pos += 3
    return starts


def _mpf(data: bytes, base: int, found: _Found) -> tuple[int, int]:
    """The Multi-Picture Format index: how many images, and where the last one ends."""
    try:
        tiff = read_tiff(data, base, chain=False)
    except Damaged:
        found.damaged = True
        return 1, 0
    count = tiff.get("IFD0", 0xB001)
    entries = tiff.get("IFD0", 0xB002)
    images = count.number if count is not None and count.number else 1
    end = 0
    if entries is not None and isinstance(entries.value, bytes):
        order = tiff.order
        for n in range(min(images, 64)):
            at = 16 * n
            if at + 12 > len(entries.value):
                break
            size, offset = struct.unpack_from(order + "II", entries.value, at + 4)
            if offset:
                end = max(end, base + offset + size)
    return min(images, 1000), end


# Known blocks a tool appends after a picture's end, by a signature near the end or start.
_TRAILERS: Final = ((b"AXS!", "AFCP"), (b"AXS*", "AFCP"), (b"\xa1\xb2\xc3\xd4", "FotoStation"),
                    (b"cbipcbbl", "Photo Mechanic"), (b"SEFT", "Samsung"),
                    (b"~\0\x04\0zmie~", "MIE"))


def _trailer(data: bytes, end: int, found: _Found, fmt: str) -> None:
    """Whatever follows the end of the picture: picture viewers ignore it, so anything can
    hide there (captions, by-lines, previews, a video, another file)."""
    rest = data[end:]
    if len(rest.strip(b"\0\r\n \t\xff")) < 16:
        return  # padding
    name = next((n for sig, n in _TRAILERS if sig in rest[:16] or sig in rest[-16:]), "")
    if not name and (rest[4:8] == b"ftyp" or b"ftypmp4" in rest[:64]):
        name = "video"
    source = f"{name} trailer" if name and name != "video" else f"after the end of the {fmt}"
    if name == "video":
        found.add("extra_images", source, "a short video after the picture (a motion "
                  "photo)", f"{len(rest):,} bytes", "medium")
    else:
        found.add("other", source, "data after the end of the picture, hidden from viewers "
                  f"({name or 'the kit cannot tell what it holds'})", f"{len(rest):,} bytes",
                  "medium")
    records = find_iptc(rest)
    if records:
        _iptc_records(records, found, f"IPTC in {source}")
    _xmp_inside(rest, found, f"XMP in {source}")
    previews = _embedded_images(rest) if name != "video" else 0
    if previews:
        found.add("thumbnail", source, _PREVIEW if previews == 1 else
                  f"{previews} embedded preview images", "", "medium")


# --- EXIF and TIFF directories ---

# Fields worth naming, wherever they sit (IFD0, the Exif directory, IFD1, a SubIFD: cameras
# and editors do not all put them where the standard says): (kind, label, severity).
_TAG_FIELDS: Final = {
    0x010F: ("camera", "camera make", "low"),
    0x0110: ("camera", "camera model", "low"),
    0x0131: ("software", "software", "low"),
    0x000B: ("software", "software", "low"),
    0x0132: ("date", "date changed", "low"),
    0x013B: ("people", "artist (often the owner's name)", "medium"),
    0x8298: ("people", "copyright (often the owner's name)", "medium"),
    0x013C: ("device", "computer name (can include a person's name)", "medium"),
    0x010E: ("text", "description", "medium"),
    0x010D: ("text", "document name", "medium"),
    0x011D: ("text", "page name", "low"),
    0x9C9B: ("text", "Windows title", "medium"),
    0x9C9C: ("text", "Windows comment", "medium"),
    0x9C9D: ("people", "Windows author", "medium"),
    0x9C9E: ("text", "Windows keywords", "medium"),
    0x9C9F: ("text", "Windows subject", "medium"),
    0x9003: ("date", "date taken", "low"),
    0x9004: ("date", "date digitised", "low"),
    0x9011: ("date", "time zone when taken", "low"),
    0xA430: ("people", "camera owner's name", "medium"),
    0xA431: ("device", "camera serial number", "medium"),
    0xA435: ("device", "lens serial number", "medium"),
    0xA420: ("device", "unique image ID (links copies of this photo)", "medium"),
    0xA433: ("camera", "lens make", "low"),
    0xA434: ("camera", "lens model", "low"),
    0xC62F: ("device", "camera serial number", "medium"),  # DNG CameraSerialNumber
    0xC614: ("camera", "camera model", "low"),  # DNG UniqueCameraModel
    0xFDE8: ("people", "camera owner's name", "medium"),  # written by Adobe Camera Raw
    0xFDE9: ("device", "camera serial number", "medium"),
}
_USER_COMMENT: Final = 0x9286
_MAKER_NOTE: Final = 0x927C
_IPTC_TAG: Final = 0x83BB
_PHOTOSHOP_TAG: Final = 0x8649
_XMP_TAG: Final = 0x02BC
_GEOTIFF: Final = frozenset({0x8482, 0x830E, 0x85D8, 0x87AF, 0x87B0, 0x87B1})
_MAX_BLOCKS: Final = 8  # IPTC, Photoshop, XMP blocks and maker notes read per structure
_STRUCTURE: Final = frozenset({_USER_COMMENT, _MAKER_NOTE, _IPTC_TAG, _PHOTOSHOP_TAG,
                               _XMP_TAG, 0x8769, 0x8825, 0xA005, 0x014A, 0x0201, 0x0202})


def _exif_block(data: bytes, base: int, found: _Found, source: str) -> None:
    """An EXIF block (a TIFF structure) starting at *base* in *data*."""
    try:
        tiff = read_tiff(data, base)
    except Damaged:  # a damaged block is still something the file carries
        found.add("other", source, "an EXIF block the kit could not read (it may hold "
                  "anything, a location included)", severity="medium")
        return
    _tiff_fields(data, tiff, found, source, tiff_file=False)


def _raw(data: bytes, entry: Entry) -> bytes:
    """An entry's value as the bytes it was written as (IPTC is often typed as numbers)."""
    size = {3: 2, 4: 4, 8: 2, 9: 4, 13: 4, 5: 8, 10: 8, 16: 8}.get(entry.type, 1)
    return data[entry.at:entry.at + min(entry.count * size, MAX_TEXT_BYTES * 16)]


def _tiff_fields(data: bytes, tiff: Tiff, found: _Found, source: str, *,
                 tiff_file: bool) -> int:
    """Names what every directory carries; returns how many pages (full-size images) the
    chain of directories holds."""
    make = ""
    blocks: dict[int, int] = {}
    found.damaged = found.damaged or tiff.damaged
    for entry in tiff.entries:
        where = source if entry.ifd in ("IFD0", "ExifIFD", "IFD1") else f"{source} {entry.ifd}"
        if entry.ifd in ("GPS", "InteropIFD"):
            continue
        spec = _TAG_FIELDS.get(entry.tag)
        if spec is not None:
            if where != source and any(i.label == spec[1] and i.value == _clean(entry.value)
                                       for i in found.items):
                continue  # the same value again in another directory: said once
            _field(entry.value, found, spec[0], where, spec[1], spec[2])
            if entry.tag == 0x010F and not make:
                make = _clean(entry.value)
        elif entry.tag == _USER_COMMENT:
            comment = _user_comment(entry.value)
            if comment:
                found.add("text", where, "user comment", comment, "medium")
        elif entry.tag in (_IPTC_TAG, _PHOTOSHOP_TAG, _XMP_TAG):
            # Blocks are read from where they sit, which a crafted file could point many
            # entries at: a few of each are read, the rest only counted.
            blocks[entry.tag] = blocks.get(entry.tag, 0) + 1
            if blocks[entry.tag] > _MAX_BLOCKS:
                continue
            if entry.tag == _IPTC_TAG:
                records, _end = read_iptc(_raw(data, entry))
                _iptc_records(records, found, "IPTC")
            elif entry.tag == _PHOTOSHOP_TAG:
                _photoshop(_raw(data, entry), found)
            else:
                _xmp(_raw(data, entry), found)
    notes = [e for e in tiff.entries if e.tag == _MAKER_NOTE]
    if len(notes) > _MAX_BLOCKS or any(n > _MAX_BLOCKS for n in blocks.values()):
        found.add("other", source, _NOT_ALL_READ, severity="medium")
    for entry in notes[:_MAX_BLOCKS]:
        if entry.tag == _MAKER_NOTE:
            found.add("device", source, "maker notes (the manufacturer's own data; can "
                      "include the camera's serial number)", f"{entry.count:,} bytes",
                      "medium")
            _maker_notes(data, tiff, entry, make, found)
    named = set(_TAG_FIELDS) | _STRUCTURE
    others = [e for e in tiff.entries if e.ifd == "ExifIFD" and e.tag not in named]
    if others:
        plural = "s" if len(others) != 1 else ""
        found.add("other", source, f"{len(others)} technical camera setting{plural} "
                  "(exposure, lens and the like)")
    # Text in fields no standard names can say anything (a name, a place): show it.
    texts = [_clean(e.value) for e in tiff.entries
             if e.type == 2 and e.tag not in named and e.tag not in _GEOTIFF
             and e.ifd not in ("GPS", "InteropIFD")]
    texts = [t for t in texts if t]
    if texts:
        found.add("text", source, "other text fields", "; ".join(dict.fromkeys(texts)),
                  "low")
    if any(e.tag in _GEOTIFF for e in tiff.entries):
        found.add("location", source, "map coordinates (GeoTIFF: where the picture shows)",
                  severity="medium")
    gps = {e.tag: (e.value[0] if isinstance(e.value, tuple) and len(e.value) == 1
                   else e.value) for e in tiff.entries if e.ifd == "GPS"}
    if "GPS" in tiff.ifds:
        _gps(gps, found, source)
    return _previews(data, tiff, found, source, tiff_file=tiff_file)


def _previews(data: bytes, tiff: Tiff, found: _Found, source: str, *, tiff_file: bool) -> int:
    pages = 0
    for ifd in dict.fromkeys(e.ifd for e in tiff.entries):
        tags = tiff.directory(ifd)
        kind = tags.get(0x00FE)
        reduced = bool((kind.number or 0) & 1) if kind is not None else False
        chained = ifd.startswith("IFD")
        offset, length = tags.get(0x0201), tags.get(0x0202)
        where = source if ifd in ("IFD0", "IFD1") else f"{source} {ifd}"
        if tiff_file and chained and not reduced:
            pages += 1  # a page (old-style JPEG pages keep their data at 0x0201 too)
        elif offset is not None and length is not None and offset.number and length.number:
            start = tiff.base + offset.number
            blob = data[start:start + length.number]
            found.add("thumbnail", where, _PREVIEW,
                      _thumbnail_size(blob) if len(blob) == length.number else "", "medium")
        elif reduced or (not tiff_file and ifd == "IFD1"):
            width, height = tags.get(256), tags.get(257)
            value = (f"{width.number}×{height.number} pixels"
                     if width is not None and height is not None else "")
            found.add("thumbnail", where, "a smaller copy of the picture (a preview; it can "
                      "show the photo as it was before cropping or editing)", value, "medium")
        elif tiff_file and ifd.startswith("SubIFD") and (0x0111 in tags or 0x0144 in tags):
            found.add("extra_images", where, "another image inside the file (such as the "
                      "camera's raw data or a full-size copy)", severity="medium")
    return max(pages, 1)


def _field(value: object, found: _Found, kind: str, source: str, label: str,
           severity: str) -> None:
    if value is None:
        return
    if isinstance(value, tuple):
        value = " ".join(str(int(v)) if float(v).is_integer() else str(v) for v in value)
    elif label.startswith("Windows") and isinstance(value, bytes):
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
    when = gps.get(7)
    if isinstance(when, tuple) and len(when) == 3 and all(
            isinstance(v, float | int) and math.isfinite(v) for v in when):
        when = "{:02.0f}:{:02.0f}:{:02.0f}".format(*when)  # hours, minutes, seconds (UTC)
    stamp = " ".join(_clean(v) for v in (gps.get(0x1D), when) if v is not None)
    if stamp:
        found.add("date", source, "GPS date and time", stamp)


def _thumbnail_size(data: bytes) -> str:
    pil = _pillow()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pil.DecompressionBombWarning)
            with pil.open(io.BytesIO(data), formats=["JPEG"]) as thumb:
                return f"{thumb.size[0]}×{thumb.size[1]} pixels"
    except Exception:  # the preview is reported either way; its size is a detail
        return ""


# --- maker notes: each manufacturer's own directory, where owner names and serials hide ---

# (prefix, where the directory starts, whether offsets count from the note's own start).
_MAKER_LAYOUTS: Final = (
    (b"Nikon\0\x02", -1, False),  # its own TIFF header 10 bytes in
    (b"Nikon\0\x01", 8, False),
    (b"OLYMPUS\0", 12, True),
    (b"OM SYSTEM\0", 16, True),
    (b"OLYMP\0", 8, False),
    (b"EPSON\0", 8, False),
    (b"Panasonic\0", 12, False),
    (b"FUJIFILM", -2, True),  # a little-endian offset 8 bytes in
    (b"GENERALE", -2, True),
    (b"AOC\0", 6, False),
    (b"PENTAX \0", 10, True),
    (b"SIGMA\0", 10, False),
    (b"FOVEON\0", 10, False),
    (b"SONY DSC ", 12, False),
    (b"SONY CAM ", 12, False),
    (b"QVC\0", 6, False),
    (b"Ricoh", 8, False),
    (b"RICOH", 8, False),
    (b"SANYO\0", 8, False),
    (b"LEICA\0", 8, False),
    (b"Apple iOS\0", 14, True),
    (b"MOT\0", 8, True),
)
# Tags that name a person or a device, by manufacturer (the make starts with the key).
_MAKER_FIELDS: Final[dict[str, dict[int, tuple[Any, ...]]]] = {
    "canon": {0x0009: ("people", "camera owner's name"),
              0x000C: ("device", "camera serial number"),
              0x0096: ("device", "camera serial number (internal)"),
              0x0028: ("device", "unique image ID (links copies of this photo)", "hex", 0)},
    "nikon": {0x001D: ("device", "camera serial number"),
              0x00A0: ("device", "camera serial number")},
    # Olympus keeps them in its Equipment directory (0x2010), named here as 0x2010xxxx.
    "olympus": {0x0404: ("device", "camera serial number"),
                0x20100101: ("device", "camera serial number"),
                0x20100102: ("device", "camera serial number (internal)"),
                0x20100202: ("device", "lens serial number"),
                0x20100304: ("device", "extender serial number"),
                0x20101003: ("device", "flash serial number")},
    "panasonic": {0x0025: ("device", "camera serial number (internal)")},
    "fujifilm": {0x0010: ("device", "camera serial number (internal)")},
    "pentax": {0x0229: ("device", "camera serial number"),
               0x0215: ("device", "camera serial number (internal)", "number", 4)},
    "ricoh": {0x0005: ("device", "camera serial number (internal)", "hex", 0)},
    # Nintendo's camera record: the serial is 4 bytes at 0x18.
    "nintendo": {0x1101: ("device", "camera serial number (internal)", "hex", 0x18)},
    "sigma": {0x0002: ("device", "camera serial number")},
    "kodak": {0x0000: ("device", "camera serial number")},
    "samsung": {0xA002: ("device", "camera serial number")},
    "motorola": {0x5501: ("device", "camera serial number")},
    # Sony enciphers this record (exiftool's Tag9050b/c): 6 bytes at 0x88, shown in hex.
    "sony": {0x9050: ("device", "camera serial number (internal)", "sony", 0x88)},
}
def _maker_value(entry: Entry, spec: tuple[Any, ...]) -> object:
    """The value a maker-note field holds: itself, one of its numbers, or bytes in hex (a
    binary serial number, shown as exiftool shows it)."""
    how = spec[2] if len(spec) > 2 else ""
    if how == "number" and isinstance(entry.value, tuple) and len(entry.value) > spec[3]:
        return str(int(entry.value[spec[3]]))
    if how == "hex" and isinstance(entry.value, bytes):
        raw = entry.value[spec[3]:spec[3] + (4 if spec[3] else 32)]
        return ("0x" if spec[3] else "") + raw.hex()
    if how == "sony" and isinstance(entry.value, bytes) and len(entry.value) >= spec[3] + 6:
        return entry.value[spec[3]:spec[3] + 6].translate(_SONY_DECIPHER).hex()
    return entry.value


# Sony's cipher writes each byte b below 249 as b**3 mod 249; this table undoes it.
_SONY_DECIPHER: Final = bytes(
    next((b for b in range(249) if b ** 3 % 249 == c), c) if c < 249 else c
    for c in range(256))


_OLYMPUS_SUBDIRS: Final = frozenset({0x2010, 0x2020, 0x2030, 0x2040, 0x2050})


def _maker_notes(data: bytes, tiff: Tiff, entry: Entry, make: str, found: _Found) -> None:
    note = data[entry.at:entry.at + entry.count]
    source = "maker notes"
    if len(note) < 8:
        return
    try:
        sub = _maker_tiff(data, tiff, entry.at, note)
    except (Damaged, struct.error):
        sub = None
    if sub is None:
        return
    brand = make.lower().split()[0] if make else ""
    if note.startswith((b"OLYMPUS", b"OM SYSTEM", b"OLYMP")):
        brand = "olympus"
    fields = next((f for name, f in _MAKER_FIELDS.items() if brand.startswith(name)), {})
    for item in sub.entries:
        nested = item.ifd.startswith("MakerNotes") and len(item.ifd) == 14
        key = int(item.ifd[10:], 16) << 16 | item.tag if nested else item.tag
        spec = fields.get(key)
        if spec is not None:
            _field(_maker_value(item, spec), found, spec[0], source, spec[1], "medium")
        elif item.tag == 0x0081 and brand.startswith("minolta") and len(note) > 0:
            found.add("thumbnail", source, _PREVIEW, "", "medium")
        if isinstance(item.value, bytes) and len(item.value) > 256 and _embedded_images(
                item.value[:16]):
            found.add("thumbnail", source, _PREVIEW, "", "medium")
    # Previews stored by position: (start tag, length tag) pairs several makers use.
    for start_tag, length_tag in ((0x0101, 0x0102), (0x0003, 0x0004), (0x0088, 0x0089),
                                  (0x2000, -1), (0x0004, 0x0005), (0xB028, -1)):
        start = next((e for e in sub.entries if e.tag == start_tag), None)
        if start is None or start.number is None or length_tag < 0:
            continue
        length = next((e for e in sub.entries if e.tag == length_tag), None)
        if length is not None and length.number:
            for base in (tiff.base, entry.at):
                if data[base + start.number:base + start.number + 3] == b"\xff\xd8\xff":
                    found.add("thumbnail", source, _PREVIEW, "", "medium")
                    break


def _maker_tiff(data: bytes, tiff: Tiff, at: int, note: bytes) -> Tiff | None:
    for prefix, start, own_base in _MAKER_LAYOUTS:
        if not note.startswith(prefix):
            continue
        if start == -1:
            sub = read_tiff(data, at + 10, chain=False)
            _olympus_subdirs(data, sub, None)
            return sub
        if start == -2:
            offset = struct.unpack_from("<I", note, 8)[0]
            sub = Tiff("<", at)
            walk_ifd(data, sub, offset, "MakerNotes")
            return sub
        order = tiff.order
        if note[start - 4:start - 2] in (b"II", b"MM") and prefix in (b"OLYMPUS\0",
                                                                      b"OM SYSTEM\0",
                                                                      b"AOC\0"):
            order = "<" if note[start - 4:start - 2] == b"II" else ">"
        if prefix == b"AOC\0" and note[4:6] in (b"II", b"MM"):
            order = "<" if note[4:6] == b"II" else ">"
        sub = Tiff(order, at if own_base else tiff.base)
        walk_ifd(data, sub, at + start - sub.base, "MakerNotes")
        if prefix.startswith((b"OLYMP", b"OM SYSTEM")):
            _olympus_subdirs(data, sub, at)
        return sub
    # No header: most makers (Canon among them) write a plain directory, offsets counted
    # from the EXIF block's TIFF header.
    sub = Tiff(tiff.order, tiff.base)
    walk_ifd(data, sub, at - tiff.base, "MakerNotes")
    return sub if sub.entries else None


def _olympus_subdirs(data: bytes, sub: Tiff, base: int | None) -> None:
    for entry in list(sub.entries):
        if entry.tag in _OLYMPUS_SUBDIRS and entry.ifd == "MakerNotes":
            offset = entry.number if entry.number is not None else (
                entry.at - sub.base if entry.type == 7 else None)
            if offset:
                walk_ifd(data, sub, offset, f"MakerNotes{entry.tag:04x}")


# --- Photoshop resources, IPTC, Canon CIFF and APP12 ---


def _photoshop(blob: bytes, found: _Found) -> None:
    named = False
    for resource in read_photoshop(blob):
        if resource.ident == 0x0404:
            records, _end = read_iptc(resource.data)
            named = _iptc_records(records, found, "IPTC") or named
        elif resource.ident in (0x0409, 0x040C):
            found.add("thumbnail", "Photoshop", _PREVIEW, _thumbnail_size(resource.data[28:]),
                      "medium")
            named = True
        elif resource.ident == 0x0424:
            _xmp(resource.data, found)
            named = True
        elif resource.ident in (0x0422, 0x0423) and resource.data[:4] in (b"II*\0", b"MM\0*"):
            _exif_block(resource.data, 0, found, "Photoshop EXIF")
            named = True
    if not named:
        found.add("other", "IPTC", "a Photoshop/IPTC block", severity="low")


_IPTC_FIELDS: Final = {
    (2, 80): ("people", "by-line (author)", "medium"),
    (2, 85): ("people", "by-line title", "low"),
    (2, 110): ("people", "credit", "medium"),
    (2, 116): ("people", "copyright", "medium"),
    (2, 118): ("people", "contact", "medium"),
    (2, 122): ("people", "caption writer", "medium"),
    (2, 90): ("location", "city", "high"),
    (2, 92): ("location", "sub-location", "high"),
    (2, 95): ("location", "province or state", "medium"),
    (2, 101): ("location", "country", "low"),
    (2, 100): ("location", "country code", "low"),
    (2, 120): ("text", "caption", "medium"),
    (2, 105): ("text", "headline", "medium"),
    (2, 5): ("text", "title", "medium"),
    (2, 25): ("text", "keywords", "medium"),
    (2, 40): ("text", "special instructions", "medium"),
    (2, 55): ("date", "date created", "low"),
}


def _iptc_records(records: list[IptcRecord], found: _Found, source: str) -> bool:
    """Names the IPTC fields; returns whether any was named."""
    values: dict[tuple[int, int], list[str]] = {}
    preview = False
    for record in records:
        key = (record.record, record.dataset)
        if key == (2, 202):
            preview = True
        elif key in _IPTC_FIELDS:
            text = _clean(record.value)
            if text:
                values.setdefault(key, []).append(text)
    for key, (kind, label, severity) in _IPTC_FIELDS.items():
        if key in values:
            found.add(kind, source, label, "; ".join(dict.fromkeys(values[key])), severity)
    if preview:
        found.add("thumbnail", source, _PREVIEW, "", "medium")
    return bool(values) or preview


_CIFF_FIELDS: Final = {
    0x0810: ("people", "camera owner's name", "medium"),
    0x0805: ("text", "description", "medium"),
    0x080A: ("camera", "camera make and model", "low"),
    0x0816: ("text", "original file name", "low"),
    0x180B: ("device", "camera serial number", "medium"),
}


def _ciff(payload: bytes, found: _Found) -> None:
    """Canon's CIFF heap in APP0: the owner's name, the serial number, previews."""
    found.add("device", "Canon CIFF", "Canon camera data (can include the owner's name and "
              "the camera's serial number)", f"{len(payload):,} bytes", "medium")
    try:
        entries = read_ciff(payload)
    except (Damaged, struct.error):
        found.damaged = True
        return
    for entry in entries:
        spec = _CIFF_FIELDS.get(entry.tag)
        if spec is not None:
            value: object = entry.value
            if entry.tag == 0x180B and len(entry.value) >= 4:
                number = int.from_bytes(entry.value[:4], "little")
                value = str(number) if number else ""  # zero: no serial was written
            _field(value, found, spec[0], "Canon CIFF", spec[1], spec[2])
        elif entry.tag in (0x2007, 0x2008) and entry.value:
            found.add("thumbnail", "Canon CIFF", _PREVIEW, "", "medium")


def _app12(payload: bytes, found: _Found) -> None:
    """APP12: Photoshop's "Ducky" (comment, copyright) or a camera's picture info text."""
    if payload.startswith(b"Ducky"):
        pos = 5
        while pos + 4 <= len(payload):
            tag, size = struct.unpack_from(">HH", payload, pos)
            if tag == 0:
                break
            value = payload[pos + 4:pos + 4 + size]
            text = value[4:].decode("utf-16-be", "replace") if len(value) > 4 else ""
            if tag == 2 and _clean(text):
                found.add("text", "APP12 Ducky", "comment", text, "medium")
            elif tag == 3 and _clean(text):
                found.add("people", "APP12 Ducky", "copyright (often the owner's name)", text,
                          "medium")
            pos += 4 + size
        return
    lines = [line.partition("=") for line in
             payload[:65536].decode("latin-1").replace("\r", "\n").split("\n")]
    for key, _eq, said in lines:
        if "serial" in key.lower() or key.strip().lower() == "sn":
            found.add("device", "APP12 picture info", "camera serial number", said,
                      "medium")
        if "owner" in key.lower() or "name" in key.lower():
            found.add("people", "APP12 picture info", "owner's name", said, "medium")
    found.add("other", "APP12 picture info", "a camera's picture information",
              f"{len(payload):,} bytes", "medium")


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
    ("Artist", "people", "artist (often the owner's name)", "medium"),  # tiff:Artist
    ("Copyright", "people", "copyright (often the owner's name)", "medium"),
    ("ImageDescription", "text", "description", "medium"),
    ("UserComment", "text", "user comment", "medium"),
    ("HostComputer", "device", "computer name (can include a person's name)", "medium"),
    ("ImageUniqueID", "device", "unique image ID (links copies of this photo)", "medium"),
    ("Creator", "people", "creator", "medium"),
    ("Author", "people", "author", "medium"),
    ("CaptionWriter", "people", "caption writer", "medium"),
    ("Credit", "people", "credit", "medium"),
    ("Headline", "text", "headline", "medium"),
    ("Title", "text", "title", "medium"),
    ("rights", "people", "rights (often the owner's name)", "medium"),
    ("Owner", "people", "owner", "medium"),
    ("OwnerName", "people", "owner's name", "medium"),
    ("CameraOwnerName", "people", "camera owner's name", "medium"),
    ("PersonInImage", "people", "people shown", "medium"),
    ("PersonDisplayName", "people", "people tagged", "medium"),
    ("Name", "people", "people tagged (face regions)", "medium"),  # mwg-rs:Name
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
    for m in re.finditer(rf"<([\w.-]{{1,40}}:{name})\b[^>]{{0,2000}}>", text):
        # A value can run to megabytes (Extended XMP): its start is what is shown.
        end = text.find(f"</{m.group(1)}", m.end())
        if end >= 0:
            values.append(_TAGS.sub(" ", text[m.end():min(end, m.end() + 4000)]))
    return [v for v in (_clean(v) for v in values) if v]


def _xmp(raw: object, found: _Found, source: str = "XMP") -> None:
    if isinstance(raw, bytes):
        head = raw[:64]
        if head.startswith((b"\xfe\xff", b"\xff\xfe")) or b"\0<" in head or b"<\0" in head:
            # UTF-16 (either order; a BOM, or zero bytes beside the ASCII)
            order = "utf-16-le" if head.startswith(b"\xff\xfe") or b"<\0" in head[:2] \
                else "utf-16-be"
            text = raw[:_XMP_LIMIT * 2].decode(order, "replace").lstrip("\ufeff")
        else:
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


def _xmp_inside(blob: bytes, found: _Found, source: str) -> None:
    """XMP packed inside some other block (a vendor's segment, an unknown chunk, a trailer)."""
    start = blob.find(b"<x:xmpmeta")
    if start < 0:
        start = blob.find(b"<rdf:RDF")
    if start >= 0:
        _xmp(blob[start:start + _XMP_LIMIT], found, source)


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


# --- PNG text chunks (walked in kit.footprint.photo_formats, after the pixels too) ---

_PNG_TEXT_KINDS: Final = {
    "author": ("people", "author", "medium"),
    "copyright": ("people", "copyright", "medium"),
    "software": ("software", "software", "low"),
    "creation time": ("date", "creation time", "low"),
    "source": ("camera", "source device", "low"),
}


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
            _exif_block(raw, 6 if raw.startswith(b"Exif\0\0") else 0, found,
                        f"{source} EXIF")
    elif lower in ("raw profile type iptc", "raw profile type 8bim"):
        raw = _raw_profile(text) or b""
        named = False
        if raw.startswith(b"8BIM"):
            _photoshop(raw, found)
            named = True
        elif raw.startswith(b"\x1c"):
            named = _iptc_records(read_iptc(raw)[0], found, f"{source} IPTC")
        if not named:
            found.add("other", source, f"{_clean(key)} block", severity="medium")
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
