"""Exposure log commands end to end. They run through kit.cli.main in this process (Cli), as
the process is not what is tested here; the refusal to delete without a terminal runs `kit` as
a subprocess of its own, with truly no terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kit.records.exposure import Exposure
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, Cli, run_kit


def entries(cli: Cli, *extra: str) -> list[dict[str, Any]]:
    result = cli.run("exposure", "list", "--json", *extra)
    assert result.code == 0, result.err
    listed: list[dict[str, Any]] = json.loads(result.out)["entries"]
    return listed


def test_add_with_every_option_then_list_and_show(cli: Cli, cli_vault: Path) -> None:
    full = cli.run("exposure", "add", "--when", "2026-01-05T10:30+01:00", "--minutes", "45",
                   "--type", "video", "--type", "image", "--volume", "some", "--flag", "violent",
                   "--flag", "personally-resonant", "--step", "breaks", "--step", "audio-off",
                   "--outcome-known", "--impact", "8", "--note", "Long afternoon")
    assert full.code == 0, full.err
    short = full.out.strip()
    assert len(short) == 8
    assert "supervisor" in full.err  # a high impact gets a gentle word, never a score
    assert "116 123" in full.err  # with the support lines
    piped = cli.run("exposure", "add", "--when", "2026-01-06", "--type", "live-disclosure",
                    "--outcome-unknown", "--impact", "2", "--note", "-", "--json",
                    input="from stdin, not the shell history\n")
    assert piped.code == 0, piped.err
    second = json.loads(piped.out)
    assert second.pop("support") is None  # impact 2: no prompt

    newest, oldest = entries(cli)
    assert newest == second and oldest["id"].startswith(short)
    assert {k: v for k, v in oldest.items() if k not in ("id", "recorded", "updated")} == {
        "when": "2026-01-05T09:30:00+00:00", "minutes": 45, "material": ["image", "video"],
        "volume": "some", "flags": ["violent", "personally-resonant"],
        "steps": ["breaks", "audio-off"], "outcome_known": True, "impact": 8,
        "note": "Long afternoon"}
    assert (newest["material"], newest["outcome_known"], newest["impact"], newest["note"],
            newest["minutes"], newest["volume"], newest["flags"], newest["steps"]) == (
        ["live-disclosure"], False, 2, "from stdin, not the shell history", None, None, [], [])

    assert [e["id"] for e in entries(cli, "--since", "2026-01-06")] == [newest["id"]]
    limited = json.loads(cli.run("exposure", "list", "--limit", "1", "--json").out)
    assert limited["total"] == 2 and [e["id"] for e in limited["entries"]] == [newest["id"]]
    table = cli.run("exposure", "list")
    assert table.code == 0 and "IMPACT" in table.out and short in table.out
    assert "8/10" in table.out and "image,video" in table.out

    shown = cli.run("exposure", "show", short)
    assert shown.code == 0, shown.err
    for label in ("Some (11 to 100)", "It was violent", "I took regular breaks",
                  "I know how the case turned out", "8/10", "Long afternoon"):
        assert label in shown.out
    assert json.loads(cli.run("exposure", "show", short[:5], "--json").out) == oldest


def test_bad_input_exits_2_names_the_field_and_saves_nothing(cli: Cli, cli_vault: Path) -> None:
    before = cli.state()
    good = ["--type", "image", "--impact", "5"]
    cases = [
        (["--type", "photo", "--impact", "5"], "--type"),
        (["--volume", "lots", *good], "--volume"),
        (["--flag", "scary", *good], "--flag"),
        (["--step", "coffee", *good], "--step"),
        (["--type", "image", "--impact", "11"], "impact"),
        (["--type", "image", "--impact", "-1"], "impact"),
        (["--type", "image"], "--impact"),
        (["--impact", "5"], "--type"),
        (["--when", "last tuesday", *good], "--when"),
        (["--when", "2999-01-01", *good], "future"),
        (["--minutes", "1441", *good], "minutes"),
    ]
    for args, named in cases:
        result = cli.run("exposure", "add", *args)
        assert result.code == 2, (args, result.err)
        assert named in result.err, (args, result.err)
        assert "Traceback" not in result.err and result.out == ""
    for args in (["--type", "image", "--impact", "11"], ["--type", "photo", "--impact", "1"]):
        result = cli.run("exposure", "add", *args, "--json")
        assert result.code == 2
        doc = json.loads(result.out)  # one document and nothing else on stdout
        assert set(doc) == {"error"} and set(doc["error"]) == {"code", "message", "exit"}
        assert doc["error"]["code"] == "usage" and doc["error"]["exit"] == 2
        assert doc["error"]["message"]
    assert cli.state() == before
    assert cli.run("exposure", "list", "--since", "soon").code == 2


def test_delete_needs_yes_without_a_terminal(cli: Cli, cli_vault: Path) -> None:
    entry_id = cli.run("exposure", "add", "--type", "text", "--impact", "1").out.strip()
    refused = run_kit("exposure", "delete", entry_id)
    assert refused.code == 2 and "--yes" in refused.err
    assert [e["id"][:8] for e in entries(cli)] == [entry_id]
    deleted = cli.run("exposure", "delete", entry_id, "--yes", "--json")
    assert deleted.code == 0, deleted.err
    assert json.loads(deleted.out)["deleted"].startswith(entry_id)
    missing = cli.run("exposure", "show", entry_id)
    assert missing.code == 1 and "no exposure entry" in missing.err
    assert cli.run("exposure", "list").out.strip() == "No exposure entries yet."


def test_a_damaged_record_is_reported_and_the_rest_listed(cli: Cli, cli_vault: Path) -> None:
    with Vault.open(cli_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        kept = Exposure(vault).add(material=["image"], impact=3)
        vault.put("exposure", {"when": "not a date", "impact": 3})
    result = cli.run("exposure", "list", "--json")
    assert result.code == 0, result.err
    assert [e["id"] for e in json.loads(result.out)["entries"]] == [kept.id]
    assert "Warning:" in result.err and "cannot read" in result.err
