"""Grounding exercises, in the kit's own words, for moments when work has shaken you.

Based on the techniques research/wellbeing.md cites (5-4-3-2-1 senses; physical grounding).
There is deliberately no breathing exercise here: for some people who have been through or
seen trauma, attention on the breath can bring memories back rather than calm them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CAUTION = ("If an exercise makes you feel worse, stop: you have not done it wrong. Some "
           "people find that focusing on their breathing, or relaxing with their eyes closed, "
           "brings back difficult memories. Keeping your eyes open and your attention on the "
           "room around you is a good choice.")


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    intro: str
    steps: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "intro": self.intro,
                "steps": list(self.steps)}


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "senses", "5-4-3-2-1: come back to the room",
        "This uses your senses to bring your attention to where you are now. Take your time; "
        "there is no right answer.",
        ("Look around and name five things you can see. Say them quietly or in your head.",
         "Notice four things you can feel: your feet on the floor, the chair under you, the "
         "texture of your sleeve, the air on your skin.",
         "Listen for three things you can hear, near or far.",
         "Find two things you can smell, or two smells you like.",
         "Notice one thing you can taste, or take a sip of a drink.",
         "Say to yourself where you are, today's date and what you will do next."),
    ),
    Exercise(
        "physical", "Steady your body",
        "This uses your body and the things around you. Pick whichever steps suit where "
        "you are.",
        ("Put both feet flat on the floor and press them down. Notice the floor holding you.",
         "Hold something cold, or run cool water over your hands for a minute.",
         "Press your palms together, or hold the edge of your chair, and notice the pressure.",
         "Stand up, stretch, and walk slowly around the room or outside for a few minutes.",
         "Count backwards from 100 in sevens, or name a colour and find it five times in "
         "the room."),
    ),
)


def grounding_json() -> dict[str, Any]:
    return {"caution": CAUTION, "exercises": [e.to_json() for e in EXERCISES]}
