"""Incidents: what happened, where, the references you were given, and the evidence, kept
encrypted; and a signed evidence pack for the police or a platform when you need one.

Evidence files are copied into the vault; the originals are never touched, and the screen says
to keep them, as the guidance does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Footer, Header, Label, Static

from kit.errors import KitError
from kit.plurals import counted
from kit.records import incidents as inc
from kit.tui.app import AreaScreen
from kit.tui.key_hint import key_hint
from kit.tui.screens.incident_form import IncidentForm
from kit.tui.widgets.ask import Ask, AskDialog
from kit.tui.widgets.confirm import ConfirmDialog
from kit.tui.widgets.dialog import Dialog
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.replace_file import write_or_ask


def _label(labels: Mapping[str, str], value: str) -> str:
    return labels.get(value, value)


def describe(incident: inc.Incident) -> str:
    """One short row: the list is narrow, so the category's word and not its full label."""
    when = incident.when.astimezone().strftime("%d %b %y")
    status = _label(inc.STATUS_LABELS, incident.status)
    return f" {when}  {incident.category.capitalize()} · {status} · {incident.platform}"


def details(incident: inc.Incident, evidence: list[inc.EvidenceItem]) -> Text:
    text = Text()
    rows = [
        ("When", incident.when.astimezone().strftime("%A %d %B %Y, %H:%M")),
        ("What", _label(inc.CATEGORY_LABELS, incident.category)),
        ("Where", incident.platform or "not recorded"),
        ("Status", _label(inc.STATUS_LABELS, incident.status)),
    ]
    for name, value in rows:
        text.append(f"{name}: ", style="bold")
        text.append(f"{value}\n")
    if incident.description:
        text.append("\nWhat happened\n", style="bold")
        text.append(incident.description + "\n")
    for title, values in (("Links", incident.urls), ("Usernames", incident.usernames)):
        if values:
            text.append(f"\n{title}\n", style="bold")
            for value in values:
                text.append(f"• {value}\n")
    if incident.references:
        text.append("\nReference numbers\n", style="bold")
        for ref in incident.references:
            note = f" ({ref.note})" if ref.note else ""
            text.append(f"• {_label(inc.REFERENCE_LABELS, ref.kind)}: {ref.value}{note}\n")
    text.append(f"\nEvidence ({len(evidence)})\n", style="bold")
    if not evidence:
        text.append("None yet. Press f to add a screenshot or saved page, w for a link.\n")
    for item in evidence:
        text.append(f"• {_evidence_line(item)}\n")
        text.append(f"  captured {item.captured_at.astimezone():%d %b %Y %H:%M}"
                    + (f" by {item.captured_by}" if item.captured_by else "")
                    + (f", {item.method}" if item.method else "") + "\n", style="dim")
        if item.sha256:
            # Shortened to fit; `kit incident show` and every evidence pack give it in full.
            text.append(f"  SHA-256 {item.sha256[:16]}…{item.sha256[-8:]}\n", style="dim")
        if item.note:
            text.append(f"  {item.note}\n")
    return text


def _evidence_line(item: inc.EvidenceItem) -> str:
    if item.kind == "file":
        return f"File: {item.file_name} ({item.size:,} bytes)"
    if item.kind == "url":
        return f"Link: {item.url}"
    return f"Note: {item.title or item.note[:60]}"


