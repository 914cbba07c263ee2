#!/usr/bin/env python3
"""Preparedness speed: checklists, evidence files into the vault, evidence packs, safety-plan PDF.

Run with `make bench` (or `.venv/bin/python benchmarks/preparedness_bench.py [--quick]`). Prints a
table and writes benchmarks/results/preparedness_bench.json. Issue 4 sets no numeric targets, so
nothing is judged PASS or MISS and nothing is asserted: the figures are for reading.

Everything runs in a temporary folder (KIT_HOME, HOME and TMPDIR inside it) on the same disk as
/tmp; the vaults use KIT_KDF_PROFILE=minimum because the KDF is not what is measured here. All
data is deterministic: file contents are pseudo-random bytes from a seeded generator (so they do
not compress, like the screenshots and photos evidence mostly is), written by this process before
any child starts, so every file read is served from the OS page cache. Every figure but (a)'s
warm ones comes from a child process started through vault_bench's small launcher, so the peak
RSS it reports is the child's own, not this process's: ru_maxrss from wait4, or, where the child
reset its peak to measure one call (below), the largest VmHWM it read before each reset.

(a) Checklists. Cold: a fresh `python -c` process imports kit.guidance.checklists and calls
    load_library() once (read, parse and validate every shipped TOML file); the import and the
    call are timed apart inside the child, and the whole process from spawn to exit is timed by
    the launcher. "Cold" means a new process, not a cold disk. Warm: load_library() again in
    this process (each call stats every file to check its cache key), and next_steps() over the
    whole library for the UK with deterministic progress (about 25% done, 15% done and due for
    a re-check, 10% not applicable, 5% delegated, the rest never marked), without and with
    minutes=15. Medians.
(b) Evidence add. One child per file size creates a vault and an incident (not timed), then
    calls Incidents.add_file on the same source file several times (each a new evidence item
    and blob, one durable transaction). Time per file is the median wall time of the call;
    MiB/s is the file size over that time. Peak RSS growth of one call is read on Linux by
    resetting the peak (writing 5 to /proc/self/clear_refs) just before the call and reading
    VmHWM after it, minus VmRSS before it; the largest over the repeats is shown, also as a
    multiple of the file size (1.0x: one whole copy of the file in memory at the peak).
(c) Evidence pack. One child per container (folder, zip, age with a passphrase) creates a vault
    and an incident with 10 files of 5 MiB (not timed), then exports the pack with export_pack
    (records from vault.snapshot() taken inside the timed part, as the CLI does just before)
    and checks it with verify_pack, several times. MiB/s is the 50 MiB of evidence over the
    wall time. Peak RSS growth per call as in (b). The scrypt cost that age puts on any
    passphrase-encrypted file is timed alone in the age child (encrypting and decrypting one
    byte), because it does not depend on the pack's size; rage chooses the scrypt work factor
    for each file by timing itself (about one second), so it varies with the machine's load, and
    the work factor of every pack is recorded.
(d) Safety plan PDF. One child renders, with render_pdf, an empty plan first (that first call
    also imports fpdf2 and loads the font), then an empty, a full (every part filled at a
    realistic length) and an overfull plan (every part far too long, so the page is set
    smaller and cut), several times each. Medians.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import vault_bench  # noqa: E402  (the process launcher, medians and clock)
from vault_bench import Clock, base_env, median, run_command  # noqa: E402

import kit  # noqa: E402

ROOT = BENCH_DIR.parent
RESULTS_FILE = BENCH_DIR / "results" / "preparedness_bench.json"
PASSPHRASE = "correct horse battery staple, benchmark only"
PACK_PASSPHRASE = "a separate passphrase for the benchmark pack"
SEED = 20240517
MIB = 1024 * 1024
ADD_SIZES_MIB = (1, 20, 100)
PACK_FILES, PACK_FILE_MIB = 10, 5
CONTAINERS = ("folder", "zip", "age")
TODAY = date(2027, 1, 15)  # fixed, so the progress and re-check dates are the same every run
WHEN = datetime(2026, 11, 2, 21, 40, tzinfo=UTC)  # in the past: add() refuses the future

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    quick: bool
    cold_runs: int
    warm_runs: int
    add_runs: dict[int, int]  # file size in MiB -> repeats
    pack_runs: int
    pdf_runs: int


def settings_from(quick: bool) -> Settings:
    if quick:
        return Settings(True, 2, 30, {1: 2, 20: 1, 100: 1}, 1, 2)
    return Settings(False, 5, 200, {1: 5, 20: 3, 100: 3}, 3, 5)


# --- measuring inside a child ---


def _proc_kib(field: str) -> int | None:
    """A line of /proc/self/status in KiB (VmRSS, VmHWM); None off Linux."""
    with contextlib.suppress(OSError, ValueError, IndexError), \
            open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


def _reset_peak() -> bool:
    """Make VmHWM start again from the current RSS (Linux 4.0+)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


