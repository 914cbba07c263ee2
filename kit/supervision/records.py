"""Supervision records: the agreement between a supervisor and a supervisee, and the record of
each session, kept as numbered versions that the supervisee accepts or comments on.

Both people keep a copy, and the supervisee can add comments or disagree (research/wellbeing.md
section 3: Solihull, Queensland). Once a version has been sent it never changes. A later change
becomes a new version, so what someone accepted stays exactly what they saw. The countersignature
covers each version's digest: SHA-256 over the canonical JSON of its content.

Why one long module: it is one format, in the order it is built (validation, reading stored or
received JSON, the content, versions and responses, then the repository that keeps them), and
each part leans on the one before; the rules about the records (who may change, send or answer
one; how times are typed) live apart, in roles.py and times.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final

from kit.errors import BadInput, NotFound, UsageError
from kit.records.fields import Choice, label
from kit.records.ids import SHORT_ID, by_prefix
from kit.records.source import read_kind
from kit.supervision.cards import normalize_fingerprint

if TYPE_CHECKING:
    from kit.records.source import RecordSource
    from kit.vault import Problem, Vault
    from kit.vault.store import WriteTxn

KIND = "supervision_record"

DOC_TYPES: Final = (Choice("agreement", "Supervision agreement"),
                    Choice("session", "Session record"))
SESSION_TYPES: Final = (Choice("routine", "Routine"),
                        Choice("post-incident", "After an incident"),
                        Choice("follow-up-72h", "72-hour follow-up"),
                        Choice("follow-up-1m", "One-month follow-up"),
                        Choice("other", "Other"))
REFERRALS: Final = (Choice("occupational-health", "Occupational health"),
                    Choice("employee-assistance", "Employee assistance programme"),
                    Choice("trim", "TRiM assessment"),
                    Choice("other", "Other"))
ACTION_STATUSES: Final = (Choice("open", "Open"), Choice("done", "Done"),
                          Choice("dropped", "Dropped"))
DECISIONS: Final = (Choice("accepted", "Accepted"), Choice("commented", "Commented"))
DOC_STATUSES: Final = (Choice("draft", "Draft, not sent"), Choice("sent", "Sent, awaiting reply"),
                       Choice("accepted", "Accepted"), Choice("commented", "Commented on"))
FOLLOW_UP_TYPES: Final = ("follow-up-72h", "follow-up-1m")

MAX_TEXT = 20_000
MAX_NAME = 100
MAX_ATTENDEES = 20
MAX_ACTIONS = 100
MAX_PACKET_ID = 100
MIN_FREQUENCY, MAX_FREQUENCY, DEFAULT_FREQUENCY = 7, 91, 28
# Solihull's agreement gives the supervisee a 2- or 5-day window to dispute a record.
MIN_WINDOW, MAX_WINDOW, DEFAULT_WINDOW = 1, 30, 5

_RECORD_ID = re.compile(r"[0-9a-f]{32}")
_ACTION_ID = re.compile(r"[0-9a-f]{12}")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"[0-9a-f]{4}( [0-9a-f]{4}){7}")


# --- validation: every error a UsageError naming the field and what is allowed ---


def _allowed(choices: Iterable[Choice]) -> str:
    return ", ".join(c.value for c in choices)


def _one_of(field: str, choices: Sequence[Choice], value: object) -> str:
    if not isinstance(value, str) or not any(c.value == value for c in choices):
        raise UsageError(f"{field} {value!r} is not one of: {_allowed(choices)}")
    return value


def _some_of(field: str, choices: Sequence[Choice], given: object) -> tuple[str, ...]:
    """Known values without repeats, in the list's own order (as exposure._pick keeps them), so
    equal sets give equal content and equal digests."""
    if isinstance(given, str):  # one value, not its letters
        given = (given,)
    if not isinstance(given, Iterable):
        raise UsageError(f"{field} must be a list of: {_allowed(choices)}")
    wanted = {_one_of(field, choices, value) for value in given}
    return tuple(c.value for c in choices if c.value in wanted)


def _text(field: str, value: object, limit: int = MAX_TEXT) -> str:
    """Free text: trimmed, several lines allowed, no other control characters (a carriage
    return or an escape sequence in received text could rewrite what a terminal shows)."""
    if not isinstance(value, str):
        raise UsageError(f"{field} must be text")
    value = value.replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise UsageError(f"{field} is {len(value):,} characters long; at most {limit:,} are "
                         "allowed")
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in value):
        raise UsageError(f"{field} must not contain control characters")
    return value


def _name(field: str, value: object, *, limit: int = MAX_NAME) -> str:
    """A name (an attendee, an action's owner): one line, not empty. Format characters are
    refused too, as identity cards refuse them, so a name cannot reverse the text after it."""
    if not isinstance(value, str):
        raise UsageError(f"{field} must be text")
    value = value.strip()
    if not value:
        raise UsageError(f"{field} cannot be empty")
    if len(value) > limit:
        raise UsageError(f"{field} is {len(value):,} characters long; at most {limit:,} are "
                         "allowed")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise UsageError(f"{field} must be one line, without control characters")
    return value


def _whole(field: str, value: object, low: int, high: int) -> int:
    # bool is an int in Python; True must not pass as 1.
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise UsageError(f"{field} must be a whole number from {low} to {high}, not {value!r}")
    return value


def _aware(field: str, value: object) -> datetime:
    """*value* in UTC. A time without a zone is refused: the other person's computer may be in
    another zone, and a naive time would mean a different hour there."""
    if not isinstance(value, datetime):
        raise UsageError(f"{field} must be a date and time")
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(f"{field} needs a time zone")
    return value.astimezone(UTC)


def _optional_aware(field: str, value: object) -> datetime | None:
    return None if value is None else _aware(field, value)


def _day(field: str, value: object) -> date | None:
    # A datetime is a date too; taking one here would store a time nobody chose.
    if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
        raise UsageError(f"{field} must be a date")
    return value


def _record_id(field: str, value: object) -> str:
    if not isinstance(value, str) or not _RECORD_ID.fullmatch(value):
        raise UsageError(f"{field} must be a full record id (32 hexadecimal characters)")
    return value


def _packet_id(field: str, value: object) -> str:
    value = _name(field, value, limit=MAX_PACKET_ID)
    if any(ch.isspace() for ch in value):
        raise UsageError(f"{field} must not contain spaces")
    return value


def _optional_packet_id(field: str, value: object) -> str | None:
    return None if value is None else _packet_id(field, value)


def _fingerprint(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{field} must be a fingerprint")
    return normalize_fingerprint(value)


def _set(obj: object, name: str, value: object) -> None:
    """Store a checked, normalised value in a frozen dataclass during __post_init__."""
    object.__setattr__(obj, name, value)


# --- reading stored or received JSON: every failure a BadInput in plain words ---


@contextmanager
def _reading(what: str) -> Iterator[None]:
    """Turn any failure while reading *what* into BadInput: stored data may come from a newer
    kit, and received data from another vault, so neither can be trusted to have our shape."""
    try:
        yield
    except UsageError as exc:
        raise BadInput(f"the {what} cannot be read: {exc.message}") from None
    except (TypeError, ValueError) as exc:
        raise BadInput(f"the {what} cannot be read: {exc}") from None


def _fields(data: object, keys: tuple[str, ...], what: str) -> dict[str, Any]:
    """*data* as a dict with exactly *keys*. Unknown keys are refused, not kept: a version's
    digest covers everything in it, so nothing may be signed that this kit cannot show."""
    if not isinstance(data, dict):
        raise BadInput(f"the {what} cannot be read: it is not a JSON object")
    missing = [k for k in keys if k not in data]
    extra = sorted(str(k) for k in data if k not in keys)
    if missing:
        raise BadInput(f"the {what} cannot be read: it lacks {', '.join(missing)}")
    if extra:
        raise BadInput(f"the {what} cannot be read: it has fields this version of the kit does "
                       f"not know ({', '.join(extra[:5])})")
    return data


def _stamp_from(field: str, value: object) -> datetime:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be an ISO date and time")
    stamp = datetime.fromisoformat(value)
    if stamp.tzinfo is None:
        raise ValueError(f"{field} has no time zone")
    return stamp


def _optional_stamp_from(field: str, value: object) -> datetime | None:
    return None if value is None else _stamp_from(field, value)


def _date_from(field: str, value: object) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{field} must be an ISO date")
    return date.fromisoformat(value)


def _list(field: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{field} must be a list")
    return value


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def canonical_json(content: Mapping[str, Any]) -> bytes:
    """The exact bytes a digest covers; both sides must produce the same ones."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def digest_of(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of *content*'s canonical JSON."""
    return hashlib.sha256(canonical_json(content)).hexdigest()


# --- the content of a version ---


@dataclass(frozen=True)
class Action:
    """An agreed action, with an owner and a due date. It carries its id from session to
    session, so it stays the same action while it moves forward to each new review."""

    id: str
    text: str
    owner: str
    due: date | None = None
    status: str = "open"
    agreed_in: str = ""  # "" until saved: the repository fills in the new session's id

    KEYS = ("id", "text", "owner", "due", "status", "agreed_in")

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ACTION_ID.fullmatch(self.id):
            raise UsageError("an action's id must be 12 hexadecimal characters")
        text = _text("an action's text", self.text)
        if not text:
            raise UsageError("an action's text cannot be empty")
        _set(self, "text", text)
        _set(self, "owner", _name("an action's owner", self.owner))
        _set(self, "due", _day("an action's due date", self.due))
        _set(self, "status", _one_of("action status", ACTION_STATUSES, self.status))
        if self.agreed_in != "":
            _record_id("an action's agreed_in", self.agreed_in)

    def overdue(self, today: date) -> bool:
        """Open and past its due date."""
        return self.status == "open" and self.due is not None and self.due < today

    @property
    def status_label(self) -> str:
        return label(ACTION_STATUSES, self.status)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "owner": self.owner, "due": _iso(self.due),
                "status": self.status, "agreed_in": self.agreed_in}

    @classmethod
    def from_json(cls, data: object) -> Action:
        d = _fields(data, cls.KEYS, "action")
        with _reading("action"):
            return cls(id=d["id"], text=d["text"], owner=d["owner"],
                       due=_date_from("due", d["due"]), status=d["status"],
                       agreed_in=d["agreed_in"])


