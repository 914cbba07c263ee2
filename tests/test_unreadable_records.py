"""One way to read records: a record of any kind that this kit cannot read (a newer kit's, or a
buggy one's) is left out, left as it is, and reported by its id once, while every other record,
of its kind and of every other kind, reads as before. The command line that lists the kind
shows the rest exactly as it did and warns about the one it left out."""

from __future__ import annotations

import ast
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kit.demo import fill
from kit.vault import Credentials, Vault
from kit.workspace import REPOSITORIES, Workspace
from tests.conftest import PASSPHRASE, run_kit

CREDS = Credentials(passphrase=PASSPHRASE)
WRONG: dict[str, Any] = {"shape": "wrong", "when": 5, "updated": [], "data": "x",
                         "made": "not a date"}
TODAY = date(2026, 12, 7)

# Every kind a repository reads. The vault's own kinds (identity, blob) are the vault's.
KINDS = ("journal", "draft", "exposure", "wellbeing_plan", "safety_plan", "my_details",
         "search_details", "instrument", "checkin", "checkin_schedule", "checklist_progress",
         "incident", "evidence", "network_ledger", "breach_catalogue", "finding",
         "rdap_bootstrap", "site_list", "scan_memory", "contact", "identity_profile",
         "packet_sent", "packet_received", "supervision_record", "removal")
VAULT_KINDS = ("identity", "blob")

# What each repository gives back, read through its public methods.
READS: dict[str, Callable[[Workspace], object]] = {
    "journal": lambda ws: ws.journal.entries(),
    "drafts": lambda ws: ws.drafts.list(),
    "exposure": lambda ws: ws.exposure.entries(),
    "plan": lambda ws: ws.plan.versions(),
    "instruments": lambda ws: ws.instruments.list(),
    "checkins": lambda ws: (ws.checkins.entries(), ws.checkins.due(TODAY)),
    "safety_plan": lambda ws: ws.safety_plan.versions(),
    "progress": lambda ws: ws.progress.all(),
    "incidents": lambda ws: [(i, ws.incidents.evidence(i.id)) for i in ws.incidents.list()],
    "my_details": lambda ws: ws.my_details.versions(),
    "ledger": lambda ws: ws.ledger.entries(),
    "breach_catalogue": lambda ws: ws.breach_catalogue.current(),
    "findings": lambda ws: ws.findings.list(),
    "search_details": lambda ws: ws.search_details.versions(),
    "rdap_bootstrap": lambda ws: ws.rdap_bootstrap.current(),
    "site_list": lambda ws: ws.site_list.current(),
    "scan_memory": lambda ws: ws.scan_memory.current(),
    "contacts": lambda ws: (ws.contacts.all(), ws.contacts.profile()),
    "packet_log": lambda ws: ws.packet_log.entries(),
    "supervision": lambda ws: ws.supervision.all(),
    "removals": lambda ws: ws.removals.list(),
}


def everything_read(vault: Vault) -> dict[str, object]:
    ws = Workspace(vault)
    return {name: read(ws) for name, read in READS.items()}


@dataclass(frozen=True)
class Filled:
    path: Path
    read: dict[str, object]  # what every repository gives back, before anything is planted


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    """The demo's records of every kind, written in one transaction (one sync, not hundreds)."""
    path = tmp_path_factory.mktemp("filled") / "vault"
    vault, _recovery = Vault.create(path, PASSPHRASE, "minimum")
    with vault:
        with vault.transaction():
            fill(vault, datetime(2026, 12, 7, 12, tzinfo=UTC))
        read = everything_read(vault)
    yield Filled(path, read)


def planted(filled: Filled, to: Path, kinds: tuple[str, ...]) -> tuple[Path, dict[str, str]]:
    """A copy of the filled vault with one wrong-shaped record of each of *kinds*, by kind."""
    path = to / "vault"
    shutil.copytree(filled.path, path)
    with Vault.open(path, CREDS) as vault, vault.transaction():  # one sync for them all
        return path, {kind: vault.put(kind, WRONG).id for kind in kinds}