# The child's own peak RSS over its whole life. Resetting VmHWM also resets what the kernel
# reports as ru_maxrss at exit, so each peak is read and kept before it is reset.
_process_peak_kib = 0


def process_peak_kib() -> int:
    global _process_peak_kib
    _process_peak_kib = max(_process_peak_kib, _proc_kib("VmHWM") or 0)
    return _process_peak_kib


def timed(fn: Callable[[], T]) -> tuple[T, dict[str, Any]]:
    """Run *fn* once: wall and CPU time, RSS before, and the peak RSS reached during it."""
    gc.collect()
    process_peak_kib()
    reset = _reset_peak()
    before = _proc_kib("VmRSS")
    clock = Clock.start()
    value = fn()
    took = clock.elapsed()
    peak = _proc_kib("VmHWM") if reset else None
    growth = None if peak is None or before is None else max(0, peak - before)
    return value, {"s": took.wall, "cpu_s": took.cpu, "rss_before_kib": before,
                   "peak_kib": peak, "growth_kib": growth}


def _summary(samples: Sequence[dict[str, Any]], payload_bytes: int) -> dict[str, Any]:
    seconds = [s["s"] for s in samples]
    growths = [s["growth_kib"] for s in samples if s["growth_kib"] is not None]
    mid = median(seconds)
    top = max(growths) if growths else None
    return {
        "median_s": mid, "min_s": min(seconds), "max_s": max(seconds), "runs_s": seconds,
        "cpu_median_s": median([s["cpu_s"] for s in samples]),
        "mib_per_s": payload_bytes / MIB / mid if mid > 0 else None,
        "rss_before_mib": median([s["rss_before_kib"] or 0 for s in samples]) / 1024,
        "peak_growth_mib": None if top is None else top / 1024,
        "peak_growth_x": None if top is None or not payload_bytes else top * 1024 / payload_bytes,
        "runs": len(samples),
    }


def _new_vault(vault_path: Path) -> Any:
    from kit.vault import Vault

    vault, _recovery = Vault.create(vault_path, PASSPHRASE, profile="minimum")
    return vault


def child_add(params: dict[str, Any]) -> dict[str, Any]:
    from kit.records.incidents import Incidents

    source = Path(params["source"])
    size = source.stat().st_size
    vault_path = Path(params["vault"])
    samples = []
    with _new_vault(vault_path) as vault:
        log = Incidents(vault)
        incident = log.add(category="doxing", platform="X", when=WHEN,
                           description="Benchmark incident.")
        for _ in range(params["runs"]):
            item, sample = timed(lambda: log.add_file(
                incident.id, source, captured_by="Sam", method="screenshot"))
            assert item.size == size
            samples.append(sample)
    stored = sum(p.stat().st_size for p in vault_path.iterdir() if p.is_file())
    return {"size_bytes": size, **_summary(samples, size),
            "vault_bytes_per_file_byte": stored / (size * len(samples))}


def _age_log_n(sealed: bytes) -> int | None:
    """The scrypt work factor (log2 N) from an age header's scrypt stanza."""
    found = re.search(rb"^-> scrypt \S+ (\d+)$", sealed[:4096], re.MULTILINE)
    return int(found.group(1)) if found else None


