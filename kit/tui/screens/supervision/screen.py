"""Supervision: share a summary with your supervisor, keep session records that both of you
sign, see the people you supervise, and follow the actions you agreed.

The screen composes four panes, one per tab (share_pane, records_pane, team_pane,
actions_pane), and routes what they post (messages.py): the status line, another tab, a
record to show. A pane is built the first time its tab is shown, so opening the area costs
one tab. Every supervision call goes through kit.supervision.service.Supervision; the rules
(who may edit, send or answer; how times parse) live in kit.supervision. Text from other
people (names, records, shares) is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Footer, Header, Label, TabbedContent, TabPane

from kit.errors import KitError
from kit.supervision.contacts import Contact
from kit.supervision.records import SupervisionDoc
from kit.supervision.service import Supervision, supervision_for
from kit.tui.app import AreaScreen
from kit.tui.screens.supervision.drafts import AGREEMENT_DRAFT_AREA, DRAFT_AREA
from kit.tui.screens.supervision.messages import (
    AgreementSaved,
    Changed,
    Said,
    ShowTab,
)
from kit.tui.screens.supervision.pane import Pane
from kit.tui.screens.supervision.styles import STYLES

if TYPE_CHECKING:  # each pane's module is imported when its tab is first shown
    from kit.tui.screens.supervision.actions_pane import ActionsPane
    from kit.tui.screens.supervision.records_pane import RecordsPane
    from kit.tui.screens.supervision.share_pane import SharePane
    from kit.tui.screens.supervision.team_pane import TeamPane

TABS = (("share-tab", "Share"), ("records-tab", "Records"), ("team-tab", "Team"),
        ("actions-tab", "Actions"))


class SupervisionScreen(AreaScreen):
    DEFAULT_CSS = STYLES

    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+o", "open_packet", "Open packet", id="supervision-open",
                tooltip="Open a packet file someone sent you"),
        # On the Records tab's button and in the help; the footer has no room for it.
        Binding("ctrl+n", "new_record", "New record", id="supervision-new", show=False,
                tooltip="Write the record of a supervision session (supervisors)"),
        # Used now and then: on the buttons, in the help (F1) and in the command palette.
        Binding("ctrl+e", "export_record", "Export record", id="supervision-export",
                show=False, tooltip="Write the highlighted record to a Markdown or PDF file "
                                    "(not encrypted)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sup: Supervision | None = None
        self._status_tab = ""  # the tab the status line's message is about
        self._panes: dict[str, Pane] = {}  # each made when first needed (its widgets cost)
        self._tab_panes = {tab: TabPane(title, id=tab) for tab, title in TABS}
        self._status = Label("", id="supervision-status", markup=False)
        self._tabs: TabbedContent | None = None

    def _made(self, tab: str, make: Callable[[], Pane]) -> Pane:
        pane = self._panes.get(tab)
        if pane is None:
            pane = self._panes[tab] = make()
        return pane

    @property
    def share_pane(self) -> SharePane:
        from kit.tui.screens.supervision.share_pane import SharePane

        pane = self._made(SharePane.TAB, lambda: SharePane(self._service))
        assert isinstance(pane, SharePane)
        return pane

    @property
    def records_pane(self) -> RecordsPane:
        from kit.tui.screens.supervision.records_pane import RecordsPane

        pane = self._made(RecordsPane.TAB, lambda: RecordsPane(self._service))
        assert isinstance(pane, RecordsPane)
        return pane

    @property
    def team_pane(self) -> TeamPane:
        from kit.tui.screens.supervision.team_pane import TeamPane

        pane = self._made(TeamPane.TAB,
                          lambda: TeamPane(self._service, self._retention_months))
        assert isinstance(pane, TeamPane)
        return pane

    @property
    def actions_pane(self) -> ActionsPane:
        from kit.tui.screens.supervision.actions_pane import ActionsPane

        pane = self._made(ActionsPane.TAB, lambda: ActionsPane(self._service))
        assert isinstance(pane, ActionsPane)
        return pane

    def pane(self, tab: str) -> Pane:
        """The pane shown on *tab* (built, and loaded, only once the tab has been shown)."""
        made: dict[str, Callable[[], Pane]] = {
            "share-tab": lambda: self.share_pane, "records-tab": lambda: self.records_pane,
            "team-tab": lambda: self.team_pane, "actions-tab": lambda: self.actions_pane}
        return made[tab]()

    def _service(self) -> Supervision:
        if self._sup is None or self._sup.workspace is not self.workspace:
            services = self.kit_app.services
            # One factory for the app and the command line: a time zone that is not one is
            # refused alike (config.toml's loader refuses it before the app starts).
            self._sup = supervision_for(self.workspace, services.config.time_zone,
                                        clock=services.clock)
        return self._sup

    @property
    def sup(self) -> Supervision:
        return self._service()

    def _retention_months(self) -> int:
        return self.kit_app.services.config.retention_months

    @property
    def tabs(self) -> TabbedContent:
        assert self._tabs is not None, "composed"
        return self._tabs

    def compose(self) -> ComposeResult:
        # Sharing is for the person supervised: a supervisor starts with the team.
        initial = "team-tab" if self.sup.roles().supervises_only else "share-tab"
        yield Header()
        yield self._status
        self._tabs = TabbedContent(id="supervision-tabs", initial=initial)
        with self._tabs:
            for tab, _title in TABS:
                with self._tab_panes[tab]:
                    if tab == initial:  # the others are built when first shown
                        yield self.pane(tab)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Supervision"
        self._restore_draft()

    def _restore_draft(self) -> None:
        from kit.tui.screens.supervision.agreement_form import AgreementForm
        from kit.tui.screens.supervision.session_form import SessionForm

        drafts = self.workspace.drafts.list(DRAFT_AREA)
        if drafts:
            doc = None
            doc_id = drafts[0].data.get("doc")
            if isinstance(doc_id, str):
                try:
                    doc = self.sup.record(doc_id)
                except KitError:
                    doc = None
            self.app.push_screen(SessionForm(self.sup, doc, draft=drafts[0].data,
                                             draft_id=drafts[0].id),
                                 callback=self._draft_saved)
            self.notify("Your unsaved session record is back. Save it or go back.", timeout=6)
            return
        for draft in self.workspace.drafts.list(AGREEMENT_DRAFT_AREA):
            contact = self._supervisee_by_id(draft.data.get("supervisee"))
            if contact is None:  # they are no longer a contact: nothing to write it about
                continue
            self.app.push_screen(AgreementForm(self.sup, contact, draft=draft.data,
                                               draft_id=draft.id),
                                 callback=self._agreement_saved)
            self.notify("Your unsaved agreement is back. Save it or go back.", timeout=6)
            break

    def _draft_saved(self, doc: SupervisionDoc | None) -> None:
        if doc is not None:
            self.records_pane.select(doc.id)
        self.reload()

    def _agreement_saved(self, doc: SupervisionDoc | None) -> None:
        if doc is None:
            self.reload()
            return
        self.show_record(doc.id)
        self.say(f"Agreement {doc.short_id} saved (version {doc.latest.n}, "
                 f"{doc.status_label.lower()}). Send it to them with Send… on the Records "
                 "tab, which is open now.")

    def _supervisee_by_id(self, contact_id: object) -> Contact | None:
        return next((c for c in self.sup.supervisees(archived=True) if c.id == contact_id),
                    None)

    def reload(self) -> None:
        for pane in self._panes.values():
            pane.reload_if_loaded()

    # --- tabs ---

    def show_tab(self, tab: str, then: Callable[[], object] | None = None) -> None:
        """Show *tab*, building its pane if it is the first time; then run *then* once the
        pane has drawn what the vault holds."""
        self._build(tab)
        self.tabs.active = tab
        if then is not None:
            self.pane(tab).when_loaded(then)

    def _build(self, tab: str) -> None:
        if tab not in self._tab_panes:
            return
        pane = self.pane(tab)
        if pane.parent is None:
            self._tab_panes[tab].mount(pane)

    @on(TabbedContent.TabActivated, "#supervision-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        """A tab shown for the first time is built; what was said about one tab's work is
        stale on another."""
        if event.pane.id:
            self._build(event.pane.id)
        if event.pane.id != self._status_tab and self._status.display:
            self.say("")

    # --- what the panes post ---

    @on(Said)
    def _said(self, message: Said) -> None:
        self.say(message.text, error=message.error)

    @on(Changed)
    def _changed(self) -> None:
        self.reload()

    @on(ShowTab)
    def _show_tab(self, message: ShowTab) -> None:
        self.show_tab(message.tab)

    @on(AgreementSaved)
    def _agreement_answer(self, message: AgreementSaved) -> None:
        self._agreement_saved(message.doc)

    def show_record(self, doc_id: str) -> None:
        """The Records tab, drawn again, with *doc_id* highlighted."""
        self.records_pane.select(doc_id)
        self.reload()
        self.show_tab(self.records_pane.TAB)

    def say(self, message: str, *, error: bool = False) -> None:
        """Keep the last outcome on screen, whole, under the header (a toast alone is easy to
        miss), and notify. Each message replaces the one before, error or not."""
        from kit.tui.app_words import app_words

        message = app_words(message)
        self._status.update(message)
        self._status.display = bool(message)
        # The tab it is about: a message said just after switching tabs stays when the switch
        # is announced (TabActivated comes later); the next switch clears it.
        self._status_tab = self.tabs.active
        if not message:  # cleared: nothing to tell
            return
        if error:
            self.notify(message, title="Not done", severity="error", timeout=15, markup=False)
        else:
            self.notify(message, timeout=10, markup=False)

    # --- the share (Share tab) ---

    def share_preview(self) -> str:
        """Exactly what Seal would send now."""
        return self.share_pane.preview()

    @on(Button.Pressed, "#add-contact")
    def action_add_contact(self) -> None:
        self.add_contact("supervisor")

    @on(Button.Pressed, "#team-add")
    def action_add_supervisee(self) -> None:
        self.add_contact("supervisee")

    def add_contact(self, relation: str) -> None:
        from kit.tui.screens.supervision.dialogs import AddContactDialog

        def added(contact: Contact | None) -> None:
            if contact is None:
                return
            checked = ("Fingerprint checked." if contact.verified else
                       "Fingerprint NOT checked: check it with them before trusting what "
                       "they send.")
            self.say(f"Added {contact.name}. {checked}")
            self.reload()

        self.app.push_screen(AddContactDialog(self.sup.add_contact, relation), added)

    @on(Button.Pressed, "#my-card")
    def action_my_card(self) -> None:
        from kit.tui.screens.supervision.dialogs import TextDialog

        if not self.sup.has_name():
            self.say("Your identity card needs your name first: type it in \"Your name\" on "
                     "the Share tab and press Save my name.", error=True)
            self.show_tab(self.share_pane.TAB, self.share_pane.ask_for_name)
            return
        try:
            card = self.sup.me()
        except KitError as exc:
            self.say(exc.message, error=True)
            return
        self.app.push_screen(TextDialog(
            "Your identity card. Give it to your supervisor (email or chat is fine; it holds "
            "no secret), then read them your fingerprint in person or on a call so they know "
            f"it is yours:\n\n{card.fingerprint}", card.text()))

    # --- records and packets ---

    @on(Button.Pressed, "#record-new")
    def action_new_record(self) -> None:
        # Writing a session record is for someone who supervises (kit.supervision.roles).
        if not self.sup.roles().supervises:
            self.show_tab(self.team_pane.TAB)
            self.say("A session record is about someone you supervise. Add them first with "
                     "Add someone… on this tab.", error=True)
            return
        self.show_tab(self.records_pane.TAB, self.records_pane.new_record)

    def action_export_record(self) -> None:
        self.show_tab(self.records_pane.TAB, self.records_pane.export_record)

    @on(Button.Pressed, "#open-packet")
    def action_open_packet(self) -> None:
        from kit.tui.widgets.ask import Ask, AskDialog

        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self.open_packet(Path(answers["path"]).expanduser())

        self.app.push_screen(AskDialog(
            "Open a packet someone sent you. The kit checks who sealed it and that nothing was "
            "changed before it keeps anything.",
            [Ask("path", "Packet file", placeholder="~/Downloads/supervision-share.age")],
            ok="Open", required=("path",)), answered)

    def open_packet(self, path: Path) -> None:
        """Open a packet file: a share shows on the Team tab, to read; a record on Records."""
        from kit.supervision.packets import read_packet_file

        try:
            opened = self.sup.open(read_packet_file(path))
        except KitError as exc:
            self.say(f"Not opened: {exc.message}", error=True)
            return
        self.reload()
        # The tab first, then what happened: the status line speaks for the tab it is shown on.
        if opened.packet.type == "share":
            self.team_pane.select(opened.sender.id)
            self.show_tab(self.team_pane.TAB)
        if opened.doc is not None:
            self.records_pane.select(opened.doc.id)
            self.show_tab(self.records_pane.TAB)
        self.say(opened.summary + (" Accept it or comment on it here, in Records."
                                   if opened.packet.type == "record" else ""))
        if opened.packet.type == "share":
            self.team_pane.read_shares(opened.sender, opened.packet.id)

    # --- the team ---

    def action_team_shares(self) -> None:
        self.show_tab(self.team_pane.TAB, self.team_pane.team_shares)

    def action_agreement(self) -> None:
        self.show_tab(self.team_pane.TAB, self.team_pane.agreement)

    def action_handover(self) -> None:
        self.show_tab(self.team_pane.TAB, self.team_pane.handover)

    def action_retention(self) -> None:
        self.show_tab(self.team_pane.TAB, self.team_pane.retention)

    # --- the area's entry points ---

    def quick_action(self, action: str) -> None:
        if action == "supervision":
            self.show_tab(self.share_pane.TAB)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        from kit.tui.palette import offered

        roles = self.sup.roles()
        return [(name, help_text, callback) for name, help_text, callback in [
                ("Open a packet", "Open a supervision packet someone sent you (ctrl+o)",
                 self.action_open_packet),
                ("Shares received", "Read what the highlighted person on the Team tab has "
                 "shared with you", self.action_team_shares),
                ("New session record", "Write the record of a supervision session (ctrl+n)",
                 self.action_new_record),
                ("My identity card", "Show the card to give your supervisor",
                 self.action_my_card),
                ("Add a contact", "Add a colleague's identity card", self.action_add_contact),
                ("Export the record", "The highlighted record as Markdown or PDF, not "
                 "encrypted (ctrl+e)", self.action_export_record),
                ("Supervision agreement", "Write or change the agreement with the highlighted "
                 "person on the Team tab", self.action_agreement),
                ("Hand over a supervisee", "Seal the highlighted person's records for their "
                 "new supervisor", self.action_handover),
                ("Old supervision records", "Delete records older than retention_months, "
                 "after asking", self.action_retention)]
                if offered(name, roles)]
