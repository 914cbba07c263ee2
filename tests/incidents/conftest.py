"""The incidents' command-line tests run `kit` in this process through Cli."""

from __future__ import annotations

import pytest

from tests.conftest import KitRun
from tests.incidents.helpers import Cli


@pytest.fixture
def cli(kit_in_process: KitRun) -> Cli:
    return Cli(kit_in_process)
