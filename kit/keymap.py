"""The app's keys that a person may change in config.toml ([keys]), and the check of a change.

Kept free of Textual so the config, and `kit keys`, read it without loading the app. The
catalogue below copies each binding's id, default keys and words from the app's BINDINGS;
tests/tui/test_keymap.py walks every screen and widget class and fails when the two differ.

Rules a changed key must keep (each refusal says which, in plain words):
- the quick-hide key (ctrl+l) and "It's happening now" (F9) may gain keys but never lose
  their default, and no other binding may take them, so they work on every computer;
- Textual's own keys stay theirs: ctrl+q quits, ctrl+p opens the command palette, ctrl+c
  copies, Tab and shift+Tab move between fields;
- a key that works while typing (the app-wide keys and Save) is an F-key or a ctrl or alt
  combination, never a key that types something;
- no two bindings that work on the same screen share a key.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kit.errors import BadInput


@dataclass(frozen=True)
class KeyBinding:
    id: str
    keys: tuple[str, ...]  # the defaults, Textual key names
    what: str
    while_typing: bool  # a priority binding: it fires even while a text box has the focus


def _b(binding_id: str, keys: str, what: str, while_typing: bool = False) -> KeyBinding:
    return KeyBinding(binding_id, tuple(keys.split(",")), what, while_typing)


APP = "KitApp"  # its bindings work on every screen

BINDINGS: dict[str, KeyBinding] = {b.id: b for b in (
    _b("hide", "ctrl+l", "Hide & lock", True),
    _b("happening-now", "f9", "Happening now", True),
    _b("help", "f1", "Help", True),
    _b("area-home", "f2", "Home", True),
    _b("area-journal", "f3", "Journal", True),
    _b("area-exposure", "f4", "Exposure", True),
    _b("area-wellbeing", "f5", "Wellbeing", True),
    _b("area-prepare", "f6", "Prepare", True),
    _b("area-incidents", "f7", "Incidents", True),
    _b("area-footprint", "f8", "Footprint", True),
    _b("area-supervision", "f10", "Supervision", True),
    _b("areas-locked", "f2,f3,f4,f5,f6,f7,f8,f10", "", True),
    _b("refresh", "ctrl+r", "Refresh"),
    _b("next-tab", "ctrl+t", "Next tab"),
    _b("form-save", "ctrl+s", "Save", True),
    _b("form-back", "escape", "Back"),
    _b("journal-new", "ctrl+n", "New"),
    _b("journal-search", "ctrl+f", "Search"),
    _b("journal-delete", "ctrl+d", "Delete"),
    _b("exposure-new", "ctrl+n", "Log exposure"),
    _b("exposure-delete", "ctrl+d", "Delete"),
    _b("wellbeing-save", "ctrl+s", "Save", True),
    _b("prepare-save", "ctrl+s", "Save", True),
    _b("prepare-done", "d", "Done"),
    _b("prepare-na", "n", "Not for me"),
    _b("prepare-delegate", "g", "Delegate"),
    _b("prepare-todo", "t", "To do"),
    _b("prepare-note", "o", "Note"),
    _b("incident-new", "ctrl+n", "New"),
    _b("incident-edit", "e", "Edit"),
    _b("incident-file", "f", "File"),
    _b("incident-link", "w", "Link"),
    _b("incident-export", "x", "Pack"),
    _b("incident-delete", "ctrl+d", "Delete"),
    _b("incident-removals", "r", "Removals"),
    _b("removal-new", "ctrl+n", "New"),
    _b("removal-update", "u", "Update"),
    _b("removal-recheck", "c", "Look again"),
    _b("removal-letter", "l", "Letter"),
    _b("removal-back", "escape", "Back"),
    _b("footprint-cancel", "ctrl+x", "Stop"),
    _b("scan-stop", "ctrl+x", "Stop"),
    _b("scan-back", "escape", "Back"),
    _b("supervision-open", "ctrl+o", "Open packet"),
    _b("supervision-new", "ctrl+n", "New record"),
    _b("supervision-export", "ctrl+e", "Export record"),
    _b("now-close", "escape", "Close"),
    _b("now-next", "ctrl+right", "Next"),
    _b("now-back", "ctrl+left", "Back"),
    _b("close-help", "escape,f1", "Close help"),
    _b("support-close", "escape", "Close"),
    _b("back", "escape", "Back"),
    _b("close", "escape", "Close"),
    _b("cancel", "escape", "Cancel"),
    _b("ask-cancel", "escape", "Cancel"),
    _b("consent-cancel", "escape", "Cancel"),
    _b("contact-cancel", "escape", "Cancel"),
    _b("comment-cancel", "escape", "Cancel"),
    _b("export-cancel", "escape", "Cancel"),
    _b("handover-cancel", "escape", "Cancel"),
    _b("text-close", "escape", "Close"),
    _b("open", "enter", "Open"),
)}

_AREA = ("next-tab",)
_FORM = ("next-tab", "form-save", "form-back")
# Each class of the app that has keys, and the binding ids that work on it (its own and its
# parents'). The app's own (APP) work on all of them.
PLACES: dict[str, tuple[str, ...]] = {
    APP: ("hide", "happening-now", "help", "area-home", "area-journal", "area-exposure",
          "area-wellbeing", "area-prepare", "area-incidents", "area-footprint",
          "area-supervision", "areas-locked", "refresh"),
    "AreaScreen": _AREA,
    "HomeScreen": _AREA,
    "FormScreen": _FORM,
    "RecordForm": _FORM,
    "AgreementForm": _FORM,
    "EditorScreen": _FORM,
    "ExposureForm": _FORM,
    "IncidentForm": _FORM,
    "RemovalForm": _FORM,
    "SessionForm": _FORM,
    "JournalScreen": (*_AREA, "journal-new", "journal-search", "journal-delete"),
    "ExposureScreen": (*_AREA, "exposure-new", "exposure-delete"),
    "WellbeingScreen": (*_AREA, "wellbeing-save"),
    "PrepareScreen": (*_AREA, "prepare-save", "prepare-done", "prepare-na",
                      "prepare-delegate", "prepare-todo", "prepare-note"),
    "IncidentsScreen": (*_AREA, "incident-new", "incident-edit", "incident-file",
                        "incident-link", "incident-export", "incident-delete",
                        "incident-removals"),
    "RemovalsScreen": (*_AREA, "removal-new", "removal-update", "removal-recheck",
                       "removal-letter", "removal-back"),
    "FootprintScreen": (*_AREA, "footprint-cancel"),
    "ScanScreen": (*_AREA, "scan-stop", "scan-back"),
    "SupervisionScreen": (*_AREA, "supervision-open", "supervision-new", "supervision-export"),
    "HappeningNowScreen": ("now-close", "now-next", "now-back"),
    "HelpScreen": ("close-help",),
    "SupportScreen": ("support-close",),
    "RecoverScreen": ("back",),
    "VaultCheckDialog": ("close",),
    "ConfirmDialog": ("cancel",),
    "EvidenceChoice": ("cancel",),
    "KeyChangeDialog": ("cancel",),
    "RecheckDialog": ("cancel",),
    "AskDialog": ("ask-cancel",),
    "ConsentDialog": ("consent-cancel",),
    "AddContactDialog": ("contact-cancel",),
    "CommentDialog": ("comment-cancel",),
    "ExportDialog": ("export-cancel",),
    "HandoverDialog": ("handover-cancel",),
    "TextDialog": ("text-close",),
    "ReadDialog": ("text-close",),
    "EntryList": ("open",),  # the list of entries, wherever it is
}

# Bindings the app keeps to itself: the area keys' stand-in while locked follows the area keys.
INTERNAL = frozenset({"areas-locked"})
# The two keys that must work on every computer, whatever config.toml says.
SAFETY = {"hide": "the quick-hide key", "happening-now": "the \"It's happening now\" key"}
# Keys Textual itself uses everywhere.
TEXTUAL_KEYS = {"ctrl+q": "quits the app", "ctrl+p": "opens the command palette",
                "ctrl+c": "copies text", "tab": "moves to the next field",
                "shift+tab": "moves to the previous field"}
# Keys that most terminals cannot tell apart from another key.
TERMINAL_ALIASES = {"ctrl+i": "Tab", "ctrl+m": "Enter", "ctrl+h": "Backspace",
                    "ctrl+j": "Enter"}

MODIFIERS = ("alt", "ctrl", "meta", "shift", "super")  # alphabetical, as Textual names them
NAMED_KEYS = ("escape", "enter", "tab", "space", "backspace", "delete", "insert", "home", "end",
              "pageup", "pagedown", "up", "down", "left", "right")
# Each symbol's key name, as Textual names it (a test compares them).
_PUNCTUATION = {
    "!": "exclamation_mark", '"': "quotation_mark", "#": "number_sign", "$": "dollar_sign",
    "%": "percent_sign", "&": "ampersand", "'": "apostrophe", "(": "left_parenthesis",
    ")": "right_parenthesis", "*": "asterisk", "+": "plus", ",": "comma", "-": "minus",
    ".": "full_stop", "/": "slash", ":": "colon", ";": "semicolon", "<": "less_than_sign",
    "=": "equals_sign", ">": "greater_than_sign", "?": "question_mark", "@": "at",
    "[": "left_square_bracket", "\\": "backslash", "]": "right_square_bracket",
    "^": "circumflex_accent", "_": "underscore", "`": "grave_accent",
    "{": "left_curly_bracket", "|": "vertical_line", "}": "right_curly_bracket", "~": "tilde"}
BASE_KEYS = frozenset((*string.ascii_lowercase, *string.digits,
                       *(f"f{n}" for n in range(1, 25)), *NAMED_KEYS, *_PUNCTUATION.values()))
MAX_KEYS_PER_BINDING = 4


def changeable() -> list[KeyBinding]:
    """The bindings a person may change, in the catalogue's order."""
    return [b for b in BINDINGS.values() if b.id not in INTERNAL]