def child_pack(params: dict[str, Any]) -> dict[str, Any]:
    from kit.records.incidents import Incidents
    from kit.reports.evidence_pack import PackReport, PackResult, export_pack, verify_pack

    container = params["container"]
    files = [Path(p) for p in params["files"]]
    evidence_bytes = sum(p.stat().st_size for p in files)
    out_dir = Path(params["out_dir"])
    suffix = {"folder": "", "zip": ".zip", "age": ".age"}[container]
    passphrase = PACK_PASSPHRASE if container == "age" else None
    exports, verifies, pack_sizes = [], [], []
    log_ns: list[int | None] = []
    result: dict[str, Any] = {"container": container, "evidence_bytes": evidence_bytes}
    with _new_vault(Path(params["vault"])) as vault:
        log = Incidents(vault)
        incident = log.add(category="doxing", platform="X", when=WHEN,
                           description="Benchmark incident.")
        for path in files:
            log.add_file(incident.id, path, captured_by="Sam", method="screenshot")
        for run in range(params["runs"]):
            out = out_dir / f"pack-{run}{suffix}"

            def export(out: Path = out) -> PackResult:
                return export_pack(log, vault.snapshot().records, incident.id, out,
                                   encrypt_passphrase=passphrase, exported_by="Sam")

            def verify(out: Path = out) -> PackReport:
                return verify_pack(out, passphrase=passphrase)

            packed, sample = timed(export)
            exports.append(sample)
            pack_sizes.append(packed.bytes)
            report, sample = timed(verify)
            if not report.intact or len(report.files) != len(files) + 2:
                raise SystemExit(f"verify_pack did not find the {container} pack intact: "
                                 f"{[f.to_json() for f in report.findings]}")
            verifies.append(sample)
            if container == "age":  # rage picks N per file, timed to take about a second
                with open(out, "rb") as fh:
                    log_ns.append(_age_log_n(fh.read(4096)))
            if out.is_dir():
                shutil.rmtree(out)
            else:
                out.unlink()
    result["export"] = _summary(exports, evidence_bytes)
    result["verify"] = _summary(verifies, evidence_bytes)
    result["pack_bytes"] = median(pack_sizes)
    if container == "age":
        import pyrage

        sealed, enc = timed(lambda: pyrage.passphrase.encrypt(b"x", PACK_PASSPHRASE))
        _plain, dec = timed(lambda: pyrage.passphrase.decrypt(sealed, PACK_PASSPHRASE))
        log_n = _age_log_n(sealed)
        result["scrypt"] = {
            "pack_log_n": log_ns, "encrypt_s": enc["s"], "decrypt_s": dec["s"], "log_n": log_n,
            # scrypt needs 128 * r * N bytes; age uses r = 8
            "memory_mib": None if log_n is None else 128 * 8 * 2**log_n / MIB,
            "encrypt_growth_mib": (enc["growth_kib"] or 0) / 1024,
            "decrypt_growth_mib": (dec["growth_kib"] or 0) / 1024,
        }
    return result


# Filled in the benchmark's own words; lengths like a plan someone actually wrote.
FULL_TEXT: dict[str, Any] = {
    "police_references": "Devon and Cornwall Police, 3 December 2026: crime reference "
                         "CR/0451/26 (malicious communications).\nCAD 1187, 4 December 2026, "
                         "hoax call to the house; officer PC 2231 Hughes.",
    "police_non_emergency": "101, ask for the Exeter neighbourhood team. They agreed to put a "
                            "marker on the address so a call-out is checked first.",
    "workplace_contact": "Dana Whitfield, designated safeguarding lead: 01632 960 412 (office) "
                         "or 07700 900 318 (out of hours). HR: Priya on 01632 960 400.",
    "household_plan": "Mo collects the children from school if I cannot. If we have to leave, "
                      "we meet at Auntie Jo's on Station Road. The dog goes with whoever is "
                      "home. Nobody posts about where we are until this is over.",
    "if_police_arrive": "Hands empty and visible, no sudden moves, do what they say. Once it "
                        "is calm: 'I believe this is a hoax call; my details were posted "
                        "online; the crime reference is CR/0451/26.' Tell them Mo and the two "
                        "children are upstairs.",
    "evidence_location": "Frontline Kit on the laptop in the study (kit incident list). The "
                         "original screenshots stay in the Evidence folder on the USB stick in "
                         "the desk drawer.",
    "support_services": "Professionals Online Safety Helpline; the employee assistance line "
                        "from work; Victim Support.",
}