# An owner written as the writer's own self: kept as the writer's name (Supervision does), since
# every other reader of the record would take "me" to mean themselves.
SELF_WORDS: Final = frozenset({"me", "myself", "i"})


def written_as_self(owner: str) -> bool:
    return " ".join(owner.casefold().split()) in SELF_WORDS


def owner_shown(action: Action, doc: SupervisionDoc, names: Mapping[str, str]) -> str:
    """An action's owner as a reader should see it: one an older kit kept as "me" is the
    record's writer, its supervisor, shown by name."""
    if written_as_self(action.owner):
        writer = names.get(doc.supervisor)
        if writer and not written_as_self(writer):
            return f"{writer} (written as \"{action.owner}\")"
    return action.owner


def new_action(text: str, owner: str, due: date | None = None, agreed_in: str = "") -> Action:
    """A new open action with a random id; *agreed_in* is filled in when its session is saved."""
    return Action(id=secrets.token_hex(6), text=text, owner=owner, due=due, status="open",
                  agreed_in=agreed_in)


def _canonical(parsed: Agreement | Session, data: Mapping[str, Any], what: str) -> None:
    """Refuse content that reads but is not exactly what this kit writes (untrimmed text, a
    differently written time). Storing it as given would keep text nobody checked; storing it
    normalised would break the digest the other person signed."""
    if parsed.to_json() != data:
        raise BadInput(f"the {what} is not in the form the kit writes (untrimmed text or a "
                       "differently written date); it was not stored")


