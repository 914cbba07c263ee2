"""The supervision agreement form (supervisor): the agreement with one supervisee, pre-filled
from the one in force; saving revises it (a new version once it was sent)."""

from __future__ import annotations

from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static, TextArea

from kit.errors import UsageError
from kit.supervision.contacts import Contact
from kit.supervision.records import (
    DEFAULT_FREQUENCY,
    DEFAULT_WINDOW,
    MAX_FREQUENCY,
    MAX_WINDOW,
    MIN_FREQUENCY,
    MIN_WINDOW,
    Agreement,
    SupervisionDoc,
)
from kit.supervision.service import Supervision
from kit.supervision.times import parse_optional_day
from kit.tui.refusal import Refused, checked, refuse
from kit.tui.screens.record_form import RecordForm
from kit.tui.screens.supervision.drafts import AGREEMENT_DRAFT_AREA

AGREEMENT_TEXTS = (("confidentiality", "Limits of confidentiality"),
                   ("records", "Where records are kept, and who sees them"),
                   ("disagreement", "How disagreement is recorded"),
                   ("cancellations", "Cancellations (how they are handled; the reason is "
                                     "recorded)"))


def _whole_number(text: str, field: str, low: int, high: int) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(f"{field} must be a whole number from {low} to {high}, not "
                         f"{text.strip()!r}") from None


class AgreementForm(RecordForm[SupervisionDoc]):
    """The agreement with one supervisee, pre-filled from the one in force; saving revises it
    (a new version once it was sent)."""

    DRAFT_AREA = AGREEMENT_DRAFT_AREA  # (FormScreen keeps the unsaved text there)

    DEFAULT_CSS = """
    AgreementForm #af-about {
        width: 100%;
    }
    """

    AUTO_FOCUS = "#af-every"

    def __init__(self, sup: Supervision, contact: Contact, draft: dict[str, Any] | None = None,
                 draft_id: str | None = None) -> None:
        super().__init__()
        self.sup, self.contact = sup, contact
        self.current = sup.agreement_for(contact)
        self.draft = draft or {}
        self.restored_draft_id = draft_id
        self.loaded: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="agreement-form"):
            yield Static(self._about(), id="af-about", classes="hint", markup=False)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label(f"Meet every … days ({MIN_FREQUENCY} to {MAX_FREQUENCY})")
                    yield Input(id="af-every", type="integer")
                with Vertical():
                    yield Label(f"Days to comment on a record ({MIN_WINDOW} to {MAX_WINDOW})")
                    yield Input(id="af-window", type="integer")
                with Vertical():
                    yield Label("Review date (YYYY-MM-DD, optional)")
                    yield Input(id="af-review")
            for key, name in AGREEMENT_TEXTS:
                yield Label(name)
                yield TextArea("", id=f"af-{key}", tab_behavior="focus")
            yield Label("", id="af-status", classes="form-status", markup=False)
            yield self.form_buttons()
        yield Footer(compact=True)

    def _about(self) -> str:
        name = self.contact.name
        if self.current is None:
            return (f"The supervision agreement with {name}: how often you meet, how long they "
                    "have to comment on a record, and what happens to what is said. It is "
                    "saved as a draft; send it from Records (Send…) for them to accept or "
                    "comment on.")
        latest = self.current.latest
        if latest.sent:
            return (f"The agreement with {name} in force (version {latest.n}, "
                    f"{self.current.status_label.lower()}). Version {latest.n} was sent, so a "
                    f"change becomes version {latest.n + 1} for {name} to answer.")
        return (f"The agreement with {name} (version {latest.n}, not sent yet). A change "
                "replaces this draft.")

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = f"Supervision agreement with {self.contact.name}"
        a = self.current.agreement if self.current is not None else Agreement(
            frequency_days=DEFAULT_FREQUENCY, comment_window_days=DEFAULT_WINDOW)
        values = {"supervisee": self.contact.id, "every": str(a.frequency_days),
                  "window": str(a.comment_window_days),
                  "review": a.review_date.isoformat() if a.review_date else "",
                  "confidentiality": a.confidentiality, "records": a.records_kept,
                  "disagreement": a.disagreement, "cancellations": a.cancellations}
        self._fill(values)
        self.loaded = self._values()
        if self.draft:
            self._fill(self.draft)

    def _fill(self, values: dict[str, Any]) -> None:
        for key in ("every", "window", "review"):
            self.query_one(f"#af-{key}", Input).value = str(values.get(key) or "")
        for key, _name in AGREEMENT_TEXTS:
            self.query_one(f"#af-{key}", TextArea).text = str(values.get(key) or "")

    def _values(self) -> dict[str, Any]:
        return {"supervisee": self.contact.id,
                **{key: self.query_one(f"#af-{key}", Input).value
                   for key in ("every", "window", "review")},
                **{key: self.query_one(f"#af-{key}", TextArea).text
                   for key, _name in AGREEMENT_TEXTS}}

    def _agreement(self) -> Agreement:
        """The agreement as typed; Refused names the field of a mistake."""
        v = self._values()
        every = checked(self.query_one("#af-every"), partial(
            _whole_number, v["every"], "the meeting frequency (days)", MIN_FREQUENCY,
            MAX_FREQUENCY))
        window = checked(self.query_one("#af-window"), partial(
            _whole_number, v["window"], "the comment window (days)", MIN_WINDOW, MAX_WINDOW))
        review = checked(self.query_one("#af-review"), partial(
            parse_optional_day, v["review"], "the review date"))
        return Agreement(
            frequency_days=every, comment_window_days=window,
            confidentiality=v["confidentiality"], records_kept=v["records"],
            disagreement=v["disagreement"], cancellations=v["cancellations"],
            review_date=review)

    def action_save(self) -> None:
        try:
            agreement = self._agreement()
            saved = checked(self.query_one("#af-every"),
                            partial(self.sup.add_agreement, self.contact, agreement))
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}",
                   self.query_one("#af-status", Label))
            return
        self.saved(saved)

    def action_back(self) -> None:
        self.leave(self._values() != self.loaded, "Leave without saving this agreement?")

