"""The photo check measured against exiftool (tests/footprint/photo_lib.py defines the
identifying tags and how a tag counts as reported): over files built for each case issue 16
named, and over the real test images of ExifTool, Pillow and pillow-heif in
../shared/corpus/photos/ (read in place; the whole corpus runs with --slow, a sample by
default)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kit.footprint import photos
from tests.footprint.photo_lib import (
    CORPUS,
    EXIFTOOL,
    EXPECTED,
    exiftool_tags,
    in_report,
    make_cases,
    misses,
    needs_exiftool,
)

__all__ = ["CORPUS", "exiftool_tags", "needs_exiftool"]  # the cleaning tests use them too

# --- the real test images of ExifTool, Pillow and pillow-heif ---

def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip(f"the photo corpus is not at {CORPUS} (CI has it)")
    return sorted(p for p in CORPUS.rglob("*")
                  if p.is_file() and p.suffix.lower() in photos.IMAGE_SUFFIXES)


# Chosen for the structures they hold: maker notes of several makers, CIFF, APP12, JFXX,
# trailers, IPTC, XMP, TIFF sub-directories, MPO, HEIC with GPS.
SAMPLE = ("exiftool/t/images/Canon.jpg", "exiftool/t/images/ExifTool.jpg",
          "exiftool/t/images/FotoStation.jpg", "exiftool/t/images/Nikon.jpg",
          "exiftool/t/images/OlympusE1.jpg", "exiftool/t/images/IPTC.jpg",
          "exiftool/t/images/XMP.jpg", "exiftool/t/images/GPS.jpg",
          "exiftool/t/images/PhotoMechanic.jpg", "exiftool/t/images/ExtendedXMP.jpg",
          "exiftool/t/images/Motorola.jpg", "exiftool/t/images/Pentax.jpg",
          "exiftool/t/images/Ricoh2.jpg", "pillow/Tests/images/frozenpond.mpo",
          "pillow/Tests/images/multiple_exif.jpg", "pillow/Tests/images/hopper_bigtiff.tif",
          "pillow/Tests/images/broken_exif_dpi.jpg", "pillow/Tests/images/ifd_tag_type.tiff",
          "pillow/Tests/images/child_ifd.tiff", "pillow/Tests/images/exif_gps.jpg",
          "pillow-heif/tests/images/heif_other/cat.hif", "exiftool/t/images/FLIR.jpg",
          "exiftool/t/images/InfiRay.jpg")




@needs_exiftool
def test_a_sample_of_the_corpus_against_exiftool() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"the photo corpus is not at {CORPUS} (CI has it)")
    files = [CORPUS / name for name in SAMPLE]
    assert all(f.is_file() for f in files), [f for f in files if not f.is_file()]
    checked, missed = misses(files)
    assert checked > 50
    assert missed == [], "\n".join(map(str, missed))


@needs_exiftool
@pytest.mark.slow
def test_the_whole_corpus_against_exiftool(slow: bool) -> None:
    if not slow:
        pytest.skip("the whole corpus runs with --slow")
    files = corpus_files()
    checked, missed = misses(files)
    print(f"\n{len(files)} files, {checked} identifying tags checked, {len(missed)} missed")
    assert checked > 350
    assert missed == [], "\n".join(map(str, missed))


@needs_exiftool
def test_every_case_issue_16_named_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    cases = make_cases(folder)
    assert set(cases) == set(EXPECTED)
    tags = exiftool_tags(cases.values())
    found = {path.name for path in {t.path for t in tags}}
    # Each generated file carries something exiftool calls identifying: none is vacuous.
    assert found == set(cases), set(cases) - found
    reports = {r.path: r for r in photos.scan(list(cases.values()))}
    missed = [t for t in tags if not in_report(t, reports[t.path])]
    assert missed == [], "\n".join(map(str, missed))
    for report in reports.values():  # named like every other item: kind, severity, source
        assert report.status == photos.SCANNED and not report.clean
        assert all(i.kind and i.source and i.severity in photos.SEVERITIES
                   for i in report.items)


# Identifying tags as exiftool writes them: each goes where exiftool puts it in each format
# (EXIF, XMP, IPTC, PNG text and raw profiles, WebP and HEIC boxes).
EXIFTOOL_WRITES = (
    "-Artist=Jo Bloggs", "-Copyright=Jo Bloggs 2024", "-OwnerName=Jo Owner",
    "-SerialNumber=SN111", "-LensSerialNumber=LS222", "-XPAuthor=Jo XP",
    "-XPComment=xp comment here", "-UserComment=user comment here",
    "-ImageDescription=desc here", "-GPSLatitude=51.5", "-GPSLatitudeRef=N",
    "-GPSLongitude=0.12", "-GPSLongitudeRef=W", "-XMP-dc:Creator=Jo Creator",
    "-IPTC:By-line=Jo Byline", "-IPTC:City=Leeds", "-XMP-photoshop:City=Leeds",
    "-Comment=file comment", "-HostComputer=jo-laptop",
    "-ImageUniqueID=0123456789abcdef0123456789abcdef",
    "-XMP-iptcCore:CreatorWorkEmail=jo@example.org", "-XMP-iptcCore:CreatorCity=York",
    "-XMP-iptcExt:PersonInImage=Sam Child", "-IPTC:Caption-Abstract=the caption",
    "-IPTC:Writer-Editor=Jo Writer", "-IPTC:Sub-location=Mill Lane",
    "-IPTC:Province-State=Yorks", "-IPTC:Country-PrimaryLocationName=UK",
    "-IPTC:Keywords=home", "-IPTC:Headline=the headline", "-IPTC:ObjectName=the object",
    "-IPTC:CopyrightNotice=(c) Jo", "-IPTC:Credit=Jo Credit", "-IPTC:Contact=jo contact",
    "-XMP-dc:Rights=Jo Rights", "-XMP-dc:Description=xmp desc", "-XMP-dc:Title=xmp title",
    "-XMP-dc:Subject=kw1", "-XMP-photoshop:CaptionWriter=Jo CW", "-XMP-photoshop:Credit=Jo C",
    "-XMP-photoshop:Headline=xmp headline", "-XMP-photoshop:State=Yorks",
    "-XMP-photoshop:Country=UK", "-XMP-iptcCore:Location=Mill Lane",
    "-XMP-aux:SerialNumber=AUX9", "-XMP-exifEX:BodySerialNumber=BODY8",
    "-XMP-exifEX:CameraOwnerName=Jo Cam", "-XPTitle=xp title", "-XPSubject=xp subj",
    "-XPKeywords=xp kw", "-DocumentName=doc name")


@needs_exiftool
def test_what_exiftool_writes_into_each_format_is_found(tmp_path: Path) -> None:
    from PIL import Image

    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    files = []
    for suffix in ("jpg", "png", "tif", "webp", "gif", "heic"):
        path = tmp_path / f"written.{suffix}"
        image = Image.new("RGB", (16, 16), "red")
        (image.convert("P") if suffix == "gif" else image).save(path)
        files.append(path)
    assert EXIFTOOL is not None
    subprocess.run([EXIFTOOL, "-q", "-q", "-overwrite_original", *EXIFTOOL_WRITES,
                    *map(str, files)], check=True, capture_output=True, timeout=120)
    checked, missed = misses(files)
    assert checked >= 200  # 30 to 45 tags in each file
    assert missed == [], "\n".join(map(str, missed))
