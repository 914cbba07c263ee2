"""Supervision in the app shows each role what it can do and says what happened where it can
be read: a supervisor starts on the Team tab, reads a received share whole, sees the status
line under the header (one line or many, a stale error replaced by the next success), and an
action owner typed as "me" is kept as the supervisor's name; the person supervised never sees
New, Mark done or Mark dropped, and reads an older "me" as the supervisor's name."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input, TextArea

from kit.supervision.records import Session, new_action
from kit.tui.app import KitApp
from tests.tui.conftest import FIXED_NOW, showing, unlock, wait_for
from tests.tui.supervision_helpers import (
    introduce,
    open_supervision,
    person,
    show_tab,
    supervision_app,
)


def _text(widget: Any) -> str:
    return str(widget.render())


def _status_shown(screen: Any) -> str:
    """The status line's text, only if it is really in view: below the header, not scrolled
    away (the whole screen never scrolls), with every line of it on screen."""
    status = screen.query_one("#supervision-status")
    header = screen.query_one("Header")
    if not status.display or screen.max_scroll_y != 0:
        return ""
    assert status.region.y >= header.region.bottom, "the status line is under the header"
    return _text(status)


async def test_a_supervisor_lands_on_the_team_reads_a_share_and_me_is_kept_as_their_name(
        make_app: Any, closed_vault: Path, tmp_path: Path) -> None:
    bo = person(closed_vault, "Bo Supervisor", "Clinical supervisor")
    ana = person(tmp_path / "ana-vault", "Ana Practitioner", "Analyst")
    introduce(ana, "Bo", "supervisor", bo, "Ana", "supervisee")
    share_file = tmp_path / "share.age"
    bo_contact = ana.sup.contact("Bo")
    start, end = ana.sup.share_period(bo_contact)
    fields = ana.sup.share_fields(start, end)
    ana.sup.save(ana.sup.seal_share(bo_contact, fields, set(), "Line one of my note.\n"
                                    + "A long second line. " * 12 + "\nTHE-LAST-LINE", start,
                                    end), share_file)
    # An older kit kept an owner typed as "me" as the word itself.
    old = bo.workspace.supervision.create_session(
        bo.sup.fingerprint, ana.sup.fingerprint,
        Session(held=FIXED_NOW - timedelta(days=30),
                actions=(new_action("Ask about a rota change", "me"),)))
    bo.close()
    record_file = tmp_path / "record.age"

    app: KitApp = supervision_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_supervision(pilot)
        tabs = screen.query_one("#supervision-tabs")
        assert tabs.active == "team-tab"  # a supervisor starts with the team, not sharing
        # The Share tab tells them what it is for, not to ask their supervisor for a card,
        # and offers no one they supervise as someone to share their own summary with.
        await show_tab(pilot, screen, "share-tab")
        said = _text(screen.query_one("#no-contacts-text"))
        assert "The people you supervise send theirs to you" in said
        assert "Ask your supervisor" not in said and "kit " not in said
        assert screen.query_one("#no-contacts").display
        assert not screen.query_one("#share-builder").display
        await show_tab(pilot, screen, "records-tab")
        assert screen.query_one("#record-new").display  # New is for someone who supervises

        # A received share: the status line says so in one line, and the whole share reads.
        screen.open_packet(share_file)
        await wait_for(pilot, lambda: showing(pilot, "ReadDialog"), "the share to read")
        await pilot.pause()
        body = app.screen.query_one("#text-body", TextArea)
        assert "Line one of my note." in body.text and "THE-LAST-LINE" in body.text
        assert body.soft_wrap and body.has_focus
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "back")
        assert _status_shown(screen).startswith("A share from Ana with")
        # ... and again later, from the Team tab.
        screen.query_one("#team-shares").press()
        await wait_for(pilot, lambda: showing(pilot, "ReadDialog"), "the share again")
        await pilot.pause()
        assert "THE-LAST-LINE" in app.screen.query_one("#text-body", TextArea).text
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "back")

        # A long error shows whole (its first words too), then a success replaces it.
        screen.open_packet(share_file)  # the same file again: a replay
        await pilot.pause()
        said = _status_shown(screen)
        assert said.startswith("Not opened:") and said.rstrip().endswith(".")
        assert screen.query_one("#supervision-status").region.height > 1

        # A new record whose action owner is typed "me": kept as Bo's name.
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: showing(pilot, "SessionForm"), "the session form")
        await pilot.pause()
        form = app.screen
        owner = form.query_one("#sf-new-owner-0", Input)
        assert "me" not in owner.placeholder.split()
        form.query_one("#sf-held", Input).value = "2026-11-22 14:00"
        form.query_one("#sf-new-text-0", Input).value = "Book two days of leave"
        owner.value = "Me"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "saved")
        await pilot.pause()
        said = _status_shown(screen)
        assert said.startswith("Session record") and "Not opened" not in said
        assert app.workspace is not None
        kept = app.workspace.supervision.sessions_for(ana.sup.fingerprint)
        owners = {a.text: a.owner for d in kept for a in d.session.actions}
        assert owners["Book two days of leave"] == "Bo Supervisor"
        assert owners["Ask about a rota change"] == "me"  # carried forward as its record says

        # The supervisor marks actions: the buttons are there for their own records.
        await show_tab(pilot, screen, "actions-tab")
        table = screen.query_one("#actions", DataTable)
        assert table.row_count == 2
        assert screen.query_one("#action-buttons").display
        assert not screen.query_one("#actions-hint").display
        assert {str(table.get_row_at(i)[2]) for i in range(2)} == {
            "Bo Supervisor", 'Bo Supervisor (written as "me")'}
        assert _status_shown(screen) == ""  # what was said on Records is not left standing
        assert all(str(n.message).strip() for n in app._notifications)  # and no empty toast

        latest = max(kept, key=lambda d: d.session.held)
        assert latest.id != old.id
        screen.sup.save(screen.sup.send_record(latest), record_file)

    # Ana, supervised: no New, no Mark buttons; an older "me" reads as Bo's name.
    ana.close()
    other: KitApp = supervision_app(lambda **kw: make_app(vault_path=tmp_path / "ana-vault", **kw))
    async with other.run_test(size=(80, 24)) as pilot:
        screen = await open_supervision(pilot)
        tabs = screen.query_one("#supervision-tabs")
        assert tabs.active == "share-tab"
        screen.open_packet(record_file)
        await wait_for(pilot, lambda: screen.pane("records-tab").loaded, "the records")
        await pilot.pause()
        assert tabs.active == "records-tab"
        # Said after the switch to Records, so the switch does not wipe it.
        assert "is kept in your vault" in _status_shown(screen)
        assert not screen.query_one("#record-new").display
        detail = _text(screen.query_one("#record-detail"))
        assert "Book two days of leave (Bo Supervisor," in detail
        assert 'Ask about a rota change (Bo (written as "me"),' in detail  # Ana's name for Bo
        await show_tab(pilot, screen, "actions-tab")
        assert screen.query_one("#actions", DataTable).row_count == 2
        assert not screen.query_one("#action-buttons").display
        assert "tell them at your next session" in _text(screen.query_one("#actions-hint"))
        assert _status_shown(screen) == ""  # moving to Actions cleared what Records said
        await pilot.press("ctrl+n")  # no one to write a record about: said on the Team tab
        await pilot.pause()
        assert tabs.active == "team-tab"
        assert "Add them first with Add someone… on this tab" in _status_shown(screen)


def _palette_offers(app: KitApp) -> list[str]:
    found = app.screen.query_one(CommandList)
    return [str(found.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(found.option_count)]


async def _palette(pilot: Any, wanted: set[str]) -> list[str]:
    """What the palette offers for "e" (in every supervision action's name), once all of
    *wanted* are among them."""
    app: Any = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    app.screen.query_one("#--input Input", Input).value = "e"
    await wait_for(pilot, lambda: wanted <= set(_palette_offers(app)), f"{wanted} offered")
    await pilot.pause(0.1)  # every provider's hits
    offered = _palette_offers(app)
    await pilot.press("escape")
    await pilot.pause()
    return offered


async def _to_supervision(pilot: Any) -> Any:
    await pilot.press("f10")
    await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "the supervision area")
    await pilot.pause()
    return pilot.app.screen


SUPERVISING = {"New session record", "Supervision agreement", "Hand over a supervisee",
               "Shares received"}


async def test_the_palette_offers_supervisor_actions_only_to_someone_who_supervises(
        make_app: Any, closed_vault: Path, tmp_path: Path) -> None:
    ana = person(closed_vault, "Ana Practitioner", "Analyst")
    bo = person(tmp_path / "bo-vault", "Bo Supervisor", "Clinical supervisor")
    introduce(ana, "Bo", "supervisor", bo, "Ana", "supervisee")
    ana.close()
    # Ana is supervised: from Home and on Supervision itself, no supervisor's actions, as the
    # Supervision screen shows her no New; what anyone may do is still offered.
    app: KitApp = supervision_app(make_app)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        anyone = {"Open a packet", "My identity card", "Add a contact", "Export the record"}
        offered = await _palette(pilot, anyone)
        assert not SUPERVISING & set(offered), offered
        screen = await _to_supervision(pilot)
        await show_tab(pilot, screen, "records-tab")
        assert not screen.query_one("#record-new").display  # the screen's own rule agrees
        offered = await _palette(pilot, anyone)
        assert not SUPERVISING & set(offered), offered
    # Bo supervises Ana: offered all of them.
    bo.close()
    other: KitApp = supervision_app(lambda **kw: make_app(vault_path=tmp_path / "bo-vault", **kw))
    async with other.run_test(size=(80, 24)) as pilot:
        await unlock(pilot)
        await _palette(pilot, SUPERVISING)
