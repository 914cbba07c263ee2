"""The supervision commands as a person runs them, in this process through kit.cli.main (the one
place errors become exit codes): a session time still to come is refused, the list and the team
show when a session was held, and a packet opened once can be read again from the vault."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kit.supervision.service import Supervision
from kit.vault import Credentials, Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE, KitRun, Ran

Kit = Callable[..., Ran]

LONDON = ZoneInfo("Europe/London")




@pytest.fixture
def kit(kit_env: Path, kit_in_process: KitRun) -> Kit:
    """`kit --vault VAULT ARGS` in this process, scheduling in London time."""
    (kit_env / "config.toml").write_text('[supervision]\ntime_zone = "Europe/London"\n')

    def run(*args: str, vault: Path, stdin: bytes = b"") -> Ran:
        return kit_in_process("--vault", str(vault), *args, stdin=stdin)

    return run


def _vault(path: Path, name: str) -> Path:
    vault, _recovery = Vault.create(path, PASSPHRASE, "minimum")
    ws = Workspace(vault)
    Supervision(ws, LONDON).set_me(name, "Social worker")
    ws.close()
    return path


def _card(path: Path) -> tuple[str, str]:
    ws = Workspace(Vault.open(path, Credentials(passphrase=PASSPHRASE)))
    try:
        sup = Supervision(ws, LONDON)
        return sup.me().text(), sup.fingerprint
    finally:
        ws.close()


@pytest.fixture
def pair(tmp_path: Path, kit: Kit) -> tuple[Path, Path]:
    """Bo supervises Ana; each has the other's card, fingerprint checked."""
    bo, ana = _vault(tmp_path / "bo", "Bo Supervisor"), _vault(tmp_path / "ana", "Ana Worker")
    for me, other, name, relation in ((bo, ana, "Ana", "supervisee"),
                                      (ana, bo, "Bo", "supervisor")):
        card, fingerprint = _card(other)
        kit("id", "add", "-", "--name", name, "--relation", relation, "--fingerprint",
            fingerprint, vault=me, stdin=card.encode())
    return bo, ana


def _local(when: datetime) -> str:
    return when.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def test_a_session_time_still_to_come_is_refused_and_the_list_shows_when_held(
        kit: Kit, pair: tuple[Path, Path]) -> None:
    bo, _ana = pair
    now = datetime.now(LONDON)
    refused = kit("supervision", "add", "Ana", "--held", _local(now + timedelta(days=25)),
                  vault=bo)
    assert refused.code == 2 and "still to come" in refused.err
    assert kit("supervision", "list", "--json", vault=bo).json() == []  # nothing saved
    # --json says the same, as a usage error.
    doc = kit("supervision", "add", "Ana", "--held", _local(now + timedelta(hours=2)),
              "--json", vault=bo).json()
    assert doc["error"]["exit"] == 2 and "still to come" in doc["error"]["message"]

    # A clock a couple of minutes behind the other device's is not a slip.
    assert kit("supervision", "add", "Ana", "--held", _local(now + timedelta(minutes=2)),
               vault=bo).code == 0
    # A session recorded today, held three weeks ago: listed by when it was held.
    held = now - timedelta(days=21)
    assert kit("supervision", "add", "Ana", "--held", _local(held), vault=bo).code == 0
    rows = kit("supervision", "list", vault=bo).out.splitlines()
    assert len(rows) == 2
    assert f"held {_local(now + timedelta(minutes=2))[:10]}" in rows[0]
    assert f"held {_local(held)}" in rows[1]  # not today's date, when the record was made
    # An agreement is listed by when it was written, in the same columns.
    assert kit("supervision", "agreement", "Ana", vault=bo).code == 0
    rows = kit("supervision", "list", vault=bo).out.splitlines()
    assert len(rows) == 3 and any(" written " in row for row in rows)
    assert len({row.index("Ana") for row in rows}) == 1
    team = kit("team", vault=bo).out
    assert f"last {(now + timedelta(minutes=2)).astimezone(LONDON):%Y-%m-%d}" in team


