"""Home asks about supervision: a record waiting for an answer, overdue actions, follow-ups due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kit.attention import needs_attention
from kit.config import Config
from kit.supervision.records import Session, new_action
from kit.supervision.service import Supervision
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CONFIG = Config(time_zone="Europe/London")


@pytest.fixture
def pair(kit_env: Path) -> Iterator[tuple[Supervision, Supervision]]:
    sides = []
    for name in ("Ana Practitioner", "Bo Supervisor"):
        vault, _ = Vault.create(kit_env / name.split()[0], PASSPHRASE, "minimum")
        side = Supervision(Workspace(vault), ZoneInfo("Europe/London"), clock=lambda: NOW)
        side.set_me(name, "")
        sides.append(side)
    ana, bo = sides
    ana.add_contact(bo.me().text(), "Bo", "supervisor", bo.fingerprint)
    bo.add_contact(ana.me().text(), "Ana", "supervisee", ana.fingerprint)
    yield ana, bo
    for side in sides:
        side.workspace.close()


def titles(side: Supervision) -> list[str]:
    return [a.title for a in needs_attention(side.workspace, date(2026, 11, 23), CONFIG)
            if a.area == "supervision"]


def test_nothing_to_say_without_records(pair: tuple[Supervision, Supervision]) -> None:
    ana, bo = pair
    assert titles(ana) == [] and titles(bo) == []


def test_supervisor_sees_overdue_actions_and_follow_ups(
        pair: tuple[Supervision, Supervision], tmp_path: Path) -> None:
    ana, bo = pair
    person = bo.contact("Ana")
    bo.add_session(person, Session(
        held=NOW - timedelta(days=5), type="post-incident",
        incident_at=NOW - timedelta(days=6),
        actions=(new_action("Book a TRiM assessment", "Bo", date(2026, 11, 20)),)))
    assert titles(bo) == ["1 agreed action is past its due date",
                          "1 follow-up after an incident is due"]

    sealed = bo.send_record(bo.workspace.supervision.all()[0])
    bo.save(sealed, tmp_path / "record.age")
    ana.open((tmp_path / "record.age").read_bytes())
    assert titles(ana)[0] == "1 supervision record is waiting for your answer"
    ana.save(ana.respond(ana.workspace.supervision.all()[0], ""), tmp_path / "reply.age")
    assert "waiting for your answer" not in " ".join(titles(ana))


def test_actions_of_someone_archived_are_left_out(pair: tuple[Supervision, Supervision]) -> None:
    _ana, bo = pair
    person = bo.contact("Ana")
    bo.add_session(person, Session(held=NOW - timedelta(days=5), actions=(
        new_action("Check in about the backlog", "Bo", date(2026, 11, 20)),)))
    assert len(bo.actions(overdue=True)) == 1
    bo.archive(person)
    assert bo.actions(overdue=True) == []
    bo.archive(person, archived=False)
    assert len(bo.actions()) == 1
