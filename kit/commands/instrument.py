"""`kit instrument`: the check-in questionnaires, the built-in pulse and the ones an
organisation gives its staff: import one from its file, list them, show one in full."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.commands.services import open_wellbeing
from kit.plurals import counted

if TYPE_CHECKING:
    from kit.wellbeing.instruments import Instrument


def scale_hint(instrument: Instrument) -> str:
    """The labelled answers of *instrument*'s scale on one line: "VALUE = LABEL, ..."."""
    scale = instrument.scale
    return ", ".join(f"{value} = {label}" for value, label in scale.labels.items())


@click.group("instrument")
def instrument() -> None:
    """Check-in instruments: the built-in pulse, and ones your organisation gives you."""


@instrument.command("add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Replace an imported instrument with the same id (past check-ins keep "
              "their scores).")
@json_option
def instrument_add(file: Path, replace: bool) -> None:
    """Check an instrument file (docs/instrument-format.md) and import it into the vault."""
    from kit.wellbeing.instruments import load_file

    parsed = load_file(file)  # before unlocking: a broken file needs no passphrase
    with open_wellbeing() as wellbeing:
        imported = wellbeing.import_instrument(parsed, replace=replace)
    done = imported.instrument
    say({"added": f"Imported {done.name} ({done.id}): {counted(len(done.items), 'question')}.",
         "replaced": f"Replaced {done.name} ({done.id}) with the new file.",
         "unchanged": f"{done.name} ({done.id}) is already imported; nothing changed."}
        [imported.outcome])
    if opts().json:
        out("", {"outcome": imported.outcome, "instrument": {
            "id": done.id, "name": done.name, "digest": done.digest}})


@instrument.command("list")
@json_option
def instrument_list() -> None:
    """List the instruments you can answer."""
    with open_wellbeing() as wellbeing:
        instruments = wellbeing.instruments()
        warn_problems(wellbeing.problems)
    rows = [f"{i.id:<16}  {i.name}  ({counted(len(i.items), 'question')}, "
            f"{'built in' if i.builtin else 'imported'})" for i in instruments]
    out("\n".join(rows), {"instruments": [
        {"id": i.id, "name": i.name, "short_name": i.short_name, "builtin": i.builtin,
         "items": len(i.items), "recommended_every_days": i.recommended_every_days,
         "digest": i.digest} for i in instruments]})


@instrument.command("show")
@click.argument("instrument_id", metavar="ID")
@json_option
def instrument_show(instrument_id: str) -> None:
    """Show an instrument's questions, answer scale, scoring, attribution and licence."""
    from kit.wellbeing.instruments import show_number

    with open_wellbeing() as wellbeing:
        found = wellbeing.instrument(instrument_id)
        warn_problems(wellbeing.problems)
    lines = [found.name, found.credit, f"Licence: {found.licence}"]
    if found.source_url:
        lines.append(f"Source: {found.source_url}")
    if found.description:
        lines += ["", found.description]
    lines += ["", f"Questions, about how things have been {found.recall_period} "
              f"(answers {found.scale.min} to {found.scale.max}: {scale_hint(found)}):"]
    lines += [f"  {item.id}: {item.text}" + ("  [reverse-scored]" if item.reverse else "")
              for item in found.items]
    for sub in found.subscales:
        lines += ["", f"{sub.name} ({sub.id}): {sub.method} of {counted(len(sub.items), 'answer')}"
                  + (f", times {show_number(sub.multiplier)}" if sub.multiplier != 1 else "")]
        lines += [f"  {show_number(b.low)} to {show_number(b.high)}: {b.shown}"
                  + (f" (saved as '{b.name}')" if b.label else "")
                  + (" (support is offered)" if b.concern else "") for b in sub.bands]
    lines += ["", f"Suggested rhythm: every {counted(found.recommended_every_days, 'day')}."]
    out("\n".join(lines), found.to_json())