@dataclass(frozen=True)
class Agreement:
    """What supervisor and supervisee agreed about supervision itself: how often they meet, how
    long the supervisee has to comment on a record, and what happens to what is said."""

    frequency_days: int = DEFAULT_FREQUENCY
    comment_window_days: int = DEFAULT_WINDOW
    confidentiality: str = ""  # the limits of confidentiality (safety of practice)
    records_kept: str = ""     # where records live and who can see them
    disagreement: str = ""     # how disagreement is recorded
    cancellations: str = ""    # how cancellations are handled, with the reason recorded
    review_date: date | None = None

    KEYS = ("frequency_days", "comment_window_days", "confidentiality", "records_kept",
            "disagreement", "cancellations", "review_date")

    def __post_init__(self) -> None:
        _whole("the meeting frequency (days)", self.frequency_days, MIN_FREQUENCY, MAX_FREQUENCY)
        _whole("the comment window (days)", self.comment_window_days, MIN_WINDOW, MAX_WINDOW)
        for key in ("confidentiality", "records_kept", "disagreement", "cancellations"):
            _set(self, key, _text(key.replace("_", " "), getattr(self, key)))
        _set(self, "review_date", _day("the review date", self.review_date))

    def to_json(self) -> dict[str, Any]:
        return {"frequency_days": self.frequency_days,
                "comment_window_days": self.comment_window_days,
                "confidentiality": self.confidentiality, "records_kept": self.records_kept,
                "disagreement": self.disagreement, "cancellations": self.cancellations,
                "review_date": _iso(self.review_date)}

    @classmethod
    def from_json(cls, data: object) -> Agreement:
        """Stored or received content; BadInput unless it is exactly what to_json() gives."""
        d = _fields(data, cls.KEYS, "agreement")
        with _reading("agreement"):
            parsed = cls(frequency_days=d["frequency_days"],
                         comment_window_days=d["comment_window_days"],
                         confidentiality=d["confidentiality"], records_kept=d["records_kept"],
                         disagreement=d["disagreement"], cancellations=d["cancellations"],
                         review_date=_date_from("review_date", d["review_date"]))
        _canonical(parsed, d, "agreement")
        return parsed


