"""Clean copies of pictures: the pixels, and nothing else a picture can carry.

Apart from kit.footprint.photos, whose readers it uses (and which never imports it). Where the
format allows, metadata is cut out around the untouched pixel data
(kit.footprint.photo_containers); otherwise the picture is saved afresh at its own bit depth and
subsampling. The copy is re-read with photos.scan(); if anything is left it is deleted and KitError
raised. The original is only ever read.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from kit.bounded_read import open_regular
from kit.errors import BadInput, FileRefused, KitError, UsageError
from kit.footprint.photo_containers import (
    Animated,
    Cleaned,
    Damaged,
    NotLossless,
    clean_gif,
    clean_heif,
    clean_jpeg,
    clean_png,
    clean_tiff,
    clean_webp,
)
from kit.footprint.photos import (
    HEIF_QUALITY,
    MAX_FILE_BYTES,
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
    """Write a copy of *path* into *out_dir* (same name) holding only the picture: the same
    pixels, shown the same way up (see kit.footprint.photo_containers), nothing else.

    Never touches the original; refuses an existing file unless *force*, and never replaces
    the original even then. Messages name no command: the app shows them too (the command
    line adds its own pointer to exiftool). The copy is re-read with scan(): if anything is
    left, it is deleted and KitError raised.
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
                       "pictures; no copy was made")
    target = out_dir / path.name
    if target.exists() and os.path.samefile(target, path):
        raise KitError(f"{printable_path(target)} is the original itself; choose another "
                       "folder for the cleaned copy (originals are never changed)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # damage is reported by scan()
            data, notes = _encode(path, report.format)
    except _Unreadable as exc:
        raise BadInput(f"{printable_path(path)}: {exc}; no copy was made") from None
    written = write_chosen_file(target, data, overwrite=force)
    check = scan([target])[0]
    if check.clean and check.size and report.size and sorted(check.size) != sorted(report.size):
        target.unlink(missing_ok=True)
        raise KitError(f"the cleaned copy of {printable_path(path)} did not come out the same "
                       "size as the picture. It was deleted, and the original is unchanged")
    if not check.clean:
        target.unlink(missing_ok=True)
        left = "; ".join(item.describe() for item in check.items) or check.reason
        raise KitError(f"the cleaned copy of {printable_path(path)} still carried "
                       f"{left}. It was deleted, and the original is unchanged")
    return StripResult(path, written, report.items, tuple(notes))


_ANIMATED: Final = ("it is animated or has several pages, and the kit cleans still pictures "
                    "only")
_LOSSLESS: Final[dict[str, Callable[[bytes], Cleaned]]] = {
    "JPEG": clean_jpeg, "MPO": clean_jpeg, "PNG": clean_png, "WEBP": clean_webp,
    "GIF": clean_gif, "HEIF": clean_heif, "AVIF": clean_heif, "TIFF": clean_tiff}


def _encode(path: Path, kind: str) -> tuple[bytes, list[str]]:
    """The clean copy's bytes and notes for the person.

    JPEG, PNG, WebP, GIF, HEIF/AVIF and TIFF lose their metadata without their pixels being
    decoded (kit.footprint.photo_containers): the picture stays exactly as it was, and one too
    large to open can still be cleaned. Only a file laid out in a way those cleaners do not
    handle (and BMP, which carries nothing to remove but is rewritten anyway) is saved afresh.
    """
    cleaner = _LOSSLESS.get(kind)
    if cleaner is not None:
        try:
            with open_regular(path, MAX_FILE_BYTES, "picture") as fh:
                original = fh.read(MAX_FILE_BYTES + 1)
        except FileRefused as exc:
            raise _Unreadable(f"it {exc.reason}") from None
        try:
            cleaned = cleaner(original)
        except Animated:
            raise _Unreadable(_ANIMATED) from None
        except Damaged as exc:
            raise _Unreadable(str(exc)) from None
        except NotLossless:
            pass  # saved afresh below
        except Exception as exc:  # untrusted bytes: any parser error is this file's problem
            raise _Unreadable(_damaged(exc)) from None
        else:
            return cleaned.data, list(cleaned.notes)
    return _reencode(path, kind)


def _reencode(path: Path, kind: str) -> tuple[bytes, list[str]]:
    """The picture's pixels, upright, saved afresh with nothing else carried over, at the
    same bit depth and, where the format has them, the same chroma subsampling and
    lossless-ness."""
    from PIL import ImageOps

    if kind in ("HEIF", "AVIF"):
        return _reencode_heif(path, kind)
    notes: list[str] = []
    with _Opened(path, kind) as im:
        fmt = im.format or kind
        frames = getattr(im, "n_frames", 1)
        if isinstance(frames, int) and frames > 1 and fmt != "MPO":
            raise _Unreadable(_ANIMATED)
        colour = im.info.get("icc_profile")
        transparency = im.info.get("transparency")
        try:
            im.load()
            upright = ImageOps.exif_transpose(im)
        except Exception as exc:  # truncated or damaged pixel data
            raise _Unreadable(_damaged(exc)) from None
    # Nothing may ride along in info: exif_transpose leaves the rest of the EXIF in place.
    upright.info = {}
    keep: dict[str, Any] = {"icc_profile": colour} if colour else {}
    out = io.BytesIO()
    if fmt in ("PNG", "GIF"):
        if transparency is not None:
            keep["transparency"] = transparency
        if fmt == "GIF":
            keep.pop("icc_profile", None)
        upright.save(out, fmt, **keep)
    elif fmt == "WEBP":
        upright.save(out, "WEBP", lossless=True, **keep)
    elif fmt == "TIFF":
        # LZW is lossless; Pillow keeps 16-bit grey (I;16) and 32-bit (I, F) as they are.
        upright.save(out, "TIFF", compression="tiff_lzw", **keep)
    elif fmt == "BMP":
        upright.save(out, "BMP")
    else:  # JPEG is always cleaned in place
        raise _Unreadable(f"the kit cannot clean {fmt} pictures")
    return out.getvalue(), notes


def _reencode_heif(path: Path, kind: str) -> tuple[bytes, list[str]]:
    """A HEIF or AVIF picture the lossless cleaner could not take apart: decoded at its own bit
    depth and saved again with the same chroma subsampling, without EXIF, XMP or other images.
    """
    import pillow_heif

    with _Opened(path, kind):  # the same caps and messages as every other picture
        pass
    try:
        with open_regular(path, MAX_FILE_BYTES, "picture") as fh:
            heif = pillow_heif.open_heif(fh, convert_hdr_to_8bit=False)
            image = heif.primary_image if hasattr(heif, "primary_image") else heif[0]
            image.load()
    except FileRefused as exc:
        raise _Unreadable(f"it {exc.reason}") from None
    except Exception as exc:  # untrusted bytes: any parser error is this file's problem
        raise _Unreadable(_damaged(exc)) from None
    fresh = pillow_heif.from_bytes(image.mode, image.size, bytes(image.data),
                                   stride=image.stride)
    chroma = image.info.get("chroma")
    options: dict[str, Any] = {"quality": HEIF_QUALITY, "exif": None, "xmp": None}
    if chroma in (420, 422, 444):
        options["chroma"] = str(chroma)
    depth = image.info.get("bit_depth")
    if isinstance(depth, int) and depth > 10:
        options["save_to_12bit"] = True
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    if kind == "HEIF":
        # x265's "veryfast": a 12 MP photo in about a fifth of the default's time, at the
        # same size as "fast" (benchmarks/strip_bench.py --reencode).
        options["enc_params"] = {"preset": "veryfast"}
    out = io.BytesIO()
    fresh.save(out, format=kind, **options)
    notes = [f"saved again as {kind} at quality {HEIF_QUALITY}, so slightly changed"]
    if len(heif) > 1 or image.info.get("thumbnails") or image.info.get("depth_images"):
        notes.append("only the main picture was kept; the other images in the file (such "
                     "as previews or a depth map) were left out")
    return out.getvalue(), notes
