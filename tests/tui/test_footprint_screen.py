"""Pilot tests for the footprint area: the consent dialog shows what would leave and sends
nothing on Cancel; Send runs the check through the transport against a real loopback server,
records the request in the ledger and the finding in the register; photos are read offline."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from kit.records.findings import Findings
from kit.records.ledger import Ledger
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.footprint.conftest import LoopbackServer
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import SIZE, press_button, showing, unlock, wait_for

PASSWORD = "correct horse battery staple"
DIGEST = hashlib.sha1(PASSWORD.encode()).hexdigest().upper()


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


@pytest.fixture
def pwned(monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopbackServer]:
    """A stand-in Pwned Passwords range endpoint that knows our password, with padding."""

    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        lines = [f"{DIGEST[5:]}:42", "0" * 35 + ":0"]
        return 200, {"Content-Type": "text/plain"}, "\r\n".join(lines).encode()

    server = LoopbackServer(handler)
    monkeypatch.setenv("KIT_PWNED_PASSWORDS_URL", server.url)
    yield server
    server.close()


async def _open(pilot, app: KitApp) -> None:  # type: ignore[no-untyped-def]
    await unlock(pilot)
    await pilot.press("f8")
    await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "the footprint area")


async def _check_password_and_agree(pilot, app: KitApp) -> None:  # type: ignore[no-untyped-def]
    """Type the password, ask for its check, and press Send on the consent dialog."""
    app.screen.query_one("#password", Input).value = PASSWORD
    app.screen.query_one("#check-password").press()
    await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "the consent dialog")
    await press_button(pilot, "#consent-yes")


async def test_cancel_sends_nothing_and_send_checks_logs_and_records(
        make_app, closed_vault: Path, pwned: LoopbackServer) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        screen = app.screen
        for answer in ("consent-no", "consent-yes"):
            screen.query_one("#password", Input).value = PASSWORD
            screen.query_one("#check-password").press()
            await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "the consent dialog")
            shown = _text(app.screen.query_one("#consent-plan Static"))
            assert DIGEST[:5] in shown and "127.0.0.1" in shown
            assert PASSWORD not in shown and DIGEST[5:] not in shown
            await press_button(pilot, f"#{answer}")
            await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "back")
            if answer == "consent-no":
                assert "Nothing was sent" in _text(screen.query_one("#check-result"))
                assert pwned.received == []
        await wait_for(pilot, lambda: "42 times" in _text(screen.query_one("#check-result")),
                       "the password result")
        assert screen.query_one("#password", Input).value == ""  # not left on screen
        await show_tab(pilot, "footprint-tabs", "ledger-tab")
        assert screen.query_one("#ledger", DataTable).row_count == 1
        await show_tab(pilot, "footprint-tabs", "findings-tab")
        assert "password" in _text(screen.query_one("#findings")).lower()
    assert [r.path for r in pwned.received] == [f"/range/{DIGEST[:5]}"]
    assert pwned.received[0].headers.get("add-padding") == "true"
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        [entry] = Ledger(vault).entries()
        assert entry.check == "password" and entry.status == 200
        assert [f.source for f in Findings(vault).list()] == ["password"]


async def test_offline_refuses_after_consent_and_says_so(
        make_app, closed_vault: Path, pwned: LoopbackServer,
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIT_OFFLINE", "1")
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        screen = app.screen
        await _check_password_and_agree(pilot, app)
        await wait_for(pilot, lambda: "did not finish" in _text(
            screen.query_one("#check-result")), "the refusal")
        assert "offline" in _text(screen.query_one("#check-result")).lower()
    assert pwned.received == []


async def test_photos_are_read_offline_and_what_they_show_becomes_a_finding(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    folder = tmp_path / "pictures"
    folder.mkdir()
    Image.new("RGB", (8, 8), "white").save(folder / "holiday.jpg",
                                           comment=b"Flat 2, 10 Made-up Road")
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (51.0, 30.0, 29.99), 3: "W", 4: (0.0, 7.0, 39.0)})
    Image.new("RGB", (8, 8), "white").save(folder / "garden.jpg", exif=exif)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        screen = app.screen
        # The findings tab, once built, shows what a later check finds without being asked.
        await show_tab(pilot, "footprint-tabs", "findings-tab")
        await show_tab(pilot, "footprint-tabs", "checks-tab")
        screen.query_one("#photos", Input).value = str(folder)
        screen.query_one("#check-photos").press()
        await wait_for(pilot, lambda: "2 files looked at" in _text(
            screen.query_one("#check-result")), "the photo report")
        result = _text(screen.query_one("#check-result"))
        assert "holiday.jpg" in result and "Made-up Road" in result
        assert "2 pictures added to your findings." in result
        # The findings tab lists it straight away, as `kit findings` does.
        await wait_for(pilot, lambda: "garden.jpg: shows where it was taken" in _text(
            screen.query_one("#findings")), "the finding listed")
    vault = Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE))
    try:
        found = {f.key: f for f in Findings(vault).list()}
        garden = found[str((folder / "garden.jpg").resolve())]
        assert (garden.source, garden.severity, garden.fix_item) == (
            "photos", "high", "triage-location-sharing-off")
        assert found[str((folder / "holiday.jpg").resolve())].severity == "medium"
    finally:
        vault.close()


async def test_email_breaches_with_a_key_from_the_environment(
        make_app, closed_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import json

    breach = {"Name": "ExampleForum", "Title": "Example Forum", "Domain": "forum.example",
              "BreachDate": "2020-01-01", "PwnCount": 1000,
              "DataClasses": ["Email addresses", "Passwords"]}

    def handler(method: str, path: str, headers: Mapping[str, str], body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        doc = [breach] if path.startswith("/breachedaccount/") or path == "/breaches" else []
        return 200, {"Content-Type": "application/json"}, json.dumps(doc).encode()

    server = LoopbackServer(handler)
    monkeypatch.setenv("KIT_HIBP_URL", server.url)
    monkeypatch.setenv("KIT_HIBP_API_KEY", "0123456789abcdef0123456789abcdef")
    app: KitApp = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(pilot, app)
            screen = app.screen
            screen.query_one("#email", Input).value = "sam@example.org"
            screen.query_one("#check-email").press()
            await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "the consent")
            shown = _text(app.screen.query_one("#consent-plan Static"))
            assert "sam@example.org" in shown or "sam%40example.org" in shown
            assert "0123456789abcdef" not in shown  # the key is never shown
            await press_button(pilot, "#consent-yes")
            await wait_for(pilot, lambda: "known breach" in _text(
                screen.query_one("#check-result")), "the breach result")
            assert "Example Forum" in _text(screen.query_one("#check-result"))
    finally:
        server.close()
    assert server.received[0].headers.get("hibp-api-key") == "0123456789abcdef0123456789abcdef"
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert [f.source for f in Findings(vault).list()] == ["email"]


async def test_domain_record_asks_before_each_server_and_lists_what_shows(
        make_app, closed_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import json

    registry = LoopbackServer(host="127.0.0.2")
    bootstrap = {"version": "1.0", "publication": "2026-11-01T00:00:00Z",
                 "services": [[["example"], [registry.url + "/"]]]}
    record = {"objectClassName": "domain", "ldhName": "sam-smith.example",
              "entities": [{"objectClassName": "entity", "roles": ["registrant"],
                            "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
                                                     ["fn", {}, "text", "Sam Smith"],
                                                     ["tel", {}, "uri", "tel:+44.7700900123"]]]}]}

    def iana(method: str, path: str, headers: Mapping[str, str], body: bytes
             ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(bootstrap).encode()

    def rdap(method: str, path: str, headers: Mapping[str, str], body: bytes
             ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/rdap+json"}, json.dumps(record).encode()

    registry.handler = rdap
    iana_server = LoopbackServer(iana)
    monkeypatch.setenv("KIT_RDAP_URL", iana_server.url)
    app: KitApp = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(pilot, app)
            screen = app.screen
            screen.query_one("#domain", Input).value = "sam-smith.example"
            screen.query_one("#check-domain").press()
            for host in ("127.0.0.1", "127.0.0.2"):  # the bootstrap, then the registry
                await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "a consent")
                assert host in _text(app.screen.query_one("#consent-plan Static"))
                dialog = app.screen
                dialog.query_one("#consent-yes").press()
                # The next dialog may follow within one poll, so wait for this one to go.
                await wait_for(pilot, lambda d=dialog: app.screen is not d, "answered")
            await wait_for(pilot, lambda: "shows personal details" in _text(
                screen.query_one("#check-result")), "the domain result")
    finally:
        registry.close()
        iana_server.close()
    assert [r.path for r in registry.received] == ["/domain/sam-smith.example"]
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert len(Ledger(vault).entries()) >= 2
        assert {f.source for f in Findings(vault).list()} == {"domain"}


async def test_domain_contacts_by_reference_are_asked_for_and_never_read_as_clean(
        make_app, closed_vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A CZ.NIC-shaped record names the registrant only by a handle and a link: the app asks
    for it with the same plan the command line prints, and declining leaves the result
    incomplete, never "shows no personal details"."""
    import json

    from kit.tui.screens.consent import SHOWN_PER_HOST

    registry = LoopbackServer(host="127.0.0.2")
    entity_url = registry.url + "/entity/CZ-SAM"
    bootstrap = {"version": "1.0", "publication": "2026-11-01T00:00:00Z",
                 "services": [[["cz"], [registry.url + "/"]]]}
    record = {"objectClassName": "domain", "ldhName": "sam.cz",
              "entities": [{"objectClassName": "entity", "handle": "CZ-SAM",
                            "roles": ["registrant"],
                            "links": [{"href": entity_url, "rel": "self",
                                       "type": "application/rdap+json"}]}]}

    def iana(method: str, path: str, headers: Mapping[str, str], body: bytes
             ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(bootstrap).encode()

    def rdap(method: str, path: str, headers: Mapping[str, str], body: bytes
             ) -> tuple[int, dict[str, str], bytes]:
        return 200, {"Content-Type": "application/rdap+json"}, json.dumps(record).encode()

    registry.handler = rdap
    iana_server = LoopbackServer(iana)
    monkeypatch.setenv("KIT_RDAP_URL", iana_server.url)
    app: KitApp = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(pilot, app)
            screen = app.screen
            screen.query_one("#domain", Input).value = "sam.cz"
            screen.query_one("#check-domain").press()
            for answer in ("consent-yes", "consent-yes", "consent-no"):
                await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "a consent")
                dialog = app.screen
                shown = _text(dialog.query_one("#consent-plan Static"))
                assert shown == dialog.plan.describe(shown_per_host=SHOWN_PER_HOST)  # type: ignore[attr-defined]
                dialog.query_one(f"#{answer}").press()
                await wait_for(pilot, lambda d=dialog: app.screen is not d, "answered")
            assert "names the registrant only by a reference" in shown
            assert "sends a contact reference from the record: CZ-SAM" in shown
            await wait_for(pilot, lambda: "Not all of the public record" in _text(
                screen.query_one("#check-result")), "the domain result")
            result = _text(screen.query_one("#check-result"))
            assert "shows no personal details" not in result.replace(
                "cannot say the rest shows no personal details", "")
            assert "only by a reference (CZ-SAM); the details were not asked for" in result
    finally:
        registry.close()
        iana_server.close()
    assert [r.path for r in registry.received] == ["/domain/sam.cz"]  # the contact: not sent


