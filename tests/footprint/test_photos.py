"""Photo metadata, offline: every picture here is generated in the test (Pillow, pillow-heif
and a small hand-written EXIF builder in photo_make, since Pillow cannot write an EXIF
thumbnail), so each test knows exactly what a file carries. Clean copies are checked twice:
by scan(), and by looking for the planted values in the raw bytes, which does not trust the
kit's own reader."""

from __future__ import annotations

import contextlib
import io
import json
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps, PngImagePlugin

from kit import credentials
from kit.cli import main
from kit.errors import BadInput, KitError, UsageError
from kit.footprint import photo_strip, photos
from tests.conftest import REPO, Result, run_kit
from tests.footprint import photo_lib
from tests.footprint.photo_make import (
    COMMENT,
    HOST,
    OWNER,
    SERIAL,
    XMP,
    XMP_CITY,
    Entries,
    ascii_,
    assert_nothing_planted,
    build_exif,
    by_label,
    fingerprint,
    full_exif,
    make_heic,
    make_jpeg,
    make_png,
    png_chunk,
    png_declaring,
    rationals,
    two_tone,
)

pillow_heif = pytest.importorskip("pillow_heif")
pillow_heif.register_heif_opener()

# --- scanning ---


def test_jpeg_gps_exif_comment_thumbnail_and_xmp_are_all_found(tmp_path: Path) -> None:
    report = photos.scan([make_jpeg(tmp_path / "a.jpg")])[0]
    assert report.status == photos.SCANNED and report.format == "JPEG"
    assert report.location is not None
    assert report.location.latitude == pytest.approx(51.508331, abs=1e-6)
    assert report.location.longitude == pytest.approx(-0.1275, abs=1e-6)
    assert report.location.altitude == pytest.approx(12.34)
    items = by_label(report)
    where = items["where the photo was taken"]
    assert (where.kind, where.source, where.severity) == ("location", "EXIF GPS", "high")
    assert items["camera make"].value == "Canon"
    assert items["camera model"].value == "EOS 5D"
    assert items["camera serial number"].value == SERIAL
    assert items["artist (often the owner's name)"].value == OWNER
    assert items["date taken"].value == "2024:05:01 10:00:00"
    assert items["software"].value == "PhotoApp 2.1"
    assert items["comment"].value == COMMENT and items["comment"].source == "JPEG comment"
    thumb = next(i for i in report.items if i.kind == "thumbnail")
    assert thumb.value == "24×16 pixels" and thumb.severity == "medium"
    assert items["city"].value == XMP_CITY and items["city"].source == "XMP"
    assert items["creator"].value == OWNER
    assert any(i.label.startswith("maker notes") for i in report.items)
    # A terminal escape planted in a field never comes back out.
    assert items["computer name (can include a person's name)"].value == HOST
    assert report.severity == "high" and not report.clean


def test_png_text_chunks_and_exif_are_found_even_after_the_pixel_data(tmp_path: Path) -> None:
    report = photos.scan([make_png(tmp_path / "a.png", after_idat=True)])[0]
    assert report.status == photos.SCANNED and report.format == "PNG"
    sources = {(i.source, i.label): i.value for i in report.items}
    assert sources[("PNG tEXt", "author")] == OWNER
    assert sources[("PNG zTXt", "text 'Comment'")] == COMMENT
    assert sources[("PNG iTXt", "text 'Description'")] == f"camera {SERIAL}"
    assert sources[("PNG iTXt XMP", "city")] == XMP_CITY
    assert sources[("PNG eXIf", "camera serial number")] == SERIAL
    assert sources[("PNG tEXt", "text 'Title'")] == HOST  # after IDAT
    assert ("PNG eXIf GPS", "where the photo was taken") in sources
    assert report.location is not None and report.location.latitude > 51


def test_imagemagick_raw_exif_profile_in_png_text_is_decoded(tmp_path: Path) -> None:
    raw = full_exif()[6:].hex()
    profile = "\nexif\n" + f"{len(raw) // 2:8d}\n" + "\n".join(
        raw[i:i + 72] for i in range(0, len(raw), 72)) + "\n"
    info = PngImagePlugin.PngInfo()
    info.add_text("Raw profile type exif", profile, zip=True)
    path = tmp_path / "magick.png"
    two_tone().save(path, "PNG", pnginfo=info)
    report = photos.scan([path])[0]
    assert report.location is not None and report.location.longitude < 0
    assert by_label(report)["camera serial number"].value == SERIAL


