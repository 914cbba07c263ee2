"""Journal commands end to end, as a user runs them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from tests.conftest import run_kit


def add(text: str | None, *extra: str, arg: bool = False) -> str:
    if arg:
        result = run_kit("journal", "add", text or "", *extra)
    else:
        result = run_kit("journal", "add", *extra, input=text)
    assert result.code == 0, result.err
    return result.out.strip()


def entries() -> list[dict[str, object]]:
    result = run_kit("journal", "list", "--json")
    assert result.code == 0, result.err
    listed: list[dict[str, object]] = json.loads(result.out)["entries"]
    return listed


def test_add_from_stdin_argument_and_dash(cli_vault: Path) -> None:
    first = add("from stdin\nsecond line")
    second = add("from an argument", arg=True)
    third = run_kit("journal", "add", "-", input="from dash")
    assert third.code == 0
    ids = [e["id"] for e in entries()]
    assert ids[:2] == [third.out.strip(), second] and ids[2] == first  # newest first
    shown = json.loads(run_kit("journal", "show", first[:6], "--json").out)
    assert shown["text"] == "from stdin\nsecond line"


def test_add_with_tags_and_mood(cli_vault: Path) -> None:
    entry_id = add("tagged", "--tag", "Work", "--tag", "#supervision", "--mood", "7")
    shown = json.loads(run_kit("journal", "show", entry_id, "--json").out)
    assert shown["tags"] == ["work", "supervision"]
    assert shown["mood"] == 7


def test_bad_input_is_refused_and_nothing_saved(cli_vault: Path) -> None:
    for args, text in ((["journal", "add"], "   \n"), (["journal", "add", "--mood", "-1"], "x"),
                       (["journal", "add", "--tag", "two words"], "x"),
                       (["journal", "add", "--tag", ""], "x")):
        result = run_kit(*args, input=text)
        assert result.code == 2, (args, result.err)
        assert "Traceback" not in result.err
    assert entries() == []


def test_invalid_utf8_on_stdin_is_refused(cli_vault: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import PASSPHRASE

    proc = subprocess.run([sys.executable, "-m", "kit", "journal", "add"], input=b"\xff\xfe bad",
                          capture_output=True, start_new_session=True,
                          env={**os.environ, "KIT_PASSPHRASE": PASSPHRASE})
    assert proc.returncode == 1
    assert b"not valid UTF-8" in proc.stderr
    assert entries() == []


def test_search(cli_vault: Path) -> None:
    a = add("Hard visit today; the family was kind", "--tag", "visits")
    add("Quiet admin day")
    c = add("Another VISIT, calmer", "--tag", "visits")
    found = json.loads(run_kit("journal", "search", "visit", "--json").out)["entries"]
    assert [e["id"] for e in found] == [c, a]
    assert [e["id"] for e in json.loads(run_kit("journal", "search", "visit calmer",
                                                "--json").out)["entries"]] == [c]
    assert json.loads(run_kit("journal", "search", "#visits", "--json").out)["entries"]
    human = run_kit("journal", "search", "nothing-like-this")
    assert human.code == 0 and "No entries match" in human.out


def test_show_unknown_and_ambiguous_ids(cli_vault: Path) -> None:
    add("one")
    missing = run_kit("journal", "show", "ffffffff")
    assert missing.code == 1 and "no journal entry" in missing.err
    short = run_kit("journal", "show", "ab")
    assert short.code == 2 and "at least the first 4" in short.err


def test_edit_text_tags_and_mood(cli_vault: Path) -> None:
    entry_id = add("first version", "--tag", "old", "--mood", "3")
    result = run_kit("journal", "edit", entry_id[:8], input="second version")
    assert result.code == 0, result.err
    shown = json.loads(run_kit("journal", "show", entry_id, "--json").out)
    assert shown["text"] == "second version" and shown["tags"] == ["old"] and shown["mood"] == 3
    assert shown["updated"] > shown["created"]
    assert run_kit("journal", "edit", entry_id, "--tag", "new", "--clear-mood").code == 0
    shown = json.loads(run_kit("journal", "show", entry_id, "--json").out)
    assert shown["text"] == "second version" and shown["tags"] == ["new"]
    assert shown["mood"] is None
    assert run_kit("journal", "edit", entry_id, "third", "--mood", "12").code == 2
    empty = run_kit("journal", "edit", entry_id, input="  ")
    assert empty.code == 2
    assert json.loads(run_kit("journal", "show", entry_id, "--json").out)["text"] == (
        "second version")


def test_delete_asks_unless_yes(cli_vault: Path) -> None:
    entry_id = add("to delete")
    refused = run_kit("journal", "delete", entry_id)
    assert refused.code == 2 and "--yes" in refused.err
    assert len(entries()) == 1
    assert run_kit("journal", "delete", entry_id, "--yes").code == 0
    assert entries() == []
    assert run_kit("journal", "delete", entry_id, "--yes").code == 1


def test_export_markdown_and_json(cli_vault: Path, tmp_path: Path) -> None:
    add("Exported words", "--tag", "x", "--mood", "5")
    md = tmp_path / "journal.md"
    result = run_kit("journal", "export", "--format", "md", "--out", str(md))
    assert result.code == 0, result.err
    assert "NOT encrypted" in result.err
    assert "Exported words" in md.read_text() and "Mood: 5/10" in md.read_text()
    assert stat.S_IMODE(md.stat().st_mode) == 0o600
    again = run_kit("journal", "export", "--format", "md", "--out", str(md))
    assert again.code == 1 and "--force" in again.err
    js = tmp_path / "journal.json"
    assert run_kit("journal", "export", "--format", "json", "--out", str(js)).code == 0
    assert json.loads(js.read_text())["entries"][0]["text"] == "Exported words"
    bad = run_kit("journal", "export", "--format", "pdf", "--out", str(tmp_path / "x"))
    assert bad.code == 2
