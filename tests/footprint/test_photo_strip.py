"""Clean copies made without re-encoding: pixel-identical, same bit depth, same subsampling.

Every picture is generated here, with the metadata issue 16 names planted in it, except the
corpus tests, which read ExifTool's, Pillow's and pillow-heif's test images where they are
(../shared/corpus/photos; skipped when absent; the whole corpus with --slow). Pixel identity
is checked with Pillow (and pillow-heif at full bit depth); what is left is checked with
exiftool, which does not trust the kit's own reader.
"""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin, PngImagePlugin, TiffImagePlugin

from kit.errors import BadInput, KitError
from kit.footprint import photo_containers, photo_strip, photos
from tests.conftest import KitRun
from tests.footprint.photo_lib import CORPUS, exiftool_tags, make_cases, needs_exiftool
from tests.footprint.photo_make import (
    COMMENT,
    HOST,
    OWNER,
    SERIAL,
    XMP,
    assert_nothing_planted,
    full_exif,
    make_heic,
    make_jpeg,
    make_png,
    png_chunk,
)

pillow_heif = pytest.importorskip("pillow_heif")
pillow_heif.register_heif_opener()


def noise(mode: str = "RGB", size: tuple[int, int] = (96, 64)) -> Image.Image:
    """A picture with detail, so lossy re-encoding would show."""
    grey = Image.effect_noise(size, 60)
    bands = [grey, grey.rotate(90, expand=False), grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    return Image.merge("RGB", bands).convert(mode)


def cleaned(tmp_path: Path, original: Path) -> photos.StripResult:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    result = photo_strip.strip(original, out, force=True)
    assert photos.scan([result.output])[0].clean
    assert_nothing_planted(result.output)
    return result


def assert_same_pixels(a: Path, b: Path) -> None:
    with Image.open(a) as one, Image.open(b) as two:
        assert (one.mode, one.size) == (two.mode, two.size)
        assert one.info.get("icc_profile") == two.info.get("icc_profile")
        assert one.info.get("transparency") == two.info.get("transparency")
        assert one.tobytes() == two.tobytes()


def segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


# --- JPEG ---

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.mark.parametrize("kind", ["444", "420-progressive", "cmyk", "grey"])
def test_a_jpeg_copy_is_pixel_identical_and_keeps_its_subsampling(tmp_path: Path,
                                                                   kind: str) -> None:
    buffer = io.BytesIO()
    if kind == "444":
        noise().save(buffer, "JPEG", quality=90, subsampling=0, exif=full_exif(), xmp=XMP,
                     comment=COMMENT.encode(), icc_profile=SRGB)
    elif kind == "420-progressive":
        noise().save(buffer, "JPEG", quality=80, subsampling=2, progressive=True,
                     exif=full_exif(), comment=COMMENT.encode())
    elif kind == "cmyk":  # decoding depends on the Adobe marker
        noise("CMYK").save(buffer, "JPEG", quality=90, exif=full_exif())
    else:
        noise("L").save(buffer, "JPEG", quality=90, exif=full_exif(), xmp=XMP)
    data = buffer.getvalue()
    # Planted the way cameras and photo software do: a JFXX thumbnail, Ducky APP12, a
    # FotoStation-style trailer after the end of the image.
    extra = (segment(0xE0, b"JFXX\0\x10" + b"\xff\xd8" + OWNER.encode() + b"\xff\xd9")
             + segment(0xEC, b"Ducky\0" + HOST.encode()) + segment(0xEF, SERIAL.encode()))
    data = data[:2] + extra + data[2:] + b"FotoStation trailer: " + OWNER.encode()
    original = tmp_path / f"{kind}.jpg"
    original.write_bytes(data)

    result = cleaned(tmp_path, original)
    assert len(result.notes) == 1 and "stored after it" in result.notes[0]  # the trailer
    assert_same_pixels(original, result.output)
    with Image.open(original) as im, Image.open(result.output) as copy:
        assert isinstance(im, JpegImagePlugin.JpegImageFile)
        assert isinstance(copy, JpegImagePlugin.JpegImageFile)
        assert JpegImagePlugin.get_sampling(copy) == JpegImagePlugin.get_sampling(im)
        assert copy.quantization == im.quantization
        assert bool(copy.info.get("progressive")) == (kind == "420-progressive")
        assert not copy.info.get("comment") and not copy.info.get("xmp")
        assert not copy.getexif()  # orientation 1: no EXIF at all
    assert result.output.read_bytes().endswith(b"\xff\xd9")


def test_a_truncated_or_foreign_jpeg_makes_no_copy(tmp_path: Path) -> None:
    data = make_jpeg(tmp_path / "a.jpg").read_bytes()
    with pytest.raises(photo_containers.Damaged, match="cut short"):
        photo_containers.clean_jpeg(data[:-200])
    with pytest.raises(photo_containers.Damaged):
        photo_containers.clean_jpeg(b"GIF89a" + data)


# --- PNG ---


def png_16bit_rgb(path: Path) -> bytes:
    """A 16-bit RGB PNG (Pillow writes 16 bits only for grey), with text, time, EXIF,
    a private preview chunk and data after IEND."""
    width, height = 7, 5
    rows = b"".join(b"\0" + b"".join(struct.pack(">HHH", x * 9000 + y, y * 13000 + 1, 65535 - x)
                                     for x in range(width)) for y in range(height))
    pixels = zlib.compress(rows)
    data = (b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0))
            + png_chunk(b"gAMA", struct.pack(">I", 45455))
            + png_chunk(b"tEXt", b"Author\0" + OWNER.encode())
            + png_chunk(b"eXIf", full_exif()[6:] if full_exif().startswith(b"Exif") else
                        full_exif())
            + png_chunk(b"prVW", SERIAL.encode())
            + png_chunk(b"IDAT", pixels)
            + png_chunk(b"tIME", b"\x07\xe8\x05\x01\x0a\x00\x00")
            + png_chunk(b"IEND", b"") + b"trailing " + COMMENT.encode())
    path.write_bytes(data)
    return pixels


