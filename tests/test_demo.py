"""The demo: a throwaway vault of made-up records that opens by itself and is always removed."""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kit.config import Config
from kit.demo import OWNER_FILE, PREFIX, DemoVault, demo_png, prepare_demo, sweep_stale
from kit.supervision.service import Supervision
from kit.vault import Credentials
from kit.workspace import Workspace, open_workspace
from tests.conftest import run_kit

NOW = datetime(2026, 11, 20, 10, 30, tzinfo=UTC)
FICTIONAL_NAMES = ("Alex Example", "Sam Sample", "Riley Test", "Casey Demo",
                   "Jordan Placeholder")
SUPERVISEES = ("Chris Specimen", "Jordan Test", "Priya Placeholder")  # the team view's order
# Ofcom's ranges for drama (07700 900000-900999, 01632 960000-960999); 101 is the UK's
# non-emergency police number, which the plan names as advice, not as a made-up contact.
DRAMA_NUMBER = re.compile(r"^(07700 900\d{3}|01632 960\d{3})$")


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoVault]:
    made = prepare_demo(NOW, parent=tmp_path)
    try:
        yield made
    finally:
        made.cleanup()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoVault]:
    """One demo for the tests that only read it: building one takes a few seconds."""
    made = prepare_demo(NOW, parent=tmp_path_factory.mktemp("demo"))
    try:
        yield made
    finally:
        made.cleanup()


def opened(demo: DemoVault) -> Workspace:
    return open_workspace(demo.path, Credentials(passphrase=demo.passphrase))


def supervision(workspace: Workspace) -> Supervision:
    return Supervision(workspace, zone=ZoneInfo("UTC"), clock=lambda: NOW)


def test_the_demo_vault_holds_fictional_records_in_a_private_temporary_folder(
        shared: DemoVault) -> None:
    demo = shared
    assert demo.root.name.startswith(PREFIX) and demo.root.parent.name.startswith("demo")
    assert stat.S_IMODE(demo.root.stat().st_mode) == 0o700
    assert (demo.root / OWNER_FILE).read_text().strip() == str(os.getpid())
    assert demo.passphrase not in repr(demo)
    workspace = opened(demo)
    try:
        assert workspace.problems == []
        entries = workspace.journal.entries()
        assert 35 <= len(entries) <= 45
        assert all(NOW - timedelta(days=71) < e.created < NOW for e in entries)
        text = "\n".join(e.text for e in entries)
        assert sum(name in text for name in FICTIONAL_NAMES) >= 4
        assert {t for e in entries for t in e.tags} >= {"supervision", "selfcare", "review"}
        assert any(e.mood is not None for e in entries)
        assert workspace.journal.search("EX-42")

        exposures = workspace.exposure.entries()
        assert len(exposures) >= 8
        assert all(e.note is None or "Sample" in e.note or len(e.note) < 60 for e in exposures)

        pulse = [c.scores[0] for c in reversed(workspace.checkins.for_instrument("pulse"))]
        assert len(pulse) >= 8
        # A visible dip, then a recovery: steady at first, a concern in the middle, not at the end.
        assert not pulse[0].concern and not pulse[-1].concern
        assert any(s.concern for s in pulse[2:-2])
        assert min(s.score for s in pulse) <= pulse[-1].score - 2

        plan = workspace.plan.get()
        assert not plan.is_empty and plan.contacts and plan.review_date is not None
        assert all("made up" in c.how for c in plan.contacts)
    finally:
        workspace.close()


def _phone_numbers(text: str) -> list[str]:
    return re.findall(r"\b0\d{2,4} ?\d{3,4} ?\d{3,4}\b", text)


def test_the_demo_is_part_way_through_preparing_and_every_step_is_a_real_checklist_item(
        shared: DemoVault) -> None:
    demo = shared
    from kit.guidance.checklists import load_library
    from kit.guidance.planner import recheck_due

    items = load_library().items
    workspace = opened(demo)
    try:
        progress = workspace.progress.all()
        assert set(progress) <= set(items)  # no step the app could not show
        by_status: dict[str, list[str]] = {}
        for p in progress.values():
            by_status.setdefault(p.status, []).append(p.item_id)
        assert len(by_status["done"]) >= 4 and by_status["na"] and by_status["delegated"]
        done = [progress[i] for i in by_status["done"]]
        # Done a while ago, by the demo's clock, never in its future.
        assert all(p.done_on is not None and p.done_on <= NOW.date() - timedelta(days=14)
                   for p in done)
        assert any(p.next_check is not None and p.next_check > NOW.date() for p in done)
        assert recheck_due(load_library(), progress, NOW.date(), "uk")  # shows the ↻ mark
        delegated = progress[by_status["delegated"][0]]
        assert delegated.delegated_to in FICTIONAL_NAMES
        assert any(p.note for p in progress.values())
        assert workspace.my_details.get().name == "Morgan Example"
        assert workspace.my_details.get().reply_to.endswith("@example.org")
    finally:
        workspace.close()


