"""The Supervision area's dialogs: an identity card to read, a contact to add, a comment on a
record, where to export a record or hand a supervisee over, a share received to read. Each is a
Dialog returning its answers through dismiss; none knows the screen it is opened from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from kit.errors import FingerprintMismatch, KitError
from kit.supervision.contacts import RELATIONS, Contact
from kit.tui.widgets.dialog import Dialog, problem_label


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


