#!/usr/bin/env python3
"""Clean copies of 12-megapixel photos: how long each format takes, and the copy's size.

Run with `make bench` (or `.venv/bin/python benchmarks/strip_bench.py [--quick] [--reencode]`).
Prints a table and writes benchmarks/results/strip_bench.json. Nothing is judged PASS or MISS;
the issue's target is a 12 MP HEIC in at most 5 s on a 2-core machine (61 s before, when every
copy was decoded and saved again).

Each picture is generated here at 4032 x 3024 (a phone's 12 MP), photo-like (a gradient under
noise, so it compresses like a photo), carrying EXIF with GPS, and XMP where the format has it;
the HEIC is laid out as a phone writes it, a grid of 48 tiles of 512 pixels with a preview.
Timed: photo_strip.strip() as the command and the app call it (scan the original, make the copy,
write it, scan the copy again), and the cleaner alone. --reencode also times saving the HEIC
afresh at its own bit depth (the fallback for a layout the cleaner does not take apart), which
takes tens of seconds. The machine's load average is printed beside the figures: other work
on it slows them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS_FILE = REPO / "benchmarks" / "results" / "strip_bench.json"
SIZE = (4032, 3024)


def photo_like(size: tuple[int, int]) -> Any:
    from PIL import Image

    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 24)
    return Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))


def exif_block() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x013B] = "Apple", "iPhone 15", "Jo Bloggs"
    exif[0x0112] = 6
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 39.0)})
    return exif.tobytes()


XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
       b'photoshop:City="Leeds"/></rdf:RDF></x:xmpmeta>')


def make(folder: Path, fmt: str, picture: Any) -> Path:
    exif = exif_block()
    path = folder / f"photo.{fmt.lower()}"
    if fmt == "JPEG":
        picture.save(path, "JPEG", quality=92, exif=exif, xmp=XMP, comment=b"Jo's phone")
    elif fmt == "PNG":
        picture.save(path, "PNG", exif=exif, compress_level=1)
    elif fmt == "WEBP":
        picture.save(path, "WEBP", quality=85, exif=exif, xmp=XMP, method=0)
    elif fmt == "GIF":
        picture.convert("P", palette=0).save(path, "GIF", comment=b"Jo's phone")
    elif fmt == "TIFF":  # 16-bit grey, LZW
        from PIL import TiffImagePlugin

        tags = TiffImagePlugin.ImageFileDirectory_v2()
        tags[315], tags[270], tags[316] = "Jo Bloggs", "Jo's holiday", "jo-home-laptop"
        picture.convert("L").convert("I;16").save(path, "TIFF", compression="tiff_lzw",
                                                  tiffinfo=tags)
    else:  # HEIC as a phone writes it: a grid of 512-pixel tiles, EXIF, XMP and a preview
        picture.save(path, "HEIF", quality=50, exif=exif, xmp=XMP, thumbnails=[320],
                     tile_size=512, enc_params={"preset": "ultrafast"})
    return path


def timed(action: Any, runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one run each, JPEG and HEIC only")
    parser.add_argument("--reencode", action="store_true",
                        help="also time saving the HEIC afresh (tens of seconds)")
    args = parser.parse_args()
    import pillow_heif

    from kit.footprint import photo_containers, photo_strip

    pillow_heif.register_heif_opener()
    formats = ("JPEG", "HEIC") if args.quick else ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "HEIC")
    runs = 1 if args.quick else 3
    cleaners = {"JPEG": photo_containers.clean_jpeg, "PNG": photo_containers.clean_png,
                "WEBP": photo_containers.clean_webp, "GIF": photo_containers.clean_gif,
                "TIFF": photo_containers.clean_tiff, "HEIC": photo_containers.clean_heif}
    load_before = os.getloadavg()
    picture = photo_like(SIZE)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kit-strip-bench-") as tmp:
        folder = Path(tmp)
        out = folder / "out"
        out.mkdir()
        for fmt in formats:
            made = time.perf_counter()
            original = make(folder, fmt, picture)
            made = time.perf_counter() - made
            data = original.read_bytes()
            strip_s, result = timed(lambda o=original: photo_strip.strip(o, out, force=True), runs)
            clean_s, _ = timed(lambda f=fmt, d=data: cleaners[f](d), runs)
            copy_size = result.output.stat().st_size
            rows.append({"format": fmt, "megapixels": SIZE[0] * SIZE[1] / 1e6,
                         "original_bytes": len(data), "copy_bytes": copy_size,
                         "size_ratio": copy_size / len(data), "strip_s": strip_s,
                         "cleaner_s": clean_s, "generate_s": made,
                         "removed": len(result.removed)})
            if fmt == "HEIC" and args.reencode:
                again_s, (again, _notes) = timed(
                    lambda o=original: photo_strip._reencode_heif(o, "HEIF"), 1)
                rows.append({"format": "HEIC saved afresh", "megapixels": rows[-1]["megapixels"],
                             "original_bytes": len(data), "copy_bytes": len(again),
                             "size_ratio": len(again) / len(data), "strip_s": again_s,
                             "cleaner_s": again_s, "generate_s": 0.0, "removed": 0})
    load_after = os.getloadavg()

    print(f"\nClean copies of {SIZE[0]}x{SIZE[1]} photos (median of {runs}; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} CPUs)")
    print(f"{'format':<18} {'original':>10} {'copy':>10} {'ratio':>6} {'strip s':>8} "
          f"{'cleaner s':>9}")
    for row in rows:
        print(f"{row['format']:<18} {row['original_bytes'] / 1e6:>8.2f}MB "
              f"{row['copy_bytes'] / 1e6:>8.2f}MB {row['size_ratio']:>6.3f} "
              f"{row['strip_s']:>8.3f} {row['cleaner_s']:>9.3f}")
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count(), "load_before": load_before,
                    "load_after": load_after},
        "runs": runs, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
