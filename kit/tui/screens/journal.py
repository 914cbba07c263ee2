"""The journal: newest first, search as you type, a preview, and the editor."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Label

from kit.errors import KitError
from kit.plurals import counted
from kit.records.journal import JournalEntry, refines
from kit.tui.app import AreaScreen
from kit.tui.key_hint import key_hint
from kit.tui.widgets.confirm import ConfirmDialog
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.search_field import SearchField
from kit.tui.widgets.text_view import TextView


def describe(entry: JournalEntry) -> str:
    when = entry.created.astimezone().strftime("%d %b %Y %H:%M")
    tags = "  " + " ".join(f"#{t}" for t in entry.tags) if entry.tags else ""
    return f" {when}  {entry.title}{tags}"


class JournalScreen(AreaScreen):
    DEFAULT_CSS = """
    JournalScreen #journal-left {
        width: 3fr;
    }
    JournalScreen #preview {
        width: 2fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    JournalScreen #count {
        color: $text-muted;
        padding: 0 1;
        width: 100%;
    }
    """

    AUTO_FOCUS = "#entries"  # focused as the journal is first shown: its keys in the footer

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+n", "new", "New", id="journal-new", tooltip="Write a new entry"),
        Binding("ctrl+f", "search", "Search", id="journal-search"),
        Binding("ctrl+d", "delete", "Delete", id="journal-delete"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="journal-left"):
                yield SearchField(placeholder="Search your journal (words or #tag)", id="search",
                                  on_change=self.search)
                yield Label("", id="count", markup=False)
                yield EntryList(describe, id="entries")
            yield TextView(id="preview")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._last: tuple[str, list[JournalEntry]] = ("", [])
        self._preview_timer: Any = None
        self.sub_title = "Journal"
        self.reload()

    # A draft kept at a lock is offered on every visit to the journal until it is opened:
    # "Later" means the next visit, not never (Home says it comes back when the journal opens).
    _visit_starts = True

    def on_screen_resume(self) -> None:
        # Also sent when the journal is first shown, and when a dialog or the editor on top of
        # it closes: only a new visit offers the draft again.
        if self._visit_starts:
            self._visit_starts = False
            self._offer_drafts()

    def on_screen_suspend(self) -> None:
        if self not in self.app.screen_stack:  # another area shown, not a dialog on top
            self._visit_starts = True

    @property
    def entry_list(self) -> EntryList[JournalEntry]:
        return self.query_one("#entries", EntryList)

    def reload(self) -> None:
        self.show(self.query_one("#search", Input).value)

    def show(self, query: str, *, narrow: bool = False) -> None:
        """List the entries matching *query*. With *narrow*, a query that only adds to the last
        one searches the last hits instead of everything (typing stays fast at 10,000)."""
        journal = self.workspace.journal
        last_query, last_hits = self._last
        within = last_hits if narrow and refines(last_query, query) else None
        try:
            entries = journal.search(query, within) if query.strip() else journal.entries()
        except KitError as exc:
            self.notify(exc.message, severity="warning", markup=False)
            return
        self._last = (query, entries if query.strip() else [])
        self.entry_list.set_items(entries)
        total = journal.count()
        if query.strip():
            count = (f"{len(entries)} of {counted(total, 'entry', 'entries')} "
                     f"match{'es' if len(entries) == 1 else ''}")
        else:
            count = (counted(total, "entry", "entries") if total
                     else f"No entries yet. Press {key_hint(self, 'journal-new')} to write one.")
        self.query_one("#count", Label).update(count, layout=False)  # one line, always

    def search(self, query: str) -> None:
        """As the search field's text changes, with the key that changed it."""
        self.show(query, narrow=True)

    @on(Input.Submitted, "#search")
    def to_list(self) -> None:
        self.entry_list.focus()

    @on(EntryList.Highlighted)
    def preview(self, event: EntryList.Highlighted) -> None:
        # The preview follows a moment later, so each keystroke redraws only the list.
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(0.08, lambda: self._show_preview(event.item))

    def _show_preview(self, entry: JournalEntry | None) -> None:
        self._preview_timer = None
        box = self.query_one("#preview", TextView)
        if entry is None:
            box.update("")
            return
        head = Text(entry.created.astimezone().strftime("%A %d %B %Y, %H:%M"), style="bold")
        meta = []
        if entry.tags:
            meta.append("tags: " + " ".join(f"#{t}" for t in entry.tags))
        if entry.mood is not None:
            meta.append(f"mood: {entry.mood}/10")
        body = Text.assemble(head, "\n", " · ".join(meta), "\n\n", entry.text)
        box.update(body)

    @on(EntryList.Chosen)
    def open_entry(self, event: EntryList.Chosen) -> None:
        self.edit(event.item)

    def edit(self, entry: JournalEntry | None, draft: dict[str, Any] | None = None) -> None:
        from kit.tui.screens.journal_editor import EditorScreen

        self.app.push_screen(EditorScreen(entry, draft), callback=lambda _saved: self.reload())

    def action_new(self) -> None:
        self.edit(None)

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_delete(self) -> None:
        entry = self.entry_list.highlighted
        if entry is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.workspace.journal.delete(entry.id)
                self.notify("Entry deleted.", timeout=3)
                self.reload()

        self.app.push_screen(ConfirmDialog(
            f"Delete the entry from {entry.created.astimezone():%d %b %Y %H:%M}, "
            f"“{entry.title}”? This cannot be undone.", yes="Delete"), answered)

    def _offer_drafts(self) -> None:
        drafts = self.workspace.drafts.list("journal")
        if not drafts:
            return
        draft = drafts[0]

        def answered(yes: bool | None) -> None:
            if yes:
                entry_id = draft.data.get("entry_id")
                entry = None
                if entry_id:
                    try:
                        entry = self.workspace.journal.get(entry_id)
                    except KitError:
                        entry = None
                self.edit(entry, {**draft.data, "draft_id": draft.id})

        self.app.push_screen(ConfirmDialog(
            f"You have unsaved writing from {draft.saved.astimezone():%d %b %H:%M}, kept safe "
            "when the kit locked. Open it now?", yes="Open it", no="Later"), answered)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("New journal entry", "Write a new entry (ctrl+n)", self.action_new),
                ("Search the journal", "Filter entries as you type (ctrl+f)", self.action_search)]

    def quick_action(self, action: str) -> None:
        if action == "new-entry":
            self.action_new()