def test_heic_exif_gps_xmp_and_thumbnail_are_found(tmp_path: Path) -> None:
    report = photos.scan([make_heic(tmp_path / "a.heic")])[0]
    assert report.status == photos.SCANNED and report.format == "HEIF"
    items = by_label(report)
    assert items["where the photo was taken"].severity == "high"
    assert report.location is not None
    assert report.location.latitude == pytest.approx(51.508331, abs=1e-6)
    assert items["camera model"].value == "iPhone 15"
    assert items["camera serial number"].value == SERIAL
    assert items["city"].value == XMP_CITY
    assert items["1 embedded preview image"].kind == "thumbnail"


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF", "GIF"])
def test_other_formats_are_read(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"a.{fmt.lower()}"
    if fmt == "GIF":
        two_tone().convert("P").save(path, fmt, comment=COMMENT.encode())
    else:
        two_tone().save(path, fmt, exif=full_exif())
    report = photos.scan([path])[0]
    assert report.status == photos.SCANNED and report.format == fmt
    if fmt == "GIF":
        assert by_label(report)["comment"].value == COMMENT
    else:
        assert report.location is not None
        assert by_label(report)["camera serial number"].value == SERIAL


def test_a_location_in_xmp_alone_is_found(tmp_path: Path) -> None:
    path = tmp_path / "x.jpg"
    two_tone().save(path, "JPEG", xmp=XMP)
    report = photos.scan([path])[0]
    assert report.location is not None
    assert report.location.latitude == pytest.approx(51.508333, abs=1e-6)
    assert report.location.longitude == pytest.approx(-0.1275, abs=1e-6)
    assert by_label(report)["GPS latitude"].severity == "high"


def test_gps_signs_and_undecodable_positions(tmp_path: Path) -> None:
    def located(gps: Entries) -> photos.PhotoReport:
        path = tmp_path / "g.jpg"
        two_tone().save(path, "JPEG", exif=build_exif({0x010F: ascii_("X")}, None, gps))
        return photos.scan([path])[0]

    sydney = located({1: ascii_("S"), 2: rationals((33, 1), (52, 1), (0, 1)), 3: ascii_("E"),
                      4: rationals((151, 1), (12, 1), (0, 1))})
    assert sydney.location == photos.GeoPoint(-33.8666667, 151.2)
    broken = located({1: ascii_("N"), 2: rationals((51, 0), (30, 1), (0, 1)),
                      3: ascii_("W"), 4: rationals((0, 1), (7, 1), (0, 1))})
    assert broken.location is None
    assert any(i.kind == "location" and i.severity == "high" and "could not decode" in i.label
               for i in broken.items)
    nowhere = located({1: ascii_("N"), 2: rationals((0, 1), (0, 1), (0, 1)), 3: ascii_("E"),
                       4: rationals((0, 1), (0, 1), (0, 1))})
    assert nowhere.location is None and nowhere.severity == "medium"


def test_a_clean_picture_is_reported_clean(tmp_path: Path) -> None:
    path = tmp_path / "plain.png"
    two_tone().save(path, "PNG")
    report = photos.scan([path])[0]
    assert report.clean and report.items == () and report.severity is None


def test_a_folder_mixing_pictures_video_and_text(tmp_path: Path) -> None:
    folder = tmp_path / "camera roll"
    (folder / "2024" / "may").mkdir(parents=True)
    make_jpeg(folder / "IMG_0001.jpg")
    make_png(folder / "2024" / "may" / "shot.png")
    (folder / "clip.mov").write_bytes(b"\0\0\0\x14ftypqt  " + b"\0" * 64)
    (folder / "renamed.bin").write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 64)  # an MP4
    (folder / "notes.txt").write_text("shopping list")
    (folder / "RAW_1.dng").write_bytes(b"II*\0" + b"\0" * 64)
    outside = tmp_path / "outside"
    outside.mkdir()
    make_jpeg(outside / "secret.jpg")
    (folder / "link").symlink_to(outside)
    (folder / "link.jpg").symlink_to(outside / "secret.jpg")

    reports = {r.path.relative_to(folder).as_posix(): r for r in photos.scan([folder])}
    assert set(reports) == {"IMG_0001.jpg", "2024/may/shot.png", "clip.mov", "renamed.bin",
                            "notes.txt", "RAW_1.dng", "link", "link.jpg"}
    assert reports["IMG_0001.jpg"].status == photos.SCANNED
    assert reports["2024/may/shot.png"].status == photos.SCANNED  # recursive
    for video in ("clip.mov", "renamed.bin"):  # by name and by content
        assert reports[video].status == photos.VIDEO
        # Named in plain words (the app shows it too); the command line adds the commands.
        assert "exiftool" in reports[video].reason and "ffmpeg" in reports[video].reason
        assert "`" not in reports[video].reason and "-all=" not in reports[video].reason
    assert reports["notes.txt"].status == photos.SKIPPED
    assert reports["RAW_1.dng"].status == photos.UNSUPPORTED
    for link in ("link", "link.jpg"):  # links are not followed
        assert reports[link].status == photos.SKIPPED and "not followed" in reports[link].reason
    # Given directly, the same file is read once, however it is named.
    again = photos.scan([folder / "IMG_0001.jpg", folder / "IMG_0001.jpg", outside])
    assert [r.path.name for r in again] == ["IMG_0001.jpg", "secret.jpg"]


def test_a_missing_path_and_a_fifo_are_per_file_answers(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)  # opening it would block for ever
    reports = photos.scan([tmp_path / "gone.jpg", fifo])
    assert reports[0].status == photos.ERROR and "no such file" in reports[0].reason
    assert reports[1].status == photos.SKIPPED and "not a regular file" in reports[1].reason



