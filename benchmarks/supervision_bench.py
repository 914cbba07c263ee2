#!/usr/bin/env python3
"""Supervision speed: share packets, the team view, handover and the record PDF.

Run with `make bench` (or `.venv/bin/python benchmarks/supervision_bench.py [--quick]`). Prints a
table and writes benchmarks/results/supervision_bench.json. Issue 6 sets no numeric targets, so
nothing is judged PASS or MISS: the figures are for reading.

Everything runs in this process, in a temporary KIT_HOME, with vaults on the minimum KDF profile
(the KDF is not what is measured). The data is deterministic:
- a practitioner with 1,000 exposure entries and 20 pulse check-ins in the last 28 days;
- a supervisor of 15 people (DESIGN.md: teams of 3 to 15), each with an agreement and 26
  fortnightly session records (a year), three actions per session, and a share from each.
Timed (medians of several runs): building the share fields and the preview; sealing a share
(sign + age-encrypt); opening it (decrypt + checks + keeping it); the team view and the overdue
actions over the whole team from a freshly decrypted workspace; sealing and opening a handover of
one person's year of records; and the PDF of one session record.
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
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS_FILE = REPO / "benchmarks" / "results" / "supervision_bench.json"
PASSPHRASE = "benchmark passphrase, not a secret"
ZONE = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def median_ms(func: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer people and runs")
    args = parser.parse_args()
    team_size, sessions, runs = (4, 6, 3) if args.quick else (15, 26, 7)

    with tempfile.TemporaryDirectory(prefix="kit-supervision-bench-") as tmp:
        os.environ["KIT_HOME"] = tmp
        os.environ["KIT_KDF_PROFILE"] = "minimum"
        from kit.reports import supervision_export
        from kit.supervision import share
        from kit.supervision.records import Agreement, Session, new_action
        from kit.supervision.service import Supervision
        from kit.vault import Credentials, Vault
        from kit.workspace import Workspace

        def make(name: str, role: str) -> tuple[Supervision, Path]:
            path = Path(tmp) / name.split()[0].lower()
            vault, _ = Vault.create(path, PASSPHRASE, "minimum")
            sup = Supervision(Workspace(vault), ZONE, clock=lambda: NOW)
            sup.set_me(name, role)
            return sup, path

        print("Setting up (not timed)...", flush=True)
        bo, bo_path = make("Bo Supervisor", "Team manager")
        ana, _ = make("Ana Practitioner", "Social worker")
        ana.add_contact(bo.me().text(), "Bo", "supervisor", bo.me().fingerprint)
        bo.add_contact(ana.me().text(), "Ana", "supervisee", ana.me().fingerprint)
        cy, _ = make("Cy Newsupervisor", "Team manager")
        cy.add_contact(bo.me().text(), "Bo", "colleague", bo.me().fingerprint)
        bo.add_contact(cy.me().text(), "Cy", "colleague", cy.me().fingerprint)

        ws = ana.workspace
        for i in range(1000):
            ws.exposure.add(material=["image" if i % 3 else "video"], impact=i % 11,
                            when=NOW - timedelta(minutes=37 * i + 1),
                            flags=["violent"] if i % 7 == 0 else [], volume="few")
        for i in range(20):
            ws.checkins.add("pulse", {k: (i + j) % 11 for j, k in enumerate(
                ("energy", "sleep", "intrusions", "connected", "switch-off", "coping"))},
                when=NOW - timedelta(days=i, hours=1))
        # Read again from the disk: the workspace's snapshot was taken before these writes
        # (a repository only adds its own writes once it has loaded).
        ws.refresh()
        contact = ana.contact("Bo")
        start, end = ana.share_period(contact)

        def build() -> str:
            fields = ana.share_fields(start, end)
            return ana.preview(contact, fields, share.defaults(fields), "A note", start, end)

        fields = ana.share_fields(start, end)
        build_ms, preview = median_ms(build, runs)
        total = next(line.strip() for line in preview.splitlines() if "Total:" in line)
        seal_ms, sealed = median_ms(lambda: ana.seal_share(
            contact, fields, share.defaults(fields), "A note", start, end), runs)
        share_size = len(sealed.data)
        opens = []
        for _ in range(runs):
            fresh = ana.seal_share(contact, fields, share.defaults(fields), "A note", start, end)
            t0 = time.perf_counter()
            bo.open(fresh.data)
            opens.append((time.perf_counter() - t0) * 1000)
        open_ms = statistics.median(opens)

        # The team: the other people need cards, so each has a small vault of their own.
        people = [bo.contact("Ana")]
        for n in range(team_size - 1):
            other, _ = make(f"Person{n:02d} Example", "Practitioner")
            people.append(bo.add_contact(other.me().text(), f"Person {n:02d}", "supervisee",
                                         other.me().fingerprint))
            other.workspace.close()
        for person in people:
            bo.add_agreement(person, Agreement(frequency_days=14))
            for s in range(sessions):
                held = NOW - timedelta(days=14 * (sessions - s))
                actions = [new_action(f"Action {k} of session {s}", "Bo",
                                      (held + timedelta(days=10)).date()) for k in range(3)]
                bo.add_session(person, Session(held=held, attendees=("Bo", person.name),
                                               impact="Steady", coping="Walks",
                                               actions=tuple(actions)))
        bo.workspace.close()
        vault_bytes = sum(p.stat().st_size for p in bo_path.rglob("*") if p.is_file())

        def team_cold() -> int:
            vault = Vault.open(bo_path, Credentials(passphrase=PASSPHRASE))
            try:
                sup = Supervision(Workspace(vault), ZONE, clock=lambda: NOW)
                return len(sup.team())
            finally:
                vault.close()

        team_cold_ms, rows = median_ms(team_cold, max(3, runs // 2))
        vault = Vault.open(bo_path, Credentials(passphrase=PASSPHRASE))
        bo = Supervision(Workspace(vault), ZONE, clock=lambda: NOW)
        bo.team()
        team_warm_ms, _ = median_ms(bo.team, runs)
        actions_ms, overdue = median_ms(lambda: bo.actions(overdue=True), runs)
        ana_contact, cy_contact = bo.contact("Ana"), bo.contact("Cy")
        handover_seal_ms, handover = median_ms(lambda: bo.handover(ana_contact, cy_contact), 3)
        t0 = time.perf_counter()
        cy.open(handover.data)
        handover_open_ms = (time.perf_counter() - t0) * 1000
        doc = bo.workspace.supervision.sessions_for(ana_contact.fingerprint)[0]
        pdf_ms, pdf = median_ms(lambda: supervision_export.to_pdf(
            doc, bo.names(), ZONE, date(2026, 11, 23)), runs)
        vault.close()

    table = [
        ("Share fields + preview (1,000 exposure entries, 20 check-ins)", build_ms, total),
        ("Seal a share (sign + age-encrypt)", seal_ms, f"{share_size:,} bytes"),
        ("Open a share (decrypt, check, keep)", open_ms, ""),
        (f"Team view, cold ({team_size} people x {sessions} sessions, unlock included)",
         team_cold_ms, f"{rows} rows; vault {vault_bytes / 1e6:.1f} MB"),
        ("Team view, warm", team_warm_ms, ""),
        ("Overdue actions, whole team", actions_ms, f"{len(overdue)} overdue"),
        (f"Seal a handover ({sessions + 1} records)", handover_seal_ms,
         f"{len(handover.data):,} bytes"),
        ("Open a handover", handover_open_ms, ""),
        ("Session record PDF", pdf_ms, f"{len(pdf):,} bytes"),
    ]
    width = max(len(row[0]) for row in table)
    print(f"\n{'What':<{width}}  {'median ms':>10}  notes")
    for what, ms, note in table:
        print(f"{what:<{width}}  {ms:>10.1f}  {note}")
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_FILE.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "quick": args.quick, "team_size": team_size, "sessions_each": sessions, "runs": runs,
        "results": [{"what": w, "median_ms": round(ms, 2), "note": n} for w, ms, n in table],
    }, indent=2) + "\n", encoding="utf-8")
    print(f"\nWritten to {RESULTS_FILE}")


if __name__ == "__main__":
    main()
