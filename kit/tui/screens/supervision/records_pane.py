"""The Records tab: agreements and session records, newest first, with the highlighted one in
full beside the list, and what each person may do with it (the rules in
kit.supervision.roles): its writer edits and sends it, the person it is about accepts or
comments on it, and either exports it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from kit.errors import KitError
from kit.supervision.records import SupervisionDoc
from kit.supervision.roles import may_answer, may_edit, may_send
from kit.supervision.service import Supervision
from kit.supervision.times import shown_time
from kit.tui.screens.supervision.pane import Pane, free_path
from kit.tui.widgets.entry_list import EntryList

# Session types as the Records list names them: the list shares the screen with the record.
SHORT_KINDS = {"routine": "Routine", "post-incident": "Incident", "follow-up-72h": "72-hour",
               "follow-up-1m": "One-month", "other": "Other"}


class RecordsPane(Horizontal, Pane):
    TAB = "records-tab"

    def __init__(self, service: Callable[[], Supervision]) -> None:
        super().__init__(id="records-pane")
        self.setup(service)
        self._me = ""
        self._names: dict[str, str] = {}
        self._wanted: str | None = None  # a record to highlight once the list is drawn
        self._count = Label("", id="records-count", markup=False)
        self._list = EntryList(self._describe, id="records")
        self._new_button = Button("New (ctrl+n)", id="record-new")
        self._edit_button = Button("Edit…", id="record-edit")
        self._send_button = Button("Send…", id="record-send", variant="primary")
        self._accept_button = Button("Accept…", id="record-accept", variant="primary")
        self._comment_button = Button("Comment…", id="record-comment")
        self._export_button = Button("Export…", id="record-export")
        self._detail = Static("", id="record-detail", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="records-left"):
            yield self._count
            yield self._list
            with Horizontal(classes="buttons"):
                yield self._new_button
                yield Button("Open a packet…", id="open-packet",
                             tooltip="Open a packet file someone sent you (ctrl+o)")
        with VerticalScroll(id="record-detail-box"):
            with Horizontal(classes="buttons", id="record-buttons"):
                yield self._edit_button
                yield self._send_button
                yield self._accept_button
                yield self._comment_button
                yield self._export_button
            yield self._detail

    # --- drawing ---

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

    def reload(self) -> None:
        sup = self.sup
        self._me, self._names = sup.fingerprint, sup.names()
        docs = sup.records()
        current = self.current()
        self._list.set_items(docs)
        ids = [d.id for d in docs]
        wanted = self._wanted or (current.id if current is not None else None)
        self._wanted = None
        if wanted is not None and wanted in ids:
            self._list.action_jump(ids.index(wanted))
        supervises = sup.roles().supervises
        # Writing a session record is for someone who supervises: nobody else sees New.
        self._new_button.display = supervises
        self._count.update(
            f"{len(docs)} record{'s' if len(docs) != 1 else ''}" if docs else
            "No records yet. Write the record of a session with New (ctrl+n)." if supervises
            else "No records yet. When your supervisor sends you a record of your session, "
            "open the file with \"Open a packet…\" (ctrl+o).")
        self._show(self.current())

    def current(self) -> SupervisionDoc | None:
        """The highlighted record."""
        item = self._list.highlighted if self._list.is_mounted else None
        return item if isinstance(item, SupervisionDoc) else None

    def select(self, doc_id: str) -> None:
        """Highlight the record *doc_id* (once the list is drawn, if it is not yet)."""
        ids = [d.id for d in self._list.items] if self.loaded else []
        if doc_id not in ids:  # not drawn yet: highlighted when it is
            self._wanted = doc_id
            return
        self._list.action_jump(ids.index(doc_id))
        self._show(self.current())

    @on(EntryList.Highlighted, "#records")
    def _highlighted(self, event: EntryList.Highlighted) -> None:
        self._show(event.item if isinstance(event.item, SupervisionDoc) else None)

    def _show(self, doc: SupervisionDoc | None) -> None:
        from kit.tui.screens.supervision.record_text import record_details

        me = self._me
        self._edit_button.display = doc is not None and may_edit(doc, me)
        self._export_button.display = doc is not None
        self._send_button.display = doc is not None and may_send(doc, me)
        answerable = doc is not None and may_answer(doc, me)
        self._accept_button.display = answerable
        self._comment_button.display = answerable
        if doc is None:
            self._detail.update("")
            return
        sup = self.sup
        self._detail.update(record_details(doc, self._names, me, sup.zone, sup.today()))

    # --- writing (supervisor) ---

    def saved(self, doc: SupervisionDoc | None) -> None:
        """After a change: everything drawn again, and *doc* highlighted."""
        if doc is not None:
            self._wanted = doc.id
        self.changed()

    def _record_saved(self, doc: SupervisionDoc | None) -> None:
        """Back from the session form: saved (and said so), or left unchanged."""
        self.saved(doc)
        if doc is not None:
            self.say(f"Session record {doc.short_id} saved (version {doc.latest.n}, "
                     f"{doc.status_label.lower()}). Send it to them with Send….")

    def new_record(self) -> None:
        """The session form for a new record (the screen checks its writer supervises)."""
        from kit.tui.screens.supervision.session_form import SessionForm

        self.app.push_screen(SessionForm(self.sup), callback=self._record_saved)

    @on(EntryList.Chosen, "#records")
    @on(Button.Pressed, "#record-edit")
    def edit_record(self) -> None:
        from kit.tui.screens.supervision.agreement_form import AgreementForm
        from kit.tui.screens.supervision.session_form import SessionForm

        doc = self.current()
        sup = self.sup
        if doc is None or not may_edit(doc, self._me):
            return
        if doc.type == "agreement":
            contact = next((c for c in sup.supervisees(archived=True)
                            if c.fingerprint == doc.supervisee), None)
            if contact is None:
                self.say("The person this agreement is with is no longer among your "
                         "contacts, so it cannot be changed here.", error=True)
                return
            self.app.push_screen(AgreementForm(sup, contact), callback=self.agreement_saved)
            return
        self.app.push_screen(SessionForm(sup, doc), callback=self._record_saved)

    # --- export (either side) ---

    @on(Button.Pressed, "#record-export")
    def export_record(self) -> None:
        """Write the highlighted record to Markdown or PDF, after the plaintext warning."""
        from kit.reports.supervision_export import may_export
        from kit.tui.screens.supervision.dialogs import ExportDialog

        doc = self.current()
        if doc is None:
            self.say("Choose a record to export first.", error=True)
            return
        sup = self.sup
        try:
            may_export(sup)
        except KitError as exc:
            self.notify(f"Not exported: {exc.message}.", severity="warning")
            return
        what = "agreement" if doc.type == "agreement" else "record"
        about = sup.name_of(doc.supervisee)

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
        from kit.reports import supervision_export
        from kit.reports.plaintext import warning
        from kit.tui.widgets.replace_file import write_or_ask

        notes: list[str] = []

        def write(overwrite: bool) -> Path:
            exported = supervision_export.export(self.sup, doc, fmt, path, overwrite=overwrite)
            notes[:] = (["Some characters could not be printed in: "
                         + ", ".join(exported.lost) + "."] if exported.lost else [])
            return exported.path

        def written(where: Path) -> None:
            self.say(" ".join([f"Written to {where}.",
                               warning("this supervision record", where), *notes]))

        write_or_ask(self.app, write, written,
                     lambda why: self.say(f"Not exported: {why}", error=True), self.say)

    # --- sending and answering ---

    @on(Button.Pressed, "#record-send")
    def send_record(self) -> None:
        from kit.tui.widgets.ask import Ask, AskDialog
        from kit.tui.widgets.replace_file import write_or_ask

        doc = self.current()
        if doc is None:
            return
        sup = self.sup
        name = sup.name_of(doc.supervisee)
        default = free_path(f"supervision-record-{doc.short_id}-v{doc.latest.n}", sup.today())

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            path = Path(answers["path"]).expanduser()

            def written(_logged: object) -> None:
                self.say(f"Version {doc.latest.n} sealed for {name} and written to {path}. "
                         "Send them that file; they can accept it or comment on it.")
                self.saved(doc)

            write_or_ask(self.app, lambda overwrite: sup.save(
                sup.send_record(doc), path, overwrite=overwrite), written,
                lambda why: self.say(f"Not sent: {why}", error=True), self.say)

        self.app.push_screen(AskDialog(
            f"Send version {doc.latest.n} of this record to {name}? Once sent, it never "
            "changes: a later edit becomes a new version for them to answer.",
            [Ask("path", "Save the sealed record as", value=str(default))],
            ok="Seal and save", required=("path",)), answered)

    def _late(self, doc: SupervisionDoc) -> datetime | None:
        """When the agreed window closed, if it has."""
        deadline = self.sup.comment_deadline(doc)
        return deadline if deadline is not None and self.sup.clock() > deadline else None

    @on(Button.Pressed, "#record-accept")
    def accept(self) -> None:
        doc = self.current()
        if doc is not None:
            self._answer(doc, commenting=False)

    @on(Button.Pressed, "#record-comment")
    def comment(self) -> None:
        doc = self.current()
        if doc is not None:
            self._answer(doc, commenting=True)

    def _answer(self, doc: SupervisionDoc, commenting: bool) -> None:
        """Accept or comment: ask first when the agreed window has closed."""
        from kit.tui.widgets.confirm import ConfirmDialog

        closed = self._late(doc)
        if closed is None:
            self._ask_answer(doc, commenting, late=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._ask_answer(doc, commenting, late=True)

        self.app.push_screen(ConfirmDialog(
            f"The agreed window for answering closed on {shown_time(closed, self.sup.zone)}. "
            "Send your answer anyway? It will be marked as late.", yes="Answer anyway"),
            answered)

    def _ask_answer(self, doc: SupervisionDoc, commenting: bool, late: bool) -> None:
        from kit.tui.screens.supervision.dialogs import CommentDialog
        from kit.tui.widgets.ask import Ask, AskDialog
        from kit.tui.widgets.replace_file import write_or_ask

        sup = self.sup
        name = sup.name_of(doc.supervisor)
        n = doc.latest.n
        default = free_path(f"supervision-answer-{doc.short_id}-v{n}", sup.today())

        def send(comment: str, where: str) -> None:
            path = Path(where).expanduser()

            def written(_logged: object) -> None:
                what = "comment" if comment.strip() else "acceptance"
                self.say(f"Your signed {what} of version {n} is written to {path}. Send "
                         f"{name} that file.")
                self.saved(doc)

            write_or_ask(self.app, lambda overwrite: sup.save(
                sup.respond(doc, comment, late_ok=late), path, overwrite=overwrite),
                written, lambda why: self.say(f"Not sent: {why}", error=True), self.say)

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