def test_metadata_the_check_once_missed_is_named(tmp_path: Path) -> None:
    """Each case of issue 16 (trailers, GIF blocks after the frame, APP12, JFXX, CIFF, maker
    notes, IFD0 and DNG serials, TIFF IPTC, Extended XMP, SubIFD previews): named like every
    other item, with its kind, source and severity (test_photo_oracle checks the same files
    against exiftool)."""
    folder = tmp_path / "cases"
    folder.mkdir()
    cases = photo_lib.make_cases(folder)
    for name, expected in photo_lib.EXPECTED.items():
        report = photos.scan([cases[name]])[0]
        assert report.status == photos.SCANNED and not report.clean, name
        for kind, where, label, value in expected:
            assert any(i.kind == kind and where in i.source and i.label.startswith(label)
                       and i.value.startswith(value) and i.severity in ("medium", "high")
                       for i in report.items), (name, kind, where, label, report.items)



def test_fields_no_standard_names_are_still_shown(tmp_path: Path) -> None:
    """Text in a private TIFF field, a PNG chunk of an app's own, and GeoTIFF map
    coordinates: not named by any table, so reported as what they are, never as clean."""
    tiff = tmp_path / "private.tif"
    Image.new("L", (8, 8)).save(tiff, tiffinfo={0xC7A0: OWNER, 0x87B1: "WGS 84|"})
    items = photos.scan([tiff])[0].items
    assert any(i.label == "other text fields" and OWNER in i.value for i in items)
    assert any(i.kind == "location" and "GeoTIFF" in i.label for i in items)
    png = tmp_path / "private.png"
    two_tone().save(png, "PNG")
    data = png.read_bytes()
    png.write_bytes(data[:33] + png_chunk(b"prVW", b"\xff\xd8\xff" + b"\0" * 64) + data[33:])
    report = photos.scan([png])[0]
    assert not report.clean
    assert by_label(report)["other application data (an app's own chunks)"].value == "prVW"



def test_a_picture_stored_after_the_first_is_read_too(tmp_path: Path) -> None:
    """An appended original (or a second view) carries its own EXIF: its location is found
    even when the first picture has none, and what it adds is marked with its image."""
    plain = io.BytesIO()
    two_tone().save(plain, "JPEG")
    path = tmp_path / "appended.jpg"
    path.write_bytes(plain.getvalue() + make_jpeg(tmp_path / "original.jpg").read_bytes())
    report = photos.scan([path])[0]
    assert report.location is not None and report.location.latitude > 51
    where = by_label(report)["where the photo was taken"]
    assert (where.source, where.severity) == ("EXIF GPS (image 2)", "high")
    assert by_label(report)["camera serial number"].source == "EXIF (image 2)"
    assert any(i.source.startswith("after the end") for i in report.items)



@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_data_after_the_end_of_any_format_is_reported(tmp_path: Path, fmt: str) -> None:
    """Viewers stop at a picture's end; whatever follows (here a caption and by-line in IPTC,
    and XMP naming a city) is still something the file gives away."""
    out = io.BytesIO()
    two_tone().save(out, fmt)
    iptc = (b"\x1c\x02\x00\x00\x02\x00\x04" + b"\x1c\x02\x78" + struct.pack(">H", len(COMMENT))
            + COMMENT.encode() + b"\x1c\x02\x50" + struct.pack(">H", len(OWNER)) + OWNER.encode())
    path = tmp_path / f"trailer.{fmt.lower()}"
    path.write_bytes(out.getvalue() + iptc + XMP)
    report = photos.scan([path])[0]
    items = {(i.source, i.label): i for i in report.items}
    where = f"after the end of the {fmt}"
    assert items[(where, "data after the end of the picture, hidden from viewers (the kit "
                  "cannot tell what it holds)")].severity == "medium"
    assert items[(f"IPTC in {where}", "caption")].value == COMMENT
    assert items[(f"IPTC in {where}", "by-line (author)")].value == OWNER
    assert items[(f"XMP in {where}", "city")].value == XMP_CITY



def test_xmp_inside_a_vendors_block_is_read(tmp_path: Path) -> None:
    out = io.BytesIO()
    two_tone().save(out, "JPEG")
    data = out.getvalue()
    payload = b"SomeVendor\0" + XMP
    segment = b"\xff\xe4" + struct.pack(">H", len(payload) + 2) + payload
    path = tmp_path / "vendor.jpg"
    path.write_bytes(data[:2] + segment + data[2:])
    report = photos.scan([path])[0]
    assert by_label(report)["city"].source == "XMP in JPEG APP4"
    assert report.location is not None



def test_a_camera_raw_file_built_on_tiff_is_read_but_not_cleaned(tmp_path: Path) -> None:
    """DNG, CR2, NEF, ARW ... are TIFF inside: their owner's name and serial numbers are read.
    The kit cannot clean them, and says so; a raw file it cannot follow keeps the advice."""
    raw = tmp_path / "IMG_0001.dng"
    two_tone().save(raw, "TIFF", tiffinfo={0xC62F: SERIAL, 0x013B: OWNER})
    report = photos.scan([raw])[0]
    assert report.status == photos.SCANNED and report.format == "DNG"
    assert by_label(report)["camera serial number"].value == SERIAL
    assert by_label(report)["artist (often the owner's name)"].value == OWNER
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BadInput, match="cannot clean DNG"):
        photo_strip.strip(raw, out)
    assert list(out.iterdir()) == []
    other = tmp_path / "IMG_0002.orf"
    other.write_bytes(b"IIRO\x08\0\0\0" + b"\0" * 64)  # Olympus: not TIFF's signature
    assert photos.scan([other])[0].status == photos.UNSUPPORTED


