"""`kit scan username NAME...`: where do these usernames have public profiles?

The plan (every site and the exact name each one receives) is printed on stderr and approved
before anything is sent (`--yes` approves it; with no terminal and no --yes nothing is sent,
exit 6). Results stream as they arrive: a progress line on stderr, then the table (or --json,
or --csv) on stdout. Every request goes to the encrypted ledger, and every profile found to the
findings register, whether or not the scan ran to the end.
"""

from __future__ import annotations

import csv
import io
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.errors import NetworkFailed, UsageError
from kit.terminal_text import for_terminal, shown

if TYPE_CHECKING:
    from kit.footprint.sites import SiteList
    from kit.footprint.transport import LedgerEntry
    from kit.footprint.usernames import ScanPlan, ScanSettings, SiteResult

CSV_FIELDS = ("username", "site", "status", "reason", "url", "http_status", "category",
              "requests")


@click.group("scan")
def scan() -> None:
    """Look for your usernames on social media, gaming, messaging and streaming sites.

    Shows exactly what will be sent, and to which sites, and asks first. Every request is
    recorded in the encrypted ledger (`kit ledger`). KIT_OFFLINE=1 blocks them all.
    """


def site_problems(sites: SiteList) -> None:
    """Say on stderr which sites of a list were left out, and why."""
    if not sites.problems:
        return
    count = len(sites.problems)
    say(f"Note: {count} problem{'s' if count != 1 else ''} in {sites.origin}; the sites "
        "concerned were left out:")
    for problem in sites.problems[:20]:
        say(f"  {problem}")  # SiteProblem shows the file's own words escaped
    if count > 20:
        say(f"  ... and {count - 20} more (`kit sites list --sites FILE --json` lists them all)")


def list_line(sites: SiteList) -> str:
    version = f" {shown(sites.version)}" if sites.version else ""
    line = (f"Site list: {shown(sites.name)}{version} ({shown(sites.origin)}, "
            f"{len(sites.sites)} sites)")
    return f"{line}\n{shown(sites.attribution)}" if sites.attribution else line


@scan.command("username")
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Use this site list for this scan only: the kit's own format, Sherlock's "
              "or Maigret's data.json or WhatsMyName's wmn-data.json (docs/site-format.md).")
@click.option("--concurrency", type=int, default=None,
              help="Requests in flight at once (default 128; never more than 2 to one host, "
              "and one request per site and name).")
@click.option("--timeout", type=float, default=None,
              help="Seconds to wait for each site (default: [network] timeout in config.toml, "
              "else 10).")
@click.option("--deadline", type=float, default=60.0, show_default=True,
              help="Seconds for the whole scan; sites that have not answered by then are "
              "reported as uncertain.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the results as CSV on stdout.")
@click.option("--yes", is_flag=True,
              help="Approve the plan without asking (it is still printed on stderr).")
@json_option
def scan_username(names: tuple[str, ...], sites_file: Path | None, concurrency: int | None,
                  timeout: float | None, deadline: float, as_csv: bool, yes: bool) -> None:
    """Check where each NAME has a public profile (found, not found, uncertain or skipped).

    A name that breaks a site's naming rules, or looks like an email address, is never sent
    to it (skipped). Treat every "found" as a possible account: open the link to see whether
    it is yours.
    """
    from kit import config
    from kit.commands.services import open_footprint
    from kit.footprint import sites as site_data
    from kit.footprint import usernames

    if as_csv and opts().json:
        raise UsageError("choose one of --json and --csv")
    if concurrency is None:
        concurrency = usernames.DEFAULT_CONCURRENCY
    settings = usernames.ScanSettings(concurrency=concurrency, deadline=deadline,
                                      timeout=10.0 if timeout is None else timeout)
    for name in names:
        usernames.check_username(name)  # a bad name is a usage error before any passphrase
    given = site_data.load_file(sites_file) if sites_file is not None else None
    if given is not None:
        site_problems(given)
    network = config.load()  # a broken config fails before anything is asked or sent
    if timeout is None:
        settings = usernames.ScanSettings(concurrency=concurrency, deadline=deadline,
                                          timeout=network.network_timeout)
    with open_footprint() as fp:
        scan_plan = fp.plan_scan(names, given)
        warn_problems(fp.problems)
        sent: list[LedgerEntry] = []
        try:
            results, elapsed = _run(scan_plan, settings, network, yes, sent)
        except BaseException:
            fp.keep(sent)  # every request sent is in the ledger, whatever happened
            raise
        # The requests, every profile found and what the scan learned: one commit.
        found = fp.record_scan(sent, scan_plan, results)
    if scan_plan.probes and not any(r.http_status is not None for r in results):
        raise NetworkFailed("no site answered in the time allowed, so nothing could be checked: "
                            "check the internet connection (and the proxy, if config.toml sets "
                            "one). "
                            f"{len(scan_plan.probes)} requests were tried; `kit ledger` lists "
                            "them")
    if found:
        say(f"{found} possible account{'s' if found != 1 else ''} added to your findings "
            "(`kit findings`).")
    _print(scan_plan, results, settings, elapsed, as_csv)