def test_the_demo_safety_plan_is_filled_with_made_up_people_and_numbers(
        shared: DemoVault) -> None:
    demo = shared
    from kit.records.safety_plan import TEXT_FIELDS

    workspace = opened(demo)
    try:
        plan = workspace.safety_plan.get()
        assert plan.id is not None and plan.review_date is not None
        assert plan.review_date > NOW.date()
        assert all(plan.text(f.key) for f in TEXT_FIELDS)  # every part filled in
        assert len(plan.trusted_people) >= 2
        for contact in plan.trusted_people:
            assert any(contact.name.startswith(name) for name in FICTIONAL_NAMES), contact
            assert "made up" in contact.how
        text = "\n".join([*(c.how for c in plan.trusted_people),
                          *(plan.text(f.key) for f in TEXT_FIELDS)])
        numbers = _phone_numbers(text)
        assert numbers and all(DRAMA_NUMBER.match(n) for n in numbers), numbers
        assert "CR/0000/26" in plan.police_references
    finally:
        workspace.close()


def test_the_demo_incidents_are_fictional_and_carry_evidence_of_each_kind(
        shared: DemoVault) -> None:
    demo = shared
    workspace = opened(demo)
    try:
        repo = workspace.incidents
        incidents = repo.list()
        assert workspace.problems == [] and repo.problems == []
        assert {i.category for i in incidents} == {"doxing", "threat"}
        for incident in incidents:
            assert incident.platform == "a made-up forum"
            assert NOW - timedelta(days=30) < incident.when < NOW
            assert incident.urls
            for url in incident.urls:
                assert re.match(r"^https://[a-z.]*example\.(org|com)/", url), url
        doxing = next(i for i in incidents if i.category == "doxing")
        assert [(r.kind, r.value) for r in doxing.references if r.kind == "police"] == \
            [("police", "CR/0000/26")]

        evidence = repo.evidence(doxing.id)
        assert [e.kind for e in evidence] == ["file", "url", "note"]
        shot = evidence[0]
        assert shot.file_name.endswith(".png") and shot.captured_by in FICTIONAL_NAMES
        assert shot.captured_at_basis == "given" and shot.captured_at < NOW
        stored = repo.file_bytes(shot)  # checks the SHA-256 taken when it was added
        assert stored == demo_png()
        assert shot.sha256 == hashlib.sha256(stored).hexdigest()
        image = pytest.importorskip("PIL.Image").open(io.BytesIO(stored))
        image.load()  # a whole, valid PNG, not just a signature
        assert image.format == "PNG" and image.size == (160, 96)
        assert evidence[1].url in doxing.urls
        assert all(e.captured_at < NOW for i in incidents for e in repo.evidence(i.id))
    finally:
        workspace.close()
    # The file (and the supervision packets) were written to scratch folders inside the demo
    # folder and removed again: the demo folder holds only the vault and the owner file, and
    # nothing went anywhere else.
    assert sorted(p.name for p in demo.root.iterdir()) == sorted([OWNER_FILE, "vault"])
    assert not list(demo.root.parent.glob("**/*.png"))
    assert not list(demo.root.parent.glob("**/*.age"))


