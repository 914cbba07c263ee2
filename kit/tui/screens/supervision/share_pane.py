"""The Share tab (practitioner -> supervisor): your name for your identity card, whom to share
with, a box for each part with exactly the text it adds, a note, the preview of exactly what
is sealed, and what was shared so far."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from kit.errors import KitError
from kit.supervision import share
from kit.supervision.contacts import RELATIONS, Contact
from kit.supervision.service import Supervision
from kit.tui.screens.supervision.pane import Pane, free_path

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


class SharePane(VerticalScroll, Pane):
    TAB = "share-tab"

    def __init__(self, service: Callable[[], Supervision]) -> None:
        super().__init__(id="share-pane")
        self.setup(service)
        self._contact: Contact | None = None
        self._fields: list[share.ShareField] = []
        self._period: tuple[datetime, datetime] | None = None
        self._ticked = False  # the defaults are ticked once; then the person's choice stays
        self._boxes = {key: Checkbox(name, False, id=f"share-field-{key}", classes="share-field")
                       for key, name, _default in share.FIELDS}
        self._texts = {key: Static("", id=f"share-text-{key}", classes="field-text",
                                   markup=False) for key, _name, _default in share.FIELDS}
        self._me_form = Vertical(id="me-form")
        self._me_name = Input(placeholder="Your name", id="me-name")
        self._me_role = Input(placeholder="Your role (optional)", id="me-role")
        self._no_contacts = Vertical(id="no-contacts")
        self._no_contacts_text = Static(NO_CONTACTS, id="no-contacts-text", classes="hint",
                                        markup=False)
        self._to: Select[str] = Select([], id="share-to", prompt="Choose who to send to")
        self._builder = Vertical(id="share-builder")
        self._period_label = Label("", id="share-period", markup=False)
        self._note = TextArea("", id="share-note", tab_behavior="focus")
        self._preview = Static("", id="share-preview", markup=False)
        self._history = Static("", id="share-history", markup=False)

    def compose(self) -> ComposeResult:
        # Drawn with what the vault holds before it is first laid out: the area opens in one
        # layout, not one and then another for every value set after mounting.
        contacts = self.sup.share_recipients()
        options = self._options(contacts)
        self._to = (Select(options, value=contacts[0].id, id="share-to",
                           prompt="Choose who to send to", allow_blank=True) if contacts
                    else self._to)
        self._draw(contacts)
        self.drawn()
        yield Static("Share a summary with your supervisor: you choose each part, and see "
                     "exactly what they will read before it is sealed for them alone.",
                     classes="hint", markup=False)
        with self._me_form:
            yield Static("Your identity card needs your name first (your supervisor sees it "
                         "on everything you send).", classes="hint", markup=False)
            with Horizontal(classes="row"):
                yield self._me_name
                yield self._me_role
                yield Button("Save my name", id="me-save", variant="primary")
        with self._no_contacts:
            yield self._no_contacts_text
        with Horizontal(classes="row buttons"):
            yield self._to
            yield Button("Add a contact…", id="add-contact")
            yield Button("My card…", id="my-card")
        with self._builder:
            yield self._period_label
            yield Static("Tick what to share. Under each box is exactly the text it adds.",
                         classes="hint", markup=False)
            with Vertical(id="share-fields"):
                for key, _name, _default in share.FIELDS:
                    yield self._boxes[key]
                    yield self._texts[key]
            yield Label("A note for your supervisor (optional; sent if you write one)",
                        classes="heading")
            yield self._note
            yield Static(SHARE_WARNING, id="share-warning", markup=False)
            yield self._preview
            with Horizontal(classes="buttons"):
                yield Button("Seal…", id="share-seal", variant="primary")
        yield Static("Shared so far", classes="heading")
        yield self._history

    # --- what is chosen (read by the screen's tests through these, never by field) ---

    @property
    def contact(self) -> Contact | None:
        """Whom the share is for, if anyone is chosen and a share can be built."""
        return self._contact

    @property
    def fields(self) -> list[share.ShareField]:
        """Every part offered for the period, ticked or not."""
        return list(self._fields)

    @property
    def period(self) -> tuple[datetime, datetime] | None:
        return self._period

    def chosen(self) -> set[str]:
        ticked = {key for key, box in self._boxes.items() if box.value}
        return {f.key for f in self._fields if f.key in ticked}

    def preview(self) -> str:
        """Exactly what Seal would send now."""
        contact, period = self._contact, self._period
        if contact is None or period is None:
            return ""
        return self.sup.preview(contact, self._fields, self.chosen(), self._note.text, *period)

    # --- drawing ---

    @staticmethod
    def _options(contacts: list[Contact]) -> list[tuple[Text, str]]:
        relation = {c.value: c.label for c in RELATIONS}
        return [(Text(f"{c.name} ({relation.get(c.relation, c.relation).lower()}"
                      + ("" if c.verified else ", fingerprint not checked") + ")"), c.id)
                for c in contacts]

    def reload(self) -> None:
        contacts = self.sup.share_recipients()
        previous = self._contact.id if self._contact else None
        with self._to.prevent(Select.Changed):
            self._to.set_options(self._options(contacts))
            ids = [c.id for c in contacts]
            if ids:
                self._to.value = previous if previous in ids else ids[0]
        self._draw(contacts)

    def _draw(self, contacts: list[Contact]) -> None:
        sup = self.sup
        self._me_form.display = not sup.has_name()
        self._no_contacts.display = not contacts
        self._no_contacts_text.update(
            SUPERVISOR_SHARE if not contacts and sup.roles().supervises else NO_CONTACTS)
        self._build(contacts)
        history = sup.sent()[:5]
        self._history.update(
            "\n".join(f"{e.at.astimezone(sup.zone):%d %b %Y %H:%M}  to {e.peer_name}: "
                      f"{e.summary}" for e in history) or "Nothing sent yet.")

    def _selected(self, contacts: list[Contact] | None = None) -> Contact | None:
        value = self._to.value
        if value is Select.NULL:
            return None
        return next((c for c in (contacts if contacts is not None
                                 else self.sup.share_recipients()) if c.id == value), None)

    @on(Select.Changed, "#share-to")
    def _contact_changed(self) -> None:
        self._build()

    def _build(self, contacts: list[Contact] | None = None) -> None:
        sup = self.sup
        contact = self._selected(contacts)
        ready = contact is not None and sup.has_name()
        self._builder.display = ready
        self._contact = contact
        if contact is None or not ready:
            self._fields, self._period = [], None
            return
        start, end = sup.share_period(contact)
        fields = sup.share_fields(start, end)
        self._period, self._fields = (start, end), fields
        first, last = start.astimezone(sup.zone), end.astimezone(sup.zone)
        self._preview.border_title = Text(f"Exactly what {contact.name} will read")
        self._period_label.update(
            f"For {contact.name}, covering {first:%d %b %Y} to {last:%d %b %Y} (since your "
            "last share to them, or the last 28 days).")
        defaults = share.defaults(fields)
        for f in fields:
            box = self._boxes.get(f.key)
            if box is None:  # a field this screen does not know: never sent unseen
                continue
            box.label = f.label
            if not self._ticked:
                with box.prevent(Checkbox.Changed):  # one preview below, not one per box
                    box.value = f.key in defaults
            self._texts[f.key].update(f.text)
        self._ticked = True
        self._update_preview()

    @on(Checkbox.Changed, ".share-field")
    @on(TextArea.Changed, "#share-note")
    def _update_preview(self) -> None:
        if self._period is None:
            return
        try:
            preview = self.preview()
        except KitError as exc:
            preview = f"This cannot be sealed as it is: {exc.message}"
        # As rich Text, so every space shows exactly as it will be sent.
        self._preview.update(Text(preview))

    # --- acting ---

    @on(Button.Pressed, "#me-save")
    def save_me(self) -> None:
        try:
            card = self.sup.set_me(self._me_name.value, self._me_role.value)
        except KitError as exc:
            self.say(f"Not saved: {exc.message}", error=True)
            return
        self.say(f"Your identity card now says {card.name}. Give it to your supervisor "
                 "(My card…).")
        self.changed()

    def ask_for_name(self) -> None:
        self._me_name.focus()

    @on(Button.Pressed, "#share-seal")
    def seal(self) -> None:
        from kit.tui.widgets.ask import Ask, AskDialog
        from kit.tui.widgets.replace_file import write_or_ask

        contact, period = self._contact, self._period
        if contact is None or period is None:
            return
        fields, chosen, note = list(self._fields), self.chosen(), self._note.text
        if not chosen and not note.strip():
            self.say("Nothing is ticked to share: tick at least one box or write a note.",
                     error=True)
            first = next(iter(self._boxes.values()), None)
            if first is not None:  # where the next key pressed (Space) does what was missing
                first.focus()
            return
        sup = self.sup
        default = free_path("supervision-share", sup.today())

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            path = Path(answers["path"]).expanduser()
            try:
                sealed = sup.seal_share(contact, fields, chosen, note, *period)
            except KitError as exc:
                self.say(f"Not sealed: {exc.message}", error=True)
                return

            def written(_logged: object) -> None:
                self.say(f"Sealed for {contact.name} and written to {path}. Send them that "
                         "file any way you like: only they can open it.")
                self._note.text = ""
                self.changed()

            write_or_ask(self.app, lambda overwrite: sup.save(sealed, path,
                                                              overwrite=overwrite),
                         written, lambda why: self.say(f"Not sealed: {why}", error=True),
                         self.say)

        self.app.push_screen(AskDialog(
            f"Seal this share for {contact.name}? Only they can open the file, and it shows "
            "them that it came from you. Once sent, it cannot be recalled.",
            [Ask("path", "Save the sealed packet as", value=str(default))],
            ok="Seal and save", required=("path",)), answered)
