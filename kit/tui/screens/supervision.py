"""Supervision: share a summary with your supervisor, keep session records that both of you
sign, see the people you supervise, and follow the actions you agreed.

Every supervision call goes through kit.supervision.service.Supervision; this screen only draws
what it returns, and asks before anything leaves the device. Text from other people (names,
records, shares) is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.style import Style
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)

from kit.errors import FingerprintMismatch, KitError, UsageError
from kit.plurals import counted
from kit.records.document import parse_date
from kit.records.exposure import label
from kit.reports.plaintext import require_passphrase
from kit.supervision import share
from kit.supervision.contacts import RELATIONS, Contact
from kit.supervision.records import (
    ACTION_STATUSES,
    DEFAULT_FREQUENCY,
    DEFAULT_WINDOW,
    FOLLOW_UP_TYPES,
    MAX_FREQUENCY,
    MAX_WINDOW,
    MIN_FREQUENCY,
    MIN_WINDOW,
    REFERRALS,
    SESSION_TYPES,
    Action,
    Agreement,
    Session,
    SupervisionDoc,
    new_action,
    owner_shown,
)
from kit.supervision.service import Supervision
from kit.supervision.team import ROSTER_STATUSES
from kit.tui.app import AreaScreen, FormScreen
from kit.tui.refusal import Refused, checked, refuse
from kit.tui.widgets.ask import Ask, AskDialog
from kit.tui.widgets.confirm import ConfirmDialog
from kit.tui.widgets.dialog import Dialog, problem_label
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.replace_file import write_or_ask

if TYPE_CHECKING:
    from kit.tui.app import KitApp

DRAFT_AREA = "supervision-session"
AGREEMENT_DRAFT_AREA = "supervision-agreement"
ACTION_WIDTH = 30  # the Actions table's action column, wrapped
# Session types as the Records list names them: the list shares the screen with the record.
SHORT_KINDS = {"routine": "Routine", "post-incident": "Incident", "follow-up-72h": "72-hour",
               "follow-up-1m": "One-month", "other": "Other"}

SHARE_WARNING = (
    "Below is exactly what will be sent: nothing else. Your journal is never shared, nor the "
    "notes you keep with exposure entries or check-ins. Once you send the sealed file it "
    "cannot be recalled, so read it first.")

NO_CONTACTS = (
    "You have no contacts yet. To share with your supervisor: ask them for their identity card "
    "(they find it here, under My card…), press \"Add a contact…\" and paste it, with the "
    "fingerprint they read out to you in person or on a call. If you supervise others, add "
    "each of them on the Team tab (Add someone…).")


SUPERVISOR_SHARE = (
    "This tab is where someone shares a summary with their supervisor. The people you "
    "supervise send theirs to you as files: open one with \"Open a packet…\" (ctrl+o), and "
    "read it again on the Team tab (Shares…). To share your own with your supervisor, press "
    "\"Add a contact…\" and add their identity card, as \"My supervisor\".")


# --- small formatting helpers (display only) ---


def _stamp(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%d %b %Y, %H:%M")


def _day(day: date | None, none: str = "–") -> str:
    return day.strftime("%d %b %Y") if day is not None else none


def _parse_time(text: str, zone: ZoneInfo, field: str) -> datetime:
    """A date and time typed in the form, in the supervision time zone unless it says
    otherwise."""
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{field} {text.strip()!r} is not a date and time; use "
                         "YYYY-MM-DD HH:MM") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _optional_day(text: str, field: str) -> date | None:
    return parse_date(text, field) if text.strip() else None


def _free_path(stem: str, today: date) -> Path:
    """A file name in the home folder that is not taken yet (nothing is written here)."""
    base = Path.home() / f"{stem}-{today.isoformat()}"
    path, n = base.with_suffix(".age"), 2
    while path.exists():
        path, n = Path(f"{base}-{n}.age"), n + 1
    return path


def action_line(action: Action, today: date, owner: str | None = None) -> str:
    due = f"due {_day(action.due)}" if action.due else "no due date"
    overdue = ", OVERDUE" if action.overdue(today) else ""
    return f"{action.text} ({owner or action.owner}, {due}; {action.status_label}{overdue})"


def record_details(doc: SupervisionDoc, names: dict[str, str], me: str, zone: ZoneInfo,
                   today: date) -> Text:
    """Every field of a record, its versions and the supervisee's answers, as plain text."""
    text = Text()

    def row(name: str, value: str) -> None:
        text.append(f"{name}: ", style="bold")
        text.append(f"{value}\n")

    def block(title: str, value: str) -> None:
        text.append(f"\n{title}\n", style="bold")
        text.append((value or "(nothing written)") + "\n")

    def who(fingerprint: str) -> str:
        return names.get(fingerprint, fingerprint) + (" (you)" if fingerprint == me else "")

    row("Record", f"{doc.type_label} {doc.short_id}")
    row("Supervisor", who(doc.supervisor))
    row("Supervisee", who(doc.supervisee))
    row("Status", f"{doc.status_label} (version {doc.latest.n})")
    if doc.type == "session":
        s = doc.session
        row("Held", _stamp(s.held, zone))
        row("Type", s.type_label)
        if s.incident_at is not None:
            row("Incident", _stamp(s.incident_at, zone))
        if s.follows:
            row("Follows", f"session record {s.follows[:8]}")
        row("Attendees", ", ".join(s.attendees) or "not recorded")
        if s.share_packet:
            row("Drew on share", s.share_packet[:8])
        block("Summary received", s.summary_received)
        block("Impact", s.impact)
        block("Coping and support", s.coping)
        text.append(f"\nActions ({len(s.actions)})\n", style="bold")
        if not s.actions:
            text.append("None agreed.\n")
        for action in s.actions:
            text.append(f"• {action_line(action, today, owner_shown(action, doc, names))}\n")
        block("Escalation", s.escalation)
        text.append("\n")
        row("Referrals", ", ".join(label(REFERRALS, r) for r in s.referrals) or "none")
        row("Review date", _day(s.review_date, "not set"))
    else:
        a = doc.agreement
        row("Meet every", counted(a.frequency_days, "day"))
        row("Time to comment on a record", counted(a.comment_window_days, "day"))
        block("Limits of confidentiality", a.confidentiality)
        block("Where records are kept, and who sees them", a.records_kept)
        block("How disagreement is recorded", a.disagreement)
        block("Cancellations", a.cancellations)
        text.append("\n")
        row("Review date", _day(a.review_date, "not set"))
    text.append("\nVersions\n", style="bold")
    for v in doc.versions:
        sent = f"sent {_stamp(v.sent_at, zone)}" if v.sent_at else "not sent"
        line = f"• Version {v.n}: made {_stamp(v.created, zone)}; {sent}"
        if v.response is not None:
            line += f"; {v.response.decision_label.lower()} {_stamp(v.response.at, zone)}"
            if v.response.late:
                line += " (after the agreed window)"
        text.append(line + "\n")
        if v.response is not None and v.response.comment:
            text.append("  The supervisee's comment:\n", style="italic")
            text.append("".join(f"    {part}\n" for part in v.response.comment.split("\n")))
    return text