def places_of(binding_id: str) -> list[str]:
    return [place for place, ids in PLACES.items() if binding_id in ids]


def _key_name(where: str, raw: str) -> str:
    """One key, in the form Textual names it ("ctrl+shift+a", "f5", "question_mark")."""
    key = raw.strip()
    if len(key) == 1 and key in _PUNCTUATION:
        key = _PUNCTUATION[key]
    if key != key.lower():
        raise BadInput(f"{where}: write keys in lower case, such as \"ctrl+shift+a\", "
                       f"not {raw.strip()!r}")
    if key.endswith("+"):  # "+" or "ctrl++": the plus key itself
        key = key[:-1] + _PUNCTUATION["+"]
    *modifiers, base = key.split("+")
    unknown = [m for m in modifiers if m not in MODIFIERS]
    if unknown or len(set(modifiers)) != len(modifiers):
        raise BadInput(f"{where}: {raw.strip()!r} is not a key name: before the key come only "
                       f"{', '.join(MODIFIERS)}, each once, joined by + (\"ctrl+n\")")
    if base not in BASE_KEYS:
        raise BadInput(f"{where}: {raw.strip()!r} is not a key name: use a letter, a digit, "
                       "f1 to f24, or one of " + ", ".join(NAMED_KEYS))
    if modifiers == ["shift"] and len(base) == 1:
        raise BadInput(f"{where}: {raw.strip()!r} types a capital letter or a symbol; choose "
                       "a key with ctrl or alt, or an F-key")
    return "+".join((*sorted(modifiers), base))


