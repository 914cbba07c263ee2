"""The exposure log: categories only, never content. A list, and a form to add to it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.validation import Integer
from textual.widgets import (
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from kit.errors import UsageError
from kit.plurals import counted
from kit.records import exposure as ex
from kit.records.fields import label, parse_when
from kit.tui.app import AreaScreen
from kit.tui.key_hint import key_hint
from kit.tui.refusal import Refused, checked, refuse
from kit.tui.screens.record_form import RecordForm
from kit.tui.widgets.choices import TickList
from kit.tui.widgets.confirm import ConfirmDialog
from kit.tui.widgets.entry_list import EntryList
from kit.wellbeing.signposting import exposure_prompt


def describe(entry: ex.ExposureEntry) -> str:
    when = entry.when.astimezone().strftime("%d %b %Y %H:%M")
    kinds = ", ".join(label(ex.MATERIAL_TYPES, m) for m in entry.material)
    minutes = f" · {entry.minutes} min" if entry.minutes is not None else ""
    flags = f" · {', '.join(entry.flags)}" if entry.flags else ""
    return f" {when}  impact {entry.impact:>2}/10  {kinds}{minutes}{flags}"


def details(entry: ex.ExposureEntry) -> Text:
    rows = [
        ("When", entry.when.astimezone().strftime("%A %d %B %Y, %H:%M")),
        ("How long", counted(entry.minutes, "minute") if entry.minutes is not None
         else "not recorded"),
        ("Material", ", ".join(label(ex.MATERIAL_TYPES, m) for m in entry.material)),
        ("How much", label(ex.VOLUME_BANDS, entry.volume) if entry.volume
         else "not recorded"),
        ("What stood out", "; ".join(label(ex.FLAGS, f) for f in entry.flags) or "nothing"),
        ("What I did to protect myself",
         "; ".join(label(ex.PROTECTIVE_STEPS, s) for s in entry.steps) or "nothing recorded"),
        ("Case outcome", ex.OUTCOME_LABELS.get(entry.outcome_known, "not recorded")),
        ("Impact", f"{entry.impact} out of 10"),
    ]
    text = Text()
    for name, value in rows:
        text.append(f"{name}: ", style="bold")
        text.append(f"{value}\n")
    if entry.note:
        text.append("\nNote\n", style="bold")
        text.append(entry.note)
    return text


class ExposureScreen(AreaScreen):
    DEFAULT_CSS = """
    ExposureScreen #exposure-left {
        width: 3fr;
    }
    ExposureScreen #exposure-detail-box {
        width: 2fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    ExposureScreen #exposure-count {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+n", "new", "Log exposure", id="exposure-new"),
        Binding("ctrl+d", "delete", "Delete", id="exposure-delete"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="exposure-left"):
                yield Static("Only categories are kept here, never what you saw or heard.",
                             classes="hint", markup=False)
                yield Label("", id="exposure-count", markup=False)
                yield EntryList(describe, id="exposures")
            with VerticalScroll(id="exposure-detail-box"):
                yield Static("", id="exposure-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Exposure log"
        self.reload()
        self.query_one("#exposures").focus()
        drafts = self.workspace.drafts.list("exposure")
        if drafts:
            self.app.push_screen(ExposureForm(drafts[0].data, drafts[0].id), callback=self._added)
            self.notify("Your unsaved exposure entry is back. Save it or go back.", timeout=6)

    def reload(self) -> None:
        entries = self.workspace.exposure.entries()
        self.query_one("#exposures", EntryList).set_items(entries)
        self.query_one("#exposure-count", Label).update(
            f"{counted(len(entries), 'session')} logged" if entries
            else f"Nothing logged yet. Press {key_hint(self, 'exposure-new')} after a session with "
                 "difficult material.")

    @on(EntryList.Highlighted, "#exposures")
    def show(self, event: EntryList.Highlighted) -> None:
        box = self.query_one("#exposure-detail", Static)
        box.update(details(event.item) if event.item is not None else "")

    def action_new(self) -> None:
        self.app.push_screen(ExposureForm(), callback=self._added)

    def _added(self, entry: ex.ExposureEntry | None) -> None:
        self.reload()
        prompt = exposure_prompt(entry.impact) if entry is not None else None
        if prompt is not None:
            from kit.tui.screens.support import SupportScreen

            region = self.kit_app.services.config.region
            self.app.push_screen(SupportScreen(prompt.message, region))

    def action_delete(self) -> None:
        entry = self.query_one("#exposures", EntryList).highlighted
        if entry is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.workspace.exposure.delete(entry.id)
                self.reload()

        self.app.push_screen(ConfirmDialog(
            f"Delete the exposure logged for {entry.when.astimezone():%d %b %Y %H:%M}? "
            "This cannot be undone.", yes="Delete"), answered)

    def quick_action(self, action: str) -> None:
        if action == "log-exposure":
            self.action_new()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("Log exposure", "Record a session with difficult material (ctrl+n)",
                 self.action_new)]


def _number(text: str, what: str) -> int:
    """A whole number typed into a field; an empty or non-numeric one is refused by name."""
    if not text.strip():
        raise UsageError(f"please give {what}")
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"{what} must be a whole number, not {text!r}") from None