def png_chunk_kinds(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length, kind = struct.unpack_from(">I4s", data, pos)
        kinds.append(kind)
        pos += 12 + length
    return kinds


def test_a_16_bit_png_keeps_its_16_bits_and_its_pixel_data(tmp_path: Path) -> None:
    original = tmp_path / "deep.png"
    pixels = png_16bit_rgb(original)
    result = cleaned(tmp_path, original)
    data = result.output.read_bytes()
    assert png_chunk_kinds(data) == [b"IHDR", b"gAMA", b"IDAT", b"IEND"]
    assert data[24] == 16  # bit depth in IHDR
    assert png_chunk(b"IDAT", pixels) in data
    assert_same_pixels(original, result.output)


@pytest.mark.parametrize("mode", ["I;16", "P", "RGBA"])
def test_a_png_copy_is_pixel_identical_with_its_colour_chunks(tmp_path: Path,
                                                              mode: str) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    picture = (noise("L").convert("I;16") if mode == "I;16" else
               noise().convert("P", palette=Image.Palette.ADAPTIVE) if mode == "P" else
               noise("RGBA"))
    options: dict[str, object] = {"pnginfo": info, "exif": full_exif()}
    if mode == "P":
        options["transparency"] = 3
    elif mode == "RGBA":
        options["icc_profile"] = SRGB
    original = tmp_path / f"{mode.replace(';', '')}.png"
    picture.save(original, "PNG", **options)
    result = cleaned(tmp_path, original)
    assert_same_pixels(original, result.output)
    kinds = png_chunk_kinds(result.output.read_bytes())
    assert not {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"} & set(kinds)
    if mode == "P":
        assert b"PLTE" in kinds and b"tRNS" in kinds
    if mode == "RGBA":
        assert b"iCCP" in kinds


@pytest.mark.parametrize("after_pixels", [False, True])
def test_a_turned_png_keeps_only_its_orientation(tmp_path: Path, after_pixels: bool) -> None:
    original = tmp_path / "turned.png"
    noise().save(original, "PNG", exif=full_exif(orientation=6))
    if after_pixels:  # eXIf moved after IDAT: Pillow still turns the picture by it
        data = original.read_bytes()
        at = data.index(b"eXIf") - 4
        (length,) = struct.unpack_from(">I", data, at)
        chunk = data[at:at + 12 + length]
        data = data[:at] + data[at + 12 + length:]
        end = data.rindex(b"IEND") - 4
        original.write_bytes(data[:end] + chunk + data[end:])
    result = cleaned(tmp_path, original)
    data = result.output.read_bytes()
    assert data.index(b"eXIf") < data.index(b"IDAT")
    with Image.open(original) as im, Image.open(result.output) as copy:
        assert copy.getexif().get(0x0112) == 6
        assert ImageOps.exif_transpose(copy).tobytes() == ImageOps.exif_transpose(im).tobytes()


def test_an_animated_png_is_not_stripped(tmp_path: Path) -> None:
    path = tmp_path / "anim.png"
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green")]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.raises(photo_containers.Animated):
        photo_containers.clean_png(path.read_bytes())


def test_a_cut_png_makes_no_copy(tmp_path: Path) -> None:
    data = make_png(tmp_path / "a.png").read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[:data.index(b"IDAT") + 20])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BadInput):
        photo_strip.strip(path, out)
    assert list(out.iterdir()) == []


