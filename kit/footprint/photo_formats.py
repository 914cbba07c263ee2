"""Where metadata hides inside a picture file, found by walking its structure, never its pixels.

Pillow reads what it needs to show a picture and stops: a JPEG's segments up to the pixels, the
first frame of a GIF, a TIFF's first directory. Metadata also sits after the end of a JPEG (the
trailers photo-library tools append), after a GIF's frames, in TIFF sub-directories, maker
notes and Canon's CIFF blocks. These functions walk those structures from the raw bytes and
return what is where, without labelling it (kit.footprint.photos says what it means). Decoding
no pixels, they read a 200-megapixel photo as cheaply as a small one.

Every input is untrusted: loops are bounded, offsets are checked against the data, and a
structure that does not hold together raises Damaged (or Truncated when the file is cut short).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import Final


class Damaged(ValueError):
    """The structure does not hold together; the message is for the user."""


class Truncated(Damaged):
    """The file ends in the middle of a structure."""


# --- TIFF directories (TIFF files, EXIF blocks, DNG, MPF, maker notes) ---

_TYPE_SIZES: Final = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4,
                      12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
_NUMBERS: Final = {3: "H", 4: "I", 8: "h", 9: "i", 13: "I", 16: "Q", 17: "q", 18: "Q",
                   11: "f", 12: "d"}
MAX_IFDS: Final = 64  # per structure; real files have a handful
MAX_ENTRIES: Final = 2048  # per directory
MAX_NUMBERS: Final = 64  # numbers kept from one entry (offset lists, rationals)
MAX_VALUE_BYTES: Final = 4 * 1024 * 1024  # bytes kept from one text or binary entry
# Bytes kept from all the entries of one structure: values may overlap, so a small crafted
# file could otherwise ask for the same megabytes thousands of times.
MAX_KEPT_BYTES: Final = 16 * 1024 * 1024

# Tags that point at another directory, and the name each child gets.
POINTERS: Final = {0x8769: "ExifIFD", 0x8825: "GPS", 0xA005: "InteropIFD", 0x014A: "SubIFD"}


@dataclass(frozen=True)
class Entry:
    """One tag of one directory: bytes for text and binary types, a tuple for numbers."""

    ifd: str
    tag: int
    type: int
    count: int
    value: bytes | tuple[float, ...]
    at: int  # where the value's bytes start, from the start of the data

    @property
    def number(self) -> int | None:
        """The first value, as an int, for integer types."""
        if isinstance(self.value, tuple) and self.value and self.type in (3, 4, 8, 9, 13, 16,
                                                                           17, 18):
            return int(self.value[0])
        return None


@dataclass
class Tiff:
    """The directories of one TIFF structure, in the order they were found."""

    order: str  # "<" or ">"
    base: int  # where the TIFF header starts in the data
    entries: list[Entry] = field(default_factory=list)
    ifds: list[str] = field(default_factory=list)
    damaged: bool = False
    big: bool = False  # BigTIFF
    kept: int = 0  # value bytes kept so far (see MAX_KEPT_BYTES)

    @property
    def layout(self) -> tuple[str, int, int]:
        """(offset format, size of the entry count, size of one entry)."""
        return ("Q", 8, 20) if self.big else ("I", 2, 12)

    def get(self, ifd: str, tag: int) -> Entry | None:
        for entry in self.entries:
            if entry.ifd == ifd and entry.tag == tag:
                return entry
        return None

    def directory(self, ifd: str) -> dict[int, Entry]:
        return {e.tag: e for e in self.entries if e.ifd == ifd}


def tiff_order(data: bytes, base: int) -> str:
    head = data[base:base + 4]
    if head in (b"II*\0", b"II+\0"):
        return "<"
    if head in (b"MM\0*", b"MM\0+"):
        return ">"
    raise Damaged("its EXIF or TIFF header is not valid")


def read_tiff(data: bytes, base: int = 0, *, chain: bool = True) -> Tiff:
    """Every directory of the TIFF structure at *base*: IFD0 and the ones chained after it
    (IFD1 ...), and the Exif, GPS, Interop and SubIFD directories they point at."""
    order = tiff_order(data, base)
    tiff = Tiff(order, base)
    if data[base + 2:base + 4] in (b"+\0", b"\0+"):  # BigTIFF: 64-bit counts and offsets
        tiff.big = True
        first = _unpack(order + "Q", data, base + 8)
    else:
        first = _unpack(order + "I", data, base + 4)
    walk_ifd(data, tiff, first, "IFD0", chain=chain)
    return tiff


def walk_ifd(data: bytes, tiff: Tiff, offset: int, name: str, *, chain: bool = False,
             value_base: int | None = None, seen: set[int] | None = None) -> None:
    """Read the directory at *offset* (from tiff.base) and those it points at. Offsets of
    values are counted from *value_base* when given (some maker notes count from their own
    start), else from tiff.base."""
    seen = set() if seen is None else seen
    queue: list[tuple[int, str, bool]] = [(offset, name, chain)]
    chained = 0
    while queue:
        if len(seen) >= MAX_IFDS:
            tiff.damaged = True  # more directories than any real file has
            break
        offset, name, follow = queue.pop(0)
        where = tiff.base + offset
        if offset == 0 or where in seen:
            continue
        seen.add(where)
        pointer, head, width = tiff.layout
        if where + head > len(data):
            tiff.damaged = True
            continue
        count = _unpack(tiff.order + ("Q" if tiff.big else "H"), data, where)
        if count > MAX_ENTRIES or where + head + width * count > len(data):
            tiff.damaged = True
            continue
        tiff.ifds.append(name)
        subs = 0
        for n in range(count):
            entry = _entry(data, tiff, where + head + width * n, name, value_base)
            if entry is None:
                continue
            tiff.entries.append(entry)
            child = POINTERS.get(entry.tag)
            if child and isinstance(entry.value, tuple):
                for target in entry.value[:MAX_NUMBERS]:
                    label = child
                    if child == "SubIFD":
                        label = f"SubIFD{subs or ''}"
                        subs += 1
                    queue.append((int(target), label, False))
        end = where + head + width * count
        if follow and end + struct.calcsize(pointer) <= len(data):
            following = _unpack(tiff.order + pointer, data, end)
            chained += 1
            queue.append((following, _next_name(name, chained), True))


def _next_name(name: str, n: int) -> str:
    if name.startswith("IFD"):
        return f"IFD{n}"
    return f"{name}-{n}"


def _entry(data: bytes, tiff: Tiff, at: int, ifd: str, value_base: int | None) -> Entry | None:
    pointer, _head, _width = tiff.layout
    tag, kind, count = struct.unpack_from(tiff.order + "HH" + pointer, data, at)
    size = _TYPE_SIZES.get(kind)
    if size is None:
        return None
    total = size * count
    inline = 8 if tiff.big else 4
    here = at + 4 + inline
    if total <= inline:
        start = here
    else:
        start = (tiff.base if value_base is None else value_base) + _unpack(
            tiff.order + pointer, data, here)
        if start + min(total, 1) > len(data) or start < 0:
            tiff.damaged = True
            return None
    keep = max(0, min(total, MAX_VALUE_BYTES, len(data) - start, MAX_KEPT_BYTES - tiff.kept))
    tiff.kept += keep
    raw = data[start:start + keep]
    value: bytes | tuple[float, ...]
    if kind in _NUMBERS:
        fmt = _NUMBERS[kind]
        n = min(count, MAX_NUMBERS, len(raw) // size)
        value = struct.unpack_from(f"{tiff.order}{n}{fmt}", raw) if n else ()
    elif kind in (5, 10):
        n = min(count, MAX_NUMBERS, len(raw) // 8)
        pairs = struct.unpack_from(f"{tiff.order}{2 * n}{'I' if kind == 5 else 'i'}", raw)
        value = tuple(pairs[i] / pairs[i + 1] if pairs[i + 1] else float("nan")
                      for i in range(0, len(pairs), 2))
    else:
        value = raw
    return Entry(ifd, tag, kind, count, value, start)


def _unpack(fmt: str, data: bytes, at: int) -> int:
    try:
        return int(struct.unpack_from(fmt, data, at)[0])
    except struct.error:
        raise Truncated("it is cut short") from None


# --- JPEG segments, and whatever follows the end of the picture ---

# After the pixel data of a scan, the next marker: 0xFF followed by anything but a stuffed
# zero, a restart marker or another 0xFF (fill).
_NEXT_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")
_ANY_MARKER = re.compile(rb"\xff[\xc0-\xfe]")
_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
MAX_SEGMENTS: Final = 100_000


@dataclass(frozen=True)
class Segment:
    marker: int  # 0xE0 APP0 ... 0xEF APP15, 0xFE COM
    at: int  # where the payload starts
    payload: bytes


@dataclass
class Jpeg:
    segments: list[Segment] = field(default_factory=list)
    size: tuple[int, int] | None = None
    end: int | None = None  # just after the end-of-image marker; None when cut short
    scans: int = 0
    damaged: bool = False  # stray bytes between segments were skipped
    stopped: bool = False  # more segments than MAX_SEGMENTS: the rest was not read


def read_jpeg(data: bytes, start: int = 0) -> Jpeg:
    """The segments of the JPEG starting at *start* (which must be its SOI marker)."""
    jpeg = Jpeg()
    pos, n = start + 2, len(data)
    for _ in range(MAX_SEGMENTS):
        if pos >= n:
            break  # cut short in the headers or the pixels: what was there has been read
        if data[pos] != 0xFF or (pos + 1 < n and data[pos + 1] == 0):
            # Stray bytes between segments: readers skip to the next marker, and so must
            # a check, or what follows would go unread.
            jpeg.damaged = True
            found = _ANY_MARKER.search(data, pos)
            if found is None:
                break
            pos = found.start()
        while pos < n and data[pos] == 0xFF:
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker == 0xD9:
            jpeg.end = pos
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if marker == 0xD8:
            raise Damaged("its JPEG structure is broken")
        if pos + 2 > n:
            raise Truncated("it is cut short")
        length = (data[pos] << 8) | data[pos + 1]
        if length < 2:
            raise Damaged("its JPEG structure is broken")
        if pos + length > n:
            if jpeg.scans or jpeg.size is not None:
                break  # cut short after the frame header: what came before is reported
            raise Truncated("it is cut short")
        payload = data[pos + 2:pos + length]
        if marker in _SOF and len(payload) >= 5 and jpeg.size is None:
            height, width = struct.unpack_from(">HH", payload, 1)
            jpeg.size = (width, height)
        if marker == 0xDA:
            jpeg.scans += 1
            found = _NEXT_MARKER.search(data, pos + length)
            if found is None:
                break  # cut short inside the pixel data
            pos = found.start()
            continue
        if marker >= 0xE0:
            jpeg.segments.append(Segment(marker, pos + 2, payload))
        pos += length
    else:
        jpeg.stopped = True
    if jpeg.size is None:
        raise (Truncated("it is cut short") if jpeg.end is None and pos >= n else
               Damaged("it holds no picture"))
    return jpeg


# --- IPTC records and Photoshop resources ---


@dataclass(frozen=True)
class IptcRecord:
    record: int
    dataset: int
    value: bytes


def read_iptc(data: bytes, start: int = 0, limit: int = 10_000) -> tuple[list[IptcRecord], int]:
    """IPTC-IIM records from *start* until the first byte that is not a record marker.
    Returns the records and where they end."""
    records: list[IptcRecord] = []
    pos, n = start, len(data)
    while pos + 5 <= n and data[pos] == 0x1C and len(records) < limit:
        record, dataset, size = data[pos + 1], data[pos + 2], (data[pos + 3] << 8) | data[pos + 4]
        pos += 5
        if size & 0x8000:  # extended length: the next (size & 0x7FFF) bytes hold it
            width = size & 0x7FFF
            if width > 4 or pos + width > n:
                break
            size = int.from_bytes(data[pos:pos + width], "big")
            pos += width
        if pos + size > n:
            break
        records.append(IptcRecord(record, dataset, data[pos:pos + size]))
        pos += size
    return records, pos


def find_iptc(data: bytes) -> list[IptcRecord]:
    """IPTC records anywhere in *data* (a trailer's layout varies by the tool that wrote
    it): runs of at least two records, starting with an envelope or application record."""
    found: list[IptcRecord] = []
    pos = 0
    for _ in range(10_000):
        if len(found) >= 10_000:
            break
        at = data.find(b"\x1c", pos)
        if at < 0 or at + 3 > len(data):
            break
        if data[at + 1] in (1, 2):
            records, end = read_iptc(data, at)
            if len(records) >= 2 or (records and records[0].dataset == 0):
                found.extend(records)
                pos = end
                continue
        pos = at + 1
    return found


@dataclass(frozen=True)
class Resource:
    ident: int
    data: bytes


def read_photoshop(data: bytes) -> list[Resource]:
    """Photoshop image resources ("8BIM" blocks): IPTC, thumbnails, XMP, EXIF and more."""
    out: list[Resource] = []
    pos, n = 0, len(data)
    while pos + 12 <= n and len(out) < 10_000:
        if data[pos:pos + 4] not in (b"8BIM", b"PHUT", b"DCSR", b"AgHg", b"MeSa"):
            break
        ident = (data[pos + 4] << 8) | data[pos + 5]
        name_len = data[pos + 6]
        pos += 6 + ((name_len + 2) & ~1)
        if pos + 4 > n:
            break
        size = struct.unpack_from(">I", data, pos)[0]
        pos += 4
        out.append(Resource(ident, data[pos:pos + size]))
        pos += size + (size & 1)
    return out


# --- Canon CIFF (the camera-raw heap some Canon cameras put in a JPEG's APP0) ---


@dataclass(frozen=True)
class CiffEntry:
    tag: int  # the tag id, without its type and location bits
    value: bytes


def read_ciff(data: bytes) -> list[CiffEntry]:
    """Every record of a CIFF heap ("II" or "MM", header length, "HEAP"), sub-heaps included."""
    if len(data) < 14 or data[:2] not in (b"II", b"MM"):
        raise Damaged("its Canon CIFF block is not valid")
    order = "<" if data[:2] == b"II" else ">"
    header = _unpack(order + "I", data, 2)
    out: list[CiffEntry] = []
    heaps = [(header, len(data))]
    seen: set[tuple[int, int]] = set()
    while heaps and len(seen) < 64:
        start, end = heaps.pop()
        if (start, end) in seen or not 0 <= start < end <= len(data) or end - start < 6:
            continue
        seen.add((start, end))
        table = start + _unpack(order + "I", data, end - 4)
        if not start <= table < end - 2:
            continue
        count = _unpack(order + "H", data, table)
        for n in range(min(count, 1024)):
            at = table + 2 + 10 * n
            if at + 10 > end:
                break
            tag, size, offset = struct.unpack_from(order + "HII", data, at)
            if tag & 0xC000 == 0x4000:  # the value is in the entry itself
                value = data[at + 2:at + 10]
            else:
                # Only names and the presence of previews are needed from a value.
                value = data[start + offset:start + offset + min(size, 4096)]
            if tag & 0x3800 in (0x2800, 0x3000):  # a sub-heap
                heaps.append((start + offset, start + offset + size))
            else:
                out.append(CiffEntry(tag & 0x3FFF, value))
    return out


# --- GIF blocks ---


@dataclass(frozen=True)
class GifBlock:
    kind: str  # "comment", "application", "plaintext"
    name: bytes  # the application's identifier
    data: bytes  # sub-blocks joined (for XMP, the raw bytes, length bytes included)


@dataclass
class Gif:
    size: tuple[int, int]
    frames: int = 0
    blocks: list[GifBlock] = field(default_factory=list)
    end: int | None = None  # just after the trailer byte
    stopped: bool = False  # more sub-blocks than MAX_SUB_BLOCKS: the rest was not read


MAX_SUB_BLOCKS: Final = 4_000_000  # per file: about 1 GB of ordinary 255-byte sub-blocks


def read_gif(data: bytes) -> Gif:
    if len(data) < 13:
        raise Truncated("it is cut short")
    width, height, flags = struct.unpack_from("<HHB", data, 6)
    gif = Gif((width, height))
    budget = [MAX_SUB_BLOCKS]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    n = len(data)
    for _ in range(1_000_000):
        if pos >= n:
            break
        label = data[pos]
        if label == 0x3B:
            gif.end = pos + 1
            break
        if label == 0x2C:
            if pos + 10 > n:
                break
            gif.frames += 1
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _skip_blocks(data, pos, budget)[1]
        elif label == 0x21 and pos + 2 <= n:
            kind = data[pos + 1]
            pos += 2
            if kind == 0xFF and pos < n and data[pos] == 11:
                name = data[pos + 1:pos + 12]
                start = pos + 12
                body, pos = _skip_blocks(data, start, budget)
                raw = data[start:pos]
                gif.blocks.append(GifBlock("application", name,
                                           raw if name.startswith(b"XMP Data") else body))
            elif kind == 0xFE:
                body, pos = _skip_blocks(data, pos, budget)
                gif.blocks.append(GifBlock("comment", b"", body))
            elif kind == 0x01:
                if pos < n:
                    pos += 1 + data[pos]  # the grid and colours
                body, pos = _skip_blocks(data, pos, budget)
                gif.blocks.append(GifBlock("plaintext", b"", body))
            else:
                pos = _skip_blocks(data, pos, budget)[1]
        else:
            break  # not a block: treat the rest as data after the end
    gif.stopped = budget[0] < 0
    return gif


def _skip_blocks(data: bytes, pos: int, budget: list[int]) -> tuple[bytes, int]:
    """Sub-blocks from *pos*: their joined contents (first megabyte), and where they end.
    Each sub-block visited costs one from *budget*; when it runs out, the walk stops at the
    end of the data (a file of tiny sub-blocks would otherwise take minutes)."""
    parts: list[bytes] = []
    kept, n = 0, len(data)
    while True:
        budget[0] -= 1
        if budget[0] < 0:
            return b"".join(parts), n
        if pos >= n:
            break
        size = data[pos]
        pos += 1
        if size == 0:
            break
        if kept < 1_048_576:
            parts.append(data[pos:pos + size])
            kept += size
        pos += size
    return b"".join(parts), min(pos, n)


# --- RIFF (WebP) chunks and PNG chunks ---


@dataclass(frozen=True)
class Chunk:
    kind: bytes
    at: int
    data: bytes


def read_riff(data: bytes) -> tuple[list[Chunk], int]:
    """The chunks of a RIFF file, and where its declared length ends."""
    declared = min(8 + struct.unpack_from("<I", data, 4)[0], len(data))
    out: list[Chunk] = []
    pos = 12
    while pos + 8 <= declared and len(out) < 100_000:
        kind, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        out.append(Chunk(kind, pos + 8, data[pos + 8:pos + 8 + min(size, MAX_VALUE_BYTES * 4)]))
        pos += 8 + size + (size & 1)
    return out, declared


def webp_size(chunks: list[Chunk]) -> tuple[int, int] | None:
    for chunk in chunks:
        d = chunk.data
        if chunk.kind == b"VP8X" and len(d) >= 10:
            return (int.from_bytes(d[4:7], "little") + 1, int.from_bytes(d[7:10], "little") + 1)
        if chunk.kind == b"VP8 " and len(d) >= 10:
            w, h = struct.unpack_from("<HH", d, 6)
            return (w & 0x3FFF, h & 0x3FFF)
        if chunk.kind == b"VP8L" and len(d) >= 5:
            bits = int.from_bytes(d[1:5], "little")
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    return None


def read_png(data: bytes, limit: int) -> tuple[list[Chunk], int | None, bool]:
    """PNG chunks (at most *limit*; pixel data is not kept), where IEND ends (None if it is
    missing), and whether the limit stopped the walk."""
    out: list[Chunk] = []
    pos, n = 8, len(data)
    for _ in range(limit):
        if pos + 8 > n:
            return out, None, False
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size > 0x7FFFFFFF:
            return out, None, False
        body = b"" if kind in (b"IDAT", b"fdAT") else data[pos + 8:pos + 8 + size]
        out.append(Chunk(kind, pos + 8, body))
        pos += 12 + size
        if kind == b"IEND":
            return out, min(pos, n), False
    return out, None, True
