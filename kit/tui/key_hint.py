"""Hints that name a key ("Press ctrl+n to write one") name it as it is now: config.toml's
[keys] may have changed it (kit.keymap)."""

from __future__ import annotations

from textual.dom import DOMNode

from kit.keymap import shown_key


def key_hint(node: DOMNode, binding_id: str) -> str:
    """The binding's first key now, as a hint names it ("ctrl+n", "Esc", "F6")."""
    services = getattr(node.app, "services", None)
    return shown_key(binding_id, services.config.keys if services is not None else {})