@dataclass(frozen=True)
class Session:
    """The record of one supervision session (the fields of research/wellbeing.md section 3).
    Times are kept in UTC; schedule.py shows them in local time."""

    held: datetime
    attendees: tuple[str, ...] = ()
    type: str = "routine"
    incident_at: datetime | None = None
    follows: str | None = None        # follow-ups: the post-incident session's record id
    share_packet: str | None = None   # the share packet the session drew on, if any
    summary_received: str = ""
    impact: str = ""
    coping: str = ""
    actions: tuple[Action, ...] = ()
    escalation: str = ""
    referrals: tuple[str, ...] = ()
    review_date: date | None = None

    KEYS = ("held", "attendees", "type", "incident_at", "follows", "share_packet",
            "summary_received", "impact", "coping", "actions", "escalation", "referrals",
            "review_date")

    def __post_init__(self) -> None:
        _set(self, "held", _aware("the session time", self.held))
        _set(self, "attendees", self._check_attendees(self.attendees))
        _set(self, "type", _one_of("session type", SESSION_TYPES, self.type))
        _set(self, "incident_at", _optional_aware("the incident time", self.incident_at))
        if self.type == "post-incident" and self.incident_at is None:
            raise UsageError("a session after an incident needs the time of the incident")
        if self.incident_at is not None and self.incident_at > self.held:
            raise UsageError("the incident is after the session; check both times")
        if self.type in FOLLOW_UP_TYPES:
            if self.follows is None:
                raise UsageError(f"a {label(SESSION_TYPES, self.type).lower()} needs the id of "
                                 "the session after the incident that it follows")
            _record_id("follows", self.follows)
        elif self.follows is not None:
            raise UsageError("only a 72-hour or one-month follow-up follows another session")
        _set(self, "share_packet", _optional_packet_id("share packet", self.share_packet))
        for key in ("summary_received", "impact", "coping", "escalation"):
            _set(self, key, _text(key.replace("_", " "), getattr(self, key)))
        _set(self, "actions", self._check_actions(self.actions))
        _set(self, "referrals", _some_of("referral", REFERRALS, self.referrals))
        _set(self, "review_date", _day("the review date", self.review_date))

    @staticmethod
    def _check_attendees(given: object) -> tuple[str, ...]:
        """Trimmed names; blanks and repeats dropped, so "Sam, Priya," reads as two people."""
        if isinstance(given, str) or not isinstance(given, Iterable):
            raise UsageError("attendees must be a list of names")
        names: list[str] = []
        for value in given:
            if isinstance(value, str) and not value.strip():
                continue
            name = _name("an attendee's name", value)
            if name not in names:
                names.append(name)
        if len(names) > MAX_ATTENDEES:
            raise UsageError(f"a session has at most {MAX_ATTENDEES} attendees, not {len(names)}")
        return tuple(names)

    @staticmethod
    def _check_actions(given: object) -> tuple[Action, ...]:
        if not isinstance(given, Iterable) or isinstance(given, str):
            raise UsageError("actions must be a list")
        actions = tuple(given)
        if not all(isinstance(a, Action) for a in actions):
            raise UsageError("actions must be a list of actions")
        if len(actions) > MAX_ACTIONS:
            raise UsageError(f"a session has at most {MAX_ACTIONS} actions, not {len(actions)}")
        if len({a.id for a in actions}) != len(actions):
            raise UsageError("the same action is listed twice")
        return actions

    @property
    def type_label(self) -> str:
        return label(SESSION_TYPES, self.type)

    def open_actions(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.status == "open")

    def to_json(self) -> dict[str, Any]:
        return {"held": self.held.isoformat(), "attendees": list(self.attendees),
                "type": self.type,
                "incident_at": self.incident_at.isoformat() if self.incident_at else None,
                "follows": self.follows, "share_packet": self.share_packet,
                "summary_received": self.summary_received, "impact": self.impact,
                "coping": self.coping, "actions": [a.to_json() for a in self.actions],
                "escalation": self.escalation, "referrals": list(self.referrals),
                "review_date": _iso(self.review_date)}

    @classmethod
    def from_json(cls, data: object) -> Session:
        """Stored or received content; BadInput unless it is exactly what to_json() gives."""
        d = _fields(data, cls.KEYS, "session record")
        actions = tuple(Action.from_json(a) for a in _checked_list("actions", d["actions"]))
        with _reading("session record"):
            parsed = cls(held=_stamp_from("held", d["held"]),
                         attendees=tuple(_list("attendees", d["attendees"])), type=d["type"],
                         incident_at=_optional_stamp_from("incident_at", d["incident_at"]),
                         follows=d["follows"], share_packet=d["share_packet"],
                         summary_received=d["summary_received"], impact=d["impact"],
                         coping=d["coping"], actions=actions, escalation=d["escalation"],
                         referrals=tuple(_list("referrals", d["referrals"])),
                         review_date=_date_from("review_date", d["review_date"]))
        _canonical(parsed, d, "session record")
        return parsed


def _checked_list(field: str, value: object) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput(f"the session record cannot be read: {field} must be a list")
    if len(value) > MAX_ACTIONS:  # before parsing each one: received data may be huge
        raise BadInput(f"the session record cannot be read: it has more than {MAX_ACTIONS} "
                       f"{field}")
    return value


def parse_content(doc_type: str, content: object) -> Agreement | Session:
    """A version's content as the dataclass for *doc_type*; BadInput if it does not fit."""
    if doc_type == "agreement":
        return Agreement.from_json(content)
    if doc_type == "session":
        return Session.from_json(content)
    raise BadInput(f"record type {doc_type!r} is not one of: {_allowed(DOC_TYPES)}")


# --- versions and responses ---


