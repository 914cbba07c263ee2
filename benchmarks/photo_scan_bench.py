#!/usr/bin/env python3
"""Checking photos for metadata: the kit against exiftool, on the same files in the same run.

Run with `make bench` (or `.venv/bin/python benchmarks/photo_scan_bench.py [--runs N]`).
Prints a table and writes benchmarks/results/photo_scan_bench.json. Nothing is judged PASS or
MISS. Timed:

- the real test images of ExifTool, Pillow and pillow-heif in ../shared/corpus/photos/ (read in
  place): photos.scan() over all of them, and one `exiftool -j` process over the same list;
- a JPEG whose header claims 20,000 x 10,000 pixels (200 MP, over the 120 MP decoding limit),
  carrying EXIF with GPS: the check reads structure only, so its size does not matter.

exiftool is skipped (and said so) when it is not installed. The machine's load average is
printed beside the figures: other work on it slows them.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS_FILE = REPO / "benchmarks" / "results" / "photo_scan_bench.json"
CORPUS = REPO.parent / "shared" / "corpus" / "photos"


def corpus_files() -> list[Path]:
    from kit.footprint import photos

    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*")
                  if p.is_file() and p.suffix.lower() in photos.IMAGE_SUFFIXES)


def huge_jpeg(folder: Path) -> Path:
    """A small JPEG with GPS in its EXIF whose frame header claims 20,000 x 10,000 pixels."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Bench"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "grey").save(out, "JPEG", exif=exif.tobytes())
    data = bytearray(out.getvalue())
    at = data[:data.rindex(b"\xff\xda")].rindex(b"\xff\xc0")
    struct.pack_into(">HH", data, at + 5, 10_000, 20_000)
    path = folder / "200mp.jpg"
    path.write_bytes(bytes(data))
    return path


def timed(action: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def exiftool_run(exiftool: str, files: list[Path]) -> None:
    subprocess.run([exiftool, "-j", "-G1", "-a", "-q", "-q", "-@", "-"],
                   input="\n".join(str(f) for f in files), capture_output=True, text=True,
                   check=False, timeout=600)


def main() -> None:
    from kit.footprint import photos

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median shown)")
    args = parser.parse_args()
    exiftool = shutil.which("exiftool")
    files = corpus_files()
    load_before = os.getloadavg()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        big = huge_jpeg(Path(tmp))
        report = photos.scan([big])[0]
        assert report.status == photos.SCANNED and report.location is not None, report
        cases = [("200 MP JPEG (header claims 20000x10000)", [big])]
        if files:
            cases.insert(0, (f"photo corpus ({len(files)} files)", files))
        for name, paths in cases:
            photos.scan(paths)  # warm the imports and the file cache for both tools
            kit = timed(lambda paths=paths: photos.scan(paths), args.runs)
            other = (timed(lambda paths=paths: exiftool_run(exiftool, paths), args.runs)
                     if exiftool else None)
            rows.append({"case": name, "files": len(paths), "kit_s": round(kit, 3),
                         "exiftool_s": round(other, 3) if other is not None else None})
    load_after = os.getloadavg()
    print(f"\nChecking photos for metadata (median of {args.runs}; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after, on {os.cpu_count()} CPUs)")
    if not files:
        print(f"(the corpus is not at {CORPUS}: only the generated file was timed)")
    if not exiftool:
        print("(exiftool is not installed: only the kit was timed)")
    print(f"{'case':<44} {'files':>6} {'kit':>9} {'exiftool':>9}")
    for row in rows:
        theirs = f"{row['exiftool_s']:.2f} s" if row["exiftool_s"] is not None else "-"
        print(f"{row['case']:<44} {row['files']:>6} {row['kit_s']:>7.2f} s {theirs:>9}")
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_before": load_before[0], "load_after": load_after[0]},
        "runs": args.runs, "rows": rows}, indent=2) + "\n")
    print(f"written to {RESULTS_FILE.relative_to(REPO)}")


if __name__ == "__main__":
    main()
