"""`kit exposure`: a log of distressing material met at work, by kind and amount, never its
content; a heavy entry is answered with where to find support."""

from __future__ import annotations

from collections.abc import Sequence

import click

from kit import credentials
from kit.commands.context import (
    choice_of,
    json_option,
    local_time,
    opts,
    out,
    read_private_text,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.commands.support import helpline_region, support_text
from kit.errors import KitError
from kit.plurals import counted
from kit.records import exposure as exposure_records
from kit.records.fields import Labelled, label, parse_when


@click.group("exposure")
def exposure() -> None:
    """A log of distressing material you met at work: kinds and amounts, never content."""


def _volume_help() -> str:
    def count(band: exposure_records.VolumeBand) -> str:
        if band.high is None:
            return f"over {band.low - 1:,}"
        return f"{band.low:,}" if band.low == band.high else f"{band.low:,} to {band.high:,}"

    return ", ".join(f"{b.value} = {count(b)}" for b in exposure_records.VOLUME_BANDS)


def _exposure_row(entry: exposure_records.ExposureEntry) -> str:
    minutes = "-" if entry.minutes is None else str(entry.minutes)
    return (f"{entry.short_id:<8}  {local_time(entry.when):<16}  {entry.impact:>3}/10  "
            f"{minutes:>7}  {entry.volume or '-':<9}  {','.join(entry.material):<16}  "
            f"{','.join(entry.flags) or '-'}")


EXPOSURE_HEADER = (f"{'ID':<8}  {'WHEN (LOCAL)':<16}  {'IMPACT':>6}  {'MINUTES':>7}  "
                   f"{'VOLUME':<9}  {'TYPE':<16}  FLAGS")


def _labels(choices: Sequence[Labelled], values: Sequence[str]) -> str:
    return "; ".join(label(choices, v) for v in values) or "none recorded"


def _exposure_full(entry: exposure_records.ExposureEntry) -> str:
    ex = exposure_records
    lines = [
        f"id:               {entry.id}",
        f"when:             {local_time(entry.when)} (local time)",
        f"type:             {_labels(ex.MATERIAL_TYPES, entry.material)}",
        "how much:         " + (label(ex.VOLUME_BANDS, entry.volume) if entry.volume
                                else "not recorded"),
        "time spent:       " + ("not recorded" if entry.minutes is None
                                else counted(entry.minutes, "minute")),
        f"what stood out:   {_labels(ex.FLAGS, entry.flags)}",
        f"protective steps: {_labels(ex.PROTECTIVE_STEPS, entry.steps)}",
        f"case outcome:     {ex.OUTCOME_LABELS[entry.outcome_known]}",
        f"impact on you:    {entry.impact}/10",
    ]
    if entry.updated != entry.recorded:
        lines.append(f"changed:          {local_time(entry.updated)} (local time)")
    if entry.note:
        lines.append("\n" + entry.note.rstrip())
    return "\n".join(lines)


@exposure.command("add")
@click.option("--when", "when_text", metavar="DATE",
              help="When it happened: YYYY-MM-DD or 'YYYY-MM-DD HH:MM', in local time unless "
              "you add an offset. Default: now.")
@click.option("--minutes", type=int, help="Time spent with it, in minutes (0 to 1440).")
@click.option("--type", "material", multiple=True, required=True,
              type=choice_of(exposure_records.MATERIAL_TYPES, case_sensitive=False),
              help="The kind of material; repeat for more than one.")
@click.option("--volume", type=choice_of(exposure_records.VOLUME_BANDS, case_sensitive=False),
              help=f"How many items: {_volume_help()}.")
@click.option("--flag", "flags", multiple=True,
              type=choice_of(exposure_records.FLAGS, case_sensitive=False),
              help="What stood out (unexpected: it came without warning; personally-resonant: "
              "it felt close to home); repeat for more.")
@click.option("--step", "steps", multiple=True,
              type=choice_of(exposure_records.PROTECTIVE_STEPS, case_sensitive=False),
              help="A protective step you took (stopped-by-cut-off: you stopped at the time "
              "you had set yourself); repeat for more.")
@click.option("--outcome-known/--outcome-unknown", "outcome_known", default=None,
              help="Whether you know how the case turned out. Leave out if it does not apply.")
@click.option("--impact", type=int, required=True,
              help="How much it affected you: 0 (not at all) to 10 (very strongly).")
@click.option("--note", metavar="TEXT",
              help="A short private note about how you are, not a description of the material. "
              "Give '-' to read it from stdin: text typed as an argument can end up in your "
              "shell history.")
@json_option
def exposure_add(when_text: str | None, minutes: int | None, material: tuple[str, ...],
                 volume: str | None, flags: tuple[str, ...], steps: tuple[str, ...],
                 outcome_known: bool | None, impact: int, note: str | None) -> None:
    """Log an exposure (only categories are kept, never content). Prints the entry's id."""
    when = parse_when(when_text, "--when") if when_text is not None else None
    note_text = read_private_text(note) if note == "-" else note
    log = unlocked_workspace().exposure
    with log.vault:
        entry = log.add(material=material, impact=impact, when=when, minutes=minutes,
                        volume=volume, flags=flags, steps=steps, outcome_known=outcome_known,
                        note=note_text)
    from kit.wellbeing.signposting import exposure_prompt

    prompt = exposure_prompt(entry.impact)
    if prompt is not None and not opts().json:
        say(support_text(prompt))
    from kit.wellbeing.helplines import helplines_json

    support = (None if prompt is None
               else {**prompt.to_json(), **helplines_json(helpline_region())})
    out(entry.short_id, {**entry.to_json(), "support": support})


@exposure.command("list")
@click.option("--since", "since_text", metavar="DATE",
              help="Only entries from this date on (YYYY-MM-DD, local time).")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@json_option
def exposure_list(since_text: str | None, limit: int | None) -> None:
    """List exposure entries, newest first."""
    since = parse_when(since_text, "--since") if since_text else None
    log = unlocked_workspace().exposure
    with log.vault:
        entries = log.since(since) if since else log.entries()
        warn_problems(log.problems)
    shown = entries[:limit] if limit else entries
    if shown:
        human = "\n".join([EXPOSURE_HEADER, *(_exposure_row(e) for e in shown)])
    else:
        human = f"No exposure entries since {since_text}." if since else "No exposure entries yet."
    out(human, {"entries": [e.to_json() for e in shown], "total": len(entries)})


@exposure.command("show")
@click.argument("entry_id")
@json_option
def exposure_show(entry_id: str) -> None:
    """Show one entry in full (the id's first characters are enough)."""
    log = unlocked_workspace().exposure
    with log.vault:
        entry = log.get(entry_id)
        warn_problems(log.problems)
    out(_exposure_full(entry), entry.to_json())


@exposure.command("delete")
@click.argument("entry_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def exposure_delete(entry_id: str, yes: bool) -> None:
    """Delete an entry (asks first unless --yes)."""
    log = unlocked_workspace().exposure
    with log.vault:
        entry = log.get(entry_id)
        warn_problems(log.problems)
        if not yes and not credentials.confirm(
                f"Delete the exposure entry {entry.short_id} from {local_time(entry.when)}?"):
            raise KitError("nothing was deleted")
        log.delete(entry.id)
    say(f"Entry {entry.short_id} deleted.")
    if opts().json:
        out("", {"deleted": entry.id})
