#!/usr/bin/env python3
"""Username scan speed and accuracy: the kit's engine against Sherlock, on the same fake sites.

Run with `make bench` (or `.venv/bin/python benchmarks/scan_bench.py [--runs N] [--quick]`).
Prints a table and writes benchmarks/results/scan_bench.json.

The sites (issue 5, "What must be shown"; research/footprint.md §9):
- 500 fake sites, each listening on its own loopback address (127.1.x.y, one port each), so a
  per-host cap behaves as it would on the internet. One asyncio server process serves them all.
- Seeded latency per site: lognormal with median 200 ms and sigma 0.8 (a long tail), capped at
  3 s, and 2% of the sites (10) never answer: they read the request and wait.
- Detection kinds in Sherlock's proportions (research §2): about 60% status_code, 30% message
  (a "not found" page with status 200, a soft 404), 10% response_url (302 when missing).
- Variants from research §9: 2% answer with a Cloudflare challenge page (403, Sherlock's own
  fingerprint in the body, and `cf-mitigated: challenge`), 2% answer the first request of each run
  with 429 and `Retry-After: 1` and then normally, and 3% have a regexCheck the scanned name
  fails (so neither engine should send anything to them). Half the other sites have the account.
- Ground truth: the regexCheck sites are skipped; the challenge pages and the sites that never
  answer are uncertain (no engine can know); every other site is found or not found as it was
  generated.

The engines, each run in a fresh process (never the server's), on the same data.json:
- Sherlock: `sherlock_project.sherlock.sherlock()` with a silent QueryNotify, as research §9
  describes (no update check, no remote manifest, no exclusion list). Its pool is fixed at 20
  threads. It is pip-installed by this script into its own venv under benchmarks/.work/.
- The kit: kit.footprint.sites reads the same data.json (the Sherlock importer), then plan_scan,
  Transport.open and scan, at several concurrencies (the kit's default among them). Each
  concurrency is run as a first scan (nothing remembered) and as a later scan, which starts from
  what the scan before it learned (kit/footprint/scan_memory.py: the sites slow or silent last
  time go first). The memory is kept in a file in the run's temporary folder, as JSON, because
  these sites are fake; the kit keeps it in the encrypted vault.
Both use the same per-request timeout (5 s by default, --timeout). Each driver refuses (and
counts) any connection to a non-loopback address, so nothing here reaches the internet.

Measured: wall time of the scan call (data already loaded; medians of --runs runs), time to the
first result, requests the server received, CPU time and peak RSS of the driver, and a confusion
matrix against the ground truth.

The bound: an engine with no overhead at all, running C requests at a time, packs the jobs onto
C workers, each job lasting its site's seeded latency (a site that never answers: the timeout; a
429 site: its latency, the 1 s Retry-After and its latency again, for an engine that honours it;
a skipped site: nothing). The script computes that makespan exactly by greedy list scheduling
(next job to the first free worker) twice: with the jobs longest first (LPT, the bound judged:
what an engine that knew every site's time would do) and in the plan's order (what an engine
that knows nothing can do), and also the simple floor max(timeout, total work / C). Targets
(issue 16): the kit's accuracy at least Sherlock's, at least 2x faster than Sherlock, and within
1.2x of the longest-first bound. They are judged for each row and printed as PASS or MISS;
nothing is asserted. The load average is printed with the figures: the machine may be shared.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
VENV = WORK / "sherlock-venv"
RESULTS_FILE = BENCH_DIR / "results" / "scan_bench.json"

SEED = 5
SITES = 500
MEDIAN_LATENCY = 0.2
SIGMA = 0.8
LATENCY_CAP = 3.0
HANG_SHARE = 0.02
WAF_SHARE = 0.02
LIMITED_SHARE = 0.02
ILLEGAL_SHARE = 0.03
RETRY_AFTER = 1
USERNAME = "frontlinebench"
NOT_FOUND_TEXT = "No such user here."
WAF_BODY = ('<html><head><title>Just a moment...</title></head><body>'
            '<span id="challenge-error-text">Enable JavaScript and cookies to continue</span>'
            '</body></html>')
STATUSES = ("found", "not_found", "uncertain", "skipped")
SHERLOCK_MAP = {"Claimed": "found", "Available": "not_found", "Unknown": "uncertain",
                "WAF": "uncertain", "Illegal": "skipped"}


# --- the fake sites ---


@dataclass(frozen=True)
class FakeSite:
    index: int
    ip: str
    latency: float
    kind: str  # status_code | message | response_url
    exists: bool
    variant: str  # normal | hang | waf | limited | illegal

    @property
    def truth(self) -> str:
        if self.variant == "illegal":
            return "skipped"
        if self.variant in ("hang", "waf"):
            return "uncertain"
        return "found" if self.exists else "not_found"


def make_sites(seed: int = SEED, count: int = SITES) -> list[FakeSite]:
    rng = random.Random(seed)
    latencies = [min(LATENCY_CAP, rng.lognormvariate(math.log(MEDIAN_LATENCY), SIGMA))
                 for _ in range(count)]
    order = list(range(count))
    rng.shuffle(order)
    shares = [("hang", HANG_SHARE), ("waf", WAF_SHARE), ("limited", LIMITED_SHARE),
              ("illegal", ILLEGAL_SHARE)]
    variant: dict[int, str] = {}
    start = 0
    for name, share in shares:
        n = round(count * share)
        for index in order[start:start + n]:
            variant[index] = name
        start += n
    sites = []
    for i in range(count):
        kind = rng.choices(["status_code", "message", "response_url"], weights=[60, 30, 10])[0]
        exists = rng.random() < 0.5
        ip = f"127.1.{i // 250}.{i % 250 + 1}"
        sites.append(FakeSite(i, ip, latencies[i], kind, exists, variant.get(i, "normal")))
    return sites


def sherlock_data(sites: Sequence[FakeSite], ports: Sequence[int]) -> dict[str, Any]:
    """The sites in Sherlock's data.json format: what both engines read."""
    data: dict[str, Any] = {}
    for site, port in zip(sites, ports, strict=True):
        base = f"http://{site.ip}:{port}"
        entry: dict[str, Any] = {"url": f"{base}/u/{{}}", "urlMain": f"{base}/",
                                 "errorType": site.kind, "username_claimed": "someone"}
        if site.kind == "message":
            entry["errorMsg"] = NOT_FOUND_TEXT
        if site.variant == "illegal":
            entry["regexCheck"] = "^[0-9]+$"  # the scanned name has letters: never sent
        data[f"site{site.index:03d}"] = entry
    return data


