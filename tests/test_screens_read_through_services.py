"""The app's modules never import a repository.

A repository is a class the workspace hands out (kit/workspace.py names each one); a module under
kit/tui that imports one has started to hold a rule that belongs in the core, and the copy
drifts. What screens reach through the workspace (`workspace.supervision` and the like) is
checked in tests/test_architecture.py, for every area's screens."""

from __future__ import annotations

import ast
from pathlib import Path

KIT = Path(__file__).resolve().parents[1] / "kit"


def repositories() -> set[tuple[str, str]]:
    """(module, class) of every repository the workspace hands out."""
    tree = ast.parse((KIT / "workspace.py").read_text(encoding="utf-8"))
    # The workspace names each repository it hands out under `if TYPE_CHECKING:` (it imports
    # each one when first used); errors and the vault it imports for itself are not these.
    typing_only = [node for node in ast.walk(tree) if isinstance(node, ast.If)
                   and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"]
    found = {(node.module, alias.name) for block in typing_only for node in ast.walk(block)
             if isinstance(node, ast.ImportFrom) and node.module
             and node.module.startswith("kit.") and not node.module.startswith("kit.vault")
             for alias in node.names}
    assert ("kit.records.journal", "Journal") in found  # the list is read, not empty
    return found


def imported_repositories(source: str, repos: set[tuple[str, str]]) -> list[str]:
    return [f"{node.module}.{alias.name}" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and node.module
            for alias in node.names if (node.module, alias.name) in repos]


def test_the_checks_see_what_they_look_for() -> None:
    repos = repositories()
    assert imported_repositories("from kit.records.journal import Journal, JournalEntry\n",
                                 repos) == ["kit.records.journal.Journal"]


def test_no_module_of_the_app_imports_a_repository() -> None:
    repos = repositories()
    found = {str(path.relative_to(KIT.parent)): hits
             for path in sorted((KIT / "tui").rglob("*.py"))
             if (hits := imported_repositories(path.read_text(encoding="utf-8"), repos))}
    assert found == {}, f"screens import repositories; read through a service instead: {found}"

