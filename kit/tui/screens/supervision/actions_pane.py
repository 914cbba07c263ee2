"""The Actions tab: the open actions agreed in each person's latest session, who owns each and
when it is due; its supervisor marks one done or dropped, the person supervised reads how to
say that one has moved on."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Label, Static

from kit.errors import KitError
from kit.records.fields import label
from kit.supervision.records import ACTION_STATUSES, Action, SupervisionDoc, owner_shown
from kit.supervision.roles import may_edit
from kit.supervision.service import Supervision
from kit.supervision.times import shown_day
from kit.tui.screens.supervision.pane import Pane

ACTION_WIDTH = 30  # the Actions table's action column, wrapped


class ActionsPane(VerticalScroll, Pane):
    TAB = "actions-tab"

    def __init__(self, service: Callable[[], Supervision]) -> None:
        super().__init__(id="actions-pane")
        self.setup(service)
        self._me = ""
        self._actions: dict[str, tuple[SupervisionDoc, Action]] = {}
        self._overdue = Checkbox("Only overdue", id="actions-overdue")
        self._count = Label("", id="actions-count", markup=False)
        self._table: DataTable[object] = DataTable(id="actions", cursor_type="row",
                                                   zebra_stripes=True)
        self._buttons = Horizontal(classes="buttons", id="action-buttons")
        self._hint = Static("", id="actions-hint", classes="hint", markup=False)

    def compose(self) -> ComposeResult:
        yield self._overdue
        yield self._count
        yield self._table
        with self._buttons:
            yield Button("Mark done", id="action-done", variant="primary")
            yield Button("Mark dropped", id="action-dropped")
        yield self._hint

    def on_mount(self) -> None:
        self._table.add_column("Who")
        # Wrapped at a set width, so owner, due date and status stay in view at 100 columns.
        self._table.add_column("Action", width=ACTION_WIDTH)
        self._table.add_columns("Owner", "Due", "Status")
        # Pane.on_mount runs next (Textual calls each class's handler in turn): it loads.

    def reload(self) -> None:
        sup = self.sup
        self._me = sup.fingerprint
        names = sup.names()
        overdue = self._overdue.value
        table = self._table
        table.clear()
        today = sup.today()
        found = sup.actions(overdue=overdue)
        self._actions = {a.id: (doc, a) for doc, a in found}
        for doc, a in found:
            status = "Overdue" if a.overdue(today) else a.status_label
            table.add_row(Text(names.get(doc.supervisee, doc.supervisee[:9])),
                          Text(a.text), Text(owner_shown(a, doc, names)),
                          shown_day(a.due, "no date"), status, key=a.id, height=None)
        self._count.update(
            f"{len(found)} open action{'s' if len(found) != 1 else ''}"
            + (" past their due date" if overdue else "") if found else
            "No overdue actions." if overdue else "No open actions.")
        self._show_buttons()

    @on(DataTable.RowHighlighted, "#actions")
    def _show_buttons(self) -> None:
        """Mark done and Mark dropped only where this vault keeps the record (its supervisor
        does); the person supervised reads how to say an action has moved on."""
        found = self.current()
        mine = found is not None and may_edit(found[0], self._me)
        self._buttons.display = mine
        theirs = found is not None and not mine
        self._hint.display = theirs
        if theirs:
            self._hint.update("Your supervisor keeps these records and marks what happens to "
                              "each action. If one has moved on, tell them at your next "
                              "session, or say so in a comment when they send you the record.")

    @on(Checkbox.Changed, "#actions-overdue")
    def _overdue_toggled(self) -> None:
        self.reload()

    def current(self) -> tuple[SupervisionDoc, Action] | None:
        """The highlighted action and the record it is in."""
        table = self._table
        if not table.is_mounted or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._actions.get(str(key))

    @on(Button.Pressed, "#action-done")
    def mark_done(self) -> None:
        self._mark("done")

    @on(Button.Pressed, "#action-dropped")
    def mark_dropped(self) -> None:
        self._mark("dropped")

    def _mark(self, status: str) -> None:
        found = self.current()
        if found is None:
            return
        doc, action = found
        if not may_edit(doc, self._me):
            self.say("Your supervisor records what happens to agreed actions; tell them at "
                     "your next session, or comment on the record.", error=True)
            return
        try:
            self.sup.set_action(action.id, status)
        except KitError as exc:
            self.say(f"Not changed: {exc.message}", error=True)
            return
        self.say(f"Marked {label(ACTION_STATUSES, status).lower()}: {action.text}. The "
                 "record has a new version to send if the old one was sent.")
        self.changed()