# --- damaged and hostile files ---


@pytest.mark.parametrize("size", [(100_000, 100_000), (11_000, 11_000)])
def test_a_picture_claiming_huge_dimensions_is_read_but_never_decoded(
        tmp_path: Path, size: tuple[int, int]) -> None:
    # 100,000² is past Pillow's own hard limit; 11,000² (121 MP) only past its warning. The
    # check reads the structure alone, so what such a file carries is still reported; only a
    # clean copy, which needs the pixels, is refused.
    bomb = tmp_path / "bomb.png"
    header = png_declaring(*size)
    author = png_chunk(b"tEXt", b"Author\0" + OWNER.encode())
    bomb.write_bytes(header[:33] + author + header[33:])
    report = photos.scan([bomb])[0]
    assert report.status == photos.SCANNED and report.size == size
    assert by_label(report)["author"].value == OWNER


def jpeg_declaring(width: int, height: int, exif: bytes) -> bytes:
    """A JPEG whose frame header claims width x height pixels, with hardly any pixel data."""
    real = io.BytesIO()
    Image.new("L", (8, 8)).save(real, "JPEG", exif=exif)
    data = bytearray(real.getvalue())
    at = data[:data.rindex(b"\xff\xda")].rindex(b"\xff\xc0")  # not the thumbnail's
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


