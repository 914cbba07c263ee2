"""Clean copies of pictures: the pixels, and nothing else a picture can carry.

Moved out of kit.footprint.photos (which still offers `photos.strip`). The copy is re-read with
photos.scan(); if anything is left it is deleted and KitError raised. The original is only
ever read.
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import Any, Final

from kit.errors import BadInput, KitError, UsageError
from kit.footprint.photos import (
    HEIF_QUALITY,
    JPEG_QUALITY,
    SCANNED,
    StripResult,
    _damaged,
    _Opened,
    _Unreadable,
    printable_path,
    scan,
)

_STRIPPABLE: Final = frozenset({"JPEG", "MPO", "PNG", "WEBP", "TIFF", "GIF", "BMP", "HEIF",
                                "AVIF"})


def strip(path: Path, out_dir: Path, *, force: bool = False) -> StripResult:
    """Write a copy of *path* into *out_dir* (same name) holding only the pixels, upright.

    Never touches the original; refuses an existing file unless *force*, and never replaces
    the original even then. The copy is re-read with scan(): if anything is left, it is
    deleted and KitError raised.
    """
    from kit.chosen_file import write_chosen_file

    path, out_dir = Path(path), Path(out_dir)
    if not path.is_file():
        raise BadInput(f"{printable_path(path)} is not a file; no copy was made")
    if not out_dir.is_dir():
        raise UsageError(f"{printable_path(out_dir)} is not a folder; give an existing folder "
                         "for the cleaned copies")
    report = scan([path])[0]
    if report.status != SCANNED:
        raise BadInput(f"{printable_path(path)}: {report.reason or 'not a picture'}; no copy "
                       "was made")
    if report.format not in _STRIPPABLE:
        raise BadInput(f"{printable_path(path)}: the kit cannot clean {report.format} "
                       "pictures; use exiftool (`exiftool -all= FILE`) on a copy")
    target = out_dir / path.name
    if target.exists() and os.path.samefile(target, path):
        raise KitError(f"{printable_path(target)} is the original itself; choose another "
                       "folder for the cleaned copy (originals are never changed)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # damage is reported by scan()
            data, notes = _encode(path, "JPEG" if report.format == "MPO" else report.format)
    except _Unreadable as exc:
        raise BadInput(f"{printable_path(path)}: {exc}; no copy was made") from None
    written = write_chosen_file(target, data, overwrite=force)
    check = scan([target])[0]
    if not check.clean:
        target.unlink(missing_ok=True)
        left = "; ".join(item.describe() for item in check.items) or check.reason
        raise KitError(f"the cleaned copy of {printable_path(path)} still carried "
                       f"{left}. It was deleted, and the original is unchanged; use exiftool "
                       "(`exiftool -all= FILE`) on a copy instead")
    return StripResult(path, written, report.items, tuple(notes))


def _encode(path: Path, kind: str) -> tuple[bytes, list[str]]:
    """The picture's pixels, upright, saved afresh with nothing else carried over."""
    from PIL import ImageOps

    notes: list[str] = []
    with _Opened(path, kind) as im:
        fmt = im.format or kind
        frames = getattr(im, "n_frames", 1)
        if isinstance(frames, int) and frames > 1:
            if fmt not in ("MPO", "HEIF", "AVIF"):
                raise _Unreadable("it is animated or has several pages, and the kit cleans "
                                  "still pictures only; use exiftool (`exiftool -all= FILE`) "
                                  "on a copy")
            notes.append(f"only the main picture was kept; the other {frames - 1} image"
                         f"{'s' if frames > 2 else ''} in the file (such as a depth map or a "
                         "second view) were left out")
        colour = im.info.get("icc_profile")
        transparency = im.info.get("transparency")
        try:
            im.load()
            upright = ImageOps.exif_transpose(im)
        except Exception as exc:  # truncated or damaged pixel data
            raise _Unreadable(_damaged(exc)) from None
    # Nothing may ride along in info: JPEG keeps its comment, HEIF its EXIF and XMP, unless
    # told otherwise, and exif_transpose leaves the rest of the EXIF in place.
    upright.info = {}
    keep: dict[str, Any] = {"icc_profile": colour} if colour else {}
    out = io.BytesIO()
    if fmt in ("JPEG", "MPO"):
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=JPEG_QUALITY, comment=b"", exif=b"", **keep)
        notes.append(f"saved again as JPEG at quality {JPEG_QUALITY}, so slightly changed; "
                     "`exiftool -all= FILE` strips without re-saving")
    elif fmt == "PNG":
        if transparency is not None:
            keep["transparency"] = transparency
        upright.save(out, "PNG", **keep)
    elif fmt == "WEBP":
        upright.save(out, "WEBP", quality=JPEG_QUALITY, exif=b"", xmp=b"", **keep)
        notes.append(f"saved again as WebP at quality {JPEG_QUALITY}, so slightly changed")
    elif fmt == "TIFF":
        upright.save(out, "TIFF", compression="tiff_lzw", **keep)
    elif fmt == "GIF":
        if transparency is not None:
            keep["transparency"] = transparency
        keep.pop("icc_profile", None)
        upright.save(out, "GIF", comment=b"", **keep)
    elif fmt == "BMP":
        upright.save(out, "BMP")
    else:  # HEIF or AVIF: pillow-heif keeps EXIF and XMP on a re-save unless given None
        upright.save(out, fmt, quality=HEIF_QUALITY, exif=None, xmp=None, **keep)
        notes.append(f"saved again as {fmt} at quality {HEIF_QUALITY}, so slightly changed")
    return out.getvalue(), notes
