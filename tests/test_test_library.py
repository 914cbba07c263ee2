"""Helpers shared between test modules live in test libraries (conftest.py, helpers modules),
never imported from another test module: importing a test module runs its module-level setup
and ties one test file's private names to another's."""

from __future__ import annotations

import re

from tests.conftest import REPO

FROM_A_TEST_MODULE = re.compile(
    r"^\s*(?:from\s+tests(?:\.\w+)*\.test_\w+\s+import|import\s+tests(?:\.\w+)*\.test_\w+)",
    re.MULTILINE)


def test_no_test_module_imports_from_another() -> None:
    offenders = [f"{path.relative_to(REPO)}: {m.group(0).strip()}"
                 for path in sorted((REPO / "tests").rglob("*.py"))
                 for m in FROM_A_TEST_MODULE.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
