#!/usr/bin/env python3
"""Many records at once: one commit each, or one transaction for all of them.

Run with `make bench` (or `.venv/bin/python benchmarks/transaction_bench.py [--quick]`). Prints a
table and writes benchmarks/results/transaction_bench.json. Nothing is judged PASS or MISS.

A username scan keeps every profile it found as a finding; a supervision handover keeps every
record it carries. Each vault commit syncs the database and writes the header twice (see
docs/vault-format.md, section 7.4), so writing N records one by one costs N commits. Here the
same N made-up findings are recorded both ways in a fresh vault (minimum KDF profile, temporary
KIT_HOME) through the real code: usernames.record_findings() into the workspace's findings,
alone and inside Workspace.transaction(). The figures depend on the disk's sync speed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS_FILE = REPO / "benchmarks" / "results" / "transaction_bench.json"
PASSPHRASE = "benchmark passphrase, not a secret"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer records and runs")
    args = parser.parse_args()
    sizes, runs = ((20, 100), 3) if args.quick else ((20, 200, 1000), 5)

    with tempfile.TemporaryDirectory(prefix="kit-transaction-bench-") as tmp:
        os.environ["KIT_HOME"] = tmp
        from kit.footprint.usernames import SiteResult, record_findings
        from kit.vault import Vault
        from kit.workspace import Workspace

        rows = []
        made = itertools.count()
        for size in sizes:
            timings: dict[str, list[float]] = {"one commit each": [], "one transaction": []}
            for _run in range(runs):
                for how, times in timings.items():
                    vault, _recovery = Vault.create(Path(tmp) / f"vault-{next(made)}",
                                                    PASSPHRASE, "minimum")
                    ws = Workspace(vault)
                    ws.snapshot()
                    found = [SiteResult("sam_example", f"Site {i}", "found", "profile found",
                                        f"https://site{i}.example/sam_example")
                             for i in range(size)]
                    start = time.perf_counter()
                    if how == "one transaction":
                        with ws.transaction():
                            record_findings(ws.findings, found)
                    else:
                        record_findings(ws.findings, found)
                    times.append((time.perf_counter() - start) * 1000)
                    assert len(Workspace(vault).findings.list()) == size  # all kept, either way
                    vault.close()
            for how, times in timings.items():
                rows.append({"records": size, "how": how, "median_ms": statistics.median(times)})

    print(f"\n{'Findings recorded':<20}  {'how':<16}  {'median ms':>10}")
    for row in rows:
        print(f"{row['records']:<20}  {row['how']:<16}  {row['median_ms']:>10.1f}")
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "cpus": os.cpu_count()},
        "runs": runs, "rows": rows}, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
