"""Who supervises and who is supervised: one rule, from the current contacts."""

from __future__ import annotations

from dataclasses import dataclass

from kit.supervision.roles import roles_of


@dataclass(frozen=True)
class C:
    relation: str
    archived: bool = False


def test_roles_come_from_current_contacts_only() -> None:
    assert roles_of([]) == roles_of([C("colleague")])
    assert not roles_of([]).supervises and not roles_of([]).supervised
    supervisor = roles_of([C("supervisee"), C("colleague")])
    assert supervisor.supervises and not supervisor.supervised and supervisor.supervises_only
    both = roles_of([C("supervisee"), C("supervisor")])
    assert both.supervises and both.supervised and not both.supervises_only
    assert not roles_of([C("supervisee", archived=True)]).supervises  # someone who has left
    assert roles_of([C("supervisor")]).supervised