# --- the server (run as `scan_bench.py --serve FILE` in its own process) ---


def _answer(site: FakeSite, nth: int) -> tuple[int, list[tuple[str, str]], bytes]:
    html = [("Content-Type", "text/html; charset=utf-8")]
    if site.variant == "waf":
        return 403, [*html, ("cf-mitigated", "challenge")], WAF_BODY.encode()
    if site.variant == "limited" and nth == 1:
        return 429, [("Retry-After", str(RETRY_AFTER))], b"Too many requests"
    profile = f"<html><body><h1>{USERNAME}</h1><p>profile</p></body></html>".encode()
    if site.kind == "status_code":
        return (200, html, profile) if site.exists else (404, html, b"<html>404</html>")
    if site.kind == "message":
        return 200, html, profile if site.exists else \
            f"<html><body><p>{NOT_FOUND_TEXT}</p></body></html>".encode()
    if site.exists:
        return 200, html, profile
    return 302, [("Location", "/")], b""


async def _serve(config_path: Path) -> None:
    config = json.loads(config_path.read_text())
    sites = [FakeSite(**s) for s in config["sites"]]
    seen = [0] * len(sites)
    methods: Counter[str] = Counter()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     index: int) -> None:
        site = sites[index]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method = lines[0].split(" ")[0]
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip() or 0)
                if length:
                    await reader.readexactly(length)
                seen[index] += 1
                methods[method] += 1
                if site.variant == "hang":
                    await reader.read()  # never answer; wait for the client to give up
                    return
                await asyncio.sleep(site.latency)
                status, headers, body = _answer(site, seen[index])
                out = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in headers]
                out += [f"Content-Length: {len(body)}", "Connection: keep-alive", "", ""]
                writer.write("\r\n".join(out).encode("latin-1"))
                if method != "HEAD":
                    writer.write(body)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = (await reader.readline()).decode()
        if line.startswith("reset"):
            for i in range(len(seen)):
                seen[i] = 0
            methods.clear()
        writer.write((json.dumps({"requests": sum(seen), "by_method": dict(methods),
                                  "by_site": seen}) + "\n").encode())
        await writer.drain()
        writer.close()

    servers = []
    for site in sites:
        servers.append(await asyncio.start_server(
            lambda r, w, i=site.index: handle(r, w, i), host=site.ip, port=0, backlog=64))
    ctl = await asyncio.start_server(control, host="127.0.0.1", port=0)
    ports = [s.sockets[0].getsockname()[1] for s in servers]
    print(json.dumps({"ports": ports, "control": ctl.sockets[0].getsockname()[1]}), flush=True)
    await asyncio.Event().wait()


