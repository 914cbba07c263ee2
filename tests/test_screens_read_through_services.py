"""The app's screens read the vault through the services, never a repository directly.

A repository is a class the workspace hands out (kit/workspace.py names each one); a module under
kit/tui that imports one has started to hold a rule that belongs in the core, and the copy
drifts. The Supervision screen goes further: it reads supervision only through
kit.supervision.service.Supervision, never `workspace.supervision`, `.contacts` or
`.packet_log` (drafts, the app's own keeping of unsaved text, are every area's)."""

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


def repository_reads(source: str, names: set[str]) -> list[str]:
    """`x.workspace.<name>` or `workspace.<name>`: a repository reached through the workspace."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            owner = node.value
            called = (owner.attr if isinstance(owner, ast.Attribute)
                      else owner.id if isinstance(owner, ast.Name) else "")
            if called == "workspace":
                found.append(f"line {node.lineno}: workspace.{node.attr}")
    return found


def test_the_checks_see_what_they_look_for() -> None:
    repos = repositories()
    assert imported_repositories("from kit.records.journal import Journal, JournalEntry\n",
                                 repos) == ["kit.records.journal.Journal"]
    assert repository_reads("docs = self.workspace.supervision.all()\n", {"supervision"}) \
        == ["line 1: workspace.supervision"]
    assert repository_reads("docs = self.sup.records()\n", {"supervision"}) == []


def test_no_module_of_the_app_imports_a_repository() -> None:
    repos = repositories()
    found = {str(path.relative_to(KIT.parent)): hits
             for path in sorted((KIT / "tui").rglob("*.py"))
             if (hits := imported_repositories(path.read_text(encoding="utf-8"), repos))}
    assert found == {}, f"screens import repositories; read through a service instead: {found}"


def test_the_supervision_screen_reads_through_its_service() -> None:
    names = {"supervision", "contacts", "packet_log", "exposure", "checkins", "instruments"}
    package = KIT / "tui" / "screens" / "supervision"
    found = {path.name: hits for path in sorted(package.glob("*.py"))
             if (hits := repository_reads(path.read_text(encoding="utf-8"), names))}
    assert found == {}, f"read through kit.supervision.service.Supervision: {found}"