@dataclass(frozen=True)
class Response:
    """The supervisee's countersignature of one version: accepted, or commented on."""

    decision: str   # accepted | commented
    comment: str    # "" when accepted without comment
    at: datetime
    late: bool      # made after the agreement's comment window
    packet_id: str  # the countersign packet's id
    signed: str     # the signed packet text (both keep it)

    KEYS = ("decision", "comment", "at", "late", "packet_id", "signed")

    def __post_init__(self) -> None:
        _one_of("decision", DECISIONS, self.decision)
        _set(self, "comment", _text("the comment", self.comment))
        if self.decision == "commented" and not self.comment:
            raise UsageError("a comment is needed to comment on a record; to agree without "
                             "one, accept it")
        _set(self, "at", _aware("the response time", self.at))
        if not isinstance(self.late, bool):
            raise UsageError("late must be true or false")
        _packet_id("the response's packet id", self.packet_id)
        if not isinstance(self.signed, str) or not self.signed:
            raise UsageError("the response's signed text is missing")

    @property
    def decision_label(self) -> str:
        return label(DECISIONS, self.decision)

    def to_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "comment": self.comment, "at": self.at.isoformat(),
                "late": self.late, "packet_id": self.packet_id, "signed": self.signed}

    @classmethod
    def from_json(cls, data: object) -> Response:
        d = _fields(data, cls.KEYS, "response")
        with _reading("response"):
            return cls(decision=d["decision"], comment=d["comment"],
                       at=_stamp_from("at", d["at"]), late=d["late"],
                       packet_id=d["packet_id"], signed=d["signed"])


@dataclass(frozen=True)
class Version:
    """One numbered version of a record. Once sent it never changes; only its response is
    added."""

    n: int
    content: dict[str, Any]
    digest: str
    created: datetime
    sent_at: datetime | None = None
    packet_id: str | None = None
    signed: str | None = None
    response: Response | None = None

    KEYS = ("n", "content", "digest", "created", "sent_at", "packet_id", "signed", "response")

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, int) or self.n < 1:
            raise UsageError(f"a version number is a whole number from 1, not {self.n!r}")
        if not isinstance(self.content, dict):
            raise UsageError("a version's content must be a JSON object")
        if not isinstance(self.digest, str) or not _DIGEST.fullmatch(self.digest):
            raise UsageError("a version's digest must be 64 hexadecimal characters")
        if digest_of(self.content) != self.digest:
            raise UsageError(f"version {self.n}'s digest does not match its content")
        _set(self, "created", _aware("the version's creation time", self.created))
        _set(self, "sent_at", _optional_aware("the time it was sent", self.sent_at))
        _optional_packet_id("the version's packet id", self.packet_id)
        if self.signed is not None and (not isinstance(self.signed, str) or not self.signed):
            raise UsageError("a version's signed text must be text")
        if len({self.sent_at is None, self.packet_id is None, self.signed is None}) != 1:
            raise UsageError("a sent version needs its time, packet id and signed text")
        if self.response is not None:
            if not isinstance(self.response, Response):
                raise UsageError("a version's response must be a Response")
            if self.sent_at is None:
                raise UsageError("a version that was never sent cannot have a response")

    @property
    def sent(self) -> bool:
        return self.sent_at is not None

    def last_activity(self) -> datetime:
        """When anything last happened to this version: made, sent or answered."""
        times = [self.created, self.sent_at, self.response.at if self.response else None]
        return max(t for t in times if t is not None)

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "content": self.content, "digest": self.digest,
                "created": self.created.isoformat(),
                "sent_at": self.sent_at.isoformat() if self.sent_at else None,
                "packet_id": self.packet_id, "signed": self.signed,
                "response": self.response.to_json() if self.response else None}

    @classmethod
    def from_json(cls, data: object) -> Version:
        d = _fields(data, cls.KEYS, "record version")
        response = None if d["response"] is None else Response.from_json(d["response"])
        with _reading("record version"):
            return cls(n=d["n"], content=d["content"], digest=d["digest"],
                       created=_stamp_from("created", d["created"]),
                       sent_at=_optional_stamp_from("sent_at", d["sent_at"]),
                       packet_id=d["packet_id"], signed=d["signed"], response=response)


