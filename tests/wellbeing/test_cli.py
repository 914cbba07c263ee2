"""The wellbeing commands as a user runs them. Few, since each run is a real subprocess; the
unit tests cover every validation and scoring case."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.conftest import PASSPHRASE, run_kit
from tests.pty_session import PtySession
from tests.wellbeing.conftest import BASE, FIXTURES

LOW = ["--answer", "energy=2", "--answer", "sleep=2", "--answer", "intrusions=9",
       "--answer", "connected=3", "--answer", "switch-off=2", "--answer", "coping=3"]


def kit_json(*args: str, code: int = 0, input: str | None = None) -> Any:
    result = run_kit(*args, "--json", input=input)
    assert result.code == code, result.err
    return json.loads(result.out)


def test_import_good_file_and_refuse_malformed_ones(cli_vault: Path, tmp_path: Path) -> None:
    good = kit_json("instrument", "add", str(FIXTURES / "who5_structure.toml"))
    assert good["outcome"] == "added" and good["instrument"]["id"] == "who5-structure"
    before = kit_json("instrument", "list")
    assert [i["id"] for i in before["instruments"]] == ["pulse", "who5-structure"]

    cases = {
        "unknown.toml": (BASE.replace("short_name", 'author = "me"\nshort_name'),
                         "unknown.toml: [instrument]: field 'author' is not part of instrument "
                         "format version 1"),
        "gap.toml": (BASE.replace("to = 4\n", "to = 3\n"),
                     "gap.toml: subscale 'total': band 'fair': field 'from' leaves a gap: the "
                     "possible score 4 is in no band"),
        "empty-text.toml": (BASE.replace('"I have felt on edge."', '""'),
                            "empty-text.toml: item 'on-edge': field 'text' must be a non-empty "
                            "string"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        result = run_kit("instrument", "add", str(path), "--json")
        assert result.code == 1, (name, result.err)
        assert f"kit: {message}" in result.err
        error = json.loads(result.out)["error"]
        assert error["code"] == "bad_instrument" and error["message"].startswith(message)
        assert "Traceback" not in result.err
    assert kit_json("instrument", "list") == before  # nothing was imported

    # A changed version needs --replace; the same file again changes nothing.
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(BASE)
    kit_json("instrument", "add", str(tiny))
    tiny.write_text(BASE.replace("A tiny check-in", "A tiny check-in, revised"))
    refused = run_kit("instrument", "add", str(tiny))
    assert refused.code == 2 and "--replace" in refused.err
    assert kit_json("instrument", "add", str(tiny), "--replace")["outcome"] == "replaced"
    shown = kit_json("instrument", "show", "tiny")
    assert shown["name"] == "A tiny check-in, revised" and shown["items"][1]["reverse"]


def test_checkin_add_list_and_support(cli_vault: Path) -> None:
    steady = kit_json("checkin", "add", "--answer", "energy=8", "--answer", "sleep=7",
                      "--answer", "intrusions=2", "--answer", "connected=8",
                      "--answer", "switch-off=7", "--answer", "coping=8", "--note", "-",
                      input="good week")
    assert steady["checkin"]["scores"] == [{"subscale": "total", "name": "Overall",
                                            "score": 7.67, "band": "steady", "concern": False}]
    assert steady["support"] is None and steady["checkin"]["note"] == "good week"

    human = run_kit("checkin", "add", *LOW)  # (2 + 2 + 1 + 3 + 2 + 3) / 6 = 2.17
    assert human.code == 0, human.err
    # The band's label is shown; its name, the id the check-in keeps, is not.
    assert "Overall: 2.17 (on a scale from 0 to 10) — things are hard." in human.out
    assert "struggling" not in human.out
    assert "Your answers suggest things are hard" in human.err  # support goes to stderr
    assert "call 999" in human.err and "Call 116 123" in human.err

    listed = kit_json("checkin", "list")
    assert listed["total"] == 2
    assert [c["scores"][0]["band"] for c in listed["checkins"]] == ["struggling", "steady"]
    assert listed["checkins"][0]["answers"]["intrusions"] == 9
    in_words = run_kit("checkin", "list").out
    assert "Overall 2.17 (things are hard)" in in_words and "(fairly steady)" in in_words
    assert "struggling" not in in_words
    shown = run_kit("instrument", "show", "pulse").out
    assert "0 to 3.9: things are hard (saved as 'struggling')" in shown

    missing = run_kit("checkin", "add", *LOW[:-2])
    assert missing.code == 2 and "no answer for item 'coping'" in missing.err
    no_terminal = run_kit("checkin", "add")
    assert no_terminal.code == 2 and "--answer ITEM=N" in no_terminal.err
    assert kit_json("checkin", "list")["total"] == 2  # neither saved anything


def test_support_in_json_and_rhythm(cli_vault: Path) -> None:
    low = kit_json("checkin", "add", *LOW)
    support = low["support"]
    assert support["reason"] == "concern" and "999" in support["emergency"]
    assert support["helplines"][0]["id"] == "samaritans"

    assert run_kit("checkin", "rhythm", "pulse", "14").code == 0
    (due,) = kit_json("checkin", "due")["due"]
    assert due["instrument"] == "pulse" and due["every_days"] == 14
    assert not due["overdue"] and not due["due_now"]
    assert run_kit("checkin", "rhythm", "pulse", "500").code == 2


def test_helplines_need_no_vault() -> None:
    data = kit_json("helplines")
    assert "999" in data["emergency"]
    assert {h["number"] for h in data["helplines"]} >= {"116 123", "85258"}
    assert all(h["source_url"].startswith("https://") and h["checked"]
               for h in data["helplines"])


def test_checkin_asks_each_item_at_a_terminal(cli_vault: Path) -> None:
    session = PtySession([sys.executable, "-m", "kit", "checkin", "add"],
                         env={**os.environ, "KIT_PASSPHRASE": PASSPHRASE})
    session.expect("not a validated clinical measure")  # attribution first
    session.expect("over the last week")
    session.expect("0 = Not true at all, 10 = Completely true")
    for n, answer in enumerate(["7", "eleven", "6", "3", "8", "6", "7"], 1):
        session.expect_count("(0 to 10)", n)
        session.send(answer)
    assert session.wait() == 0
    assert "Please type a whole number from 0 to 10." in session.text
    assert "Overall: 6.83" in session.text and "steady" in session.text  # 41/6
