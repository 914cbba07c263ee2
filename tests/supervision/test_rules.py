"""The supervision rules that the app and the command line share, each in one place: who may
edit, send or answer a record (kit.supervision.roles), how a typed time reads
(kit.supervision.times), and how the service is built from the configuration."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kit.errors import UsageError
from kit.supervision import times
from kit.supervision.records import Session
from kit.supervision.roles import may_answer, may_edit, may_send
from kit.supervision.service import Supervision, supervision_for
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def pair(kit_env: Path, tmp_path: Path) -> Iterator[tuple[Supervision, Supervision]]:
    """Bo supervises Ana; each has a vault, and each knows the other's card."""
    people = []
    for name in ("Bo Supervisor", "Ana Practitioner"):
        vault, _recovery = Vault.create(tmp_path / name.split()[0], PASSPHRASE, "minimum")
        sup = supervision_for(Workspace(vault), "Europe/London", clock=lambda: NOW)
        sup.set_me(name, "")
        people.append(sup)
    bo, ana = people
    bo.add_contact(ana.me().text(), "Ana", "supervisee", ana.fingerprint)
    ana.add_contact(bo.me().text(), "Bo", "supervisor", bo.fingerprint)
    yield bo, ana
    for sup in people:
        sup.workspace.close()  # type: ignore[attr-defined]


def test_who_may_edit_send_and_answer_is_what_the_service_allows(
        pair: tuple[Supervision, Supervision], tmp_path: Path) -> None:
    bo, ana = pair
    doc = bo.add_session(bo.contact("Ana"), Session(held=NOW - timedelta(hours=1)))
    # Written, not sent: Bo edits and sends it; Ana has nothing to answer yet.
    assert may_edit(doc, bo.fingerprint) and may_send(doc, bo.fingerprint)
    assert not may_edit(doc, ana.fingerprint) and not may_send(doc, ana.fingerprint)
    assert not may_answer(doc, ana.fingerprint) and not may_answer(doc, bo.fingerprint)
    packet = tmp_path / "record.age"
    bo.save(bo.send_record(doc), packet)
    theirs = ana.open(packet.read_bytes()).doc
    assert theirs is not None
    assert may_answer(theirs, ana.fingerprint) and not may_edit(theirs, ana.fingerprint)
    with pytest.raises(UsageError, match="only the supervisor who wrote"):
        ana.send_record(theirs)
    with pytest.raises(UsageError, match="only the supervisor who wrote"):
        ana.revise(theirs, theirs.session)
    answer = tmp_path / "answer.age"
    ana.save(ana.respond(theirs, ""), answer)
    answered = ana.record(theirs.id)
    assert not may_answer(answered, ana.fingerprint)
    with pytest.raises(UsageError, match="already accepted"):
        ana.respond(answered, "")
    bo.open(answer.read_bytes())
    mine = bo.record(doc.id)
    # Answered: still Bo's to change (a new version), but that version is not sent again.
    assert may_edit(mine, bo.fingerprint) and not may_send(mine, bo.fingerprint)
    with pytest.raises(UsageError, match="already answered"):
        bo.send_record(mine)


def test_a_typed_time_reads_the_same_in_the_app_and_on_the_command_line() -> None:
    import kit.commands.supervision as cli
    import kit.tui.screens.supervision.session_form as form

    for name in ("parse_time", "parse_optional_day"):  # the very functions, not copies
        assert vars(cli)[name] is vars(times)[name] is vars(form)[name], name
    local = datetime(2026, 11, 23, 14, 30, tzinfo=LONDON)
    for typed in ("2026-11-23 14:30", "2026-11-23T14:30", " 2026-11-23 14:30 "):
        assert times.parse_time(typed, LONDON, "--held") == local
    assert times.parse_time("2026-11-23", LONDON, "--held") == local.replace(hour=0, minute=0)
    offset = times.parse_time("2026-11-23 14:30+05:00", LONDON, "--held")
    assert offset.utcoffset() == timedelta(hours=5)  # a time that names its offset keeps it
    with pytest.raises(UsageError, match="the session time 'tomorrow' is not a date and time"):
        times.parse_time("tomorrow", LONDON, "the session time")
    assert times.parse_optional_day("  ", "the review date") is None
    assert times.parse_optional_day(None, "the review date") is None
    assert times.parse_optional_day("2027-05-01", "x") == date(2027, 5, 1)
    with pytest.raises(UsageError, match="the review date 'May' is not a date"):
        times.parse_optional_day("May", "the review date")
    # Shown, and typed back, in the zone.
    summer = datetime(2026, 7, 1, 9, 5, tzinfo=UTC)
    assert times.shown_time(summer, LONDON) == "01 Jul 2026, 10:05"
    assert times.typed_time(summer, LONDON) == "2026-07-01 10:05"
    assert times.parse_time(times.typed_time(summer, LONDON), LONDON, "x") == summer
    assert times.shown_day(None) == "–" and times.shown_day(date(2026, 7, 1)) == "01 Jul 2026"


def test_one_factory_refuses_a_time_zone_that_is_not_one(kit_env: Path, tmp_path: Path) -> None:
    vault, _recovery = Vault.create(tmp_path / "v", PASSPHRASE, "minimum")
    workspace = Workspace(vault)
    try:
        with pytest.raises(UsageError, match="time zone 'Mars/Olympus' is not known"):
            supervision_for(workspace, "Mars/Olympus")
        sup = supervision_for(workspace, "America/New_York", clock=lambda: NOW)
        assert sup.zone == ZoneInfo("America/New_York") and sup.clock() == NOW
        assert sup.today() == date(2026, 11, 23)
    finally:
        workspace.close()


def test_the_app_and_the_command_line_build_the_service_with_the_one_factory() -> None:
    import inspect

    import kit.commands.identity as cli
    import kit.tui.screens.supervision.screen as app

    for module in (cli, app):
        source = inspect.getsource(module)
        assert "supervision_for(" in source and "Supervision(" not in source.replace(
            "kit.supervision.service.Supervision", ""), module.__name__


def test_the_app_the_command_line_and_the_export_say_the_same_of_a_record(
        pair: tuple[Supervision, Supervision]) -> None:
    from kit.commands.supervision import _doc_lines
    from kit.records.fields import label
    from kit.reports.supervision_export import to_markdown
    from kit.supervision.records import REFERRALS, new_action
    from kit.supervision.view import view
    from kit.tui.screens.supervision.record_text import record_details

    bo, _ana = pair
    doc = bo.add_session(bo.contact("Ana"), Session(
        held=NOW - timedelta(hours=3), attendees=("Bo", "Ana"), impact="A heavy week.",
        actions=(new_action("Book a break", "Ana", date(2026, 11, 20)),),
        referrals=("occupational-health",)))
    names, today = bo.names(), bo.today()
    app = str(record_details(doc, names, bo.fingerprint, bo.zone, today))
    cli = "\n".join(_doc_lines(bo, doc))
    markdown = to_markdown(doc, names, bo.zone, today)
    v = view(doc, names, bo.zone, today)
    said = [line for f in (*v.about, *v.fields, *v.after) for line in f.lines]
    said += [part for row in v.actions or () for part in row]
    assert "Fri 20 Nov 2026" in said  # the action's due day
    assert label(REFERRALS, "occupational-health") in said and "A heavy week." in said
    for words in said:
        assert words in app, words
        assert words in cli, words
        assert words.replace("|", "\\|") in markdown, words