def declaring(fmt: str, width: int, height: int) -> bytes:
    """A small picture carrying full_exif() (or a comment, for GIF) whose header claims
    width x height pixels: cheap to make, far too big to decode."""
    if fmt == "JPEG":
        return jpeg_declaring(width, height, full_exif())
    out = io.BytesIO()
    if fmt == "GIF":
        Image.new("P", (8, 8)).save(out, "GIF", comment=COMMENT.encode())
        data = bytearray(out.getvalue())
        struct.pack_into("<HH", data, 6, width, height)
        return bytes(data)
    Image.new("RGB", (8, 8)).save(out, fmt, exif=full_exif())
    data = bytearray(out.getvalue())
    if fmt == "PNG":
        struct.pack_into(">II", data, 16, width, height)
        struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    elif fmt == "WEBP":  # the VP8X canvas: 24-bit width - 1 and height - 1
        at = data.index(b"VP8X") + 12
        data[at:at + 6] = (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    else:
        return _tiff_declaring(bytes(data), width, height)
    return bytes(data)


def _tiff_declaring(data: bytes, width: int, height: int) -> bytes:
    """The TIFF with ImageWidth and ImageLength in IFD0 changed."""
    order = "<" if data[:2] == b"II" else ">"
    out = bytearray(data)
    ifd = struct.unpack_from(order + "I", data, 4)[0]
    for n in range(struct.unpack_from(order + "H", data, ifd)[0]):
        at = ifd + 2 + 12 * n
        tag, kind = struct.unpack_from(order + "HH", data, at)
        if tag in (256, 257):
            value = width if tag == 256 else height
            struct.pack_into(order + ("HH" if kind == 3 else "I"), out, at + 8,
                             *((value, 0) if kind == 3 else (value,)))
    return bytes(out)


@pytest.mark.parametrize(("fmt", "size"), [
    ("JPEG", (20_000, 10_000)), ("PNG", (20_000, 10_000)), ("WEBP", (16_000, 16_000)),
    ("TIFF", (20_000, 10_000)), ("GIF", (65_535, 65_535))])
def test_a_photo_over_the_decoding_limit_is_still_checked(
        tmp_path: Path, fmt: str, size: tuple[int, int]) -> None:
    """200 megapixels and more: the check reads the structure, never the pixels, so such a
    picture is checked like any other (only a clean copy needs the pixels)."""
    assert size[0] * size[1] > photos.MAX_PIXELS
    path = tmp_path / f"big.{fmt.lower()}"
    path.write_bytes(declaring(fmt, *size))
    report = photos.scan([path])[0]
    assert report.status == photos.SCANNED and report.size == size
    if fmt == "GIF":
        assert by_label(report)["comment"].value == COMMENT
    else:
        assert report.location is not None
        assert by_label(report)["camera serial number"].value == SERIAL



def test_a_walk_cut_short_by_a_limit_never_reads_as_clean(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader bounds what a crafted file can make it do (sub-blocks walked, EXIF blocks
    read); when a bound stops it, the report says the rest was not read."""
    from kit.footprint import photo_formats

    monkeypatch.setattr(photo_formats, "MAX_SUB_BLOCKS", 50)
    gif = tmp_path / "tiny-blocks.gif"
    Image.new("P", (8, 8)).save(gif)
    data = gif.read_bytes()
    # An application block of 100 one-byte sub-blocks, then a comment the walk never reaches.
    gif.write_bytes(data[:-1] + b"\x21\xff\x0bAPPLICATION" + b"\x01x" * 100 + b"\0"
                    + b"\x21\xfe\x05hello\0;")
    report = photos.scan([gif])[0]
    assert not report.clean
    assert any("rest was not read" in i.label and i.severity == "medium" for i in report.items)

    many = tmp_path / "many-exif.jpg"
    block = b"\xff\xe1" + struct.pack(">H", len(full_exif()) + 2) + full_exif()
    many.write_bytes(jpeg_declaring(8, 8, full_exif())[:2] + block * 12
                     + jpeg_declaring(8, 8, full_exif())[2:])
    report = photos.scan([many])[0]
    assert by_label(report)["camera serial number"].value == SERIAL
    assert any("rest was not read" in i.label for i in report.items)


def test_a_truncated_jpeg(tmp_path: Path) -> None:
    noisy = Image.effect_noise((256, 256), 64).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", exif=full_exif())
    data = buffer.getvalue()
    cut_header = tmp_path / "cut-header.jpg"
    cut_header.write_bytes(data[:60])
    report = photos.scan([cut_header])[0]
    assert report.status == photos.ERROR and "cut short" in report.reason

    # Cut inside the pixel data: the metadata before the cut is still there to report, but
    # no clean copy can be made, and none is left behind.
    # Cut after the frame header, before the pixels: what came before is still reported.
    cut_tables = tmp_path / "cut-tables.jpg"
    sof = data[:data.rindex(b"\xff\xda")].rindex(b"\xff\xc0")
    cut_tables.write_bytes(data[:data.index(b"\xff\xc4", sof) + 8])
    report = photos.scan([cut_tables])[0]
    assert report.status == photos.SCANNED and report.location is not None

    cut_pixels = tmp_path / "cut-pixels.jpg"
    cut_pixels.write_bytes(data[:len(data) - 2000])
    report = photos.scan([cut_pixels])[0]
    assert report.status == photos.SCANNED and report.location is not None
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BadInput, match="cut short"):
        photo_strip.strip(cut_pixels, out)
    assert list(out.iterdir()) == []


def test_files_that_only_look_like_pictures(tmp_path: Path) -> None:
    (tmp_path / "zeros.jpg").write_bytes(b"\0" * 100)
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "garbage.jpg").write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 4)
    (tmp_path / "bad-exif.jpg").write_bytes(b"\xff\xd8\xff\xe1\x00\x10Exif\0\0MM\0*\xff\xff"
                                            b"\xff\xff" + b"\xff\xd9")
    reports = {r.path.name: r for r in photos.scan([tmp_path])}
    assert "not one the kit recognises" in reports["zeros.jpg"].reason
    assert reports["empty.png"].reason == "the file is empty"
    for name in ("zeros.jpg", "empty.png", "garbage.jpg", "bad-exif.jpg"):
        assert reports[name].status == photos.ERROR, name
        assert reports[name].reason, name


def test_a_file_over_the_size_cap_is_not_opened(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_jpeg(tmp_path / "a.jpg")
    monkeypatch.setattr(photos, "MAX_FILE_BYTES", 1024)
    report = photos.scan([path])[0]
    assert report.status == photos.ERROR and "MB the kit will open" in report.reason


def test_mutated_pictures_never_raise(tmp_path: Path) -> None:
    """Flipped bytes anywhere in a JPEG, PNG or HEIC: a report, never an exception."""
    import random

    rng = random.Random(5)
    sources = [make_jpeg(tmp_path / "a.jpg"), make_png(tmp_path / "a.png"),
               make_heic(tmp_path / "a.heic")]
    out = tmp_path / "out"
    out.mkdir()
    for source in sources:
        original = source.read_bytes()
        for n in range(40):
            data = bytearray(original)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if n % 4 == 0:
                data = data[:rng.randrange(8, len(data))]
            victim = tmp_path / f"m{n}{source.suffix}"
            victim.write_bytes(bytes(data))
            report = photos.scan([victim])[0]
            # (a damaged HEIC brand can read as some other ISO file, hence VIDEO)
            assert report.status in (photos.SCANNED, photos.ERROR, photos.SKIPPED, photos.VIDEO)
            if report.status == photos.SCANNED:
                try:
                    result = photo_strip.strip(victim, out, force=True)
                except KitError:
                    continue
                assert photos.scan([result.output])[0].clean



# Real files whose structures the reader walks: maker notes, CIFF, APP12, trailers, MPF,
# BigTIFF, SubIFDs, GIF blocks, WebP chunks (read in place; skipped when absent).
_STRUCTURED = ("exiftool/t/images/ExifTool.jpg", "exiftool/t/images/Canon.jpg",
               "exiftool/t/images/OlympusE1.jpg", "exiftool/t/images/FotoStation.jpg",
               "exiftool/t/images/Nikon.jpg", "pillow/Tests/images/frozenpond.mpo",
               "pillow/Tests/images/hopper_bigtiff.tif", "pillow/Tests/images/child_ifd.tiff",
               "pillow/Tests/images/iss634.gif", "pillow/Tests/images/flower.webp",
               "exiftool/t/images/FLIR.jpg", "exiftool/t/images/InfiRay.jpg",
               "exiftool/t/images/ExtendedXMP.jpg")


def test_mutated_files_of_every_format_are_read_by_the_structure_walk_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged structure is reported as damage (or read as far as it goes); it never falls
    through to the last-resort handler, which would hide the rest of the file's metadata."""
    import random

    corpus = REPO.parent / "shared" / "corpus" / "photos"
    sources = [make_jpeg(tmp_path / "a.jpg"), make_png(tmp_path / "a.png", after_idat=True)]
    sources += [corpus / name for name in _STRUCTURED if (corpus / name).is_file()]
    fell_through: list[str] = []
    real = photos._damaged
    monkeypatch.setattr(photos, "_damaged", lambda exc: fell_through.append(repr(exc))
                        or real(exc))
    rng = random.Random(16)
    for n, source in enumerate(sources):
        original = source.read_bytes()
        for m in range(25):
            data = bytearray(original)
            for _ in range(rng.randint(1, 12)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if m % 5 == 0:
                data = data[:rng.randrange(16, len(data))]
            victim = tmp_path / f"m{n}-{m}{source.suffix}"
            victim.write_bytes(bytes(data))
            report = photos.scan([victim])[0]
            assert report.status in (photos.SCANNED, photos.ERROR, photos.SKIPPED,
                                     photos.VIDEO), victim
            victim.unlink()
    assert fell_through == []



_MAGIC = {"jpeg": b"\xff\xd8\xff", "tiff-le": b"II*\0", "tiff-be": b"MM\0*",
          "bigtiff": b"II+\0\x08\0\0\0", "gif": b"GIF89a", "png": b"\x89PNG\r\n\x1a\n",
          "webp": b"RIFF\xff\0\0\0WEBP", "ciff": b"II\x1a\0\0\0HEAPJPGM"}


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(sorted(_MAGIC)), body=st.binary(max_size=600))
def test_the_structure_walkers_raise_only_damage(kind: str, body: bytes) -> None:
    """Any bytes after a format's signature: the walker returns what it found or raises
    Damaged (Truncated is one), never another exception."""
    from kit.footprint import photo_formats as pf

    data = _MAGIC[kind] + body
    readers = {"jpeg": pf.read_jpeg, "tiff-le": pf.read_tiff, "tiff-be": pf.read_tiff,
               "bigtiff": pf.read_tiff, "gif": pf.read_gif,
               "png": lambda d: pf.read_png(d, 1000), "webp": pf.read_riff,
               "ciff": pf.read_ciff}
    with contextlib.suppress(pf.Damaged):
        readers[kind](data)
    pf.find_iptc(body)
    pf.read_photoshop(body)
    pf.read_iptc(body)


# --- clean copies ---


def test_stripping_a_jpeg_keeps_its_orientation_and_leaves_the_original(tmp_path: Path) -> None:
    original = make_jpeg(tmp_path / "rotated.jpg", orientation=6)
    before = fingerprint(original)
    out = tmp_path / "out"
    out.mkdir()
    result = photo_strip.strip(original, out)
    assert fingerprint(original) == before
    assert result.output == (out / "rotated.jpg").resolve()
    assert {i.label for i in result.removed} >= {"where the photo was taken", "comment"}
    assert result.notes == ()  # not saved again: nothing to warn about

    with Image.open(original) as im, Image.open(result.output) as clean:
        # The same pixels, stored the same way, and the one EXIF value that turns them, so
        # every viewer shows the copy exactly as it showed the original.
        assert clean.tobytes() == im.tobytes()
        assert clean.getexif().get(0x0112) == 6
        upright = ImageOps.exif_transpose(clean)
        assert upright.size == (32, 64)
        # Orientation 6 turns the picture clockwise: the red left half is now on top.
        assert _near(upright.getpixel((4, 4)), (255, 0, 0))
        assert _near(upright.getpixel((27, 59)), (0, 0, 255))
        assert upright.tobytes() == ImageOps.exif_transpose(im).tobytes()
    assert (out / "rotated.jpg").stat().st_mode & 0o777 == 0o600
    assert_nothing_planted(result.output)
    assert b"\xff\xfe" not in result.output.read_bytes()  # no COM segment at all
    assert photos.scan([result.output])[0].clean


def _near(got: Any, want: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(got, want, strict=True))


def test_stripping_a_png_removes_every_text_chunk(tmp_path: Path) -> None:
    original = make_png(tmp_path / "a.png", after_idat=True)
    before = fingerprint(original)
    out = tmp_path / "out"
    out.mkdir()
    result = photo_strip.strip(original, out)
    assert fingerprint(original) == before
    data = result.output.read_bytes()
    for kind in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"):
        assert kind not in data
    assert_nothing_planted(result.output)
    with Image.open(result.output) as clean, Image.open(original) as im:
        assert clean.tobytes() == im.convert(clean.mode).tobytes()  # lossless
    assert photos.scan([result.output])[0].clean


def test_stripping_a_heic_drops_exif_xmp_and_thumbnails(tmp_path: Path) -> None:
    original = make_heic(tmp_path / "a.heic", orientation=6)
    before = fingerprint(original)
    out = tmp_path / "out"
    out.mkdir()
    result = photo_strip.strip(original, out)
    assert fingerprint(original) == before
    heif = pillow_heif.open_heif(result.output)
    assert not heif.info.get("exif") and not heif.info.get("xmp")
    assert not heif.info.get("thumbnails")
    assert_nothing_planted(result.output)
    with Image.open(original) as im, Image.open(result.output) as clean:
        assert clean.size == im.size == (32, 64)  # libheif turned it; the copy stays turned
        assert _near(clean.getpixel((4, 4)), (255, 0, 0))
    assert photos.scan([result.output])[0].clean


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF", "GIF", "MPO"])
def test_stripping_other_formats(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"a.{fmt.lower()}"
    if fmt == "GIF":
        two_tone().convert("P").save(path, fmt, comment=COMMENT.encode())
    elif fmt == "MPO":
        two_tone().save(path, fmt, save_all=True, append_images=[Image.new("RGB", (64, 32))],
                        exif=full_exif())
        assert any(i.kind == "extra_images" for i in photos.scan([path])[0].items)
    else:
        two_tone().save(path, fmt, exif=full_exif(orientation=6))
    out = tmp_path / "out"
    out.mkdir()
    result = photo_strip.strip(path, out)
    assert photos.scan([result.output])[0].clean
    assert_nothing_planted(result.output)
    if fmt == "MPO":
        assert "only the main picture" in result.notes[0]
        with Image.open(result.output) as clean:
            assert getattr(clean, "n_frames", 1) == 1


def test_an_animated_gif_is_not_stripped(tmp_path: Path) -> None:
    path = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green", "blue")]
    frames[0].save(path, save_all=True, append_images=frames[1:], comment=b"hi")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BadInput, match="animated"):
        photo_strip.strip(path, out)
    assert list(out.iterdir()) == []


def test_strip_never_overwrites_without_force_and_never_the_original(tmp_path: Path) -> None:
    original = make_jpeg(tmp_path / "a.jpg")
    before = fingerprint(original)
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.jpg").write_bytes(b"someone else's file")
    with pytest.raises(KitError, match="already exists; add --force"):
        photo_strip.strip(original, out)
    assert (out / "a.jpg").read_bytes() == b"someone else's file"
    photo_strip.strip(original, out, force=True)
    assert photos.scan([out / "a.jpg"])[0].clean
    for force in (False, True):
        with pytest.raises(KitError):
            photo_strip.strip(original, tmp_path, force=force)
    assert fingerprint(original) == before
    with pytest.raises(UsageError, match="not a folder"):
        photo_strip.strip(original, tmp_path / "missing")
    with pytest.raises(BadInput, match="not a file"):
        photo_strip.strip(tmp_path, out)


def test_a_copy_that_still_carries_metadata_is_deleted(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    original = make_jpeg(tmp_path / "a.jpg")
    # Stand in for a writer that forgets to drop something: the re-read must catch it.
    monkeypatch.setattr(photo_strip, "_encode", lambda path, kind: (path.read_bytes(), []))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KitError, match=r"still carried .*where the photo was taken"):
        photo_strip.strip(original, out)
    assert list(out.iterdir()) == []


# --- the command ---


def kit_here(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """`kit ...` in this process (quicker than a subprocess for the many small cases)."""
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    captured = capsys.readouterr()
    code = stopped.value.code
    return Result(code if isinstance(code, int) else 1, captured.out, captured.err)


def test_cli_reports_a_folder_without_a_vault(tmp_path: Path, kit_env: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    count = len(photos.scan([make_jpeg(tmp_path / "a.jpg")])[0].items)
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "clip.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 64)
    result = kit_here(capsys, "check", "photo", str(tmp_path))
    assert result.code == 0, result.err
    assert f"a.jpg (JPEG): {count} things found, the most serious high:" in result.out
    assert "high    where the photo was taken: 51.508331, -0.127500 (altitude 12 m)" in \
        result.out
    assert "clip.mp4: a video; it may carry location" in result.out
    assert "`ffmpeg -i IN -map_metadata -1 -c copy OUT`" in result.out  # the command line only
    assert "notes.txt (not a picture" in result.out
    assert "\x1b" not in result.out
    assert "--strip --out FOLDER" in result.err
    assert list(kit_env.iterdir()) == []  # nothing stored, no vault needed

    doc = json.loads(kit_here(capsys, "check", "photo", str(tmp_path), "--json").out)
    assert doc["summary"]["pictures"] == 1 and doc["summary"]["with_location"] == 1
    assert doc["summary"]["videos"] == 1 and doc["summary"]["skipped"] == 1
    picture = next(f for f in doc["files"] if f["path"].endswith("a.jpg"))
    assert picture["location"]["latitude"] == pytest.approx(51.508331, abs=1e-6)
    assert picture["stripped"] is None and doc["recorded"] is None


def test_cli_exit_1_when_a_file_cannot_be_read_and_the_rest_still_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_jpeg(tmp_path / "good.jpg")
    (tmp_path / "cut.png").write_bytes(png_declaring(100, 100)[:20])
    result = kit_here(capsys, "check", "photo", str(tmp_path), str(tmp_path / "gone.jpg"),
                      "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    status = {Path(f["path"]).name: f["status"] for f in doc["files"]}
    assert status == {"cut.png": "error", "good.jpg": "scanned", "gone.jpg": "error"}
    human = kit_here(capsys, "check", "photo", str(tmp_path / "cut.png"))
    assert human.code == 1 and "cut.png: could not be read: it is damaged: the file is cut " \
        "short" in human.out and "Traceback" not in human.err


@pytest.mark.parametrize(("args", "message"), [
    (["--strip"], "--strip needs --out DIR"),
    (["--out", "{tmp}"], "--out goes with --strip"),
    (["--force"], "--force goes with --strip"),
    (["--strip", "--out", "{tmp}/a.jpg"], "is not a folder"),
    (["--strip", "--out", "{tmp}/missing"], "is not an existing folder"),
])
def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                          args: list[str], message: str) -> None:
    original = make_jpeg(tmp_path / "a.jpg")
    before = fingerprint(original)
    filled = [a.format(tmp=tmp_path) for a in args]
    result = kit_here(capsys, "check", "photo", str(original), *filled, "--json")
    assert result.code == 2
    error = json.loads(result.out)["error"]
    assert error["exit"] == 2 and message in error["message"]
    assert fingerprint(original) == before and not (tmp_path / "missing").exists()
    assert kit_here(capsys, "check", "photo").code == 2


def test_cli_strip_mirrors_folders_and_refuses_to_overwrite(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roll = tmp_path / "roll"
    (roll / "may").mkdir(parents=True)
    originals = [make_jpeg(roll / "a.jpg", orientation=6), make_png(roll / "may" / "b.png"),
                 make_heic(roll / "may" / "c.heic")]
    (roll / "clip.mp4").write_bytes(b"\0\0\0\x18ftypmp42" + b"\0" * 64)
    before = [fingerprint(p) for p in originals]
    out = roll / "clean"  # inside the folder being checked: never walked into
    out.mkdir()
    result = kit_here(capsys, "check", "photo", str(roll), "--strip", "--out", str(out))
    assert result.code == 0, result.out + result.err
    made = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert made == ["a.jpg", "may/b.png", "may/c.heic"]
    for path in out.rglob("*.*"):
        assert photos.scan([path])[0].clean
        assert_nothing_planted(path)
    assert [fingerprint(p) for p in originals] == before
    assert "Your original files were not changed." in result.err
    assert "clean copy:" in result.out and "3 clean copies made" in result.out

    again = kit_here(capsys, "check", "photo", str(roll), "--strip", "--out", str(out),
                     "--json")
    assert again.code == 1
    doc = json.loads(again.out)
    assert doc["summary"]["strip_errors"] == 3
    assert all("already exists; add --force" in f["strip_error"]
               for f in doc["files"] if f["status"] == "scanned")
    forced = kit_here(capsys, "check", "photo", str(roll), "--strip", "--out", str(out),
                      "--force")
    assert forced.code == 0, forced.out
    assert [fingerprint(p) for p in originals] == before


def test_cli_two_pictures_with_one_name_do_not_replace_each_other(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first, second = make_jpeg(tmp_path / "x" / "a.jpg"), make_jpeg(tmp_path / "y" / "a.jpg")
    out = tmp_path / "out"
    out.mkdir()
    result = kit_here(capsys, "check", "photo", str(first), str(second), "--strip", "--out",
                      str(out), "--force", "--json")
    assert result.code == 1
    errors = [f["strip_error"] for f in json.loads(result.out)["files"]]
    assert errors[0] is None and "already cleaned into" in errors[1]


def test_cli_command_is_under_check_and_help_does_not_load_pillow() -> None:
    from tests.conftest import loaded_modules

    modules = loaded_modules("check", "photo", "--help")
    assert "kit.commands.check_photo" in modules
    assert "PIL" not in modules and "pillow_heif" not in modules


def test_cli_record_adds_findings_and_marks_them_fixed(tmp_path: Path, cli_vault: Path) -> None:
    picture = make_jpeg(tmp_path / "a.jpg")
    plain = tmp_path / "plain.png"
    two_tone().save(plain, "PNG")
    result = run_kit("check", "photo", str(tmp_path), "--record", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["recorded"] == {"recorded": 1, "fixed": 0}
    listed = json.loads(run_kit("findings", "--json").out)
    found = [f for f in _findings(listed) if f["source"] == "photos"]
    assert len(found) == 1
    assert found[0]["severity"] == "high" and found[0]["status"] == "open"
    assert found[0]["key"] == str(picture.resolve())
    assert "where the photo was taken" in found[0]["exposed"]
    assert found[0]["fix_item"] == "triage-location-sharing-off"  # the step, as other checks

    two_tone().save(picture, "JPEG")  # the user replaced it with a clean copy
    result = run_kit("check", "photo", str(picture), "--record", "--json")
    assert json.loads(result.out)["recorded"] == {"recorded": 0, "fixed": 1}
    listed = json.loads(run_kit("findings", "--json").out)
    assert [f["status"] for f in _findings(listed) if f["source"] == "photos"] == ["fixed"]


def _findings(doc: Any) -> list[dict[str, Any]]:
    return list(doc["findings"] if isinstance(doc, dict) else doc)


def test_cli_record_without_a_vault_says_so(tmp_path: Path) -> None:
    make_jpeg(tmp_path / "a.jpg")
    result = run_kit("check", "photo", str(tmp_path), "--record", passphrase=None)
    assert result.code == 1 and "kit init" in result.err


def test_without_record_an_existing_vault_is_never_opened(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """A vault exists and no passphrase is given: without --record the check still runs
    (opening the vault would have needed a secret and failed with exit 2)."""
    assert run_kit("init").code == 0
    monkeypatch.setattr(credentials, "_taken", {})
    assert "KIT_PASSPHRASE" not in os.environ
    make_jpeg(tmp_path / "a.jpg")
    unrecorded = kit_here(capsys, "check", "photo", str(tmp_path))
    assert unrecorded.code == 0
    assert "Nothing was kept: add --record" in unrecorded.err  # how to keep it, said
    refused = kit_here(capsys, "check", "photo", str(tmp_path), "--record")
    assert refused.code == 2  # the same command asked to record does need the secret