@dataclass(frozen=True)
class SupervisionDoc:
    """One agreement or session record, with every version of it. Both people's vaults hold it
    under the same id."""

    id: str
    type: str        # agreement | session
    supervisor: str  # fingerprint, "abcd 1234 ..." as kit.vault.identity gives it
    supervisee: str
    versions: tuple[Version, ...]

    DATA_KEYS = ("type", "supervisor", "supervisee", "versions")

    def __post_init__(self) -> None:
        _record_id("a supervision record's id", self.id)
        _one_of("record type", DOC_TYPES, self.type)
        for role in ("supervisor", "supervisee"):
            value = getattr(self, role)
            if not isinstance(value, str) or not _FINGERPRINT.fullmatch(value):
                raise UsageError(f"the {role}'s fingerprint is not in the kit's form")
        if self.supervisor == self.supervisee:
            raise UsageError("the supervisor and the supervisee must be different people")
        versions = tuple(self.versions)
        if not versions or not all(isinstance(v, Version) for v in versions):
            raise UsageError("a supervision record needs at least one version")
        numbers = [v.n for v in versions]
        if numbers != sorted(set(numbers)):
            raise UsageError("a supervision record's versions must be numbered in order")
        for version in versions:  # each must read as this type: BadInput if not
            parse_content(self.type, version.content)
        _set(self, "versions", versions)

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID]

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    def version(self, n: int) -> Version:
        for version in self.versions:
            if version.n == n:
                return version
        raise NotFound(f"supervision record {self.short_id} has no version {n}")

    @property
    def status(self) -> str:
        """draft | sent | accepted | commented: where the latest version stands."""
        latest = self.latest
        if latest.response is not None:
            return latest.response.decision
        return "sent" if latest.sent else "draft"

    @property
    def status_label(self) -> str:
        return label(DOC_STATUSES, self.status)

    @property
    def type_label(self) -> str:
        return label(DOC_TYPES, self.type)

    @cached_property
    def agreement(self) -> Agreement:
        """The latest version's content, for an agreement."""
        if self.type != "agreement":
            raise UsageError(f"supervision record {self.short_id} is not an agreement")
        return Agreement.from_json(self.latest.content)

    @cached_property
    def session(self) -> Session:
        """The latest version's content, for a session record."""
        if self.type != "session":
            raise UsageError(f"supervision record {self.short_id} is not a session record")
        return Session.from_json(self.latest.content)

    def last_activity(self) -> datetime:
        """The latest time any version was made, sent or answered (for retention)."""
        return max(v.last_activity() for v in self.versions)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **self._data()}

    def _data(self) -> dict[str, Any]:
        return {"type": self.type, "supervisor": self.supervisor,
                "supervisee": self.supervisee,
                "versions": [v.to_json() for v in self.versions]}

    @classmethod
    def from_json(cls, record_id: str, data: object) -> SupervisionDoc:
        """A stored record (its data, without the id); BadInput if this kit cannot read it."""
        d = _fields(data, cls.DATA_KEYS, "supervision record")
        versions = tuple(Version.from_json(v) for v in _list_or_bad(d["versions"]))
        with _reading("supervision record"):
            return cls(id=record_id, type=d["type"], supervisor=d["supervisor"],
                       supervisee=d["supervisee"], versions=versions)


