"""`kit ledger`: every request the footprint checks made, newest first, from the vault.

What it shows is all the ledger holds: time, check, method, host, path (no query string),
status and bytes received. The path can hold what was checked (an email address, a username,
a domain name, the start of a password's hash): kit.footprint.plan.LEDGER_KEEPS says so
wherever a plan is shown. Never an API key, a password, a header value or a query string.
"""

from __future__ import annotations

import click

from kit.commands.context import json_option, opts, out, warn_problems


@click.command("ledger")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="Show only the newest N requests.")
@json_option
def ledger(limit: int | None) -> None:
    """Show the network requests the footprint checks made (kept encrypted in the vault)."""
    from kit.commands.services import open_footprint
    from kit.records.ledger import entry_to_json

    with open_footprint() as fp:
        entries = fp.ledger()
        warn_problems(fp.problems)
    total = len(entries)
    shown = entries[:limit] if limit is not None else entries
    doc = {"total": total, "entries": [entry_to_json(e) for e in shown]}
    if opts().json:
        out("", doc)
        return
    if not shown:
        out("No network requests recorded: no footprint check has sent anything yet.", doc)
        return
    rows = [f"{'time':<19}  {'check':<10}  {'sent':<4}  {'got':>3}  {'bytes':>11}  where"]
    for e in shown:
        status = str(e.status) if e.status is not None else "-"
        note = f"  ({e.error})" if e.error else ""
        rows.append(f"{e.at.astimezone():%Y-%m-%d %H:%M:%S}  {e.check:<10}  {e.method:<4}  "
                    f"{status:>3}  {e.bytes_received:>9,} B  {e.host}{e.path}{note}")
    more = f"\n(the newest {len(shown)} of {total}; --limit shows more)" \
        if len(shown) < total else ""
    out("\n".join(rows) + more, doc)
