"""`kit sites`: the site list the username check uses, and changing it.

The kit ships a curated list; `kit sites update FILE` shows what a new list would add, remove
and change, asks, and keeps it in the vault as your own list, used from then on (`kit sites
reset` goes back to the shipped one). `list` and `show` can also read a file or the shipped list
without a vault (`--sites FILE`, `--shipped`), which is how to look at a file before importing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit import credentials
from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.commands.services import open_footprint
from kit.errors import KitError, NotFound, UsageError
from kit.terminal_text import shown

if TYPE_CHECKING:
    from kit.footprint.sites import Site, SiteDiff, SiteList

MAX_SHOWN = 30  # names listed per kind of change; the rest are counted


@click.group("sites")
def sites() -> None:
    """The sites `kit scan username` asks, where that list comes from, and updating it."""


def _source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--shipped", is_flag=True,
                        help="The list that comes with the kit (no vault needed).")(func)
    return click.option("--sites", "sites_file", type=click.Path(path_type=Path),
                        metavar="FILE", help="Read this site file instead (no vault "
                        "needed; nothing is imported).")(func)


def _chosen(sites_file: Path | None, shipped: bool) -> SiteList:
    from kit.commands.scan import site_problems
    from kit.footprint import sites as site_data

    if sites_file is not None and shipped:
        raise UsageError("choose one of --sites FILE and --shipped")
    if sites_file is not None:
        chosen = site_data.load_file(sites_file)
        site_problems(chosen)
        return chosen
    if shipped:
        return site_data.shipped()
    with open_footprint() as fp:
        chosen = fp.sites()
        warn_problems(fp.problems)
    return chosen


def _detection(site: Site) -> str:
    words = {"status_code": "status code", "message": "page text", "response_url": "redirect",
             "markers": "status and text markers"}
    return " + ".join(words[k] for k in site.detect)


@sites.command("list")
@_source_options
@json_option
def sites_list(sites_file: Path | None, shipped: bool) -> None:
    """Every site in the list in use (or in FILE), with how each is checked."""
    from kit.commands.scan import list_line

    chosen = _chosen(sites_file, shipped)
    width = max(len(shown(s.name)) for s in chosen.sites)
    # Every value below comes from a site file: shown(), so none of it can act on the terminal.
    rows = [f"  {shown(s.name):<{width}}  {shown(s.category):<10}  "
            + (f"skipped: {shown(s.skip or s.cannot_find)}" if s.skip or s.cannot_find
               else _detection(s)) for s in chosen.sites]
    out("\n".join([list_line(chosen), "", *rows]),
        {**chosen.summary_json(), "sites": [s.to_json() for s in chosen.sites]})


@sites.command("show")
@click.argument("name", required=False)
@_source_options
@json_option
def sites_show(name: str | None, sites_file: Path | None, shipped: bool) -> None:
    """Where the list comes from (version, date, licence, authors), or everything about one
    site NAME."""
    chosen = _chosen(sites_file, shipped)
    if name is None:
        _show_list(chosen)
        return
    site = chosen.get(name)
    if site is None:
        raise NotFound(f"no site named {name!r} in {shown(chosen.name)}; `kit sites list` "
                       "names them all")
    lines = [shown(site.name), f"  category: {shown(site.category)}",
             f"  profile: {shown(site.profile_url)}"]
    if site.probe_url != site.profile_url:
        lines.append(f"  asks: {site.method} {shown(site.probe_url)}")
    else:
        lines.append(f"  asks: {site.method} the profile address")
    lines.append(f"  detection: {_detection(site)}")
    if site.missing_codes:
        lines.append(f"  'no such user' status: {', '.join(map(str, site.missing_codes))}")
    for text in site.missing_text:
        lines.append(f"  'no such user' text: {shown(text)}")
    if site.found_code is not None:
        lines.append(f"  'exists' status: {site.found_code}")
    if site.found_text:
        lines.append(f"  'exists' text: {shown(site.found_text)}")
    if site.pattern:
        lines.append(f"  usernames must match: {shown(site.pattern)}")
    if site.strip_chars:
        lines.append(f"  the site removes: {shown(site.strip_chars)}")
    for header, value in site.headers:
        lines.append(f"  header {shown(header)}: {shown(value)}")
    if site.body is not None:
        kind = "JSON" if site.body_format == "json" else "form"
        lines.append(f"  {kind} body: {shown(site.body)}")
    if site.skip:
        lines.append(f"  skipped: {shown(site.skip)}")
    elif site.cannot_find:
        lines.append(f"  skipped: {shown(site.cannot_find)}")
    if site.note:
        lines.append(f"  note: {shown(site.note)}")
    lines += [f"  checklist step: {shown(site.fix_item)}",
              f"  last checked: {shown(site.last_checked)}",
              "", _attribution(chosen)]
    out("\n".join(lines), {**site.to_json(), "list": chosen.summary_json()})


def _attribution(chosen: SiteList) -> str:
    parts = [f"From {shown(chosen.name)}" + (f" {shown(chosen.version)}" if chosen.version
                                             else "")]
    if chosen.attribution:
        parts.append(shown(chosen.attribution))
    if chosen.licence and chosen.licence not in chosen.attribution:
        parts.append(f"Licence: {shown(chosen.licence)}")
    return "\n".join(parts)


def _show_list(chosen: SiteList) -> None:
    from kit.footprint.sites import NEVER_CHECKED, shipped

    never = sum(1 for s in chosen.sites if s.last_checked == NEVER_CHECKED)
    lines = [shown(chosen.name), f"  version: {shown(chosen.version or '(none given)')}",
             f"  date: {shown(chosen.date or '(none given)')}",
             f"  from: {shown(chosen.origin)} ({_format_name(chosen.source_format)})",
             f"  sites: {len(chosen.sites)} ({sum(1 for s in chosen.sites if s.skip)} always "
             "skipped)"]
    if never:
        lines.append(f"  {never} site{'s have' if never != 1 else ' has'} never been checked "
                     "against the live site: treat results as possible accounts")
    if chosen.licence:
        lines.append(f"  licence: {shown(chosen.licence)}")
    if chosen.authors:
        authors = ", ".join(shown(a) for a in chosen.authors[:12])
        more = f" and {len(chosen.authors) - 12} more" if len(chosen.authors) > 12 else ""
        lines.append(f"  authors: {authors}{more}")
    if chosen.attribution:
        lines.append(f"  attribution: {shown(chosen.attribution)}")
    if chosen.origin == "your list":
        kit_list = shipped()
        lines.append(f"  (the kit's own list is {kit_list.name} {kit_list.version}; "
                     "`kit sites reset` goes back to it)")
    out("\n".join(lines), chosen.summary_json())


def _format_name(source_format: str) -> str:
    return {"kit": "the kit's own format", "sherlock": "Sherlock data.json",
            "whatsmyname": "WhatsMyName wmn-data.json",
            "maigret": "Maigret data.json"}.get(source_format, shown(source_format))


def _names(title: str, names: tuple[str, ...]) -> list[str]:
    if not names:
        return []
    listed = ", ".join(shown(n) for n in names[:MAX_SHOWN])
    more = f" and {len(names) - MAX_SHOWN} more" if len(names) > MAX_SHOWN else ""
    return [f"  {title} ({len(names)}): {listed}{more}"]


def _describe_diff(old: SiteList, new: SiteList, change: SiteDiff) -> str:
    old_version = f" {shown(old.version)}" if old.version else ""
    new_version = f" {shown(new.version)}" if new.version else ""
    lines = [f"Now in use: {shown(old.name)}{old_version} ({shown(old.origin)}, "
             f"{len(old.sites)} sites)",
             f"New list:   {shown(new.name)}{new_version} ({_format_name(new.source_format)}, "
             f"{len(new.sites)} sites)"]
    if new.attribution:
        lines.append(f"            {shown(new.attribution)}")
    lines += _names("added", change.added) + _names("removed", change.removed) \
        + _names("changed", change.changed)
    if change.empty:
        lines.append("  The sites are the same.")
    return "\n".join(lines)


@sites.command("update")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the list.")
@json_option
def sites_update(file: Path, yes: bool) -> None:
    """Use the sites in FILE from now on (shows what changes, then asks).

    FILE is the kit's own format, Sherlock's or Maigret's data.json or WhatsMyName's
    wmn-data.json. It is checked as untrusted input: sites with a problem are left out, and each
    problem is named.
    """
    from kit.commands.scan import site_problems
    from kit.footprint import sites as site_data

    new = site_data.load_file(file)  # a broken file needs no passphrase
    site_problems(new)
    with open_footprint() as fp:
        old = fp.sites()
        warn_problems(fp.problems)
        change = site_data.diff(old, new)
        same = change.empty and old.digest == new.digest
        doc = {"file": str(file), "changes": change.to_json(), "list": new.summary_json()}
        if same:
            say(f"{file} holds the list already in use; nothing changed.")
            if opts().json:
                out("", {**doc, "updated": False})
            return
        say(_describe_diff(old, new, change))
        if not yes and not credentials.confirm("Use the new list from now on?"):
            raise KitError("the site list was not changed")
        fp.use_sites(new)
    say(f"Done: the username check now uses {shown(new.name)} ({len(new.sites)} sites). "
        "`kit sites reset` goes back to the kit's own list.")
    if opts().json:
        out("", {**doc, "updated": True})


@sites.command("reset")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@json_option
def sites_reset(yes: bool) -> None:
    """Go back to the kit's own site list (forgets the one `kit sites update` kept)."""
    from kit.footprint.sites import shipped

    with open_footprint() as fp:
        current = fp.own_sites()
        if current is None and not fp.problems:
            say("The kit's own site list is already in use; nothing changed.")
            if opts().json:
                out("", {"reset": False})
            return
        kit_list = shipped()
        if current is not None and not yes and not credentials.confirm(
                f"Forget your list ({shown(current.name)}, {len(current.sites)} sites) and use "
                f"{kit_list.name} {kit_list.version} again?"):
            raise KitError("the site list was not changed")
        fp.reset_sites()
    say(f"The username check uses the kit's own list again ({kit_list.name} "
        f"{kit_list.version}).")
    if opts().json:
        out("", {"reset": True})