def _types_something(key: str) -> bool:
    *modifiers, base = key.split("+")
    if any(m in ("ctrl", "alt", "meta", "super") for m in modifiers):
        return False
    return not (base.startswith("f") and base[1:].isdigit())


def check(keys: Mapping[str, Any], path: Path) -> dict[str, tuple[str, ...]]:
    """The [keys] table as {binding id: keys}, or BadInput naming the file and the mistake."""
    changed: dict[str, tuple[str, ...]] = {}
    known = [b.id for b in changeable()]
    for binding_id, value in keys.items():
        where = f"{path}: [keys] {binding_id}"
        if binding_id not in BINDINGS or binding_id in INTERNAL:
            raise BadInput(f"{path}: [keys] has no binding called {binding_id!r}; the keys you "
                           f"can change are {', '.join(known)} (`kit keys` lists them with "
                           "their keys)")
        if not isinstance(value, str) or not value.strip():
            raise BadInput(f"{where} must be a key or keys separated by commas, such as "
                           f"\"ctrl+n\" or \"ctrl+n,f12\", not {value!r}")
        parts = [part for part in value.split(",")]
        if len(parts) > MAX_KEYS_PER_BINDING:
            raise BadInput(f"{where} names {len(parts)} keys; at most {MAX_KEYS_PER_BINDING} "
                           "are allowed")
        names = tuple(dict.fromkeys(_key_name(where, part) for part in parts))
        default = BINDINGS[binding_id].keys
        if binding_id in SAFETY and not set(default) <= set(names):
            raise BadInput(f"{where}: {SAFETY[binding_id]} always keeps {default[0]}, so it "
                           f"works on any computer; you can add keys to it, such as "
                           f"{binding_id} = \"{default[0]},{names[0]}\"")
        for name in names:
            if name in TEXTUAL_KEYS:
                raise BadInput(f"{where}: {name} is kept for the app itself ({name} "
                               f"{TEXTUAL_KEYS[name]}); choose another key")
            if name in TERMINAL_ALIASES:
                raise BadInput(f"{where}: most terminals send {name} as "
                               f"{TERMINAL_ALIASES[name]}, so it would not work; choose "
                               "another key")
            if BINDINGS[binding_id].while_typing and _types_something(name):
                raise BadInput(f"{where}: {BINDINGS[binding_id].what} works even while you "
                               f"type, so its key must be an F-key or use ctrl or alt; {name} "
                               "would take that key from every text box")
        changed[binding_id] = names
    _no_shared_keys(changed, path)
    return changed