# --- WebP ---


def webp_chunks(data: bytes) -> dict[bytes, bytes]:
    chunks, pos = {}, 12
    while pos + 8 <= len(data):
        kind, length = struct.unpack_from("<4sI", data, pos)
        chunks[kind] = data[pos + 8:pos + 8 + length]
        pos += 8 + length + (length & 1)
    return chunks


@pytest.mark.parametrize("lossless", [True, False])
def test_a_webp_copy_is_pixel_identical_and_stays_lossless(tmp_path: Path,
                                                           lossless: bool) -> None:
    original = tmp_path / "a.webp"
    noise("RGBA").save(original, "WEBP", lossless=lossless, quality=80, exif=full_exif(),
                       xmp=XMP, icc_profile=SRGB)
    result = cleaned(tmp_path, original)
    assert_same_pixels(original, result.output)
    data = result.output.read_bytes()
    chunks = webp_chunks(data)
    assert (b"VP8L" in chunks) == lossless
    assert b"EXIF" not in chunks and b"XMP " not in chunks and b"ICCP" in chunks
    assert chunks[b"VP8X"][0] & 0x0C == 0  # neither the EXIF nor the XMP flag
    assert struct.unpack_from("<I", data, 4)[0] == len(data) - 8


def test_a_turned_webp_keeps_only_its_orientation(tmp_path: Path) -> None:
    original = tmp_path / "turned.webp"
    noise().save(original, "WEBP", lossless=True, exif=full_exif(orientation=8))
    result = cleaned(tmp_path, original)
    with Image.open(original) as im, Image.open(result.output) as copy:
        assert copy.getexif().get(0x0112) == 8
        assert ImageOps.exif_transpose(copy).tobytes() == ImageOps.exif_transpose(im).tobytes()


# --- GIF ---


def gif_blocks(payload: bytes) -> bytes:
    return b"".join(bytes([len(payload[i:i + 255])]) + payload[i:i + 255]
                    for i in range(0, len(payload), 255)) + b"\0"