def raise_file_limit() -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = 8192 if hard == resource.RLIM_INFINITY else min(hard, 8192)
        if soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ImportError, ValueError, OSError):
        pass


class Server:
    """The fake-site server process and its control port."""

    def __init__(self, sites: Sequence[FakeSite], folder: Path) -> None:
        config = folder / "server.json"
        config.write_text(json.dumps({"sites": [asdict(s) for s in sites]}))
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", str(config)],
            stdout=subprocess.PIPE, text=True, start_new_session=True)
        assert self.process.stdout is not None
        ready = json.loads(self.process.stdout.readline())
        self.ports: list[int] = ready["ports"]
        self.control: int = ready["control"]

    def ask(self, word: str) -> dict[str, Any]:
        import socket

        with socket.create_connection(("127.0.0.1", self.control), timeout=10) as conn:
            conn.sendall(f"{word}\n".encode())
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
        result: dict[str, Any] = json.loads(data)
        return result

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- the drivers (each run is a fresh process) ---

GUARD = '''
import ipaddress, socket
_outside = []
_connect = socket.socket.connect
def _guarded(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        try:
            inside = ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            inside = False
        if not inside:
            _outside.append(str(address[0]))
            raise ConnectionRefusedError("the benchmark stays on loopback")
    return _connect(self, address)
socket.socket.connect = _guarded
'''

USAGE = '''
import resource, time
def _usage():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime, r.ru_maxrss
'''

SHERLOCK_DRIVER = GUARD + USAGE + '''
import json, sys
from sherlock_project.sherlock import sherlock
from sherlock_project.notify import QueryNotify
from sherlock_project.result import QueryStatus
from importlib.metadata import version

data_path, username, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
site_data = json.load(open(data_path))

class Silent(QueryNotify):
    first = None
    def update(self, result):
        if self.first is None and result.status is not QueryStatus.ILLEGAL:
            self.first = time.perf_counter()

notify = Silent()
cpu0, _ = _usage()
start = time.perf_counter()
results = sherlock(username, site_data, notify, timeout=timeout)
elapsed = time.perf_counter() - start
cpu1, rss = _usage()
print(json.dumps({"elapsed": elapsed, "first": (notify.first or start + elapsed) - start,
                  "cpu": cpu1 - cpu0, "rss_kib": rss, "outside": _outside,
                  "version": version("sherlock-project"),
                  "statuses": {k: str(v["status"].status) for k, v in results.items()}}))
'''