def test_the_demo_owner_supervises_three_people_and_is_supervised_by_sam(
        shared: DemoVault) -> None:
    from kit.attention import needs_attention

    workspace = opened(shared)
    try:
        sup = supervision(workspace)
        card = sup.me()
        assert (card.name, card.role) == ("Morgan Example", "Senior practitioner")
        contacts = {c.name: c for c in workspace.contacts.all()}
        assert {n: c.relation for n, c in contacts.items()} == {
            "Sam Sample": "supervisor", **dict.fromkeys(SUPERVISEES, "supervisee")}
        assert all(c.verified and not c.archived for c in contacts.values())
        # The colleagues' keys were made in memory: this vault holds its own identity only.
        records = workspace.snapshot().records.values()
        assert [r.kind for r in records].count("identity") == 1

        team = sup.team()
        assert [r.name for r in team] == list(SUPERVISEES)
        chris, jordan, priya = team
        today = NOW.date()
        assert chris.status == "overdue" and chris.next_due is not None \
            and chris.next_due < today
        assert chris.shared_band is None  # "not shared" on screen
        assert jordan.status == "up-to-date" and jordan.overdue_actions == 1 \
            and jordan.open_actions == 2
        assert priya.follow_ups_due[0].kind == "follow-up-72h"
        assert priya.follow_ups_due[0].due.date() == today
        for row in (jordan, priya):
            assert row.shared_band and "band '" in row.shared_band
        overdue = sup.actions(overdue=True)
        assert [(a.owner, a.overdue(today)) for _doc, a in overdue] == [("Jordan Test", True)]

        docs = workspace.supervision.all()
        post_incident = [d for d in docs if d.type == "session"
                         and d.session.type == "post-incident"]
        assert [d.supervisee for d in post_incident] == [contacts["Priya Placeholder"]
                                                         .fingerprint]
        assert {d.status for d in docs} == {"draft", "sent", "commented"}
        # Sam's record of the owner's own supervision, sent yesterday, waiting for an answer.
        waiting = [d for d in docs if d.supervisee == sup.fingerprint]
        assert [(sup.name_of(d.supervisor), d.status) for d in waiting] == [("Sam Sample",
                                                                             "sent")]
        deadline = sup.comment_deadline(waiting[0])
        assert deadline is not None and deadline > NOW

        # Shares: one sent to Sam two weeks ago (so the next one covers the last two weeks),
        # and one received from each of Jordan and Priya.
        sent = [e for e in workspace.packet_log.sent() if e.packet.type == "share"]
        assert [e.peer_name for e in sent] == ["Sam Sample"]
        start, _end = sup.share_period(contacts["Sam Sample"])
        assert start == NOW - timedelta(days=14, hours=1, minutes=30)
        shares = workspace.packet_log.shares()
        assert sorted(sup.name_of(s.sender) for s in shares) == ["Jordan Test",
                                                                 "Priya Placeholder"]
        for received in shares:
            text = received.text
            assert text.startswith("Shared with Morgan Example by ") and "Note:" in text

        titles = [a.title for a in needs_attention(workspace, today, Config(time_zone="UTC"))
                  if a.area == "supervision"]
        assert titles == ["1 supervision record is waiting for your answer",
                          "1 agreed action is past its due date",
                          "1 follow-up after an incident is due"]
    finally:
        workspace.close()


def test_the_demo_picture_is_the_same_bytes_every_time() -> None:
    first = demo_png()
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and first == demo_png()


def test_the_same_clock_and_seed_give_the_same_records(shared: DemoVault,
                                                      tmp_path: Path) -> None:
    demo = shared
    again = prepare_demo(NOW, parent=tmp_path)
    try:
        assert again.root != demo.root and again.passphrase != demo.passphrase
        first, second = opened(demo), opened(again)
        try:
            def journal(ws: Workspace) -> list[Any]:
                return [(e.created, e.text, e.tags, e.mood) for e in ws.journal.entries()]

            def pulse(ws: Workspace) -> list[Any]:
                return [(c.when, c.answers) for c in ws.checkins.entries()]

            assert journal(first) == journal(second)
            assert pulse(first) == pulse(second)
            assert [(e.when, e.impact) for e in first.exposure.entries()] == \
                [(e.when, e.impact) for e in second.exposure.entries()]

            def incidents(ws: Workspace) -> list[Any]:
                return [(i.when, i.description, [(e.captured_at, e.sha256, e.title)
                                                 for e in ws.incidents.evidence(i.id)])
                        for i in ws.incidents.list()]

            def prepared(ws: Workspace) -> list[Any]:
                return [(p.item_id, p.status, p.done_on, p.next_check, p.note)
                        for p in ws.progress.all().values()]

            assert incidents(first) == incidents(second)
            assert sorted(prepared(first)) == sorted(prepared(second))
            assert first.safety_plan.get().to_json() | {"id": None, "updated": None} == \
                second.safety_plan.get().to_json() | {"id": None, "updated": None}

            def team(ws: Workspace) -> list[Any]:
                # Everything the team view shows; not the keys, which are new every time.
                return [(r.name, r.last_session, r.next_due, r.open_actions, r.overdue_actions,
                         r.follow_ups_due, r.shared_band, r.status)
                        for r in supervision(ws).team()]

            def actions(ws: Workspace) -> list[Any]:
                return [(a.id, a.text, a.owner, a.due, a.status)
                        for _doc, a in supervision(ws).actions()]

            assert team(first) == team(second)
            assert actions(first) == actions(second)
        finally:
            first.close()
            second.close()
    finally:
        again.cleanup()


