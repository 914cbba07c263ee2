"""Text from site files and from servers reaches the terminal only as visible escapes: each
command is run as a user runs it and the exact bytes it writes are checked
(tests/hostile_text.py says what counts as safe)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.footprint.conftest import LoopbackServer
from tests.hostile_text import FORGED, HOSTILE, HOSTILE_SHOWN, run_kit_raw, terminal_safe

# What a site file may hold after the kit's checks: no control characters in a one-line field,
# but a bidi override, a line break in a note and the kit's own markup characters pass.
BIDI_NAME = "Evil\u202egnp.exe"
BIDI_SHOWN = "Evil\\u202egnp.exe"


def _site_file(tmp_path: Path, base: str) -> Path:
    doc = {"format": 1, "name": "List \u202eevE", "version": "1\u202e", "date": "2026-11-23",
           "attribution": f"By Eve\n{FORGED}\u202e", "authors": [HOSTILE],
           "sites": [
               {"name": HOSTILE, "profile": f"{base}/status/{{username}}",
                "detect": "status_code"},
               {"name": BIDI_NAME, "category": "social\u202e", "profile":
                f"{base}/status/{{username}}", "detect": "status_code",
                "note": "Line one\n[bold]markup[/bold]\u202e"},
           ]}
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_site_file_read_with_sites_option_is_shown_not_obeyed(tmp_path: Path) -> None:
    path = _site_file(tmp_path, "https://a.example")
    listed = run_kit_raw("sites", "list", "--sites", str(path), passphrase=None)
    assert listed.code == 0
    out, err = terminal_safe(listed.out), terminal_safe(listed.err)
    # The hostile name was refused (it holds control characters); the refusal quotes it safely.
    assert f"  {HOSTILE_SHOWN}: name: must be text of 1 to" in err
    assert f"  {BIDI_SHOWN}  social\\u202e" in out
    assert "Site list: List \\u202eevE 1\\u202e (" in out
    assert f"\nBy Eve\\n{FORGED}\\u202e\n" in out  # the attribution's line break is shown
    shown = run_kit_raw("sites", "show", "--sites", str(path), passphrase=None)
    assert shown.code == 0
    text = terminal_safe(shown.out)
    assert "  version: 1\\u202e" in text
    assert f"  authors: Eve]0;PWNED[2J\\n{FORGED}2J\\u202eexe.txt" in text
    one = run_kit_raw("sites", "show", BIDI_NAME, "--sites", str(path), passphrase=None)
    assert one.code == 0
    assert "  note: Line one\\n[bold]markup[/bold]\\u202e" in terminal_safe(one.out)
    as_json = run_kit_raw("sites", "list", "--sites", str(path), "--json", passphrase=None)
    assert as_json.code == 0
    doc = json.loads(terminal_safe(as_json.out))
    assert [s["name"] for s in doc["sites"]] == [BIDI_NAME]  # same values, escaped in transit


def test_a_site_file_given_to_sites_update_is_shown_not_obeyed(
        tmp_path: Path, cli_vault: Path) -> None:
    path = _site_file(tmp_path, "https://a.example")
    before = _tree(cli_vault)
    refused = run_kit_raw("sites", "update", str(path))  # no terminal, no --yes: not changed
    assert refused.code == 2
    err = terminal_safe(refused.err)
    assert f"  added (1): {BIDI_SHOWN}" in err
    assert "New list:   List \\u202eevE 1\\u202e (the kit's own format, 1 sites)" in err
    assert "there is no terminal to ask on; add --yes" in err
    assert _tree(cli_vault) == before
    taken = run_kit_raw("sites", "update", str(path), "--yes")
    assert taken.code == 0
    assert "Done: the username check now uses List \\u202eevE (1 sites)" in \
        terminal_safe(taken.err)
    listed = run_kit_raw("sites", "list")
    assert listed.code == 0 and BIDI_SHOWN in terminal_safe(listed.out)


def test_a_username_scan_shows_site_names_safely(
        tmp_path: Path, cli_vault: Path, http_server: Any) -> None:
    def answer(method: str, path: str, headers: Mapping[str, str], body: bytes
               ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "text/html"}, b"<html>profile</html>"

    server: LoopbackServer = http_server(answer)
    path = _site_file(tmp_path, server.url)
    for extra in ((), ("--csv",), ("--json",)):
        result = run_kit_raw("scan", "username", "alice", "--sites", str(path), "--yes", *extra)
        assert result.code == 0, result.err
        out, err = terminal_safe(result.out), terminal_safe(result.err)
        assert f"found: {BIDI_SHOWN} (alice)" in err  # the progress line, one per answer
        if not extra:
            assert f"    {BIDI_SHOWN}  {server.url}/status/alice" in out
        elif extra == ("--csv",):
            assert f"alice,{BIDI_SHOWN},found," in out
        else:
            assert json.loads(out)["results"][0]["site"] == BIDI_NAME


def test_a_photos_metadata_and_file_name_are_shown_not_obeyed(tmp_path: Path) -> None:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", HOSTILE.replace("\u202e", ""))  # tEXt is Latin-1: no bidi there
    info.add_itxt("Description", HOSTILE)
    folder = tmp_path / "photos"
    folder.mkdir()
    picture = folder / f"{HOSTILE}.png"
    Image.new("RGB", (8, 8), (200, 30, 30)).save(picture, pnginfo=info)
    before = _tree(folder)
    for args in (("check", "photo", str(picture)), ("check", "photo", str(folder)),
                 ("check", "photo", str(folder), "--json")):
        result = run_kit_raw(*args, passphrase=None)
        assert result.code == 0, result.err
        out = terminal_safe(result.out)
        terminal_safe(result.err)
        if "--json" in args:
            doc = json.loads(out)
            # The name is carried whole (escaped in transit); the metadata was cleaned on reading.
            assert doc["files"][0]["path"] == str(picture)
            assert doc["files"][0]["items"][1]["value"] == f"Eve {FORGED}exe.txt"
        else:
            assert f"?{FORGED}?2J?exe.txt.png (PNG): 2 things found" in out
            assert f"  medium  author: Eve {FORGED}exe.txt  [PNG tEXt]" in out
    assert _tree(folder) == before