def test_a_gif_copy_drops_comments_xmp_and_trailing_data(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    noise().convert("P", palette=Image.Palette.ADAPTIVE).save(buffer, "GIF", transparency=5,
                                                             comment=COMMENT.encode())
    data = buffer.getvalue()
    xmp = b"\x21\xff\x0bXMP DataXMP" + gif_blocks(XMP)
    text = b"\x21\x01\x0c" + b"\0" * 12 + gif_blocks(HOST.encode())  # plain text
    end = data.rindex(b"\x3b")
    data = data[:end] + xmp + text + b"\x21\xfe" + gif_blocks(OWNER.encode()) + b"\x3b"
    original = tmp_path / "a.gif"
    original.write_bytes(data + b"after the end " + SERIAL.encode())
    result = cleaned(tmp_path, original)
    assert_same_pixels(original, result.output)
    copy = result.output.read_bytes()
    # What the extensions said is gone. (Their introducer, 21 FE, is not looked for: the
    # same two bytes can occur by chance inside the noise picture's compressed pixels.)
    for said in (COMMENT, OWNER, HOST, SERIAL):
        assert said.encode() not in copy, said
    assert b"XMP DataXMP" not in copy and copy.endswith(b"\x3b")


# --- TIFF ---


def tiff_16bit_rgb(path: Path) -> bytes:
    """An uncompressed 16-bit RGB TIFF (Pillow cannot write one) with an artist, a
    description, a serial-bearing EXIF pointer's worth of tags, and its pixel strip."""
    width, height = 6, 4
    pixels = b"".join(struct.pack("<HHH", x * 10000 + 7, y * 15000 + 3, 65535 - x * y)
                      for y in range(height) for x in range(width))
    artist = OWNER.encode() + b"\0"
    describe = COMMENT.encode() + b"\0"
    tags = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, None), (259, 3, 1, 1),
            (262, 3, 1, 2), (270, 2, len(describe), None), (273, 4, 1, None),
            (277, 3, 1, 3), (278, 3, 1, height), (279, 4, 1, len(pixels)),
            (315, 2, len(artist), None)]
    ifd_at = 8
    extra_at = ifd_at + 2 + 12 * len(tags) + 4
    bits = struct.pack("<HHH", 16, 16, 16)
    blobs = {258: bits, 270: describe, 315: artist}
    extra = b""
    where = {}
    for tag, blob in blobs.items():
        where[tag] = extra_at + len(extra)
        extra += blob + b"\0" * (len(blob) & 1)
    pixels_at = extra_at + len(extra)
    ifd = struct.pack("<H", len(tags))
    for tag, kind, count, value in tags:
        if tag in where:
            value = where[tag]
        elif tag == 273:
            value = pixels_at
        packed = (struct.pack("<HH", value, 0) if kind == 3 and count == 1
                  else struct.pack("<I", value))
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += struct.pack("<I", 0)
    path.write_bytes(b"II*\0" + struct.pack("<I", ifd_at) + ifd + extra + pixels)
    return pixels


def test_a_16_bit_rgb_tiff_keeps_its_16_bits_and_its_pixel_data(tmp_path: Path) -> None:
    original = tmp_path / "deep.tif"
    pixels = tiff_16bit_rgb(original)
    result = cleaned(tmp_path, original)
    assert pixels in result.output.read_bytes()
    with Image.open(result.output) as copy:
        assert isinstance(copy, TiffImagePlugin.TiffImageFile)
        assert copy.tag_v2[258] == (16, 16, 16)
        assert 315 not in copy.tag_v2 and 270 not in copy.tag_v2
    assert_same_pixels(original, result.output)


def test_a_16_bit_grey_tiff_copy_is_identical_and_keeps_its_compression(tmp_path: Path) -> None:
    original = tmp_path / "grey.tif"
    info = TiffImagePlugin.ImageFileDirectory_v2()
    info[315] = OWNER
    info[270] = COMMENT
    info[316] = HOST
    noise("L").convert("I;16").save(original, "TIFF", tiffinfo=info, compression="tiff_lzw",
                                    exif=full_exif())
    result = cleaned(tmp_path, original)
    assert_same_pixels(original, result.output)
    with Image.open(result.output) as copy:
        assert isinstance(copy, TiffImagePlugin.TiffImageFile)
        assert copy.mode == "I;16" and copy.tag_v2[259] == 5  # LZW, as it was


