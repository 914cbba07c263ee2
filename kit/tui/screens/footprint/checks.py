"""Footprint's "Checks" tab: what a doxer could find first, without the kit becoming the leak.

Every network check goes the same way as on the command line: its plan is shown in full
(ConsentDialog) and nothing is sent unless the user presses Send; the requests run in a thread
worker through the one transport; every request is kept in the encrypted ledger, whether the
check worked or not; what was found goes into the findings register (the pane says so with
`ChecksPane.Recorded`, and the screen shows the other tabs again). Photo checks are offline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from kit.errors import KitError
from kit.plurals import counted
from kit.tui.key_hint import key_hint
from kit.tui.panes import AreaPane
from kit.tui.screens.consent import ConsentDialog

if TYPE_CHECKING:
    from kit.footprint.plan import Plan
    from kit.footprint.service import Footprint
    from kit.footprint.transport import LedgerEntry, Session

T = TypeVar("T")
FORGET_KEY = "\"Forget key\" (next to Breaches…) removes it"


class ChecksPane(VerticalScroll, AreaPane):
    DEFAULT_CSS = """
    ChecksPane {
        padding: 0 2;
    }
    ChecksPane .check-row {
        height: auto;
    }
    ChecksPane .check-row Input {
        width: 1fr;
    }
    ChecksPane .check-row Button {
        margin-left: 1;
    }
    ChecksPane #check-result {
        border: round $panel;
        padding: 0 1;
        margin-top: 1;
        min-height: 3;
    }
    """

    class Recorded(Message):
        """A check kept findings or ledger entries: the other tabs show them again."""

    def __init__(self) -> None:
        super().__init__(id="checks")
        self._revealing: list[Any] = []  # the last photo check's pictures that carry details

    def compose(self) -> ComposeResult:
        yield Static("Each check shows exactly what it would send, and to whom, before "
                     "anything leaves this computer. Photo checks never use the "
                     "network.", classes="hint", markup=False)
        yield Label("A password you use (checked by the first 5 characters of its "
                    "hash only)", classes="field-label")
        with Horizontal(classes="check-row"):
            yield Input(password=True, placeholder="password", id="password")
            yield Button("Check password", id="check-password")
        yield Label("Your email address", classes="field-label")
        with Horizontal(classes="check-row"):
            yield Input(placeholder="name@example.org", id="email")
            yield Button("Gravatar", id="check-gravatar")
            yield Button("Breaches…", id="check-email")
            yield Button("Forget key", id="forget-key",
                         tooltip="Remove the HIBP API key kept in this computer's "
                                 "keyring")
        yield Label("Your domain name, if you have one", classes="field-label")
        with Horizontal(classes="check-row"):
            yield Input(placeholder="example.org", id="domain")
            yield Button("Check domain", id="check-domain")
        yield Label("Usernames you use (separate with spaces)", classes="field-label")
        with Horizontal(classes="check-row"):
            yield Input(placeholder="your-handle", id="usernames")
            yield Button("Scan sites…", id="scan-usernames")
        yield Label("Photos: a file or folder (offline)", classes="field-label")
        with Horizontal(classes="check-row"):
            yield Input(placeholder="~/Pictures/to-post", id="photos")
            yield Button("Look inside", id="check-photos")
            # Shown once a photo check finds pictures that carry details.
            clean = Button("Clean copies…", id="strip-photos",
                           tooltip="Copies of the pictures that carry details, with "
                                   "only the picture in them (originals unchanged)")
            clean.display = False
            yield clean
        yield Static("", id="check-result", markup=False)

    @property
    def footprint(self) -> Footprint:
        """The one door to the footprint records (kit.footprint.service)."""
        from kit.footprint.service import Footprint

        return Footprint(self.workspace)

    def cancel(self) -> None:
        """Stop the network check that is running (what was sent is in the ledger)."""
        for worker in self.workers:
            if worker.group == "footprint":
                worker.cancel()

    def _result(self, text: str | Text) -> None:
        from kit.tui.app_words import app_words

        self.query_one("#check-result", Static).update(
            app_words(text) if isinstance(text, str) else text)

    def _refuse(self, field: str, text: str) -> None:
        """A check refused before anything is sent: say why, and put the focus on the field
        at fault, so what is typed next lands there (not on the button just pressed)."""
        self._result(text)
        self.query_one(field, Input).focus()

    # --- the one way a network check runs ---

    def run_check(self, plan: Plan, send: Callable[[Session, float], T],
                  done: Callable[[list[LedgerEntry], T], None]) -> None:
        """Show *plan*; if approved, send it in a worker and hand the requests it made and
        the result to *done*, which keeps them (through the service) and says what was
        found."""

        def answered(approved: bool | None) -> None:
            if approved:
                count = len(plan.requests)
                self._result(f"Sending {count} request{'s' if count != 1 else ''}…")
                self._send(plan, send, done)
            else:
                self._result("Nothing was sent.")

        self.app.push_screen(ConsentDialog(plan), answered)

    @work(thread=True, exclusive=True, group="footprint", exit_on_error=False)
    def _send(self, plan: Plan, send: Callable[[Session, float], T],
              done: Callable[[list[LedgerEntry], T], None]) -> None:
        from kit.footprint.service import Footprint

        config = self.kit_app.services.config
        outcome: Any
        entries: list[LedgerEntry] = []
        try:
            outcome = Footprint.send(plan, config, entries, send)
        except KitError as exc:
            outcome = exc
        self.app.call_from_thread(self._finish, entries, outcome, done)

    def _finish(self, entries: list[LedgerEntry], outcome: Any,
                done: Callable[[list[LedgerEntry], Any], None]) -> None:
        if self.kit_app.workspace is None or not self.is_mounted:
            return  # locked meanwhile: the vault is closed, so the ledger cannot take these
        if isinstance(outcome, KitError):
            try:
                self.footprint.keep(entries)
            except KitError as exc:
                self.notify(f"The ledger could not be updated: {exc.message}",
                            severity="error")
            self._result(f"The check did not finish: {outcome.message}")
        else:
            try:
                done(entries, outcome)  # the requests and what was found, in one commit
            except KitError as exc:
                self._result(f"The result could not be saved: {exc.message}")
        self.post_message(self.Recorded())

    # --- the checks ---

    @on(Button.Pressed, "#check-password")
    @on(Input.Submitted, "#password")
    def check_password(self) -> None:
        from kit.footprint import passwords

        field = self.query_one("#password", Input)
        if not field.value:
            self._refuse("#password", "Type a password to check.")
            return
        try:
            plan, suffix = passwords.plan(field.value)
        except KitError as exc:
            self._refuse("#password", exc.message)
            return
        field.value = ""  # not kept on screen a moment longer than needed
        request = plan.requests[0]

        def done(entries: list[LedgerEntry], result: passwords.PasswordResult) -> None:
            self.footprint.record_password(entries, result)
            advice = (" Change it wherever you use it, and use a different password for each "
                      "site." if result.found else "")
            self._result(f"This password was {result.message}.{advice}")

        self.run_check(plan, lambda session, timeout: passwords.evaluate(
            session.send(request, timeout=timeout), suffix), done)

    @on(Button.Pressed, "#check-gravatar")
    def check_gravatar(self) -> None:
        from kit.footprint import gravatar
        from kit.footprint.breaches import normalise_email

        email = self.query_one("#email", Input).value
        try:
            plan = gravatar.plan(email)
        except KitError as exc:
            self._refuse("#email", exc.message)
            return
        request = plan.requests[0]

        def send(session: Session, timeout: float) -> gravatar.GravatarResult:
            avatar = gravatar.evaluate_avatar(session.send(request, timeout=timeout))
            return gravatar.GravatarResult(gravatar.email_hash(normalise_email(email)),
                                           avatar)

        def done(entries: list[LedgerEntry], result: gravatar.GravatarResult) -> None:
            self.footprint.record_gravatar(entries, email, result)
            self._result("A public Gravatar picture is linked to this address: sites that "
                         "show it link your accounts." if result.avatar else
                         "No public Gravatar picture is linked to this address.")

        self.run_check(plan, send, done)

    @on(Button.Pressed, "#check-email")
    def check_email(self) -> None:
        """HIBP breaches: the key comes from the keyring, or is asked for (and then, once HIBP
        has accepted it, kept in the keyring only if the user says yes)."""
        from kit.errors import KeyringUnavailable
        from kit.footprint import breaches
        from kit.tui.widgets.ask import Ask, AskDialog

        try:
            email = breaches.normalise_email(self.query_one("#email", Input).value)
        except KitError as exc:
            self._refuse("#email", exc.message)
            return
        try:
            kept = breaches.key_from_environment() or breaches.stored_key()
        except KeyringUnavailable:
            kept = None
        if kept is not None:
            self._check_email(email, kept, typed=False)
            return

        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self._check_email(email, answers["key"].strip(), typed=True)

        self.app.push_screen(AskDialog(
            "Have I Been Pwned needs your API key for this check (from "
            "haveibeenpwned.com/API/Key). After the check, the kit asks whether to keep it in "
            "this computer's keyring; it is not kept unless you say so.",
            [Ask("key", "HIBP API key", password=True)], ok="Continue",
            required=("key",)), answered)

    def _check_email(self, email: str, api_key: str, *, typed: bool) -> None:
        from datetime import UTC, datetime

        from kit.footprint import breaches

        now = datetime.now(UTC)
        refresh = self.footprint.catalogue_needs_refresh(now)
        try:
            api_key = breaches.check_key(api_key)
            plan = breaches.plan(email, api_key, refresh_catalogue=refresh)
        except KitError as exc:
            self._result(exc.message)
            return

        def said(text: str) -> None:  # from the worker: a wait the server asked for
            self.app.call_from_thread(self._result, text)

        def send(session: Session, timeout: float) -> tuple[Any, Any]:
            response = breaches.send_account(session, plan.requests[0], timeout=timeout,
                                             notify=said)
            found = breaches.evaluate_account(response, key_source="terminal" if typed
                                              else "keyring", forget=FORGET_KEY)
            fetched = None
            if refresh:
                try:
                    answer = session.send(plan.requests[1], timeout=timeout)
                    if answer.status == 200 and not answer.truncated:
                        fetched = breaches.parse_breaches(answer.body, plan.requests[1].host)
                except KitError:
                    fetched = None  # the account's answer is in; details come from the old copy
            return found, fetched

        def done(entries: list[LedgerEntry], outcome: tuple[Any, Any]) -> None:
            found, fetched = outcome
            result = self.footprint.record_breaches(entries, email, found, fetched, now)
            if typed:
                self._offer_to_keep(api_key)
            if not result.found:
                self._result(f"{email} was not found in any known breach.")
                return
            text = Text(f"{email} appears in {len(result.breaches)} known breach(es):\n",
                        style="bold")
            for breach in result.breaches:
                text.append(f"  • {breach.describe()}\n")
            text.append("\nFor each one, change that site's password, and the same password "
                        "anywhere else you used it.")
            self._result(text)

        self.run_check(plan, send, done)

    def _offer_to_keep(self, api_key: str) -> None:
        """HIBP accepted a typed key: keep it in the keyring only if the user says so."""
        from kit.footprint import breaches
        from kit.tui.widgets.confirm import ConfirmDialog

        try:
            can_keep = breaches.can_keep_key()
            place = breaches.key_place() if can_keep else ""
        except KitError:
            can_keep = False
        if not can_keep:
            self.notify("Your HIBP API key was not kept (this computer has no secure keyring): "
                        "you will be asked for it next time.", markup=False, timeout=10)
            return

        def answered(keep: bool | None) -> None:
            if not keep:
                self.notify("Your HIBP API key was not kept: you will be asked for it next "
                            "time.", markup=False)
                return
            try:
                breaches.keep_key(api_key)
            except KitError as exc:
                self.notify(f"Your HIBP API key was not kept: {exc.message}", markup=False,
                            severity="warning", timeout=10)
                return
            self.notify(f"Your HIBP API key is kept in {place}. \"Forget key\" removes it.",
                        markup=False, timeout=10)

        self.app.push_screen(ConfirmDialog(
            f"Keep your HIBP API key in {place}, so you are not asked for it next time? "
            "Anyone who can use this computer's login could read it from there. "
            f"{FORGET_KEY} at any time.",
            yes="Keep it", no="Don't keep it"), answered)

    @on(Button.Pressed, "#forget-key")
    def forget_key(self) -> None:
        from kit.footprint import breaches

        try:
            removed = breaches.forget_key()
        except KitError as exc:
            self._result(f"Nothing to remove: {exc.message}.")
            return
        self._result("Your HIBP API key was removed from this computer's keyring; the next "
                     "breach check asks for it." if removed else
                     "No HIBP API key was kept in this computer's keyring; nothing was removed.")

    @on(Button.Pressed, "#scan-usernames")
    @on(Input.Submitted, "#usernames")
    def scan_usernames(self) -> None:
        from kit.tui.screens.scan import ScanScreen

        names = self.query_one("#usernames", Input).value.split()
        if not names:
            self._refuse("#usernames", "Type one or more usernames you use, separated by "
                         "spaces.")
            return
        try:
            scan_plan = self.footprint.plan_scan(names)
        except KitError as exc:
            self._refuse("#usernames", exc.message)
            return

        def answered(approved: bool | None) -> None:
            if approved:
                def scanned(_result: None) -> None:
                    self.post_message(self.Recorded())

                self.app.push_screen(ScanScreen(scan_plan), scanned)
            else:
                self._result("Nothing was sent.")

        self.app.push_screen(ConsentDialog(scan_plan.plan), answered)

    # --- checks that ask again as they go (the domain's registrar is only known later) ---

    def approve_from_worker(self, plan: Plan) -> None:
        """For a check running in a worker: show *plan*, wait for the answer, and refuse
        (NetworkRefused) unless the user pressed Send."""
        import threading

        from kit.errors import NetworkRefused

        answer: dict[str, bool] = {}
        ready = threading.Event()

        def ask() -> None:
            def answered(approved: bool | None) -> None:
                answer["ok"] = bool(approved)
                ready.set()

            self.app.push_screen(ConsentDialog(plan), answered)

        self.app.call_from_thread(ask)
        while not ready.wait(0.1):
            if not self.is_mounted or self.kit_app.workspace is None:
                raise NetworkRefused("the kit locked before you answered; nothing was sent")
        if not answer["ok"]:
            raise NetworkRefused("you chose not to send it; nothing was sent")

    @on(Button.Pressed, "#check-domain")
    @on(Input.Submitted, "#domain")
    def check_domain(self) -> None:
        from kit.footprint import rdap

        name = self.query_one("#domain", Input).value
        try:
            rdap.parse_domain(name)  # a typo is said at once, before any question
        except KitError as exc:
            self._refuse("#domain", exc.message)
            return
        self._result("Checking the domain's public record…")
        self._domain(name)

    @work(thread=True, exclusive=True, group="footprint", exit_on_error=False)
    def _domain(self, name: str) -> None:
        from kit.footprint.transport import Transport

        config = self.kit_app.services.config
        footprint = self.footprint
        outcome: Any
        try:
            with Transport.from_config(config) as transport:
                outcome = footprint.check_domain(
                    name, transport=transport, approve=self.approve_from_worker,
                    timeout=config.network_timeout)
        except KitError as exc:
            outcome = exc
        self.app.call_from_thread(self._domain_done, name, outcome)

    def _domain_done(self, name: str, outcome: Any) -> None:
        if not self.is_mounted:
            return
        if isinstance(outcome, KitError):
            self._result(f"The check did not finish: {outcome.message}")
        else:
            text = Text()
            if outcome.findings:
                text.append(f"The public record of {name} shows personal details:\n",
                            style="bold")
                for finding in outcome.findings:
                    text.append(f"  • {finding.title}\n    {finding.exposed}\n")
                text.append(f"\nWhat to do: Prepare ({key_hint(self, 'area-prepare')}), the "
                            "domain privacy step.", style="italic")
            elif outcome.complete:
                text.append(f"The public record of {name} shows no personal details.")
            if not outcome.complete:
                # Never "shows no personal details" for a record not read in full.
                lead = "\n\n" if outcome.findings else ""
                text.append(f"{lead}Not all of the public record of {name} could be read, "
                            "so the kit cannot say the rest shows no personal details. "
                            "Not read:\n", style="bold")
                for gap in outcome.gaps:
                    text.append(f"  • {gap}\n")
            for note in outcome.notes:
                text.append(f"\nNote: {note}", style="dim")
            self._result(text)
        self.post_message(self.Recorded())

    @on(Button.Pressed, "#check-photos")
    @on(Input.Submitted, "#photos")
    def check_photos(self) -> None:
        from pathlib import Path

        given = self.query_one("#photos", Input).value.strip()
        if not given:
            self._refuse("#photos", "Give a photo or a folder of photos to look inside.")
            return
        self._result("Looking inside the photos (nothing leaves this computer)…")
        self._scan_photos(Path(given).expanduser())

    @work(thread=True, exclusive=True, group="photos", exit_on_error=False)
    def _scan_photos(self, path: Any) -> None:
        from kit.footprint import photos

        try:
            reports: Any = photos.scan([path])
        except KitError as exc:
            reports = exc
        self.app.call_from_thread(self._photos_done, reports)

    def _photos_done(self, reports: Any) -> None:
        from kit.footprint.photos import printable_path

        if isinstance(reports, KitError):
            self._result(f"Could not look inside: {reports.message}")
            return
        # What a photo check finds becomes a finding, as every other check's does.
        try:
            recorded, fixed = self.footprint.record_photos(reports)
        except KitError as exc:
            kept = f"Not added to your findings: {exc.message}\n"
        else:
            kept = (f"{counted(recorded, 'picture')} added to your findings"
                    + (f", {fixed} marked fixed" if fixed else "") + ".\n"
                    if recorded or fixed else "")
        self.post_message(self.Recorded())
        text = Text()
        revealing = [r for r in reports if r.items and not r.clean]
        text.append(f"{counted(len(reports), 'file')} looked at; {len(revealing)} "
                    f"carr{'ies' if len(revealing) == 1 else 'y'} details about you or where "
                    f"{'it was' if len(revealing) == 1 else 'they were'} taken.\n",
                    style="bold")
        if kept:
            text.append(kept)
        for report in reports:
            if report.clean and not report.reason:
                continue
            text.append(f"\n{printable_path(report.path)}\n", style="bold")
            if report.reason:
                text.append(f"  {report.reason}\n", style="dim")
            for item in report.items:
                value = f": {item.value}" if item.value else ""
                text.append(f"  [{item.severity}] {item.label}{value}\n")
        self._revealing = [r.path for r in revealing]
        self.query_one("#strip-photos").display = bool(revealing)
        if revealing:
            text.append("\nTo make copies that hold only the picture, press Clean copies… "
                        "(your originals are not changed).", style="italic")
        self._result(text)

    @on(Button.Pressed, "#strip-photos")
    def strip_photos(self) -> None:
        """Clean copies of the last check's revealing pictures, into a folder the user names."""
        from pathlib import Path

        from kit.tui.widgets.ask import Ask, AskDialog

        pictures = list(self._revealing)
        if not pictures:
            return
        count = len(pictures)
        default = Path(pictures[0]).parent / "clean-copies"

        def answered(answers: dict[str, str] | None) -> None:
            if answers:
                self._result("Making clean copies…")
                self._strip(pictures, Path(answers["folder"]).expanduser())

        self.app.push_screen(AskDialog(
            f"Make copies of the {count} picture{'s' if count != 1 else ''} that carry "
            "details, holding only the picture: no location, camera, dates or comments. Your "
            "originals are not changed, and a copy already in the folder is not replaced.",
            [Ask("folder", "Folder for the clean copies (made if it is not there)",
                 value=str(default))], ok="Make copies", required=("folder",)), answered)

    @work(thread=True, exclusive=True, group="photos", exit_on_error=False)
    def _strip(self, pictures: list[Any], folder: Any) -> None:
        from kit.footprint import photo_strip, photos

        made: list[Any] = []
        problems: list[str] = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problems.append(f"could not make the folder {photos.printable_path(folder)}: "
                            f"{exc.strerror}")
        else:
            for picture in pictures:
                try:
                    made.append(photo_strip.strip(picture, folder))
                except KitError as exc:
                    problems.append(exc.message)
        self.app.call_from_thread(self._stripped, made, problems, folder)

    def _stripped(self, made: list[Any], problems: list[str], folder: Any) -> None:
        from kit.footprint.photos import printable_path

        text = Text(f"{counted(len(made), 'clean copy', 'clean copies')} made in "
                    f"{printable_path(folder)}; your originals are unchanged.\n", style="bold")
        for result in made:
            text.append(f"  {printable_path(result.output)}\n")
            for note in result.notes:
                text.append(f"    {note}\n", style="dim")
        for problem in problems:
            text.append(f"Not made: {problem}\n")
        self._result(text)
