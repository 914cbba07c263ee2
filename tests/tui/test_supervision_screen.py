"""Pilot tests for the Supervision area: the share builder previews exactly what is sealed (and
never the journal), a supervisor writes a session record whose open action carries forward,
the team view lists people by name, an agreement is written and exported, and a supervisee is
handed over before old records are deleted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select, TextArea

from kit.config import Config
from kit.supervision.records import Agreement, Session, new_action
from kit.tui.app import KitApp
from tests.tui.conftest import FIXED_NOW, SIZE, press_button, showing, wait_for
from tests.tui.supervision_helpers import (
    Person,
    introduce,
    open_supervision,
    person,
    show_tab,
    supervision_app,
)

JOURNAL_CANARY = "CANARY-7f3a-journal-never-shared"
NOTE_CANARY = "CANARY-91bd-exposure-note-private"


def _text(widget: Any) -> str:
    return str(widget.render())


@pytest.fixture
def bo(tmp_path: Path) -> Iterator[Person]:
    supervisor = person(tmp_path / "bo-vault", "Bo Supervisor", "Clinical supervisor")
    yield supervisor
    supervisor.close()


async def test_share_preview_is_exactly_what_is_sealed_and_never_the_journal(
        make_app: Any, closed_vault: Path, bo: Person, tmp_path: Path) -> None:
    ana = person(closed_vault, "Ana Practitioner", "Analyst")
    ana.workspace.exposure.add(material=["image", "text"], impact=8, volume="few",
                               flags=["violent"], when=FIXED_NOW - timedelta(days=3),
                               note=NOTE_CANARY)
    ana.workspace.journal.add(f"Today was hard. {JOURNAL_CANARY}",
                              when=FIXED_NOW - timedelta(days=2))
    introduce(ana, "Bo", "supervisor", bo, "Ana", "supervisee")
    ana.close()
    packet = tmp_path / "share.age"
    app = supervision_app(make_app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervision(pilot)
        assert screen.query_one("#share-to", Select).value == bo_id(app, "Bo")
        preview = screen.query_one("#share-preview")
        first = _text(preview)
        assert first == screen.share_preview()
        assert "Shared with Bo Supervisor by Ana Practitioner" in first
        assert "Exposure sessions by type:" in first
        assert "How much it affected me" not in first  # offered, but not ticked by default

        # Nothing ticked and no note: refused, with the focus on the first box, so Space ticks.
        ticks = list(screen.query(".share-field").results(Checkbox))
        ticked = [tick.value for tick in ticks]
        for tick in ticks:
            tick.value = False
        await pilot.pause()
        screen.query_one("#share-seal").press()
        await pilot.pause()
        assert app.focused is ticks[0] and not app.screen.query("#ask-path")
        for tick, value in zip(ticks, ticked, strict=True):
            tick.value = value
        await pilot.pause()

        # Untick a box: the preview loses exactly that field, as the service renders it.
        screen.query_one("#share-field-exposure_sessions", Checkbox).value = False
        await pilot.pause()
        sup = screen.sup
        share_pane = screen.share_pane
        contact, period = share_pane.contact, share_pane.period
        chosen = {key for key in sup_defaults(screen)} - {"exposure_sessions"}
        assert share_pane.chosen() == chosen
        expected = sup.preview(contact, share_pane.fields, chosen, "", *period)
        assert _text(preview) == expected != first
        assert "Exposure sessions by type:" not in expected

        screen.query_one("#share-note", TextArea).text = "Could we talk about the backlog?"
        await pilot.pause()
        shown = _text(preview)
        assert "Note:\n  Could we talk about the backlog?" in shown
        assert JOURNAL_CANARY not in shown and NOTE_CANARY not in shown

        screen.query_one("#share-seal").press()
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "the seal dialog")
        app.screen.query_one("#ask-path", Input).value = str(packet)
        await press_button(pilot, "#ask-ok")
        await wait_for(pilot, packet.exists, "the sealed packet")
        await wait_for(pilot, lambda: "Sealed for Bo" in _text(
            screen.query_one("#supervision-status")), "the sealed message")
        assert "to Bo: Shared:" in _text(screen.query_one("#share-history"))
    data = packet.read_bytes()
    assert JOURNAL_CANARY.encode() not in data  # sealed, so nothing reads in the clear
    opened = bo.sup.open(data)
    assert opened.packet.content["text"] == shown
    assert JOURNAL_CANARY not in opened.packet.signed
    assert NOTE_CANARY not in opened.packet.signed
    assert bo.sup.latest_share_from(bo.sup.contact("Ana")).text == shown  # type: ignore[union-attr]


def bo_id(app: KitApp, name: str) -> str:
    assert app.workspace is not None
    return app.workspace.contacts.find(name).id


def sup_defaults(screen: Any) -> set[str]:
    from kit.supervision import share

    return share.defaults(screen.share_pane.fields)


async def test_a_session_record_with_an_action_that_carries_forward(
        make_app: Any, closed_vault: Path, tmp_path: Path) -> None:
    bo = person(closed_vault, "Bo Supervisor", "Clinical supervisor")
    ana = person(tmp_path / "ana-vault", "Ana Practitioner", "Analyst")
    introduce(bo, "Ana", "supervisee", ana, "Bo", "supervisor")
    # Ana has shared a summary: the form starts from it.
    shared = ana.sup.seal_share(ana.sup.contact("Bo"), [], set(), "Busy month on the queue.",
                                FIXED_NOW - timedelta(days=28), FIXED_NOW)
    bo.sup.open(shared.data)
    bo.close()
    record_file = tmp_path / "record.age"
    junk = tmp_path / "junk.age"
    junk.write_bytes(b"this is not a packet")
    app = supervision_app(make_app)
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_supervision(pilot)
            await pilot.press("ctrl+n")
            await wait_for(pilot, lambda: showing(pilot, "SessionForm")
                           and bool(app.screen.loaded), "the session form")
            form = app.screen
            assert form.query_one("#sf-supervisee", Select).value == bo_id(app, "Ana")
            assert "Busy month on the queue." in form.query_one("#sf-summary", TextArea).text
            assert form.query_one("#sf-attendees", Input).value == "Bo Supervisor, Ana"
            # A session still to come is a slip: refused, and the form stays open.
            # Said in a notification too, with the focus on the time (the form is long).
            form.query_one("#sf-held", Input).value = "2026-12-01 14:00"
            form.query_one("#sf-summary").focus()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: "still to come" in _text(
                form.query_one("#sf-status")), "the refusal of a future session")
            assert showing(pilot, "SessionForm")
            assert app.focused is form.query_one("#sf-held")
            assert any("still to come" in n.message for n in app._notifications)
            form.query_one("#sf-held", Input).value = "2026-11-20 14:00"
            # A new action's due date that is not a date: the focus goes to that date.
            form.query_one("#sf-new-text-0", Input).value = "Book two days of leave"
            form.query_one("#sf-new-due-0", Input).value = "soon"
            form.query_one("#sf-summary").focus()
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.focused is form.query_one("#sf-new-due-0"),
                           "the focus on the due date")
            assert "Not saved: the due date" in _text(form.query_one("#sf-status"))
            form.query_one("#sf-impact", TextArea).text = "Tired after the backlog."
            form.query_one("#sf-new-text-0", Input).value = "Book two days of leave"
            form.query_one("#sf-new-owner-0", Input).value = "Ana"
            form.query_one("#sf-new-due-0", Input).value = "2026-11-21"
            form.query_one("#sf-ref-occupational-health", Checkbox).value = True
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "the list")
            await pilot.pause()
            listing = screen.query_one("#records")
            [doc] = listing.items
            assert "draft     Ana · Routine" in listing.line(doc)
            detail = _text(screen.query_one("#record-detail"))
            assert "Book two days of leave (Ana, due Sat 21 Nov 2026; Open (overdue))" in detail
            assert "Occupational health" in detail and "Tired after the backlog." in detail
            assert doc.session.share_packet == shared.packet.id

            # Send it: the file opens on Ana's side as the same record.
            screen.query_one("#record-send").press()
            await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "send dialog")
            app.screen.query_one("#ask-path", Input).value = str(record_file)
            await press_button(pilot, "#ask-ok")
            await wait_for(pilot, record_file.exists, "the sealed record")
            await wait_for(pilot, lambda: " sent " in listing.line(listing.items[0]),
                           "the record marked sent")

            # A file that is not a packet: a calm message, nothing kept.
            await pilot.press("ctrl+o")
            await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "open dialog")
            app.screen.query_one("#ask-path", Input).value = str(junk)
            await press_button(pilot, "#ask-ok")
            await wait_for(pilot, lambda: "Not opened:" in _text(
                screen.query_one("#supervision-status")), "the refusal")

            # The next session starts with the open action carried forward.
            await pilot.press("ctrl+n")
            await wait_for(pilot, lambda: showing(pilot, "SessionForm")
                           and bool(app.screen.loaded), "the next form")
            form = app.screen
            [action] = doc.session.actions
            status = form.query_one(f"#sf-status-{action.id}", Select)
            assert status.value == "open"
            assert "Carried forward" in _text(form.query_one("#sf-actions-hint"))
            status.value = "done"
            form.query_one("#sf-held", Input).value = "2026-11-23 09:00"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "the list")
            await pilot.pause()
            assert len(listing.items) == 2
            await show_tab(pilot, screen, "actions-tab")
            assert screen.query_one("#actions", DataTable).row_count == 0
        opened = ana.sup.open(record_file.read_bytes())
        assert opened.doc is not None and opened.doc.id == doc.id
        assert opened.doc.session.actions[0].text == "Book two days of leave"
    finally:
        ana.close()


async def test_team_view_lists_people_by_name_and_archiving_hides_them(
        make_app: Any, closed_vault: Path, tmp_path: Path) -> None:
    bo = person(closed_vault, "Bo Supervisor", "Clinical supervisor")
    zoe = person(tmp_path / "zoe-vault", "Zoe Analyst", "Analyst")
    ana = person(tmp_path / "ana-vault", "Ana Practitioner", "Analyst")
    # Zoe is added first: the view must still list Ana first.
    introduce(bo, "Zoe", "supervisee", zoe, "Bo", "supervisor")
    introduce(bo, "Ana", "supervisee", ana, "Bo", "supervisor")
    today = FIXED_NOW.date()
    for who, days_ago, due in (("Zoe", 10, today - timedelta(days=2)), ("Ana", 3, None)):
        contact = bo.sup.contact(who)
        bo.sup.add_agreement(contact, Agreement(frequency_days=14))
        bo.sup.add_session(contact, Session(
            held=FIXED_NOW - timedelta(days=days_ago),
            actions=(new_action("Take the rota to the manager", "Bo", due),)))
    for side in (bo, zoe, ana):
        side.close()
    app = supervision_app(make_app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervision(pilot)
        await show_tab(pilot, screen, "team-tab")
        table = screen.query_one("#team", DataTable)
        rows = rows_now(screen)
        assert [r[0] for r in rows] == ["Ana", "Zoe"]
        assert rows[0][1:5] == ["20 Nov 2026", "04 Dec 2026", "1", "0"]
        assert rows[1][1:5] == ["13 Nov 2026", "27 Nov 2026", "1", "1"]
        assert rows[1][6] == "not shared"

        # Actions: only Zoe's is overdue; marking it done takes it off the list.
        await show_tab(pilot, screen, "actions-tab")
        actions = screen.query_one("#actions", DataTable)
        assert actions.row_count == 2
        screen.query_one("#actions-overdue", Checkbox).value = True
        await wait_for(pilot, lambda: actions.row_count == 1, "only the overdue action")
        assert str(actions.get_row_at(0)[0]) == "Zoe"
        assert str(actions.get_row_at(0)[4]) == "Overdue"
        screen.query_one("#action-done").press()
        await wait_for(pilot, lambda: actions.row_count == 0, "the action marked done")
        assert rows_now(screen)[1][3:5] == ["0", "0"]  # Zoe: nothing open any more

        await show_tab(pilot, screen, "team-tab")
        table.move_cursor(row=1)
        await pilot.pause()
        screen.query_one("#team-archive").press()
        await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the question")
        await press_button(pilot, "#yes")
        await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "back")
        await wait_for(pilot, lambda: table.row_count == 1, "Zoe archived")
        assert str(table.get_row_at(0)[0]) == "Ana"
        assert app.workspace is not None
        assert app.workspace.contacts.find("Zoe").archived


async def test_a_supervisee_opens_a_record_and_comments_after_the_window(
        make_app: Any, closed_vault: Path, bo: Person, tmp_path: Path) -> None:
    ana = person(closed_vault, "Ana Practitioner", "Analyst")
    introduce(ana, "Bo", "supervisor", bo, "Ana", "supervisee")
    ana.close()
    doc = bo.sup.add_session(bo.sup.contact("Ana"), Session(
        held=FIXED_NOW - timedelta(hours=2), impact="A heavy week on the queue."))
    record_file, answer_file = tmp_path / "record.age", tmp_path / "answer.age"
    bo.sup.save(bo.sup.send_record(doc), record_file)
    # Ten days later: the default five-day window for comments has closed.
    app: KitApp = make_app(config=Config(time_zone="Europe/London"),
                           clock=lambda: FIXED_NOW + timedelta(days=10))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervision(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "the open dialog")
        app.screen.query_one("#ask-path", Input).value = str(record_file)
        await press_button(pilot, "#ask-ok")
        await wait_for(pilot, lambda: "session record (version 1) is kept" in _text(
            screen.query_one("#supervision-status")), "the record opened")
        assert screen.query_one("#supervision-tabs").active == "records-tab"
        await wait_for(pilot, lambda: screen.pane("records-tab").loaded, "the records")
        assert "A heavy week on the queue." in _text(screen.query_one("#record-detail"))
        assert not screen.query_one("#record-send").display  # only its author sends it

        screen.query_one("#record-comment").press()
        await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the late question")
        assert "marked as late" in _text(app.screen.query_one("Static"))
        await press_button(pilot, "#yes")
        await wait_for(pilot, lambda: bool(app.screen.query("#comment-text")), "the comment")
        app.screen.query_one("#comment-text", TextArea).text = "It was two heavy weeks."
        app.screen.query_one("#comment-path", Input).value = str(answer_file)
        await press_button(pilot, "#comment-ok")
        await wait_for(pilot, answer_file.exists, "the signed answer")
        await wait_for(pilot, lambda: "commented" in screen.query_one("#records").line(
            screen.query_one("#records").items[0]), "the record marked commented")
    answered = bo.sup.open(answer_file.read_bytes()).doc
    assert answered is not None and answered.latest.response is not None
    response = answered.latest.response
    assert (response.decision, response.comment, response.late) == (
        "commented", "It was two heavy weeks.", True)


def rows_now(screen: Any) -> list[list[str]]:
    table = screen.query_one("#team", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_an_agreement_is_written_then_exported_as_markdown_and_pdf(
        make_app: Any, closed_vault: Path, tmp_path: Path) -> None:
    bo = person(closed_vault, "Bo Supervisor", "Clinical supervisor")
    ana = person(tmp_path / "ana-vault", "Ana Practitioner", "Analyst")
    introduce(bo, "Ana", "supervisee", ana, "Bo", "supervisor")
    for side in (bo, ana):
        side.close()
    md, pdf = tmp_path / "agreement.md", tmp_path / "agreement.pdf"
    app = supervision_app(make_app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_supervision(pilot)
        await show_tab(pilot, screen, "team-tab")
        screen.query_one("#team-agreement").press()
        await wait_for(pilot, lambda: showing(pilot, "AgreementForm")
                       and bool(app.screen.loaded), "the agreement form")
        form = app.screen
        assert form.query_one("#af-every", Input).value == "28"  # the defaults, as on the CLI
        assert form.query_one("#af-window", Input).value == "5"
        form.query_one("#af-every", Input).value = "14"
        form.query_one("#af-confidentiality", TextArea).text = "Safety of practice only."
        # A review date that is not a date: refused, said, and the focus on it.
        form.query_one("#af-review", Input).value = "in May"
        form.query_one("#save").press()
        await wait_for(pilot, lambda: app.focused is form.query_one("#af-review"),
                       "the focus on the review date")
        assert any("review date" in n.message for n in app._notifications)
        form.query_one("#af-review", Input).value = "2027-05-01"
        form.query_one("#save").press()
        await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "the records")
        await pilot.pause()
        assert screen.query_one("#supervision-tabs").active == "records-tab"
        listing = screen.query_one("#records")
        [doc] = listing.items
        assert doc.type == "agreement" and doc.agreement.frequency_days == 14
        assert "draft     Ana · Agreement" in listing.line(doc)
        assert screen.query_one("#record-send").display

        # Edit… starts from the agreement in force.
        screen.query_one("#record-edit").press()
        await wait_for(pilot, lambda: showing(pilot, "AgreementForm")
                       and bool(app.screen.loaded), "the agreement again")
        assert app.screen.query_one("#af-every", Input).value == "14"
        await press_button(pilot, "#back")
        await wait_for(pilot, lambda: showing(pilot, "SupervisionScreen"), "back")

        for path, fmt in ((md, "md"), (pdf, "pdf")):
            screen.query_one("#record-export").press()
            # Until the Select has drawn its current value, setting another one fails.
            await wait_for(pilot, lambda: showing(pilot, "ExportDialog") and bool(
                app.screen.query("#export-format #label")), "the export dialog")
            assert "NOT encrypted" in _text(app.screen.query_one("#export-warning"))
            app.screen.query_one("#export-format", Select).value = fmt
            app.screen.query_one("#export-path", Input).value = str(path)
            await press_button(pilot, "#export-ok")
            await wait_for(pilot, path.exists, f"the {fmt} file")
            await wait_for(pilot, lambda p=path: str(p) in _text(
                screen.query_one("#supervision-status")), "the warning with the path")
            assert "is NOT encrypted" in _text(screen.query_one("#supervision-status"))
    text = md.read_text(encoding="utf-8")
    assert "Safety of practice only." in text and "Every 14 days" in text
    assert md.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert pdf.read_bytes().startswith(b"%PDF")


async def test_a_supervisee_is_handed_over_and_old_records_are_deleted(
        make_app: Any, closed_vault: Path, tmp_path: Path) -> None:
    bo = person(closed_vault, "Bo Supervisor", "Clinical supervisor")
    ana = person(tmp_path / "ana-vault", "Ana Practitioner", "Analyst")
    cy = person(tmp_path / "cy-vault", "Cy Supervisor", "Clinical supervisor")
    introduce(bo, "Ana", "supervisee", ana, "Bo", "supervisor")
    introduce(bo, "Cy", "colleague", cy, "Bo", "colleague")
    bo.sup.add_agreement(bo.sup.contact("Ana"), Agreement(frequency_days=14))
    bo.sup.add_session(bo.sup.contact("Ana"), Session(held=FIXED_NOW - timedelta(days=2),
                                                      impact="A long week."))
    ana_fingerprint = ana.sup.fingerprint
    bo.close()
    ana.close()
    handover = tmp_path / "handover.age"
    now = [FIXED_NOW]
    app: KitApp = make_app(config=Config(time_zone="Europe/London", retention_months=24),
                           clock=lambda: now[0])
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_supervision(pilot)
            await show_tab(pilot, screen, "team-tab")
            screen.query_one("#team-handover").press()
            await wait_for(pilot, lambda: showing(pilot, "HandoverDialog"), "the handover")
            dialog = app.screen
            # Cy is the only other contact, so already chosen.
            await wait_for(pilot, lambda: dialog.query_one("#handover-to", Select).value
                           == bo_id(app, "Cy"), "Cy chosen")
            dialog.query_one("#handover-path", Input).value = str(handover)
            dialog.query_one("#handover-ok").press()
            await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the question")
            question = _text(app.screen.query_one("Static"))
            assert "2 records about Ana" in question
            assert "2 of them end in a draft never sent to Ana" in question
            await press_button(pilot, "#yes")
            await wait_for(pilot, handover.exists, "the sealed handover")
            # Then it offers to archive Ana.
            await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the archive offer")
            assert "Archive Ana now?" in _text(app.screen.query_one("Static"))
            await press_button(pilot, "#yes")
            await wait_for(pilot, lambda: screen.query_one("#team", DataTable).row_count == 0,
                           "Ana archived")

            # Years later: both records are older than the 24 months in config.toml.
            now[0] = datetime.now(UTC) + timedelta(days=3 * 366)
            screen.query_one("#team-retention").press()
            await wait_for(pilot, lambda: showing(pilot, "ConfirmDialog"), "the listing")
            listing = _text(app.screen.query_one("Static"))
            assert "These 2 records are older than 24 months" in listing
            assert "Supervision agreement, Ana" in listing
            await press_button(pilot, "#yes")
            await wait_for(pilot, lambda: "Deleted 2 records" in _text(
                screen.query_one("#supervision-status")), "the records deleted")
            await show_tab(pilot, screen, "records-tab")
            assert screen.query_one("#records").items == []
            assert app.workspace is not None and app.workspace.supervision.all() == []
        opened = cy.sup.open(handover.read_bytes())
        assert "handed Ana's supervision over to you: 2 records kept" in opened.summary
        kept = cy.workspace.supervision.for_supervisee(ana_fingerprint)
        assert sorted(d.type for d in kept) == ["agreement", "session"]
        assert cy.sup.contact("Ana").relation == "supervisee"
    finally:
        cy.close()
