"""The shape the design promises: Textual stays in kit.tui, the network stays in one module,
and secrets and debug switches do not leak into the process environment."""

from __future__ import annotations

import ast
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from tests.conftest import REPO, loaded_modules

NETWORK = re.compile(r"^\s*(import|from)\s+(requests|socket|urllib\.request|http\.client)\b",
                     re.MULTILINE)
TEXTUAL = re.compile(r"^\s*(import|from)\s+textual\b", re.MULTILINE)


def kit_sources() -> list[Path]:
    return sorted((REPO / "kit").rglob("*.py"))


def test_only_the_transport_touches_the_network() -> None:
    offenders = [p for p in kit_sources() if NETWORK.search(p.read_text())
                 and "footprint/transport" not in p.as_posix()]
    assert offenders == []


NETWORK_MODULES = ("requests", "socket", "urllib.request", "http.client", "urllib3", "aiohttp")


def _network_imports(tree: ast.AST) -> list[str]:
    """Every network module a parsed source imports: `import x`, `import x.y`, `from x import y`,
    `from urllib import request`, and importlib.import_module("x") or __import__("x")."""
    found: list[str] = []

    def check(name: str) -> None:
        if any(name == m or name.startswith(m + ".") for m in NETWORK_MODULES):
            found.append(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            check(node.module)
            for alias in node.names:
                check(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else \
                func.id if isinstance(func, ast.Name) else ""
            if name in ("import_module", "__import__"):
                check(node.args[0].value)
    return found


def test_only_the_transport_imports_a_network_module() -> None:
    """Parsed, not grepped: an import inside a function, an alias or a from-import counts too."""
    transport = REPO / "kit" / "footprint" / "transport.py"
    offenders = {str(p.relative_to(REPO)): found for p in kit_sources() if p != transport
                 and (found := _network_imports(ast.parse(p.read_text(), str(p))))}
    assert offenders == {}
    assert "requests" in _network_imports(ast.parse(transport.read_text()))
    # The walk itself sees every form it is meant to catch.
    sample = ("def f():\n    import requests.adapters as r\nfrom urllib import request\n"
              "from http import client\nimport importlib\nimportlib.import_module('urllib3')\n"
              "__import__('aiohttp')\nfrom socket import socket\nimport urllib.parse\n")
    assert sorted(_network_imports(ast.parse(sample))) == [
        "aiohttp", "http.client", "requests.adapters", "socket", "socket.socket", "urllib.request",
        "urllib3"]


def test_only_kit_tui_imports_textual() -> None:
    offenders = [p for p in kit_sources() if TEXTUAL.search(p.read_text())
                 and "/kit/tui/" not in p.as_posix()]
    assert offenders == []


def test_cli_commands_do_not_import_textual_or_requests(cli_vault: Path) -> None:
    for args in (["--help"], ["journal", "list"], ["vault", "verify"], ["journal", "--help"]):
        modules = loaded_modules(*args)
        assert "kit.cli" in modules, args
        assert "textual" not in modules, args
        assert "requests" not in modules, args


def test_secrets_leave_the_environment_and_core_dumps_are_off() -> None:
    code = ("import os, resource, subprocess, sys\n"
            "from kit import credentials, hygiene\n"
            "hygiene.harden_process(); credentials.take_from_environment()\n"
            "child = subprocess.run([sys.executable, '-c', 'import os; print(sorted(k for k in "
            "os.environ if k.startswith((\"KIT_PASS\", \"KIT_NEW\", \"KIT_REC\", \"TEXTUAL\"))))'],"
            " capture_output=True, text=True).stdout.strip()\n"
            "print(child)\n"
            "print(resource.getrlimit(resource.RLIMIT_CORE))\n"
            "print(credentials.from_environment('KIT_PASSPHRASE'))\n")
    env = {**os.environ, "KIT_PASSPHRASE": "secret one", "KIT_NEW_PASSPHRASE": "secret two",
           "KIT_RECOVERY_KEY": "k", "TEXTUAL": "devtools", "TEXTUAL_SCREENSHOT": "1"}
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True).stdout.splitlines()
    assert lines == ["[]", "(0, 0)", "secret one"]


HELP_EVERYWHERE = """\
import contextlib, io, json, sys
import click
from kit.cli import cli

def walk(command, path=()):
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))

helps = {}
for path in walk(cli):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli.main(args=[*path, "--help"], prog_name="kit", standalone_mode=False)
    helps[" ".join(path)] = [code, out.getvalue().startswith("Usage: kit")]
print(json.dumps({"helps": helps, "modules": sorted(sys.modules)}))
"""


def test_no_help_text_imports_textual_or_requests() -> None:
    """`--help` of every group and command, in one process: none loads Textual or requests
    (help never runs a command, so this holds even for the ones that open the app)."""
    proc = subprocess.run([sys.executable, "-c", HELP_EVERYWHERE], capture_output=True,
                          text=True, check=True, start_new_session=True, cwd=REPO)
    report = json.loads(proc.stdout)
    helps, modules = report["helps"], set(report["modules"])
    assert {"", "journal", "journal add", "vault verify", "keyring enable"} <= set(helps)
    assert {path: result for path, result in helps.items() if result != [0, True]} == {}
    assert "kit.cli" in modules
    loaded = sorted(m for m in modules if m.split(".")[0] in ("textual", "requests")
                    or m.startswith("kit.tui"))
    assert loaded == []


def test_every_core_module_is_in_the_import_contracts() -> None:
    """A new module or package under kit/ cannot escape the import-linter contracts: each is
    a source of both forbidden contracts, except kit.tui itself, kit.__main__, what a
    contract forbids, and the entry point kit.start where the command line is forbidden; and
    the layers contract is exhaustive (lint-imports names a top-level module missing from
    it)."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    every = config["tool"]["importlinter"]["contracts"]
    contracts = [c for c in every if c["type"] == "forbidden"]
    assert len(contracts) >= 2
    layers = [c for c in every if c["type"] == "layers"]
    assert len(layers) == 1 and layers[0]["exhaustive"] and layers[0]["containers"] == ["kit"]
    top_level = {f"kit.{m.name}" for m in pkgutil.iter_modules([str(REPO / "kit")])}
    assert {"kit.cli", "kit.vault", "kit.records", "kit.tui"} <= top_level
    for contract in contracts:
        forbidden = set(contract["forbidden_modules"])
        expected = top_level - {"kit.tui", "kit.__main__"} - forbidden
        if "kit.cli" in forbidden:  # the entry point, above the command line and the app
            expected -= {"kit.start"}
        missing = sorted(expected - set(contract["source_modules"]))
        assert missing == [], f"{contract['name']!r} does not cover {missing}"


# A wrong-way import of each sort the layers contract stops, planted in a copy of the package.
PLANTED = {
    "vault/planted.py": "from kit.workspace import Workspace\n",  # the vault reaching up
    "records/planted.py": "from kit.wellbeing import scoring\n",  # records above a feature
    "footprint/planted.py": "import kit.supervision.roles\n",  # two independent features
    "errors.py": "def _f() -> None:\n    from kit import paths\n",  # the bottom, lazily
}


def test_lint_imports_fails_on_a_wrong_way_import(tmp_path: Path) -> None:
    """The layers contract is live: lint-imports, run with the project's own configuration on
    a copy of kit/ with the imports above planted, fails and names each of them."""
    shutil.copytree(REPO / "kit", tmp_path / "kit",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "data", "*.md"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    for name, code in PLANTED.items():
        with (tmp_path / "kit" / name).open("a") as fh:
            fh.write("\n" + code)
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = " ".join(proc.stdout.split())
    assert "Layers, from the vault up to the command line and the app BROKEN" in report
    for wrong in ("kit.vault is not allowed to import kit.workspace",
                  "kit.records is not allowed to import kit.wellbeing",
                  "kit.footprint is not allowed to import kit.supervision",
                  "kit.errors is not allowed to import kit.paths"):
        assert wrong in report, proc.stdout
    # The other contracts still hold on the copy: only the planted imports broke it.
    assert report.count(" BROKEN") == 1, proc.stdout


def import_cycles(graph: Any) -> list[frozenset[str]]:
    """The strongly connected sets of kit's import graph (grimp's, as lint-imports sees it:
    lazy and typing-only imports count) that hold more than one module."""
    found: list[frozenset[str]] = []
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(module: str) -> None:  # Tarjan's algorithm
        order[module] = low[module] = len(order)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.add(top)
                if top == module:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for module in sorted(graph.modules):
        if module not in order:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    """Nothing in kit/ imports itself round in a circle, through lazy or typing-only imports
    too: kit.vault's store and its backups, identity and rotation, the app with its palette,
    preloader and 'happening now' screen, and the photo checks with their clean copies no
    longer import each other."""
    import grimp

    graph = grimp.build_graph("kit", cache_dir=None)
    assert [sorted(c) for c in import_cycles(graph)] == []
    # The walk sees a cycle: one planted (the bounded reader imports errors; errors back).
    graph.add_import(importer="kit.errors", imported="kit.bounded_read")
    assert import_cycles(graph) == [frozenset({"kit.errors", "kit.bounded_read"})]


LONG = 600  # lines: a module longer than this says at its top why it is one module
WHY_LONG = "Why one long module:"


def test_a_long_module_says_why_it_is_one() -> None:
    """Issue 17: no module over ~600 lines in kit/ without a reason written at its top (in its
    docstring, a paragraph beginning "Why one long module:"), so the next reader knows whether
    to split it."""
    unexplained = []
    for path in kit_sources():
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= LONG:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if WHY_LONG not in docstring:
            unexplained.append(f"{path.relative_to(REPO)} ({text.count(chr(10))} lines)")
    assert unexplained == [], ("modules over 600 lines with no reason at their top (a "
                               f"docstring paragraph beginning {WHY_LONG!r}): {unexplained}")


# Each area's repositories, read by its screens only through its service (issue 17).
AREA_REPOSITORIES = {
    "footprint": ("findings", "ledger", "breach_catalogue", "site_list", "scan_memory",
                  "rdap_bootstrap", "search_details"),  # kit.footprint.service.Footprint
    "wellbeing": ("instruments", "checkins", "plan"),  # kit.wellbeing.service.Wellbeing
    "prepare": ("progress", "safety_plan"),  # kit.guidance.service.Prepare
    "supervision": ("contacts", "packet_log", "supervision"),  # kit.supervision.service
}
OWNED = {name for names in AREA_REPOSITORIES.values() for name in names}
# The modules of those areas' screens, which read nothing through the workspace but drafts
# (the app's own keeping of unsaved text, every area's) and their service's door.
AREA_SCREENS = ("footprint/", "wellbeing/", "prepare/", "supervision/", "scan.py",
                "happening_now.py")


def workspace_reads(source: str, names: set[str]) -> list[tuple[int, str]]:
    """Each `<x>.workspace.<name>`, `workspace.<name>` or `ws.<name>` for *name* in *names*:
    a repository (or the vault, or a transaction) reached through the workspace. An alias by
    another name is not followed; the names used in kit/tui are these."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in names:
            owner = node.value
            called = (owner.attr if isinstance(owner, ast.Attribute)
                      else owner.id if isinstance(owner, ast.Name) else "")
            if called in ("workspace", "ws"):
                found.append((node.lineno, node.attr))
    return found


