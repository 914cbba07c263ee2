"""`kit search-queries`: the searches someone looking for you would make, as links. The kit
never fetches them; `--open N` hands one to your web browser, and only then."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.commands.services import open_footprint
from kit.errors import UsageError

if TYPE_CHECKING:
    from kit.footprint.queries import Query
    from kit.records.search_details import SearchDetails

HOW = ("give at least one --name, --username, --email or --phone (add --save to keep them, "
       "encrypted, for next time)")
LINKS_ONLY = ("These are links only: the kit sends nothing. A search you open goes from your "
              "browser to that search engine; a private window keeps it out of your history.")


def _saved() -> SearchDetails:
    from kit.vault.files import is_vault

    if not is_vault(opts().vault_path):
        raise UsageError(f"no search details given; {HOW}")
    with open_footprint() as fp:
        details = fp.search_details()
        warn_problems(fp.problems)
    if details.is_empty:
        raise UsageError(f"no search details are saved yet; {HOW}")
    return details


def _save(details: SearchDetails) -> SearchDetails:
    with open_footprint() as fp:
        saved = fp.save_search_details(details)
    say("Your search details are saved in the vault; next time `kit search-queries` on its own "
        "uses them.")
    return saved


def _open(query: Query) -> None:
    from kit.footprint.browser import open_in_browser
    from kit.terminal_text import shown

    open_in_browser(query.url)
    say(f"Opened search {query.number} in your web browser ({query.engine.name}: "
        f"{shown(query.text)}). Your browser sends it, not the kit.")


@click.command("search-queries")
@click.option("--name", "names", multiple=True, metavar="NAME",
              help="Your name as others would write it (repeat for other forms).")
@click.option("--username", "usernames", multiple=True, metavar="NAME",
              help="A username you use (repeat for more).")
@click.option("--email", "emails", multiple=True, metavar="ADDRESS", help="An email address.")
@click.option("--phone", "phones", multiple=True, metavar="NUMBER", help="A phone number.")
@click.option("--town", "towns", multiple=True, metavar="TOWN",
              help="Your town, searched together with your name.")
@click.option("--save", is_flag=True,
              help="Keep these details in the vault (encrypted), so next time they need not be "
              "typed (or land in your shell history).")
@click.option("--open", "open_number", type=int, metavar="N",
              help="Open search N in your web browser. Nothing is opened without this.")
@json_option
def search_queries(names: tuple[str, ...], usernames: tuple[str, ...],
                   emails: tuple[str, ...], phones: tuple[str, ...], towns: tuple[str, ...],
                   save: bool, open_number: int | None) -> None:
    """Searches to run on yourself: your name (and with your town), usernames, email and phone,
    on Google, Bing and DuckDuckGo, and people-search sites such as 192.com.

    Each says what it looks for. With no details given, the ones saved with --save are used.
    """
    from kit.footprint.queries import build_queries, grouped
    from kit.records.search_details import SearchDetails, check_details

    given = check_details(SearchDetails(names, usernames, emails, phones, towns))
    if given.is_empty:
        if save:
            raise UsageError(f"nothing to save; {HOW}")
        details = _saved()
    else:
        details = _save(given) if save else given
    queries = build_queries(details)
    if not queries:
        raise UsageError("a town is searched together with a name: give --name as well")
    if open_number is not None:
        if not 1 <= open_number <= len(queries):
            raise UsageError(f"--open takes a search number from 1 to {len(queries)}, not "
                             f"{open_number}")
        query = queries[open_number - 1]
        _open(query)
        if opts().json:
            out("", {"opened": query.to_json()})
        return
    lines = [LINKS_ONLY]
    for text, looks_for, engines in grouped(queries):
        lines += ["", f"{text}", f"  Looks for: {looks_for}"]
        lines += [f"  {q.number:>3}. {q.engine.name:<13} {q.url}" for q in engines]
    lines += ["", "`kit search-queries --open N` opens search N in your browser. Note what you "
              "find with `kit checklist show audit-findings-list`."]
    out("\n".join(lines), {"note": LINKS_ONLY,
                           "queries": [q.to_json() for q in queries]})
