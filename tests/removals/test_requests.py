"""Removal requests in the vault: dates checked, history kept, due lists right, findings fixed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kit.errors import UsageError
from kit.records.findings import Findings
from kit.removals.requests import Removals
from kit.vault import Vault

TODAY = date(2027, 2, 10)
NOW = datetime(2027, 2, 10, 12, 0, tzinfo=UTC)
PAGE = "https://people.example/listing/jo-bloggs"


def _add(removals: Removals, **kw: object):  # type: ignore[no-untyped-def]
    args: dict[str, object] = dict(pages=[PAGE], today=TODAY, now=NOW)
    args.update(kw)
    return removals.add("people.example", "people-search", "erasure", "email",
                        **args)  # type: ignore[arg-type]


def test_a_request_is_kept_whole_and_read_back(vault: Vault) -> None:
    removals = Removals(vault)
    made = _add(removals, sent_on=date(2027, 1, 31), reference="REF-1", note="first try")
    assert made.status == "sent" and made.history[0].what == "sent"
    again = Removals(vault).get(made.id[:6])
    assert again == made
    assert again.reply_due() == date(2027, 3, 1)  # 28 February 2027 is a Sunday
    assert again.to_json()["reply_due"] == "2027-03-01"


def test_a_draft_has_no_clock_until_it_is_sent(vault: Vault) -> None:
    removals = Removals(vault)
    draft = _add(removals)
    assert draft.status == "draft" and draft.reply_due() is None
    sent = removals.update(draft.id, sent_on=date(2027, 2, 1), today=TODAY, now=NOW)
    assert sent.status == "sent" and sent.reply_due() == date(2027, 3, 1)
    assert [e.status for e in sent.history] == ["draft", "sent"]


@pytest.mark.parametrize(("kw", "message"), [
    ({"sent_on": date(2027, 3, 1)}, "in the future"),
    ({"sent_on": date(2027, 2, 1), "received_on": date(2027, 1, 30)}, "before it was sent"),
    ({"received_on": date(2027, 2, 1)}, "when it was sent"),
    ({"pages": ["not a web address"]}, "not a web address"),
    ({"recheck_on": date(2027, 1, 1)}, "in the past"),
    ({"note": "x" * 10_001}, "at most"),
])
def test_bad_input_is_refused_and_nothing_is_kept(vault: Vault, kw: dict[str, object],
                                                  message: str) -> None:
    removals = Removals(vault)
    with pytest.raises(UsageError, match=message):
        _add(removals, **kw)
    assert Removals(vault).list() == []


def test_unknown_choices_are_refused(vault: Vault) -> None:
    with pytest.raises(UsageError, match="is not one of"):
        Removals(vault).add("x", "people-search", "please", "email", today=TODAY, now=NOW)
    with pytest.raises(UsageError, match="is not one of"):
        Removals(vault).add("x", "forum", "erasure", "email", today=TODAY, now=NOW)


def test_due_lists_replies_soon_overdue_and_rechecks(vault: Vault) -> None:
    removals = Removals(vault)
    soon = _add(removals, sent_on=date(2027, 1, 14))  # due 15 February (14 Feb: a Sunday)
    late = _add(removals, sent_on=date(2026, 12, 20))  # due 20 January
    extended = removals.update(_add(removals, sent_on=date(2026, 12, 21)).id, extended=True,
                               today=TODAY, now=NOW)  # due 22 March: not listed
    report = removals.add("Instaphoto", "platform", "platform-report", "web-form",
                          sent_on=date(2027, 2, 1), today=TODAY, now=NOW)
    # The suggested week after sending (8 February) has passed: it is due today.
    assert report.recheck_on == TODAY
    assert report.reply_due() is None
    due = removals.due(TODAY)
    assert [(r.id, d) for r, d in due.replies_soon] == [(soon.id, date(2027, 2, 15))]
    assert [(r.id, d) for r, d in due.overdue] == [(late.id, date(2027, 1, 20))]
    assert [r.id for r in due.rechecks] == [report.id]
    assert extended.history[-1].what == "they said they need up to two more months"
    # Answered requests stop the clock.
    removals.update(late.id, status="refused", what="they said the data is public",
                    today=TODAY, now=NOW)
    assert removals.due(TODAY).overdue == ()


def test_a_recheck_that_finds_the_pages_gone_fixes_the_findings(vault: Vault) -> None:
    findings = Findings(vault)
    finding = findings.record("usernames", "people.example jo", "Listing on people.example",
                              "home address", "high", PAGE, None, now=NOW)
    removals = Removals(vault)
    made = _add(removals, sent_on=date(2027, 1, 4), finding_ids=[finding.id])
    still = removals.recheck(made.id, gone=False, findings=findings, today=TODAY, now=NOW)
    assert still.status == "sent" and still.history[-1].what.endswith("still there")
    assert findings.get(finding.id).status == "open"
    gone = removals.recheck(made.id, gone=True, findings=findings, today=TODAY, now=NOW)
    assert gone.status == "removed" and gone.recheck_on == date(2027, 3, 12)
    assert Findings(vault).get(finding.id).status == "fixed"


def test_a_newer_kits_fields_survive_a_save(vault: Vault) -> None:
    removals = Removals(vault)
    made = _add(removals)
    data = vault.get(made.id).data
    vault.put("removal", {**data, "future_field": [1, 2]}, record_id=made.id)
    updated = Removals(vault).update(made.id, note="changed", today=TODAY, now=NOW)
    assert vault.get(updated.id).data["future_field"] == [1, 2]


def test_an_unreadable_record_is_reported_not_fatal(vault: Vault) -> None:
    removals = Removals(vault)
    good = _add(removals)
    vault.put("removal", {"target": 3})
    fresh = Removals(vault)
    assert [r.id for r in fresh.list()] == [good.id]
    assert [p.code for p in fresh.problems] == ["unreadable_removal"]


def test_home_names_what_is_due_with_one_button(vault: Vault) -> None:
    from kit.attention import needs_attention
    from kit.config import Config
    from kit.workspace import Workspace

    removals = Removals(vault)
    _add(removals, sent_on=date(2026, 12, 20))  # overdue since 20 January
    _add(removals, sent_on=date(2027, 1, 14))  # due Monday 15 February
    removals.add("Instaphoto", "platform", "platform-report", "web-form",
                 sent_on=date(2027, 2, 1), today=TODAY, now=NOW)  # look again today
    items = [i for i in needs_attention(Workspace(vault), TODAY, Config(region="scotland"))
             if i.area == "incidents"]
    assert [i.title for i in items] == [
        "1 reply to a removal request is overdue",
        "1 reply to a removal request is due this week",
        "1 removal request is due a second look"]
    assert "due by 20 January" in items[0].detail
    assert "Monday 15 February" in items[1].detail
    assert [i.action for i in items] == ["", "", "removals"]