def screen_modules() -> list[tuple[str, str]]:
    screens = REPO / "kit" / "tui" / "screens"
    return [(path.relative_to(screens).as_posix(), path.read_text(encoding="utf-8"))
            for path in sorted(screens.rglob("*.py"))]


def test_the_walk_sees_a_repository_read_through_the_workspace() -> None:
    """Planted sources: each way a screen has reached a repository is seen, and a read
    through a service is not."""
    planted = ("rows = self.workspace.findings.list()\n"
               "workspace = self.kit_app.workspace\nworkspace.ledger.add(entries)\n"
               "done = self.kit_app.workspace.progress.all()\n"
               "with self.workspace.transaction():\n    pass\n"
               "ws.checkins.due(today)\n")
    names = OWNED | {"transaction"}
    assert workspace_reads(planted, names) == [
        (1, "findings"), (3, "ledger"), (4, "progress"), (5, "transaction"), (7, "checkins")]
    assert workspace_reads("rows = self.footprint.findings()\n"
                           "kept = Footprint(self.workspace).ledger()\n"
                           "plan = self.wellbeing.plan_store\n", names) == []


def direct_reads(modules: list[tuple[str, str]]) -> dict[str, list[tuple[int, str]]]:
    """What each screen module reaches through the workspace that it should read through its
    area's service (see the test below)."""
    from kit.workspace import REPOSITORIES

    everything = set(REPOSITORIES) | {"vault", "transaction"}
    found: dict[str, list[tuple[int, str]]] = {}
    for name, source in modules:
        area = name.startswith(AREA_SCREENS)
        hits = workspace_reads(source, (everything - {"drafts"}) if area else OWNED)
        if hits:
            found[name] = hits
    return found