KIT_DRIVER = GUARD + USAGE + '''
import json, sys
from pathlib import Path
from kit.footprint.sites import load_file
from kit.footprint.transport import Transport
from kit.footprint.scan_memory import ScanMemory, from_data
from kit.footprint.usernames import ScanSettings, plan_scan, scan

data_path, username = sys.argv[1], sys.argv[2]
timeout, concurrency, deadline = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
memory_path = Path(sys.argv[6])
memory = from_data(json.loads(memory_path.read_text())) if memory_path.exists() else ScanMemory()
sites = load_file(Path(data_path))
settings = ScanSettings(concurrency=concurrency, timeout=timeout, deadline=deadline)
statuses, first, results = {}, None, []
transport = Transport()
transport.http()  # the HTTP library loaded before the clock starts, as Sherlock's import does
cpu0, _ = _usage()
start = time.perf_counter()
scan_plan = plan_scan([username], sites, memory)
with transport:
    session = transport.open(scan_plan.plan, approved=True)
    for result in scan(session, scan_plan, settings):
        if first is None and result.status != "skipped":
            first = time.perf_counter() - start
        statuses[result.site] = result.status
        results.append(result)
elapsed = time.perf_counter() - start
cpu1, rss = _usage()
memory_path.write_text(json.dumps(scan_plan.learned(results).to_data()))
print(json.dumps({"elapsed": elapsed, "first": first or elapsed, "cpu": cpu1 - cpu0,
                  "rss_kib": rss, "outside": _outside, "problems": len(sites.problems),
                  "ledger": len(session.entries), "statuses": statuses}))
'''


def clean_env() -> dict[str, str]:
    """No proxies from the environment (requests would honour them) and no kit settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and not k.startswith("KIT_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_driver(python: Path | str, script: Path, args: Sequence[str],
               limit: float) -> dict[str, Any]:
    proc = subprocess.run([str(python), "-c", f"import resource\n{RAISE_LIMIT}\n"
                           + script.read_text(), *args], capture_output=True, text=True,
                          env=clean_env(), timeout=limit, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"driver failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


RAISE_LIMIT = '''
try:
    _soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(_hard, 8192), _hard))
except Exception:
    pass
'''


def ensure_sherlock() -> Path:
    """The venv with sherlock-project, made once under benchmarks/.work/ (gitignored)."""
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    check = [str(python), "-c", "import sherlock_project.sherlock"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print("Setting up Sherlock in benchmarks/.work/sherlock-venv (once) ...", file=sys.stderr)
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "sherlock-project"], check=True)
    subprocess.run(check, check=True)
    return python


# --- the bound, the scores ---


def job_times(sites: Sequence[FakeSite], timeout: float, honours_429: bool) -> list[float]:
    """Each site's request time for an engine with no overhead, in plan (manifest) order."""
    times = []
    for site in sites:
        if site.variant == "illegal":
            continue
        if site.variant == "hang":
            times.append(timeout)
        elif site.variant == "limited" and honours_429:
            times.append(2 * site.latency + RETRY_AFTER)
        else:
            times.append(site.latency)
    return times


def makespan(times: Sequence[float], workers: int) -> float:
    free = [0.0] * workers
    end = 0.0
    for duration in times:
        start = heapq.heappop(free)
        heapq.heappush(free, start + duration)
        end = max(end, start + duration)
    return end


def floor_bound(times: Sequence[float], workers: int, timeout: float) -> float:
    return max(max(times), sum(times) / workers, timeout if times else 0.0)


def confusion(sites: Sequence[FakeSite], statuses: dict[str, str]) -> dict[str, dict[str, int]]:
    table = {t: dict.fromkeys(STATUSES, 0) for t in STATUSES}
    for site in sites:
        got = statuses.get(f"site{site.index:03d}", "missing")
        table[site.truth][got if got in STATUSES else "uncertain"] += 1
    return table


def accuracy(table: dict[str, dict[str, int]]) -> float:
    total = sum(sum(row.values()) for row in table.values())
    return sum(table[s][s] for s in STATUSES) / total if total else 0.0


# --- the run ---


