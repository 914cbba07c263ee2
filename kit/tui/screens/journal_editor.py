"""Writing an entry: a TextArea in memory only, never an external editor or a temp file."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import Integer
from textual.widgets import Footer, Header, Input, Label, Select, TextArea

from kit.errors import UsageError
from kit.records.journal import JournalEntry, check_entry_text, check_mood, normalize_tags
from kit.records.prompts import PROMPT_SETS, prompt_set
from kit.tui.app import FormScreen
from kit.tui.refusal import Refused, checked, refuse


def _mood(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"mood must be a whole number from 0 to 10, not {text!r}") from None


class EditorScreen(FormScreen):
    DEFAULT_CSS = """
    EditorScreen #editor {
        padding: 0 1;
    }
    EditorScreen #editor-meta {
        height: auto;
    }
    EditorScreen #editor-meta Select {
        width: 34;
    }
    EditorScreen #tags {
        width: 1fr;
    }
    EditorScreen #mood {
        width: 17;
    }
    EditorScreen #text {
        height: 1fr;
    }
    EditorScreen #editor-status {
        width: 100%;
    }
    """

    AUTO_FOCUS = "#text"

    def __init__(self, entry: JournalEntry | None, draft: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.draft = draft or {}
        self.restored_draft_id = self.draft.get("draft_id")

    def compose(self) -> ComposeResult:
        entry = self.entry
        text = self.draft.get("text", entry.text if entry else "")
        tags = self.draft.get("tags", " ".join(entry.tags) if entry else "")
        mood = self.draft.get("mood", "" if entry is None or entry.mood is None else entry.mood)
        yield Header()
        with Vertical(id="editor"):
            with Horizontal(id="editor-meta"):
                yield Select([(p.name, p.id) for p in PROMPT_SETS], prompt="Start from a prompt",
                             id="prompt", allow_blank=True)
                yield Input(str(tags), placeholder="tags, e.g. court supervision", id="tags")
                yield Input(str(mood), placeholder="mood 0–10", id="mood", type="integer",
                            validators=[Integer(0, 10)], max_length=2)
            yield TextArea(str(text), id="text", soft_wrap=True, tab_behavior="focus",
                           placeholder="Write here. Nothing leaves this computer.")
            yield Label("", id="editor-status", markup=False)
            yield self.form_buttons()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Edit entry" if self.entry else "New entry"
        self._saved_state = self._state()
        if self.draft:
            self._saved_state = {}  # a restored draft is unsaved until saved

    def _state(self) -> dict[str, Any]:
        return {"text": self.query_one("#text", TextArea).text,
                "tags": self.query_one("#tags", Input).value,
                "mood": self.query_one("#mood", Input).value}

    @property
    def dirty(self) -> bool:
        return self._state() != self._saved_state

    @on(Select.Changed, "#prompt")
    def use_prompt(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        area = self.query_one("#text", TextArea)
        area.insert(prompt_set(str(event.value)).as_text(), area.document.start)
        area.cursor_location = (1, 0)  # under the first question, ready to write
        area.focus()

    def action_save(self) -> None:
        state = self._state()
        mood_text = state["mood"].strip()
        try:
            checked(self.query_one("#text"), lambda: check_entry_text(state["text"]))
            tags = checked(self.query_one("#tags"), lambda: normalize_tags(
                state["tags"].replace(",", " ").split()))
            mood = checked(self.query_one("#mood"), lambda: check_mood(
                _mood(mood_text))) if mood_text else None
            journal = self.workspace.journal

            def save() -> JournalEntry:
                if self.entry is None:
                    return journal.add(state["text"], tags, mood)
                return journal.edit(self.entry.id, text=state["text"], tags=tags, mood=mood,
                                    clear_mood=mood is None)

            self.entry = checked(self.query_one("#text"), save)
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}",
                   self.query_one("#editor-status", Label))
            return
        if self.restored_draft_id:
            self.workspace.drafts.discard(self.restored_draft_id)
            self.restored_draft_id = None
        self._saved_state = state
        self.sub_title = "Edit entry"
        self._status("Saved.")
        self.notify("Saved.", timeout=2)

    def _status(self, message: str) -> None:
        self.query_one("#editor-status", Label).update(message)

    def action_back(self) -> None:
        self.leave(self.dirty, "You have unsaved changes. Leave without saving?",
                   keep="Keep writing")

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        if not self.is_mounted or not self.dirty:
            return None
        data = dict(self._state())
        if self.entry is not None:
            data["entry_id"] = self.entry.id
        return "journal", data
