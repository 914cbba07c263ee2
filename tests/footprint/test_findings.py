"""The findings register: one finding per (source, key) however often a check runs, marking
and re-opening, the summary over time the home screen shows, damaged records tolerated, and
`kit findings` / `kit findings mark` as a user runs them, every bad input with its exit code."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kit.attention import needs_attention
from kit.errors import NotFound, UsageError
from kit.guidance.checklists import load_library
from kit.records import findings as fr
from kit.records.findings import Findings
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import run_kit

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def add(register: Findings, key: str = "jane.example registrant", *, severity: str = "high",
        title: str = "jane.example: the registrant's address is public", now: datetime = T0,
        source: str = "domain") -> fr.Finding:
    return register.record(source, key, title, "The registrant's postal address is shown.",
                           severity, "RDAP https://rdap.example/domain/jane.example",
                           "records-domain-whois", now=now)


def test_recording_again_updates_the_same_finding(vault: Vault) -> None:
    register = Findings(vault)
    first = add(register)
    assert (first.status, first.seen_count, first.found_at, first.last_seen) == \
        ("open", 1, T0, T0)
    later = T0 + timedelta(days=3)
    again = register.record("domain", "jane.example registrant", "A new title",
                            "Now the phone number too.", "medium", "RDAP elsewhere",
                            "records-domain-whois", now=later)
    assert again.id == first.id
    assert (again.seen_count, again.found_at, again.last_seen) == (2, T0, later)
    assert (again.title, again.exposed, again.severity, again.evidence) == \
        ("A new title", "Now the phone number too.", "medium", "RDAP elsewhere")
    add(register, "jane.example technical")
    # What is on disk agrees: a fresh register over the same vault sees two, not three.
    fresh = Findings(vault)
    assert sorted(f.key for f in fresh.list()) == ["jane.example registrant",
                                                   "jane.example technical"]
    assert fresh.find("domain", "jane.example registrant") == again
    assert sum(1 for r in vault.snapshot().records.values() if r.kind == fr.KIND) == 2


def test_marking_fixed_then_found_again_reopens_but_accepted_stays(vault: Vault) -> None:
    register = Findings(vault)
    finding = add(register)
    fixed = register.mark(finding.id[:6], "fixed", "Asked the registrar for privacy",
                          today=date(2026, 1, 12))
    assert fixed.status == "fixed"
    assert fixed.recheck_on == date(2026, 1, 12) + timedelta(days=fr.FIXED_RECHECK_DAYS)
    assert fixed.note == "Asked the registrar for privacy"
    back = add(register, now=T0 + timedelta(days=40))
    assert (back.status, back.recheck_on) == ("open", None)
    assert back.note == "Asked the registrar for privacy"  # the note stays
    assert [c.status for c in back.history] == ["open", "fixed", "open"]
    assert "found again" in back.history[-1].why

    accepted = register.mark(back.id, "accepted", "", recheck_on=date(2027, 1, 1),
                             today=date(2026, 3, 1))
    assert (accepted.status, accepted.note, accepted.recheck_on) == \
        ("accepted", "", date(2027, 1, 1))
    still = add(register, now=T0 + timedelta(days=60))
    assert still.status == "accepted" and still.seen_count == 3
    kept = register.mark(still.id, "open")  # note None keeps the note, open clears the date
    assert (kept.status, kept.recheck_on, kept.note) == ("open", None, "")


def test_record_gone_fixes_only_an_open_finding(vault: Vault) -> None:
    register = Findings(vault)
    assert register.record_gone("domain", "never seen") is None
    finding = add(register)
    gone = register.record_gone("domain", finding.key, now=T0 + timedelta(days=1))
    assert gone is not None and gone.status == "fixed"
    assert gone.recheck_on == (T0 + timedelta(days=1 + fr.FIXED_RECHECK_DAYS)).date()
    assert gone.history[-1].why == "a check no longer found it"
    assert register.record_gone("domain", finding.key) is None  # already fixed: unchanged


def test_bad_input_is_refused_with_a_clear_message(vault: Vault) -> None:
    register = Findings(vault)
    with pytest.raises(UsageError, match="severity"):
        add(register, severity="urgent")
    with pytest.raises(UsageError, match="source"):
        add(register, source="Domain Check")
    with pytest.raises(UsageError, match="checklist item"):
        register.record("domain", "k", "t", "e", "low", "", "Not An Id")
    with pytest.raises(UsageError, match="title"):
        register.record("domain", "k", "  ", "e", "low", "", None)
    finding = add(register)
    with pytest.raises(UsageError, match="not one of"):
        register.mark(finding.id, "done")
    with pytest.raises(UsageError, match="at least the first 4"):
        register.mark(finding.id[:2], "fixed")
    with pytest.raises(NotFound, match="no finding"):
        register.mark("ffffffff", "fixed")
    with pytest.raises(UsageError, match="in the past"):
        register.mark(finding.id, "fixed", recheck_on=date(2020, 1, 1), today=date(2026, 1, 1))
    with pytest.raises(UsageError, match="not open"):
        register.mark(finding.id, "open", recheck_on=date(2030, 1, 1))
    with pytest.raises(UsageError, match="at most"):
        register.mark(finding.id, "fixed", "x" * (fr.MAX_NOTE + 1))
    assert register.find("domain", finding.key) == finding  # nothing changed by the refusals
    with pytest.raises(UsageError, match="not one of"):
        register.list("closed")


def test_text_from_a_remote_answer_is_tidied_not_refused(vault: Vault) -> None:
    """A check has already run when it records: odd text it found must not fail it."""
    register = Findings(vault)
    finding = register.record("email", "a\tb\x00c", "Breach\x1b[31m\nname " + "x" * 300,
                              "line one\nline two\x07", "medium", "e" * 5000, None)
    assert "\x1b" not in finding.title and "\n" not in finding.title
    assert len(finding.title) == fr.MAX_TITLE and finding.title.endswith("\u2026")
    assert finding.exposed == "line one\nline two"
    assert len(finding.evidence) == fr.MAX_EVIDENCE
    assert finding.key == "a b c"
    again = register.record("email", "a\tb\x00c", "Breach", "x", "low", "", None)
    assert again.id == finding.id  # the same raw key finds the same finding


def test_summary_counts_and_the_number_open_over_time(vault: Vault) -> None:
    register = Findings(vault)
    today = date(2026, 6, 30)
    old = add(register, "a", severity="high", now=datetime(2026, 1, 5, tzinfo=UTC))
    add(register, "b", severity="medium", now=datetime(2026, 3, 1, tzinfo=UTC))
    add(register, "c", severity="low", now=datetime(2026, 6, 29, tzinfo=UTC))
    register.mark(old.id, "fixed", today=date(2026, 5, 1),
                  now=datetime(2026, 5, 1, 12, tzinfo=UTC))
    summary = register.summary(today)
    assert summary.total == 3 and summary.open == 2
    assert dict(summary.open_by_severity) == {"high": 0, "medium": 1, "low": 1}
    assert dict(summary.by_status) == {"open": 2, "fixed": 1, "accepted": 0}
    assert summary.recheck_due == 0
    trend = [(p.day, p.open, p.high) for p in summary.trend]
    assert [d for d, _, _ in trend] == [today - timedelta(days=30 * k) for k in range(5, -1, -1)]
    assert trend == [
        (date(2026, 1, 31), 1, 1),  # only "a"
        (date(2026, 3, 2), 2, 1),  # "a" and "b"
        (date(2026, 4, 1), 2, 1),
        (date(2026, 5, 1), 1, 0),  # "a" fixed on May 1
        (date(2026, 5, 31), 1, 0),
        (date(2026, 6, 30), 2, 0),  # "c" found
    ]
    later = register.summary(date(2026, 5, 1) + timedelta(days=fr.FIXED_RECHECK_DAYS))
    assert later.recheck_due == 1
    assert summary.to_json()["open"] == 2


def test_unreadable_and_duplicate_records_are_tolerated_and_unknown_fields_kept(
        vault: Vault) -> None:
    register = Findings(vault)
    finding = add(register)
    data = {**vault.get(finding.id).data, "from_a_newer_kit": {"x": 1}}
    vault.put(fr.KIND, data, record_id=finding.id)
    broken = vault.put(fr.KIND, {"source": "domain", "title": 5})
    # Another device recorded the same (source, key) later: the newest counts.
    other = {**data, "title": "from the other device", "updated": "2027-01-01T00:00:00+00:00"}
    twin = vault.put(fr.KIND, other)
    fresh = Findings(vault)
    listed = fresh.list()
    assert [f.id for f in listed] == [twin.id]
    assert [p.record_id for p in fresh.problems] == [broken.id]
    assert "left untouched" in fresh.problems[0].message
    marked = fresh.mark(twin.id, "fixed")
    assert vault.get(marked.id).data["from_a_newer_kit"] == {"x": 1}
    assert vault.get(finding.id).data["title"] == finding.title  # the other one, as it was


def test_fix_items_used_by_the_checks_exist_in_the_checklists() -> None:
    from kit.footprint import queries, rdap

    library = load_library()
    used = {rdap.FIX_ITEM, "audit-search-yourself", "audit-reverse-image",
            *(s.fix_item for s in queries.PEOPLE_SITES)}
    assert {item for item in used if item not in library.items} == set()


def test_home_shows_a_calm_exposure_summary(vault: Vault) -> None:
    ws = Workspace(vault)
    today = datetime.now(UTC).date()
    assert [a for a in needs_attention(ws, today) if a.area == "footprint"] == []
    add(ws.findings, "a", severity="high")
    add(ws.findings, "b", severity="medium")
    fixed = add(ws.findings, "c", severity="low")
    ws.findings.mark(fixed.id, "fixed", recheck_on=today)
    items = [a for a in needs_attention(ws, today) if a.area == "footprint"]
    assert [a.title for a in items] == ["2 footprint findings are open (1 high, 1 medium)",
                                        "1 fixed finding is due for a re-check"]
    assert "one at a time" in items[0].detail and "Footprint (F8)" in items[0].detail
    assert items[0].detail.endswith("A month ago there were 3.")  # all three found long ago


# --- the command line ---


def test_findings_command_lists_filters_and_marks(vault: Vault, tmp_path: Path) -> None:
    empty = run_kit("findings")
    assert empty.code == 0 and "No findings yet" in empty.out
    register = Findings(vault)
    high = add(register)
    add(register, "jane.example technical", severity="low",
        title="jane.example: the technical contact's email is public")
    listed = run_kit("findings")
    assert listed.code == 0, listed.err
    assert listed.out.index("the registrant's address") < listed.out.index("technical contact")
    assert "If you own a website domain, hide your details in WHOIS" in listed.out
    assert "`kit checklist show records-domain-whois`" in listed.out
    assert "2 open (1 high, 1 low)" in listed.out

    marked = run_kit("findings", "mark", high.id[:8], "fixed", "--note", "-", "--json",
                     input="Turned on the registrar's privacy option.\n")
    assert marked.code == 0, marked.err
    doc = json.loads(marked.out)
    assert doc["status"] == "fixed" and doc["note"] == "Turned on the registrar's privacy option."
    assert "re-check on" in marked.err

    fixed = json.loads(run_kit("findings", "--status", "fixed", "--json").out)
    assert [f["id"] for f in fixed["findings"]] == [high.id]
    assert fixed["findings"][0]["fix"] == {
        "id": "records-domain-whois",
        "title": "If you own a website domain, hide your details in WHOIS"}
    assert fixed["summary"]["by_status"] == {"open": 1, "fixed": 1, "accepted": 0}
    assert "Fixed (1)" in run_kit("findings", "--status", "fixed").out


def test_findings_command_bad_input_exit_codes(vault: Vault, kit_env: Path) -> None:
    finding = add(Findings(vault))
    before = vault.snapshot().commit
    bad_status = run_kit("findings", "mark", finding.id, "done")
    assert bad_status.code == 2 and "done" in bad_status.err
    unknown = run_kit("findings", "mark", "ffffffff", "fixed", "--json")
    assert unknown.code == 1
    assert json.loads(unknown.out)["error"]["code"] == "not_found"
    bad_date = run_kit("findings", "mark", finding.id, "fixed", "--recheck", "soon")
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.err
    filtered = run_kit("findings", "--status", "nonsense")
    assert filtered.code == 2
    assert vault.snapshot().commit == before  # nothing was written
    elsewhere = run_kit("--vault", str(kit_env / "nowhere"), "findings")
    assert elsewhere.code == 1 and "kit init" in elsewhere.err