def _plans() -> dict[str, Any]:
    from kit.records.document import Contact
    from kit.records.safety_plan import TEXT_FIELDS, SafetyPlanDocument

    long = "We talked it through and wrote down every step, so nobody has to think. " * 50
    overfull_text: dict[str, Any] = {f.key: f"{f.label}: {long}" for f in TEXT_FIELDS}
    return {
        "empty": SafetyPlanDocument(),
        "full": SafetyPlanDocument(
            trusted_people=(Contact("Mo (partner)", "07700 900 211"),
                            Contact("Jo Carter (sister)", "07700 900 754"),
                            Contact("Sam Okafor (colleague)", "sam.okafor@example.org")),
            review_date=date(2027, 4, 1), **FULL_TEXT),
        "overfull": SafetyPlanDocument(
            trusted_people=tuple(Contact(f"Person {n}", f"07700 900{n:03}") for n in range(40)),
            review_date=date(2027, 4, 1),
            **overfull_text),
    }


def child_pdf(params: dict[str, Any]) -> dict[str, Any]:
    clock = Clock.start()
    from kit.reports.safety_plan_export import render_pdf

    plans = _plans()
    first = render_pdf(plans["empty"], TODAY)
    result: dict[str, Any] = {"first_call_s": clock.elapsed().wall, "font": first.font}
    for name, plan in plans.items():
        samples = []
        for _ in range(params["runs"]):
            out, sample = timed(partial(render_pdf, plan, TODAY))
            samples.append(sample)
        result[name] = {**_summary(samples, 0), "pdf_bytes": len(out.data),
                        "parts_cut": len(out.cut), "chars": sum(
                            len(str(v)) for v in plan.to_json().values() if v)}
    return result


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "add": child_add, "pack": child_pack, "pdf": child_pdf}

# (a), cold: nothing imported before the clock starts but json and time.
CHECKLIST_CHILD = r"""
import json, time
t0 = time.perf_counter()
from kit.guidance.checklists import load_library
t1 = time.perf_counter()
library = load_library()
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "sections": len(library.sections),
                  "items": len(library.items)}))
"""


# --- the parent ---


def _run_child(argv: list[str], env: dict[str, str], what: str) -> tuple[dict[str, Any], float]:
    """Run a child through the launcher: its last line of JSON and its peak RSS in MiB."""
    run = run_command(argv, env, timeout=600)
    if run.returncode != 0:
        raise SystemExit(f"the {what} child failed (exit {run.returncode}):\n{run.output[-3000:]}")
    return json.loads(run.output.strip().splitlines()[-1]), run.maxrss_kib / 1024


def _child(task: str, params: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", task,
            "--params", json.dumps(params)]
    result, maxrss = _run_child(argv, env, task)
    result["launcher_maxrss_mib"] = maxrss  # low after a VmHWM reset; kept for the record
    result["child_maxrss_mib"] = max(maxrss, result["process_peak_kib"] / 1024)
    return result


def write_random_file(path: Path, size: int, seed: int) -> None:
    rng = random.Random(seed)
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, MIB)
            fh.write(rng.randbytes(n))
            left -= n


def make_progress(library: Any) -> dict[str, Any]:
    from kit.records.progress import ItemProgress

    rng = random.Random(SEED)
    progress = {}
    for item in library.for_region("uk"):
        roll = rng.random()
        if roll < 0.25:
            progress[item.id] = ItemProgress(item.id, "done", done_on=TODAY - timedelta(days=20),
                                             next_check=TODAY + timedelta(days=70))
        elif roll < 0.40:
            progress[item.id] = ItemProgress(item.id, "done", done_on=TODAY - timedelta(days=120),
                                             next_check=TODAY - timedelta(days=30))
        elif roll < 0.50:
            progress[item.id] = ItemProgress(item.id, "na")
        elif roll < 0.55:
            progress[item.id] = ItemProgress(item.id, "delegated", delegated_to="Jo")
    return progress