class Tick(Checkbox):
    """A checkbox that draws ✓ when ticked and an empty box when not: what is shared must
    never be told by colour alone (NO_COLOR, colour blindness)."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background,
                           background=self.background_colors[1])
        return Content.assemble((self.BUTTON_LEFT, side_style),
                                ("✓" if self.value else " ", button_style),
                                (self.BUTTON_RIGHT, side_style))


# --- dialogs ---


class TextDialog(Dialog[None]):
    """Something to read and perhaps copy (an identity card): a read-only text box."""

    DEFAULT_CSS = """
    TextDialog #text-body {
        height: 12;
    }
    """

    FRAME_ID = "text-dialog"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "close", "Close", id="text-close")]

    def __init__(self, intro: str, body: str) -> None:
        super().__init__()
        self.intro, self.text = intro, body

    def body(self) -> Iterable[Widget]:
        yield Static(self.intro, markup=False)
        yield TextArea(self.text, read_only=True, id="text-body", soft_wrap=False,
                       classes="reading")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Close", id="text-ok", variant="primary")

    @on(Button.Pressed, "#text-ok")
    def action_close(self) -> None:
        self.dismiss(None)


class AddContactDialog(Dialog[Contact | None]):
    """Paste a colleague's identity card, name them, and type the fingerprint they read out."""

    DEFAULT_CSS = """
    AddContactDialog #contact-card {
        height: 8;
    }
    """

    FRAME_ID = "add-contact-dialog"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="contact-cancel")]

    def __init__(self, add: Callable[[str, str, str, str | None], Contact],
                 relation: str = "supervisor") -> None:
        super().__init__()
        self.add, self.relation = add, relation

    def body(self) -> Iterable[Widget]:
        yield Static("Add a colleague's identity card. Then check it is really theirs: ask "
                     "them to read their fingerprint to you in person or on a call, and "
                     "type it below.", markup=False)
        yield Label("Their identity card (paste all of it)")
        yield TextArea("", id="contact-card", tab_behavior="focus", soft_wrap=False)
        yield Label("Their name, as you call them")
        yield Input(id="contact-name")
        yield Label("They are")
        yield Select([(c.label, c.value) for c in RELATIONS], value=self.relation,
                     allow_blank=False, id="contact-relation")
        yield Label("Their fingerprint, as they read it to you")
        yield Input(placeholder="abcd 1234 ... (left empty: added as not checked)",
                    id="contact-fingerprint")

    def foot(self) -> Iterable[Widget]:
        yield problem_label("contact-problem")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Add", id="contact-ok", variant="primary")
        yield Button("Cancel", id="contact-no")

    @on(Button.Pressed, "#contact-ok")
    def submit(self) -> None:
        card = self.query_one("#contact-card", TextArea).text
        name = self.query_one("#contact-name", Input).value
        relation = str(self.query_one("#contact-relation", Select).value)
        fingerprint = self.query_one("#contact-fingerprint", Input).value.strip() or None
        if not card.strip() or not name.strip():
            self.refuse("Please paste their card and give their name.",
                        "#contact-card" if not card.strip() else "#contact-name")
            return
        try:
            contact = self.add(card, name, relation, fingerprint)
        except KitError as exc:
            self.refuse(f"Not added: {exc.message}", self._at_fault(exc))
            return
        self.dismiss(contact)

    @staticmethod
    def _at_fault(exc: KitError) -> str:
        if isinstance(exc, FingerprintMismatch):
            return "#contact-fingerprint"
        if "name" in exc.message:  # "you already have a contact called ...; choose another name"
            return "#contact-name"
        return "#contact-card"

    @on(Button.Pressed, "#contact-no")
    def action_cancel(self) -> None:
        self.dismiss(None)


class CommentDialog(Dialog[dict[str, str] | None]):
    """A comment on a record and where to save the answer."""

    DEFAULT_CSS = """
    CommentDialog #comment-text {
        height: 8;
    }
    """

    FRAME_ID = "comment-dialog"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="comment-cancel")]

    def __init__(self, question: str, path: Path) -> None:
        super().__init__()
        self.question, self.path = question, path

    def body(self) -> Iterable[Widget]:
        yield Static(self.question, markup=False)
        yield Label("Your comment")
        yield TextArea("", id="comment-text", tab_behavior="focus")
        yield Label("Save your answer as")
        yield Input(str(self.path), id="comment-path")

    def foot(self) -> Iterable[Widget]:
        yield problem_label("comment-problem")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Sign and save", id="comment-ok", variant="primary")
        yield Button("Cancel", id="comment-no")

    @on(Button.Pressed, "#comment-ok")
    def submit(self) -> None:
        comment = self.query_one("#comment-text", TextArea).text
        path = self.query_one("#comment-path", Input).value
        if not comment.strip() or not path.strip():
            self.refuse("Please write your comment and say where to save it.",
                        "#comment-text" if not comment.strip() else "#comment-path")
            return
        self.dismiss({"comment": comment, "path": path})

    @on(Button.Pressed, "#comment-no")
    def action_cancel(self) -> None:
        self.dismiss(None)


EXPORT_FORMATS = (("Markdown (.md)", "md"), ("PDF, to print (.pdf)", "pdf"))


class ExportDialog(Dialog[dict[str, str] | None]):
    """The plaintext warning, then Markdown or PDF and where to write it."""

    DEFAULT_CSS = """
    ExportDialog #export-warning {
        text-style: bold;
        margin-bottom: 1;
    }
    ExportDialog Input, ExportDialog Select {
        margin-bottom: 1;
    }
    """

    FRAME_ID = "export-dialog"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="export-cancel")]

    def __init__(self, what: str, warning: str, stem: Path) -> None:
        super().__init__()
        self.what, self.warning, self.stem = what, warning, stem

    def head(self) -> Iterable[Widget]:
        # The warning stays in view however far the fields scroll.
        yield Static(self.what, markup=False)
        yield Static(self.warning, id="export-warning", markup=False)

    def body(self) -> Iterable[Widget]:
        yield Label("Format")
        yield Select(EXPORT_FORMATS, value="md", allow_blank=False, id="export-format")
        yield Label("Save as")
        yield Input(str(self.stem.with_suffix(".md")), id="export-path")

    def foot(self) -> Iterable[Widget]:
        yield problem_label("export-problem")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Export", id="export-ok", variant="primary")
        yield Button("Cancel", id="export-no")

    @on(Select.Changed, "#export-format")
    def _format_changed(self) -> None:
        """Keep the file name's ending in step with the format, unless it was changed."""
        path = self.query_one("#export-path", Input)
        fmt = str(self.query_one("#export-format", Select).value)
        for _label, other in EXPORT_FORMATS:
            if path.value.endswith(f".{other}"):
                path.value = path.value.removesuffix(f".{other}") + f".{fmt}"
                break

    @on(Button.Pressed, "#export-ok")
    def submit(self) -> None:
        path = self.query_one("#export-path", Input).value
        if not path.strip():
            self.refuse("Please say where to save it.", "#export-path")
            return
        self.dismiss({"format": str(self.query_one("#export-format", Select).value),
                      "path": path})

    @on(Button.Pressed, "#export-no")
    def action_cancel(self) -> None:
        self.dismiss(None)


class HandoverDialog(Dialog[dict[str, str] | None]):
    """Whom to hand a supervisee's records to, and where to save the sealed file."""

    DEFAULT_CSS = """
    HandoverDialog Select, HandoverDialog Input {
        margin-bottom: 1;
    }
    """

    FRAME_ID = "handover-dialog"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="handover-cancel")]

    def __init__(self, question: str, choices: list[tuple[Text, str]], path: Path) -> None:
        super().__init__()
        self.question, self.choices, self.path = question, choices, path

    def body(self) -> Iterable[Widget]:
        yield Static(self.question, markup=False)
        yield Label("Their new supervisor")
        yield Select(self.choices, id="handover-to", prompt="Choose",
                     value=self.choices[0][1] if len(self.choices) == 1 else Select.NULL)
        yield Label("Save the sealed file as")
        yield Input(str(self.path), id="handover-path")

    def foot(self) -> Iterable[Widget]:
        yield problem_label("handover-problem")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Next…", id="handover-ok", variant="primary")
        yield Button("Cancel", id="handover-no")

    @on(Button.Pressed, "#handover-ok")
    def submit(self) -> None:
        to = self.query_one("#handover-to", Select).value
        path = self.query_one("#handover-path", Input).value
        if to is Select.NULL or not path.strip():
            self.refuse("Please choose the new supervisor and say where to save the file.",
                        "#handover-to" if to is Select.NULL else "#handover-path")
            return
        self.dismiss({"to": str(to), "path": path})

    @on(Button.Pressed, "#handover-no")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ReadDialog(TextDialog):
    """A longer text to read whole (a share received): wrapped, and scrolled with the arrow
    keys."""

    def on_mount(self) -> None:
        body = self.query_one("#text-body", TextArea)
        body.soft_wrap = True
        body.styles.height = 14
        body.focus()


# --- the area ---