@dataclass
class EngineResult:
    label: str
    engine: str
    concurrency: int
    runs: list[dict[str, Any]]
    requests: list[int]
    bound: float  # longest first
    floor: float
    plan_bound: float  # in the plan's order

    @property
    def wall(self) -> float:
        return statistics.median(r["elapsed"] for r in self.runs)

    def summary(self, sites: Sequence[FakeSite]) -> dict[str, Any]:
        last = self.runs[-1]
        table = confusion(sites, last["statuses"])
        return {
            "label": self.label, "engine": self.engine, "concurrency": self.concurrency,
            "wall_median_s": round(self.wall, 3),
            "wall_runs_s": [round(r["elapsed"], 3) for r in self.runs],
            "first_result_median_s": round(statistics.median(r["first"] for r in self.runs), 3),
            "requests_per_run": self.requests,
            "cpu_median_s": round(statistics.median(r["cpu"] for r in self.runs), 3),
            "peak_rss_mib": round(max(r["rss_kib"] for r in self.runs) / 1024, 1),
            "outside_connections": sum(len(r["outside"]) for r in self.runs),
            "accuracy": round(accuracy(table), 4),
            "accuracies": [round(accuracy(confusion(sites, r["statuses"])), 4)
                           for r in self.runs],
            "confusion_truth_by_result": table,
            "bound_s": round(self.bound, 3), "floor_s": round(self.floor, 3),
            "plan_order_bound_s": round(self.plan_bound, 3),
            "vs_bound": round(self.wall / self.bound, 3) if self.bound else None,
        }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="runs per engine (median taken)")
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="per-request timeout for both engines (seconds)")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[32, 64, 128],
                        help="the kit engine's concurrencies to run (each as a first scan and "
                        "as the scan after it)")
    parser.add_argument("--quick", action="store_true", help="one run each")
    parser.add_argument("--serve", metavar="FILE", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        raise_file_limit()
        asyncio.run(_serve(Path(args.serve)))
        return 0
    from kit.footprint.usernames import DEFAULT_CONCURRENCY

    runs = 1 if args.quick else max(1, args.runs)
    timeout = args.timeout
    load_before = os.getloadavg()
    raise_file_limit()
    sherlock_python = ensure_sherlock()
    sites = make_sites()
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        folder = Path(tmp)
        server = Server(sites, folder)
        try:
            data_path = folder / "data.json"
            data_path.write_text(json.dumps(sherlock_data(sites, server.ports)))
            sherlock_script = folder / "sherlock_driver.py"
            sherlock_script.write_text(SHERLOCK_DRIVER)
            kit_script = folder / "kit_driver.py"
            kit_script.write_text(KIT_DRIVER)
            limit = 30 * timeout + 120
            engines: list[EngineResult] = []

            def one(python: Path | str, script: Path, engine: str,
                    extra: Sequence[str]) -> tuple[dict[str, Any], int]:
                server.ask("reset")
                result = run_driver(python, script, [str(data_path), USERNAME,
                                                     str(timeout), *extra], limit)
                if engine == "sherlock":  # its own words, in the kit's four statuses
                    result["statuses"] = {site: SHERLOCK_MAP.get(status, status) for
                                          site, status in result["statuses"].items()}
                requests: int = server.ask("stats")["requests"]
                return result, requests

            def record(label: str, engine: str, concurrency: int,
                       measured: list[tuple[dict[str, Any], int]], honours_429: bool) -> None:
                times = job_times(sites, timeout, honours_429)
                engines.append(EngineResult(
                    label, engine, concurrency, [r for r, _ in measured],
                    [n for _, n in measured], makespan(sorted(times, reverse=True), concurrency),
                    floor_bound(times, concurrency, timeout), makespan(times, concurrency)))
                wall = statistics.median(r["elapsed"] for r, _ in measured)
                print(f"  {label}: {wall:.2f} s", file=sys.stderr)

            print(f"Scanning {len(sites)} fake sites, {runs} run(s) per engine ...",
                  file=sys.stderr)
            record("Sherlock (20 threads)", "sherlock", 20,
                   [one(sherlock_python, sherlock_script, "sherlock", []) for _ in range(runs)],
                   honours_429=False)
            for concurrency in args.concurrency:
                default = " (default)" if concurrency == DEFAULT_CONCURRENCY else ""
                memory = folder / f"memory-{concurrency}.json"
                first, later = [], []
                for _ in range(runs):  # a first scan, then the scan after it
                    memory.unlink(missing_ok=True)
                    extra = [str(concurrency), "60", str(memory)]
                    first.append(one(sys.executable, kit_script, "kit", extra))
                    later.append(one(sys.executable, kit_script, "kit", extra))
                record(f"Kit {concurrency}{default}, first scan", "kit", concurrency, first,
                       honours_429=True)
                record(f"Kit {concurrency}{default}, later scan", "kit", concurrency, later,
                       honours_429=True)
        finally:
            server.close()
    report = build_report(sites, engines, timeout, runs, time.monotonic() - began)
    report["load_average"] = {"before": [round(x, 2) for x in load_before],
                              "after": [round(x, 2) for x in os.getloadavg()]}
    report["default_concurrency"] = DEFAULT_CONCURRENCY
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(render(report))
    return 0


def build_report(sites: Sequence[FakeSite], engines: Sequence[EngineResult], timeout: float,
                 runs: int, total: float) -> dict[str, Any]:
    sherlock = engines[0]
    rows = [e.summary(sites) for e in engines]
    for row in rows:
        row["speedup_vs_sherlock"] = round(sherlock.wall / row["wall_median_s"], 3)
    for row in rows[1:]:
        row["targets"] = {
            "same_accuracy": row["accuracy"] >= rows[0]["accuracy"],
            "at_least_2x_faster": row["speedup_vs_sherlock"] >= 2.0,
            "within_1_2x_of_bound": row["vs_bound"] is not None and row["vs_bound"] <= 1.2,
        }
    variants = Counter(s.variant for s in sites)
    kinds = Counter(s.kind for s in sites)
    latencies = sorted(s.latency for s in sites if s.variant != "hang")
    return {
        "benchmark": "scan_bench", "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "sherlock_version": sherlock.runs[-1].get("version"),
        "settings": {"sites": len(sites), "seed": SEED, "timeout_s": timeout, "runs": runs,
                     "username": USERNAME, "latency": {
                         "distribution": "lognormal", "median_s": MEDIAN_LATENCY,
                         "sigma": SIGMA, "cap_s": LATENCY_CAP,
                         "p50_s": round(latencies[len(latencies) // 2], 3),
                         "p95_s": round(latencies[int(len(latencies) * 0.95)], 3),
                         "max_s": round(latencies[-1], 3)},
                     "variants": dict(variants), "kinds": dict(kinds),
                     "truth": dict(Counter(s.truth for s in sites))},
        "bound_method": ("greedy list scheduling of the seeded per-site times, longest first "
                         "(LPT; plan_order_bound_s: in plan order), on C workers with zero "
                         "overhead (never-answering site = timeout; 429 site = 2 x latency + "
                         "Retry-After for an engine that honours it); floor = max(timeout, "
                         "total work / C)"),
        "engines": rows, "total_seconds": round(total, 1),
    }


def render(report: dict[str, Any]) -> str:
    s = report["settings"]
    load = report.get("load_average", {})
    lines = [
        f"Username scan: {s['sites']} fake sites on loopback (each its own 127.1.x.y), seed "
        f"{s['seed']}, timeout {s['timeout_s']:g} s, median of {s['runs']} run(s)",
        f"Latency lognormal median {s['latency']['median_s']:g} s sigma {s['latency']['sigma']} "
        f"(p95 {s['latency']['p95_s']:g} s, max {s['latency']['max_s']:g} s); variants "
        + ", ".join(f"{k} {v}" for k, v in sorted(s["variants"].items()))
        + f"; Sherlock {report['sherlock_version']}",
        f"Load average (1/5/15 min) before {_load(load.get('before'))}, after "
        f"{_load(load.get('after'))}, on {report['machine']['cpus']} CPUs",
        "",
        f"{'Engine':<30} {'Wall':>7} {'Runs':>17} {'First':>6} {'Reqs':>5} {'CPU':>6} "
        f"{'RSS':>6} {'Acc':>6} {'Speed':>6} {'Bound':>6} {'xBnd':>5} {'Plan':>6}",
    ]
    for e in report["engines"]:
        runs = "/".join(f"{w:.1f}" for w in e["wall_runs_s"])
        reqs = "/".join(str(r) for r in sorted(set(e["requests_per_run"])))
        lines.append(
            f"{e['label']:<30} {e['wall_median_s']:>6.2f}s {runs:>17}"
            f" {e['first_result_median_s']:>5.2f}s {reqs:>5} {e['cpu_median_s']:>5.1f}s"
            f" {e['peak_rss_mib']:>4.0f}MB"
            f" {e['accuracy'] * 100:>5.1f}% {e['speedup_vs_sherlock']:>5.2f}x"
            f" {e['bound_s']:>5.2f}s {e['vs_bound']:>4.2f}x {e['plan_order_bound_s']:>5.2f}s")
    lines += ["(Bound: longest-first list scheduling at the row's concurrency, zero overhead; "
              "xBnd: wall / bound; Plan: the same in the plan's order.)"]
    lines += ["", "Confusion (rows: truth; columns: found / not_found / uncertain / skipped):"]
    for e in report["engines"]:
        table = e["confusion_truth_by_result"]
        cells = "  ".join(f"{t}: " + "/".join(str(table[t][c]) for c in STATUSES)
                          for t in STATUSES)
        lines.append(f"  {e['label']:<30} {cells}")
    lines += ["", "Targets (kit vs Sherlock on the same sites; bound = zero-overhead longest-first "
              "makespan at the same concurrency):"]
    for e in report["engines"][1:]:
        t = e["targets"]
        verdict = ", ".join(f"{name} {'PASS' if ok else 'MISS'}" for name, ok in (
            ("same accuracy", t["same_accuracy"]),
            (f">=2x faster ({e['speedup_vs_sherlock']:.2f}x)", t["at_least_2x_faster"]),
            (f"<=1.2x bound ({e['vs_bound']:.2f}x of {e['bound_s']:.2f} s; floor "
             f"{e['floor_s']:.2f} s)", t["within_1_2x_of_bound"])))
        lines.append(f"  {e['label']}: {verdict}")
    sherlock = report["engines"][0]
    lines.append(f"  (Sherlock's own bound at 20 threads: {sherlock['bound_s']:.2f} s longest "
                 f"first, {sherlock['plan_order_bound_s']:.2f} s in its order; it ran at "
                 f"{sherlock['wall_median_s'] / sherlock['plan_order_bound_s']:.2f}x of the "
                 "latter.)")
    default = report.get("default_concurrency")
    rows = {e["label"]: e for e in report["engines"]}
    first = rows.get(f"Kit {default} (default), first scan")
    later = rows.get(f"Kit {default} (default), later scan")
    if first and later:
        lines += ["", f"At the default concurrency ({default}) the kit is "
                  f"{later['speedup_vs_sherlock']:.2f}x faster than Sherlock on a later scan and "
                  f"{first['speedup_vs_sherlock']:.2f}x on a first scan (accuracy "
                  f"{later['accuracy'] * 100:.1f}% and {first['accuracy'] * 100:.1f}%, "
                  f"Sherlock {sherlock['accuracy'] * 100:.1f}%)."]
    outside = sum(e["outside_connections"] for e in report["engines"])
    lines += [f"Non-loopback connection attempts: {outside}",
              f"Total {report['total_seconds']:.0f} s. JSON: "
              f"{RESULTS_FILE.relative_to(ROOT)}"]
    return "\n".join(lines)


def _load(values: Sequence[float] | None) -> str:
    return "/".join(f"{v:.2f}" for v in values) if values else "?"


if __name__ == "__main__":
    sys.exit(main())
