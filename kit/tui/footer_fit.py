"""Every footer fits its screen: keys that do not fit are left out whole, never cut.

Textual's footer lays every shown key in one row and lets the row run off the right edge, so
at 80 columns (and on the busier screens at 110) the last keys came out cut ("^r Refr") or not
at all. Here each footer is built for the width it has: the keys that must always show (hide
and lock, happening now, help, the palette, an area's next tab), then the screen's own keys in
the order the screen lists them (its most used first), the area keys (shortened to one
"f2…f10 Areas" when the full row does not fit) and Refresh, each only if it fits whole. A key
left out still works, and F1 help names it. The footer is built again when the window's width
changes.

tests/tui/test_footer_fit.py checks every area's footer at 80 and 110 columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

from kit.keymap import BINDINGS

ALWAYS = frozenset({"hide", "happening-now", "help", "next-tab"})
LAST = ("refresh",)  # shown only when everything else fits
SAFETY = 2  # columns kept free: a width estimate a cell out must not cut the last key
# The area keys in the order the app lists them (Home, Journal, ... Supervision).
AREA_ORDER = {binding_id: n for n, binding_id in enumerate(BINDINGS)
              if binding_id.startswith("area-")}


@dataclass(frozen=True)
class _Key:
    binding: Binding
    enabled: bool
    tooltip: str


def _key_width(display: str, description: str) -> int:
    """A compact footer key: "^s Save" and the space after it."""
    return cell_len(display) + (1 + cell_len(description) if description else 0) + 1


def _fitting_compose(self: Footer) -> ComposeResult:
    if not self._bindings_ready:
        return
    app: Any = self.app
    active = self.screen.active_bindings
    by_action: defaultdict[str, list[_Key]] = defaultdict(list)
    for _node, binding, enabled, tooltip in active.values():
        if binding.show:
            by_action[binding.action].append(_Key(binding, enabled, tooltip))
    firsts = [keys[0] for keys in by_action.values()]

    def display(key: _Key) -> str:
        return str(app.get_key_display(key.binding))

    grouped = [k for k in firsts if k.binding.group is not None]
    group = grouped[0].binding.group if len(grouped) > 1 else None
    members = [k for k in grouped if k.binding.group is group] if group else []
    group_full = (1 + sum(cell_len(display(k)) for k in members) + 1
                  + cell_len(group.description) + 1) if group else 0
    short = _short_keys([display(k) for k in members])
    group_short = (_key_width(short, group.description) + 1) if group else 0
    if members:
        # Together and in the app's order, wherever their keys come in the screen's: a focused
        # text box's own F6 and F7 put those first, and config.toml may move one to a key
        # that comes later.
        at = firsts.index(members[0])
        rest = [k for k in firsts if k not in members]
        members.sort(key=lambda k: AREA_ORDER.get(k.binding.id or "", len(AREA_ORDER)))
        firsts = [*rest[:at], *members, *rest[at:]]

    palette = None
    if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
        found = active.get(app.COMMAND_PALETTE_BINDING)
        if found is not None:
            palette = found
    room = app.size.width - SAFETY
    if palette is not None:
        room -= 1 + _key_width(str(app.get_key_display(palette[1])),
                               palette[1].description)

    singles = [k for k in firsts if k not in members]
    always = [k for k in singles if k.binding.id in ALWAYS]
    own = [k for k in singles if k.binding.id not in ALWAYS and k.binding.id not in LAST]
    last = [k for k in singles if k.binding.id in LAST]
    shown: set[int] = set()
    group_shown = ""  # "", "short" or "full"

    def take(width: int) -> bool:
        nonlocal room
        if width > room:
            return False
        room -= width
        return True

    for key in always:
        if take(_key_width(display(key), key.binding.description)):
            shown.add(id(key))
    for key in own[:2]:
        if take(_key_width(display(key), key.binding.description)):
            shown.add(id(key))
    if group and take(group_short):
        group_shown = "short"
    for key in own[2:]:
        if take(_key_width(display(key), key.binding.description)):
            shown.add(id(key))
    if group_shown and take(group_full - group_short):
        group_shown = "full"
    for key in last:
        if take(_key_width(display(key), key.binding.description)):
            shown.add(id(key))

    # The width it was built for, kept on the footer itself (read by _resized below).
    self._kit_width = app.size.width  # type: ignore[attr-defined]
    for in_group, run in groupby(firsts, lambda k: k in members):
        if in_group:
            yield from _group(self, list(run), group_shown, display, short)
            continue
        for key in run:
            if id(key) in shown:
                yield FooterKey(key.binding.key, display(key), key.binding.description,
                                key.binding.action, disabled=not key.enabled,
                                tooltip=key.tooltip).data_bind(compact=Footer.compact)
    if palette is not None:
        _node, binding, enabled, tooltip = palette
        yield FooterKey(binding.key, str(app.get_key_display(binding)), binding.description,
                        binding.action, classes="-command-palette", disabled=not enabled,
                        tooltip=binding.tooltip or binding.description)


def _short_keys(keys: list[str]) -> str:
    """The area keys in few columns: F-keys in a row as "f2…f10" (F9, happening now, sits
    between), any other key apart ("f3…f10 ^k" once config.toml gives one area ctrl+k)."""
    numbers = sorted(int(k[1:]) for k in keys if k[:1] == "f" and k[1:].isdigit())
    others = [k for k in keys if not (k[:1] == "f" and k[1:].isdigit())]
    runs: list[list[int]] = []
    for n in numbers:
        if runs and (n == runs[-1][-1] + 1 or (runs[-1][-1], n) == (8, 10)):
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = [f"f{run[0]}…f{run[-1]}" if len(run) > 2 else " ".join(f"f{n}" for n in run)
             for run in runs]
    return " ".join([*parts, *others])


def _group(footer: Footer, run: list[_Key], shown: str,
           display: Any, short: str) -> Iterator[Widget]:
    if not shown:
        return
    group = run[0].binding.group
    assert group is not None
    if shown == "short":
        first = run[0]
        yield FooterKey(first.binding.key, short, group.description, first.binding.action,
                        disabled=not first.enabled,
                        tooltip=f"{short.replace('…', ' to ')}: the areas (F1 help lists them)",
                        ).data_bind(compact=Footer.compact)
        return
    keys = [FooterKey(k.binding.key, display(k), "", k.binding.action,
                      disabled=not k.enabled, tooltip=k.tooltip or k.binding.description,
                      classes="-grouped").data_bind(compact=Footer.compact) for k in run]
    yield KeyGroup(*keys, classes="-compact" if group.compact else "")
    yield FooterLabel(group.description)


def _resized(self: Footer, event: events.Resize) -> None:
    if getattr(self, "_kit_width", None) not in (None, self.app.size.width):
        self.call_after_refresh(self.recompose)


def footers_fit() -> None:
    """Make every footer fit its width (see above); idempotent."""
    # Replacing Textual's own methods on its class (Textual 8.2, pinned in pyproject.toml;
    # tests/tui/test_textual_upgrade.py names them): mypy refuses assigning to a method, and
    # Footer has no on_resize of its own to type the new one against.
    Footer.compose = _fitting_compose  # type: ignore[method-assign]
    Footer.on_resize = _resized  # type: ignore[attr-defined]
