"""Each area's service over the unlocked vault, for the length of a command's block.

A command reads and keeps its records through its area's service (kit.footprint.service,
kit.wellbeing.service, kit.guidance.service), the same one the app uses, never a repository:

    with open_wellbeing() as wellbeing:
        due = wellbeing.due(today)

The vault is closed as the block ends. Importing this module loads no area's code and no
network code, so a command stays quick to start.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from kit.commands.context import unlocked_workspace

if TYPE_CHECKING:
    from kit.footprint.service import Footprint
    from kit.guidance.service import Prepare
    from kit.wellbeing.service import Wellbeing


@contextmanager
def open_footprint() -> Iterator[Footprint]:
    from kit.footprint.service import Footprint

    workspace = unlocked_workspace()
    with workspace.vault:
        yield Footprint(workspace)


@contextmanager
def open_wellbeing() -> Iterator[Wellbeing]:
    from kit.wellbeing.service import Wellbeing

    workspace = unlocked_workspace()
    with workspace.vault:
        yield Wellbeing(workspace)


@contextmanager
def open_prepare(*, allow_device: bool = True) -> Iterator[Prepare]:
    """*allow_device* False: the passphrase must be given (a plaintext copy is made)."""
    from kit.guidance.service import Prepare

    workspace = unlocked_workspace(allow_device=allow_device)
    with workspace.vault:
        yield Prepare(workspace)
