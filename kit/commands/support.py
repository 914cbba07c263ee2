"""Where to find support: `kit helplines`, `kit grounding`, and the one support text every
command shows when a check-in or an exposure entry suggests things are hard."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kit.commands.context import json_option, out
from kit.errors import BadInput

if TYPE_CHECKING:
    from kit.wellbeing.signposting import SupportPrompt


def helpline_region() -> str:
    """The region whose support lines to show (config.toml's [checklists] region). A config
    file that cannot be read must never hide the support lines: then every line shows."""
    from kit import config

    try:
        return config.load().region
    except BadInput:
        return "uk"


def support_text(prompt: SupportPrompt) -> str:
    """*prompt*'s message, then the emergency line and the support lines for the user's
    region, and where to find more (`kit helplines`, `kit grounding`)."""
    from kit.wellbeing.helplines import EMERGENCY, helplines_for

    region = helpline_region()
    lines = [prompt.message, "", EMERGENCY]
    lines += [f"  {h.name_for(region)}: {h.action} ({h.hours})" for h in helplines_for(region)]
    lines.append("`kit helplines` has more about each, and `kit grounding` has exercises "
                 "for difficult moments.")
    return "\n".join(lines)


@click.command("helplines")
@json_option
def helplines_command() -> None:
    """Support lines you can call or text, with where each number comes from. Shows the lines
    for the region in config.toml (`kit checklist region`): a UK nation's user sees the
    UK-wide lines and that nation's; "uk" shows every line, each nation's labelled."""
    from kit.wellbeing.helplines import EMERGENCY, helplines_for, helplines_json

    region = helpline_region()
    lines = [EMERGENCY]
    for h in helplines_for(region):
        checked = h.checked + "."
        if h.recheck:
            checked += " The source is old, so check the website before relying on it."
        lines += ["", f"{h.name_for(region)}: {h.action} ({h.hours})", f"  {h.who_for}",
                  f"  Source: {h.source_url}", f"  {checked}"]
    out("\n".join(lines), helplines_json(region))


@click.command("grounding")
@json_option
def grounding_command() -> None:
    """Short grounding exercises for moments when work has shaken you."""
    from kit.wellbeing.grounding import CAUTION, EXERCISES, grounding_json

    lines: list[str] = []
    for exercise in EXERCISES:
        lines += [exercise.title, exercise.intro]
        lines += [f"  {n}. {step}" for n, step in enumerate(exercise.steps, 1)]
        lines.append("")
    lines.append(CAUTION)
    out("\n".join(lines), grounding_json())