def test_a_multi_page_tiff_is_not_stripped(tmp_path: Path) -> None:
    path = tmp_path / "pages.tif"
    noise().save(path, save_all=True, append_images=[noise()])
    with pytest.raises(photo_containers.Animated):
        photo_containers.clean_tiff(path.read_bytes())


# --- HEIF ---


def heif_10bit(path: Path, *, alpha: bool = False, chroma: str = "420") -> None:
    mode = "RGBA;16" if alpha else "RGB;16"
    width, height = 64, 48
    channels = 4 if alpha else 3
    # 10-bit values in 16-bit samples (pillow-heif shifts them to 10 bits on save).
    data = b"".join(struct.pack("<H", ((x * 977 + y * 331 + c * 4099) % 65536) & 0xFFC0)
                    for y in range(height) for x in range(width) for c in range(channels))
    heif = pillow_heif.from_bytes(mode, (width, height), data)
    exif = full_exif(orientation=1)
    heif.save(path, quality=-1 if chroma == "444" else 80, chroma=chroma, exif=exif, xmp=XMP,
              thumbnails=[16])


def decoded(path: Path) -> tuple[int, str, tuple[int, int], bytes]:
    heif = pillow_heif.open_heif(path, convert_hdr_to_8bit=False)
    image = heif.primary_image if hasattr(heif, "primary_image") else heif[0]
    return image.info["bit_depth"], image.mode, image.size, bytes(image.data)


@pytest.mark.parametrize("alpha", [False, True])
def test_a_10_bit_heif_keeps_its_bits_and_its_coded_picture(tmp_path: Path,
                                                            alpha: bool) -> None:
    original = tmp_path / "deep.heic"
    heif_10bit(original, alpha=alpha)
    assert decoded(original)[0] == 10
    result = cleaned(tmp_path, original)
    assert decoded(result.output) == decoded(original)
    heif = pillow_heif.open_heif(result.output)
    assert not heif.info.get("exif") and not heif.info.get("xmp")
    assert not heif.info.get("thumbnails")
    assert result.notes and "only the main picture" in result.notes[0]
    assert result.output.stat().st_size < original.stat().st_size


def test_a_heif_saved_afresh_keeps_its_bit_depth_and_chroma(tmp_path: Path) -> None:
    """The fallback for a layout the lossless cleaner does not take apart."""
    original = tmp_path / "deep444.heic"
    heif_10bit(original, chroma="444")
    data, notes = photo_strip._reencode_heif(original, "HEIF")
    copy = tmp_path / "copy.heic"
    copy.write_bytes(data)
    heif = pillow_heif.open_heif(copy, convert_hdr_to_8bit=False)
    assert heif.info["bit_depth"] == 10 and heif.info.get("chroma") in (None, 444)
    assert not heif.info.get("exif") and not heif.info.get("xmp")
    assert "saved again" in notes[0]


def test_a_grid_heif_keeps_its_tiles_alpha_and_10_bits(tmp_path: Path) -> None:
    """Phones store a photo as a grid of tiles; every tile (and nothing else) is kept."""
    made = tmp_path / "grid.heic"
    noise(size=(100, 70)).save(made, "HEIF", tile_size=64, quality=80, thumbnails=[16],
                               exif=full_exif(), xmp=XMP)
    assert b"grid" in made.read_bytes()
    result = cleaned(tmp_path, made)
    assert decoded(result.output) == decoded(made)
    assert len(pillow_heif.open_heif(result.output)) == 1  # the tiles stay hidden parts

    grid = CORPUS / "pillow-heif" / "tests" / "images" / "heif" / "RGBA_10__29x100.heif"
    if not grid.is_file():
        pytest.skip(f"the photo corpus is not at {CORPUS} (CI has it)")
    assert b"grid" in grid.read_bytes()
    result = cleaned(tmp_path, grid)
    assert decoded(result.output) == decoded(grid)
    assert decoded(grid)[:2] == (10, "RGBA;16")