class IncidentsScreen(AreaScreen):
    DEFAULT_CSS = """
    IncidentsScreen #incidents-left {
        width: 2fr;
    }
    IncidentsScreen #incident-detail-box {
        width: 3fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    IncidentsScreen #incident-count {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+n", "new", "New", id="incident-new", tooltip="Record a new incident"),
        # Enter (the list's "Open") edits too; the footer has no room for both.
        Binding("e", "edit", "Edit", id="incident-edit", show=False),
        Binding("f", "add_file", "File", id="incident-file", tooltip="Add evidence files"),
        Binding("w", "add_link", "Link", id="incident-link", tooltip="Record a link"),
        Binding("x", "export", "Pack", id="incident-export",
                tooltip="A signed evidence pack for the police or a platform"),
        # Kept out of the footer, which is full at 110 columns; F1's help and the command
        # palette name it.
        Binding("ctrl+d", "delete", "Delete", id="incident-delete", show=False,
                tooltip="Delete the highlighted incident and its evidence (asks first)"),
        Binding("r", "removals", "Removals", id="incident-removals", show=False,
                tooltip="Requests to take your details down, and when replies are due"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="incidents-left"):
                yield Static("Everything here is encrypted. Added files are copied in; keep "
                             "your originals too. Press r for your requests to take things "
                             "down.", classes="hint", markup=False)
                yield Label("", id="incident-count", markup=False)
                yield EntryList(describe, id="incidents")
            with VerticalScroll(id="incident-detail-box"):
                yield Static("", id="incident-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Incidents and evidence"
        self.reload()
        self.query_one("#incidents").focus()
        drafts = self.workspace.drafts.list(IncidentForm.DRAFT_AREA)
        if drafts:
            self.app.push_screen(IncidentForm(draft=drafts[0].data, draft_id=drafts[0].id),
                                 callback=self._saved)
            self.notify("Your unsaved incident is back. Save it or go back.", timeout=6)

    def reload(self) -> None:
        incidents = self.workspace.incidents.list()
        listing = self.query_one("#incidents", EntryList)
        current = self._current()
        listing.set_items(incidents)
        # Stay on the incident the user was working on (a new one is listed first).
        ids = [i.id for i in incidents]
        if current is not None and current.id in ids:
            listing.action_jump(ids.index(current.id))
        self.query_one("#incident-count", Label).update(
            f"{counted(len(incidents), 'incident')} recorded"
            if incidents else f"Nothing recorded yet. Press {key_hint(self, 'incident-new')} "
            "to record an incident.")
        self._show(self._current())

    def _current(self) -> inc.Incident | None:
        highlighted = self.query_one("#incidents", EntryList).highlighted
        return highlighted if isinstance(highlighted, inc.Incident) else None

    @on(EntryList.Highlighted, "#incidents")
    def _highlighted(self, event: EntryList.Highlighted) -> None:
        self._show(event.item)

    def _show(self, incident: inc.Incident | None) -> None:
        box = self.query_one("#incident-detail", Static)
        if incident is None:
            box.update("")
            return
        box.update(details(incident, self.workspace.incidents.evidence(incident.id)))

    @on(EntryList.Chosen, "#incidents")
    def _chosen(self) -> None:
        self.action_edit()

    def _saved(self, incident: inc.Incident | None) -> None:
        self.reload()
        if incident is not None:
            ids = [i.id for i in self.query_one("#incidents", EntryList).items]
            if incident.id in ids:
                self.query_one("#incidents", EntryList).action_jump(ids.index(incident.id))

    def action_new(self) -> None:
        self.app.push_screen(IncidentForm(), callback=self._saved)

    def action_edit(self) -> None:
        incident = self._current()
        if incident is not None:
            self.app.push_screen(IncidentForm(incident=incident), callback=self._saved)

    def _by(self) -> str:
        return self.workspace.my_details.get().name

    def _incident_for_evidence(self) -> inc.Incident | None:
        incident = self._current()
        if incident is None:
            self.notify(f"Record the incident first ({key_hint(self, 'incident-new')}), then "
                        "add its evidence.")
        return incident

    def action_add_file(self) -> None:
        incident = self._incident_for_evidence()
        if incident is None:
            return

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            added = []
            try:
                for part in answers["paths"].split(";"):
                    if part.strip():
                        added.append(self.workspace.incidents.add_file(
                            incident.id, Path(part.strip()).expanduser(),
                            captured_by=answers["by"], method=answers["method"],
                            note=answers["note"]))
            except KitError as exc:
                self.notify(f"Not added: {exc.message}", severity="error", timeout=10)
            if added:
                self.notify(f"Added {counted(len(added), 'file')}, encrypted. Your originals "
                            "were not changed: keep them.", timeout=8)
            self.reload()

        self.app.push_screen(AskDialog(
            "Add screenshots or saved pages. They are copied into the vault, encrypted, with "
            "a fingerprint (SHA-256) of each; the originals stay where they are.",
            [Ask("paths", "File (several: separate with ;)", placeholder="~/Pictures/shot.png"),
             Ask("by", "Captured by", value=self._by()),
             Ask("method", "How it was captured", placeholder="e.g. phone screenshot"),
             Ask("note", "Note (optional)")],
            ok="Add", required=("paths",)), answered)

    def action_add_link(self) -> None:
        incident = self._incident_for_evidence()
        if incident is None:
            return

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            try:
                self.workspace.incidents.add_url(incident.id, answers["url"].strip(),
                                                 captured_by=answers["by"], note=answers["note"])
            except KitError as exc:
                self.notify(f"Not added: {exc.message}", severity="error", timeout=10)
            self.reload()

        self.app.push_screen(AskDialog(
            "Record a link (the kit does not visit it). Capture a screenshot too: pages can "
            "disappear once reported.",
            [Ask("url", "Link", placeholder="https://..."),
             Ask("by", "Recorded by", value=self._by()),
             Ask("note", "Note (optional)")], ok="Add", required=("url",)), answered)

    def action_export(self) -> None:
        incident = self._current()
        if incident is None:
            return
        from kit.reports.plaintext import require_passphrase

        try:
            require_passphrase(self.workspace.vault)
        except KitError as exc:
            self.notify(f"Not exported: {exc.message}.", severity="warning")
            return
        default = str(Path.home() / f"evidence-{incident.when.astimezone():%Y%m%d}.zip")

        def answered(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            encrypt = bool(answers["encrypt"])
            if encrypt and answers["passphrase"] != answers["again"]:
                self.notify("The two pack passphrases differ; nothing was written.",
                            severity="error")
                return
            if encrypt and len(answers["passphrase"]) < 8:
                self.notify("Use a pack passphrase of at least 8 characters; nothing was "
                            "written.", severity="error")
                return
            self._export(incident, Path(answers["path"]).expanduser(),
                         answers["passphrase"] if encrypt else None)

        self.app.push_screen(AskDialog(
            "An evidence pack holds copies of the files, their fingerprints, a handling log "
            "and a signed manifest, so anyone can check nothing was changed. Without a "
            "passphrase it is NOT encrypted.",
            [Ask("path", "Save as (.zip, a folder, or .age when encrypted)", value=default),
             Ask("encrypt", "Encrypt it with a passphrase (age format)", tick=True),
             Ask("passphrase", "Pack passphrase", password=True),
             Ask("again", "The same passphrase again", password=True)],
            ok="Export", required=("path",)), answered)

    def _export(self, incident: inc.Incident, path: Path, passphrase: str | None) -> None:
        from kit.reports.evidence_pack import PackResult, export_pack
        from kit.reports.plaintext import warning

        def write(overwrite: bool) -> PackResult:
            return export_pack(self.workspace.incidents, self.workspace, incident.id, path,
                               encrypt_passphrase=passphrase, exported_by=self._by(),
                               force=overwrite,
                               nation=self.kit_app.services.config.region)

        def written(result: PackResult) -> None:
            message = f"Evidence pack written to {result.path}."
            if passphrase is None:
                message += " " + warning("this evidence", result.path)
            notes = result.notes()
            self.notify(" ".join([message, *notes]), timeout=15,
                        severity="warning" if notes else "information")
            self.reload()

        write_or_ask(self.app, write, written,
                     lambda why: self.notify(f"Not exported: {why}", severity="error",
                                             timeout=10),
                     lambda kept: self.notify(kept, timeout=10))

    def action_delete(self) -> None:
        incident = self._current()
        if incident is None:
            return
        count = len(self.workspace.incidents.evidence(incident.id))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                deleted = self.workspace.incidents.delete(incident.id)
            except KitError as exc:
                self.notify(f"Not deleted: {exc.message}", severity="error", timeout=10)
                return
            self.notify(f"Incident of {day} deleted, with "
                        f"{counted(len(deleted.evidence), 'evidence item')}. Your original "
                        "files were not touched.", timeout=8)
            self.reload()

        day = f"{incident.when.astimezone():%d %b %Y}"
        items = (f" and its {count} evidence item{'' if count == 1 else 's'}" if count
                 else " (it has no evidence)")
        self.app.push_screen(ConfirmDialog(
            f"Delete the incident of {day}{items}? Exported packs and your original files "
            "are not touched. This cannot be undone.", yes="Delete"), answered)

    def action_delete_evidence(self) -> None:
        """Delete one evidence item of the highlighted incident: choose it, then confirm."""
        incident = self._current()
        if incident is None:
            return
        evidence = self.workspace.incidents.evidence(incident.id)
        if not evidence:
            self.notify("This incident has no evidence to delete.", timeout=6)
            return

        def chosen(item_id: str | None) -> None:
            item = next((e for e in evidence if e.id == item_id), None)
            if item is None:
                return
            self.app.push_screen(ConfirmDialog(
                f"Delete this evidence item? {_evidence_line(item)}. Exported packs and your "
                "original files are not touched. This cannot be undone.", yes="Delete"),
                lambda yes: self._delete_evidence(item) if yes else None)

        self.app.push_screen(EvidenceChoice(evidence), chosen)

    def _delete_evidence(self, item: inc.EvidenceItem) -> None:
        try:
            self.workspace.incidents.delete_evidence(item.id)
        except KitError as exc:
            self.notify(f"Not deleted: {exc.message}", severity="error", timeout=10)
            return
        self.notify("Evidence item deleted. Your original file and any packs you exported "
                    "were not touched: keep the originals as they are.", timeout=8)
        self.reload()

    def action_removals(self) -> None:
        from kit.tui.screens.removals import RemovalsScreen

        current = self._current()  # a new request belongs to the incident highlighted
        self.app.push_screen(RemovalsScreen(incident_id=current.id if current else None),
                             lambda _: self.reload())

    def quick_action(self, action: str) -> None:
        if action == "new-incident":
            self.action_new()
        elif action == "removals":
            self.action_removals()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("New incident", "Record what happened (ctrl+n)", self.action_new),
                ("Evidence pack", "Export a signed evidence pack for the highlighted incident",
                 self.action_export),
                ("Delete incident", "Delete the highlighted incident and its evidence, after "
                 "asking (ctrl+d)", self.action_delete),
                ("Delete an evidence item", "Delete one piece of the highlighted incident's "
                 "evidence, after asking", self.action_delete_evidence),
                ("Removal requests", "What you asked sites to take down, and when replies "
                 "are due (r)", self.action_removals)]


class EvidenceChoice(Dialog[str | None]):
    """Which evidence item: the incident's items, one a line; Enter chooses, Escape cancels."""

    AUTO_FOCUS = "#evidence-choice"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, evidence: list[inc.EvidenceItem]) -> None:
        super().__init__()
        self.evidence = evidence

    def body(self) -> Iterable[Widget]:
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        yield Static("Which evidence item do you want to delete?", markup=False)
        yield OptionList(*[Option(Text(_evidence_line(item)), id=item.id)
                           for item in self.evidence], id="evidence-choice")

    def buttons(self) -> Iterable[Widget]:
        yield Button("Cancel", id="evidence-choice-cancel", variant="primary")

    def on_option_list_option_selected(self, event: Any) -> None:
        event.stop()
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#evidence-choice-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
