"""Test library: a vault holding records of every kind (the demo's), prepared once and copied
for each test, the ids of the records the file-writing commands need, and a look at every
file in a folder, to show that a refused write changed nothing."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kit.demo import DemoVault
from kit.supervision.service import Supervision
from kit.vault import Credentials
from kit.workspace import open_workspace


@dataclass(frozen=True)
class DemoIds:
    """What in the demo each writer acts on. The owner, Morgan Example, supervises three
    people and is supervised by Sam Sample."""

    to_send: str          # a session record Morgan wrote and has not sent
    to_answer: str        # Sam's record of Morgan's session: sent, not yet answered
    any_record: str       # a record to export
    supervisee: str       # someone Morgan can hand over
    new_supervisor: str   # someone to hand them over to
    share_to: str         # Morgan's own supervisor
    incident: str         # an incident with evidence


def demo_ids(demo: DemoVault, now: datetime | None = None) -> DemoIds:
    workspace = open_workspace(demo.path, Credentials(passphrase=demo.passphrase))
    try:
        sup = Supervision(workspace) if now is None else Supervision(workspace,
                                                                     clock=lambda: now)
        me = sup.me().fingerprint
        docs = workspace.supervision.all()
        to_send = next(d for d in docs if d.type == "session" and d.supervisor == me
                       and d.latest.signed is None)
        to_answer = next(d for d in docs if d.supervisee == me and d.latest.response is None)
        supervisees = sorted(c.name for c in sup.supervisees())
        supervisor = next(c for c in workspace.contacts.all(archived=False)
                          if c.relation == "supervisor")
        incident = next(i for i in workspace.incidents.list()
                        if workspace.incidents.evidence(i.id))
        return DemoIds(to_send.id, to_answer.id, to_answer.id, supervisees[0], supervisor.name,
                       supervisor.name, incident.id)
    finally:
        workspace.close()


def copy_vault(demo: DemoVault, to: Path) -> Path:
    """A copy of the demo's vault at *to*: the same records, its own files."""
    shutil.copytree(demo.path, to)
    return to


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under *folder*: its bytes and its permission bits."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mode & 0o777)
            for p in sorted(folder.rglob("*")) if p.is_file()}
