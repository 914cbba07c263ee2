"""The session record form (supervisor): every field of one session, the actions carried
forward with their statuses, and new actions; ctrl+s saves, Escape goes back (asking first
when something was typed), and what was typed survives a lock as a draft."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, Static, TextArea

from kit.supervision.contacts import Contact
from kit.supervision.records import (
    ACTION_STATUSES,
    FOLLOW_UP_TYPES,
    REFERRALS,
    SESSION_TYPES,
    Action,
    Session,
    SupervisionDoc,
    new_action,
    owner_shown,
)
from kit.supervision.service import Supervision
from kit.supervision.times import (
    parse_optional_day,
    parse_time,
    shown_day,
    shown_time,
    typed_time,
)
from kit.tui.refusal import Refused, checked, refuse
from kit.tui.screens.record_form import RecordForm
from kit.tui.screens.supervision.drafts import DRAFT_AREA


class SessionForm(RecordForm[SupervisionDoc]):
    """Every field of a session record; Tab moves, ctrl+s saves, Escape goes back."""

    DRAFT_AREA = DRAFT_AREA  # (FormScreen keeps the unsaved text there)

    DEFAULT_CSS = """
    SessionForm #sf-actions, SessionForm #sf-new-actions, SessionForm .action-row,
    SessionForm .new-action, SessionForm #sf-referrals {
        height: auto;
    }
    SessionForm .action-text {
        width: 1fr;
        padding: 1 1 0 0;
    }
    SessionForm .action-status {
        width: 20;
    }
    SessionForm .new-action Input {
        width: 1fr;
    }
    SessionForm .new-action .due {
        width: 20;
    }
    SessionForm #sf-status {
        width: 100%;
    }
    """

    AUTO_FOCUS = "#sf-supervisee"

    def __init__(self, sup: Supervision, doc: SupervisionDoc | None = None,
                 draft: dict[str, Any] | None = None, draft_id: str | None = None) -> None:
        super().__init__()
        self.sup, self.doc = sup, doc
        self.draft = draft or {}
        self.restored_draft_id = draft_id
        self.loaded: dict[str, Any] = {}
        self.shown: list[Action] = []  # carried forward or already in the record
        self.new_rows = 0
        self.follow_ids: list[str] = []
        self.prefilled = ""
        self.share_packet: str | None = doc.session.share_packet if doc else None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="session-form"):
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Who")
                    yield Select([(Text(c.name), c.id) for c in self._supervisees()],
                                 id="sf-supervisee", prompt="Choose",
                                 disabled=self.doc is not None)
                with Vertical():
                    yield Label("Held (YYYY-MM-DD HH:MM)")
                    yield Input(id="sf-held")
                with Vertical():
                    yield Label("Type")
                    yield Select([(c.label, c.value) for c in SESSION_TYPES], value="routine",
                                 allow_blank=False, id="sf-type")
            with Horizontal(classes="row"):
                with Vertical(id="sf-incident-box"):
                    yield Label("When the incident happened (YYYY-MM-DD HH:MM)")
                    yield Input(id="sf-incident")
                with Vertical(id="sf-follows-box"):
                    yield Label("The session after the incident it follows")
                    yield Select([], id="sf-follows", prompt="Choose the session")
            yield Label("Who was there (separate names with commas)")
            yield Input(id="sf-attendees")
            yield Label("Summary received (from their latest share; edit freely)")
            yield TextArea("", id="sf-summary", tab_behavior="focus")
            yield Label("Impact of the work")
            yield TextArea("", id="sf-impact", tab_behavior="focus")
            yield Label("Coping and support")
            yield TextArea("", id="sf-coping", tab_behavior="focus")
            yield Static("Actions", classes="heading")
            yield Label("", id="sf-actions-hint", markup=False)
            yield Vertical(id="sf-actions")
            yield Label("New actions: what, who, and by when (YYYY-MM-DD, optional)")
            yield Vertical(id="sf-new-actions")
            yield Button("Another action", id="sf-more")
            yield Label("Escalation (if anything needs to go further)")
            yield TextArea("", id="sf-escalation", tab_behavior="focus")
            yield Label("Referrals")
            with Vertical(id="sf-referrals"):
                for c in REFERRALS:
                    yield Checkbox(c.label, id=f"sf-ref-{c.value}")
            yield Label("Review date (YYYY-MM-DD, optional)")
            yield Input(id="sf-review")
            yield Label("", id="sf-status", classes="form-status", markup=False)
            yield self.form_buttons()
        yield Footer(compact=True)

    def _supervisees(self) -> list[Contact]:
        people = self.sup.supervisees()
        if self.doc is not None and not any(c.fingerprint == self.doc.supervisee
                                            for c in people):
            people += [c for c in self.sup.supervisees(archived=True)
                       if c.fingerprint == self.doc.supervisee]
        return people

    def _contact(self) -> Contact | None:
        value = self.query_one("#sf-supervisee", Select).value
        return next((c for c in self._supervisees() if c.id == value), None)

    async def on_mount(self) -> None:  # type: ignore[override]
        super().on_mount()
        self.sub_title = "Edit session record" if self.doc else "New session record"
        zone = self.sup.zone
        held = self.sup.clock()
        contact: Contact | None = None
        if self.doc is not None:
            contact = next((c for c in self._supervisees()
                            if c.fingerprint == self.doc.supervisee), None)
        elif len(self._supervisees()) == 1:
            contact = self._supervisees()[0]
        select = self.query_one("#sf-supervisee", Select)
        if contact is not None:
            with select.prevent(Select.Changed):
                select.value = contact.id
        if self.doc is not None:
            s = self.doc.session
            self._set("#sf-held", typed_time(s.held, zone))
            self.query_one("#sf-type", Select).value = s.type
            if s.incident_at is not None:
                self._set("#sf-incident", typed_time(s.incident_at, zone))
            self._set("#sf-attendees", ", ".join(s.attendees))
            for key, value in (("summary", s.summary_received), ("impact", s.impact),
                               ("coping", s.coping), ("escalation", s.escalation)):
                self.query_one(f"#sf-{key}", TextArea).text = value
            for ref in s.referrals:
                for box in self.query(f"#sf-ref-{ref}"):
                    if isinstance(box, Checkbox):
                        box.value = True
            self._set("#sf-review", s.review_date.isoformat() if s.review_date else "")
        else:
            self._set("#sf-held", typed_time(held, zone))
        await self._load_person(contact)
        if self.doc is not None and self.doc.session.follows in self.follow_ids:
            self.query_one("#sf-follows", Select).value = self.doc.session.follows
        await self._add_new_row()
        self._show_type()
        self.loaded = self._values()
        if self.draft:
            await self._fill(self.draft)

    def _set(self, selector: str, value: str) -> None:
        self.query_one(selector, Input).value = value

    async def _load_person(self, contact: Contact | None, statuses: dict[str, str] | None = None
                           ) -> None:
        """The actions to show and the share to start from, for *contact*."""
        box = self.query_one("#sf-actions", Vertical)
        await box.remove_children()
        hint = self.query_one("#sf-actions-hint", Label)
        follows = self.query_one("#sf-follows", Select)
        if contact is None:
            self.shown, self.follow_ids = [], []
            hint.update("Choose who the session was with first.")
            follows.set_options([])
            return
        if self.doc is not None:
            self.shown = list(self.doc.session.actions)
            hint.update("The actions in this record; change a status if it has moved on.")
        else:
            self.shown = list(self.sup.carried_forward(contact))
            hint.update("Carried forward from the last session: still open unless you change "
                        "them." if self.shown else "Nothing carried forward.")
            self._prefill(contact)
        statuses = statuses or {}
        today = self.sup.today()
        rows = []
        for action in self.shown:
            due = f", due {shown_day(action.due)}" if action.due else ""
            overdue = " (overdue)" if action.overdue(today) else ""
            owner = (owner_shown(action, self.doc, self.sup.names()) if self.doc is not None
                     else action.owner)
            rows.append(Horizontal(
                Static(f"{action.text} ({owner}{due}){overdue}", markup=False,
                       classes="action-text"),
                Select([(c.label, c.value) for c in ACTION_STATUSES],
                       value=statuses.get(action.id, action.status), allow_blank=False,
                       id=f"sf-status-{action.id}", classes="action-status"),
                classes="action-row"))
        if rows:
            await box.mount_all(rows)
        # Follow-ups name the session after the incident that they follow.
        sessions = self.sup.incident_sessions(contact,
                                              but=self.doc.id if self.doc is not None else None)
        self.follow_ids = [d.id for d in sessions]
        follows.set_options([(f"{shown_time(d.session.held, self.sup.zone)} ({d.short_id})", d.id)
                             for d in sessions])

    def _prefill(self, contact: Contact) -> None:
        """Start from what they shared, unless the summary was already written by hand."""
        summary = self.query_one("#sf-summary", TextArea)
        if summary.text != self.prefilled:
            return
        latest = self.sup.latest_share_from(contact)
        self.prefilled = latest.text if latest is not None else ""
        self.share_packet = latest.packet_id if latest is not None else None
        summary.text = self.prefilled
        attendees = self.query_one("#sf-attendees", Input)
        if not attendees.value.strip():
            me = self.sup.name_of(self.sup.fingerprint)
            attendees.value = f"{me}, {contact.name}"

    async def _add_new_row(self, values: tuple[str, str, str] = ("", "", "")) -> None:
        i = self.new_rows
        self.new_rows += 1
        text, owner, due = values
        await self.query_one("#sf-new-actions", Vertical).mount(Horizontal(
            Input(text, placeholder="What was agreed", id=f"sf-new-text-{i}"),
            Input(owner, placeholder="Who (their name, or yours)", id=f"sf-new-owner-{i}"),
            Input(due, placeholder="Due YYYY-MM-DD", id=f"sf-new-due-{i}", classes="due"),
            classes="new-action"))

    @on(Button.Pressed, "#sf-more")
    async def _more(self) -> None:
        await self._add_new_row()
        self.query_one(f"#sf-new-text-{self.new_rows - 1}", Input).focus()

    @on(Select.Changed, "#sf-supervisee")
    async def _person_changed(self) -> None:
        await self._load_person(self._contact())

    @on(Select.Changed, "#sf-type")
    def _show_type(self) -> None:
        kind = self.query_one("#sf-type", Select).value
        self.query_one("#sf-incident-box").display = kind == "post-incident"
        self.query_one("#sf-follows-box").display = kind in FOLLOW_UP_TYPES

    def _text(self, key: str) -> str:
        return self.query_one(f"#sf-{key}", TextArea).text

    def _input(self, key: str) -> str:
        return self.query_one(f"#sf-{key}", Input).value

    def _values(self) -> dict[str, Any]:
        def picked(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return None if value is Select.NULL else str(value)

        return {
            "doc": self.doc.id if self.doc else None,
            "supervisee": picked("#sf-supervisee"), "type": picked("#sf-type"),
            "follows": picked("#sf-follows"),
            **{key: self._input(key) for key in ("held", "incident", "attendees", "review")},
            **{key: self._text(key) for key in ("summary", "impact", "coping", "escalation")},
            "referrals": [c.value for c in REFERRALS
                          if self.query_one(f"#sf-ref-{c.value}", Checkbox).value],
            "statuses": {a.id: str(self.query_one(f"#sf-status-{a.id}", Select).value)
                         for a in self.shown if self.query(f"#sf-status-{a.id}")},
            "new_actions": [[self._input(f"new-{part}-{i}") for part in ("text", "owner", "due")]
                            for i in range(self.new_rows)
                            if self.query(f"#sf-new-text-{i}")],
            "share_packet": self.share_packet,
        }

    async def _fill(self, values: dict[str, Any]) -> None:
        """Put a restored draft back."""
        supervisee = values.get("supervisee")
        select = self.query_one("#sf-supervisee", Select)
        if self.doc is None and supervisee and any(c.id == supervisee
                                                   for c in self._supervisees()):
            with select.prevent(Select.Changed):
                select.value = supervisee
        statuses = values.get("statuses")
        await self._load_person(self._contact(),
                                statuses if isinstance(statuses, dict) else None)
        if values.get("type"):
            self.query_one("#sf-type", Select).value = values["type"]
        follows = self.query_one("#sf-follows", Select)
        if values.get("follows") in self.follow_ids:
            follows.value = values["follows"]
        for key in ("held", "incident", "attendees", "review"):
            self._set(f"#sf-{key}", str(values.get(key) or ""))
        for key in ("summary", "impact", "coping", "escalation"):
            self.query_one(f"#sf-{key}", TextArea).text = str(values.get(key) or "")
        for c in REFERRALS:
            self.query_one(f"#sf-ref-{c.value}", Checkbox).value = \
                c.value in (values.get("referrals") or [])
        share_packet = values.get("share_packet")
        self.share_packet = share_packet if isinstance(share_packet, str) else None
        rows = [r for r in values.get("new_actions") or [] if isinstance(r, list) and len(r) == 3]
        for i, row in enumerate(rows):
            if i >= self.new_rows:
                await self._add_new_row()
            for part, value in zip(("text", "owner", "due"), row, strict=True):
                self._set(f"#sf-new-{part}-{i}", str(value))
        self._show_type()

    def _session(self) -> tuple[Contact, Session]:
        """The session as typed; Refused names the field of a mistake."""
        def field(key: str) -> Widget:
            return self.query_one(f"#sf-{key}")

        contact = self._contact()
        if contact is None:
            raise Refused(field("supervisee"), "choose who the session was with")
        v = self._values()
        zone = self.sup.zone
        kind = v["type"] or "routine"
        actions = [replace(a, status=v["statuses"].get(a.id, a.status)) for a in self.shown]
        rows = [i for i in range(self.new_rows) if self.query(f"#sf-new-text-{i}")]
        for i, (text, owner, due) in zip(rows, v["new_actions"], strict=True):
            if text.strip() or owner.strip() or due.strip():
                if not text.strip():
                    raise Refused(field(f"new-text-{i}"),
                                  "a new action needs its text (what was agreed)")
                day = checked(field(f"new-due-{i}"),
                              partial(parse_optional_day, due, "the due date"))
                actions.append(checked(field(f"new-text-{i}"),
                                       partial(new_action, text, owner, day)))
        held = checked(field("held"), partial(parse_time, v["held"], zone, "the session time"))
        incident = (checked(field("incident"), partial(parse_time, v["incident"], zone,
                                                        "the incident time"))
                    if kind == "post-incident" and v["incident"].strip() else None)
        review = checked(field("review"), partial(parse_optional_day, v["review"],
                                                  "the review date"))
        session = Session(
            held=held,
            attendees=tuple(name.strip() for name in v["attendees"].split(",")),
            type=kind, incident_at=incident,
            follows=v["follows"] if kind in FOLLOW_UP_TYPES else None,
            share_packet=self.share_packet,
            summary_received=v["summary"], impact=v["impact"], coping=v["coping"],
            actions=tuple(actions), escalation=v["escalation"],
            referrals=tuple(v["referrals"]),
            review_date=review)
        return contact, session

    def action_save(self) -> None:
        status = self.query_one("#sf-status", Label)
        try:
            contact, session = self._session()
            # What the record as a whole is refused for is most often its time (a session
            # still to come); otherwise the first field, with the reason said.
            def save() -> SupervisionDoc:
                if self.doc is None:
                    return self.sup.add_session(contact, session)
                return self.sup.revise(self.doc, session)

            saved = checked(self.query_one("#sf-held"), save)
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}", status)
            return
        self.saved(saved)

    def action_back(self) -> None:
        self.leave(self._values() != self.loaded, "Leave without saving this session record?")


