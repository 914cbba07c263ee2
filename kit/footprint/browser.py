"""Handing a link to the user's web browser: the one place the kit does it.

The browser sends what is in the link (a search for the user's own name, say), so it is bound
by the same offline rule as the transport.
"""

from __future__ import annotations

from kit.errors import KitError
from kit.footprint.transport import refuse_if_offline


def open_in_browser(url: str) -> None:
    """Open *url* in a new browser tab; NetworkRefused when offline, KitError when no browser
    could be started. Under KIT_OFFLINE the browser is never launched."""
    refuse_if_offline("the web browser was not opened and nothing was sent")
    import webbrowser  # only here: its import looks for browsers on the PATH

    try:
        opened = webbrowser.open(url, new=2)
    except webbrowser.Error:
        opened = False
    if not opened:
        raise KitError(f"no web browser could be opened here; copy the address instead: {url}")
