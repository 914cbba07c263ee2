"""Metadata taken out of picture files without decoding or re-encoding their pixels.

Each cleaner takes a whole file's bytes and returns a new file's bytes that keeps only what
the picture needs to look the same — its compressed pixel data and what decoding depends on
(colour profile, transparency, palette, gamma, JPEG's JFIF/Adobe markers, HEIF's image
properties) — and drops everything else, including anything after the end of the image. The
pixels come out byte for byte as they went in, so a decoder shows exactly the same picture, and
no pixel is ever decoded: a picture too large to open can still be cleaned.

Orientation: a photo taken with the phone turned stores its pixels sideways and says so in
EXIF. Every viewer that turns the original also turns a copy that keeps that one value, so the
copy keeps an EXIF block holding the orientation and nothing else (JPEG, PNG, WebP). Turning the
pixels instead would mean decoding them (a lossless JPEG turn only works when the size is a
whole number of 8- or 16-pixel blocks). HEIF keeps its turn in an image property, which stays.

A file whose layout a cleaner does not handle raises NotLossless, and the caller saves the
pixels afresh instead; a file that is cut short or broken raises Damaged. Pure byte handling:
no Pillow, no file access.

Why one long module: it is one cleaner per container (JPEG, PNG, WebP, GIF, HEIF and AVIF, TIFF),
each a section below, sharing one rule for what a picture needs and one orientation block. The HEIF
section is the long one because the format is boxes within boxes with offsets that must be
rewritten. A format in its own module would still need all the shared parts; tests/footprint
exercise them all through strip().
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field
from typing import Final


class NotLossless(Exception):
    """This file's layout is one the lossless cleaner does not handle; the message says why."""


class Damaged(Exception):
    """The file is cut short or its structure is broken; the message is for the user."""


class Animated(Exception):
    """The file holds several frames; only still pictures are cleaned."""


CUT_SHORT: Final = "it is damaged: the file is cut short (truncated)"


@dataclass
class Cleaned:
    """A clean file's bytes, and what the person should know about what was left out."""

    data: bytes
    notes: list[str] = field(default_factory=list)


# --- EXIF orientation: read the one value, write a block holding only it ---


def orientation(tiff: bytes) -> int:
    """The Orientation (0x0112) in IFD0 of an EXIF/TIFF block; 1 when absent or unreadable."""
    if tiff.startswith(b"Exif\0\0"):
        tiff = tiff[6:]
    if tiff[:4] == b"II*\0":
        end = "<"
    elif tiff[:4] == b"MM\0*":
        end = ">"
    else:
        return 1
    try:
        (ifd,) = struct.unpack_from(end + "I", tiff, 4)
        (count,) = struct.unpack_from(end + "H", tiff, ifd)
        for n in range(min(count, 1000)):
            tag, kind, number = struct.unpack_from(end + "HHI", tiff, ifd + 2 + 12 * n)
            if tag == 0x0112 and kind == 3 and number >= 1:
                (value,) = struct.unpack_from(end + "H", tiff, ifd + 2 + 12 * n + 8)
                return value if 1 <= value <= 8 else 1
    except struct.error:
        return 1
    return 1