# The packages that hold repositories. Only read_kind reads a kind from a snapshot; a call of
# snapshot() anywhere else in them is for something else, and says what here.
PACKAGES = ("records", "wellbeing", "footprint", "supervision", "removals", "guidance",
            "reports")
SNAPSHOT_CALLS = {
    "kit/records/source.py": "read_kind itself",
    "kit/supervision/records.py": "whether a received record's id is taken by another kind",
    "kit/supervision/service.py": "this vault's identity, the vault's own kind",
    "kit/reports/evidence_pack.py": "the records a pack is signed with (removals: read_kind)",
}


def test_only_read_kind_reads_a_kind_from_a_snapshot() -> None:
    kit = Path(__file__).resolve().parent.parent / "kit"
    calls: dict[str, int] = {}
    loops: list[str] = []
    for package in PACKAGES:
        for module in sorted((kit / package).rglob("*.py")):
            name = module.relative_to(kit.parent).as_posix()
            text = module.read_text(encoding="utf-8")
            if not any(part in text for part in ("snapshot(", "records.values(",
                                                 "records.items(")):
                continue  # parsed only where it could be: the check stays fast
            for node in ast.walk(ast.parse(text)):
                if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                    continue
                if node.func.attr == "snapshot":
                    calls[name] = calls.get(name, 0) + 1
                # A loop over a snapshot's records: `something.records.values()` or .items().
                owner = node.func.value
                if node.func.attr in ("values", "items") and isinstance(owner, ast.Attribute) \
                        and owner.attr == "records":
                    loops.append(f"{name}:{node.lineno}")
    assert set(calls) == set(SNAPSHOT_CALLS), calls
    assert all(count == 1 for count in calls.values()), calls
    assert [at.partition(":")[0] for at in loops] == ["kit/records/source.py"], loops


