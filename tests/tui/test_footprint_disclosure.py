"""Footprint in the app says what the command line says, and what it does with a key: the
consent shows the one disclosure (headers, the key as a secret, the redirect rule, what the
ledger keeps), a 429 wait is shown while it lasts, a typed HIBP key is kept only after a yes and
can be forgotten, findings are marked in the app, and the Ledger's Status and Bytes fit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from kit.footprint import breaches
from kit.records.findings import Findings
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.footprint.conftest import LoopbackServer
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import press_button, showing, unlock, wait_for

KEY = "0123456789abcdef0123456789abcdef"
BREACH = {"Name": "ExampleForum", "Title": "Example Forum", "Domain": "forum.example",
          "BreachDate": "2020-01-01", "PwnCount": 1000,
          "DataClasses": ["Email addresses", "Passwords"]}


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def test_one_disclosure_a_shown_retry_a_key_kept_only_on_yes_and_findings_marked(
        make_app, closed_vault: Path, monkeypatch: pytest.MonkeyPatch,
        secure_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    answers = {"account": 0}

    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/breachedaccount/"):
            answers["account"] += 1
            if answers["account"] == 1:  # the rate limit, once: wait a second
                return 429, {"Retry-After": "1"}, b""
        return 200, {"Content-Type": "application/json"}, json.dumps([BREACH]).encode()

    server = LoopbackServer(handler)
    monkeypatch.setenv("KIT_HIBP_URL", server.url)
    monkeypatch.delenv("KIT_HIBP_API_KEY", raising=False)
    app: KitApp = make_app()
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await unlock(pilot)
            await pilot.press("f8")
            await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "footprint")
            screen = app.screen
            screen.query_one("#email", Input).value = "sam@example.org"
            screen.query_one("#check-email").press()
            await wait_for(pilot, lambda: showing(pilot, "AskDialog"), "the key question")
            await pilot.pause()
            assert "not kept unless you say so" in _text(app.screen.query_one("Static"))
            app.screen.query_one(Input).value = KEY
            await pilot.press("enter")
            await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "the consent")
            plan = breaches.plan("sam@example.org", KEY, refresh_catalogue=True)
            box = app.screen.query_one("#consent-plan")
            shown = _text(box if isinstance(box, Static) else box.query_one(Static))
            # The app shows the very text the command line prints.
            assert shown == plan.describe(shown_per_host=6) == plan.describe()
            assert "header hibp-api-key: (secret, not shown)" in shown
            assert "header User-Agent: FrontlineKit/" in shown
            assert "follows no redirect" in shown
            assert "path of the address" in shown and "never the values" not in shown
            assert KEY not in shown
            await press_button(pilot, "#consent-yes")
            # The wait the server asked for is on screen while it lasts.
            await wait_for(pilot, lambda: "waiting 1 s before retrying once, as the server "
                           "asked" in _text(screen.query_one("#check-result")), "the wait")
            # Then, with HIBP's yes to the key, the question: keep it? Nothing kept yet.
            await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "keep the key?")
            await pilot.pause()
            asked = _text(app.screen.query_one("Static"))
            assert "Keep your HIBP API key in" in asked and "frontline-kit-hibp" in asked
            assert secure_keyring.store == {}
            await press_button(pilot, "#yes")
            await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "back")
            assert breaches.stored_key() == KEY
            assert "Example Forum" in _text(screen.query_one("#check-result"))
            assert len(server.received) == 3  # the account twice (429, then 200), the list

            # Forget key removes it, and says so.
            screen.query_one("#forget-key").press()
            await pilot.pause()
            assert "removed from this computer's keyring" in _text(
                screen.query_one("#check-result"))
            assert breaches.stored_key() is None

            # The finding is marked in the app.
            await show_tab(pilot, "footprint-tabs", "findings-tab")
            assert "Example Forum" in _text(screen.query_one("#findings"))
            screen.query_one("#finding-accepted").press()
            await pilot.pause()
            assert "(Accepted)" in _text(screen.query_one("#findings"))
            assert not screen.query_one("#finding-accepted").display
            screen.query_one("#finding-fixed").press()
            await pilot.pause()
            assert "(Fixed)" in _text(screen.query_one("#findings"))

            # The Ledger: both account requests and the list; status and size fit in 120.
            await show_tab(pilot, "footprint-tabs", "ledger-tab")
            table = screen.query_one("#ledger", DataTable)
            assert table.row_count == 3
            labels = [str(c.label) for c in table.columns.values()]
            assert labels == ["When", "Check", "Status", "Bytes", "Request"]
            widths = [c.get_render_width(table) for c in table.columns.values()]
            assert sum(widths[:4]) < 80  # at 80 columns too, only the address is cut
            statuses = {str(table.get_cell_at((row, 2))) for row in range(3)}
            assert statuses == {"429", "200"}
            hint = _text(screen.query_one("#ledger-pane Static"))
            assert "path of the address" in hint and "last column" in hint
    finally:
        server.close()
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        [finding] = Findings(vault).list()
        assert finding.status == "fixed"


async def test_clean_copies_are_made_in_the_app_not_sent_to_a_terminal(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from kit.footprint import photos

    folder = tmp_path / "to-post"
    folder.mkdir()
    picture = folder / "holiday.jpg"
    Image.new("RGB", (8, 8), "white").save(picture, comment=b"Flat 2, 10 Made-up Road")
    original = picture.read_bytes()
    app: KitApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await pilot.press("f8")
        await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "footprint")
        screen = app.screen
        assert not screen.query_one("#strip-photos").display  # nothing to clean yet
        screen.query_one("#photos", Input).value = str(folder)
        screen.query_one("#check-photos").press()
        await wait_for(pilot, lambda: "Made-up Road" in _text(
            screen.query_one("#check-result")), "the photo report")
        said = _text(screen.query_one("#check-result"))
        assert "Clean copies…" in said and "kit check" not in said and "terminal" not in said
        screen.query_one("#strip-photos").press()
        await wait_for(pilot, lambda: showing(pilot, "AskDialog"), "where to put them")
        await pilot.pause()
        await pilot.press("enter")  # the folder offered: beside the pictures
        await wait_for(pilot, lambda: "1 clean copy made" in _text(
            screen.query_one("#check-result")), "the copies")
    copy = folder / "clean-copies" / "holiday.jpg"
    assert photos.scan([copy])[0].clean
    assert picture.read_bytes() == original