def current_keys(changed: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Every binding's keys once *changed* is applied."""
    return {binding_id: changed.get(binding_id, b.keys) for binding_id, b in BINDINGS.items()
            if binding_id not in INTERNAL}


def _no_shared_keys(changed: Mapping[str, tuple[str, ...]], path: Path) -> None:
    now = current_keys(changed)
    for ids in PLACES.values():
        active = dict.fromkeys((*PLACES[APP], *ids))
        holder: dict[str, str] = {}
        for binding_id in active:
            if binding_id in INTERNAL:
                continue
            for key in now[binding_id]:
                other = holder.setdefault(key, binding_id)
                # Help's F1 also closes it: shares the kit makes itself are meant.
                if other != binding_id and not (key in BINDINGS[other].keys
                                                and key in BINDINGS[binding_id].keys):
                    first, second = sorted((other, binding_id),
                                           key=lambda i: (i not in changed, i))
                    raise BadInput(f"{path}: [keys] {first} would share {key} with "
                                   f"{second} ({BINDINGS[second].what}), which works on the "
                                   f"same screen; choose another key")


def table_to_keymap(changed: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """{id: "key,key"}, as Textual's App.set_keymap takes it."""
    return {binding_id: ",".join(keys) for binding_id, keys in changed.items()}


_PLACE_WORDS = {APP: "everywhere", "AreaScreen": "every area", "FormScreen": "every form",
                "EntryList": "lists", "HappeningNowScreen": "It's happening now",
                "HelpScreen": "this help"}


def place_label(binding_id: str) -> str:
    """Where a binding works, in a word or two ("Incidents", "every form")."""
    place = places_of(binding_id)[0]
    if place in _PLACE_WORDS:
        return _PLACE_WORDS[place]
    for ending in ("Screen", "Dialog"):
        place = place.removesuffix(ending)
    return place


def changes_in_words(changed: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(keys now, usual keys, what and where) for each changed binding, for the help."""
    return [(", ".join(keys), ", ".join(BINDINGS[binding_id].keys),
             f"{BINDINGS[binding_id].what} ({place_label(binding_id)})")
            for binding_id, keys in changed.items()]


_KEY_WORDS = {"escape": "Esc", "enter": "Enter"}


def shown_key(binding_id: str, changed: Mapping[str, tuple[str, ...]]) -> str:
    """The binding's first key now, as a button or hint names it ("ctrl+s", "Esc", "F9")."""
    key = changed.get(binding_id, BINDINGS[binding_id].keys)[0]
    if key in _KEY_WORDS:
        return _KEY_WORDS[key]
    return key.upper() if key[0] == "f" and key[1:].isdigit() else key