def test_the_lists_name_every_kind_and_every_repository(filled: Filled) -> None:
    assert set(READS) == set(REPOSITORIES)
    with Vault.open(filled.path, CREDS) as vault:
        held = {r.kind for r in vault.snapshot().records.values()}
    assert held <= {*KINDS, *VAULT_KINDS}, "a kind the demo writes is missing from KINDS"
    assert filled.read["journal"] and filled.read["incidents"] and filled.read["supervision"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_shaped_record_is_left_out_and_named_and_the_rest_read(
        filled: Filled, tmp_path: Path, kind: str) -> None:
    shutil.copytree(filled.path, tmp_path / "vault")
    with Vault.open(tmp_path / "vault", CREDS) as vault:
        wrong = vault.put(kind, WRONG).id
        reported = Workspace(vault).unreadable()
        assert [p.record_id for p in reported] == [wrong], reported
        assert everything_read(vault) == filled.read
        assert vault.snapshot().records[wrong].data == WRONG  # left as it was


# Each command that lists a kind, and the kinds whose damage it must name. The first two run by
# default (one kind on its own, and two kinds one repository reads); the rest with --slow.
LISTS = [
    (("journal", "list"), ("journal",)),
    (("incident", "list"), ("incident", "evidence")),
    (("exposure", "list"), ("exposure",)),
    (("checkin", "list"), ("checkin", "checkin_schedule")),
    (("instrument", "list"), ("instrument",)),
    (("findings",), ("finding",)),
    (("ledger",), ("network_ledger",)),
    (("removal", "list"), ("removal",)),
    (("checklist", "list"), ("checklist_progress",)),
    (("wellbeing-plan", "show"), ("wellbeing_plan",)),
    (("safety-plan", "show"), ("safety_plan",)),
    (("letter", "details"), ("my_details",)),
    (("sites", "show"), ("site_list",)),
    (("id", "list"), ("contact", "identity_profile")),
    (("id", "show"), ("identity_profile",)),
    (("supervision", "list"), ("supervision_record",)),
    (("team",), ("contact", "supervision_record", "packet_received")),
    (("action", "list"), ("contact", "supervision_record")),
    (("share", "received"), ("packet_sent", "packet_received")),
    (("share", "list"), ("packet_sent", "packet_received")),
]
SAMPLE = 2


@pytest.mark.parametrize(("command", "kinds"), LISTS, ids=lambda v: " ".join(v))
def test_the_command_line_shows_the_rest_as_before_and_warns(
        filled: Filled, tmp_path: Path, command: tuple[str, ...], kinds: tuple[str, ...],
        slow: bool) -> None:
    if not slow and command not in [c for c, _kinds in LISTS[:SAMPLE]]:
        pytest.skip("every list command runs with --slow")
    before = run_kit(*command, env={"KIT_VAULT": str(filled.path)})
    assert before.code == 0, before.err
    path, ids = planted(filled, tmp_path, kinds)
    after = run_kit(*command, env={"KIT_VAULT": str(path)})
    assert after.code == 0, after.err
    assert after.out == before.out
    for record_id in ids.values():
        assert after.err.count(record_id) == 1, after.err
    assert after.err.count("Warning: ") == len(ids) and "kit vault verify" in after.err


def test_vault_verify_names_every_record_the_kit_cannot_read_and_exits_4(
        filled: Filled, tmp_path: Path) -> None:
    # The warnings above send the user to `kit vault verify`: it must list what they warn about.
    path, ids = planted(filled, tmp_path, KINDS)
    env = {"KIT_VAULT": str(path)}
    said = run_kit("vault", "verify", env=env)
    assert said.code == 4, said.err
    for record_id in ids.values():
        assert said.err.count(record_id) == 1, said.err
    assert "Traceback" not in said.err
    # Only records it cannot read: the advice is for them, not a restore of a damaged vault.
    assert "newer Frontline Kit wrote it, update this one" in said.err
    assert "Restore from the backups folder" not in said.err
    document = run_kit("vault", "verify", "--json", env=env)
    assert document.code == 4, document.err
    listed = json.loads(document.out)["problems"]
    assert sorted(p["record_id"] for p in listed) == sorted(ids.values())  # nothing else



def test_a_repository_that_fails_on_a_record_is_named_and_the_check_finishes(
        filled: Filled, monkeypatch: pytest.MonkeyPatch) -> None:
    # A repository that raises on a record instead of leaving it out (a fault of the kit's)
    # must not stop the check meant to find damage: the repository is named.
    from kit.records.journal import Journal

    def fails(_self: Journal) -> None:
        raise ValueError("Invalid isoformat string: 'not a date'")

    monkeypatch.setattr(Journal, "_load", fails)
    with Vault.open(filled.path, CREDS) as vault:
        reported = Workspace(vault).unreadable()
    assert [(p.code, p.record_id) for p in reported] == [("unreadable_journal", None)]
    assert reported[0].message.startswith("the journal records could not be read at all "
                                          "(ValueError: Invalid isoformat string")


def test_a_name_saved_over_a_profile_this_kit_cannot_read_goes_beside_it(tmp_path: Path) -> None:
    from kit.supervision.contacts import Contacts

    vault, _recovery = Vault.create(tmp_path / "vault", PASSPHRASE, "minimum")
    with vault:
        wrong = vault.put("identity_profile", WRONG).id
        contacts = Contacts(vault)
        assert contacts.profile() == ("", "", None)
        assert [p.record_id for p in contacts.problems] == [wrong]
        contacts.set_profile("Sam Okafor", "Social worker", TODAY)
        assert vault.snapshot().records[wrong].data == WRONG  # never repaired by overwriting
        assert Contacts(vault).profile() == ("Sam Okafor", "Social worker", TODAY)
        contacts.set_profile("Sam Okafor", "Team manager", TODAY)  # the readable one changes
        kinds = [r.kind for r in vault.snapshot().records.values()]
        assert kinds.count("identity_profile") == 2
        assert Contacts(vault).profile() == ("Sam Okafor", "Team manager", TODAY)
