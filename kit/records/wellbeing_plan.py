"""A personal wellbeing plan, in the spirit of Mind's Wellness Action Plan: what keeps you well,
the signs that things are slipping, and what to do and whom to call when they do.

There is one plan. Two devices that each saved one leave two records: the newest is the plan,
and the other stays readable (versions()); nothing is ever deleted to tidy up.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple

from kit.errors import UsageError

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.vault import Problem, Record, Vault

KIND = "wellbeing_plan"


class PlanField(NamedTuple):
    """One part of the plan, described once for the command line and the app."""

    key: str  # the Plan attribute; the CLI option is --key-with-dashes
    label: str
    hint: str
    kind: Literal["text", "contacts", "date"]

    @property
    def option(self) -> str:
        return "--" + self.key.replace("_", "-")


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


class Contact(NamedTuple):
    name: str
    how: str  # how to reach them: a phone number, an email, "desk by the window"


def check_contact(name: str, how: str) -> Contact:
    name, how = name.strip(), how.strip()
    if not name:
        raise UsageError("a contact needs a name")
    if not how:
        raise UsageError(f"say how to reach {name} (for example a phone number)")
    return Contact(name, how)


def parse_contact(text: str) -> Contact:
    """'NAME: HOW TO REACH THEM' (split at the first colon, so a number may hold colons)."""
    name, colon, how = text.partition(":")
    if not colon:
        raise UsageError(f"contact {text!r} should look like 'NAME: HOW TO REACH THEM', "
                         "for example 'Sam: 07700 900123'")
    return check_contact(name, how)


def parse_date(text: str, field: str = "review date") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text!r} is not a date; use YYYY-MM-DD") from None


@dataclass(frozen=True)
class Plan:
    """The plan. An unsaved, empty plan has no id and no updated time."""

    keeps_me_well: str = ""
    warning_signs: str = ""
    triggers: str = ""
    what_helps: str = ""
    if_worse: str = ""
    contacts: tuple[Contact, ...] = ()
    review_date: date | None = None
    updated: datetime | None = None
    id: str | None = None
    # Fields a newer kit wrote: kept and written back unchanged, so no save loses them.
    extra: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, key).strip() for key in TEXT_KEYS) and not (
            self.contacts or self.review_date)

    def text(self, key: str) -> str:
        """The text of one TEXT_FIELDS part."""
        if key not in TEXT_KEYS:
            raise KeyError(key)
        value: str = getattr(self, key)
        return value

    def review_due(self, today: date) -> bool:
        """True from the review date on; never when no date is set."""
        return self.review_date is not None and self.review_date <= today

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            **{key: getattr(self, key) for key in TEXT_KEYS},
            "contacts": [c._asdict() for c in self.contacts],
            "review_date": self.review_date.isoformat() if self.review_date else None,
            "updated": self.updated.isoformat() if self.updated else None,
        }

    def _data(self) -> dict[str, Any]:
        data = {**self.extra, **self.to_json()}
        del data["id"]
        return data


def _from_record(record: Record) -> Plan:
    d = record.data
    texts = {key: d.get(key, "") for key in TEXT_KEYS}
    if not all(isinstance(v, str) for v in texts.values()):
        raise TypeError("plan text must be strings")
    raw_contacts = d.get("contacts", [])
    if not isinstance(raw_contacts, list):
        raise TypeError("contacts must be a list")
    contacts = []
    for c in raw_contacts:
        if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not isinstance(
                c.get("how"), str):
            raise TypeError("a contact must have a name and how to reach them")
        contacts.append(Contact(c["name"], c["how"]))
    review = d.get("review_date")
    if review is not None and not isinstance(review, str):
        raise TypeError("review_date must be a date")
    updated = d["updated"]
    if not isinstance(updated, str):
        raise TypeError("updated must be a date-time")
    stamp = datetime.fromisoformat(updated)
    if stamp.tzinfo is None:
        raise ValueError("updated has no time zone")
    known = {*TEXT_KEYS, "contacts", "review_date", "updated"}
    return Plan(**texts, contacts=tuple(contacts),
                review_date=date.fromisoformat(review) if review else None,
                updated=stamp, id=record.id,
                extra={k: v for k, v in d.items() if k not in known})


def _checked(plan: Plan) -> Plan:
    """Texts trimmed (stdin brings a final newline), contacts checked and without repeats."""
    texts: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        value = getattr(plan, f.key)
        if not isinstance(value, str):
            raise UsageError(f"{f.label.lower()} must be text")
        texts[f.key] = value.strip()
    contacts = tuple(check_contact(c.name, c.how) for c in plan.contacts)
    if plan.review_date is not None and (
            isinstance(plan.review_date, datetime) or not isinstance(plan.review_date, date)):
        raise UsageError("the review date must be a date (YYYY-MM-DD)")
    return dataclasses.replace(plan, **texts, contacts=_unique(contacts))


def _unique(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    return tuple(dict.fromkeys(contacts))


class WellbeingPlan:
    """The wellbeing plan in one vault."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._versions: list[Plan] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> list[Plan]:
        if self._versions is None:
            from kit.vault import Problem  # here: the CLI imports this module at start

            snap = self.source.snapshot()
            self.problems = list(snap.problems)  # a copy: the snapshot may be shared
            versions = []
            for record in snap.records.values():
                if record.kind != KIND:
                    continue
                try:
                    versions.append(_from_record(record))
                except (KeyError, TypeError, ValueError, AttributeError):
                    self.problems.append(Problem(
                        "unreadable_plan", f"a saved wellbeing plan ({record.id}) has a shape "
                        "this version of the kit cannot read; it was left untouched", record.id))
            self._versions = _newest_first(versions)
        return self._versions

    def versions(self) -> list[Plan]:
        """Every saved plan, newest first. More than one only when two devices each saved."""
        return list(self._load())

    def get(self) -> Plan:
        """The newest saved plan, or an empty one."""
        versions = self._load()
        return versions[0] if versions else Plan()

    def save(self, plan: Plan) -> Plan:
        """Save *plan* over the version it was read from (else over the newest one)."""
        checked = _checked(plan)
        versions = self._load()
        ids = {v.id for v in versions}
        target = plan.id if plan.id in ids else (versions[0].id if versions else None)
        stamped = dataclasses.replace(checked, updated=datetime.now(UTC), id=None)
        record = self.vault.put(KIND, stamped._data(), record_id=target)
        saved = dataclasses.replace(stamped, id=record.id)
        self._versions = _newest_first([saved, *(v for v in versions if v.id != record.id)])
        return saved

    def review_due(self, today: date) -> bool:
        return self.get().review_due(today)


def _newest_first(versions: Iterable[Plan]) -> list[Plan]:
    return sorted(versions, key=lambda p: (p.updated or datetime.min.replace(tzinfo=UTC),
                                           p.id or ""), reverse=True)