class ExposureForm(RecordForm[ex.ExposureEntry]):
    """Every field of an exposure entry, keyboard first: Tab moves, Space ticks, ctrl+s saves."""
    DEFAULT_CSS = """
    ExposureForm SelectionList {
        height: auto;
        max-height: 8;
    }
    ExposureForm Select {
        width: 50;
    }
    ExposureForm #note {
        height: 5;
    }
    """

    AUTO_FOCUS = "#material"

    def __init__(self, draft: dict[str, Any] | None = None, draft_id: str | None = None) -> None:
        super().__init__()
        self.draft = draft or {}
        self.restored_draft_id = draft_id

    def compose(self) -> ComposeResult:
        now = self.kit_app.services.clock().astimezone()
        yield Header()
        with VerticalScroll(id="exposure-form"):
            yield Label("What kind of material? (Space ticks)")
            yield TickList(*[(c.label, c.value) for c in ex.MATERIAL_TYPES],
                                     id="material")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("When (YYYY-MM-DD HH:MM)")
                    yield Input(now.strftime("%Y-%m-%d %H:%M"), id="when")
                with Vertical():
                    yield Label("Minutes")
                    yield Input(placeholder="e.g. 45", id="minutes", type="integer",
                                validators=[Integer(0, ex.MAX_MINUTES)])
                with Vertical():
                    yield Label("Impact on you, 0 to 10")
                    yield Input(placeholder="0 = none, 10 = the most", id="impact",
                                type="integer", validators=[Integer(0, ex.MAX_IMPACT)])
            yield Label("How much?")
            yield Select([(b.label, b.value) for b in ex.VOLUME_BANDS], id="volume",
                         prompt="Not recorded", allow_blank=True)
            yield Label("Did anything stand out?")
            yield TickList(*[(c.label, c.value) for c in ex.FLAGS], id="flags")
            yield Label("What did you do to protect yourself?")
            yield TickList(*[(c.label, c.value) for c in ex.PROTECTIVE_STEPS],
                                     id="steps")
            yield Label("Do you know how the case turned out?")
            yield Select([("Yes", "yes"), ("No", "no")], id="outcome", prompt="Not recorded",
                         allow_blank=True)
            yield Label("Note (optional; describe how you are, not the material)")
            yield TextArea("", id="note", tab_behavior="focus")
            yield Label("", id="exposure-status", classes="form-status", markup=False)
            yield self.form_buttons()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Log exposure"
        if self.draft:
            self._restore(self.draft)
        # Focus on the first list must not scroll its heading out of sight.
        self.call_after_refresh(self.query_one("#exposure-form").scroll_home, animate=False)

    def _restore(self, d: dict[str, Any]) -> None:
        """Put back what was typed before a lock (values from _values())."""
        for list_id in ("material", "flags", "steps"):
            chosen = self.query_one(f"#{list_id}", SelectionList)
            for value in d.get(list_id, ()):
                chosen.select(value)
        for input_id in ("when", "minutes", "impact"):
            self.query_one(f"#{input_id}", Input).value = str(d.get(input_id, ""))
        for select_id in ("volume", "outcome"):
            if d.get(select_id):
                self.query_one(f"#{select_id}", Select).value = d[select_id]
        self.query_one("#note", TextArea).text = str(d.get("note", ""))

    def _values(self) -> dict[str, Any]:
        outcome = self.query_one("#outcome", Select).value
        volume = self.query_one("#volume", Select).value
        return {
            "material": list(self.query_one("#material", SelectionList).selected),
            "when": self.query_one("#when", Input).value,
            "minutes": self.query_one("#minutes", Input).value,
            "impact": self.query_one("#impact", Input).value,
            "volume": None if volume is Select.NULL else str(volume),
            "flags": list(self.query_one("#flags", SelectionList).selected),
            "steps": list(self.query_one("#steps", SelectionList).selected),
            "outcome": None if outcome is Select.NULL else str(outcome),
            "note": self.query_one("#note", TextArea).text,
        }

    def action_save(self) -> None:
        v = self._values()
        try:
            material = checked(self.query_one("#material"),
                               lambda: ex.check_material(v["material"]))
            when = checked(self.query_one("#when"), lambda: ex.check_when(
                parse_when(v["when"]))) if v["when"].strip() else None
            minutes = checked(self.query_one("#minutes"), lambda: ex.check_minutes(
                _number(v["minutes"], "minutes")) if v["minutes"].strip() else None)
            impact = checked(self.query_one("#impact"), lambda: ex.check_impact(
                _number(v["impact"], "the impact on you, from 0 to 10")))
            entry = checked(self.query_one("#material"), lambda: self.workspace.exposure.add(
                material=material, impact=impact, when=when, minutes=minutes,
                volume=v["volume"], flags=v["flags"], steps=v["steps"],
                outcome_known=None if v["outcome"] is None else v["outcome"] == "yes",
                note=v["note"] or None))
        except Refused as refused:
            refuse(refused.field, f"Not saved: {refused.message}",
                   self.query_one("#exposure-status", Label))
            return
        if self.restored_draft_id is not None:
            self.workspace.drafts.discard(self.restored_draft_id)
        self.dismiss(entry)

    def action_back(self) -> None:
        self.leave(self._touched(), "Leave without saving this entry?")

    def _touched(self) -> bool:
        v = self._values()
        return bool(v["material"] or v["minutes"] or v["impact"] or v["flags"] or v["steps"]
                    or v["note"] or v["volume"] or v["outcome"])

    def unsaved_draft(self) -> tuple[str, dict[str, Any]] | None:
        if not self.is_mounted or not self._touched():
            return None
        return "exposure", self._values()
