"""The form for a removal request: a new one, or what happened to one (kit.tui.screens.removals
lists them). Its fields are checked by kit.removals's rules, and its unsaved text is kept as a
draft through a quick hide."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    Select,
    TextArea,
)

from kit.records.fields import parse_date
from kit.removals import requests as rq
from kit.tui.refusal import Refused, checked, refuse
from kit.tui.screens.record_form import RecordForm, lines


def _choices(choices: Iterable[Any]) -> list[tuple[str, str]]:
    return [(c.label, c.value) for c in choices]


class RemovalForm(RecordForm[rq.Removal]):
    """A new request, or what happened to one: Tab moves, ctrl+s saves, Escape goes back."""

    DRAFT_AREA = "removal"  # where FormScreen keeps its unsaved text through a quick hide

    AUTO_FOCUS = "#target"

    def __init__(self, request: rq.Removal | None = None, *, finding_id: str | None = None,
                 incident_id: str | None = None, draft: dict[str, Any] | None = None,
                 draft_id: str | None = None) -> None:
        super().__init__()
        self.request = request
        self.finding_id = finding_id
        self.incident_id = incident_id
        self.draft = draft or {}
        self.restored_draft_id = draft_id
        self.loaded: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="removal-form"):
            yield Label("Who you are asking (a site's name or web address)")
            yield Input(placeholder="e.g. 192.com", id="target")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("What they are")
                    yield Select(_choices(rq.TARGETS), id="target_kind", allow_blank=False,
                                 value="people-search")
                with Vertical():
                    yield Label("What you ask")
                    yield Select(_choices(rq.ASKS), id="asked", allow_blank=False,
                                 value="erasure")
                with Vertical():
                    yield Label("How you send it")
                    yield Select(_choices(rq.CHANNELS), id="channel", allow_blank=False,
                                 value="web-form")
            yield Label("Pages that show your details, one per line")
            yield TextArea("", id="pages", tab_behavior="focus")
            yield Label("The incident it belongs to (its evidence pack shows this request)")
            yield Select([(_incident_line(i), i.id) for i in self.workspace.incidents.list()],
                         id="incident", prompt="None", allow_blank=True)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Day you sent it (YYYY-MM-DD; empty: not yet)")
                    yield Input(id="sent")
                with Vertical():
                    yield Label("Day they got it, if later (a letter)")
                    yield Input(id="received")
                with Vertical():
                    yield Label("Their reference")
                    yield Input(id="reference")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Where it stands")
                    yield Select(_choices(rq.STATUSES), id="status", allow_blank=False,
                                 value="draft")
                with Vertical():
                    yield Label("Look again on (YYYY-MM-DD)")
                    yield Input(id="recheck")
            yield Checkbox("They told me they need up to two more months", id="extended")
            yield Label("What happened, in a few words (kept in its history)")
            yield Input(placeholder="e.g. they replied asking for ID", id="what")
            yield Label("Your private note (not put in evidence packs)")
            yield TextArea("", id="note", tab_behavior="focus")
            yield Label("", id="removal-status-line", classes="form-status", markup=False)
            yield self.form_buttons()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "What happened" if self.request else "New removal request"
        if self.request is not None:
            self.fill(_as_form(self.request))
        if self.request is None and self.incident_id is not None:
            self.fill({"incident": self.incident_id})
        if self.request is None and self.finding_id is not None:
            from kit.footprint.service import Footprint

            finding = Footprint(self.workspace).finding(self.finding_id)
            pages = [finding.evidence] if finding.evidence.startswith(("http://", "https://")) \
                else []
            self.fill({"pages": "\n".join(pages)})
        self.loaded = self._values()
        if self.draft:
            self.fill(self.draft)
            self.finding_id = self.draft.get("finding_id") or self.finding_id

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for widget in self.query("#removal-form Input, #removal-form TextArea, "
                                 "#removal-form Select, #removal-form Checkbox"):
            if isinstance(widget, TextArea):
                values[str(widget.id)] = widget.text
            elif isinstance(widget, Input | Checkbox):
                values[str(widget.id)] = widget.value
            elif isinstance(widget, Select):
                values[str(widget.id)] = "" if widget.value is Select.NULL else str(widget.value)
        if self.finding_id:
            values["finding_id"] = self.finding_id
        return values

    def action_save(self) -> None:
        v = self._values()
        repo = self.workspace.removals
        today = self.kit_app.services.clock().astimezone().date()

        def day(key: str, what: str, *, future_ok: bool = False) -> date | None:
            return checked(self.field(key), lambda: rq.check_day(
                what, parse_date(v[key], what) if v[key].strip() else None, today,
                future_ok=future_ok))

        try:
            checked(self.field("target"), lambda: rq.check_target(v["target"]))
            pages = checked(self.field("pages"), lambda: rq.check_pages(
                lines(v["pages"])))
            sent = day("sent", "the day you sent it")
            received = day("received", "the day they got it")
            recheck = day("recheck", "the day to look again", future_ok=True)
            if self.request is not None and recheck == self.request.recheck_on:
                recheck = None  # unchanged: a date now past is not refused again
            if self.request is None:
                findings = [self.finding_id] if self.finding_id else []
                saved = checked(self.field("target"), lambda: repo.add(
                    v["target"], v["target_kind"], v["asked"], v["channel"], pages=pages,
                    sent_on=sent, received_on=received, reference=v["reference"],
                    recheck_on=recheck, incident_id=v["incident"] or None,
                    finding_ids=findings, note=v["note"], today=today))
                if v["status"] not in ("draft", "sent", saved.status):
                    saved = checked(self.field("status"), lambda: repo.update(
                        saved.id, status=v["status"], what=v["what"], today=today))
            else:
                request = self.request
                saved = checked(self.field("status"), lambda: repo.update(
                    request.id, status=v["status"], sent_on=sent, received_on=received,
                    reference=v["reference"], extended=v["extended"], pages=pages,
                    incident_id=v["incident"] or None, unlink_incident=not v["incident"],
                    recheck_on=recheck,
                    note=v["note"], what=v["what"], today=today))
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}",
                   self.query_one("#removal-status-line", Label))
            return
        self.saved(saved)

    def action_back(self) -> None:
        self.leave(self._values() != self.loaded, "Leave without saving this request?")


def _as_form(request: rq.Removal) -> dict[str, Any]:
    return {
        "target": request.target, "target_kind": request.target_kind,
        "asked": request.asked, "channel": request.channel, "pages": "\n".join(request.pages),
        "sent": request.sent_on.isoformat() if request.sent_on else "",
        "received": request.received_on.isoformat()
        if request.received_on and request.received_on != request.sent_on else "",
        "reference": request.reference, "status": request.status,
        "recheck": request.recheck_on.isoformat() if request.recheck_on else "",
        "extended": request.extended, "note": request.note,
        "incident": request.incident_id or "",
    }


def _incident_line(incident: Any) -> str:
    when = incident.when.astimezone().strftime("%d %b %Y")
    return f"{when}: {incident.category} · {incident.platform or 'no platform'}"