def _run(scan_plan: ScanPlan, settings: ScanSettings, network: Any, yes: bool,
         sent: list[LedgerEntry]) -> tuple[list[SiteResult], float]:
    """Approve, send, and gather the results; every request sent is added to *sent*, whatever
    happens, for the service to keep in the ledger."""
    from kit.commands.footprint_consent import approve
    from kit.footprint import usernames
    from kit.footprint.transport import Transport

    approve(scan_plan.plan, yes)
    say(list_line(scan_plan.sites))
    cancel = threading.Event()
    results: list[SiteResult] = []
    started = time.monotonic()
    progress = _Progress(scan_plan.total)
    with Transport.from_config(network) as transport:
        session = transport.open(scan_plan.plan, approved=True) if scan_plan.probes else None
        try:
            stream = usernames.scan(session, scan_plan, settings, cancel=cancel) \
                if session is not None else iter(scan_plan.skipped)
            try:
                for result in stream:
                    results.append(result)
                    progress.show(result, len(results))
            except KeyboardInterrupt:
                cancel.set()
                say("\nCancelling: sites that have not answered are reported as uncertain.")
                results.extend(stream)  # quick: the rest come back as "cancelled"
        finally:
            progress.end()
            if session is not None:
                session.close()
                sent.extend(session.entries)
    return results, time.monotonic() - started


class _Progress:
    """One progress line on stderr: redrawn in place on a terminal, else a line per answer."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.tty = sys.stderr.isatty()
        self.drawn = False

    def show(self, result: SiteResult, done: int) -> None:
        from kit.footprint.usernames import STATUS_LABELS

        if result.status == "skipped":
            return
        # Written straight to stderr (the redraw needs its own escape codes), so the site's
        # name, from a site file, is made safe here.
        line = f"[{done}/{self.total}] {STATUS_LABELS[result.status].lower()}: " \
               f"{shown(result.site)} ({shown(result.username)})"
        if self.tty:
            click.echo(f"\r\033[K{line[:100]}", err=True, nl=False)
            self.drawn = True
        else:
            click.echo(line, err=True)

    def end(self) -> None:
        if self.drawn:
            click.echo("\r\033[K", err=True, nl=False)


def _print(scan_plan: ScanPlan, results: list[SiteResult], settings: ScanSettings,
           elapsed: float, as_csv: bool) -> None:
    from kit.footprint.usernames import summary

    order = {(p.username, p.site.name): n for n, p in enumerate(scan_plan.probes)}
    site_order = {s.name: n for n, s in enumerate(scan_plan.sites.sites)}
    results = sorted(results, key=lambda r: (scan_plan.usernames.index(r.username),
                                             site_order.get(r.site, len(site_order)),
                                             order.get((r.username, r.site), 0)))
    counts = summary(results)
    if as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for r in results:
            row = r.to_json()
            writer.writerow(["" if row[f] is None else _cell(str(row[f])) for f in
                             ("username", "site", "status", "reason", "url", "http_status",
                              "category", "requests")])
        click.echo(for_terminal(buffer.getvalue()), nl=False)
        return
    doc = {"check": "usernames", "usernames": list(scan_plan.usernames),
           "site_list": scan_plan.sites.summary_json() | {"problems": len(
               scan_plan.sites.problems)},
           "settings": {"concurrency": settings.concurrency, "per_host": settings.per_host,
                        "timeout": settings.timeout, "deadline": settings.deadline},
           "summary": counts, "elapsed": round(elapsed, 3),
           "results": [r.to_json() for r in results]}
    out(_human(scan_plan, results, counts, elapsed), doc)


def _cell(text: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (site data is untrusted)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _human(scan_plan: ScanPlan, results: list[SiteResult], counts: dict[str, int],
           elapsed: float) -> str:
    lines = [list_line(scan_plan.sites), ""]
    width = max((len(shown(r.site)) for r in results), default=10)
    for name in scan_plan.usernames:
        mine = [r for r in results if r.username == name]
        lines.append(f"{name}:")
        found = [r for r in mine if r.status == "found"]
        if found:
            lines.append("  Found (possible accounts; open each link to see whether it is "
                         "yours):")
            lines += [f"    {shown(r.site):<{width}}  {shown(r.profile_url)}" for r in found]
        uncertain = [r for r in mine if r.status == "uncertain"]
        if uncertain:
            lines.append("  Uncertain (could not tell; check by hand):")
            lines += [f"    {shown(r.site):<{width}}  {shown(r.reason)}" for r in uncertain]
        missing = [shown(r.site) for r in mine if r.status == "not_found"]
        if missing:
            lines.append(f"  Not found on {len(missing)}: {', '.join(missing)}")
        skipped = [r for r in mine if r.status == "skipped"]
        if skipped:
            lines.append("  Skipped (nothing sent):")
            lines += _skipped_lines(skipped, width)
        lines.append("")
    lines.append(f"{counts['found']} found, {counts['not_found']} not found, "
                 f"{counts['uncertain']} uncertain, {counts['skipped']} skipped "
                 f"in {elapsed:.1f} s.")
    return "\n".join(lines)


SKIPPED_NAMED = 5  # sites named for one reason before the rest are counted


def _skipped_lines(skipped: list[SiteResult], width: int) -> list[str]:
    """Each reason once with the sites it holds back: a large imported list (Maigret's skips
    about 1,300 sites) would otherwise bury the results in a page of the same sentence. The
    JSON and CSV still give every site."""
    by_reason: dict[str, list[str]] = {}
    for r in skipped:
        by_reason.setdefault(r.reason, []).append(shown(r.site))
    if all(len(sites) == 1 for sites in by_reason.values()):
        return [f"    {sites[0]:<{width}}  {shown(reason)}"
                for reason, sites in by_reason.items()]
    lines = []
    for reason, sites in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        named = ", ".join(sites[:SKIPPED_NAMED])
        more = f" and {len(sites) - SKIPPED_NAMED:,} more" if len(sites) > SKIPPED_NAMED else ""
        lines.append(f"    {shown(reason)}: {named}{more}")
    return lines