def _list_or_bad(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput("the supervision record cannot be read: its versions are not a list")
    return value


# --- choosing among documents (shared with team.py) ---


def latest_session(docs: Iterable[SupervisionDoc], supervisee: str) -> SupervisionDoc | None:
    """The supervisee's session record held most recently."""
    sessions = [d for d in docs if d.type == "session" and d.supervisee == supervisee]
    return max(sessions, key=lambda d: (d.session.held, d.id), default=None)


def latest_agreement(docs: Iterable[SupervisionDoc], supervisee: str) -> SupervisionDoc | None:
    """The agreement in force: the one most recently made or changed."""
    agreements = [d for d in docs if d.type == "agreement" and d.supervisee == supervisee]
    return max(agreements, key=lambda d: (d.latest.created, d.id), default=None)


# --- the repository ---


class SupervisionRecords:
    """Agreements and session records in one vault, decrypted once and kept in memory.

    It keeps records; it does not decide who may change them. The caller (the service) knows
    this vault's identity and lets only the supervisor revise a record, since the supervisee's
    answer is a response, never an edit.
    """

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._docs: dict[str, SupervisionDoc] | None = None
        self._unreadable: set[str] = set()
        self.problems: list[Problem] = []
        # When a version is made; the supervision service sets its own clock here, so a
        # record's dates agree with the rest of what it shows (and tests can fix the time).
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def _load(self) -> dict[str, SupervisionDoc]:
        if self._docs is None:
            from kit.vault import Problem

            self._docs, self.problems = read_kind(
                self.source, KIND, lambda r: SupervisionDoc.from_json(r.id, r.data),
                lambda r: Problem(
                    "unreadable_supervision_record", f"supervision record {r.id} has a shape "
                    "this version of the kit cannot read; it was left untouched", r.id))
            self._unreadable = {p.record_id for p in self.problems
                                if p.code == "unreadable_supervision_record" and p.record_id}
        return self._docs

    def _save(self, doc: SupervisionDoc, *, new: bool = False) -> SupervisionDoc:
        if new:
            data = doc._data()
            self.vault.write(lambda txn: txn.put_new(doc.id, KIND, data))
        else:
            self.vault.put(KIND, doc._data(), record_id=doc.id)
        self._load()[doc.id] = doc
        return doc

    # --- reading ---

    def get(self, id_or_prefix: str) -> SupervisionDoc:
        return by_prefix(self._load(), id_or_prefix, "supervision record",
                         problems=self.problems)

    def all(self) -> list[SupervisionDoc]:
        """Every record, the most recently changed first."""
        return sorted(self._load().values(), key=lambda d: (d.latest.created, d.id),
                      reverse=True)

    def for_supervisee(self, supervisee: str) -> list[SupervisionDoc]:
        fpr = _fingerprint("the supervisee", supervisee)
        return [d for d in self.all() if d.supervisee == fpr]

    def agreement_for(self, supervisee: str) -> SupervisionDoc | None:
        """The agreement in force for *supervisee*: the one most recently made or changed."""
        return latest_agreement(self._load().values(), _fingerprint("the supervisee", supervisee))

    def sessions_for(self, supervisee: str) -> list[SupervisionDoc]:
        """The supervisee's session records, the most recently held first."""
        fpr = _fingerprint("the supervisee", supervisee)
        sessions = [d for d in self._load().values()
                    if d.type == "session" and d.supervisee == fpr]
        return sorted(sessions, key=lambda d: (d.session.held, d.id), reverse=True)

    def carried_forward(self, supervisee: str) -> tuple[Action, ...]:
        """The open actions of the supervisee's latest session, to start the next one with:
        actions roll forward to each review until they are done or dropped."""
        sessions = self.sessions_for(supervisee)
        return sessions[0].session.open_actions() if sessions else ()

    def actions(self, today: date, overdue_only: bool = False
                ) -> list[tuple[SupervisionDoc, Action]]:
        """Open actions from each supervisee's latest session (a practitioner's own included,
        since their sessions are in their vault too), those due soonest first."""
        docs = list(self._load().values())
        found: list[tuple[SupervisionDoc, Action]] = []
        for supervisee in sorted({d.supervisee for d in docs}):
            doc = latest_session(docs, supervisee)
            if doc is None:
                continue
            found.extend((doc, a) for a in doc.session.open_actions()
                         if not overdue_only or a.overdue(today))
        return sorted(found, key=lambda pair: (pair[1].due is None, pair[1].due or today,
                                               pair[0].supervisee, pair[1].id))

    def comment_deadline(self, doc_id_or_prefix: str, n: int) -> datetime | None:
        """Until when the supervisee may comment on version *n* in time (None if it was never
        sent): its sending time plus the comment window of the agreement in force."""
        doc = self.get(doc_id_or_prefix)
        version = doc.version(n)
        if version.sent_at is None:
            return None
        if doc.type == "agreement":
            window = doc.agreement.comment_window_days
        else:
            agreement = self.agreement_for(doc.supervisee)
            window = agreement.agreement.comment_window_days if agreement else DEFAULT_WINDOW
        return version.sent_at + timedelta(days=window)

    # --- writing ---

    def create_agreement(self, supervisor: str, supervisee: str,
                         agreement: Agreement) -> SupervisionDoc:
        if not isinstance(agreement, Agreement):
            raise UsageError("an agreement record needs an Agreement")
        return self._create("agreement", supervisor, supervisee, agreement)

    def create_session(self, supervisor: str, supervisee: str,
                       session: Session) -> SupervisionDoc:
        if not isinstance(session, Session):
            raise UsageError("a session record needs a Session")
        return self._create("session", supervisor, supervisee, session)

    def _create(self, doc_type: str, supervisor: str, supervisee: str,
                content: Agreement | Session) -> SupervisionDoc:
        # The id is chosen here, not by the vault, so new actions can name their session.
        doc_id = secrets.token_hex(16)
        supervisee = _fingerprint("the supervisee", supervisee)
        if isinstance(content, Session):
            content = self._prepared(content, doc_id, supervisee)
        data = content.to_json()
        version = Version(n=1, content=data, digest=digest_of(data), created=self.clock())
        doc = SupervisionDoc(id=doc_id, type=doc_type,
                             supervisor=_fingerprint("the supervisor", supervisor),
                             supervisee=supervisee, versions=(version,))
        return self._save(doc, new=True)

    def _prepared(self, session: Session, doc_id: str, supervisee: str) -> Session:
        """New actions take this session's id; a follow-up must follow a session after an
        incident, for the same person, in this vault."""
        if session.follows is not None:
            target = self._load().get(session.follows)
            if (target is None or target.type != "session"
                    or target.session.type != "post-incident"
                    or target.supervisee != supervisee or target.id == doc_id):
                raise UsageError("a follow-up must follow a session after an incident with "
                                 "the same person; no such session has that id")
        actions = tuple(a if a.agreed_in else replace(a, agreed_in=doc_id)
                        for a in session.actions)
        return replace(session, actions=actions)

    def revise(self, doc_id_or_prefix: str, content: Agreement | Session) -> SupervisionDoc:
        """Change a record. A draft never sent is changed in place; once a version has been
        sent, the change becomes a new version, so what the other person saw stays as it was."""
        doc = self.get(doc_id_or_prefix)
        expected = Agreement if doc.type == "agreement" else Session
        if not isinstance(content, expected):
            raise UsageError(f"supervision record {doc.short_id} is {doc.type_label.lower()}; "
                             f"it cannot be changed into another kind")
        if isinstance(content, Session):
            content = self._prepared(content, doc.id, doc.supervisee)
        data = content.to_json()
        digest = digest_of(data)
        latest = doc.latest
        if digest == latest.digest:
            return doc  # nothing changed: no new version to send and sign
        version = Version(n=latest.n if not latest.sent else latest.n + 1, content=data,
                          digest=digest, created=self.clock())
        kept = doc.versions[:-1] if not latest.sent else doc.versions
        return self._save(replace(doc, versions=(*kept, version)))

    def mark_sent(self, doc_id: str, n: int, packet_id: str, signed: str,
                  at: datetime) -> SupervisionDoc:
        """Note that version *n* went out in a packet. Sending it again (a lost packet) records
        the newer packet; a version already answered is not sent again."""
        doc = self.get(doc_id)
        version = doc.version(n)
        if version.response is not None:
            raise UsageError(f"version {n} of supervision record {doc.short_id} already has a "
                             "response; it is not sent again")
        sent = replace(version, sent_at=at, packet_id=packet_id, signed=signed)
        return self._save(_with_version(doc, sent))

    def store_received(self, doc_id: str, type: str, supervisor: str, supervisee: str,
                       n: int, content: dict[str, Any], digest: str, packet_id: str,
                       signed: str, at: datetime, *, sent: bool = True) -> SupervisionDoc:
        """Keep the other person's copy of version *n*: a new record with their id, or a new
        version of one already here. The same version again is a no-op; a changed version under
        the same number is refused, since a changed record must come as a new version.
        A handed-over draft comes with sent=False, made at *at*, and stays a draft."""
        if not isinstance(doc_id, str) or not _RECORD_ID.fullmatch(doc_id):
            raise BadInput("the received record's id is not a record id")
        if not isinstance(content, dict):
            raise BadInput("the received record's content is not a JSON object")
        with _reading("received record"):
            matches = isinstance(digest, str) and digest_of(content) == digest
        if not matches:
            raise BadInput("the received record's digest does not match its content; it may "
                           "have been altered, and was not stored")
        with _reading("received record"):
            version = Version(n=n, content=content, digest=digest, created=at,
                              sent_at=at if sent else None,
                              packet_id=packet_id if sent else None,
                              signed=signed if sent else None)
            fresh = SupervisionDoc(id=doc_id, type=type, supervisor=supervisor,
                                   supervisee=supervisee, versions=(version,))
        docs = self._load()
        if doc_id in self._unreadable:
            raise BadInput(f"supervision record {doc_id[:SHORT_ID]} is already in this vault in "
                           "a shape this version of the kit cannot read; it was left untouched")
        doc = docs.get(doc_id)
        if doc is None:
            if doc_id in self.source.snapshot().records:  # a record of another kind
                raise BadInput("the received record's id is already used by another record in "
                               "this vault; it was not stored")
            return self._save(fresh, new=True)
        if (doc.type, doc.supervisor, doc.supervisee) != (type, supervisor, supervisee):
            raise BadInput(f"the received record has the id of supervision record "
                           f"{doc.short_id} but a different type or people; it was not stored")
        for held in doc.versions:
            if held.n == version.n:
                if held.digest == version.digest:
                    return doc
                raise BadInput(f"version {n} of supervision record {doc.short_id} arrived with "
                               "different content from the copy already here; a changed record "
                               "must come as a new version, so it was not stored")
        versions = tuple(sorted((*doc.versions, version), key=lambda v: v.n))
        return self._save(replace(doc, versions=versions))

    def add_response(self, doc_id: str, n: int, response: Response) -> SupervisionDoc:
        """Record the supervisee's acceptance or comment on version *n*. There is one response
        per version: a second is refused (the same one again changes nothing)."""
        if not isinstance(response, Response):
            raise UsageError("a response must be a Response")
        doc = self.get(doc_id)
        version = doc.version(n)
        if version.response == response:
            return doc
        if version.response is not None:
            raise UsageError(f"version {n} of supervision record {doc.short_id} already has a "
                             f"response ({version.response.decision_label.lower()}); a later "
                             "change to the record is a new version to answer")
        if not version.sent:
            raise UsageError(f"version {n} of supervision record {doc.short_id} was never sent, "
                             "so there is nothing to answer")
        return self._save(_with_version(doc, replace(version, response=response)))

    def action_holder(self, action_id_prefix: str) -> tuple[SupervisionDoc, Action]:
        """The latest session holding the action, and the action as it stands there: the record
        set_action() would change, whatever the action's status."""
        holders: dict[str, tuple[SupervisionDoc, Action]] = {}
        for doc in sorted((d for d in self._load().values() if d.type == "session"),
                          key=lambda d: (d.session.held, d.id)):
            for action in doc.session.actions:
                holders[action.id] = (doc, action)  # later sessions overwrite earlier ones
        return by_prefix(holders, action_id_prefix, "action", problems=())

    def set_action(self, action_id_prefix: str, status: str) -> SupervisionDoc:
        """Change an action's status in the latest session holding it (a new version of that
        record if it had been sent)."""
        status = _one_of("action status", ACTION_STATUSES, status)
        doc, action = self.action_holder(action_id_prefix)
        if action.status == status:
            return doc
        actions = tuple(replace(a, status=status) if a.id == action.id else a
                        for a in doc.session.actions)
        return self.revise(doc.id, replace(doc.session, actions=actions))

    def delete(self, ids: Iterable[str]) -> list[SupervisionDoc]:
        """Delete the records named (ids or prefixes) in one transaction: all or none."""
        doomed: dict[str, SupervisionDoc] = {}
        for given in [ids] if isinstance(ids, str) else ids:
            doc = self.get(given)
            doomed[doc.id] = doc
        if doomed:
            def remove(txn: WriteTxn) -> None:
                for doc_id in doomed:
                    txn.delete(doc_id)

            self.vault.write(remove)
            docs = self._load()
            for doc_id in doomed:
                del docs[doc_id]
        return list(doomed.values())


def _with_version(doc: SupervisionDoc, changed: Version) -> SupervisionDoc:
    return replace(doc, versions=tuple(changed if v.n == changed.n else v for v in doc.versions))
