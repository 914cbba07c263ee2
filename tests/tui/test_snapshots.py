"""SVG snapshots of each screen, a few per screen, with fixed data, clock, time zone and theme.

Every record goes in through the repositories with a datetime relative to FIXED_NOW, the screens
show times in UTC, cursors do not blink and the mouse never moves, so a snapshot changes only when
a screen does. Nothing random reaches the screen: no recovery key, vault id or fingerprint.
Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, TabbedContent, TextArea

from kit.config import Config
from kit.demo import prepare_demo
from kit.records.drafts import Drafts
from kit.records.exposure import Exposure
from kit.records.incidents import Incidents, Reference
from kit.records.journal import Journal
from kit.records.progress import ProgressLog
from kit.records.wellbeing_plan import Contact, Plan, WellbeingPlan
from kit.tui.widgets.text_view import TextView
from kit.vault import Credentials, Vault
from kit.wellbeing.checkins import CheckIns
from kit.wellbeing.library import Instruments
from tests.conftest import PASSPHRASE
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import FIXED_NOW, showing, unlock, wait_for

SIZE = (110, 34)
RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
Fill = Callable[[Vault], None]


@pytest.fixture(scope="session")
def snapshot_tempdir() -> str | None:
    """Where pytest-textual-snapshot keeps failed shots for its report, read before the
    per-test environment (tests/conftest.py) drops every TEXTUAL* variable."""
    return os.environ.get("TEXTUAL_SNAPSHOT_TEMPDIR")


@pytest.fixture(autouse=True)
def snapshot_report(snapshot_tempdir: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if snapshot_tempdir is not None:
        monkeypatch.setenv("TEXTUAL_SNAPSHOT_TEMPDIR", snapshot_tempdir)


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Screens show local times; pin local time to UTC for the whole test."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


# --- data: obviously made up, every date fixed relative to FIXED_NOW ---

def days_ago(days: float, hours: float = 0) -> Any:
    return FIXED_NOW - timedelta(days=days, hours=hours)


def journal(vault: Vault) -> None:
    j = Journal(vault)
    j.add("Court hearing for the Maple Lane file moved again.\nFrustrated, but the reading "
          "group in the evening helped.", ["court"], 4, when=days_ago(9, 2))
    j.add("Supervision with Ada about the Harbour Street visit.\nWe agreed I take Friday "
          "afternoons for write-ups.", ["supervision"], 6, when=days_ago(6, 1))
    j.add("Quiet morning in the office.\nTeam lunch with Priya and Tom; the kettle broke "
          "again.", ["team"], 8, when=days_ago(3, 3))
    j.add("Long day at court for the Willow Road hearing.\nWalked home the long way and "
          "felt lighter by the canal.", ["court", "walk"], 5, when=days_ago(1, 4))


def exposure(vault: Vault) -> None:
    e = Exposure(vault)
    e.add(material=["text"], impact=3, when=days_ago(15, 3), minutes=30, volume="few",
          steps=["breaks"], outcome_known=True)
    e.add(material=["image"], impact=5, when=days_ago(9, 1), minutes=60, volume="some",
          flags=["unexpected"], steps=["filters", "greyscale"])
    e.add(material=["video", "audio"], impact=6, when=days_ago(2, 5), minutes=45,
          volume="few", flags=["violent"], steps=["breaks", "audio-off", "smaller-view"],
          outcome_known=False, note="Took a walk round the block afterwards. Tired but okay.")


def pulse_answers(instruments: Instruments, level: int) -> dict[str, int]:
    """Answers whose Overall mean is *level* (the reverse item answered the other way)."""
    pulse = instruments.get("pulse")
    return {item.id: (10 - level if item.reverse else level) for item in pulse.items}


def one_checkin(vault: Vault) -> None:
    instruments = Instruments(vault)
    CheckIns(vault, instruments=instruments).add(
        "pulse", pulse_answers(instruments, 7), when=days_ago(8, 1))


def checkin_series(vault: Vault) -> None:
    """Five weekly check-ins; the last falls by 3 points, a change the trends chart marks."""
    instruments = Instruments(vault)
    checkins = CheckIns(vault, instruments=instruments)
    for weeks_ago, level in ((5, 7), (4, 8), (3, 7), (2, 8), (1, 5)):
        checkins.add("pulse", pulse_answers(instruments, level), when=days_ago(weeks_ago * 7 + 1))


def journal_draft(vault: Vault) -> None:
    # The home screen says a draft exists but never shows when it was saved (that is "now").
    Drafts(vault).save("journal", {"text": "Half a thought about the Willow Road visit",
                                   "tags": "", "mood": ""})


def plan(vault: Vault) -> None:
    WellbeingPlan(vault).save(Plan(
        keeps_me_well="Walking the dog before work.\nSwimming on Thursdays.",
        warning_signs="Skipping lunch; replaying cases at night.",
        triggers="Back-to-back video reviews.",
        what_helps="A short walk, and telling Ada when the load is too much.",
        if_worse="Book time with the staff counsellor and tell my supervisor.",
        contacts=(Contact("Sam (friend)", "07700 900123"),
                  Contact("Ada (supervisor)", "extension 4521")),
        review_date=date(2027, 2, 1),
    ))


def preparation(vault: Vault) -> None:
    log = ProgressLog(vault)
    today = FIXED_NOW.date()
    log.mark("triage-trusted-person", "done", today=today - timedelta(days=3))
    log.mark("records-open-register", "delegated", today=today, delegated_to="Sam")


def incident(vault: Vault, evidence_file: Path) -> None:
    incidents = Incidents(vault)
    found = incidents.add(category="doxing", platform="A made-up forum", when=days_ago(2, 5),
                          description="A post gave my street and the name of my team.",
                          urls=("https://forum.example/thread/42",),
                          references=(Reference("police", "CR/0000/26"),))
    incidents.add_file(found.id, evidence_file, captured_by="Me", method="phone screenshot",
                       captured_at=days_ago(2, 4))
    incidents.add_url(found.id, "https://forum.example/thread/42#post-7", captured_by="Me",
                      captured_at=days_ago(2, 4))


@pytest.fixture
def seed(vault_path: Path) -> Callable[..., Path]:
    """A closed vault holding what the given fillers put in it."""

    def make(*fills: Fill) -> Path:
        vault, _recovery = Vault.create(vault_path, PASSPHRASE, "minimum")
        try:
            for fill in fills:
                fill(vault)
        finally:
            vault.close()
        return vault_path

    return make


# --- driving the app: keys and values only, the mouse never moves (no hover, no tooltips) ---

async def steady(pilot: Pilot[Any]) -> None:
    """Stop every cursor blinking, so the snapshot does not depend on the moment it is taken."""
    await pilot.pause()
    for screen in pilot.app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            assert isinstance(widget, Input | TextArea)
            widget.cursor_blink = False
    await pilot.pause()


async def go(pilot: Pilot[Any], key: str, screen: str) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: showing(pilot, screen), screen)
    await pilot.pause()


def unlocked(then: RunBefore | None = None) -> RunBefore:
    async def run_before(pilot: Pilot[Any]) -> None:
        await unlock(pilot)
        if then is not None:
            await then(pilot)
        await steady(pilot)

    return run_before


async def tab(pilot: Pilot[Any], pane: str) -> None:
    """Show a Wellbeing tab, once all of it is there (a tab is built when first shown)."""
    await show_tab(pilot, "wellbeing-tabs", pane)


# --- first run ---

def test_welcome_intro(snap_compare, make_app, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # The intro names the vault folder; a relative one keeps the random tmp path off screen.
    monkeypatch.chdir(tmp_path)
    app = make_app(vault_path=Path("kit-home") / "vault")

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "WelcomeScreen"), "welcome")
        await steady(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_welcome_passphrase_strength(snap_compare, make_app, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    app = make_app(vault_path=Path("kit-home") / "vault")

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "WelcomeScreen"), "welcome")
        await pilot.press("enter")  # Continue
        await pilot.pause()
        app.screen.query_one("#new", Input).value = "lantern orchard pebble"
        await wait_for(pilot, lambda: "▮" in str(app.screen.query_one("#strength").render()),
                       "the strength meter")
        await steady(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


# --- lock ---

def test_lock(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=SIZE)


def test_lock_wrong_passphrase(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        app.screen.query_one("#passphrase", Input).value = "not the passphrase"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "did not open" in str(app.screen.query_one("#status")
                                                             .render()), "the refusal")
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=SIZE)


def test_recovery_refused_at_80x24(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def run_before(pilot: Pilot[Any]) -> None:
        app: Any = pilot.app
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        app.screen.query_one("#forgot").focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "RecoverScreen"), "the recovery screen")
        await pilot.pause()
        await pilot.press(*"ABCD-EFGH", "enter")
        await pilot.press(*"a new calm harbour", "enter", *"a new calm harbour", "enter")
        await wait_for(pilot, lambda: "not a recovery key" in str(
            app.screen.query_one("#recover-problem").render()), "the refusal")
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_hidden_after_quick_hide(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(journal)

    async def hide(pilot: Pilot[Any]) -> None:
        await go(pilot, "f3", "JournalScreen")
        await go(pilot, "ctrl+l", "HiddenScreen")

    assert snap_compare(make_app(), run_before=unlocked(hide), terminal_size=SIZE)


# --- home and help ---

def test_home(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(one_checkin, journal_draft)
    assert snap_compare(make_app(), run_before=unlocked(), terminal_size=SIZE)


def test_home_high_contrast(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(one_checkin, journal_draft)
    app = make_app(config=Config(theme="kit-high-contrast"))
    assert snap_compare(app, run_before=unlocked(), terminal_size=SIZE)


def test_help(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def help_(pilot: Pilot[Any]) -> None:
        await go(pilot, "f1", "HelpScreen")

    assert snap_compare(make_app(), run_before=unlocked(help_), terminal_size=SIZE)


# --- journal ---

def test_journal_search(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(journal)

    async def search(pilot: Pilot[Any]) -> None:
        await go(pilot, "f3", "JournalScreen")
        await pilot.press("ctrl+f")
        await pilot.press(*"#court")
        await wait_for(pilot, lambda: "2 of 4" in str(pilot.app.screen.query_one("#count")
                                                      .render()), "the filtered list")
        # The preview follows the highlighted hit a moment after the list.
        await wait_for(pilot, lambda: "Willow Road" in pilot.app.screen.query_one(
            "#preview", TextView).text.plain, "the first hit's preview")

    assert snap_compare(make_app(), run_before=unlocked(search), terminal_size=SIZE)


def test_journal_editor_with_prompt(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(journal)

    async def write(pilot: Pilot[Any]) -> None:
        await go(pilot, "f3", "JournalScreen")
        await go(pilot, "ctrl+n", "EditorScreen")
        pilot.app.screen.query_one("#prompt", Select).value = "cycle"
        await wait_for(pilot, lambda: "What happened?" in pilot.app.screen.query_one(
            "#text", TextArea).text, "the prompt in the text")

    assert snap_compare(make_app(), run_before=unlocked(write), terminal_size=SIZE)


def test_journal_delete_confirmation(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(journal)

    async def delete(pilot: Pilot[Any]) -> None:
        await go(pilot, "f3", "JournalScreen")
        await go(pilot, "ctrl+d", "ConfirmDialog")

    assert snap_compare(make_app(), run_before=unlocked(delete), terminal_size=SIZE)


# --- exposure log ---

def test_exposure_list(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(exposure)

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f4", "ExposureScreen")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


def test_exposure_form(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(exposure)

    async def fill(pilot: Pilot[Any]) -> None:
        await go(pilot, "f4", "ExposureScreen")
        await go(pilot, "ctrl+n", "ExposureForm")
        form = pilot.app.screen
        form.query_one("#material", SelectionList).select("image")
        form.query_one("#minutes", Input).value = "40"

    assert snap_compare(make_app(), run_before=unlocked(fill), terminal_size=SIZE)


def test_support_after_a_heavy_session(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def heavy(pilot: Pilot[Any]) -> None:
        await go(pilot, "f4", "ExposureScreen")
        await go(pilot, "ctrl+n", "ExposureForm")
        form = pilot.app.screen
        form.query_one("#material", SelectionList).select("video")
        form.query_one("#impact", Input).value = "8"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: showing(pilot, "SupportScreen"), "the support prompt")

    assert snap_compare(make_app(), run_before=unlocked(heavy), terminal_size=SIZE)


# --- wellbeing ---

def test_wellbeing_checkin(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(one_checkin)

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f5", "WellbeingScreen")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


def test_wellbeing_trends(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(checkin_series, exposure)

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f5", "WellbeingScreen")
        await tab(pilot, "trends")
        notes = pilot.app.screen.query_one("#trend-notes")
        await wait_for(pilot, lambda: "x 15/11/2026" in str(notes.render()), "the marked drop")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


def test_wellbeing_plan(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(plan)

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f5", "WellbeingScreen")
        await tab(pilot, "plan")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


def test_wellbeing_instruments(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f5", "WellbeingScreen")
        await tab(pilot, "instruments")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


# --- preparing for doxing and swatting, and incidents ---

def test_happening_now_while_locked(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed()

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await go(pilot, "f9", "HappeningNowScreen")
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=SIZE)


def test_happening_now_first_question_at_80x24(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    """The first thing a frightened person sees after F9, on the smallest usual terminal."""
    seed()

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await go(pilot, "f9", "HappeningNowScreen")
        await steady(pilot)

    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_prepare_do_this_first(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(preparation)

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f6", "PrepareScreen")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


def test_incident_with_evidence(snap_compare, make_app, seed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / "screenshot-0042.png"
    shot.write_bytes(b"made-up screenshot bytes for the snapshot")
    seed(lambda vault: incident(vault, shot))

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f7", "IncidentsScreen")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=SIZE)


# --- supervision, over the demo (made-up people and records, dates relative to FIXED_NOW) ---

def test_supervision_team_in_the_demo(snap_compare, make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The team view shows names, dates, counts and shared bands: no fingerprint or id, so the
    # demo's new keys every run do not reach the screen.
    demo = prepare_demo(FIXED_NOW, parent=tmp_path)
    app = make_app(vault_path=demo.path, demo=True, demo_passphrase=demo.passphrase)

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: app.workspace is not None and showing(pilot, "HomeScreen"),
                       "the demo to open")
        await go(pilot, "f10", "SupervisionScreen")
        tabs = app.screen.query_one("#supervision-tabs", TabbedContent)
        tabs.active = "team-tab"
        await wait_for(pilot, lambda: tabs.active == "team-tab", "the team tab")
        await steady(pilot)

    try:
        assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
    finally:
        demo.cleanup()


# --- at 80x24: lists, buttons and footers that must not be cut ---

def findings(vault: Vault) -> None:
    from kit.records.findings import Findings

    register = Findings(vault)
    register.record("email", "sam@example.org/ExampleForum", "In the Example Forum breach",
                    "Your email address and a password hash", "high", "forum.example, 2020",
                    None, now=days_ago(3))
    register.record("gravatar", "sam@example.org", "A public Gravatar picture",
                    "A picture linked to your email address", "medium", "gravatar.com", None,
                    now=days_ago(2))
    fixed = register.record("domain", "example.org", "Your domain's public record",
                            "Your name and street in the registration", "high",
                            "rdap.example", None, now=days_ago(20))
    register.mark(fixed.id, "fixed", today=FIXED_NOW.date(), now=days_ago(1))


def test_footprint_findings_at_80x24(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    seed(findings)

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f8", "FootprintScreen")
        await show_tab(pilot, "footprint-tabs", "findings-tab")

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=(80, 24))


def test_supervision_team_at_80x24_with_a_one_line_status(snap_compare, make_app, vault_path: Path,  # type: ignore[no-untyped-def]
                                                         tmp_path: Path) -> None:
    # A supervisor lands on the Team tab; its people, buttons, a one-line status under the
    # header and the footer all fit at 80x24. Names only reach the screen, never a key.
    from kit.supervision.records import Session, new_action
    from kit.supervision.service import Supervision
    from kit.workspace import Workspace

    def named(path: Path, name: str) -> Workspace:
        vault = Vault.open(path, Credentials(passphrase=PASSPHRASE)) if path.exists() else \
            Vault.create(path, PASSPHRASE, "minimum")[0]
        workspace = Workspace(vault)
        Supervision(workspace, clock=lambda: FIXED_NOW).set_me(name, "")
        return workspace

    bo = named(vault_path, "Bo Supervisor")
    bo_sup = Supervision(bo, clock=lambda: FIXED_NOW)
    for name in ("Ana Practitioner", "Cy Youth Worker"):
        other = named(tmp_path / name.split()[0], name)
        card = Supervision(other, clock=lambda: FIXED_NOW).me()
        bo_sup.add_contact(card.text(), name.split()[0], "supervisee", card.fingerprint)
        other.close()
    leave = new_action("Book two days of leave", "Ana", days_ago(2).date())
    bo_sup.add_session(bo_sup.contact("Ana"), Session(held=days_ago(12), actions=(leave,)))
    bo.close()

    async def show(pilot: Pilot[Any]) -> None:
        await go(pilot, "f10", "SupervisionScreen")
        screen = pilot.app.screen
        assert screen.query_one("#supervision-tabs", TabbedContent).active == "team-tab"
        screen.query_one("#team").move_cursor(row=1)
        screen.query_one("#team-shares").press()
        await pilot.pause()
        pilot.app.clear_notifications()  # the toast says it too; the status line stays
        await pilot.pause()

    assert snap_compare(make_app(), run_before=unlocked(show), terminal_size=(80, 24))


# --- dialogs at the smallest window: the text scrolls, the buttons stay in view ---

def test_consent_dialog_at_80x24(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    from kit.footprint import breaches
    from kit.tui.screens.consent import ConsentDialog

    plan = breaches.plan("someone@example.org", "made-up-key", refresh_catalogue=True)

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        pilot.app.push_screen(ConsentDialog(plan))
        await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "the consent dialog")
        await steady(pilot)

    seed()
    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


def test_export_dialog_at_80x24(snap_compare, make_app, seed) -> None:  # type: ignore[no-untyped-def]
    from kit.tui.screens.supervision import ExportDialog

    async def run_before(pilot: Pilot[Any]) -> None:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        pilot.app.push_screen(ExportDialog(
            "Export session record 1a2b3c4d about Ada (version 2, with every answer).",
            "The exported file is NOT encrypted: anyone who can open it can read this "
            "supervision record. Keep it somewhere safe, and delete the file when you no "
            "longer need it.", Path("/home/you/supervision-record-1a2b3c4d")))
        await wait_for(pilot, lambda: showing(pilot, "ExportDialog"), "the export dialog")
        await steady(pilot)

    seed()
    assert snap_compare(make_app(), run_before=run_before, terminal_size=(80, 24))


async def palette_open(pilot: Pilot[Any]) -> None:
    """The command palette over Home, searched for "plan": the hits come in order of how well
    they match (the full list's order is the order its sources answer in, which varies)."""
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: showing(pilot, "CommandPalette")
                   and pilot.app.screen.has_class("-ready"), "the palette's list")
    await pilot.press(*"plan")
    await pilot.pause(0.3)


@pytest.mark.parametrize("size", [(80, 24), SIZE])
def test_palette(snap_compare, make_app, seed, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    seed(journal)
    assert snap_compare(make_app(), run_before=unlocked(palette_open), terminal_size=size)
