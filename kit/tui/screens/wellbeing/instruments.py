"""Wellbeing's "Instruments" tab: the questionnaires the kit holds, and importing one an
organisation holds a licence for."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from kit.errors import KitError
from kit.tui.panes import AreaPane
from kit.tui.refusal import refuse

if TYPE_CHECKING:
    from kit.wellbeing.service import Wellbeing


class InstrumentsPane(VerticalScroll, AreaPane):
    DEFAULT_CSS = """
    InstrumentsPane {
        padding: 0 2;
    }
    InstrumentsPane #import-status {
        width: 100%;
    }
    """

    class Imported(Message):
        """A questionnaire was added or replaced: the other tabs list it."""

    def __init__(self) -> None:
        super().__init__(id="instruments-pane")

    @property
    def wellbeing(self) -> Wellbeing:
        """The one door to the wellbeing records (kit.wellbeing.service)."""
        from kit.wellbeing.service import Wellbeing

        return Wellbeing(self.workspace)

    def compose(self) -> ComposeResult:
        yield Static("", id="instrument-list", markup=False)
        yield Static("Import a questionnaire your organisation holds a licence "
                     "for (a TOML file, see docs/instrument-format.md). Its text "
                     "is kept inside the vault.", classes="hint", markup=False)
        yield Input(placeholder="path to the .toml file", id="import-path")
        with Horizontal(classes="buttons"):
            yield Button("Import", id="import", variant="primary")
            yield Button("Replace the existing version", id="import-replace")
        yield Static("", id="import-status", markup=False)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        text = Text()
        for instrument in self.wellbeing.instruments():
            text.append(f"{instrument.name}", style="bold")
            text.append(f"  ({len(instrument.items)} questions, "
                        f"{'built in' if instrument.builtin else 'imported'})\n")
            text.append(f"{instrument.credit.rstrip('.')}. {instrument.licence}\n\n",
                        style="dim")
        self.query_one("#instrument-list", Static).update(text)

    @on(Button.Pressed, "#import")
    @on(Input.Submitted, "#import-path")
    def import_instrument(self) -> None:
        self._import(replace=False)

    @on(Button.Pressed, "#import-replace")
    def import_replace(self) -> None:
        self._import(replace=True)

    def _import(self, *, replace: bool) -> None:
        status = self.query_one("#import-status", Static)
        field = self.query_one("#import-path", Input)
        raw = field.value.strip()
        if not raw:
            refuse(field, "Type the path of the file to import.", status)
            return
        try:
            imported = self.wellbeing.import_instrument(Path(raw).expanduser(),
                                                        replace=replace)
        except KitError as exc:
            refuse(field, f"Not imported: {exc.message}", status)
            return
        verb = {"added": "Imported", "replaced": "Replaced", "unchanged": "Already imported:"}
        status.update(f"{verb[imported.outcome]} {imported.instrument.name}.")
        self.post_message(self.Imported())
