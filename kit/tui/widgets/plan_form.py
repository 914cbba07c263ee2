"""A plan as a form: the wellbeing plan and the safety plan are both one document of text parts,
contacts and a review date, described by field tuples in kit.records. The form fills itself
from the plan's repository, puts back a draft kept at the last lock, and saves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Protocol

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Label, Static, TextArea

from kit.records.document import Contact, parse_contact, parse_date
from kit.tui.refusal import Refused, checked, refuse


class Field(Protocol):
    """One part of the plan, as the form reads it (kit.records.document.PlanField is one)."""

    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def hint(self) -> str: ...
    @property
    def kind(self) -> str: ...


class PlanRepository(Protocol):
    def get(self) -> Any: ...

    def save(self, plan: Any) -> Any: ...


def _as_text(plan: Any, f: Field) -> str:
    value = getattr(plan, f.key)
    if f.kind == "contacts":
        return "\n".join(f"{c.name}: {c.how}" for c in value)
    if f.kind == "date":
        return value.isoformat() if value else ""
    return str(value or "")


def _contacts(text: str) -> tuple[Contact, ...]:
    return tuple(parse_contact(line) for line in text.splitlines() if line.strip())


class PlanForm(VerticalScroll):
    DEFAULT_CSS = """
    PlanForm {
        padding: 0 2;
    }
    PlanForm .field-label {
        margin-top: 1;
        text-style: bold;
    }
    PlanForm .plan-text {
        height: 4;
    }
    PlanForm .plan-contacts {
        height: 6;
    }
    PlanForm .plan-status {
        width: 100%;
    }
    """

    def __init__(self, fields: Sequence[Field], *, prefix: str, intro: str, draft_area: str,
                 repository: Callable[[], PlanRepository], save_label: str,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.fields, self.prefix, self.intro = tuple(fields), prefix, intro
        self.draft_area, self.repository, self.save_label = draft_area, repository, save_label
        self.loaded: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.intro, classes="hint", markup=False)
        for f in self.fields:
            yield Label(f.label, classes="field-label")
            yield Static(f.hint, classes="hint", markup=False)
            if f.kind == "date":
                yield Input(placeholder="YYYY-MM-DD", id=f"{self.prefix}-{f.key}")
            else:
                yield TextArea("", id=f"{self.prefix}-{f.key}", tab_behavior="focus",
                               classes="plan-contacts" if f.kind == "contacts"
                               else "plan-text")
            if f.kind == "contacts":
                yield Static("One per line, as “Name: how to reach them”.", classes="hint",
                             markup=False)
        yield Label("", id=f"{self.prefix}-status", classes="plan-status", markup=False)
        yield Button(self.save_label, id=f"save-{self.prefix}", variant="primary")

    @property
    def host(self) -> Any:
        """The AreaScreen that holds the form: it owns the workspace and the restored draft."""
        return self.screen

    def _widget(self, key: str) -> Input | TextArea:
        widget = self.query_one(f"#{self.prefix}-{key}")
        assert isinstance(widget, Input | TextArea)
        return widget

    def first_field(self) -> Input | TextArea:
        """Where typing starts when the plan is opened."""
        return self._widget(self.fields[0].key)

    def _fill(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            if key in {f.key for f in self.fields}:
                widget = self._widget(key)
                if isinstance(widget, TextArea):
                    widget.text = value
                else:
                    widget.value = value

    def load(self, plan: Any = None) -> None:
        """Show the saved plan; then any draft kept at the last lock, unsaved, and say so."""
        plan = plan if plan is not None else self.repository().get()
        self.host.restored_draft_id = None
        self._fill({f.key: _as_text(plan, f) for f in self.fields})
        self.loaded = self.state()
        drafts = self.host.workspace.drafts.list(self.draft_area)
        if drafts:
            draft = drafts[0]
            self._fill({key: str(value) for key, value in draft.data.items()})
            self.host.restored_draft_id = draft.id
            self.status(f"Restored unsaved changes from {draft.saved.astimezone():%d %b %H:%M}."
                        " Save to keep them.")

    def state(self) -> dict[str, str]:
        values = {}
        for f in self.fields:
            widget = self._widget(f.key)
            values[f.key] = widget.text if isinstance(widget, TextArea) else widget.value
        return values

    def unsaved(self) -> dict[str, str] | None:
        if not self.is_mounted:
            return None
        state = self.state()
        return None if state == self.loaded else state

    def status(self, message: str) -> None:
        self.query_one(f"#{self.prefix}-status", Label).update(message)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == f"save-{self.prefix}":
            event.stop()
            self.save()

    def save(self) -> Any:
        """Save the form; on a mistake, say what is wrong and keep every word typed."""
        state = self.state()
        changes: dict[str, Any] = {}
        try:
            for f in self.fields:
                text, widget = state[f.key], self._widget(f.key)
                if f.kind == "contacts":
                    changes[f.key] = checked(widget, partial(_contacts, text))
                elif f.kind == "date":
                    changes[f.key] = checked(widget, partial(
                        parse_date, text, f.label.lower())) if text.strip() else None
                else:
                    changes[f.key] = text
            repository = self.repository()
            plan = checked(self.query_one(f"#save-{self.prefix}"),
                           lambda: repository.save(replace(repository.get(), **changes)))
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}",
                   self.query_one(f"#{self.prefix}-status", Label))
            return None
        host = self.host
        if host.restored_draft_id is not None:
            host.workspace.drafts.discard(host.restored_draft_id)
        self.load(plan)
        self.status("Saved.")
        return plan
