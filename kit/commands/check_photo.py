"""`kit check photo`: what your pictures give away (location, names, serial numbers), and
clean copies without it.

Offline and without a vault: nothing is sent and, unless --record is given, nothing is
stored. Pillow is imported only when the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit.commands.context import json_option, out, say
from kit.errors import KitError, UsageError

if TYPE_CHECKING:
    from kit.footprint.photos import PhotoReport, StripResult

MAX_SKIPPED_NAMED = 10


@click.command("photo")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...",
                type=click.Path(path_type=Path))
@click.option("--strip", "do_strip", is_flag=True,
              help="Also write a clean copy of each picture into --out: the same picture, "
              "shown the same way up, with nothing else. Your originals are never changed.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), metavar="DIR",
              help="An existing folder for the clean copies (with --strip). Folders you "
              "check keep their layout inside it.")
@click.option("--force", is_flag=True,
              help="With --strip: replace clean copies already in --out (never an original).")
@click.option("--record", is_flag=True,
              help="Also add what was found to the findings register in your vault (asks "
              "for your passphrase). Without it nothing is stored.")
@json_option
def photo(paths: tuple[Path, ...], do_strip: bool, out_dir: Path | None, force: bool,
          record: bool) -> None:
    """What pictures give away: GPS location, names, camera serial numbers, comments,
    hidden preview images (JPEG, PNG, WebP, TIFF, GIF, HEIC).

    PATH can be files or folders (searched inside; links are not followed). Nothing is
    sent anywhere. Videos are listed with the tools that can clean them. Exits 1 if any
    file could not be read (the rest are still reported).
    """
    from kit.footprint import photos

    if do_strip and out_dir is None:
        raise UsageError("--strip needs --out DIR: an existing folder for the clean copies "
                         "(your originals are never changed)")
    if not do_strip and (out_dir is not None or force):
        raise UsageError(f"{'--out' if out_dir is not None else '--force'} goes with "
                         "--strip; add --strip to make clean copies")
    if out_dir is not None and not out_dir.is_dir():
        raise UsageError(f"--out {photos.printable_path(out_dir)} is not "
                         f"{'a folder' if out_dir.exists() else 'an existing folder'}; "
                         "create it first, or choose another")

    rows: list[dict[str, Any]] = []
    made: set[Path] = set()
    seen: set[Path] = set()
    for root in paths:
        exclude = [out_dir] if out_dir is not None else []
        for report in photos.iter_scan([root], exclude=exclude):
            key = _key(report.path)
            if key in seen:
                continue
            seen.add(key)
            row: dict[str, Any] = {"report": report, "stripped": None, "strip_error": None}
            if do_strip and out_dir is not None and report.status == photos.SCANNED:
                try:
                    row["stripped"] = _strip(report.path, root, out_dir, force, made)
                except KitError as exc:
                    row["strip_error"] = exc.message
            rows.append(row)

    recorded = _record([r["report"] for r in rows]) if record else None
    failed = any(r["report"].status == photos.ERROR or r["strip_error"] for r in rows)
    doc = {"check": "photo", "files": [_row_json(r) for r in rows],
           "summary": _summary(rows), "recorded": recorded}
    out(_text(rows, do_strip), doc)
    _advice(rows, do_strip, recorded is not None)
    if failed:
        raise click.exceptions.Exit(1)


def _key(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def _strip(path: Path, root: Path, out_dir: Path, force: bool, made: set[Path]) -> StripResult:
    """A clean copy of *path*, placed in *out_dir* where it sits under the folder *root*."""
    from kit.footprint import photo_strip, photos

    target_dir = out_dir
    if root.is_dir():
        target_dir = out_dir / path.parent.relative_to(root)
    target = _key(target_dir / path.name)
    if target in made:
        raise KitError(f"a picture with the same name was already cleaned into "
                       f"{photos.printable_path(target)} in this run; clean this one into "
                       "another folder")
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KitError(f"could not make the folder {photos.printable_path(target_dir)}: "
                       f"{exc.strerror}; no copy was made") from None
    result = photo_strip.strip(path, target_dir, force=force)
    made.add(target)
    return result


def _row_json(row: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = row["report"].to_json()
    stripped: StripResult | None = row["stripped"]
    doc["stripped"] = ({"output": str(stripped.output), "notes": list(stripped.notes)}
                       if stripped else None)
    doc["strip_error"] = row["strip_error"]
    return doc


def _summary(rows: list[dict[str, Any]]) -> dict[str, int]:
    from kit.footprint import photos

    reports: list[PhotoReport] = [r["report"] for r in rows]
    scanned = [r for r in reports if r.status == photos.SCANNED]
    return {
        "files": len(reports),
        "pictures": len(scanned),
        "with_metadata": sum(1 for r in scanned if not r.clean),
        "with_location": sum(1 for r in scanned if any(i.kind == "location" and
                                                       i.severity == "high" for i in r.items)),
        "clean": sum(1 for r in scanned if r.clean),
        "videos": sum(1 for r in reports if r.status == photos.VIDEO),
        "unsupported": sum(1 for r in reports if r.status == photos.UNSUPPORTED),
        "errors": sum(1 for r in reports if r.status == photos.ERROR),
        "skipped": sum(1 for r in reports if r.status == photos.SKIPPED),
        "stripped": sum(1 for r in rows if r["stripped"]),
        "strip_errors": sum(1 for r in rows if r["strip_error"]),
    }


def _text(rows: list[dict[str, Any]], do_strip: bool) -> str:
    from kit.footprint import photos

    if not rows:
        return "No files were found there."
    order = {level: n for n, level in enumerate(photos.SEVERITIES)}
    lines: list[str] = []
    skipped: list[str] = []
    for row in rows:
        report: PhotoReport = row["report"]
        name = photos.printable_path(report.path)
        if report.status == photos.SKIPPED:
            skipped.append(f"{name} ({report.reason})")
            continue
        if report.status == photos.ERROR:
            lines.append(f"{name}: could not be read: {report.reason}.")
        elif report.status == photos.VIDEO:
            lines.append(f"{name}: a video; it {report.reason}.")
        elif report.status == photos.UNSUPPORTED:
            lines.append(f"{name}: {report.reason}.")
        elif report.clean:
            lines.append(f"{name} ({report.format}): nothing found beyond the pixels.")
        else:
            count = len(report.items)
            lines.append(f"{name} ({report.format}): {count} thing{'s' if count != 1 else ''} "
                         f"found, the most serious {report.severity}:")
            for item in sorted(report.items, key=lambda i: order.get(i.severity, 9)):
                lines.append(f"  {item.severity:<6}  {item.describe()}  [{item.source}]")
        stripped: StripResult | None = row["stripped"]
        if stripped is not None:
            lines.append(f"  clean copy: {photos.printable_path(stripped.output)} (read back: "
                         "nothing left beyond the pixels)")
            lines.extend(f"    {note}" for note in stripped.notes)
        elif row["strip_error"]:
            lines.append(f"  no clean copy: {row['strip_error']}")
    if any(row["strip_error"] for row in rows) or any(
            row["report"].status == photos.UNSUPPORTED for row in rows):
        lines.append("A picture the kit cannot clean can be cleaned with exiftool: "
                     "`exiftool -all= FILE` on a copy.")
    if any(row["report"].status == photos.VIDEO for row in rows):
        lines.append("A video can be cleaned with ffmpeg: "
                     "`ffmpeg -i IN -map_metadata -1 -c copy OUT`.")
    if skipped:
        shown = skipped[:MAX_SKIPPED_NAMED]
        more = len(skipped) - len(shown)
        lines.append("Skipped (not pictures): " + "; ".join(shown)
                     + (f"; and {more} more" if more else "") + ".")
    summary = _summary(rows)
    parts = [f"{summary['pictures']} picture{'s' if summary['pictures'] != 1 else ''} read"]
    if summary["with_metadata"]:
        parts.append(f"{summary['with_metadata']} with more than pixels")
    if summary["with_location"]:
        parts.append(f"{summary['with_location']} showing where taken")
    if summary["videos"]:
        parts.append(f"{summary['videos']} video{'s' if summary['videos'] != 1 else ''} the "
                     "kit cannot read")
    if summary["errors"]:
        parts.append(f"{summary['errors']} could not be read")
    if do_strip:
        parts.append(f"{summary['stripped']} clean cop{'ies' if summary['stripped'] != 1 else 'y'}"
                     " made")
    lines.append("Summary: " + ", ".join(parts) + ".")
    return "\n".join(lines)


def _advice(rows: list[dict[str, Any]], do_strip: bool, recorded: bool) -> None:
    """What to do next, on stderr so stdout stays the report."""
    summary = _summary(rows)
    if not recorded and any(i.severity in ("high", "medium")
                            for r in rows for i in r["report"].items):
        say("Nothing was kept: add --record to keep what was found in your findings "
            "(`kit findings`), with the step that deals with it.")
    if do_strip:
        say("Your original files were not changed.")
        notes = {note for r in rows if r["stripped"] for note in r["stripped"].notes}
        for note in sorted(notes):
            say(f"Note: {note}.")
    elif summary["with_metadata"]:
        say("Before you share a picture, make a clean copy: `kit check photo FILE --strip "
            "--out FOLDER`.")
    if summary["with_location"]:
        say("To stop new photos recording where they were taken, turn off location access "
            "for your phone's camera app.")


def _record(reports: list[PhotoReport]) -> dict[str, int]:
    """Keep what was found in the findings register (kit.footprint.photos.record_findings)."""
    from kit.commands.context import warn_problems
    from kit.commands.services import open_footprint

    with open_footprint() as fp:
        added, gone = fp.record_photos(reports)
        warn_problems(fp.problems)
    say(f"Findings register: {added} picture{'s' if added != 1 else ''} recorded"
        + (f", {gone} marked fixed" if gone else "") + " (`kit findings` lists them).")
    return {"recorded": added, "fixed": gone}
