"""`kit keys`: the app's keys, by the id that config.toml's [keys] changes them with."""

from __future__ import annotations

import click

from kit.commands.context import json_option, opts, out


@click.command("keys")
@json_option
def keys() -> None:
    """List the app's keys: each binding's id, its keys now, and its default.

    Change a key in config.toml (in the kit's home folder) under [keys], by id, such as
    incident-new = "ctrl+a" or hide = "ctrl+l,f12". The quick-hide key (ctrl+l) and "It's
    happening now" (F9) can gain keys but always keep their own.
    """
    from kit import config, keymap
    from kit.paths import config_path

    changed = config.load().keys
    now = keymap.current_keys(changed)
    rows = [{"id": b.id, "what": b.what, "keys": list(now[b.id]), "default": list(b.keys),
             "changed": b.id in changed, "while_typing": b.while_typing,
             "where": keymap.places_of(b.id)} for b in keymap.changeable()]
    doc = {"config": str(config_path()), "keys": rows}
    if opts().json:
        out("", doc)
        return
    bindings = keymap.changeable()
    width = max(len(b.id) for b in bindings)
    lines = [f"{'id':<{width}}  {'keys':<18}  what"]
    for b in bindings:
        note = f"  (default {','.join(b.keys)})" if b.id in changed else ""
        lines.append(f"{b.id:<{width}}  {','.join(now[b.id]):<18}  {b.what}{note}")
    lines.append(f"\nChange a key in {config_path()} under [keys], by id, such as\n"
                 "  incident-new = \"ctrl+a\"\nctrl+l (hide) and f9 (it's happening now) "
                 "always keep their keys.")
    out("\n".join(lines), doc)
