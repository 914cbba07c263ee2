"""`kit letter`: letters filled in from the vault (the UK GDPR erasure request to a
people-search site), and the name and reply address they are signed with."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from kit.commands.context import (
    complete_letter_details,
    indent_lines,
    json_option,
    opts,
    out,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.errors import UsageError
from kit.records import incidents as records

KEEP_DETAILS = "add --save-details to keep it in your vault for next time"


@click.group()
def letter() -> None:
    """Letters filled in from your vault: a UK GDPR erasure request to a people-search site."""


@letter.command("erasure")
@click.option("--site", required=True, metavar="NAME", help="The people-search site's web "
              "address, e.g. 192.com (or its name, with --url pages on it).")
@click.option("--url", "urls", multiple=True, metavar="URL",
              help="A page of the site that shows your details (repeat for more).")
@click.option("--incident", "incident_id", metavar="ID",
              help="Also list the pages on this site recorded on this incident (its links "
              "to other sites are left out).")
@click.option("--name", metavar="NAME", help="Your name (default: your saved details).")
@click.option("--reply-to", metavar="ADDRESS",
              help="Where they should reply: an email or postal address (default: your saved "
              "details). A separate email address keeps your home address out of it.")
@click.option("--save-details", is_flag=True,
              help="Save --name and --reply-to in your vault for next time.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the letter to this file (plain text, NOT encrypted) instead of "
              "printing it.")
@click.option("--force", is_flag=True, help="Overwrite the --out file if it exists.")
@json_option
def letter_erasure(site: str, urls: tuple[str, ...], incident_id: str | None,
                   name: str | None, reply_to: str | None, save_details: bool,
                   out_path: Path | None, force: bool) -> None:
    """A UK GDPR erasure request to a people-search site.

    It says your details there put you and your family at risk, asks the site to erase them
    and stop processing them, and asks where it got them and who it passed them to. Only
    pages on that site are listed. The site must respond without undue delay and within one
    month; if it does not, you can complain to the Information Commissioner's Office (ICO).
    Printed, or written to --out (a plain, unencrypted file)."""
    from datetime import date

    from kit.records.my_details import Details
    from kit.reports.letters import erasure_letter, letter_host, next_steps, split_by_site
    from kit.vault.files import is_vault

    pages = [records.check_url(u, "--url") for u in urls]
    records.check_text("--site", site, records.MAX_SHORT, required=True, one_line=True)
    host = letter_host(site, pages)
    elsewhere = split_by_site(host, pages)[1]
    if elsewhere:
        raise UsageError(f"--url {elsewhere[0]} is not on {host}: a letter lists only the "
                         "site's own pages, so write one letter per site; nothing was written")
    left_out: list[str] = []
    details = Details(name or "", reply_to or "")
    needs_vault = incident_id is not None or save_details or (
        (name is None or reply_to is None) and is_vault(opts().vault_path))
    if needs_vault:
        ws = unlocked_workspace()
        with ws.vault:
            saved = ws.my_details.get()
            details = dataclasses.replace(
                saved, name=saved.name if name is None else name,
                reply_to=saved.reply_to if reply_to is None else reply_to)
            if incident_id is not None:
                found, left_out = split_by_site(host, ws.incidents.get(incident_id).urls)
                pages += found
            details = complete_letter_details(details, keep_hint=KEEP_DETAILS)
            erasure_letter(details, site, pages, date.today())  # check before saving
            if save_details:
                ws.my_details.save(details)
                say("Your name and reply address are saved in your vault.")
    else:
        details = complete_letter_details(details, keep_hint=KEEP_DETAILS)
    text = erasure_letter(details, site, pages, date.today())
    if left_out:
        say(f"Left out {len(left_out)} of the incident's links: "
            + (f"they are not on {host}." if host else "give the site's web address as "
               "--site (for example --site 192.com) to list the ones on it."))
    if not pages:
        say("Note: no page of this site is known, and the letter says so; it is stronger "
            "with the pages that show your details (--url).")
    say("Send it to the site's privacy or data protection contact (usually named in its "
        "privacy policy). Keep a copy and note the date you sent it.")
    say(next_steps(site).rstrip("\n"))
    doc: dict[str, Any] = {"site": site, "urls": list(dict.fromkeys(pages)), "letter": text,
                           "left_out": left_out, "next_steps": next_steps(site), "out": None}
    if out_path is None:
        out(text.rstrip("\n"), doc)
        return
    from kit.chosen_file import write_chosen_file
    from kit.reports.plaintext import warning

    # Not write_plaintext: a letter is written to be sent, and it may come from no vault.
    written = write_chosen_file(out_path, text.encode("utf-8"), overwrite=force)
    say(warning("your name, your reply address and the pages you listed", written))
    out(str(written), {**doc, "out": str(written)})


@letter.command("details")
@click.option("--name", metavar="NAME", help="Your name, as the letters should give it.")
@click.option("--reply-to", metavar="ADDRESS", help="Where replies should go.")
@json_option
def letter_details(name: str | None, reply_to: str | None) -> None:
    """Show or change the name and reply address for letters."""
    ws = unlocked_workspace()
    with ws.vault:
        saved = ws.my_details.get()
        if name is not None or reply_to is not None:
            saved = ws.my_details.save(dataclasses.replace(
                saved, name=saved.name if name is None else name,
                reply_to=saved.reply_to if reply_to is None else reply_to))
            say("Saved.")
        warn_problems(ws.my_details.problems)
    human = (f"Name:     {saved.name or '(not saved)'}\n"
             f"Reply to: {indent_lines(saved.reply_to, '          ').strip() or '(not saved)'}")
    out(human, saved.to_json())