async def test_username_scan_streams_results_and_keeps_them(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.footprint.fake_sites import farm, kinds_list

    server = LoopbackServer(farm)
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        from kit.footprint.sites import UserSites

        UserSites(vault).save(kinds_list(server.url))
    app: KitApp = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _open(pilot, app)
            screen = app.screen
            screen.query_one("#usernames", Input).value = "alice nobody-here"
            screen.query_one("#scan-usernames").press()
            await wait_for(pilot, lambda: showing(pilot, "ConsentDialog"), "the consent")
            assert "alice" in _text(app.screen.query_one("#consent-plan Static"))
            await press_button(pilot, "#consent-yes")
            await wait_for(pilot, lambda: showing(pilot, "ScanScreen"), "the scan screen")
            scan = app.screen
            await wait_for(pilot, lambda: "Done." in _text(scan.query_one("#scan-status")),
                           "the scan to finish")
            assert scan.query_one("#scan-results", DataTable).row_count == 8
            assert "4 found · 4 not found" in _text(scan.query_one("#scan-status"))
            await pilot.press("escape")
            await wait_for(pilot, lambda: showing(pilot, "FootprintScreen"), "back")
    finally:
        server.close()
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert len(Findings(vault).list()) == 4
        assert sum(1 for e in Ledger(vault).entries()) == 8
        from kit.footprint.scan_memory import ScanMemoryStore

        # Each site's time is kept for the next scan, which starts the slowest first.
        assert len(ScanMemoryStore(vault).current().sites) == 4


async def test_a_result_that_cannot_be_saved_says_so_and_the_ledger_keeps_the_request(
        make_app, closed_vault: Path, pwned: LoopbackServer,
        monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from kit.errors import KitError
    from kit.footprint import passwords

    def cannot(*_args: object) -> None:
        raise KitError("the disk is full")

    monkeypatch.setattr(passwords, "record_findings", cannot)
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app)
        screen = app.screen
        await _check_password_and_agree(pilot, app)
        await wait_for(pilot, lambda: "could not be saved" in _text(
            screen.query_one("#check-result")), "the failure")
        assert "the disk is full" in _text(screen.query_one("#check-result"))
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert [e.check for e in Ledger(vault).entries()] == ["password"]  # sent: kept
        assert Findings(vault).list() == []