def test_an_overlay_heif_keeps_its_layers_as_parts_not_pictures(tmp_path: Path) -> None:
    """Nokia's alpha.heic: the main picture is an overlay of two visible layers, one with an
    alpha plane. The copy keeps all three, hidden as parts, so it reads as one picture."""
    overlay = CORPUS / "pillow-heif" / "tests" / "images" / "heif_other" / "nokia" / "alpha.heic"
    if not overlay.is_file():
        pytest.skip(f"the photo corpus is not at {CORPUS} (CI has it)")
    assert len(pillow_heif.open_heif(overlay)) == 3
    result = cleaned(tmp_path, overlay)
    assert len(pillow_heif.open_heif(result.output)) == 1
    assert_same_pixels(overlay, result.output)


def test_mutated_files_of_every_format_never_raise_anything_else(tmp_path: Path) -> None:
    """Flipped bytes and cut files: a clean file, or Damaged / NotLossless / Animated."""
    import random

    rng = random.Random(16)
    sources = {".jpg": make_jpeg(tmp_path / "a.jpg", orientation=6),
               ".png": make_png(tmp_path / "b.png"), ".heic": make_heic(tmp_path / "c.heic")}
    for fmt, suffix in (("WEBP", ".webp"), ("TIFF", ".tif"), ("GIF", ".gif")):
        sources[suffix] = tmp_path / f"d{suffix}"
        noise().save(sources[suffix], fmt, exif=full_exif(), xmp=XMP, comment=b"hi")
    cleaners = {".jpg": photo_containers.clean_jpeg, ".png": photo_containers.clean_png,
                ".heic": photo_containers.clean_heif, ".webp": photo_containers.clean_webp,
                ".tif": photo_containers.clean_tiff, ".gif": photo_containers.clean_gif}
    expected = (photo_containers.Damaged, photo_containers.NotLossless,
                photo_containers.Animated)
    for suffix, source in sources.items():
        original = source.read_bytes()
        for n in range(60):
            data = bytearray(original)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            if n % 3 == 0:
                data = data[:rng.randrange(1, len(data))]
            with contextlib.suppress(*expected):
                cleaners[suffix](bytes(data))


def test_the_command_says_what_a_copy_left_out_and_where_to_turn(
        tmp_path: Path, kit_in_process: KitRun) -> None:
    """Notes (a trailer left out) are shown; a refusal names no command, and the command line
    alone adds one line pointing to exiftool (the app shows the same messages)."""
    folder = tmp_path / "photos"
    folder.mkdir()
    jpeg = make_jpeg(folder / "a.jpg")
    jpeg.write_bytes(jpeg.read_bytes() + b"captions: " + OWNER.encode())
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "green")]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:],
                   comment=b"hi")
    out = tmp_path / "out"
    out.mkdir()
    ran = kit_in_process("check", "photo", str(folder), "--strip", "--out", str(out))
    assert ran.code == 1, ran.err
    assert "stored after it" in ran.out  # the note under a.jpg's clean copy
    refusal = next(line for line in ran.out.splitlines() if "no clean copy" in line)
    assert "still pictures only" in refusal and "exiftool" not in refusal
    assert "`exiftool -all= FILE` on a copy" in ran.out
    assert (out / "a.jpg").is_file() and not (out / "anim.gif").exists()
    assert OWNER.encode() not in (out / "a.jpg").read_bytes()


