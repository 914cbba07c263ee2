"""Reflective prompts for the journal, in our own words.

The cycle follows the shape of reflective supervision (experience, reflection, analysis,
action: Morrison's 4x4x4 model, research/wellbeing.md); the wording is the kit's own. A prompt
set only seeds headings into a new entry; the user writes, changes or deletes anything.
"""

from __future__ import annotations

from typing import NamedTuple


class PromptSet(NamedTuple):
    id: str
    name: str
    questions: tuple[str, ...]

    def as_text(self) -> str:
        """Headings to start an entry with, each followed by a blank line to write in."""
        return "\n\n".join(f"{q}\n" for q in self.questions) + "\n"


PROMPT_SETS: tuple[PromptSet, ...] = (
    PromptSet("cycle", "Reflective cycle", (
        "What happened?",
        "How did it feel, then and now?",
        "What do I make of it?",
        "What will I do next?",
    )),
    PromptSet("hard-day", "After a hard day", (
        "What stayed with me today?",
        "What did I do that helped, even a little?",
        "What do I need tonight?",
    )),
    PromptSet("three-columns", "Worries, what is working, next steps", (
        "What am I worried about?",
        "What is working well?",
        "What needs to happen next?",
        "On a scale of 0 to 10, where am I with this today, and why not lower?",
    )),
)


def prompt_set(set_id: str) -> PromptSet:
    for ps in PROMPT_SETS:
        if ps.id == set_id:
            return ps
    raise KeyError(set_id)

# Every heading a prompt set seeds; an entry's title passes over them (kit.records.journal).
PROMPT_QUESTIONS: frozenset[str] = frozenset(q for ps in PROMPT_SETS for q in ps.questions)
