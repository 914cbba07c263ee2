"""Supervision records on paper: the Markdown and the PDF show every label, the user's words,
the status and the footer, in the reader's time zone."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kit.errors import NotFound
from kit.reports.safety_plan_export import font_candidates
from kit.reports.supervision_export import PLAINTEXT, render_pdf, to_markdown, to_pdf
from kit.supervision.records import (
    Action,
    Agreement,
    Response,
    Session,
    SupervisionDoc,
    Version,
    digest_of,
)

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 26)
SUPERVISOR = "aaaa 1111 2222 3333 4444 5555 6666 7777"
SUPERVISEE = "bbbb 1111 2222 3333 4444 5555 6666 7777"
NAMES = {SUPERVISOR: "Sam Patel", SUPERVISEE: "Zoë Ólafsdóttir"}
# 10:00 GMT on Tuesday 24 November 2026; 09:00 UTC in summer time shows as 10:00 too.
HELD = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
INCIDENT = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)


def version(content: dict[str, Any], n: int = 1, *, sent: bool = True,
            response: Response | None = None) -> Version:
    return Version(n=n, content=content, digest=digest_of(content), created=HELD,
                   sent_at=HELD.replace(hour=15) if sent else None,
                   packet_id="p" * 32 if sent else None, signed="signed" if sent else None,
                   response=response)


def doc(kind: str, *versions: Version) -> SupervisionDoc:
    return SupervisionDoc(id="d" * 32, type=kind, supervisor=SUPERVISOR, supervisee=SUPERVISEE,
                          versions=versions)


ACTIONS = (
    Action(id="a" * 12, text="Cap grading at 3 hours a day", owner="Sam", due=date(2026, 11, 20),
           status="open", agreed_in="d" * 32),
    Action(id="b" * 12, text="Book | occupational health", owner="me", due=None, status="done",
           agreed_in="d" * 32),
)

SESSION = Session(
    held=HELD, attendees=("Sam Patel", "Zoë Ólafsdóttir"), type="post-incident",
    incident_at=INCIDENT, follows=None, share_packet="f" * 32,
    summary_received="3 sessions of grading\nWHO-5 band: reduced",
    impact="Sleeping badly since Thursday.", coping="Walks at lunch; talking to Priya.",
    actions=ACTIONS, escalation="Call Sam; if out of hours, the EAP line.",
    referrals=("occupational-health", "trim"), review_date=date(2026, 12, 22))

AGREEMENT = Agreement(
    frequency_days=28, comment_window_days=5,
    confidentiality="Safety of practice concerns go to the team manager.",
    records_kept="Both of us keep the signed record in Frontline Kit.",
    disagreement="Written as a comment on the record.", cancellations="",
    review_date=None)


def session_doc(**changes: Any) -> SupervisionDoc:
    response = Response(decision="commented", comment="I think the cap should be 2 hours.",
                        at=datetime(2026, 12, 3, 8, 30, tzinfo=UTC), late=True,
                        packet_id="c" * 32, signed="signed")
    return doc("session", version(replace(SESSION, **changes).to_json(), response=response))


def pdf_text(data: bytes) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return re.sub(r"\s+", " ", out.stdout.decode())


def pdf_info(data: bytes) -> dict[str, str]:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True,
                         check=True).stdout.decode()
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
                                                 out.splitlines())}


SESSION_LABELS = ("Supervisor", "Supervisee", "Version", "Status", "Sent", "Response", "Held",
                  "Session type", "Attendees", "Incident", "Share packet drawn on",
                  "Exposure and wellbeing summary received", "Impact", "Coping",
                  "Agreed actions", "Escalation: what happens if things get worse", "Referrals",
                  "Review date", "Supervisee's comment")
AGREEMENT_LABELS = ("How often we meet", "Time to comment on a record",
                    "Limits of confidentiality", "Where records are kept and who can see them",
                    "How disagreement is recorded", "How cancellations are handled",
                    "Review date")


# --- Markdown ---


def test_session_markdown_has_every_label_and_the_users_text() -> None:
    text = to_markdown(session_doc(), NAMES, LONDON, TODAY)
    assert text.startswith("# Supervision record — Zoë Ólafsdóttir, Tue 24 Nov 2026\n")
    for name in SESSION_LABELS:
        assert name in text, name
    for piece in ("- **Supervisor:** Sam Patel", "- **Supervisee:** Zoë Ólafsdóttir",
                  "- **Version:** 1 of 1", "- **Status:** Commented",
                  "- **Sent:** Tue 24 Nov 2026, 15:00",
                  "- **Response:** Commented on Thu 3 Dec 2026, 08:30 (after the comment "
                  "window)",
                  "- **Held:** Tue 24 Nov 2026, 10:00", "- **Session type:** After an incident",
                  "- **Attendees:** Sam Patel, Zoë Ólafsdóttir",
                  "- **Incident:** Mon 20 Jul 2026, 10:00",  # British Summer Time
                  "- **Share packet drawn on:** ffffffff",
                  "3 sessions of grading  \nWHO-5 band: reduced",
                  "Sleeping badly since Thursday.", "Walks at lunch; talking to Priya.",
                  "Call Sam; if out of hours, the EAP line.",
                  "## Referrals\n\nOccupational health; TRiM assessment\n",
                  "## Review date\n\nTue 22 Dec 2026\n", "I think the cap should be 2 hours."):
        assert piece in text, piece


def test_actions_are_a_table_with_owner_due_and_status() -> None:
    text = to_markdown(session_doc(), NAMES, LONDON, TODAY)
    assert ("| Action | Owner | Due | Status |\n|---|---|---|---|\n"
            "| Cap grading at 3 hours a day | Sam | Fri 20 Nov 2026 | Open (overdue) |\n"
            # An owner an older kit kept as "me" is the record's writer, named as the app and
            # `kit supervision show` name them (the export once printed the bare word).
            "| Book \\| occupational health | Sam Patel (written as \"me\") | — | Done |\n"
            ) in text


def test_footer_has_the_digest_the_date_and_the_plaintext_warning() -> None:
    d = session_doc()
    text = to_markdown(d, NAMES, LONDON, TODAY)
    head = d.latest.digest[:16]
    groups = " ".join(head[i:i + 4] for i in range(0, 16, 4))
    assert text.endswith(f"---\n\nRecord digest: {groups}  \nExported Thu 26 Nov 2026  \n"
                         f"{PLAINTEXT}\n")


def test_empty_fields_show_a_dash() -> None:
    d = doc("session", version(Session(
        held=HELD, attendees=(), type="routine", incident_at=None, follows=None,
        share_packet=None, summary_received="", impact=" ", coping="", actions=(),
        escalation="", referrals=(), review_date=None).to_json(), sent=False))
    text = to_markdown(d, NAMES, LONDON, TODAY)
    assert "- **Status:** Draft, not sent" in text
    assert "- **Sent:** —" in text and "- **Response:** —" in text
    assert "- **Attendees:** —" in text and "## Referrals\n\n—\n" in text
    assert "## Review date\n\n—\n" in text
    assert "## Impact\n\n—\n" in text and "## Agreed actions\n\n—\n" in text
    assert "## Supervisee's comment\n\n—\n" in text
    # No incident on a routine session, so no incident line at all.
    assert "Incident" not in text and "Share packet" not in text


def test_agreement_markdown() -> None:
    accepted = Response(decision="accepted", comment="", at=datetime(2026, 11, 25, 9, 0,
                                                                     tzinfo=UTC),
                        late=False, packet_id="c" * 32, signed="signed")
    d = doc("agreement", version(AGREEMENT.to_json(), response=accepted))
    text = to_markdown(d, NAMES, LONDON, TODAY)
    assert text.startswith("# Supervision agreement\n")
    for name in AGREEMENT_LABELS:
        assert name in text, name
    for piece in ("- **How often we meet:** Every 28 days",
                  "- **Time to comment on a record:** 5 days",
                  "Safety of practice concerns go to the team manager.",
                  "Both of us keep the signed record in Frontline Kit.",
                  "Written as a comment on the record.",
                  "## How cancellations are handled\n\n—\n", "## Review date\n\n—\n",
                  "- **Status:** Accepted",
                  "Accepted on Wed 25 Nov 2026, 09:00 (within the comment window)"):
        assert piece in text, piece
    assert "Agreed actions" not in text


def test_a_chosen_version_and_its_own_status() -> None:
    first = AGREEMENT.to_json()
    second = {**first, "frequency_days": 14}
    d = doc("agreement", version(first), version(second, 2, sent=False))
    latest = to_markdown(d, NAMES, LONDON, TODAY)
    assert "- **Version:** 2 of 2" in latest and "Every 14 days" in latest
    assert "Draft, not sent" in latest
    older = to_markdown(d, NAMES, LONDON, TODAY, version=1)
    assert "- **Version:** 1 of 2" in older and "Every 28 days" in older
    assert "- **Status:** Sent, awaiting reply" in older
    with pytest.raises(NotFound, match="no version 3"):
        to_markdown(d, NAMES, LONDON, TODAY, version=3)


def test_unknown_people_are_shown_by_fingerprint_and_times_follow_the_zone() -> None:
    text = to_markdown(session_doc(), {}, ZoneInfo("America/New_York"), TODAY)
    assert f"- **Supervisor:** {SUPERVISOR}" in text
    assert text.startswith(f"# Supervision record — {SUPERVISEE}, Tue 24 Nov 2026")
    assert "- **Held:** Tue 24 Nov 2026, 05:00" in text


def test_users_lines_cannot_change_the_documents_shape() -> None:
    text = to_markdown(session_doc(impact="# not a heading\n- not a list"), NAMES, LONDON, TODAY)
    assert "\\# not a heading  \n\\- not a list" in text


# --- PDF ---


def test_pdf_shows_labels_and_text() -> None:
    data = to_pdf(session_doc(), NAMES, LONDON, TODAY)
    assert data.startswith(b"%PDF-")
    shown = pdf_text(data)
    for name in SESSION_LABELS:
        assert name in shown, name
    for piece in ("Supervision record — Zoë Ólafsdóttir, Tue 24 Nov 2026",
                  "Held: Tue 24 Nov 2026, 10:00", "Sleeping badly since Thursday.",
                  "1. Cap grading at 3 hours a day",
                  "Owner: Sam Due: Fri 20 Nov 2026 Status: Open (overdue)",
                  "I think the cap should be 2 hours.", "Exported Thu 26 Nov 2026",
                  "plaintext copy of an encrypted supervision record", "Page 1 of 1"):
        assert piece in shown, piece
    info = pdf_info(data)
    assert info["Page size"].endswith("(A4)")
    # A neutral title and no author: the file's details name nobody.
    assert info["Title"] == "Supervision record" and "Author" not in info


def test_agreement_pdf() -> None:
    shown = pdf_text(to_pdf(doc("agreement", version(AGREEMENT.to_json())), NAMES, LONDON,
                            TODAY))
    for name in ("Supervision agreement", *AGREEMENT_LABELS):
        assert name in shown, name
    assert "How cancellations are handled —" in shown


def test_a_long_record_runs_to_several_pages() -> None:
    long = "We talked about the week and what comes next. " * 200
    result = render_pdf(session_doc(impact=long, coping=long), NAMES, LONDON, TODAY)
    pages = int(pdf_info(result.data)["Pages"])
    assert pages > 1
    shown = pdf_text(result.data)
    assert f"Page {pages} of {pages}" in shown and "Exported Thu 26 Nov 2026" in shown


def test_unicode_names_survive_with_a_unicode_font() -> None:
    fonts = [f for f in font_candidates() if f.regular.is_file()]
    if not fonts:
        pytest.skip("no Unicode font (DejaVu Sans or Liberation Sans) on this system")
    names = {SUPERVISOR: "Łukasz Żółć", SUPERVISEE: "Zoë Ólafsdóttir"}
    result = render_pdf(session_doc(), names, LONDON, TODAY, fonts=fonts[:1])
    assert result.lost == ()
    shown = pdf_text(result.data)
    assert "Zoë Ólafsdóttir" in shown and "Łukasz Żółć" in shown


def test_without_a_unicode_font_lost_characters_are_named() -> None:
    names = {SUPERVISOR: "Łukasz", SUPERVISEE: "Zoë Ólafsdóttir"}
    result = render_pdf(session_doc(), names, LONDON, TODAY, fonts=[])
    assert result.font == "Helvetica (built in)"
    # The writer's name is also the owner of an action they kept as "me".
    assert result.lost == ("Supervisor", "Agreed actions")
    shown = pdf_text(result.data)
    assert "Zoë Ólafsdóttir" in shown and "?ukasz" in shown


def test_an_answered_session_never_claims_a_window_was_agreed() -> None:
    """A session answered with no agreement sent: the kit's default window applied, so the
    export says whether the answer was in time, not that a window was agreed."""
    for late, said in ((False, "(within the comment window)"),
                       (True, "(after the comment window)")):
        answer = Response(decision="accepted", comment="",
                          at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC), late=late,
                          packet_id="b" * 32, signed="signed")
        text = to_markdown(doc("session", version(SESSION.to_json(), response=answer)), NAMES,
                           LONDON, TODAY)
        assert said in text and "agreed comment window" not in text
