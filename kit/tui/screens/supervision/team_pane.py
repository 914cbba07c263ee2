"""The Team tab (supervisor): the people you supervise by name, whether sessions and actions
are up to date, check-in bands only where the person chose to share them, and what you do for
one person (read their shares, the agreement, hand them over, archive), or for old records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Select, Static

from kit.errors import KitError
from kit.plurals import counted
from kit.records.fields import label
from kit.supervision.contacts import RELATIONS, Contact
from kit.supervision.service import Supervision
from kit.supervision.team import ROSTER_STATUSES
from kit.supervision.times import shown_day
from kit.tui.screens.supervision.pane import Pane, free_path


class TeamPane(VerticalScroll, Pane):
    TAB = "team-tab"

    def __init__(self, service: Callable[[], Supervision],
                 retention_months: Callable[[], int]) -> None:
        super().__init__(id="team-pane")
        self.setup(service)
        self._retention_months = retention_months
        self._team: dict[str, Contact] = {}
        self._wanted: str | None = None  # a person to highlight once the table is drawn
        self._table: DataTable[object] = DataTable(id="team", cursor_type="row",
                                                   zebra_stripes=True)
        self._detail = Static("", id="team-detail", markup=False)
        self._person_buttons = Horizontal(classes="buttons", id="team-person-buttons")
        self._archived: Select[str] = Select([], id="team-archived", prompt="Archived people")
        self._restore = Button("Restore…", id="team-restore")

    def compose(self) -> ComposeResult:
        yield Static("The people you supervise, by name. It shows whether sessions "
                     "and actions are up to date, and check-in bands only when the "
                     "person chose to share them. It never ranks anyone.",
                     classes="hint", markup=False)
        yield self._table
        yield self._detail
        with self._person_buttons:
            yield Button("Shares…", id="team-shares",
                         tooltip="Read what this person has shared with you")
            yield Button("Agreement…", id="team-agreement", variant="primary")
            yield Button("Hand over…", id="team-handover")
            yield Button("Archive…", id="team-archive")
        with Horizontal(classes="buttons"):
            yield Button("Add someone…", id="team-add")
            yield Button("Old records…", id="team-retention")
            yield self._archived
            yield self._restore

    def on_mount(self) -> None:
        self._table.add_columns("Name", "Last session", "Next due", "Open", "Overdue",
                                "Follow-ups due")
        self._table.add_column("Bands shared")  # when; the bands are in the detail below
        # Pane.on_mount runs next (Textual calls each class's handler in turn): it loads.

    # --- drawing ---

    def reload(self) -> None:
        sup = self.sup
        table = self._table
        current = self.person()
        table.clear()
        self._team = {c.id: c for c in sup.supervisees()}
        for r in sup.team():
            follow = "\n".join(f"{f.label.split()[0]} {f.due.astimezone(sup.zone):%d %b %H:%M}"
                               for f in r.follow_ups_due) or "–"
            table.add_row(Text(r.name),
                          shown_day(r.last_session.astimezone(sup.zone).date())
                          if r.last_session else "none yet",
                          shown_day(r.next_due), str(r.open_actions), str(r.overdue_actions),
                          Text(follow),
                          Text(shown_day(r.last_share.astimezone(sup.zone).date())
                               if r.shared_band and r.last_share else "not shared"),
                          key=r.contact_id, height=None)
        archived = [c for c in sup.supervisees(archived=True) if c.archived]
        self._archived.set_options([(Text(c.name), c.id) for c in archived])
        self._archived.display = bool(archived)
        self._restore.display = bool(archived)
        self._person_buttons.display = table.row_count > 0
        wanted, self._wanted = self._wanted, None
        if wanted is None and current is not None:
            wanted = current.id
        if wanted in self._team:
            table.move_cursor(row=table.get_row_index(wanted))
        if not table.row_count:
            self._detail.update(
                "No one yet. If you supervise others, add each of them with Add someone… "
                "below: their identity card, with the fingerprint they read out to you.")
        else:
            self._show_row()

    def person(self) -> Contact | None:
        """The highlighted person, if anyone is on the team."""
        table = self._table
        if not table.is_mounted or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._team.get(str(key))

    def select(self, contact_id: str) -> None:
        """Highlight the person *contact_id* (once the table is drawn, if it is not yet)."""
        if not self.loaded:
            self._wanted = contact_id
            return
        if contact_id in self._team:  # a colleague, not on the team: nothing to highlight
            self._table.move_cursor(row=self._table.get_row_index(contact_id))

    @on(DataTable.RowHighlighted, "#team")
    def _show_row(self) -> None:
        contact = self.person()
        if contact is None:
            return
        row = next((r for r in self.sup.team() if r.contact_id == contact.id), None)
        if row is None:
            return
        bands = (f"\nCheck-in bands {row.name} chose to share:\n{row.shared_band}"
                 if row.shared_band else f"\n{row.name} has not shared check-in bands.")
        self._detail.update(Text(
            f"{row.name}: {label(ROSTER_STATUSES, row.status)}. "
            + ("Fingerprint checked." if contact.verified else "Fingerprint not checked.")
            + bands))

    def _chosen_person(self) -> Contact | None:
        """The highlighted person, the tab shown so the user sees whom; or said why not."""
        self.show_tab(self.TAB)
        contact = self.person()
        if contact is None:
            self.say("No one is on your team yet. Add someone you supervise first (Add "
                     "someone…).", error=True)
        return contact

    # --- shares received ---

    @on(Button.Pressed, "#team-shares")
    def team_shares(self) -> None:
        contact = self._chosen_person()
        if contact is not None:
            self.read_shares(contact)

    def read_shares(self, sender: Contact, packet_id: str | None = None) -> None:
        """What *sender* shared, whole, to read and scroll: the one just opened, or all of
        theirs, newest first."""
        from kit.tui.screens.supervision.dialogs import ReadDialog

        shares = self.sup.shares_from(sender, packet_id)
        if not shares:
            self.say(f"{sender.name} has not shared anything with you yet (or nothing kept "
                     "here).")
            return
        zone = self.sup.zone
        parts = [f"Received {s.received_at.astimezone(zone):%d %b %Y, %H:%M}, covering "
                 f"{s.start} to {s.end}\n\n{s.text.rstrip()}" for s in shares]
        count = len(shares)
        intro = (f"The share {sender.name} sent you. It is kept in your vault: the Team "
                 "tab's Shares… shows it again." if packet_id is not None else
                 f"Everything {sender.name} has shared with you ({count} "
                 f"share{'s' if count != 1 else ''}), newest first.")
        self.app.push_screen(ReadDialog(intro, ("\n\n" + "─" * 40 + "\n\n").join(parts)))

    # --- archive ---

    @on(Button.Pressed, "#team-archive")
    def archive(self) -> None:
        from kit.tui.widgets.confirm import ConfirmDialog

        contact = self.person()
        if contact is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_archived(contact, True)

        self.app.push_screen(ConfirmDialog(
            f"Archive {contact.name}? They leave the team view; their records are kept, and "
            "you can restore them here.", yes="Archive"), answered)

    @on(Button.Pressed, "#team-restore")
    def restore(self) -> None:
        from kit.tui.widgets.confirm import ConfirmDialog

        value = self._archived.value
        contact = next((c for c in self.sup.supervisees(archived=True) if c.id == value), None)
        if contact is None:
            self.say("Choose whom to restore from the list first.", error=True)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_archived(contact, False)

        self.app.push_screen(ConfirmDialog(
            f"Restore {contact.name} to the team view?", yes="Restore"), answered)

    def _set_archived(self, contact: Contact, archived: bool) -> None:
        try:
            self.sup.archive(contact, archived)
        except KitError as exc:
            self.say(f"Not changed: {exc.message}", error=True)
            return
        self.say(f"{contact.name} {'archived' if archived else 'restored'}.")
        self.changed()

    # --- the agreement ---

    @on(Button.Pressed, "#team-agreement")
    def agreement(self) -> None:
        from kit.tui.screens.supervision.agreement_form import AgreementForm

        contact = self._chosen_person()
        if contact is not None:
            self.app.push_screen(AgreementForm(self.sup, contact), callback=self.agreement_saved)

    # --- handover ---

    @on(Button.Pressed, "#team-handover")
    def handover(self) -> None:
        from kit.tui.screens.supervision.dialogs import HandoverDialog

        person = self._chosen_person()
        if person is None:
            return
        sup = self.sup
        others = [c for c in sup.contacts() if c.id != person.id]
        if not others:
            self.say(f"Add {person.name}'s new supervisor first: their identity card, with "
                     "Add someone… (they are \"A colleague\").", error=True)
            return
        relation = {c.value: c.label for c in RELATIONS}
        choices = [(Text(f"{c.name} ({relation.get(c.relation, c.relation).lower()})"), c.id)
                   for c in others]

        def chosen(answers: dict[str, str] | None) -> None:
            if not answers:
                return
            to = next((c for c in others if c.id == answers["to"]), None)
            if to is not None:
                self._confirm_handover(person, to, Path(answers["path"]).expanduser())

        self.app.push_screen(HandoverDialog(
            f"Hand {person.name}'s supervision over to a new supervisor: every agreement and "
            f"session record about {person.name}, with every version and answer, and "
            f"{person.name}'s identity card, sealed so only the new supervisor can open it.",
            choices, free_path("supervision-handover", sup.today())), chosen)

    def _confirm_handover(self, person: Contact, to: Contact, path: Path) -> None:
        from kit.tui.widgets.confirm import ConfirmDialog
        from kit.tui.widgets.replace_file import write_or_ask

        sup = self.sup
        try:
            sealed = sup.handover(person, to)
        except KitError as exc:
            self.say(f"Not sealed: {exc.message}", error=True)
            return
        count = len(sealed.packet.content["documents"])
        drafts = sup.unsent_drafts(person)
        unsent = ("" if not drafts else
                  f" 1 of them ends in a draft never sent to {person.name}; it goes as a draft."
                  if drafts == 1 else
                  f" {drafts} of them end in a draft never sent to {person.name}; those go as "
                  "drafts.")

        def written(_logged: object) -> None:
            self.say(f"{sealed.summary} sealed for {to.name}: {path}. Send {to.name} that "
                     f"file. When {to.name} has opened it, archive {person.name} here.")
            self.changed()
            self._offer_archive(person, to)

        def answered(yes: bool | None) -> None:
            if not yes:
                self.say("Nothing was written.")
                return
            write_or_ask(self.app, lambda overwrite: sup.save(sealed, path,
                                                              overwrite=overwrite),
                         written, lambda why: self.say(f"Not sealed: {why}", error=True),
                         self.say)

        self.app.push_screen(ConfirmDialog(
            f"The file will hold {count} record{'s' if count != 1 else ''} about {person.name}"
            f" and {person.name}'s identity card.{unsent} Seal them for {to.name}? Once sent, "
            "it cannot be recalled.", yes="Seal and save"), answered)

    def _offer_archive(self, person: Contact, to: Contact) -> None:
        from kit.tui.widgets.confirm import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_archived(person, True)

        self.app.push_screen(ConfirmDialog(
            f"Archive {person.name} now? They leave your team view; their records stay here "
            f"until your retention period ends. You can wait until {to.name} has opened the "
            "file, and archive them then.", yes="Archive", no="Not now"), answered)

    # --- retention ---

    @on(Button.Pressed, "#team-retention")
    def retention(self) -> None:
        """Offer to delete the records older than retention_months, after listing them."""
        from kit.tui.widgets.confirm import ConfirmDialog

        months = self._retention_months()
        if not months:
            self.say("No retention period is set, so records are kept until you delete them. "
                     "To set one, put `retention_months = 24` (for example) under "
                     "`[supervision]` in config.toml in the kit's folder, then open the kit "
                     "again.")
            return
        sup = self.sup
        try:
            old = sup.expired(months)
        except KitError as exc:
            self.say(exc.message, error=True)
            return
        if not old:
            self.say(f"Nothing is older than {months} month{'s' if months != 1 else ''}.")
            return
        names = sup.names()
        lines = [f"  {d.short_id}  {d.type_label}, {names.get(d.supervisee, '?')}, "
                 f"last changed {d.last_activity().astimezone(sup.zone):%Y-%m-%d}" for d in old]
        if len(lines) > 8:  # the dialog must keep its buttons on screen
            lines = [*lines[:7], f"  … and {len(lines) - 7} more, all as old (each is "
                                 "deleted with these)"]

        def answered(yes: bool | None) -> None:
            if not yes:
                self.say("Nothing was deleted.")
                return
            try:
                deleted = sup.delete_records(old)
            except KitError as exc:
                self.say(f"Not deleted: {exc.message}", error=True)
                return
            self.say(f"Deleted {deleted} record{'s' if deleted != 1 else ''}. Encrypted "
                     "copies stay in the vault's local backups until newer backups replace "
                     "them.")
            self.changed()

        self.app.push_screen(ConfirmDialog(
            f"These {len(old)} record{'s are' if len(old) != 1 else ' is'} older than "
            f"{counted(months, 'month')} (nothing was made, sent or answered since):\n"
            + "\n".join(lines) + "\n\nDelete them? This cannot be undone.", yes="Delete"),
            answered)