_SIGNATURES = {
    "jpeg": (b"\xff\xd8", photo_containers.clean_jpeg),
    "png": (b"\x89PNG\r\n\x1a\n", photo_containers.clean_png),
    "webp": (b"RIFF\xff\xff\x00\x00WEBP", photo_containers.clean_webp),
    "gif": (b"GIF89a", photo_containers.clean_gif),
    "tiff-le": (b"II*\0\x08\0\0\0", photo_containers.clean_tiff),
    "tiff-be": (b"MM\0*\0\0\0\x08", photo_containers.clean_tiff),
    "heif": (b"\0\0\0\x14ftypheic\0\0\0\0mif1", photo_containers.clean_heif),
}


@given(kind=st.sampled_from(sorted(_SIGNATURES)), body=st.binary(max_size=600))
def test_the_cleaners_raise_only_their_own_errors(kind: str, body: bytes) -> None:
    """Any bytes after a format's signature: a clean file, or Damaged / NotLossless /
    Animated, never another exception."""
    signature, cleaner = _SIGNATURES[kind]
    with contextlib.suppress(photo_containers.Damaged, photo_containers.NotLossless,
                             photo_containers.Animated):
        cleaner(signature + body)


def test_a_clean_copy_cleaned_again_is_the_same_file(tmp_path: Path) -> None:
    """Cleaning is idempotent: the copy holds nothing a second pass would take out."""
    made = [make_jpeg(tmp_path / "a.jpg", orientation=6), make_png(tmp_path / "b.png"),
            make_heic(tmp_path / "c.heic", orientation=6)]
    for fmt, suffix in (("WEBP", ".webp"), ("TIFF", ".tif"), ("GIF", ".gif")):
        path = tmp_path / f"d{suffix}"
        noise().save(path, fmt, exif=full_exif(orientation=3), xmp=XMP, comment=b"hi")
        made.append(path)
    cleaners = {".jpg": photo_containers.clean_jpeg, ".png": photo_containers.clean_png,
                ".heic": photo_containers.clean_heif, ".webp": photo_containers.clean_webp,
                ".tif": photo_containers.clean_tiff, ".gif": photo_containers.clean_gif}
    for path in made:
        clean = cleaners[path.suffix]
        once = clean(path.read_bytes()).data
        assert clean(once).data == once, path.name


# --- a picture too large to decode ---


def test_a_200_megapixel_photo_is_cleaned_without_decoding_it(tmp_path: Path) -> None:
    """Over the 120 MP the kit will decode: a 1-bit PNG of 20,000 x 10,000 pixels (quick to
    make), and the corpus's 200 MP HEIC (a grid of 769 tiles) when it is there."""
    compressor = zlib.compressobj(1)
    row = bytes(1 + 20_000 // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(10_000)) + compressor.flush()
    original = tmp_path / "huge.png"
    original.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20_000, 10_000, 1, 0, 0, 0, 0))
        + png_chunk(b"tEXt", b"Author\0" + OWNER.encode()) + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b""))
    result = cleaned(tmp_path, original)
    data = result.output.read_bytes()
    assert struct.unpack_from(">II", data, 16) == (20_000, 10_000)
    assert png_chunk(b"IDAT", pixels) in data
    assert any(OWNER in i.value for i in result.removed)

    heic = CORPUS / "pillow-heif" / "tests" / "images" / "heif_special" / "200MP.heic"
    if heic.is_file():
        result = cleaned(tmp_path, heic)
        assert any(i.kind == "location" for i in result.removed)
        assert photos.scan([result.output])[0].size == photos.scan([heic])[0].size


# --- exiftool, the outside oracle ---


