"""What each area's service (Footprint, Wellbeing, Prepare, Supervision) does alike: remember
the repositories it has read, and say once each what could not be read in them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from kit.vault import Problem


def each_once(problems: Iterable[Problem]) -> list[Problem]:
    """*problems* without repeats: every repository repeats the damage its snapshot names."""
    seen: dict[tuple[str, str | None, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.code, problem.record_id, problem.message), problem)
    return list(seen.values())


# What the service reads: each area names the part of kit.workspace.Workspace it uses (its
# Stores protocol), since the workspace sits above the feature packages.
Stores = TypeVar("Stores")


class AreaService(Generic[Stores]):
    """An area's service over an unlocked workspace (kit.workspace.Workspace)."""

    def __init__(self, workspace: Stores) -> None:
        self.workspace = workspace
        self._used: dict[str, Any] = {}

    def _repo(self, name: str) -> Any:
        """A repository, remembered so `problems` can say what was wrong in what was read."""
        if name not in self._used:
            self._used[name] = getattr(self.workspace, name)
        return self._used[name]

    @property
    def problems(self) -> list[Problem]:
        """What could not be read in the records this service has read so far, each once."""
        return each_once(problem for repository in self._used.values()
                         for problem in getattr(repository, "problems", ()))