def orientation_exif(value: int) -> bytes:
    """A TIFF-form EXIF block whose only field is Orientation (big-endian, IFD0 only)."""
    return (b"MM\0*" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHIHH", 0x0112, 3, 1, value, 0) + struct.pack(">I", 0))


# --- JPEG ---

_SOI: Final = b"\xff\xd8"
# Markers kept as they are: tables, frame and scan headers, restart interval, DNL, EXP.
_JPEG_TABLES: Final = frozenset({0xC4, 0xCC, 0xDB, 0xDD, 0xDC, 0xDF})
_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_ICC: Final = b"ICC_PROFILE\0"


def clean_jpeg(data: bytes) -> Cleaned:
    """JPEG (and the first picture of an MPO): tables, frame and scans as they are; the JFIF
    marker without its thumbnail, the Adobe marker and the ICC profile kept; EXIF (but for
    orientation), XMP, IPTC, comments, vendor segments and anything after the end dropped."""
    if not data.startswith(_SOI):
        raise Damaged("it is damaged, or not really a JPEG file")
    out = [_SOI]
    turn = 1
    exif_seen = frames = 0
    pos, size = 2, len(data)
    finished = False
    while pos < size:
        if data[pos] != 0xFF:
            # Stray bytes between segments: decoders skip them, and so does the copy.
            pos = data.find(b"\xff", pos)
            if pos < 0:
                break
            continue
        marker = data[pos + 1] if pos + 1 < size else None
        if marker is None:
            break
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # EOI: whatever follows is not part of this picture
            out.append(b"\xff\xd9")
            finished = True
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # RSTn or TEM outside a scan: no length
            pos += 2
            continue
        if pos + 4 > size:
            break
        (length,) = struct.unpack_from(">H", data, pos + 2)
        end = pos + 2 + length
        if length < 2 or end > size:
            break
        body = data[pos + 4:end]
        segment = data[pos:end]
        if marker in _SOF:
            frames += 1
            if frames > 1:
                raise Damaged("it is damaged: it holds two pictures' headers in one")
            out.append(segment)
        elif marker in _JPEG_TABLES:
            out.append(segment)
        elif marker == 0xDA:  # SOS: the header, then entropy-coded data up to the next marker
            out.append(segment)
            scan_end = _scan_end(data, end)
            if scan_end < 0:
                break
            out.append(data[end:scan_end])
            pos = scan_end
            continue
        elif marker == 0xE0 and body.startswith(b"JFIF\0") and len(body) >= 14:
            # Version, units and density stay; the optional thumbnail goes.
            out.append(b"\xff\xe0" + struct.pack(">H", 16) + body[:12] + b"\0\0")
        elif marker == 0xE2 and body.startswith(_ICC):
            out.append(segment)
        elif marker == 0xEE and body.startswith(b"Adobe"):
            # Says how the colours are coded (RGB, YCC, CMYK, YCCK): decoding needs it.
            out.append(b"\xff\xee" + struct.pack(">H", 14) + body[:12] if len(body) >= 12
                       else segment)
        elif marker == 0xE1 and body.startswith(b"Exif\0\0") and not exif_seen:
            exif_seen = 1
            turn = orientation(body[6:])
        # Every other APPn, COM and unknown segment is left out.
        pos = end
    if not finished or frames == 0:
        raise Damaged(CUT_SHORT)
    notes = []
    if data[pos + 2:].strip(b"\0\xff\r\n "):
        notes.append("only the main picture was kept; what was stored after it (such as a "
                     "second view, a motion photo's video or a photo library's captions) was "
                     "left out")
    if turn != 1:
        exif = b"Exif\0\0" + orientation_exif(turn)
        # After SOI and a JFIF marker, if there is one, as writers place it.
        at = 2 if len(out) > 1 and out[1].startswith(b"\xff\xe0") else 1
        out.insert(at, b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif)
    return Cleaned(b"".join(out), notes)


def _scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data starting at *pos* ends: the next marker that is not a
    stuffed 0xFF00, a restart marker or a fill byte; -1 when the file ends first."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return -1
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


# --- PNG ---

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
# Chunks that change how the pixels look; everything else ancillary (text, EXIF, time,
# previews, vendor chunks) is left out. pHYs (the intended print size) and bKGD (a
# background colour) carry nothing about anyone and change how some programs show the file.
_PNG_KEEP: Final = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM",
                              b"sRGB", b"iCCP", b"sBIT", b"cICP", b"mDCV", b"mDCv", b"cLLI",
                              b"cLLi", b"pHYs", b"bKGD"})
_PNG_ANIMATION: Final = frozenset({b"acTL", b"fcTL", b"fdAT"})


def clean_png(data: bytes) -> Cleaned:
    """PNG: the chunks that make up the picture, nothing after IEND. An orientation found in
    an eXIf chunk (before or after the pixel data: Pillow reads both) is written before the
    pixel data, alone."""
    if not data.startswith(_PNG_SIGNATURE):
        raise Damaged("it is damaged, or not really a PNG file")
    kept: list[tuple[bytes, int, int]] = []
    pos, size = 8, len(data)
    turn = 1
    finished = False
    while pos + 12 <= size:
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > size:
            break
        if kind in _PNG_ANIMATION:
            raise Animated
        if kind == b"eXIf" and turn == 1:
            turn = orientation(data[pos + 8:pos + 8 + length])
        elif kind in _PNG_KEEP:
            kept.append((kind, pos, end))
            if kind == b"IEND":
                finished = True
                break
        elif not kind[0] & 0x20:
            # An unknown critical chunk: the picture cannot be drawn without it.
            raise NotLossless(f"PNG chunk {kind!r} is not one the kit knows")
        pos = end
    if not finished:
        raise Damaged(CUT_SHORT)
    out = [_PNG_SIGNATURE]
    for kind, start, end in kept:
        if kind == b"IDAT" and turn != 1:
            out.append(_png_chunk(b"eXIf", orientation_exif(turn)))
            turn = 1
        out.append(data[start:end])
    return Cleaned(b"".join(out))


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (struct.pack(">I", len(body)) + kind + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))


# --- WebP ---

_WEBP_KEEP: Final = frozenset({b"VP8X", b"ICCP", b"ALPH", b"VP8 ", b"VP8L"})
_VP8X_EXIF: Final = 0x08
_VP8X_XMP: Final = 0x04
_VP8X_ANIMATION: Final = 0x02