def measure_checklists(settings: Settings, env: dict[str, str]) -> dict[str, Any]:
    from kit.guidance.checklists import load_library, shipped_folder
    from kit.guidance.planner import next_steps

    colds = []
    for _ in range(settings.cold_runs):
        result, maxrss = _run_child([sys.executable, "-c", CHECKLIST_CHILD], env, "checklist")
        colds.append(result | {"maxrss_mib": maxrss})
    library = load_library()
    warm = []
    for _ in range(settings.warm_runs):
        clock = Clock.start()
        load_library()
        warm.append(clock.elapsed().wall)
    progress = make_progress(library)
    runs: dict[str, list[float]] = {"plain": [], "minutes15": []}
    plan = next_steps(library, progress, TODAY)
    for _ in range(settings.warm_runs):
        for key, minutes in (("plain", None), ("minutes15", 15)):
            clock = Clock.start()
            next_steps(library, progress, TODAY, minutes=minutes)
            runs[key].append(clock.elapsed().wall)
    files = sorted(shipped_folder().glob("*.toml"))
    return {
        "files": len(files), "toml_bytes": sum(p.stat().st_size for p in files),
        "sections": len(library.sections), "items": len(library.items),
        "uk_items": len(library.for_region("uk")),
        "cold_import_s": median([c["import_s"] for c in colds]),
        "cold_load_s": median([c["load_s"] for c in colds]),
        "cold_runs_s": [c["load_s"] for c in colds],
        "cold_maxrss_mib": median([c["maxrss_mib"] for c in colds]),
        "warm_load_s": median(warm),
        "next_steps_s": median(runs["plain"]), "next_steps_15_s": median(runs["minutes15"]),
        "progress_marked": len(progress), "open_steps": plan.total - plan.done,
        "done_or_closed": plan.done, "total_uk": plan.total,
    }


def _git_state() -> str | None:
    return vault_bench._git_state()


def _loadavg() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def _filesystem(path: Path) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True,
                              text=True, timeout=10)
        if done.returncode == 0:
            return done.stdout.split()[-1]
    return "?"


# --- report ---


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value * 1000:,.1f} ms"


def secs(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f} s" if value >= 1 else ms(value)


def mib(value: float | None, unit: str = "MiB") -> str:
    return "—" if value is None else f"{value:,.1f} {unit}"


