"""The form for an incident: what happened, where, and the references you were given (the
list is kit.tui.screens.incidents). Its fields are checked by kit.records.incidents's rules, and
its unsaved text is kept as a draft through a quick hide."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Select, TextArea

from kit.errors import UsageError
from kit.records import incidents as inc
from kit.tui.refusal import Refused, checked, refuse
from kit.tui.screens.record_form import RecordForm, lines


class IncidentForm(RecordForm[inc.Incident]):
    """Every field of an incident; Tab moves, ctrl+s saves, Escape goes back."""

    DRAFT_AREA = "incident"  # where FormScreen keeps its unsaved text through a quick hide

    DEFAULT_CSS = """
    IncidentForm #description {
        height: 6;
    }
    """

    AUTO_FOCUS = "#category"

    def __init__(self, incident: inc.Incident | None = None,
                 draft: dict[str, Any] | None = None, draft_id: str | None = None) -> None:
        super().__init__()
        self.incident = incident
        self.draft = draft or {}
        self.restored_draft_id = draft_id
        self.loaded: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="incident-form"):
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("What happened")
                    yield Select([(label, value) for value, label in
                                  inc.CATEGORY_LABELS.items()], id="category",
                                 prompt="Choose one", allow_blank=True)
                with Vertical():
                    yield Label("When (YYYY-MM-DD HH:MM)")
                    yield Input(id="when")
                with Vertical():
                    yield Label("Status")
                    yield Select([(label, value) for value, label in inc.STATUS_LABELS.items()],
                                 id="status", allow_blank=False)
            yield Label("Where (platform or place)")
            yield Input(placeholder="e.g. a forum, X, a text message", id="platform")
            yield Label("What happened, in your words (avoid anything you would not want "
                        "the other person to read: logs can be disclosed)")
            yield TextArea("", id="description", tab_behavior="focus")
            yield Label("Links, one per line")
            yield TextArea("", id="urls", tab_behavior="focus")
            yield Label("Usernames involved, one per line")
            yield TextArea("", id="usernames", tab_behavior="focus")
            yield Label("Reference numbers, one per line as “police: 12345” (police, platform, "
                        "helpline or other)")
            yield TextArea("", id="references", tab_behavior="focus")
            yield Label("", id="incident-status-line", classes="form-status", markup=False)
            yield self.form_buttons()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Edit incident" if self.incident else "New incident"
        now = self.kit_app.services.clock().astimezone()
        self.query_one("#when", Input).value = now.strftime("%Y-%m-%d %H:%M")
        if self.incident is not None:
            self.fill(_as_form(self.incident))
        self.loaded = self._values()
        if self.draft:
            self.fill(self.draft)

    def _values(self) -> dict[str, Any]:
        category = self.query_one("#category", Select).value
        return {
            "category": None if category is Select.NULL else str(category),
            "status": str(self.query_one("#status", Select).value),
            "when": self.query_one("#when", Input).value,
            "platform": self.query_one("#platform", Input).value,
            "description": self.query_one("#description", TextArea).text,
            "urls": self.query_one("#urls", TextArea).text,
            "usernames": self.query_one("#usernames", TextArea).text,
            "references": self.query_one("#references", TextArea).text,
        }

    def action_save(self) -> None:
        v = self._values()

        def chosen() -> str:
            if v["category"] is None:
                raise UsageError("please choose what happened")
            return str(v["category"])

        try:
            fields: dict[str, Any] = {
                "category": checked(self.field("category"), chosen), "status": v["status"],
                "when": checked(self.field("when"), lambda: inc.parse_when(v["when"]))
                if v["when"].strip() else None,
                "platform": checked(self.field("platform"), lambda: inc.check_text(
                    "platform", v["platform"], inc.MAX_SHORT, one_line=True)),
                "description": checked(self.field("description"), lambda: inc.check_text(
                    "description", v["description"], inc.MAX_LONG)),
                "urls": checked(self.field("urls"), lambda: inc.check_urls(lines(v["urls"]))),
                "usernames": checked(self.field("usernames"), lambda: inc.check_usernames(
                    lines(v["usernames"]))),
                "references": checked(self.field("references"), lambda: tuple(
                    inc.parse_reference(line) for line in lines(v["references"]))),
            }
            repo = self.workspace.incidents

            def save() -> inc.Incident:
                if self.incident is None:
                    return repo.add(**fields)
                if fields["when"] is None:
                    fields["when"] = self.incident.when
                return repo.update(replace(self.incident, **fields))

            saved = checked(self.field("category"), save)
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}",
                   self.query_one("#incident-status-line", Label))
            return
        self.saved(saved)

    def action_back(self) -> None:
        self.leave(self._values() != self.loaded, "Leave without saving this incident?")


def _as_form(incident: inc.Incident) -> dict[str, Any]:
    return {
        "category": incident.category, "status": incident.status,
        "when": incident.when.astimezone().strftime("%Y-%m-%d %H:%M"),
        "platform": incident.platform, "description": incident.description,
        "urls": "\n".join(incident.urls), "usernames": "\n".join(incident.usernames),
        "references": "\n".join(f"{r.kind}: {r.value}" for r in incident.references),
    }