def strip_corpus(tmp_path: Path, files: list[Path],
                 refused: list[str] | None = None) -> tuple[list[Path], int]:
    """Copies of every file the kit reads, and how many were compared pixel for pixel. A copy
    the kit itself caught as wrong (KitError: deleted, nothing left) goes into *refused*
    when given, and fails the test otherwise."""
    copies, compared = [], 0
    for n, path in enumerate(files):
        if photos.scan([path])[0].status != photos.SCANNED:
            continue
        out = tmp_path / str(n)
        out.mkdir()
        try:
            result = photo_strip.strip(path, out)
        except BadInput:  # animated, several pages, damaged: refused, nothing written
            assert list(out.iterdir()) == []
            continue
        except KitError as exc:
            assert list(out.iterdir()) == []
            if refused is None:
                raise
            refused.append(f"{path.name}: {exc}")
            continue
        copies.append(result.output)
        if not any("saved again" in note for note in result.notes):
            try:
                with Image.open(path) as im:
                    if im.size[0] * im.size[1] > photos.MAX_PIXELS:
                        continue  # not decoded here either
                    im.load()
                    want = (im.mode, im.size, im.tobytes())
            except Exception:  # a file Pillow itself cannot decode
                continue
            with Image.open(result.output) as copy:
                assert (copy.mode, copy.size, copy.tobytes()) == want, path
            compared += 1
    return copies, compared


# One file of each kind from the corpus, chosen for what they carry: maker notes and an IPTC
# trailer, MPO's second view, XMP and IPTC, TIFF sub-directories, a HEIC grid with GPS.
CORPUS_SAMPLE = ("exiftool/t/images/Canon.jpg", "exiftool/t/images/FotoStation.jpg",
                 "exiftool/t/images/MPF.jpg", "exiftool/t/images/XMP.jpg",
                 "pillow/Tests/images/child_ifd.tiff", "pillow/Tests/images/exif_gps.jpg",
                 "pillow-heif/tests/images/heif_special/xiaomi.heic")


@needs_exiftool
def test_exiftool_finds_nothing_identifying_in_clean_copies(tmp_path: Path) -> None:
    """Generated files of every format with everything planted, every case issue 16 named
    (photo_lib: trailers, APP12, JFXX, CIFF, maker notes, TIFF IPTC and sub-images, GIF
    comments and XMP ...), and a corpus sample: each copy pixel-identical (Pillow), and
    exiftool finds no identifying tag in any."""
    originals = [make_jpeg(tmp_path / "a.jpg", orientation=6), make_png(tmp_path / "b.png"),
                 make_heic(tmp_path / "c.heic")]
    cases = tmp_path / "cases"
    cases.mkdir()
    originals += list(make_cases(cases).values())
    for fmt, suffix in (("WEBP", "webp"), ("TIFF", "tif"), ("GIF", "gif")):
        path = tmp_path / f"d.{suffix}"
        noise().save(path, fmt, exif=full_exif(), xmp=XMP, comment=COMMENT.encode())
        originals.append(path)
    corpus = [CORPUS / name for name in CORPUS_SAMPLE if (CORPUS / name).is_file()]
    copies, compared = strip_corpus(tmp_path, originals + corpus)
    assert len(copies) == len(originals + corpus)
    assert compared >= len(originals)
    # One run of exiftool; the first original goes along to show the oracle sees the plants.
    found = exiftool_tags([originals[0], *copies])
    assert [str(tag) for tag in found if tag.path != originals[0]] == []
    assert len(found) >= 3
    if not corpus:
        pytest.skip(f"generated files passed; the photo corpus is not at {CORPUS}")


@needs_exiftool
@pytest.mark.slow
def test_the_whole_corpus_is_cleaned_pixel_for_pixel(tmp_path: Path, slow: bool) -> None:
    if not slow:
        pytest.skip("the whole corpus runs with --slow")
    if not CORPUS.is_dir():
        pytest.skip(f"the photo corpus is not at {CORPUS} (CI has it)")
    files = sorted(p for p in CORPUS.rglob("*")
                   if p.is_file() and p.suffix.lower() in photos.IMAGE_SUFFIXES)
    refused: list[str] = []
    copies, compared = strip_corpus(tmp_path, files, refused)
    left = exiftool_tags(copies)
    print(f"\n{len(files)} files, {len(copies)} cleaned, {compared} pixel-identical, "
          f"{len(refused)} copies the kit caught and deleted, {len(left)} identifying tags "
          "left", *refused, sep="\n")
    assert left == [], "\n".join(map(str, left))