def times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def render(doc: dict[str, Any]) -> str:
    meta, a, adds, packs, pdf = (doc["meta"], doc["checklists"], doc["evidence_add"],
                                 doc["evidence_pack"], doc["safety_plan_pdf"])
    load = meta["loadavg_before"], meta["loadavg_after"]
    lines = [
        f"Frontline Kit preparedness benchmark — {meta['date']}",
        f"kit {meta['kit_version']} ({meta['git']}) · Python {meta['python']} · "
        f"{meta['platform']} · {meta['cpus']} CPUs · load average before/after "
        f"{load[0] or 0:.2f} / {load[1] or 0:.2f}",
        f"temporary folder on {meta['filesystem']}; vaults with KIT_KDF_PROFILE=minimum (KDF not "
        f"measured); {'QUICK run, ' if meta['settings']['quick'] else ''}medians unless said",
        "",
        f"(a) checklists: {a['files']} files ({a['toml_bytes'] / 1024:,.0f} KiB), "
        f"{a['sections']} sections, {a['items']} items ({a['uk_items']} for uk)",
    ]
    w = 54

    def line(label: str, value: str, note: str = "") -> None:
        lines.append(f"  {label:<{w}}{value:>12}" + (f"  {note}" if note else ""))

    line("load_library() cold: import kit.guidance.checklists", ms(a["cold_import_s"]),
         f"fresh process, n={len(a['cold_runs_s'])}")
    line("load_library() cold: first call (parse + validate)", ms(a["cold_load_s"]),
         f"child peak RSS {a['cold_maxrss_mib']:.0f} MiB")
    line("load_library() warm (cached; stats each file)", ms(a["warm_load_s"]),
         f"n={meta['settings']['warm_runs']}")
    line(f"next_steps(), uk, {a['progress_marked']} items marked", ms(a["next_steps_s"]),
         f"{a['open_steps']} open of {a['total_uk']}")
    line("next_steps(minutes=15)", ms(a["next_steps_15_s"]))

    sizes = [str(s) for s in ADD_SIZES_MIB]
    cw = 12
    lines += ["", "(b) evidence add: Incidents.add_file, one file per call",
              f"  {'file size':<{w - 12}}" + "".join(f"{s + ' MiB':>{cw}}" for s in sizes),
              "  " + "-" * (w - 12 + cw * len(sizes))]

    def row(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"  {label:<{w - 12}}" + "".join(f"{fn(adds[s]):>{cw}}" for s in sizes))

    row("time per file", lambda r: secs(r["median_s"]))
    row("  slowest call", lambda r: secs(r["max_s"]))
    row("  CPU time of the call", lambda r: secs(r["cpu_median_s"]))
    row("throughput", lambda r: mib(r["mib_per_s"], "MiB/s"))
    row("RSS before the call", lambda r: mib(r["rss_before_mib"]))
    row("peak RSS growth during the call (max)", lambda r: mib(r["peak_growth_mib"]))
    row("  as a multiple of the file size", lambda r: times(r["peak_growth_x"]))
    row("peak RSS of the whole child process", lambda r: mib(r["child_maxrss_mib"]))
    row("vault bytes on disk per file byte", lambda r: f"{r['vault_bytes_per_file_byte']:.3f}")
    row("calls", lambda r: str(r["runs"]))

    lines += ["", f"(c) evidence pack: {PACK_FILES} x {PACK_FILE_MIB} MiB files "
              f"({PACK_FILES * PACK_FILE_MIB} MiB of evidence), pseudo-random (incompressible)",
              f"  {'container':<{w - 12}}" + "".join(f"{c:>{cw}}" for c in CONTAINERS),
              "  " + "-" * (w - 12 + cw * len(CONTAINERS))]

    def prow(label: str, fn: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"  {label:<{w - 12}}" + "".join(f"{fn(packs[c]):>{cw}}"
                                                       for c in CONTAINERS))

    prow("export_pack", lambda r: secs(r["export"]["median_s"]))
    prow("  throughput", lambda r: mib(r["export"]["mib_per_s"], "MiB/s"))
    prow("  peak RSS growth (max)", lambda r: mib(r["export"]["peak_growth_mib"]))
    prow("  as a multiple of the evidence", lambda r: times(r["export"]["peak_growth_x"]))
    prow("verify_pack", lambda r: secs(r["verify"]["median_s"]))
    prow("  throughput", lambda r: mib(r["verify"]["mib_per_s"], "MiB/s"))
    prow("  peak RSS growth (max)", lambda r: mib(r["verify"]["peak_growth_mib"]))
    prow("  as a multiple of the evidence", lambda r: times(r["verify"]["peak_growth_x"]))
    prow("pack size", lambda r: mib(r["pack_bytes"] / MIB))
    prow("RSS before a call", lambda r: mib(r["export"]["rss_before_mib"]))
    prow("peak RSS of the whole child process", lambda r: mib(r["child_maxrss_mib"]))
    prow("exports / verifies", lambda r: f"{r['export']['runs']} / {r['verify']['runs']}")
    scrypt = packs["age"].get("scrypt")
    if scrypt:
        lines.append(
            f"  age's passphrase scrypt alone (log2 N = {scrypt['log_n']}, "
            f"{mib(scrypt['memory_mib'])}): encrypt {secs(scrypt['encrypt_s'])}, decrypt "
            f"{secs(scrypt['decrypt_s'])}, peak growth {mib(scrypt['encrypt_growth_mib'])} / "
            f"{mib(scrypt['decrypt_growth_mib'])}")
        lines.append("  log2 N that rage chose for each age pack (it times itself to about 1 s): "
                     + ", ".join(str(n) for n in scrypt["pack_log_n"]))

    lines += ["", f"(d) safety plan PDF: render_pdf, font {pdf['font']}",
              f"  {'first call in a fresh process (empty plan; imports fpdf2)':<{w}}"
              f"{secs(pdf['first_call_s']):>12}"]
    for name in ("empty", "full", "overfull"):
        r = pdf[name]
        line(f"{name} plan ({r['chars']:,} chars of fields)", ms(r["median_s"]),
             f"{r['pdf_bytes'] / 1024:,.0f} KiB PDF, {r['parts_cut']} parts cut, n={r['runs']}")
    line("peak RSS of the whole child process", mib(pdf["child_maxrss_mib"]))
    lines += ["", f"whole run {meta['total_s']:.0f} s · JSON: {RESULTS_FILE.relative_to(ROOT)}"]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer repeats")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        result = CHILDREN[args.child](json.loads(args.params or "{}"))
        print(json.dumps(result | {"process_peak_kib": process_peak_kib()}))
        return 0
    settings = settings_from(args.quick)
    load_before = _loadavg()
    started = time.perf_counter()
    home = Path(tempfile.mkdtemp(prefix="kit-prep-bench-"))
    try:
        for sub in ("tmp", "config", "data", "cache", "state", "kit", "files", "out"):
            (home / sub).mkdir()
        env = base_env(home) | {"KIT_HOME": str(home / "kit"), "KIT_KDF_PROFILE": "minimum"}
        os.environ["KIT_HOME"] = str(home / "kit")  # for (a)'s warm calls in this process

        print("(a) checklists ...", file=sys.stderr)
        checklists = measure_checklists(settings, env)

        print("writing the evidence files ...", file=sys.stderr)
        sources = {}
        for size in ADD_SIZES_MIB:
            sources[size] = home / "files" / f"evidence-{size}mib.png"
            write_random_file(sources[size], size * MIB, SEED + size)
        pack_files = []
        for n in range(PACK_FILES):
            path = home / "files" / f"pack-{n:02}.jpg"
            write_random_file(path, PACK_FILE_MIB * MIB, SEED + 1000 + n)
            pack_files.append(str(path))

        adds = {}
        for size in ADD_SIZES_MIB:
            print(f"(b) evidence add, {size} MiB ...", file=sys.stderr)
            vault = home / "kit" / f"add-{size}"
            adds[str(size)] = _child("add", {"source": str(sources[size]), "vault": str(vault),
                                             "runs": settings.add_runs[size]}, env)
            shutil.rmtree(vault, ignore_errors=True)
        packs = {}
        for container in CONTAINERS:
            print(f"(c) evidence pack, {container} ...", file=sys.stderr)
            vault = home / "kit" / f"pack-{container}"
            packs[container] = _child("pack", {
                "container": container, "files": pack_files, "vault": str(vault),
                "out_dir": str(home / "out"), "runs": settings.pack_runs}, env)
            shutil.rmtree(vault, ignore_errors=True)
        print("(d) safety plan PDF ...", file=sys.stderr)
        pdf = _child("pdf", {"runs": settings.pdf_runs}, env)
        filesystem = _filesystem(home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "kit_version": kit.__version__,
        "git": _git_state(),
        "python": platform.python_version(),
        "platform": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "filesystem": filesystem,
        "seed": SEED,
        "today": TODAY.isoformat(),
        "settings": {"quick": settings.quick, "cold_runs": settings.cold_runs,
                     "warm_runs": settings.warm_runs,
                     "add_runs": {str(k): v for k, v in settings.add_runs.items()},
                     "pack_runs": settings.pack_runs, "pdf_runs": settings.pdf_runs},
        "loadavg_before": load_before,
        "loadavg_after": _loadavg(),
        "total_s": time.perf_counter() - started,
        "method": (__doc__ or "").split("\n\n", 2)[-1],
    }
    document = {"meta": meta, "checklists": checklists, "evidence_add": adds,
                "evidence_pack": packs, "safety_plan_pdf": pdf}
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    print(render(document))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
