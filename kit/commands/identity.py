"""`kit id`: this vault's identity card, and the cards of the people it exchanges packets with."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit import config as kit_config
from kit.commands.context import go_ahead, json_option, out, say, unlocked_workspace, warn_problems
from kit.errors import BadInput
from kit.supervision.contacts import RELATIONS

if TYPE_CHECKING:
    from kit.supervision.service import Supervision
    from kit.workspace import Workspace

MAX_CARD_FILE = 64 * 1024
AGE_IDENTITY_WARNING = (
    "WARNING: this file is your vault's private receiving key. Anyone who has it can read every "
    "packet ever sent to you. Keep it only as long as you need the `age` tool, then delete it.")


def service(ws: Workspace) -> Supervision:
    """The supervision service over *ws*, in the time zone from config.toml."""
    from kit.supervision.service import supervision_for

    return supervision_for(ws, kit_config.load().time_zone)


@click.group("id")
def identity() -> None:
    """Identity cards: show yours, add and list your colleagues'.

    Swap cards any way you like (email, chat, a file), then read the fingerprints to each
    other in person or on a call before you trust them."""


@identity.command("show")
@click.option("--name", help="Your name, as colleagues will see it (saved for next time).")
@click.option("--role", help="Your role, such as \"Social worker\" (saved for next time).")
@json_option
def id_show(name: str | None, role: str | None) -> None:
    """Print your identity card, to send to your supervisor or supervisees."""
    ws = unlocked_workspace()
    with ws.vault:
        sup = service(ws)
        try:
            card = sup.set_me(name, role) if name is not None or role is not None else sup.me()
        finally:  # a saved name this kit cannot read is why none is found: said before that
            warn_problems(ws.contacts.problems)
    out(card.text().rstrip("\n"), card.to_json())
    say(f"\nRead this fingerprint aloud when you give someone your card: {card.fingerprint}")


def _card_text(source: str) -> str:
    """A card from '-' (stdin), a file path, or the card's text itself."""
    if source == "-":
        return sys.stdin.read(MAX_CARD_FILE + 1)
    if "\n" not in source and len(source) < 4096:
        path = Path(source).expanduser()
        if path.exists():  # a pipe or a device is refused by name, never waited on
            from kit.bounded_read import read_bounded

            try:
                return read_bounded(path, MAX_CARD_FILE, "identity card").decode("utf-8")
            except UnicodeDecodeError:
                raise BadInput(f"{path} is not UTF-8 text, so it is not an identity "
                               "card") from None
        if not source.startswith("Frontline Kit"):
            raise BadInput(f"{source} is neither a file nor an identity card's text")
    return source


@identity.command("add")
@click.argument("card", metavar="FILE|TEXT|-")
@click.option("--name", required=True, help="What you call this person (unique in your vault).")
@click.option("--fingerprint", "fingerprint",
              help="The fingerprint they read out to you; the card must match it.")
@click.option("--relation", type=click.Choice([r.value for r in RELATIONS]), default="colleague",
              show_default=True, help="Who they are to you.")
@json_option
def id_add(card: str, name: str, fingerprint: str | None, relation: str) -> None:
    """Add a colleague's identity card, after checking its self-signature.

    Give --fingerprint with what they read out to you: the card is refused unless it matches.
    Without it the contact is kept as "not checked" until you run `kit id verify`."""
    text = _card_text(card)
    ws = unlocked_workspace()
    with ws.vault:
        contact = service(ws).add_contact(text, name, relation, fingerprint)
        warn_problems(ws.contacts.problems)
    checked = ("checked against the fingerprint you gave" if contact.verified else
               "NOT yet checked: read the fingerprint with them, then run `kit id verify`")
    out(f"Added {contact.name} ({contact.card.name}, {contact.card.role or 'no role given'}).\n"
        f"Fingerprint: {contact.fingerprint} — {checked}.", contact.to_json())


@identity.command("verify")
@click.argument("who")
@click.option("--fingerprint", required=True, help="The fingerprint they read out to you.")
@json_option
def id_verify(who: str, fingerprint: str) -> None:
    """Mark a contact's card as checked, once the fingerprint they read out matches."""
    from kit.supervision.cards import check_fingerprint

    ws = unlocked_workspace()
    with ws.vault:
        contact = ws.contacts.find(who)
        check_fingerprint(contact.card, fingerprint)
        contact = ws.contacts.update(contact, verified=True)
    out(f"{contact.name}'s card is checked.", contact.to_json())


@identity.command("list")
@click.option("--archived", is_flag=True, help="Include people who have been archived.")
@json_option
def id_list(archived: bool) -> None:
    """The people whose cards you have."""
    ws = unlocked_workspace()
    with ws.vault:
        contacts = ws.contacts.all(archived=archived)
        warn_problems(ws.contacts.problems)
    labels = {r.value: r.label for r in RELATIONS}
    lines = [f"{c.name:<20} {labels[c.relation]:<22} {c.fingerprint}"
             f"{'' if c.verified else '  (not checked)'}{'  (archived)' if c.archived else ''}"
             for c in contacts]
    out("\n".join(lines) or "No contacts yet. Add one with `kit id add CARD --name NAME`.",
        [c.to_json() for c in contacts])


@identity.command("export-age-identity")
@click.option("--out", "out_path", type=click.Path(path_type=Path), required=True,
              help="Where to write the identity file.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Overwrite the --out file if it is already there.")
@json_option
def id_export_age(out_path: Path, yes: bool, force: bool) -> None:
    """Write your private receiving key as an age identity file, so the standard `age` tool
    can open packets sent to you (`age -d -i FILE packet.age`)."""
    from kit.chosen_file import check_chosen_path
    from kit.reports.plaintext import write_plaintext

    check_chosen_path(out_path, overwrite=force)
    go_ahead(yes, f"{AGE_IDENTITY_WARNING}\nWrite it to {out_path}?",
             to_do="write your private key to a file", otherwise="nothing was written")
    ws = unlocked_workspace(allow_device=False)
    with ws.vault:
        sup = service(ws)
        text = (f"# Frontline Kit receiving key for {sup.fingerprint}\n"
                f"# public key: {sup.recipient}\n"
                f"{sup.age_identity_text()}\n")
    written = write_plaintext(ws.vault, out_path, text.encode("ascii"), force=force)
    say(AGE_IDENTITY_WARNING)
    out(f"Written to {written.resolve()}", {"path": str(written.resolve())})
