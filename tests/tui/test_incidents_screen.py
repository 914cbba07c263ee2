"""Pilot tests for the incident screens: record an incident with the form, add a file and a
link as evidence, and export a signed evidence pack that verifies."""

from __future__ import annotations

import hashlib
from pathlib import Path

from textual.widgets import Checkbox, Input, Select, TextArea

from kit.records.incidents import Incidents
from kit.reports.evidence_pack import verify_pack
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import SIZE, press_button, showing, unlock, wait_for


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def test_record_an_incident_add_evidence_and_export_a_pack(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"\x89PNG fake screenshot bytes " * 50)
    before = (shot.read_bytes(), shot.stat().st_mtime_ns)
    pack = tmp_path / "pack.zip"
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        assert "Nothing recorded yet" in _text(app.screen.query_one("#incident-count"))
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: showing(pilot, "IncidentForm"), "the incident form")
        form = app.screen
        # Nothing chosen: refused with a reason, nothing written.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved" in _text(form.query_one("#incident-status-line"))
        form.query_one("#category", Select).value = "doxing"
        form.query_one("#platform", Input).value = "A forum"
        form.query_one("#when", Input).value = "2026-11-20 21:15"
        form.query_one("#description", TextArea).text = "My home address was posted."
        form.query_one("#urls", TextArea).text = "https://forum.example/thread/1"
        form.query_one("#references", TextArea).text = "police: CR/123/26\nnot a reference"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Not saved" in _text(form.query_one("#incident-status-line"))
        form.query_one("#references", TextArea).text = "police: CR/123/26"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "back to the list")
        screen = app.screen
        detail = _text(screen.query_one("#incident-detail"))
        assert "My home address was posted." in detail and "CR/123/26" in detail

        await pilot.press("f")
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-paths")), "the file dialog")
        app.screen.query_one("#ask-paths", Input).value = str(shot)
        app.screen.query_one("#ask-method", Input).value = "phone screenshot"
        await press_button(pilot, "#ask-ok")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the file added")
        await pilot.press("w")
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-url")), "the link dialog")
        app.screen.query_one("#ask-url", Input).value = "https://forum.example/thread/1#post9"
        await press_button(pilot, "#ask-ok")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the link added")
        detail = _text(screen.query_one("#incident-detail"))
        assert "Evidence (2)" in detail
        assert hashlib.sha256(before[0]).hexdigest()[:16] in detail

        await pilot.press("x")
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "the export dialog")
        app.screen.query_one("#ask-path", Input).value = str(pack)
        await press_button(pilot, "#ask-ok")
        await wait_for(pilot, lambda: pack.exists(), "the evidence pack")
    assert (shot.read_bytes(), shot.stat().st_mtime_ns) == before  # the original is untouched
    report = verify_pack(pack)
    assert report.intact
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        [incident] = Incidents(vault).list()
        assert incident.category == "doxing" and incident.platform == "A forum"
        evidence = Incidents(vault).evidence(incident.id)
        assert sorted(e.kind for e in evidence) == ["file", "url"]
        assert all(any(h.action == "exported" for h in e.handling) for e in evidence)


async def test_an_encrypted_pack_needs_matching_passphrases(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        Incidents(vault).add(category="threat", platform="Email")
    pack = tmp_path / "pack.age"
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        for again in ("different passphrase", "pack passphrase 1"):
            await pilot.press("x")
            await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "the dialog")
            dialog = app.screen
            dialog.query_one("#ask-path", Input).value = str(pack)
            dialog.query_one("#ask-encrypt", Checkbox).value = True
            dialog.query_one("#ask-passphrase", Input).value = "pack passphrase 1"
            dialog.query_one("#ask-again", Input).value = again
            dialog.query_one("#ask-ok").press()
            await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the list")
            if again == "different passphrase":
                await pilot.pause()
                assert not pack.exists()
        await wait_for(pilot, lambda: pack.exists(), "the encrypted pack")
    assert verify_pack(pack, passphrase="pack passphrase 1").intact


async def test_ctrl_d_asks_then_deletes_the_incident_and_its_evidence(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    import pytest
    from textual.widgets import Static

    from kit.errors import NotFound

    shot = tmp_path / "screenshot.png"
    shot.write_bytes(b"\x89PNG fake screenshot bytes " * 50)
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        log = Incidents(vault)
        kept = log.add(category="threat", platform="Email",
                       when=datetime(2026, 11, 10, 12, tzinfo=UTC))
        target = log.add(category="doxing", platform="A forum",
                         when=datetime(2026, 11, 21, 12, tzinfo=UTC))  # newest: listed first
        stored = log.add_file(target.id, shot)
        log.add_note(target.id, "They posted it twice.")
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("f7")
        await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "the incidents area")
        screen = app.screen
        assert screen.query_one("#incidents").highlighted.id == target.id
        for answer in ("enter", "#yes"):
            await pilot.press("ctrl+d")
            await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the question")
            question = _text(app.screen.query_one(Static))
            assert question.startswith("Delete the incident of 21 Nov 2026 and its 2 evidence "
                                       "items?")
            assert "Exported packs and your original files are not touched" in question
            if answer == "enter":
                await pilot.press("enter")  # the focused, safe answer: Cancel
            else:
                await press_button(pilot, answer)
            await wait_for(pilot, lambda: showing(pilot, "IncidentsScreen"), "back to the list")
            await pilot.pause()
            count = _text(screen.query_one("#incident-count"))
            if answer == "enter":
                assert "2 incidents recorded" in count
                assert app.workspace.incidents.get(target.id) == target
        assert "1 incident recorded" in count
        assert screen.query_one("#incidents").highlighted.id == kept.id
    assert shot.exists()  # the original is not the kit's to delete
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert Incidents(vault).list() == [kept]
        assert Incidents(vault).evidence_counts() == {}
        with pytest.raises(NotFound):  # the stored file went with its incident
            vault.get_blob(stored.blob_id)
