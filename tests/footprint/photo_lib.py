"""The photo check's oracle and test files, shared by the photo tests.

exiftool, the most complete metadata reader there is, is the oracle: every identifying tag it
reports must be in the kit's report. "Identifying" is defined once, in `identifying()`, and
covers what can lead a stranger to a person:

- location: GPS latitude and longitude (EXIF or XMP), and place names (city, sub-location,
  state or province, country, location, IPTC, XMP or JSON);
- people: artist, author, by-line, creator and the creator's contact details, owner and camera
  owner, copyright holder and rights, Windows author, writer-editor, caption writer, credit,
  contact, people shown or tagged (face regions), the computer's name;
- device: every serial number (camera, body, lens, internal, flash, extender, sensor ...) and
  the unique image ID that links copies of one photo;
- text: comments, user comments, descriptions, captions, headlines, titles, object names,
  keywords, special instructions, Windows comment, title, subject and keywords, document names;
- images: thumbnails, previews, JPEG-from-raw, other images, Photoshop thumbnails, the extra
  images of a multi-picture file, IPTC preview data.

Dates are left out: they say when, not who or where (the kit lists them at low severity).
Also left out: an ICC colour profile's copyright and description (the profile's maker, such as
"Copyright Apple Inc."), Photoshop's writer and reader names (the application), and a
camera's world-time cities (the time zone chosen, not the place). A TIFF's IFD0 "preview" is
exiftool's name for the main picture's own JPEG strips, not a second image.

A tag is in the report when its value (letters and digits, first 40) appears in one of the
kit's items; a position when the kit found the same place (or a high-severity location item);
an image when the kit lists a preview or extra image.

`make_cases()` builds, byte by byte, one file for each case issue 16 named (metadata the check
once missed), and `EXPECTED` says what the kit must report for each.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
import struct
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kit.footprint import photos
from tests.conftest import REPO

CORPUS = REPO.parent / "shared" / "corpus" / "photos"
EXIFTOOL = shutil.which("exiftool")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None, reason="exiftool is not installed "
                                    "(.ci/run installs libimage-exiftool-perl)")

_LOCATION = {"City", "Sub-location", "Province-State", "State", "Country",
             "Country-PrimaryLocationName", "Sublocation", "CountryName", "ProvinceState",
             "Location", "LocationName"}
_GPS = {"GPSLatitude", "GPSLongitude"}
_PEOPLE = {"Artist", "Author", "By-line", "Creator", "OwnerName", "CameraOwnerName",
           "Copyright", "CopyrightNotice", "Rights", "XPAuthor", "Writer-Editor",
           "CaptionWriter", "Credit", "Contact", "PersonInImage", "HostComputer",
           "RegionName", "RegionPersonDisplayName", "PersonInImageName", "Owner"}
_TEXT = {"Comment", "UserComment", "ImageDescription", "Description", "Caption-Abstract",
         "Headline", "Title", "ObjectName", "XPComment", "XPTitle", "XPSubject", "Keywords",
         "Subject", "CanonFileDescription", "DocumentName", "XPKeywords",
         "SpecialInstructions"}
_IMAGES = {"ThumbnailImage", "PreviewImage", "JpgFromRaw", "OtherImage", "ThumbnailTIFF",
           "PhotoshopThumbnail", "ObjectPreviewData"}
_NOT_PERSONAL_GROUPS = ("ICC", "Composite", "File:System", "System", "ExifTool")


@dataclass(frozen=True)
class Tag:
    path: Path
    group: str
    name: str
    category: str  # location | gps | people | device | text | images
    value: Any

    def __str__(self) -> str:
        return f"{self.path.name}: {self.group}:{self.name} = {str(self.value)[:60]!r}"


def identifying(group: str, name: str, value: Any, path: Path) -> str | None:
    """The category of an exiftool tag that identifies someone, or None."""
    if group.startswith(_NOT_PERSONAL_GROUPS) or value in ("", None, []):
        return None
    if name in _GPS:
        return "gps"
    if name in _LOCATION and group not in ("Sony", "Canon"):  # (focus and AF "locations")
        return "location"
    if name in _PEOPLE or (name.startswith("Creator") and name != "CreatorTool"):
        return "people"  # CreatorCity, CreatorWorkEmail ...: the creator's contact details
    if name.endswith("SerialNumber") or name == "ImageUniqueID":
        return "device"
    if name in _TEXT:
        return "text"
    if name in _IMAGES or re.fullmatch(r"MPImage([2-9]|\d\d+)", name):
        if group == "IFD0" and path.suffix.lower() in (".tif", ".tiff"):
            return None  # the main picture's own JPEG strips (see the module's docstring)
        return "images"
    return None


def exiftool_tags(paths: Iterable[Path]) -> list[Tag]:
    """Every identifying tag exiftool finds in *paths*, in one run of exiftool."""
    paths = list(paths)
    if not paths:
        return []
    assert EXIFTOOL is not None
    proc = subprocess.run(
        [EXIFTOOL, "-j", "-n", "-G1", "-a", "-q", "-q", "-charset", "filename=utf8", "-@", "-"],
        input="\n".join(str(p) for p in paths), capture_output=True, text=True, timeout=300,
        check=False)
    tags: list[Tag] = []
    for doc in json.loads(proc.stdout or "[]"):
        path = Path(doc.pop("SourceFile"))
        for key, value in doc.items():
            group, _, name = key.rpartition(":")
            category = identifying(group, name, value, path)
            if category is not None:
                tags.append(Tag(path, group, name, category, value))
    return tags


def _alnum(value: object) -> str:
    """Letters and digits only, leading zeros dropped: exiftool and the kit may show the same
    text with different spacing, replacement characters or zero padding."""
    return re.sub(r"[^0-9a-z]", "", str(value).casefold()).lstrip("0")


def in_report(tag: Tag, report: photos.PhotoReport) -> bool:
    """Whether the kit's report holds what exiftool found (see the module's docstring)."""
    items = report.items
    if tag.category == "images":
        return any(i.kind in ("thumbnail", "extra_images") for i in items)
    if tag.category == "gps":
        if any(i.kind == "location" and i.severity == "high" for i in items):
            return True
        if tag.value == 0:  # no fix: the kit names the empty position at medium
            return any(i.kind == "location" for i in items)
        return report.location is not None and isinstance(tag.value, int | float) and any(
            math.isclose(tag.value, v, abs_tol=1e-3)
            for v in (report.location.latitude, report.location.longitude))
    value = tag.value[0] if isinstance(tag.value, list) else tag.value
    if tag.category == "device" and re.fullmatch(r"\d{1,3}( \d{1,3})+", str(value)):
        value = bytes(int(v) for v in str(value).split()).hex()  # raw bytes, shown in hex
    wanted = _alnum(value)[:40] or re.sub(r"\W", "", str(value))
    return any(wanted in _alnum(i.value) or wanted in i.value for i in items)


def misses(paths: Iterable[Path]) -> tuple[int, list[Tag]]:
    """How many identifying tags exiftool found in *paths*, and those the kit did not report."""
    tags = exiftool_tags(paths)
    reports = {r.path: r for r in photos.scan(sorted({t.path for t in tags}))}
    return len(tags), [t for t in tags if not in_report(t, reports[t.path])]



# --- files built for each case issue 16 named ---

OWNER = "Jo Bloggs"
SERIAL = "SN0123456789"
CAPTION = "meet at the school gate"


def _jpeg(exif: bytes | None = None) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(out, "JPEG", **({"exif": exif} if exif else {}))
    return out.getvalue()


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _after_soi(jpeg: bytes, *segments: bytes) -> bytes:
    return jpeg[:2] + b"".join(segments) + jpeg[2:]


def _iptc(*fields: tuple[int, str]) -> bytes:
    out = b"\x1c\x02\x00\x00\x02\x00\x04"  # record version
    for dataset, text in fields:
        value = text.encode()
        out += b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
    return out


Entry = tuple[int, int, int, bytes]  # tag, type, count, value bytes


def _tiff(ifds: list[list[Entry]], links: dict[tuple[int, int], int],
          blobs: tuple[bytes, ...] = ()) -> bytes:
    """A big-endian TIFF structure: directories in order, then the blobs. *links* maps
    (directory, tag) to the directory whose offset that tag holds; a value b"@n" points at
    blob n."""
    sizes = [2 + 12 * len(e) + 4 + sum(len(v) + len(v) % 2 for *_, v in e if len(v) > 4)
             for e in ifds]
    starts = [8 + sum(sizes[:i]) for i in range(len(ifds))]
    blob_at = [starts[-1] + sizes[-1] + sum(len(b) for b in blobs[:i]) for i in range(len(blobs))]
    out = b"MM\0*" + struct.pack(">I", 8)
    for n, entries in enumerate(ifds):
        body, extra = struct.pack(">H", len(entries)), b""
        data_at = starts[n] + 2 + 12 * len(entries) + 4
        for tag, kind, count, value in sorted(entries):
            if (n, tag) in links:
                value = struct.pack(">I", starts[links[(n, tag)]])
            elif value.startswith(b"@"):
                value = struct.pack(">I", blob_at[int(value[1:])])
            if len(value) <= 4:
                body += struct.pack(">HHI", tag, kind, count) + value.ljust(4, b"\0")
            else:
                body += struct.pack(">HHII", tag, kind, count, data_at + len(extra))
                extra += value + b"\0" * (len(value) % 2)
        out += body + b"\0\0\0\0" + extra
    return out + b"".join(blobs)


def _ascii(tag: int, text: str) -> Entry:
    value = text.encode() + b"\0"
    return (tag, 2, len(value), value)


def _long(tag: int, value: int = 0) -> Entry:
    return (tag, 4, 1, struct.pack(">I", value))


def make_cases(folder: Path) -> dict[str, Path]:
    """One file per case of issue 16, built byte by byte; each carries identifying data
    exiftool reports (the oracle test checks that none is vacuous)."""
    cases: dict[str, bytes] = {}
    base = _jpeg()
    # An AFCP trailer (header, directory, IPTC, closing record) after the end of the JPEG.
    iptc = _iptc((120, CAPTION), (80, OWNER))
    start = len(base)
    cases["afcp.jpg"] = (base + b"AXS!\x01\x00" + struct.pack(">HI", 1, 0) + b"IPTC"
                         + struct.pack(">II", len(iptc), start + 24) + iptc
                         + b"AXS!" + struct.pack(">II", start, 0))
    # A FotoStation trailer: records read from the end (type, size, signature).
    cases["fotostation.jpg"] = (base + iptc + struct.pack(">HI", 1, len(iptc) + 10)
                                + b"\xa1\xb2\xc3\xd4")
    # APP12 picture info (a serial number) and Ducky (a copyright holder).
    info = f"[picture info]\r\nSerialNumber={SERIAL}\r\nTimeDate=915117440\r\n".encode()
    wide = OWNER.encode("utf-16-be")
    ducky = b"Ducky" + struct.pack(">HH", 3, len(wide) + 4) + struct.pack(">I", len(wide) // 2) \
        + wide + b"\0\0"
    cases["app12.jpg"] = _after_soi(base, _segment(0xEC, b"Agfa Gevaert\0" + info),
                                    _segment(0xEC, ducky))
    # IPTC in a Photoshop block split over two APP13 segments (as large blocks are).
    irb = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(iptc)) + iptc
    half = len(irb) // 2
    cases["iptc-two-segments.jpg"] = _after_soi(
        base, _segment(0xED, b"Photoshop 3.0\0" + irb[:half]),
        _segment(0xED, b"Photoshop 3.0\0" + irb[half:]))
    # An APP0 JFXX thumbnail.
    thumb = _jpeg()
    cases["jfxx.jpg"] = _after_soi(base, _segment(0xE0, b"JFXX\0\x10" + thumb))
    # Canon CIFF in APP0: a heap holding the owner's name.
    owner = OWNER.encode() + b"\0"
    heap = owner + struct.pack("<HHII", 1, 0x0810, len(owner), 0) + struct.pack("<I",
                                                                                  len(owner))
    cases["ciff.jpg"] = _after_soi(base, _segment(
        0xE0, b"II\x1a\0\0\0HEAPJPGM" + b"\0\0\x01\0" + b"\0" * 8 + heap))
    # Canon maker notes with an OwnerName; a serial number in IFD0.
    canon = _tiff([[_ascii(0x010F, "Canon"), _long(0x8769), _ascii(0xA431, SERIAL)],
                   [(0x927C, 7, 0, b"")], [_ascii(0x0009, OWNER)]], {(0, 0x8769): 1})
    note_at = canon.index(b"\0\x01\0\x09")  # the maker-note directory, written third
    canon = canon.replace(struct.pack(">HHII", 0x927C, 7, 0, 0),
                          struct.pack(">HHII", 0x927C, 7, len(canon) - note_at, note_at))
    cases["makernote.jpg"] = _jpeg(b"Exif\0\0" + canon)
    # A GIF comment after the frame, and XMP in a GIF application extension.
    gif = _gif()
    text = CAPTION.encode()
    cases["comment-after-frame.gif"] = gif[:-1] + b"\x21\xfe" + bytes([len(text)]) + text \
        + b"\0;"
    magic = b"\x01" + bytes(range(255, -1, -1)) + b"\0"  # lets plain readers skip the XMP
    cases["xmp.gif"] = (gif[:-1] + b"\x21\xff\x0bXMP DataXMP" + _xmp(f"<dc:creator><rdf:Seq>"
                        f"<rdf:li>{OWNER}</rdf:li></rdf:Seq></dc:creator>") + magic + b";")
    # Extended XMP: the main packet names the extension by the MD5 of its full text.
    extension = _xmp(f"<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>{CAPTION}"
                     f"</rdf:li></rdf:Alt></dc:description>" + " " * 70_000)
    guid = hashlib.md5(extension).hexdigest().upper().encode()  # the format's own choice
    main = _xmp(f"<xmpNote:HasExtendedXMP>{guid.decode()}</xmpNote:HasExtendedXMP>")
    pieces = [_segment(0xE1, b"http://ns.adobe.com/xmp/extension/\0" + guid
                       + struct.pack(">II", len(extension), at) + extension[at:at + 60_000])
              for at in range(0, len(extension), 60_000)]
    # A face region naming the person shown (Metadata Working Group regions).
    region = _xmp("<mwg-rs:Regions xmlns:mwg-rs='http://www.metadataworkinggroup.com/schemas/"
                  "regions/'><mwg-rs:RegionList><rdf:Bag><rdf:li rdf:parseType='Resource'>"
                  f"<mwg-rs:Name>{OWNER}</mwg-rs:Name><mwg-rs:Type>Face</mwg-rs:Type>"
                  "</rdf:li></rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>")
    cases["face-region.jpg"] = _after_soi(
        base, _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + region))
    cases["extended-xmp.jpg"] = _after_soi(
        base, _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + main), *pieces)
    # A DNG camera serial number and IPTC in TIFF tags (33723).
    image = [(256, 3, 1, b"\0\x08"), (257, 3, 1, b"\0\x08"), (258, 3, 1, b"\0\x08"),
             (259, 3, 1, b"\0\x01"), (262, 3, 1, b"\0\x01"), (273, 4, 1, b"@0"),
             (277, 3, 1, b"\0\x01"), (278, 3, 1, b"\0\x08"), _long(279, 64)]
    cases["dng-serial.tif"] = _tiff([[*image, _ascii(0xC62F, SERIAL)]], {}, (b"\x80" * 64,))
    cases["iptc.tif"] = _tiff([[*image, (33723, 7, len(iptc), iptc)]], {}, (b"\x80" * 64,))
    # A reduced image (a JPEG preview) in a TIFF SubIFD.
    cases["subifd.tif"] = _tiff(
        [[*image, _long(0x014A)],
         [_long(254, 1), (256, 3, 1, b"\0\x10"), (257, 3, 1, b"\0\x10"),
          (259, 3, 1, b"\0\x06"), (0x0201, 4, 1, b"@1"), _long(0x0202, len(thumb))]],
        {(0, 0x014A): 1}, (b"\x80" * 64, thumb))
    for name, blob in cases.items():
        (folder / name).write_bytes(blob)
    return {name: folder / name for name in sorted(cases)}


def _gif() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    return out.getvalue()


def _xmp(body: str) -> bytes:
    return ("<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'>"
            "<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
            "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:xmpNote='http://ns.adobe.com/xmp/note/'>" + body
            + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>").encode()


# What the kit must say about each generated file: (kind, where, label starts, value), where
# "where" is part of the item's source.
EXPECTED = {
    "afcp.jpg": [("text", "AFCP trailer", "caption", CAPTION),
                 ("people", "AFCP trailer", "by-line", OWNER),
                 ("other", "AFCP trailer", "data after the end", "")],
    "fotostation.jpg": [("text", "FotoStation trailer", "caption", CAPTION),
                        ("people", "FotoStation trailer", "by-line", OWNER)],
    "app12.jpg": [("device", "APP12 picture info", "camera serial number", SERIAL),
                  ("people", "APP12 Ducky", "copyright", OWNER)],
    "iptc-two-segments.jpg": [("text", "IPTC", "caption", CAPTION),
                              ("people", "IPTC", "by-line", OWNER)],
    "jfxx.jpg": [("thumbnail", "JFXX", "an embedded preview image", "")],
    "ciff.jpg": [("people", "Canon CIFF", "camera owner's name", OWNER)],
    "makernote.jpg": [("people", "maker notes", "camera owner's name", OWNER),
                      ("device", "EXIF", "camera serial number", SERIAL)],
    "comment-after-frame.gif": [("text", "GIF comment", "comment", CAPTION)],
    "xmp.gif": [("people", "GIF XMP", "creator", OWNER)],
    "face-region.jpg": [("people", "XMP", "people tagged", OWNER)],
    "extended-xmp.jpg": [("text", "Extended XMP", "description", CAPTION)],
    "dng-serial.tif": [("device", "TIFF tags", "camera serial number", SERIAL)],
    "iptc.tif": [("text", "IPTC", "caption", CAPTION), ("people", "IPTC", "by-line", OWNER)],
    "subifd.tif": [("thumbnail", "TIFF tags SubIFD", "an embedded preview image", "")],
}
