"""Removals: every request to take your details down, when its reply is due, and what to do next.

Opened from Incidents (r), from Home when something is due, and from a finding in Footprint
("Ask them to take it down"). The rules (dates, deadlines, what comes next) are
kit.removals's; this screen shows them and asks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import (
    Button,
    Footer,
    Header,
    Label,
    Static,
)

from kit.errors import KitError
from kit.plurals import counted
from kit.records.fields import label
from kit.removals import requests as rq
from kit.removals.advice import long_date, next_step
from kit.removals.routes import REGULATOR, Route, routes_for
from kit.tui.app import AreaScreen, FormScreen
from kit.tui.key_hint import key_hint
from kit.tui.screens.removal_form import RemovalForm
from kit.tui.widgets.ask import Ask, AskDialog
from kit.tui.widgets.dialog import Dialog
from kit.tui.widgets.entry_list import EntryList
from kit.tui.widgets.replace_file import write_or_ask


def _today(screen: AreaScreen) -> date:
    return screen.kit_app.services.clock().astimezone().date()


def _nation(screen: AreaScreen) -> str:
    return screen.kit_app.services.config.region


def describe(request: rq.Removal, today: date, nation: str) -> str:
    """One short row: who, where it stands, and what is due."""
    due = request.reply_due(nation)
    if request.overdue(today, nation):
        when = " · reply overdue"
    elif request.waiting() and due:
        when = f" · reply by {due:%d %b}"
    elif request.recheck_due(today):
        when = " · look again now"
    else:
        when = ""
    return f" {request.target} · {request.status_label}{when}"


def where_to_send(request: rq.Removal, today: date, nation: str) -> tuple[Route, ...]:
    """The official routes for the request's kind of target (kit/removals/data/routes.toml),
    and the ICO's complaint route once a legal request was refused or went unanswered."""
    known = {c.value for c in rq.TARGETS}  # a newer kit's kind has no routes here
    found = routes_for(request.target_kind) if request.target_kind in known else ()
    if request.has_legal_clock and (request.status in ("refused", "no-reply", "escalated")
                                    or request.overdue(today, nation)):
        found = (*found, *routes_for(REGULATOR))
    return found


def details(request: rq.Removal, today: date, nation: str) -> Text:
    text = Text()
    rows = [("Who", f"{request.target} ({label(rq.TARGETS, request.target_kind).lower()})"),
            ("Asked", request.asked_label), ("How", label(rq.CHANNELS, request.channel)),
            ("Status", request.status_label)]
    if request.sent_on:
        rows.append(("Sent", long_date(request.sent_on)))
    due = request.reply_due(nation)
    if due:
        rows.append(("Reply due", long_date(due) + (" (they extended it)" if request.extended
                                                    else "")))
    if request.recheck_on:
        rows.append(("Look again", long_date(request.recheck_on)))
    if request.reference:
        rows.append(("Reference", request.reference))
    for name, value in rows:
        text.append(f"{name}: ", style="bold")
        text.append(f"{value}\n")
    text.append("\nWhat to do next\n", style="bold")
    text.append(next_step(request, today, nation) + "\n")
    text.append("\nWhere to send it\n", style="bold")
    routes = where_to_send(request, today, nation)
    if not routes:
        text.append("No official form is listed for this kind of organisation: use its own "
                    "removal page, or the privacy contact in its privacy notice.\n")
    for route in routes:
        text.append(f"• {route.name}: {route.url}\n  {route.checked}.\n")
    if request.pages:
        text.append("\nPages\n", style="bold")
        for page in request.pages:
            text.append(f"• {page}\n")
    text.append("\nWhat happened\n", style="bold")
    for event in request.history:
        text.append(f"• {event.at.astimezone():%d %b %Y}: {event.what or event.status}\n")
    if request.note:
        text.append("\nYour note\n", style="bold")
        text.append(request.note + "\n")
    return text


