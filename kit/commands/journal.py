"""`kit journal`: the private reflective journal: add, list, search, show, edit, delete and
export entries."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit import credentials
from kit.commands.context import (
    json_option,
    opts,
    out,
    read_private_text,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.errors import KitError
from kit.plurals import counted

if TYPE_CHECKING:
    from kit.records.journal import Journal, JournalEntry


@click.group("journal")
def journal() -> None:
    """Your private reflective journal (encrypted)."""


def _journal(allow_device: bool = True) -> Journal:
    return unlocked_workspace(allow_device).journal


def _entry_line(entry: JournalEntry) -> str:
    tags = " " + " ".join(f"#{t}" for t in entry.tags) if entry.tags else ""
    mood = f" [mood {entry.mood}]" if entry.mood is not None else ""
    return f"{entry.short_id}  {entry.created:%Y-%m-%d %H:%M}  {entry.title}{tags}{mood}"


def _entry_full(entry: JournalEntry) -> str:
    head = [f"id:      {entry.id}", f"created: {entry.created:%Y-%m-%d %H:%M} UTC"]
    if entry.updated != entry.created:
        head.append(f"updated: {entry.updated:%Y-%m-%d %H:%M} UTC")
    if entry.tags:
        head.append("tags:    " + " ".join(f"#{t}" for t in entry.tags))
    if entry.mood is not None:
        head.append(f"mood:    {entry.mood}/10")
    return "\n".join(head) + "\n\n" + entry.text.rstrip()


MOOD = click.IntRange(0, 10)


@journal.command("add")
@click.argument("text", required=False)
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for more).")
@click.option("--mood", type=MOOD, help="How you feel, 0 (worst) to 10 (best).")
@json_option
def journal_add(text: str | None, tags: tuple[str, ...], mood: int | None) -> None:
    """Add an entry. Give TEXT, or '-' / nothing to read it from stdin (safer)."""
    body = read_private_text(text)
    j = _journal()
    with j.vault:
        entry = j.add(body, tags, mood)
    out(entry.id, entry.to_json())


@journal.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@json_option
def journal_list(limit: int | None) -> None:
    """List entries, newest first."""
    j = _journal()
    with j.vault:
        entries = j.entries()
        warn_problems(j.problems)
    shown = entries[:limit] if limit else entries
    human = "\n".join(_entry_line(e) for e in shown) if shown else "No journal entries yet."
    out(human, {"entries": [e.to_json() for e in shown], "total": len(entries)})


@journal.command("search")
@click.argument("query")
@json_option
def journal_search(query: str) -> None:
    """Find entries containing every word of QUERY (#tag matches tags)."""
    j = _journal()
    with j.vault:
        hits = j.search(query)
        warn_problems(j.problems)
    human = "\n".join(_entry_line(e) for e in hits) if hits else "No entries match."
    out(human, {"query": query, "entries": [e.to_json() for e in hits]})


@journal.command("show")
@click.argument("entry_id")
@json_option
def journal_show(entry_id: str) -> None:
    """Show one entry in full (the id's first characters are enough)."""
    j = _journal()
    with j.vault:
        entry = j.get(entry_id)
        warn_problems(j.problems)
    out(_entry_full(entry), entry.to_json())


@journal.command("edit")
@click.argument("entry_id")
@click.argument("text", required=False)
@click.option("--tag", "tags", multiple=True, help="Replace the tags (repeat for more).")
@click.option("--mood", type=MOOD, help="Set the mood, 0 to 10.")
@click.option("--clear-mood", is_flag=True, help="Remove the mood.")
@json_option
def journal_edit(entry_id: str, text: str | None, tags: tuple[str, ...], mood: int | None,
                 clear_mood: bool) -> None:
    """Change an entry: new TEXT (or '-' for stdin), tags or mood.

    With no TEXT and no other option, the new text is read from stdin.
    """
    only_meta = text is None and (tags or mood is not None or clear_mood)
    body = None if only_meta else read_private_text(text)
    j = _journal()
    with j.vault:
        entry = j.edit(entry_id, body, list(tags) if tags else None, mood, clear_mood)
    say(f"Entry {entry.short_id} updated.")
    if opts().json:
        out("", entry.to_json())


@journal.command("delete")
@click.argument("entry_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def journal_delete(entry_id: str, yes: bool) -> None:
    """Delete an entry (asks first unless --yes)."""
    j = _journal()
    with j.vault:
        entry = j.get(entry_id)
        if not yes and not credentials.confirm(
                f"Delete the entry {entry.short_id} ({entry.title[:40]!r})?"):
            raise KitError("nothing was deleted")
        j.delete(entry.id)
    say(f"Entry {entry.short_id} deleted.")
    if opts().json:
        out("", {"deleted": entry.id})


@journal.command("export")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), required=True)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@json_option
def journal_export(fmt: str, out_path: Path, force: bool) -> None:
    """Write the journal to a PLAINTEXT file (Markdown or JSON)."""
    from kit.chosen_file import check_chosen_path
    from kit.reports.journal_export import render
    from kit.reports.plaintext import warning, write_plaintext

    check_chosen_path(out_path, overwrite=force)
    j = _journal(allow_device=False)  # a plaintext copy always needs the passphrase
    with j.vault:
        entries = j.entries()
        warn_problems(j.problems)
    data = render(list(reversed(entries)), fmt).encode("utf-8")
    out_path = write_plaintext(j.vault, out_path, data, force)
    say(warning("your journal", out_path))
    say(f"Exported {counted(len(entries), 'entry', 'entries')} to {out_path}.")
    if opts().json:
        out("", {"out": str(out_path), "entries": len(entries), "format": fmt})