def _supervision(app: KitApp) -> Supervision:
    from kit.supervision.schedule import local_zone

    workspace = app.workspace
    if workspace is None:
        raise RuntimeError("the vault is locked")
    try:
        zone = local_zone(app.services.config.time_zone)
    except KitError:
        zone = local_zone(None)
    return Supervision(workspace, zone=zone, clock=app.services.clock)


class SupervisionScreen(AreaScreen):
    DEFAULT_CSS = """
    SupervisionScreen #supervision-status {
        width: 100%;
        height: auto;
        max-height: 4;
        padding: 0 1;
        background: $boost;
        display: none;
    }
    SupervisionScreen #supervision-tabs {
        /* the rest of the screen: the status line above is never pushed under the header */
        height: 1fr;
    }
    SupervisionScreen #actions-hint {
        width: 100%;
    }
    SupervisionScreen #share-pane, SupervisionScreen #team-pane,
    SupervisionScreen #actions-pane {
        padding: 0 2;
    }
    SupervisionScreen #me-form, SupervisionScreen #no-contacts, SupervisionScreen #share-builder,
    SupervisionScreen #share-fields {
        height: auto;
    }
    SupervisionScreen .row {
        height: auto;
    }
    SupervisionScreen .row Input {
        width: 1fr;
    }
    SupervisionScreen #share-to {
        width: 1fr;
    }
    SupervisionScreen .field-text {
        padding: 0 0 0 6;
        color: $text-muted;
    }
    SupervisionScreen #share-note {
        height: 4;
    }
    SupervisionScreen #share-warning {
        margin-top: 1;
        text-style: bold;
    }
    SupervisionScreen #share-preview {
        border: round $primary;
        padding: 0 1;
    }
    SupervisionScreen #records-left {
        width: 1fr;
        padding: 0 1;
    }
    SupervisionScreen #record-detail-box {
        width: 1fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    SupervisionScreen #records-count {
        width: 100%;
    }
    SupervisionScreen #team, SupervisionScreen #actions {
        height: auto;
        max-height: 20;
    }
    SupervisionScreen #team-archived {
        width: 36;
    }
    SupervisionScreen #team-detail, SupervisionScreen #actions-count,
    SupervisionScreen #share-period {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+o", "open_packet", "Open packet", id="supervision-open",
                tooltip="Open a packet file someone sent you"),
        # On the Records tab's button and in the help; the footer has no room for it.
        Binding("ctrl+n", "new_record", "New record", id="supervision-new", show=False,
                tooltip="Write the record of a supervision session (supervisors)"),
        # Used now and then: on the buttons, in the help (F1) and in the command palette.
        Binding("ctrl+e", "export_record", "Export record", id="supervision-export",
                show=False, tooltip="Write the highlighted record to a Markdown or PDF file "
                                    "(not encrypted)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sup: Supervision | None = None
        self._names: dict[str, str] = {}
        self._me = ""
        self._share_contact: Contact | None = None
        self._share_fields: list[share.ShareField] = []
        self._share_period: tuple[datetime, datetime] | None = None
        self._share_ticked = False
        self._status_tab = ""  # the tab the status line's message is about
        self._team: dict[str, Contact] = {}
        self._actions: dict[str, tuple[SupervisionDoc, Action]] = {}

    @property
    def sup(self) -> Supervision:
        if self._sup is None or self._sup.workspace is not self.workspace:
            self._sup = _supervision(self.kit_app)
        return self._sup

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="supervision-status", markup=False)
        with TabbedContent(id="supervision-tabs", initial="share-tab"):
            with TabPane("Share", id="share-tab"), VerticalScroll(id="share-pane"):
                yield from self._compose_share()
            with TabPane("Records", id="records-tab"), Horizontal():
                with Vertical(id="records-left"):
                    yield Label("", id="records-count", markup=False)
                    yield EntryList(self._describe, id="records")
                    with Horizontal(classes="buttons"):
                        yield Button("New (ctrl+n)", id="record-new")
                        yield Button("Open a packet…", id="open-packet",
                                     tooltip="Open a packet file someone sent you (ctrl+o)")
                with VerticalScroll(id="record-detail-box"):
                    with Horizontal(classes="buttons", id="record-buttons"):
                        yield Button("Edit…", id="record-edit")
                        yield Button("Send…", id="record-send", variant="primary")
                        yield Button("Accept…", id="record-accept", variant="primary")
                        yield Button("Comment…", id="record-comment")
                        yield Button("Export…", id="record-export")
                    yield Static("", id="record-detail", markup=False)
            with TabPane("Team", id="team-tab"), VerticalScroll(id="team-pane"):
                yield Static("The people you supervise, by name. It shows whether sessions "
                             "and actions are up to date, and check-in bands only when the "
                             "person chose to share them. It never ranks anyone.",
                             classes="hint", markup=False)
                yield DataTable(id="team", cursor_type="row", zebra_stripes=True)
                yield Static("", id="team-detail", markup=False)
                with Horizontal(classes="buttons", id="team-person-buttons"):
                    yield Button("Shares…", id="team-shares",
                                 tooltip="Read what this person has shared with you")
                    yield Button("Agreement…", id="team-agreement", variant="primary")
                    yield Button("Hand over…", id="team-handover")
                    yield Button("Archive…", id="team-archive")
                with Horizontal(classes="buttons"):
                    yield Button("Add someone…", id="team-add")
                    yield Button("Old records…", id="team-retention")
                    yield Select([], id="team-archived", prompt="Archived people")
                    yield Button("Restore…", id="team-restore")
            with TabPane("Actions", id="actions-tab"), VerticalScroll(id="actions-pane"):
                yield Tick("Only overdue", id="actions-overdue")
                yield Label("", id="actions-count", markup=False)
                yield DataTable(id="actions", cursor_type="row", zebra_stripes=True)
                with Horizontal(classes="buttons", id="action-buttons"):
                    yield Button("Mark done", id="action-done", variant="primary")
                    yield Button("Mark dropped", id="action-dropped")
                yield Static("", id="actions-hint", classes="hint", markup=False)
        yield Footer(compact=True)

    def _compose_share(self) -> Iterable[Any]:
        yield Static("Share a summary with your supervisor: you choose each part, and see "
                     "exactly what they will read before it is sealed for them alone.",
                     classes="hint", markup=False)
        with Vertical(id="me-form"):
            yield Static("Your identity card needs your name first (your supervisor sees it "
                         "on everything you send).", classes="hint", markup=False)
            with Horizontal(classes="row"):
                yield Input(placeholder="Your name", id="me-name")
                yield Input(placeholder="Your role (optional)", id="me-role")
                yield Button("Save my name", id="me-save", variant="primary")
        with Vertical(id="no-contacts"):
            yield Static(NO_CONTACTS, id="no-contacts-text", classes="hint", markup=False)
        with Horizontal(classes="row buttons"):
            yield Select([], id="share-to", prompt="Choose who to send to")
            yield Button("Add a contact…", id="add-contact")
            yield Button("My card…", id="my-card")
        with Vertical(id="share-builder"):
            yield Label("", id="share-period", markup=False)
            yield Static("Tick what to share. Under each box is exactly the text it adds.",
                         classes="hint", markup=False)
            with Vertical(id="share-fields"):
                for key, name, _default in share.FIELDS:
                    yield Tick(name, False, id=f"share-field-{key}", classes="share-field")
                    yield Static("", id=f"share-text-{key}", classes="field-text",
                                 markup=False)
            yield Label("A note for your supervisor (optional; sent if you write one)",
                        classes="heading")
            yield TextArea("", id="share-note", tab_behavior="focus")
            yield Static(SHARE_WARNING, id="share-warning", markup=False)
            yield Static("", id="share-preview", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Seal…", id="share-seal", variant="primary")
        yield Static("Shared so far", classes="heading")
        yield Static("", id="share-history", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Supervision"
        team = self.query_one("#team", DataTable)
        team.add_columns("Name", "Last session", "Next due", "Open", "Overdue",
                         "Follow-ups due")
        team.add_column("Bands shared")  # when; the bands are in the detail below
        actions = self.query_one("#actions", DataTable)
        actions.add_column("Who")
        # Wrapped at a set width, so owner, due date and status stay in view at 100 columns.
        actions.add_column("Action", width=ACTION_WIDTH)
        actions.add_columns("Owner", "Due", "Status")
        self.reload()
        if self._supervises_only():
            # Sharing is for the person supervised: a supervisor starts with the team.
            self.query_one("#supervision-tabs", TabbedContent).active = "team-tab"
        drafts = self.workspace.drafts.list(DRAFT_AREA)
        if drafts:
            doc = None
            doc_id = drafts[0].data.get("doc")
            if isinstance(doc_id, str):
                try:
                    doc = self.workspace.supervision.get(doc_id)
                except KitError:
                    doc = None
            self.app.push_screen(SessionForm(self.sup, doc, draft=drafts[0].data,
                                             draft_id=drafts[0].id), callback=self._saved)
            self.notify("Your unsaved session record is back. Save it or go back.", timeout=6)
            return
        for draft in self.workspace.drafts.list(AGREEMENT_DRAFT_AREA):
            contact = self._supervisee_by_id(draft.data.get("supervisee"))
            if contact is None:  # they are no longer a contact: nothing to write it about
                continue
            self.app.push_screen(AgreementForm(self.sup, contact, draft=draft.data,
                                               draft_id=draft.id),
                                 callback=self._agreement_saved)
            self.notify("Your unsaved agreement is back. Save it or go back.", timeout=6)
            break

    def reload(self) -> None:
        sup = self.sup
        self._me = sup.fingerprint
        self._names = sup.names()
        self._reload_share()
        self._reload_records()
        self._reload_team()
        self._reload_actions()

    def _supervises_only(self) -> bool:
        """Someone on the team, and no supervisor of their own among the contacts."""
        return self.sup.roles().supervises_only

    def _say(self, message: str, *, error: bool = False) -> None:
        """Keep the last outcome on screen, whole, under the header (a toast alone is easy to
        miss), and notify. Each message replaces the one before, error or not."""
        from kit.tui.app_words import app_words

        message = app_words(message)
        status = self.query_one("#supervision-status", Label)
        status.update(message)
        status.display = bool(message)
        # The tab it is about: a message said just after switching tabs stays when the switch
        # is announced (TabActivated comes later); the next switch clears it.
        self._status_tab = self.query_one("#supervision-tabs", TabbedContent).active
        if not message:  # cleared: nothing to tell
            return
        if error:
            self.notify(message, title="Not done", severity="error", timeout=15, markup=False)
        else:
            self.notify(message, timeout=10, markup=False)

    # --- share (practitioner -> supervisor) ---

    def _has_name(self) -> bool:
        try:
            self.sup.me()
        except UsageError:
            return False
        return True

    def _sharable(self) -> list[Contact]:
        """Whom a summary of one's own work may go to: current contacts, the supervisor(s)
        first, never the people one supervises (their summaries come the other way)."""
        return sorted((c for c in self.workspace.contacts.all(archived=False)
                       if c.relation != "supervisee"),
                      key=lambda c: c.relation != "supervisor")

    def _reload_share(self) -> None:
        has_name = self._has_name()
        self.query_one("#me-form").display = not has_name
        contacts = self._sharable()
        self.query_one("#no-contacts").display = not contacts
        self.query_one("#no-contacts-text", Static).update(
            SUPERVISOR_SHARE if not contacts and self.sup.roles().supervises else NO_CONTACTS)
        select = self.query_one("#share-to", Select)
        previous = self._share_contact.id if self._share_contact else None
        relation = {c.value: c.label for c in RELATIONS}
        with select.prevent(Select.Changed):
            select.set_options([
                (Text(f"{c.name} ({relation.get(c.relation, c.relation).lower()}"
                      + ("" if c.verified else ", fingerprint not checked") + ")"), c.id)
                for c in contacts])
            ids = [c.id for c in contacts]
            if ids:
                select.value = previous if previous in ids else ids[0]
        self._build_share()
        history = self.workspace.packet_log.sent()[:5]
        self.query_one("#share-history", Static).update(
            "\n".join(f"{e.at.astimezone(self.sup.zone):%d %b %Y %H:%M}  to {e.peer_name}: "
                      f"{e.summary}" for e in history) or "Nothing sent yet.")

    def _selected_contact(self) -> Contact | None:
        value = self.query_one("#share-to", Select).value
        if value is Select.NULL:
            return None
        return next((c for c in self._sharable() if c.id == value), None)

    @on(Select.Changed, "#share-to")
    def _contact_changed(self) -> None:
        self._build_share()

    def _build_share(self) -> None:
        contact = self._selected_contact()
        ready = contact is not None and self._has_name()
        self.query_one("#share-builder").display = ready
        self._share_contact = contact
        if contact is None or not ready:
            self._share_fields, self._share_period = [], None
            return
        sup = self.sup
        start, end = sup.share_period(contact)
        fields = sup.share_fields(start, end)
        self._share_period, self._share_fields = (start, end), fields
        first, last = start.astimezone(sup.zone), end.astimezone(sup.zone)
        self.query_one("#share-preview").border_title = Text(
            f"Exactly what {contact.name} will read")
        self.query_one("#share-period", Label).update(
            f"For {contact.name}, covering {first:%d %b %Y} to {last:%d %b %Y} (since your "
            "last share to them, or the last 28 days).")
        defaults = share.defaults(fields)
        for f in fields:
            try:
                box = self.query_one(f"#share-field-{f.key}", Checkbox)
            except NoMatches:  # a field this screen does not know: never sent unseen
                continue
            box.label = f.label
            if not self._share_ticked:
                box.value = f.key in defaults
            self.query_one(f"#share-text-{f.key}", Static).update(f.text)
        self._share_ticked = True
        self._update_preview()

    def _chosen(self) -> set[str]:
        ticked = {box.id.removeprefix("share-field-") for box in self.query(Tick)
                  if box.id and box.id.startswith("share-field-") and box.value}
        return {f.key for f in self._share_fields if f.key in ticked}

    def _note(self) -> str:
        return self.query_one("#share-note", TextArea).text

    def share_preview(self) -> str:
        """Exactly what Seal would send now."""
        contact, period = self._share_contact, self._share_period
        if contact is None or period is None:
            return ""
        return self.sup.preview(contact, self._share_fields, self._chosen(), self._note(),
                                *period)

    @on(Checkbox.Changed, ".share-field")
    @on(TextArea.Changed, "#share-note")
    def _update_preview(self) -> None:
        if self._share_period is None:
            return
        try:
            preview = self.share_preview()
        except KitError as exc:
            preview = f"This cannot be sealed as it is: {exc.message}"
        # As rich Text, so every space shows exactly as it will be sent.
        self.query_one("#share-preview", Static).update(Text(preview))

    @on(Button.Pressed, "#me-save")
    def _save_me(self) -> None:
        name = self.query_one("#me-name", Input).value
        role = self.query_one("#me-role", Input).value
        try:
            card = self.sup.set_me(name, role)
        except KitError as exc:
            self._say(f"Not saved: {exc.message}", error=True)
            return
        self._say(f"Your identity card now says {card.name}. Give it to your supervisor "
                  "(My card…).")
        self.reload()

    @on(Button.Pressed, "#add-contact")
    def action_add_contact(self) -> None:
        self.add_contact("supervisor")

    @on(Button.Pressed, "#team-add")
    def action_add_supervisee(self) -> None:
        self.add_contact("supervisee")

    def add_contact(self, relation: str) -> None:
        def added(contact: Contact | None) -> None:
            if contact is None:
                return
            checked = ("Fingerprint checked." if contact.verified else
                       "Fingerprint NOT checked: check it with them before trusting what "
                       "they send.")
            self._say(f"Added {contact.name}. {checked}")
            self.reload()

        self.app.push_screen(AddContactDialog(self.sup.add_contact, relation), added)

    @on(TabbedContent.TabActivated, "#supervision-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        """What was said about one tab's work is stale on another."""
        if event.pane.id != self._status_tab:
            self._say("")

    @on(Button.Pressed, "#my-card")
    def action_my_card(self) -> None:
        if not self._has_name():
            self._say("Your identity card needs your name first: type it in \"Your name\" on "
                      "the Share tab and press Save my name.", error=True)
            self.query_one("#supervision-tabs", TabbedContent).active = "share-tab"
            self.query_one("#me-name", Input).focus()
            return
        try:
            card = self.sup.me()
        except KitError as exc:
            self._say(exc.message, error=True)
            return
        self.app.push_screen(TextDialog(
            "Your identity card. Give it to your supervisor (email or chat is fine; it holds "
            "no secret), then read them your fingerprint in person or on a call so they know "
            f"it is yours:\n\n{card.fingerprint}", card.text()))

    @on(Button.Pressed, "#share-seal")
    def action_seal(self) -> None:
        contact, period = self._share_contact, self._share_period
        if contact is None or period is None:
            return
        fields, chosen, note = list(self._share_fields), self._chosen(), self._note()
        if not chosen and not note.strip():
            self._say("Nothing is ticked to share: tick at least one box or write a note.",
                      error=True)
            ticks = self.query(".share-field")
            if ticks:  # where the next key pressed (Space) does what was missing
                ticks.first().focus()
            return
        default = _free_path("supervision-share", self.sup.today())

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            path = Path(answers["path"]).expanduser()
            try:
                sealed = self.sup.seal_share(contact, fields, chosen, note, *period)
            except KitError as exc:
                self._say(f"Not sealed: {exc.message}", error=True)
                return

            def written(_logged: object) -> None:
                self._say(f"Sealed for {contact.name} and written to {path}. Send them that "
                          "file any way you like: only they can open it.")
                self.query_one("#share-note", TextArea).text = ""
                self.reload()

            write_or_ask(self.app, lambda overwrite: self.sup.save(sealed, path,
                                                                   overwrite=overwrite),
                         written, lambda why: self._say(f"Not sealed: {why}", error=True),
                         self._say)

        self.app.push_screen(AskDialog(
            f"Seal this share for {contact.name}? Only they can open the file, and it shows "
            "them that it came from you. Once sent, it cannot be recalled.",
            [Ask("path", "Save the sealed packet as", value=str(default))],
            ok="Seal and save", required=("path",)), answered)

    # --- records ---

    def _describe(self, doc: SupervisionDoc) -> str:
        other = doc.supervisee if doc.supervisor == self._me else doc.supervisor
        who = self._names.get(other, other[:9])
        if doc.type == "session":
            when, kind = doc.session.held, SHORT_KINDS.get(doc.session.type, "Session")
        else:
            when, kind = doc.latest.created, "Agreement"
        version = f" v{doc.latest.n}" if doc.latest.n > 1 else ""
        return (f" {when.astimezone(self.sup.zone):%d %b %y}  {doc.status:<9} {who} · "
                f"{kind}{version}")

    def _reload_records(self) -> None:
        docs = self.workspace.supervision.all()
        listing = self.query_one("#records", EntryList)
        current = self._current_record()
        listing.set_items(docs)
        ids = [d.id for d in docs]
        if current is not None and current.id in ids:
            listing.action_jump(ids.index(current.id))
        supervises = self.sup.roles().supervises
        # Writing a session record is for someone who supervises: nobody else sees New.
        self.query_one("#record-new").display = supervises
        self.query_one("#records-count", Label).update(
            f"{len(docs)} record{'s' if len(docs) != 1 else ''}" if docs else
            "No records yet. Write the record of a session with New (ctrl+n)." if supervises
            else "No records yet. When your supervisor sends you a record of your session, "
            "open the file with \"Open a packet…\" (ctrl+o).")
        self._show_record(self._current_record())

    def _current_record(self) -> SupervisionDoc | None:
        item = self.query_one("#records", EntryList).highlighted
        return item if isinstance(item, SupervisionDoc) else None

    @on(EntryList.Highlighted, "#records")
    def _record_highlighted(self, event: EntryList.Highlighted) -> None:
        self._show_record(event.item)

    def _show_record(self, doc: SupervisionDoc | None) -> None:
        detail = self.query_one("#record-detail", Static)
        mine = doc is not None and doc.supervisor == self._me
        theirs = doc is not None and doc.supervisee == self._me
        answerable = theirs and doc is not None and doc.latest.signed is not None \
            and doc.latest.response is None
        self.query_one("#record-edit").display = mine
        self.query_one("#record-export").display = doc is not None
        self.query_one("#record-send").display = mine and doc is not None \
            and doc.latest.response is None
        self.query_one("#record-accept").display = answerable
        self.query_one("#record-comment").display = answerable
        if doc is None:
            detail.update("")
            return
        detail.update(record_details(doc, self._names, self._me, self.sup.zone,
                                     self.sup.today()))

    def _saved(self, doc: SupervisionDoc | None) -> None:
        self.reload()
        if doc is not None:
            self._select_record(doc.id)

    def _select_record(self, doc_id: str) -> None:
        listing = self.query_one("#records", EntryList)
        ids = [d.id for d in listing.items]
        if doc_id in ids:
            listing.action_jump(ids.index(doc_id))
            self._show_record(self._current_record())

    def _record_saved(self, doc: SupervisionDoc | None) -> None:
        """Back from the session form: saved (and said so), or left unchanged."""
        self._saved(doc)
        if doc is not None:
            self._say(f"Session record {doc.short_id} saved (version {doc.latest.n}, "
                      f"{doc.status_label.lower()}). Send it to them with Send….")

    @on(Button.Pressed, "#record-new")
    def action_new_record(self) -> None:
        if not self.sup.roles().supervises:
            self.query_one("#supervision-tabs", TabbedContent).active = "team-tab"
            self._say("A session record is about someone you supervise. Add them first with "
                      "Add someone… on this tab.", error=True)
            return
        self.query_one("#supervision-tabs", TabbedContent).active = "records-tab"
        self.app.push_screen(SessionForm(self.sup), callback=self._record_saved)

    @on(EntryList.Chosen, "#records")
    @on(Button.Pressed, "#record-edit")
    def action_edit_record(self) -> None:
        doc = self._current_record()
        if doc is None or doc.supervisor != self._me:
            return
        if doc.type == "agreement":
            contact = next((c for c in self.sup.supervisees(archived=True)
                            if c.fingerprint == doc.supervisee), None)
            if contact is None:
                self._say("The person this agreement is with is no longer among your "
                          "contacts, so it cannot be changed here.", error=True)
                return
            self.edit_agreement(contact)
            return
        self.app.push_screen(SessionForm(self.sup, doc), callback=self._record_saved)

    # --- export (either side) ---

    @on(Button.Pressed, "#record-export")
    def action_export_record(self) -> None:
        """Write the highlighted record to Markdown or PDF, after the plaintext warning."""
        self.query_one("#supervision-tabs", TabbedContent).active = "records-tab"
        doc = self._current_record()
        if doc is None:
            self._say("Choose a record to export first.", error=True)
            return
        try:
            require_passphrase(self.workspace.vault)
        except KitError as exc:
            self.notify(f"Not exported: {exc.message}.", severity="warning")
            return
        what = "agreement" if doc.type == "agreement" else "record"
        about = self.sup.name_of(doc.supervisee)

        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self._export(doc, answers["format"], Path(answers["path"]).expanduser())

        self.app.push_screen(ExportDialog(
            f"Export {doc.type_label.lower()} {doc.short_id} about {about} (version "
            f"{doc.latest.n}, with every answer).",
            "The exported file is NOT encrypted: anyone who can open it can read this "
            "supervision record. Keep it somewhere safe, and delete the file when you no "
            "longer need it.",
            Path.home() / f"supervision-{what}-{doc.short_id}"), answered)

    def _export(self, doc: SupervisionDoc, fmt: str, path: Path) -> None:
        from kit.chosen_file import check_chosen_path
        from kit.reports import supervision_export
        from kit.reports.plaintext import warning, write_plaintext

        sup = self.sup
        notes: list[str] = []

        def write(overwrite: bool) -> Path:
            check_chosen_path(path, overwrite=overwrite)  # ask before the PDF is made
            notes.clear()
            if fmt == "pdf":
                rendered = supervision_export.render_pdf(doc, sup.names(), sup.zone,
                                                         sup.today())
                data = rendered.data
                if rendered.lost:
                    notes.append("Some characters could not be printed in: "
                                 + ", ".join(rendered.lost) + ".")
            else:
                data = supervision_export.to_markdown(doc, sup.names(), sup.zone,
                                                      sup.today()).encode("utf-8")
            return write_plaintext(self.workspace.vault, path, data, force=overwrite)

        def written(where: Path) -> None:
            self._say(" ".join([f"Written to {where}.",
                                warning("this supervision record", where), *notes]))

        write_or_ask(self.app, write, written,
                     lambda why: self._say(f"Not exported: {why}", error=True), self._say)

    @on(Button.Pressed, "#record-send")
    def action_send_record(self) -> None:
        doc = self._current_record()
        if doc is None:
            return
        name = self.sup.name_of(doc.supervisee)
        default = _free_path(f"supervision-record-{doc.short_id}-v{doc.latest.n}",
                             self.sup.today())

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            path = Path(answers["path"]).expanduser()

            def written(_logged: object) -> None:
                self._say(f"Version {doc.latest.n} sealed for {name} and written to {path}. "
                          "Send them that file; they can accept it or comment on it.")
                self._saved(doc)

            write_or_ask(self.app, lambda overwrite: self.sup.save(
                self.sup.send_record(doc), path, overwrite=overwrite), written,
                lambda why: self._say(f"Not sent: {why}", error=True), self._say)

        self.app.push_screen(AskDialog(
            f"Send version {doc.latest.n} of this record to {name}? Once sent, it never "
            "changes: a later edit becomes a new version for them to answer.",
            [Ask("path", "Save the sealed record as", value=str(default))],
            ok="Seal and save", required=("path",)), answered)

    def _late(self, doc: SupervisionDoc) -> datetime | None:
        """When the agreed window closed, if it has."""
        deadline = self.sup.comment_deadline(doc)
        return deadline if deadline is not None and self.sup.clock() > deadline else None

    def _answer(self, doc: SupervisionDoc, commenting: bool) -> None:
        """Accept or comment: ask first when the agreed window has closed."""
        closed = self._late(doc)
        if closed is None:
            self._ask_answer(doc, commenting, late=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._ask_answer(doc, commenting, late=True)

        self.app.push_screen(ConfirmDialog(
            f"The agreed window for answering closed on {_stamp(closed, self.sup.zone)}. "
            "Send your answer anyway? It will be marked as late.", yes="Answer anyway"),
            answered)

    def _ask_answer(self, doc: SupervisionDoc, commenting: bool, late: bool) -> None:
        name = self.sup.name_of(doc.supervisor)
        n = doc.latest.n
        default = _free_path(f"supervision-answer-{doc.short_id}-v{n}", self.sup.today())

        def send(comment: str, where: str) -> None:
            path = Path(where).expanduser()

            def written(_logged: object) -> None:
                what = "comment" if comment.strip() else "acceptance"
                self._say(f"Your signed {what} of version {n} is written to {path}. Send "
                          f"{name} that file.")
                self._saved(doc)

            write_or_ask(self.app, lambda overwrite: self.sup.save(
                self.sup.respond(doc, comment, late_ok=late), path, overwrite=overwrite),
                written, lambda why: self._say(f"Not sent: {why}", error=True), self._say)

        if commenting:
            self.app.push_screen(CommentDialog(
                f"Comment on version {n} of this record. {name} keeps your comment with the "
                "record; the record itself does not change.", default),
                lambda a: send(a["comment"], a["path"]) if a else None)
        else:
            self.app.push_screen(AskDialog(
                f"Accept version {n} of this record as it is? Your acceptance is signed and "
                f"sent to {name}.", [Ask("path", "Save your answer as", value=str(default))],
                ok="Accept and save", required=("path",)),
                lambda a: send("", a["path"]) if a else None)

    @on(Button.Pressed, "#record-accept")
    def action_accept(self) -> None:
        doc = self._current_record()
        if doc is not None:
            self._answer(doc, commenting=False)

    @on(Button.Pressed, "#record-comment")
    def action_comment(self) -> None:
        doc = self._current_record()
        if doc is not None:
            self._answer(doc, commenting=True)

    @on(Button.Pressed, "#open-packet")
    def action_open_packet(self) -> None:
        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self.open_packet(Path(answers["path"]).expanduser())

        self.app.push_screen(AskDialog(
            "Open a packet someone sent you. The kit checks who sealed it and that nothing was "
            "changed before it keeps anything.",
            [Ask("path", "Packet file", placeholder="~/Downloads/supervision-share.age")],
            ok="Open", required=("path",)), answered)

    def open_packet(self, path: Path) -> None:
        from kit.supervision.packets import read_packet_file

        try:
            opened = self.sup.open(read_packet_file(path))
        except KitError as exc:
            self._say(f"Not opened: {exc.message}", error=True)
            return
        self.reload()
        # The tab first, then what happened: the status line speaks for the tab it is shown on.
        if opened.packet.type == "share":
            self.query_one("#supervision-tabs", TabbedContent).active = "team-tab"
            self._select_team_person(opened.sender.id)
        if opened.doc is not None:
            self.query_one("#supervision-tabs", TabbedContent).active = "records-tab"
            self._select_record(opened.doc.id)
        self._say(opened.summary + (" Accept it or comment on it here, in Records."
                                    if opened.packet.type == "record" else ""))
        if opened.packet.type == "share":
            self._read_share(opened.sender, opened.packet.id)

    # --- shares received (supervisor) ---

    def _read_share(self, sender: Contact, packet_id: str | None = None) -> None:
        """What *sender* shared, whole, to read and scroll: the one just opened, or all of
        theirs, newest first."""
        shares = [s for s in self.workspace.packet_log.shares() if s.sender == sender.fingerprint
                  and (packet_id is None or s.packet_id == packet_id)]
        if not shares:
            self._say(f"{sender.name} has not shared anything with you yet (or nothing kept "
                      "here).")
            return
        zone = self.sup.zone
        parts = []
        for s in shares:
            parts.append(f"Received {s.received_at.astimezone(zone):%d %b %Y, %H:%M}, "
                         f"covering {s.start} to {s.end}\n\n{s.text.rstrip()}")
        count = len(shares)
        intro = (f"The share {sender.name} sent you. It is kept in your vault: the Team "
                 "tab's Shares… shows it again." if packet_id is not None else
                 f"Everything {sender.name} has shared with you ({count} "
                 f"share{'s' if count != 1 else ''}), newest first.")
        self.app.push_screen(ReadDialog(intro, ("\n\n" + "─" * 40 + "\n\n").join(parts)))

    @on(Button.Pressed, "#team-shares")
    def action_team_shares(self) -> None:
        contact = self._team_person()
        if contact is not None:
            self._read_share(contact)

    def _select_team_person(self, contact_id: str) -> None:
        if contact_id not in self._team:  # a colleague, not on the team: nothing to highlight
            return
        table = self.query_one("#team", DataTable)
        table.move_cursor(row=table.get_row_index(contact_id))

    # --- team (supervisor) ---

    def _reload_team(self) -> None:
        sup = self.sup
        table = self.query_one("#team", DataTable)
        table.clear()
        current = {c.id: c for c in sup.supervisees()}
        self._team = current
        for r in sup.team():
            follow = "\n".join(f"{f.label.split()[0]} {f.due.astimezone(sup.zone):%d %b %H:%M}"
                               for f in r.follow_ups_due) or "–"
            table.add_row(Text(r.name),
                          _day(r.last_session.astimezone(sup.zone).date())
                          if r.last_session else "none yet",
                          _day(r.next_due), str(r.open_actions), str(r.overdue_actions),
                          Text(follow),
                          Text(_day(r.last_share.astimezone(sup.zone).date())
                               if r.shared_band and r.last_share else "not shared"),
                          key=r.contact_id, height=None)
        archived = [c for c in sup.supervisees(archived=True) if c.archived]
        select = self.query_one("#team-archived", Select)
        select.set_options([(Text(c.name), c.id) for c in archived])
        select.display = bool(archived)
        self.query_one("#team-restore").display = bool(archived)
        self.query_one("#team-person-buttons").display = table.row_count > 0
        if not table.row_count:
            self.query_one("#team-detail", Static).update(
                "No one yet. If you supervise others, add each of them with Add someone… "
                "below: their identity card, with the fingerprint they read out to you.")
        else:
            self._show_team_row()

    def _team_contact(self) -> Contact | None:
        table = self.query_one("#team", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._team.get(str(key))

    @on(DataTable.RowHighlighted, "#team")
    def _show_team_row(self) -> None:
        contact = self._team_contact()
        if contact is None:
            return
        row = next((r for r in self.sup.team() if r.contact_id == contact.id), None)
        if row is None:
            return
        bands = (f"\nCheck-in bands {row.name} chose to share:\n{row.shared_band}"
                 if row.shared_band else f"\n{row.name} has not shared check-in bands.")
        self.query_one("#team-detail", Static).update(Text(
            f"{row.name}: {label(ROSTER_STATUSES, row.status)}. "
            + ("Fingerprint checked." if contact.verified else "Fingerprint not checked.")
            + bands))

    @on(Button.Pressed, "#team-archive")
    def action_archive(self) -> None:
        contact = self._team_contact()
        if contact is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_archived(contact, True)

        self.app.push_screen(ConfirmDialog(
            f"Archive {contact.name}? They leave the team view; their records are kept, and "
            "you can restore them here.", yes="Archive"), answered)

    @on(Button.Pressed, "#team-restore")
    def action_restore(self) -> None:
        value = self.query_one("#team-archived", Select).value
        contact = next((c for c in self.sup.supervisees(archived=True) if c.id == value), None)
        if contact is None:
            self._say("Choose whom to restore from the list first.", error=True)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_archived(contact, False)

        self.app.push_screen(ConfirmDialog(
            f"Restore {contact.name} to the team view?", yes="Restore"), answered)

    def _set_archived(self, contact: Contact, archived: bool) -> None:
        try:
            self.sup.archive(contact, archived)
        except KitError as exc:
            self._say(f"Not changed: {exc.message}", error=True)
            return
        self._say(f"{contact.name} {'archived' if archived else 'restored'}.")
        self.reload()

    def _supervisee_by_id(self, contact_id: object) -> Contact | None:
        return next((c for c in self.sup.supervisees(archived=True) if c.id == contact_id),
                    None)

    def _team_person(self) -> Contact | None:
        """The highlighted person on the Team tab, which is shown so the user sees whom."""
        self.query_one("#supervision-tabs", TabbedContent).active = "team-tab"
        contact = self._team_contact()
        if contact is None:
            self._say("No one is on your team yet. Add someone you supervise first (Add "
                      "someone…).", error=True)
        return contact

    # --- the agreement (supervisor) ---

    @on(Button.Pressed, "#team-agreement")
    def action_agreement(self) -> None:
        contact = self._team_person()
        if contact is not None:
            self.edit_agreement(contact)

    def edit_agreement(self, contact: Contact) -> None:
        self.app.push_screen(AgreementForm(self.sup, contact), callback=self._agreement_saved)

    def _agreement_saved(self, doc: SupervisionDoc | None) -> None:
        if doc is None:
            self.reload()
            return
        self.query_one("#supervision-tabs", TabbedContent).active = "records-tab"
        self._saved(doc)
        self._say(f"Agreement {doc.short_id} saved (version {doc.latest.n}, "
                  f"{doc.status_label.lower()}). Send it to them with Send… on the Records "
                  "tab, which is open now.")

    # --- handover (supervisor) ---

    @on(Button.Pressed, "#team-handover")
    def action_handover(self) -> None:
        person = self._team_person()
        if person is None:
            return
        others = [c for c in self.workspace.contacts.all(archived=False)
                  if c.id != person.id]
        if not others:
            self._say(f"Add {person.name}'s new supervisor first: their identity card, with "
                      "Add someone… (they are \"A colleague\").", error=True)
            return
        relation = {c.value: c.label for c in RELATIONS}
        choices = [(Text(f"{c.name} ({relation.get(c.relation, c.relation).lower()})"), c.id)
                   for c in others]

        def chosen(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            to = next((c for c in others if c.id == answers["to"]), None)
            if to is not None:
                self._confirm_handover(person, to, Path(answers["path"]).expanduser())

        self.app.push_screen(HandoverDialog(
            f"Hand {person.name}'s supervision over to a new supervisor: every agreement and "
            f"session record about {person.name}, with every version and answer, and "
            f"{person.name}'s identity card, sealed so only the new supervisor can open it.",
            choices, _free_path("supervision-handover", self.sup.today())), chosen)

    def _confirm_handover(self, person: Contact, to: Contact, path: Path) -> None:
        try:
            sealed = self.sup.handover(person, to)
        except KitError as exc:
            self._say(f"Not sealed: {exc.message}", error=True)
            return
        count = len(sealed.packet.content["documents"])
        drafts = self.sup.unsent_drafts(person)
        unsent = ("" if not drafts else
                  f" 1 of them ends in a draft never sent to {person.name}; it goes as a draft."
                  if drafts == 1 else
                  f" {drafts} of them end in a draft never sent to {person.name}; those go as "
                  "drafts.")

        def written(_logged: object) -> None:
            self._say(f"{sealed.summary} sealed for {to.name}: {path}. Send {to.name} that "
                      f"file. When {to.name} has opened it, archive {person.name} here.")
            self.reload()
            self._offer_archive(person, to)

        def answered(yes: bool | None) -> None:
            if not yes:
                self._say("Nothing was written.")
                return
            write_or_ask(self.app, lambda overwrite: self.sup.save(sealed, path,
                                                                   overwrite=overwrite),
                         written, lambda why: self._say(f"Not sealed: {why}", error=True),
                         self._say)

        self.app.push_screen(ConfirmDialog(
            f"The file will hold {count} record{'s' if count != 1 else ''} about {person.name}"
            f" and {person.name}'s identity card.{unsent} Seal them for {to.name}? Once sent, "
            "it cannot be recalled.", yes="Seal and save"), answered)

    def _offer_archive(self, person: Contact, to: Contact) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._set_archived(person, True)

        self.app.push_screen(ConfirmDialog(
            f"Archive {person.name} now? They leave your team view; their records stay here "
            f"until your retention period ends. You can wait until {to.name} has opened the "
            "file, and archive them then.", yes="Archive", no="Not now"), answered)

    # --- retention (supervisor) ---

    @on(Button.Pressed, "#team-retention")
    def action_retention(self) -> None:
        """Offer to delete the records older than retention_months, after listing them."""
        months = self.kit_app.services.config.retention_months
        if not months:
            self._say("No retention period is set, so records are kept until you delete them. "
                      "To set one, put `retention_months = 24` (for example) under "
                      "`[supervision]` in config.toml in the kit's folder, then open the kit "
                      "again.")
            return
        try:
            old = self.sup.expired(months)
        except KitError as exc:
            self._say(exc.message, error=True)
            return
        if not old:
            self._say(f"Nothing is older than {months} month{'s' if months != 1 else ''}.")
            return
        zone = self.sup.zone
        lines = [f"  {d.short_id}  {d.type_label}, {self._names.get(d.supervisee, '?')}, "
                 f"last changed {d.last_activity().astimezone(zone):%Y-%m-%d}" for d in old]
        if len(lines) > 8:  # the dialog must keep its buttons on screen
            lines = [*lines[:7], f"  … and {len(lines) - 7} more, all as old (each is "
                                 "deleted with these)"]

        def answered(yes: bool | None) -> None:
            if not yes:
                self._say("Nothing was deleted.")
                return
            try:
                deleted = self.sup.delete_records(old)
            except KitError as exc:
                self._say(f"Not deleted: {exc.message}", error=True)
                return
            self._say(f"Deleted {deleted} record{'s' if deleted != 1 else ''}. Encrypted "
                      "copies stay in the vault's local backups until newer backups replace "
                      "them.")
            self.reload()

        self.app.push_screen(ConfirmDialog(
            f"These {len(old)} record{'s are' if len(old) != 1 else ' is'} older than "
            f"{counted(months, 'month')} (nothing was made, sent or answered since):\n"
            + "\n".join(lines) + "\n\nDelete them? This cannot be undone.", yes="Delete"),
            answered)

    # --- actions ---

    def _reload_actions(self) -> None:
        sup = self.sup
        overdue = self.query_one("#actions-overdue", Checkbox).value
        table = self.query_one("#actions", DataTable)
        table.clear()
        today = sup.today()
        found = sup.actions(overdue=overdue)
        self._actions = {a.id: (doc, a) for doc, a in found}
        for doc, a in found:
            status = "Overdue" if a.overdue(today) else a.status_label
            table.add_row(Text(self._names.get(doc.supervisee, doc.supervisee[:9])),
                          Text(a.text), Text(owner_shown(a, doc, self._names)),
                          _day(a.due, "no date"), status, key=a.id, height=None)
        self.query_one("#actions-count", Label).update(
            f"{len(found)} open action{'s' if len(found) != 1 else ''}"
            + (" past their due date" if overdue else "") if found else
            "No overdue actions." if overdue else "No open actions.")
        self._show_action_buttons()

    @on(DataTable.RowHighlighted, "#actions")
    def _show_action_buttons(self) -> None:
        """Mark done and Mark dropped only where this vault keeps the record (its supervisor
        does); the person supervised reads how to say an action has moved on."""
        found = self._current_action()
        mine = found is not None and found[0].supervisor == self._me
        self.query_one("#action-buttons").display = mine
        hint = self.query_one("#actions-hint", Static)
        theirs = found is not None and not mine
        hint.display = theirs
        if theirs:
            hint.update("Your supervisor keeps these records and marks what happens to each "
                        "action. If one has moved on, tell them at your next session, or say "
                        "so in a comment when they send you the record.")

    @on(Checkbox.Changed, "#actions-overdue")
    def _overdue_toggled(self) -> None:
        self._reload_actions()

    def _current_action(self) -> tuple[SupervisionDoc, Action] | None:
        table = self.query_one("#actions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._actions.get(str(key))

    @on(Button.Pressed, "#action-done")
    def action_mark_done(self) -> None:
        self._mark("done")

    @on(Button.Pressed, "#action-dropped")
    def action_mark_dropped(self) -> None:
        self._mark("dropped")

    def _mark(self, status: str) -> None:
        found = self._current_action()
        if found is None:
            return
        doc, action = found
        if doc.supervisor != self._me:
            self._say("Your supervisor records what happens to agreed actions; tell them at "
                      "your next session, or comment on the record.", error=True)
            return
        try:
            self.sup.set_action(action.id, status)
        except KitError as exc:
            self._say(f"Not changed: {exc.message}", error=True)
            return
        self._say(f"Marked {label(ACTION_STATUSES, status).lower()}: {action.text}. The "
                  "record has a new version to send if the old one was sent.")
        self.reload()

    # --- the area's entry points ---

    def quick_action(self, action: str) -> None:
        if action == "supervision":
            self.query_one("#supervision-tabs", TabbedContent).active = "share-tab"

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        from kit.tui.palette import offered

        roles = self.sup.roles()
        return [(name, help_text, callback) for name, help_text, callback in [
                ("Open a packet", "Open a supervision packet someone sent you (ctrl+o)",
                 self.action_open_packet),
                ("Shares received", "Read what the highlighted person on the Team tab has "
                 "shared with you", self.action_team_shares),
                ("New session record", "Write the record of a supervision session (ctrl+n)",
                 self.action_new_record),
                ("My identity card", "Show the card to give your supervisor",
                 self.action_my_card),
                ("Add a contact", "Add a colleague's identity card", self.action_add_contact),
                ("Export the record", "The highlighted record as Markdown or PDF, not "
                 "encrypted (ctrl+e)", self.action_export_record),
                ("Supervision agreement", "Write or change the agreement with the highlighted "
                 "person on the Team tab", self.action_agreement),
                ("Hand over a supervisee", "Seal the highlighted person's records for their "
                 "new supervisor", self.action_handover),
                ("Old supervision records", "Delete records older than retention_months, "
                 "after asking", self.action_retention)]
                if offered(name, roles)]


# --- the session record form (supervisor) ---


class SessionForm(FormScreen):
    """Every field of a session record; Tab moves, ctrl+s saves, Escape goes back."""

    DEFAULT_CSS = """
    SessionForm #session-form {
        padding: 0 2;
    }
    SessionForm .row, SessionForm #sf-actions, SessionForm #sf-new-actions,
    SessionForm .action-row, SessionForm .new-action, SessionForm #sf-referrals {
        height: auto;
    }
    SessionForm .row Vertical {
        height: auto;
        width: 1fr;
        margin-right: 2;
    }
    SessionForm TextArea {
        height: 4;
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
                    yield Tick(c.label, id=f"sf-ref-{c.value}")
            yield Label("Review date (YYYY-MM-DD, optional)")
            yield Input(id="sf-review")
            yield Label("", id="sf-status", markup=False)
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
            self._set("#sf-held", _stamp_input(s.held, zone))
            self.query_one("#sf-type", Select).value = s.type
            if s.incident_at is not None:
                self._set("#sf-incident", _stamp_input(s.incident_at, zone))
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
            self._set("#sf-held", _stamp_input(held, zone))
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
            due = f", due {_day(action.due)}" if action.due else ""
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
        sessions = [d for d in self.sup.workspace.supervision.sessions_for(contact.fingerprint)
                    if d.session.type == "post-incident"
                    and (self.doc is None or d.id != self.doc.id)]
        self.follow_ids = [d.id for d in sessions]
        follows.set_options([(f"{_stamp(d.session.held, self.sup.zone)} ({d.short_id})", d.id)
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
                day = checked(field(f"new-due-{i}"), partial(_optional_day, due, "the due date"))
                actions.append(checked(field(f"new-text-{i}"),
                                       partial(new_action, text, owner, day)))
        held = checked(field("held"), partial(_parse_time, v["held"], zone, "the session time"))
        incident = (checked(field("incident"), partial(_parse_time, v["incident"], zone,
                                                        "the incident time"))
                    if kind == "post-incident" and v["incident"].strip() else None)
        review = checked(field("review"), partial(_optional_day, v["review"],
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
        if self.restored_draft_id is not None:
            self.workspace.drafts.discard(self.restored_draft_id)
        self.dismiss(saved)

    def action_back(self) -> None:
        self.leave(self._values() != self.loaded, "Leave without saving this session record?")

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        if not self.is_mounted or not self.loaded or self._values() == self.loaded:
            return None
        return DRAFT_AREA, self._values()


def _stamp_input(when: datetime, zone: ZoneInfo) -> str:
    return when.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# --- the supervision agreement form (supervisor) ---

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


class AgreementForm(FormScreen):
    """The agreement with one supervisee, pre-filled from the one in force; saving revises it
    (a new version once it was sent)."""

    DEFAULT_CSS = """
    AgreementForm #agreement-form {
        padding: 0 2;
    }
    AgreementForm .row {
        height: auto;
    }
    AgreementForm .row Vertical {
        height: auto;
        width: 1fr;
        margin-right: 2;
    }
    AgreementForm TextArea {
        height: 4;
    }
    AgreementForm #af-status, AgreementForm #af-about {
        width: 100%;
    }
    """

    AUTO_FOCUS = "#af-every"

    def __init__(self, sup: Supervision, contact: Contact, draft: dict[str, Any] | None = None,
                 draft_id: str | None = None) -> None:
        super().__init__()
        self.sup, self.contact = sup, contact
        self.current = sup.workspace.supervision.agreement_for(contact.fingerprint)
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
            yield Label("", id="af-status", markup=False)
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
            _optional_day, v["review"], "the review date"))
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
        if self.restored_draft_id is not None:
            self.workspace.drafts.discard(self.restored_draft_id)
        self.dismiss(saved)

    def action_back(self) -> None:
        self.leave(self._values() != self.loaded, "Leave without saving this agreement?")

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        if not self.is_mounted or not self.loaded or self._values() == self.loaded:
            return None
        return AGREEMENT_DRAFT_AREA, self._values()