class RemovalsScreen(AreaScreen):
    """The list of requests on the left, the highlighted one's details on the right."""

    DEFAULT_CSS = """
    RemovalsScreen #removals-left {
        width: 2fr;
    }
    RemovalsScreen #removal-detail-box {
        width: 3fr;
        border-left: solid $panel;
        padding: 0 1;
    }
    RemovalsScreen #removal-count {
        width: 100%;
    }
    """

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+n", "new", "New", id="removal-new", tooltip="Record a new request"),
        Binding("u", "update", "Update", id="removal-update",
                tooltip="Record what happened: sent, a reply, a refusal"),
        Binding("c", "recheck", "Look again", id="removal-recheck",
                tooltip="Look at the pages again and say whether they are gone"),
        # Kept out of the footer, which is full at 110 columns; the hint above the list,
        # F1's help and the command palette name it.
        Binding("l", "letter", "Letter", id="removal-letter", show=False,
                tooltip="A reminder when the reply is late, or a summary for the ICO"),
        Binding("escape", "back", "Back", id="removal-back"),
    ]

    def __init__(self, *, finding_id: str | None = None,
                 incident_id: str | None = None) -> None:
        super().__init__()
        self.finding_id = finding_id  # opened from a finding: a new request fixes it
        self.incident_id = incident_id  # opened from an incident: a new one belongs to it

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="removals-left"):
                yield Static("Requests to take your details down, kept encrypted. "
                             "u: what happened · c: look again · l: a letter",
                             classes="hint", markup=False)
                yield Label("", id="removal-count", markup=False)
                yield EntryList(self._row, id="removals")
            with VerticalScroll(id="removal-detail-box"):
                yield Static("", id="removal-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.sub_title = "Removal requests"
        self.reload()
        self.query_one("#removals").focus()
        drafts = self.workspace.drafts.list(RemovalForm.DRAFT_AREA)
        if drafts:
            self.app.push_screen(RemovalForm(draft=drafts[0].data, draft_id=drafts[0].id),
                                 callback=self._saved)
            self.notify("Your unsaved request is back. Save it or go back.", timeout=6)
        elif self.finding_id is not None:
            self.action_new()

    def _row(self, request: rq.Removal) -> str:
        return describe(request, _today(self), _nation(self))

    def reload(self) -> None:
        requests = self.workspace.removals.list()
        listing = self.query_one("#removals", EntryList)
        current = self._current()
        listing.set_items(requests)
        ids = [r.id for r in requests]
        if current is not None and current.id in ids:
            listing.action_jump(ids.index(current.id))
        self.query_one("#removal-count", Label).update(
            f"{counted(len(requests), 'request')}" if requests else
            f"No requests yet. Press {key_hint(self, 'removal-new')} to record one you have "
            "sent or are about to send.")
        self._show(self._current())

    def _current(self) -> rq.Removal | None:
        highlighted = self.query_one("#removals", EntryList).highlighted
        return highlighted if isinstance(highlighted, rq.Removal) else None

    @on(EntryList.Highlighted, "#removals")
    def _highlighted(self, event: EntryList.Highlighted) -> None:
        self._show(event.item)

    @on(EntryList.Chosen, "#removals")
    def _chosen(self) -> None:
        self.action_update()

    def _show(self, request: rq.Removal | None) -> None:
        box = self.query_one("#removal-detail", Static)
        box.update("" if request is None else details(request, _today(self), _nation(self)))

    def _saved(self, request: rq.Removal | None) -> None:
        self.reload()
        if request is not None:
            ids = [r.id for r in self.query_one("#removals", EntryList).items]
            if request.id in ids:
                self.query_one("#removals", EntryList).action_jump(ids.index(request.id))

    def action_new(self) -> None:
        finding, self.finding_id = self.finding_id, None
        self.app.push_screen(RemovalForm(finding_id=finding, incident_id=self.incident_id),
                             callback=self._saved)

    def action_update(self) -> None:
        request = self._current()
        if request is not None:
            self.app.push_screen(RemovalForm(request=request), callback=self._saved)

    def action_recheck(self) -> None:
        request = self._current()
        if request is None:
            return
        from kit.footprint.queries import names_to_search, site_queries
        from kit.footprint.service import Footprint
        from kit.removals.service import recheck

        def answered(result: str | None) -> None:
            if result not in ("gone", "still-there"):
                return
            try:
                saved = recheck(self.workspace, request.id, gone=result == "gone",
                                today=_today(self))
            except KitError as exc:
                self.notify(f"Not recorded: {exc.message}", severity="error", timeout=10)
                return
            fixed = (f" {counted(len(saved.finding_ids), 'finding')} marked fixed."
                     if result == "gone" and saved.finding_ids else "")
            self.notify(f"Recorded.{fixed} {next_step(saved, _today(self), _nation(self))}",
                        timeout=10)
            self._saved(saved)

        names = names_to_search(Footprint(self.workspace).search_details(),
                                self.workspace.my_details.get().name)
        searches = site_queries(names, request.pages)
        self.app.push_screen(RecheckDialog(request, searches), answered)

    def action_letter(self) -> None:
        request = self._current()
        if request is None:
            return
        from kit.reports.removal_letters import check_can_write

        try:
            check_can_write("chaser", request)
        except KitError as exc:
            self.notify(f"No letter yet: {exc.message}", severity="warning", timeout=8)
            return
        saved = self.workspace.my_details.get()
        stem = "".join(c if c.isalnum() else "-" for c in request.target.lower())[:40]

        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self._write_letter(request, answers)

        self.app.push_screen(AskDialog(
            "A letter written from this request's record: a reminder that the reply is late, "
            "or a summary of what happened for a complaint to the ICO. It is saved as a plain "
            "text file, or a PDF when its name ends in .pdf: NOT encrypted either way.",
            [Ask("complaint", "A summary for the ICO instead of a reminder", tick=True),
             Ask("name", "Your name", value=saved.name),
             Ask("reply_to", "Where they should reply (email or postal address)",
                 value=saved.reply_to),
             Ask("path", "Save as", value=str(Path.home() / f"letter-{stem}.txt")),
             Ask("keep", "Keep my name and reply address in the vault for next time",
                 value="yes", tick=True)],
            ok="Write", required=("name", "reply_to", "path")), answered)

    def _write_letter(self, request: rq.Removal, answers: dict[str, str]) -> None:
        import dataclasses

        from kit.chosen_file import write_chosen_file
        from kit.reports.plaintext import warning
        from kit.reports.removal_letters import (
            chaser_letter,
            check_can_write,
            complaint_summary,
            letter_pdf,
        )

        kind = "complaint" if answers["complaint"] else "chaser"
        saved = self.workspace.my_details.get()
        who = dataclasses.replace(saved, name=answers["name"], reply_to=answers["reply_to"])
        path = Path(answers["path"]).expanduser()

        def write(overwrite: bool) -> Path:
            check_can_write(kind, request)
            make = complaint_summary if kind == "complaint" else chaser_letter
            text = make(who, request, _today(self), _nation(self))
            data = letter_pdf(text, "Letter") if path.suffix.lower() == ".pdf" \
                else text.encode("utf-8")
            return write_chosen_file(path, data, overwrite=overwrite)

        def done(written: Path) -> None:
            if answers.get("keep") and (who.name, who.reply_to) != (saved.name, saved.reply_to):
                try:
                    self.workspace.my_details.save(who)
                except KitError as exc:
                    self.notify(f"Your details were not kept: {exc.message}",
                                severity="warning", timeout=10)
            self.notify(warning("your name, your reply address and what you asked", written),
                        severity="warning", timeout=12)

        write_or_ask(self.app, write, done,
                     lambda why: self.notify(f"Not written: {why}", severity="error",
                                             timeout=10),
                     lambda calm: self.notify(calm, timeout=6))

    def action_back(self) -> None:
        self.dismiss(None)


class RecheckDialog(Dialog[str | None]):
    """The pages to look at (the kit fetches nothing), then: gone, or still there."""

    AUTO_FOCUS = "#recheck-open"
    BINDINGS: ClassVar[list[Any]] = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, request: rq.Removal, searches: Sequence[Any] = ()) -> None:
        super().__init__()
        self.request = request
        self.searches = searches  # kit.footprint.queries.site_queries: your name on those sites

    def body(self) -> Iterable[Widget]:
        pages = "\n".join(f"• {page}" for page in self.request.pages) or \
            "No pages were recorded for this request: search for your details on the site."
        found = ("\n\nAnd a search of those sites for your name, in case it moved:\n"
                 + "\n".join(f"• {q.text}" for q in self.searches)) if self.searches else (
            "\n\nThe kit does not know your name yet, so it cannot search those sites for "
            "it: your name is kept when you write a letter (l).")
        yield Static(f"Look at the pages of {self.request.target} again. The kit fetches "
                     "nothing: your browser opens them, if you ask it to.\n\n" + pages
                     + found, markup=False)

    def buttons(self) -> Iterable[Widget]:
        yield Button("Open in my browser", id="recheck-open",
                     disabled=not (self.request.pages or self.searches))
        yield Button("They are gone", id="recheck-gone", variant="primary")
        yield Button("Still there", id="recheck-still")
        yield Button("Cancel", id="recheck-cancel")

    @on(Button.Pressed, "#recheck-open")
    def open_pages(self) -> None:
        from kit.footprint.browser import open_in_browser

        try:
            for page in (*self.request.pages, *(q.url for q in self.searches)):
                open_in_browser(page)
        except KitError as exc:
            self.notify(exc.message, severity="warning", timeout=10)

    @on(Button.Pressed, "#recheck-gone")
    def gone(self) -> None:
        self.dismiss("gone")

    @on(Button.Pressed, "#recheck-still")
    def still(self) -> None:
        self.dismiss("still-there")

    @on(Button.Pressed, "#recheck-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def ask_for_removal(app: Any, finding_id: str) -> None:
    """From a finding: Removals, with a new request that will fix it (Footprint's button)."""
    from kit.tui.palette import open_area

    def start(screen: AreaScreen) -> None:
        if isinstance(screen, RemovalsScreen):
            screen.finding_id = finding_id
            screen.action_new()
        elif isinstance(screen, FormScreen):
            app.notify("Finish or leave the form in Incidents first; your finding is still "
                       "listed in Footprint.", severity="warning", timeout=8)
        else:
            app.push_screen(RemovalsScreen(finding_id=finding_id))

    open_area(app, "incidents", start)
