"""A personal safety plan for doxing and swatting: who to call, what has been reported, what the
household will do, and what to say if armed police come to the door.

Written calmly, in advance, so that on a bad day the answers are already there (the research
behind it is research/doxing.md, sections 1, 4 and 5). There is one plan, kept like every
personal plan (kit.records.document): two devices that each saved one leave two records, the
newest is the plan, and the other stays readable (versions()).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from kit.records.document import (
    Contact,
    DocumentStore,
    PlanDocument,
    PlanField,
    parse_contact,
    parse_date,
)

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.vault import Vault

__all__ = ["FIELD_BY_KEY", "KIND", "SAFETY_FIELDS", "TEXT_FIELDS", "Contact", "PlanField",
           "SafetyPlan", "SafetyPlanDocument", "parse_contact", "parse_date"]

KIND = "safety_plan"

SAFETY_FIELDS: Final = (
    PlanField("trusted_people", "Trusted people",
              "People you trust to help if this happens, and how to reach them: someone to "
              "stay with you, someone to help you keep evidence and make reports.", "contacts"),
    PlanField("police_references", "Police reference numbers",
              "Incident or crime reference numbers you have been given, with the police force "
              "and the date for each.", "text"),
    PlanField("police_non_emergency", "Local police, non-emergency",
              "How to reach your local police when it is not an emergency: 101 in the UK. Add "
              "anything your force gave you, such as a named officer, or whether they agreed "
              "to put a note on your address.", "text"),
    PlanField("workplace_contact", "Who to tell at work",
              "The person at work to tell, such as your manager or the designated safeguarding "
              "lead (DSL), and how to reach them.", "text"),
    PlanField("household_plan", "Household plan",
              "Who lives with you, what each person will do, and a place to meet if you have "
              "to leave home. Agree it together.", "text"),
    PlanField("if_police_arrive", "If armed police arrive",
              "Stay calm and do what the officers tell you. Keep your hands empty and where "
              "they can see them, and make no sudden moves. Once things are calm, say you "
              "believe it is a hoax call and tell them who else is in the house. Afterwards, "
              "ask for the officers' names and numbers and a reference number. Write down "
              "anything your household has agreed to add.", "text"),
    PlanField("evidence_location", "Where the evidence log is",
              "Where you keep screenshots, links and your log of what happened. For example: "
              "in Frontline Kit on this computer, under Incidents.", "text"),
    PlanField("support_services", "Support services",
              "Services that can help, and how to reach them: for example the Professionals "
              "Online Safety Helpline, which supports people who work with children.", "text"),
    PlanField("review_date", "Review date",
              "When you would like to look at this plan again.", "date"),
)
TEXT_FIELDS: Final = tuple(f for f in SAFETY_FIELDS if f.kind == "text")
FIELD_BY_KEY: Final = {f.key: f for f in SAFETY_FIELDS}


@dataclass(frozen=True)
class SafetyPlanDocument(PlanDocument):
    """The safety plan. An unsaved, empty plan has no id and no updated time."""

    FIELDS: ClassVar[tuple[PlanField, ...]] = SAFETY_FIELDS

    trusted_people: tuple[Contact, ...] = ()
    police_references: str = ""
    police_non_emergency: str = ""
    workplace_contact: str = ""
    household_plan: str = ""
    if_police_arrive: str = ""
    evidence_location: str = ""
    support_services: str = ""


class SafetyPlan(DocumentStore[SafetyPlanDocument]):
    """The safety plan in one vault."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        super().__init__(vault, source, kind=KIND, document=SafetyPlanDocument,
                         noun="safety plan", problem_code="unreadable_safety_plan")
