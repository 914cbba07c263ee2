"""Photos made with planted metadata, for the photo tests (checking and cleaning alike).

A small hand-written EXIF builder (Pillow cannot write an EXIF thumbnail) and makers for JPEG,
PNG and HEIC files that carry a known owner, serial number, comment, computer name, place and
preview, so each test knows exactly what a file carries; and the raw-bytes check that a clean
copy carries none of it, which does not trust the kit's own reader.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from pathlib import Path

from PIL import Image, PngImagePlugin

from kit.footprint import photos

OWNER = "Jo Bloggs"
SERIAL = "SN-0123456789"
COMMENT = "meet at the school gate"
HOST = "jo-home-laptop"
XMP_CITY = "Leeds"
# The planted values a clean copy must not carry, in any encoding the writers use.
PLANTED = (OWNER, SERIAL, COMMENT, HOST, XMP_CITY, "EOS 5D", "http://ns.adobe.com/xap")


# --- a minimal EXIF (TIFF) writer: IFD0, Exif, GPS and IFD1 with a JPEG thumbnail ---


def ascii_(text: str) -> tuple[int, int, bytes]:
    data = text.encode() + b"\0"
    return 2, len(data), data


def short(value: int) -> tuple[int, int, bytes]:
    return 3, 1, struct.pack(">H", value)


def long_(value: int) -> tuple[int, int, bytes]:
    return 4, 1, struct.pack(">I", value)


def rationals(*pairs: tuple[int, int]) -> tuple[int, int, bytes]:
    return 5, len(pairs), b"".join(struct.pack(">II", n, d) for n, d in pairs)


def undefined(data: bytes) -> tuple[int, int, bytes]:
    return 7, len(data), data


Entries = dict[int, tuple[int, int, bytes]]


def _size(entries: Entries) -> int:
    extra = sum(len(p) + len(p) % 2 for _, _, p in entries.values() if len(p) > 4)
    return 2 + 12 * len(entries) + 4 + extra


def _ifd(entries: Entries, start: int, next_ifd: int) -> bytes:
    out, body = struct.pack(">H", len(entries)), b""
    data_at = start + 2 + 12 * len(entries) + 4
    for tag in sorted(entries):
        kind, count, payload = entries[tag]
        if len(payload) <= 4:
            out += struct.pack(">HHI", tag, kind, count) + payload.ljust(4, b"\0")
        else:
            out += struct.pack(">HHII", tag, kind, count, data_at + len(body))
            body += payload + b"\0" * (len(payload) % 2)
    return out + struct.pack(">I", next_ifd) + body


def build_exif(ifd0: Entries, exif: Entries | None = None, gps: Entries | None = None,
               thumbnail: bytes = b"") -> bytes:
    ifd0 = dict(ifd0)
    for tag, sub in ((0x8769, exif), (0x8825, gps)):
        if sub:
            ifd0[tag] = long_(0)
    at = 8 + _size(ifd0)
    where: dict[int, int] = {}
    for tag, sub in ((0x8769, exif), (0x8825, gps)):
        if sub:
            where[tag], at = at, at + _size(sub)
            ifd0[tag] = long_(where[tag])
    ifd1: Entries = {}
    ifd1_at = 0
    if thumbnail:
        ifd1 = {0x0103: short(6), 0x0201: long_(0), 0x0202: long_(len(thumbnail))}
        ifd1_at, at = at, at + _size(ifd1)
        ifd1[0x0201] = long_(at)
    data = b"MM\0*" + struct.pack(">I", 8) + _ifd(ifd0, 8, ifd1_at)
    for tag, sub in ((0x8769, exif), (0x8825, gps)):
        if sub:
            data += _ifd(sub, where[tag], 0)
    if thumbnail:
        data += _ifd(ifd1, ifd1_at, 0) + thumbnail
    return b"Exif\0\0" + data


def gps_london() -> Entries:
    # 51°30'29.99"N 0°7'39"W, 12.34 m
    return {1: ascii_("N"), 2: rationals((51, 1), (30, 1), (2999, 100)), 3: ascii_("W"),
            4: rationals((0, 1), (7, 1), (3900, 100)), 5: (1, 1, b"\0"),
            6: rationals((1234, 100))}


def thumbnail_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "yellow").save(out, "JPEG")
    return out.getvalue()


def full_exif(orientation: int = 1, gps: Entries | None = None) -> bytes:
    return build_exif(
        {0x010F: ascii_("Canon"), 0x0110: ascii_("EOS 5D"), 0x0112: short(orientation),
         0x0131: ascii_("PhotoApp 2.1"), 0x013B: ascii_(OWNER),
         0x013C: ascii_(HOST + "\x1b[31m")},
        {0x9003: ascii_("2024:05:01 10:00:00"), 0xA431: ascii_(SERIAL),
         0x927C: undefined(b"maker" * 10), 0x829A: rationals((1, 100))},
        gps_london() if gps is None else gps, thumbnail=thumbnail_jpeg())


XMP = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
       f'photoshop:City="{XMP_CITY}" exif:GPSLatitude="51,30.5N" exif:GPSLongitude="0,7.65W">'
       f'<dc:creator><rdf:Seq><rdf:li>{OWNER}</rdf:li></rdf:Seq></dc:creator>'
       '</rdf:Description></rdf:RDF></x:xmpmeta>').encode()


def two_tone(size: tuple[int, int] = (64, 32)) -> Image.Image:
    """Left half red, right half blue: orientation shows in the corners."""
    im = Image.new("RGB", size, (255, 0, 0))
    im.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return im


def make_jpeg(path: Path, orientation: int = 1) -> Path:
    two_tone().save(path, "JPEG", exif=full_exif(orientation), comment=COMMENT.encode(),
                    xmp=XMP, quality=95)
    return path


def make_png(path: Path, after_idat: bool = False) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_text("Comment", COMMENT, zip=True)  # zTXt
    info.add_itxt("Description", f"camera {SERIAL}", lang="en", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    two_tone().save(buffer, "PNG", pnginfo=info, exif=full_exif())
    data = buffer.getvalue()
    if after_idat:  # a text chunk after the pixel data, which Pillow reads only on load()
        end = data.rindex(b"IEND") - 4
        data = data[:end] + png_chunk(b"tEXt", b"Title\0" + HOST.encode()) + data[end:]
    path.write_bytes(data)
    return path


def make_heic(path: Path, orientation: int = 1) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = build_exif({0x010F: ascii_("Apple"), 0x0110: ascii_("iPhone 15"),
                       0x0112: short(orientation)},
                      {0xA431: ascii_(SERIAL)}, gps_london())
    two_tone().save(path, "HEIF", exif=exif, xmp=XMP, thumbnails=[16], quality=90)
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""
    return (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + png_chunk(b"IEND", b""))


def fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size


def by_label(report: photos.PhotoReport) -> dict[str, photos.MetadataItem]:
    return {item.label: item for item in report.items}


def assert_nothing_planted(path: Path) -> None:
    data = path.read_bytes()
    for value in PLANTED:
        assert value.encode() not in data, value
        assert value.encode("utf-16-le") not in data, value
    if b"Exif\0\0" in data:  # a clean JPEG keeps the orientation, and only that
        with Image.open(path) as im:
            exif = im.getexif()
            assert set(exif) == {0x0112}, dict(exif)
            assert not exif.get_ifd(0x8769) and not exif.get_ifd(0x8825)
