"""config.toml's [keys]: changed keys are read by binding id, and every mistake is named with
the file and the setting, before the app starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kit import config, keymap
from kit.errors import BadInput
from tests.conftest import run_kit


def load(tmp_path: Path, text: str) -> config.Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config.load(path)


def test_changed_keys_are_read_in_textuals_names(tmp_path: Path) -> None:
    settings = load(tmp_path, '[keys]\nincident-new = "ctrl+a"\n'
                              'journal-new = " shift+ctrl+n , f12"\nprepare-done = "?"\n'
                              'hide = "ctrl+l,f11"\n')
    assert settings.keys == {"incident-new": ("ctrl+a",), "journal-new": ("ctrl+shift+n", "f12"),
                             "prepare-done": ("question_mark",), "hide": ("ctrl+l", "f11")}
    assert keymap.table_to_keymap(settings.keys)["journal-new"] == "ctrl+shift+n,f12"
    assert load(tmp_path, "[app]\n").keys == {}


@pytest.mark.parametrize(("text", "message"), [
    ('[keys]\nincident-nwe = "ctrl+a"\n',
     "[keys] has no binding called 'incident-nwe'; the keys you can change are hide, "),
    ('[keys]\nareas-locked = "ctrl+a"\n', "no binding called 'areas-locked'"),
    ("[keys]\nincident-new = 3\n", "[keys] incident-new must be a key or keys separated by "
                                   "commas"),
    ('[keys]\nincident-new = ""\n', "[keys] incident-new must be a key"),
    ('[keys]\nincident-new = "ctrl+banana"\n', "'ctrl+banana' is not a key name: use a "
                                               "letter, a digit, f1 to f24"),
    ('[keys]\nincident-new = "control+a"\n', "'control+a' is not a key name: before the key"),
    ('[keys]\nincident-new = "ctrl+ctrl+a"\n', "'ctrl+ctrl+a' is not a key name"),
    ('[keys]\nincident-new = "ctrl+A"\n', "write keys in lower case"),
    ('[keys]\nincident-new = "shift+a"\n', "types a capital letter"),
    ('[keys]\nincident-new = "a,b,c,d,e"\n', "names 5 keys; at most 4"),
    # The two safety keys can gain a key, never lose their own.
    ('[keys]\nhide = "ctrl+k"\n', "[keys] hide: the quick-hide key always keeps ctrl+l, so it "
                                  'works on any computer; you can add keys to it, such as '
                                  'hide = "ctrl+l,ctrl+k"'),
    ('[keys]\nhappening-now = "f12"\n', "always keeps f9"),
    ('[keys]\njournal-new = "ctrl+l"\n', "journal-new would share ctrl+l with hide"),
    ('[keys]\nform-back = "f9"\n', "form-back would share f9 with happening-now"),
    ('[keys]\nhide = "ctrl+l,ctrl+n"\n', "[keys] hide would share ctrl+n with journal-new (New)"),
    # Textual's own keys, and keys a terminal sends as another.
    ('[keys]\nincident-new = "ctrl+q"\n', "ctrl+q is kept for the app itself (ctrl+q quits"),
    ('[keys]\nhelp = "ctrl+p"\n', "ctrl+p is kept for the app itself"),
    ('[keys]\nnow-next = "tab"\n', "tab is kept for the app itself"),
    ('[keys]\nincident-new = "ctrl+i"\n', "most terminals send ctrl+i as Tab"),
    # A key that works while typing never types.
    ('[keys]\nform-save = "s"\n', "Save works even while you type, so its key must be an "
                                  "F-key or use ctrl or alt"),
    ('[keys]\narea-home = "enter"\n', "Home works even while you type"),
    # Two bindings on one screen, one key.
    ('[keys]\nincident-new = "e"\n', "[keys] incident-new would share e with incident-edit "
                                     "(Edit), which works on the same screen"),
    ('[keys]\nhelp = "f2"\n', "help would share f2 with area-home"),
    ('[keys]\nopen = "f3"\n', "open would share f3 with area-journal"),
    ("keys = 3\n", "keys must be a table, [keys]"),
])
def test_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        load(tmp_path, text)
    assert message in caught.value.message
    assert caught.value.message.startswith(str(tmp_path / "config.toml"))


def test_keys_may_move_when_the_key_they_take_is_freed(tmp_path: Path) -> None:
    settings = load(tmp_path, '[keys]\narea-home = "ctrl+g"\njournal-new = "f2"\n'
                              'incident-new = "e"\nincident-edit = "ctrl+e"\n')
    assert settings.keys["journal-new"] == ("f2",)
    swapped = load(tmp_path, '[keys]\narea-home = "f3"\narea-journal = "f2"\n')
    assert swapped.keys == {"area-home": ("f3",), "area-journal": ("f2",)}


def test_the_defaults_share_no_key_and_every_safety_key_is_kept() -> None:
    assert keymap.check({}, Path("config.toml")) == {}
    assert set(keymap.SAFETY) <= {b.id for b in keymap.changeable()}
    typing = [b for b in keymap.changeable() if b.while_typing]
    assert typing and all(not keymap._types_something(k) for b in typing for k in b.keys)


def test_kit_keys_lists_ids_defaults_and_changes(kit_env: Path) -> None:
    (kit_env / "config.toml").write_text('[keys]\nincident-new = "ctrl+a"\n')
    result = run_kit("keys", "--json")
    assert result.code == 0, result.err
    rows = {row["id"]: row for row in json.loads(result.out)["keys"]}
    assert set(rows) == {b.id for b in keymap.changeable()}
    assert rows["incident-new"] == {"id": "incident-new", "what": "New", "keys": ["ctrl+a"],
                                    "default": ["ctrl+n"], "changed": True,
                                    "while_typing": False, "where": ["IncidentsScreen"]}
    assert rows["hide"]["keys"] == ["ctrl+l"] and not rows["hide"]["changed"]
    human = run_kit("keys")
    assert human.code == 0
    assert "incident-new" in human.out and "(default ctrl+n)" in human.out
    (kit_env / "config.toml").write_text('[keys]\nhide = "f12"\n')
    refused = run_kit("keys")
    assert refused.code == 1 and "always keeps ctrl+l" in refused.err