def clean_webp(data: bytes) -> Cleaned:
    """WebP: the image and alpha bitstreams and the colour profile; EXIF (but for orientation),
    XMP and unknown chunks dropped, the VP8X flags and the RIFF size set to match."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Damaged("it is damaged, or not really a WebP file")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    size = min(len(data), 8 + riff_size)
    chunks: list[tuple[bytes, bytes]] = []
    turn = 1
    pos = 12
    while pos + 8 <= size:
        kind, length = struct.unpack_from("<4sI", data, pos)
        end = pos + 8 + length
        if end > size:
            raise Damaged(CUT_SHORT)
        body = data[pos + 8:end]
        if kind in (b"ANIM", b"ANMF"):
            raise Animated
        if kind == b"EXIF" and turn == 1:
            turn = orientation(body)
        elif kind in _WEBP_KEEP:
            chunks.append((kind, body))
        pos = end + (length & 1)
    images = [k for k, _ in chunks if k in (b"VP8 ", b"VP8L")]
    if len(images) != 1:
        raise Damaged(CUT_SHORT if not images else
                      "it is damaged: it holds more than one image stream")
    if chunks[0][0] == b"VP8X":
        flags = chunks[0][1][0] & ~(_VP8X_EXIF | _VP8X_XMP)
        if flags & _VP8X_ANIMATION:
            raise Animated
        if turn != 1:
            flags |= _VP8X_EXIF
            chunks.append((b"EXIF", orientation_exif(turn)))
        chunks[0] = (b"VP8X", bytes([flags]) + chunks[0][1][1:])
    # (A WebP without VP8X cannot carry EXIF, so it has no turn to keep.)
    body = b"".join(kind + struct.pack("<I", len(part)) + part + b"\0" * (len(part) & 1)
                    for kind, part in chunks)
    return Cleaned(b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body)


# --- GIF ---

# Application extensions kept: looping (NETSCAPE2.0, ANIMEXTS1.0) and the colour profile.
_GIF_APPS_KEPT: Final = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def clean_gif(data: bytes) -> Cleaned:
    """GIF: header, colour tables, graphic control (transparency) and the image; comments,
    plain-text and other application extensions (XMP among them) and trailing data dropped."""
    if data[:6] not in (b"GIF87a", b"GIF89a") or len(data) < 13:
        raise Damaged("it is damaged, or not really a GIF file")
    packed = data[10]
    pos = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    if pos > len(data):
        raise Damaged(CUT_SHORT)
    out = [data[:pos]]
    images = 0
    pending_control = b""  # a graphic control extension belongs to the image after it
    while True:
        if pos >= len(data):
            raise Damaged(CUT_SHORT)
        introducer = data[pos]
        if introducer == 0x3B:
            out.append(b"\x3b")
            break
        if introducer == 0x21:
            if pos + 2 > len(data):
                raise Damaged(CUT_SHORT)
            label = data[pos + 1]
            end = _gif_blocks(data, pos + 2)
            block = data[pos:end]
            if label == 0xF9:
                pending_control = block
            elif label == 0xFF and data[pos + 3:pos + 14] in _GIF_APPS_KEPT \
                    and data[pos + 2] == 11:
                out.append(block)
            pos = end
        elif introducer == 0x2C:
            if pos + 10 > len(data):
                raise Damaged(CUT_SHORT)
            flags = data[pos + 9]
            start = pos
            pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            end = _gif_blocks(data, pos + 1)  # after the LZW minimum code size
            images += 1
            if images > 1:
                raise Animated
            out.append(pending_control + data[start:end])
            pending_control = b""
            pos = end
        else:
            raise Damaged("it is damaged: an unknown block in a GIF file")
    return Cleaned(b"".join(out))


def _gif_blocks(data: bytes, pos: int) -> int:
    """The end of a run of GIF data sub-blocks starting at *pos* (after its 0 terminator)."""
    size = len(data)
    while True:
        if pos >= size:
            raise Damaged(CUT_SHORT)
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos


# --- HEIF and AVIF (ISO base media file format) ---

# Image properties kept for the items kept; anything else non-essential (such as a user
# description, `udes`, or accessibility text) goes. Essential properties always stay: the
# decoder needs them.
_HEIF_PROPERTIES: Final = frozenset({
    b"ispe", b"colr", b"pixi", b"irot", b"imir", b"clap", b"pasp", b"auxC", b"clli", b"mdcv",
    b"cclv", b"amve", b"rloc", b"a1lx", b"a1op", b"lsel", b"hvcC", b"av1C", b"vvcC", b"avcC",
    b"jpgC", b"uncC", b"cmpd", b"cmpC", b"icef", b"cpat", b"splz", b"sbpm", b"snuc", b"cloc",
    b"j2kH"})
_ALPHA_URNS: Final = (b"urn:mpeg:hevc:2015:auxid:1\0",
                      b"urn:mpeg:mpegB:cicp:systems:auxiliary:alpha\0")
_META_KEPT: Final = frozenset({b"hdlr", b"pitm", b"iloc", b"iinf", b"iref", b"iprp", b"idat",
                               b"dinf"})


@dataclass
class _Box:
    kind: bytes
    start: int  # of the box header
    body: int  # where the content starts
    end: int


def _boxes(data: bytes, start: int, end: int, *, lenient: bool = False) -> list[_Box]:
    """The boxes in data[start:end]. *lenient* (the file's top level): a box running past the
    end is cut there, as readers do; whether the data needed is all there is checked later."""
    out = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        body = pos + 8
        if size == 1:
            if pos + 16 > end:
                raise Damaged(CUT_SHORT)
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            body = pos + 16
        elif size == 0:
            size = end - pos
        if lenient and pos + size > end:
            size = end - pos
        if size < body - pos or pos + size > end:
            raise Damaged(CUT_SHORT)
        out.append(_Box(kind, pos, body, pos + size))
        pos += size
        if len(out) > 100_000:
            raise Damaged("it is damaged: too many boxes")
    return out


def _box(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full_box(kind: bytes, version: int, flags: int, body: bytes) -> bytes:
    return _box(kind, bytes([version]) + flags.to_bytes(3, "big") + body)


class _Reader:
    def __init__(self, data: bytes, pos: int, end: int) -> None:
        self.data, self.pos, self.end = data, pos, end

    def uint(self, size: int) -> int:
        if size == 0:
            return 0
        if self.pos + size > self.end:
            raise Damaged("it is damaged: a HEIF header is cut short")
        value = int.from_bytes(self.data[self.pos:self.pos + size], "big")
        self.pos += size
        return value

    def raw(self, size: int) -> bytes:
        if self.pos + size > self.end:
            raise Damaged("it is damaged: a HEIF header is cut short")
        value = self.data[self.pos:self.pos + size]
        self.pos += size
        return value


@dataclass
class _Location:
    method: int
    extents: list[tuple[int, int]]  # (offset, length), absolute in the file or in idat


def clean_heif(data: bytes) -> Cleaned:
    """HEIF/HEIC/AVIF: the primary picture's items (its tiles, its alpha) with their coded data
    and image properties, in a new file; EXIF and XMP items, thumbnails, depth maps, other
    images, groups, item names and every box outside ftyp/meta/mdat left out."""
    top = _boxes(data, 0, len(data), lenient=True)
    if not top or top[0].kind != b"ftyp":
        raise Damaged("it is damaged, or not really a HEIF file")
    metas = [b for b in top if b.kind == b"meta"]
    if len(metas) != 1:
        raise NotLossless("no single meta box (an image sequence?)")
    meta = metas[0]
    children = _boxes(data, meta.body + 4, meta.end)
    by_kind: dict[bytes, _Box] = {}
    for child in children:
        if child.kind == b"ipro":
            raise NotLossless("protected items")
        by_kind.setdefault(child.kind, child)
    for needed in (b"hdlr", b"pitm", b"iloc", b"iinf", b"iprp"):
        if needed not in by_kind:
            raise NotLossless(f"no {needed.decode()} box")

    primary = _pitm(data, by_kind[b"pitm"])
    infos = _iinf(data, by_kind[b"iinf"])
    types = {item: kind for item, (kind, _) in infos.items()}
    locations = _iloc(data, by_kind[b"iloc"])
    references = _iref(data, by_kind[b"iref"]) if b"iref" in by_kind else []
    properties, associations = _iprp(data, by_kind[b"iprp"])
    if primary not in types:
        raise Damaged("it is damaged: its main picture is missing")
    if any(kind == b"thmb" and source == primary for kind, source, _ in references):
        raise NotLossless("the main picture is marked as another picture's preview")

    # The items the primary picture is drawn from: its tiles (dimg), and an alpha plane.
    kept = {primary}
    changed = True
    while changed:
        changed = False
        for kind, source, targets in references:
            if kind == b"dimg" and source in kept:
                for target in targets:
                    if target not in kept:
                        kept.add(target)
                        changed = True
            elif kind == b"auxl" and source not in kept and kept & set(targets) \
                    and _is_alpha(data, properties, associations.get(source, [])):
                kept.add(source)
                changed = True
    missing = [item for item in kept if item not in locations and types.get(item) != b"iden"]
    if missing or any(item not in types for item in kept):
        raise Damaged("it is damaged: part of its main picture is missing")
    dropped = [item for item in types if item not in kept]
    notes = []
    images_dropped = [i for i in dropped if types[i] not in (b"Exif", b"mime", b"uri ")
                      and not any(k == b"dimg" and i in t for k, _, t in references)]
    if images_dropped:
        notes.append("only the main picture was kept; the other images in the file (such "
                     "as previews, a depth map or a portrait matte) were left out")

    # Properties: those of kept items, without descriptive ones; renumbered from 1.
    used: list[int] = []
    for item in sorted(kept):
        for index, essential in associations.get(item, []):
            if index and index not in used and (
                    essential or properties[index - 1][0] in _HEIF_PROPERTIES):
                used.append(index)
    used.sort()
    renumber = {old: new for new, old in enumerate(used, 1)}
    ipco = _box(b"ipco", b"".join(data[properties[i - 1][1]:properties[i - 1][2]]
                                  for i in used))
    big_ids = any(item > 0xFFFF for item in kept)
    wide = len(used) > 127
    entries = []
    for item in sorted(kept):
        pairs = [(renumber[i], essential) for i, essential in associations.get(item, [])
                 if i in renumber]
        entry = (struct.pack(">I" if big_ids else ">H", item) + bytes([len(pairs)]))
        for index, essential in pairs:
            entry += (struct.pack(">H", index | (0x8000 if essential else 0)) if wide
                      else bytes([index | (0x80 if essential else 0)]))
        entries.append(entry)
    ipma = _full_box(b"ipma", 1 if big_ids else 0, 1 if wide else 0,
                     struct.pack(">I", len(entries)) + b"".join(entries))
    iprp = _box(b"iprp", ipco + ipma)

    # Item data: each kept item's extents joined into one, in a new mdat (or idat).
    file_data: list[tuple[int, bytes]] = []
    idat_parts: list[bytes] = []
    idat_at = 0
    placed: dict[int, tuple[int, int, int]] = {}  # item -> (method, offset, length)
    mdat_at = 0
    idat_box = by_kind.get(b"idat")
    for item in sorted(kept):
        location = locations.get(item)
        if location is None:
            continue
        if location.method == 1:
            if idat_box is None:
                raise Damaged("it is damaged: item data is missing")
            chunk = b"".join(_extent(data, idat_box.body + off, length, idat_box.end)
                             for off, length in location.extents)
            placed[item] = (1, idat_at, len(chunk))
            idat_parts.append(chunk)
            idat_at += len(chunk)
        else:
            chunk = b"".join(_extent(data, off, length, len(data))
                             for off, length in location.extents)
            placed[item] = (0, mdat_at, len(chunk))
            file_data.append((item, chunk))
            mdat_at += len(chunk)
    mdat_body = b"".join(chunk for _, chunk in file_data)
    if len(data) > 0xFFFFFFFF:  # pragma: no cover - files are capped far below this
        raise NotLossless("over 4 GB")

    def iloc(base: int) -> bytes:
        body = bytes([0x44, 0x00])  # offset and length 4 bytes; no base offset, no index
        rows = []
        for item in sorted(kept):
            row = struct.pack(">I" if big_ids else ">H", item)
            method, offset, length = placed.get(item, (0, 0, -1))
            row += struct.pack(">HH", method, 0)  # construction method; this file
            if length <= 0:  # no data (a length of 0 would mean "to the end of the file")
                row += struct.pack(">H", 0)
            else:
                start = offset + (base if method == 0 else 0)
                row += struct.pack(">HII", 1, start, length)
            rows.append(row)
        count = struct.pack(">I" if big_ids else ">H", len(rows))
        return _full_box(b"iloc", 2 if big_ids else 1, 0, body + count + b"".join(rows))

    # The pictures the main one is built from (tiles, overlay layers) are hidden, as most
    # writers do: readers then list one picture, not its parts as pictures of their own.
    parts = {t for kind, source, targets in references if kind == b"dimg" and source in kept
             for t in targets}
    iinf_entries = [_infe(item, infos[item][0], infos[item][1] | (item in parts), big_ids)
                    for item in sorted(kept)]
    iinf = _full_box(b"iinf", 1 if big_ids else 0, 0,
                     struct.pack(">I" if big_ids else ">H", len(iinf_entries))
                     + b"".join(iinf_entries))
    kept_refs = []
    for kind, source, targets in references:
        if source not in kept or kind in (b"thmb", b"cdsc"):
            continue
        to = [t for t in targets if t in kept]
        if to:
            kept_refs.append((kind, source, to))
    ref_wide = any(max(s, *t) > 0xFFFF for _, s, t in kept_refs)
    id_form = ">I" if ref_wide else ">H"
    iref = _full_box(b"iref", 1 if ref_wide else 0, 0, b"".join(
        _box(kind, struct.pack(id_form, source) + struct.pack(">H", len(to))
             + b"".join(struct.pack(id_form, t) for t in to))
        for kind, source, to in kept_refs)) if kept_refs else b""

    def meta_box(base: int) -> bytes:
        parts = []
        for child in children:
            if child.kind not in _META_KEPT or by_kind[child.kind] is not child:
                continue
            if child.kind == b"iloc":
                parts.append(iloc(base))
            elif child.kind == b"iinf":
                parts.append(iinf)
            elif child.kind == b"iref":
                parts.append(iref)
            elif child.kind == b"iprp":
                parts.append(iprp)
            elif child.kind == b"idat":
                if idat_parts:
                    parts.append(_box(b"idat", b"".join(idat_parts)))
            elif child.kind == b"hdlr":  # its name is free text: written without one
                parts.append(_full_box(b"hdlr", 0, 0, bytes(4) + _handler(data, child)
                                       + bytes(12) + b"\0"))
            elif child.kind == b"dinf":  # "the data is in this file", and nothing else
                parts.append(_box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1)
                                                     + _full_box(b"url ", 0, 1, b""))))
            else:  # pitm
                parts.append(data[child.start:child.end])
        return _full_box(b"meta", 0, 0, b"".join(parts))

    ftyp = _still_ftyp(data[top[0].body:top[0].end])
    first = meta_box(0)
    base = len(ftyp) + len(first) + 8
    out = ftyp + meta_box(base) + _box(b"mdat", mdat_body)
    return Cleaned(out, notes)


# Brands that promise an image sequence (a moov box), which the copy does not have.
_SEQUENCE_BRANDS: Final = frozenset({b"msf1", b"hevs", b"avis"})


def _still_ftyp(body: bytes) -> bytes:
    """The file type box, without brands that promise an image sequence."""
    if len(body) < 8:
        raise Damaged("it is damaged, or not really a HEIF file")
    major, minor = body[:4], body[4:8]
    brands = [body[i:i + 4] for i in range(8, len(body) - 3, 4)]
    still = [b for b in brands if b not in _SEQUENCE_BRANDS]
    if major in _SEQUENCE_BRANDS:
        major = next((b for b in still if b in (b"heic", b"heix", b"avif", b"mif1")), b"mif1")
        minor = b"\0\0\0\0"
    if b"mif1" not in still:
        still.append(b"mif1")
    return _box(b"ftyp", major + minor + b"".join(still))


def _handler(data: bytes, box: _Box) -> bytes:
    read = _Reader(data, box.body, box.end)
    read.raw(8)  # version, flags, pre_defined
    return read.raw(4)


def _extent(data: bytes, offset: int, length: int, limit: int) -> bytes:
    if length == 0:  # "to the end"
        length = limit - offset
    if offset < 0 or length < 0 or offset + length > limit:
        raise Damaged(CUT_SHORT)
    return data[offset:offset + length]


def _pitm(data: bytes, box: _Box) -> int:
    read = _Reader(data, box.body, box.end)
    version = read.uint(1)
    read.uint(3)
    return read.uint(2 if version == 0 else 4)


def _iinf(data: bytes, box: _Box) -> dict[int, tuple[bytes, int]]:
    """item ID -> (item type, flags: 1 is a hidden item, such as a tile)."""
    read = _Reader(data, box.body, box.end)
    version = read.uint(1)
    read.uint(3)
    read.uint(2 if version == 0 else 4)
    types: dict[int, tuple[bytes, int]] = {}
    for entry in _boxes(data, read.pos, box.end):
        if entry.kind != b"infe":
            continue
        item = _Reader(data, entry.body, entry.end)
        infe_version = item.uint(1)
        flags = item.uint(3)
        if infe_version < 2:
            item_id = item.uint(2)
            types[item_id] = (b"mime", flags)  # an old-style entry: metadata, never a picture
            continue
        item_id = item.uint(2 if infe_version == 2 else 4)
        item.uint(2)  # protection index
        types[item_id] = (item.raw(4), flags)
    return types


def _infe(item: int, kind: bytes, flags: int, big: bool) -> bytes:
    """An item entry with no name (names are free text), hidden if it was."""
    if big:
        return _full_box(b"infe", 3, flags & 1, struct.pack(">IH4s", item, 0, kind) + b"\0")
    return _full_box(b"infe", 2, flags & 1, struct.pack(">HH4s", item, 0, kind) + b"\0")


def _iloc(data: bytes, box: _Box) -> dict[int, _Location]:
    read = _Reader(data, box.body, box.end)
    version = read.uint(1)
    read.uint(3)
    sizes = read.uint(1)
    offset_size, length_size = sizes >> 4, sizes & 15
    sizes = read.uint(1)
    base_size = sizes >> 4
    index_size = sizes & 15 if version in (1, 2) else 0
    count = read.uint(2 if version < 2 else 4)
    out: dict[int, _Location] = {}
    for _ in range(count):
        item = read.uint(2 if version < 2 else 4)
        method = read.uint(2) & 15 if version in (1, 2) else 0
        reference = read.uint(2)
        base = read.uint(base_size)
        extents = []
        for _ in range(read.uint(2)):
            read.uint(index_size)
            offset = read.uint(offset_size)
            length = read.uint(length_size)
            extents.append((base + offset, length))
        if reference != 0 or method not in (0, 1):
            raise NotLossless("item data held outside the file or built from other items")
        out[item] = _Location(method, extents)
    return out


def _iref(data: bytes, box: _Box) -> list[tuple[bytes, int, list[int]]]:
    read = _Reader(data, box.body, box.end)
    version = read.uint(1)
    read.uint(3)
    width = 2 if version == 0 else 4
    out = []
    for ref in _boxes(data, read.pos, box.end):
        part = _Reader(data, ref.body, ref.end)
        source = part.uint(width)
        targets = [part.uint(width) for _ in range(part.uint(2))]
        out.append((ref.kind, source, targets))
    return out


def _iprp(data: bytes, box: _Box) -> tuple[list[tuple[bytes, int, int]],
                                            dict[int, list[tuple[int, bool]]]]:
    """(properties as (type, start, end), item -> [(property index, essential)])."""
    children = _boxes(data, box.body, box.end)
    ipcos = [c for c in children if c.kind == b"ipco"]
    if len(ipcos) != 1:
        raise NotLossless("not one property container")
    properties = [(p.kind, p.start, p.end) for p in _boxes(data, ipcos[0].body, ipcos[0].end)]
    associations: dict[int, list[tuple[int, bool]]] = {}
    for ipma in (c for c in children if c.kind == b"ipma"):
        read = _Reader(data, ipma.body, ipma.end)
        version = read.uint(1)
        flags = read.uint(3)
        for _ in range(read.uint(4)):
            item = read.uint(2 if version < 1 else 4)
            pairs = associations.setdefault(item, [])
            for _ in range(read.uint(1)):
                if flags & 1:
                    value = read.uint(2)
                    pairs.append((value & 0x7FFF, bool(value & 0x8000)))
                else:
                    value = read.uint(1)
                    pairs.append((value & 0x7F, bool(value & 0x80)))
    for pairs in associations.values():
        if any(index > len(properties) for index, _ in pairs):
            raise Damaged("it is damaged: an image property is missing")
    return properties, associations


def _is_alpha(data: bytes, properties: list[tuple[bytes, int, int]],
              pairs: list[tuple[int, bool]]) -> bool:
    for index, _ in pairs:
        if not index:
            continue
        kind, start, end = properties[index - 1]
        if kind == b"auxC":
            # FullBox header (8 + 4), then the aux type URN.
            urn = data[start + 12:end]
            return any(urn.startswith(known) for known in _ALPHA_URNS)
    return False


# --- TIFF ---

# Tags that say how the pixels are stored and shown; every other tag (camera, dates, names,
# EXIF, GPS, IPTC, XMP, Photoshop data, sub-images, DNG tags) is left out.
_TIFF_KEEP: Final = frozenset({
    256, 257, 258, 259, 262, 266, 274, 277, 278, 282, 283, 284, 290, 291, 296, 301, 317, 318,
    319, 320, 322, 323, 332, 338, 339, 340, 341, 347, 529, 530, 531, 532, 34675})
_STRIP_OFFSETS, _STRIP_COUNTS, _TILE_OFFSETS, _TILE_COUNTS = 273, 279, 324, 325
_TIFF_SIZES: Final = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4,
                      12: 8, 13: 4}


def clean_tiff(data: bytes) -> Cleaned:
    """TIFF: the first image's strips or tiles as they are, with only the tags that describe
    them (size, samples, compression, colour, orientation, resolution, ICC profile)."""
    if data[:4] == b"II*\0":
        end = "<"
    elif data[:4] == b"MM\0*":
        end = ">"
    elif data[:4] in (b"II+\0", b"MM\0+"):
        raise NotLossless("BigTIFF")
    else:
        raise Damaged("it is damaged, or not really a TIFF file")
    try:
        (first,) = struct.unpack_from(end + "I", data, 4)
        entries, following = _tiff_ifd(data, first, end)
    except struct.error:
        raise Damaged(CUT_SHORT) from None
    notes = []
    if following:
        try:
            more, _ = _tiff_ifd(data, following, end)
        except struct.error:
            raise Damaged(CUT_SHORT) from None
        subfile = _tiff_values(data, more.get(254), end) or [0]
        if not subfile[0] & 1:  # a second page, not a reduced-size preview of the first
            raise Animated
        notes.append("a smaller preview of the picture stored after it was left out")
    if 259 in entries and _tiff_values(data, entries[259], end)[:1] == [6]:
        raise NotLossless("old-style JPEG compression")
    if _STRIP_OFFSETS in entries:
        offsets_tag, counts_tag = _STRIP_OFFSETS, _STRIP_COUNTS
    elif _TILE_OFFSETS in entries:
        offsets_tag, counts_tag = _TILE_OFFSETS, _TILE_COUNTS
    else:
        raise Damaged("it is damaged: it has no picture data")
    offsets = _tiff_values(data, entries.get(offsets_tag), end)
    counts = _tiff_values(data, entries.get(counts_tag), end)
    if len(offsets) != len(counts) or not offsets:
        raise Damaged("it is damaged: its picture data is not where it says")
    pieces = []
    for offset, count in zip(offsets, counts, strict=True):
        if offset >= len(data):
            raise Damaged(CUT_SHORT)
        # A count running past the end is cut there, as readers do.
        pieces.append(data[offset:offset + count])

    kept = {tag: entries[tag] for tag in entries if tag in _TIFF_KEEP}
    tags = sorted([*kept, offsets_tag, counts_tag])
    ifd_size = 2 + 12 * len(tags) + 4
    extra_at = 8 + ifd_size
    values: dict[int, tuple[int, int, bytes]] = {}
    for tag, (kind, count, raw) in ((t, _tiff_raw(data, kept[t], end)) for t in kept):
        values[tag] = (kind, count, raw)
    # Out-of-line values, then the picture data (word-aligned).
    extra = b""
    placed: dict[int, bytes] = {}
    count_values = [len(piece) for piece in pieces]
    # Offsets are known once the out-of-line block's size is: it holds the offset list too.
    offset_list_size = 4 * len(pieces) if len(pieces) > 1 else 0
    for tag in tags:
        if tag in (offsets_tag, counts_tag):
            continue
        kind, count, raw = values[tag]
        if len(raw) > 4:
            placed[tag] = struct.pack(end + "I", extra_at + len(extra))
            extra += raw + b"\0" * (len(raw) & 1)
        else:
            placed[tag] = raw.ljust(4, b"\0")
    counts_at = extra_at + len(extra)
    if len(pieces) > 1:
        extra += b"".join(struct.pack(end + "I", c) for c in count_values)
    offsets_at = extra_at + len(extra)
    data_at = offsets_at + offset_list_size
    data_at += data_at & 1
    new_offsets = []
    position = data_at
    for piece in pieces:
        new_offsets.append(position)
        position += len(piece) + (len(piece) & 1)
    if len(pieces) > 1:
        extra += b"".join(struct.pack(end + "I", o) for o in new_offsets)
        placed[counts_tag] = struct.pack(end + "I", counts_at)
        placed[offsets_tag] = struct.pack(end + "I", offsets_at)
    else:
        placed[counts_tag] = struct.pack(end + "I", count_values[0])
        placed[offsets_tag] = struct.pack(end + "I", new_offsets[0])
    ifd = struct.pack(end + "H", len(tags))
    for tag in tags:
        if tag in (offsets_tag, counts_tag):
            ifd += struct.pack(end + "HHI", tag, 4, len(pieces)) + placed[tag]
        else:
            kind, count, _ = values[tag]
            ifd += struct.pack(end + "HHI", tag, kind, count) + placed[tag]
    ifd += struct.pack(end + "I", 0)
    head = data[:4] + struct.pack(end + "I", 8) + ifd + extra
    head += b"\0" * (data_at - len(head))
    body = b"".join(piece + b"\0" * (len(piece) & 1) for piece in pieces)
    return Cleaned(head + body, notes)


def _tiff_ifd(data: bytes, at: int, end: str) -> tuple[dict[int, tuple[int, int, int]], int]:
    """tag -> (type, count, entry position), and the next IFD's offset."""
    (count,) = struct.unpack_from(end + "H", data, at)
    if count > 4096:
        raise Damaged("it is damaged: too many TIFF tags")
    entries: dict[int, tuple[int, int, int]] = {}
    for n in range(count):
        tag, kind, number = struct.unpack_from(end + "HHI", data, at + 2 + 12 * n)
        entries.setdefault(tag, (kind, number, at + 2 + 12 * n))
    (following,) = struct.unpack_from(end + "I", data, at + 2 + 12 * count)
    return entries, following


def _tiff_raw(data: bytes, entry: tuple[int, int, int], end: str) -> tuple[int, int, bytes]:
    kind, count, at = entry
    size = _TIFF_SIZES.get(kind)
    if size is None:
        raise NotLossless(f"TIFF field type {kind}")
    total = size * count
    if total <= 4:
        return kind, count, data[at + 8:at + 8 + total]
    (offset,) = struct.unpack_from(end + "I", data, at + 8)
    if offset + total > len(data):
        raise Damaged(CUT_SHORT)
    return kind, count, data[offset:offset + total]


def _tiff_values(data: bytes, entry: tuple[int, int, int] | None, end: str) -> list[int]:
    if entry is None:
        return []
    kind, count, raw = _tiff_raw(data, entry, end)
    form = {1: "B", 3: "H", 4: "I", 13: "I"}.get(kind)
    if form is None or count > 10_000_000:
        raise Damaged("it is damaged: a TIFF field has the wrong type")
    return list(struct.unpack(end + form * count, raw))
