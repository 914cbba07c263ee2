"""Choosing a new passphrase, typed twice: the same fields, advice and refusals wherever the app
asks for one (the first-run wizard, recovery with the recovery key)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widget import Widget
from textual.widgets import Input, Label

from kit.credentials import MIN_PASSPHRASE, strength


def new_passphrase_fields() -> Iterable[Widget]:
    """#new with its strength advice under it, then #again, then #mismatch for what is wrong."""
    yield Label("Choose a passphrase (four or more unrelated words work well):")
    yield Input(password=True, id="new", placeholder="new passphrase")
    yield Label("", id="strength", markup=False)
    yield Label("Type it again:")
    yield Input(password=True, id="again", placeholder="the same passphrase")
    yield Label("", id="mismatch", markup=False)


def strength_advice(passphrase: str) -> str:
    """A meter and a word of advice for what is typed so far (nothing for nothing)."""
    if not passphrase:
        return ""
    verdict = strength(passphrase)
    return "▮" * (verdict.level + 1) + "▯" * (3 - verdict.level) + f"  {verdict}"


def passphrase_refusal(new: str, again: str) -> tuple[str, str] | None:
    """Why the two typed passphrases cannot be used, and the field at fault ("#new" or
    "#again"), or None when they can."""
    if len(new) < MIN_PASSPHRASE:
        return f"The passphrase needs at least {MIN_PASSPHRASE} characters.", "#new"
    if new != again:
        return "The two passphrases are different. Please type the second one again.", "#again"
    return None