def test_the_rule_for_screens_fails_on_planted_screens() -> None:
    planted = [("footprint/checks.py", "with self.workspace.transaction():\n    pass\n"),
               ("wellbeing/trends.py", "rows = self.workspace.exposure.entries()\n"),
               ("prepare/screen.py", "kept = self.workspace.drafts.list('safety-plan')\n"),
               ("journal.py", "steps = self.workspace.progress.all()\n"),
               ("journal_editor.py", "entries = self.workspace.journal.entries()\n"),
               ("removals.py", "f = self.workspace.findings\ng = self.workspace.ledger\n")]
    assert direct_reads(planted) == {
        "footprint/checks.py": [(1, "transaction")],  # an area keeps through its service
        "wellbeing/trends.py": [(1, "exposure")],  # any repository, in an area's screens
        "journal.py": [(1, "progress")],  # another area's repository, in any screen
        "removals.py": [(1, "findings"), (2, "ledger")]}  # drafts and the journal's own: allowed


def test_no_screen_reads_an_areas_repository_but_through_its_service() -> None:
    """Issue 17, "no screen reads a repository directly": no module under kit/tui/screens/
    reads a repository of Footprint, Wellbeing, Prepare or Supervision except through that
    area's service (kit.footprint.service, kit.wellbeing.service, kit.guidance.service,
    kit.supervision.service), and the screens of those areas reach nothing else through the
    workspace either: no other repository, not the vault, no transaction of their own.

    Still using their repository directly, as their service: the journal, exposure log,
    incidents and removals screens (journal.py, journal_editor.py, exposure.py, incidents.py,
    incident_form.py, removals.py, removal_form.py): those repositories are the domain objects
    themselves."""
    found = direct_reads(screen_modules())
    assert found == {}, f"read through the area's service instead: {found}"
