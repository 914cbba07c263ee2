"""A personal wellbeing plan, in the spirit of Mind's Wellness Action Plan: what keeps you well,
the signs that things are slipping, and what to do and whom to call when they do.

There is one plan, kept like every personal plan (kit.records.document): two devices that each
saved one leave two records, the newest is the plan, and the other stays readable (versions()).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from kit.records.document import (
    Contact,
    DocumentStore,
    PlanDocument,
    PlanField,
    check_contact,
    parse_contact,
    parse_date,
)

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.vault import Vault

__all__ = ["FIELD_BY_KEY", "KIND", "PLAN_FIELDS", "TEXT_FIELDS", "TEXT_KEYS", "Contact", "Plan",
           "PlanField", "WellbeingPlan", "check_contact", "parse_contact", "parse_date"]

KIND = "wellbeing_plan"

PLAN_FIELDS: Final = (
    PlanField("keeps_me_well", "What keeps me well",
              "Everyday things that help you stay well, at work and outside it.", "text"),
    PlanField("warning_signs", "Early warning signs",
              "Small changes you or others might notice when things start to slip.", "text"),
    PlanField("triggers", "Triggers",
              "Situations or kinds of work that can make things harder for you.", "text"),
    PlanField("what_helps", "What helps",
              "What you, colleagues or your supervisor can do when you are struggling.", "text"),
    PlanField("if_worse", "If things get worse",
              "The steps you want to take, and who to tell, if you are not coping.", "text"),
    PlanField("contacts", "Who to contact",
              "People and services you can reach, and how: a friend, your supervisor, "
              "a helpline.", "contacts"),
    PlanField("review_date", "Review date",
              "When you would like to look at this plan again.", "date"),
)
TEXT_FIELDS: Final = tuple(f for f in PLAN_FIELDS if f.kind == "text")
FIELD_BY_KEY: Final = {f.key: f for f in PLAN_FIELDS}
TEXT_KEYS: Final = tuple(f.key for f in TEXT_FIELDS)


@dataclass(frozen=True)
class Plan(PlanDocument):
    """The wellbeing plan. An unsaved, empty plan has no id and no updated time."""

    FIELDS: ClassVar[tuple[PlanField, ...]] = PLAN_FIELDS

    keeps_me_well: str = ""
    warning_signs: str = ""
    triggers: str = ""
    what_helps: str = ""
    if_worse: str = ""
    contacts: tuple[Contact, ...] = ()


class WellbeingPlan(DocumentStore[Plan]):
    """The wellbeing plan in one vault."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        super().__init__(vault, source, kind=KIND, document=Plan, noun="wellbeing plan",
                         problem_code="unreadable_plan")
