"""Footprint's "Findings" tab: what the checks found, open first, and what the user did about
each (fixed, accepted, open again, or a take-down request)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Label, Static

from kit.errors import KitError
from kit.tui.key_hint import key_hint
from kit.tui.panes import AreaPane
from kit.tui.widgets.entry_list import EntryList

if TYPE_CHECKING:
    from kit.footprint.service import Footprint
    from kit.records.findings import Finding


def describe_finding(finding: Finding) -> str:
    return f" {finding.severity_label:<6}  {finding.status_label:<8}  {finding.title}"


class FindingsPane(VerticalScroll, AreaPane):
    DEFAULT_CSS = """
    FindingsPane {
        padding: 0 1;
    }
    FindingsPane #findings-list {
        height: auto;
        max-height: 10;
        border: round $panel;
    }
    FindingsPane #findings-buttons {
        height: auto;
    }
    FindingsPane #findings-count {
        width: 100%;
    }
    """

    def __init__(self) -> None:
        super().__init__(id="findings-pane")

    def compose(self) -> ComposeResult:
        yield Label("", id="findings-count", markup=False)
        yield EntryList(describe_finding, id="findings-list")
        with Horizontal(classes="buttons", id="findings-buttons"):
            yield Button("Mark fixed", id="finding-fixed", variant="primary",
                         tooltip="You have dealt with it; the kit asks you to look "
                                 "again in 90 days")
            yield Button("Accept", id="finding-accepted",
                         tooltip="You have decided to live with it")
            yield Button("Open again", id="finding-open")
            yield Button("Ask them to take it down…", id="finding-removal",
                         tooltip="Record a request to the site, and when its reply is "
                                 "due; it is marked fixed when the page is gone")
        yield Static("", id="findings", markup=False)

    def on_mount(self) -> None:
        self.reload()

    @property
    def footprint(self) -> Footprint:
        """The one door to the footprint records (kit.footprint.service)."""
        from kit.footprint.service import Footprint

        return Footprint(self.workspace)

    def reload(self, keep: str | None = None) -> None:
        """List the findings again, keeping the one chosen (or *keep*) chosen."""
        listing = self.query_one("#findings-list", EntryList)
        current = listing.highlighted
        keep = keep or (current.id if current is not None else None)
        findings = self.footprint.findings()  # open first, then by severity
        listing.set_items(findings)
        ids = [f.id for f in findings]
        if keep in ids:
            listing.action_jump(ids.index(keep))
        opened = sum(1 for f in findings if f.status == "open")
        self.query_one("#findings-count", Label).update(
            f"{len(findings)} finding{'s' if len(findings) != 1 else ''}, {opened} open. "
            "Choose one with the arrow keys; say what you did about it with the buttons."
            if findings else "")
        listing.display = bool(findings)
        self._show(listing.highlighted)

    @on(EntryList.Highlighted, "#findings-list")
    def _highlighted(self, event: EntryList.Highlighted) -> None:
        self._show(event.item)

    def _show(self, f: Finding | None) -> None:
        self.query_one("#findings-buttons").display = f is not None
        text = Text()
        if f is None:
            text.append("Nothing found yet. Run a check, and what it finds is listed here "
                        "with what to do about it.")
        else:
            for status in ("fixed", "accepted", "open"):
                self.query_one(f"#finding-{status}").display = f.status != status
            self.query_one("#finding-removal").display = f.status == "open"
            text.append(f"[{f.severity_label}] ", style="bold")
            text.append(f"{f.title}  ({f.status_label})\n", style="bold")
            text.append(f"  {f.exposed}\n")
            if f.evidence:
                text.append(f"  {f.evidence}\n", style="dim")
            if f.fix_item:
                text.append(f"  What to do: Prepare ({key_hint(self, 'area-prepare')}), step "
                            f"{f.fix_item}\n", style="italic")
            if f.recheck_on and f.status != "open":
                text.append(f"  Look again on {f.recheck_on:%d %b %Y}.\n")
        self.query_one("#findings", Static).update(text)

    def _mark(self, status: str) -> None:
        finding = self.query_one("#findings-list", EntryList).highlighted
        if finding is None:
            return
        try:
            marked = self.footprint.mark(finding.id, status)
        except KitError as exc:
            self.notify(f"Not changed: {exc.message}", severity="error", markup=False)
            return
        again = (f" The kit asks you to look again on {marked.recheck_on:%d %b %Y}."
                 if marked.recheck_on else "")
        self.notify(f"Marked {marked.status_label.lower()}: {marked.title}.{again}",
                    markup=False)
        self.reload(keep=marked.id)

    @on(Button.Pressed, "#finding-fixed")
    def _mark_fixed(self) -> None:
        self._mark("fixed")

    @on(Button.Pressed, "#finding-accepted")
    def _mark_accepted(self) -> None:
        self._mark("accepted")

    @on(Button.Pressed, "#finding-open")
    def _mark_open(self) -> None:
        self._mark("open")

    @on(Button.Pressed, "#finding-removal")
    def _ask_removal(self) -> None:
        finding = self.query_one("#findings-list", EntryList).highlighted
        if finding is not None:
            from kit.tui.screens.removals import ask_for_removal

            ask_for_removal(self.app, finding.id)