def test_an_opened_record_is_shown_and_what_was_received_can_be_read_again(
        kit: Kit, pair: tuple[Path, Path], tmp_path: Path) -> None:
    bo, ana = pair
    # Ana shares a note with Bo; Bo opens it once, then reads it again later from the vault.
    share = tmp_path / "share.age"
    assert kit("share", "build", "--for", "Bo", "--note", "-", "--fields", "checkin_bands",
               "--out", str(share), "--yes", vault=ana,
               stdin=b"A long week on the queue.").code == 0
    opened = kit("share", "open", str(share), vault=bo)
    assert opened.code == 0 and "|   A long week on the queue." in opened.out
    assert kit("share", "open", str(share), "--json",
               vault=bo).json()["error"]["code"] == "packet_replayed"
    listed = kit("share", "received", vault=bo).out.splitlines()
    assert len(listed) == 1 and "from Ana" in listed[0]
    packet_id = listed[0].split()[0]
    again = kit("share", "received", packet_id, vault=bo)
    assert again.code == 0 and "|   A long week on the queue." in again.out
    assert kit("share", "received", "zzzz", vault=bo).code == 1

    # Bo sends a session record; opening it on Ana's side shows the record, not one line.
    made = kit("supervision", "add", "Ana", "--impact", "Tired, sleeping badly", "--action",
               "Book a day off; Ana; 2027-01-05", "--json", vault=bo).json()
    record = tmp_path / "record.age"
    assert kit("supervision", "send", made["id"][:8], "--out", str(record), vault=bo).code == 0
    shown = kit("share", "open", str(record), vault=ana).out
    assert "Tired, sleeping badly" in shown and "Book a day off" in shown
    assert "Held:" in shown and "kit supervision accept" in shown
    received = kit("share", "received", "--json", vault=ana).json()
    [entry] = [e for e in received if e["type"] == "record"]
    reread = kit("share", "received", entry["id"][:6], vault=ana).out
    assert "Tired, sleeping badly" in reread and "Book a day off" in reread


def _future_session(vault: Path, held: datetime) -> str:
    """A session record held at a time still to come, written past the rule (as an older kit,
    or one on a device whose clock was wrong, could have): its id."""
    from kit.supervision.records import Session

    ws = Workspace(Vault.open(vault, Credentials(passphrase=PASSPHRASE)))
    try:
        sup = Supervision(ws, LONDON)
        ana = sup.contact("Ana")
        return ws.supervision.create_session(sup.fingerprint, ana.fingerprint,
                                             Session(held=held)).id
    finally:
        ws.close()


def test_a_received_session_still_to_come_is_refused_by_name_and_the_rest_are_kept(
        kit: Kit, pair: tuple[Path, Path], tmp_path: Path) -> None:
    bo, ana = pair
    cy = _vault(tmp_path / "cy", "Cy Newsupervisor")
    for me, other, name in ((bo, cy, "Cy"), (cy, bo, "Bo")):
        card, fingerprint = _card(other)
        assert kit("id", "add", "-", "--name", name, "--relation", "colleague",
                   "--fingerprint", fingerprint, vault=me, stdin=card.encode()).code == 0
    now = datetime.now(LONDON)
    past = now - timedelta(days=14)
    assert kit("supervision", "add", "Ana", "--held", _local(past), vault=bo).code == 0
    future = now + timedelta(days=25)
    future_id = _future_session(bo, future)

    # The record alone, sent to Ana: refused, saying which record and why; nothing kept.
    record = tmp_path / "record.age"
    assert kit("supervision", "send", future_id[:8], "--out", str(record), vault=bo).code == 0
    refused = kit("share", "open", str(record), vault=ana)
    assert refused.code == 1, refused.err
    assert f"the session record {future_id[:8]} was not kept" in refused.err
    assert f"held {future:%d %b %Y}" in refused.err and "still to come" in refused.err
    assert "Ask Bo to correct the time" in refused.err
    assert kit("supervision", "list", "--json", vault=ana).json() == []

    # Handed over to Cy: the past record is kept, the future one left out by name.
    handover = tmp_path / "handover.age"
    assert kit("supervision", "handover", "Ana", "--to", "Cy", "--out", str(handover),
               "--yes", vault=bo).code == 0
    opened = kit("share", "open", str(handover), vault=cy)
    assert opened.code == 0, opened.err
    assert "1 record kept" in opened.out
    assert f"The session record {future_id[:8]} was not kept" in opened.out
    assert f"held {future:%d %b %Y}" in opened.out and "still to come" in opened.out
    kept = kit("supervision", "list", "--json", vault=cy).json()
    assert [d["id"] for d in kept] != [future_id] and len(kept) == 1
    assert f"last {past:%Y-%m-%d}" in kit("team", vault=cy).out  # not the future date
    # Later, the note is still there with what was received.
    assert "was not kept" in kit("share", "received", vault=cy).out