def test_cleanup_removes_the_folder_and_may_run_twice(tmp_path: Path) -> None:
    made = prepare_demo(NOW, parent=tmp_path)
    assert made.path.is_dir()
    made.cleanup()
    assert not made.root.exists()
    made.cleanup()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(PREFIX)]


def _demo_like(parent: Path, suffix: str, pid: int | None, prefix: str = PREFIX) -> Path:
    folder = parent / f"{prefix}{suffix}"
    (folder / "vault").mkdir(parents=True)
    (folder / "vault" / "vault.sqlite").write_bytes(b"not really")
    if pid is not None:
        (folder / OWNER_FILE).write_text(f"{pid}\n")
    return folder


def test_sweep_removes_only_demo_folders_whose_process_is_gone(tmp_path: Path) -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()  # reaped: its pid no longer names a process
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = _demo_like(tmp_path, "crashed", ended.pid)
        running = _demo_like(tmp_path, "running", live.pid)
        no_owner = _demo_like(tmp_path, "lookalike", None)
        other_name = _demo_like(tmp_path, "notours", ended.pid, prefix="frontline-kit-")
        garbage = _demo_like(tmp_path, "garbage", None)
        (garbage / OWNER_FILE).write_text("not a pid\n")

        removed = sweep_stale(tmp_path)

        assert removed == [dead]
        assert not dead.exists()
        for kept in (running, no_owner, other_name, garbage):
            assert (kept / "vault" / "vault.sqlite").exists(), kept
    finally:
        live.kill()
        live.wait()


def test_sweep_leaves_the_folder_of_a_running_demo(shared: DemoVault) -> None:
    assert sweep_stale(shared.root.parent) == []
    assert shared.path.is_dir()


def test_kit_demo_without_a_terminal_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_kit("demo", env={"TMPDIR": str(scratch)}, passphrase=None)
    assert result.code == 2
    assert "needs a terminal" in result.err
    assert "Traceback" not in result.err
    assert list(scratch.iterdir()) == []


def test_kit_demo_help_says_nothing_is_kept() -> None:
    result = run_kit("demo", "--help", passphrase=None)
    assert result.code == 0
    assert "Nothing is kept" in result.out


async def test_the_app_opens_the_demo_straight_to_home_without_the_keyring(
        demo: DemoVault, monkeypatch: pytest.MonkeyPatch) -> None:
    from kit.tui.app import AppServices, KitApp
    from kit.vault import device

    touched: list[str] = []

    def forbidden(name: str) -> Any:
        def record(*_args: object, **_kwargs: object) -> Any:
            touched.append(name)
            raise AssertionError(f"the demo touched the keyring ({name})")
        return record

    for name in ("backend_status", "load_key", "store_key", "delete_key", "_require_backend"):
        monkeypatch.setattr(device, name, forbidden(name))
    keyring = pytest.importorskip("keyring")
    monkeypatch.setattr(keyring, "get_keyring", forbidden("keyring.get_keyring"))
    monkeypatch.setattr(keyring, "get_password", forbidden("keyring.get_password"))

    app = KitApp(AppServices(vault_path=demo.path, config=Config(), kdf_profile="minimum",
                             clock=lambda: NOW, allow_keyring=False, demo=True,
                             demo_passphrase=demo.passphrase))
    async with app.run_test(size=(110, 34)) as pilot:
        for _ in range(200):
            await pilot.pause(0.05)
            if app.workspace is not None and type(app.screen).__name__ == "HomeScreen":
                break
        assert type(app.screen).__name__ == "HomeScreen"
        banner = app.screen.query_one("#demo-banner")
        assert "nothing is kept" in str(banner.render()).lower()
        assert app.workspace is not None and len(app.workspace.journal.entries()) >= 35
    assert touched == []
