"""The safety plan: its repository on a real vault, and its commands as a user runs them."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kit.attention import needs_attention
from kit.errors import UsageError
from kit.records import safety_plan as sp
from kit.records.document import PlanDocument
from kit.records.safety_plan import Contact, SafetyPlan, SafetyPlanDocument
from kit.records.wellbeing_plan import Plan, WellbeingPlan
from kit.vault import Credentials, Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE, run_kit
from tests.pty_session import PtySession

TEXT_KEYS = tuple(f.key for f in sp.TEXT_FIELDS)


def stored(updated: datetime, **parts: Any) -> dict[str, Any]:
    """A safety plan record as another device would have written it."""
    return {**{key: "" for key in TEXT_KEYS}, "trusted_people": [], "review_date": None,
            **parts, "updated": updated.isoformat()}


# --- the repository ---


def test_empty_until_saved_then_round_trip(vault: Vault, vault_path: Path) -> None:
    plans = SafetyPlan(vault)
    empty = plans.get()
    assert empty == SafetyPlanDocument() and empty.is_empty and empty.id is None
    assert plans.versions() == [] and plans.problems == []
    saved = plans.save(dataclasses.replace(
        empty, household_plan="Meet at the corner shop\n",
        police_references="  CAD 4411, 23 Nov 2026, Devon and Cornwall  ",
        trusted_people=(Contact(" Sam ", "07700 900123"), Contact("Sam", "07700 900123"),
                        Contact("Priya", "priya@example.org")),
        review_date=date(2027, 2, 1)))
    assert saved.id and saved.updated is not None and not saved.is_empty
    assert saved.household_plan == "Meet at the corner shop"  # trimmed
    assert saved.police_references == "CAD 4411, 23 Nov 2026, Devon and Cornwall"
    assert saved.trusted_people == (Contact("Sam", "07700 900123"),
                                    Contact("Priya", "priya@example.org"))  # checked, no repeats
    assert saved.text("household_plan") == "Meet at the corner shop"
    with pytest.raises(KeyError):
        saved.text("trusted_people")  # not a text part
    assert saved.to_json() == {
        "id": saved.id, "trusted_people": [{"name": "Sam", "how": "07700 900123"},
                                           {"name": "Priya", "how": "priya@example.org"}],
        **{key: getattr(saved, key) for key in TEXT_KEYS},
        "review_date": "2027-02-01", "updated": saved.updated.isoformat()}
    vault.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        plans = SafetyPlan(again)
        assert plans.get() == saved
        resaved = plans.save(dataclasses.replace(plans.get(), if_police_arrive="Hands visible"))
        assert resaved.id == saved.id and len(plans.versions()) == 1
        assert (resaved.if_police_arrive, resaved.household_plan) == (
            "Hands visible", "Meet at the corner shop")
        # The two plans are separate documents in one vault.
        assert WellbeingPlan(again).get() == Plan()
        WellbeingPlan(again).save(Plan(what_helps="A walk"))
        assert SafetyPlan(again).get() == resaved


def test_bad_values_are_refused_and_nothing_is_saved(vault: Vault) -> None:
    plans = SafetyPlan(vault)
    for person in (Contact("", "0800"), Contact("Sam", "  ")):
        with pytest.raises(UsageError):
            plans.save(SafetyPlanDocument(trusted_people=(person,)))
    with pytest.raises(UsageError, match="review date"):
        plans.save(SafetyPlanDocument(review_date=datetime(2027, 1, 1, tzinfo=UTC)))
    with pytest.raises(UsageError, match="household plan must be text"):
        plans.save(SafetyPlanDocument(household_plan=7))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="trusted people"):
        plans.save(SafetyPlanDocument(trusted_people=("Sam",)))  # type: ignore[arg-type]
    assert plans.versions() == [] and SafetyPlan(vault).versions() == []


def test_two_devices_unknown_fields_and_damage(vault: Vault, vault_path: Path) -> None:
    older = vault.put(sp.KIND, stored(datetime(2026, 1, 1, tzinfo=UTC), household_plan="older",
                                      from_a_newer_kit={"kept": True}))
    newer = vault.put(sp.KIND, stored(datetime(2026, 2, 1, tzinfo=UTC), household_plan="newer"))
    odd = vault.put(sp.KIND, {"updated": "2026-03-01T00:00:00+00:00",
                              "trusted_people": "Sam"})  # not a list
    no_zone = vault.put(sp.KIND, stored(datetime(2026, 3, 1)))  # no time zone
    damaged = vault.put(sp.KIND, stored(datetime(2026, 4, 1, tzinfo=UTC), household_plan="x"))
    vault.close()
    db = sqlite3.connect(vault_path / "vault.sqlite")
    rid = bytes.fromhex(damaged.id)
    (ct,) = db.execute("SELECT ct FROM records WHERE id = ?", (rid,)).fetchone()
    db.execute("UPDATE records SET ct = ? WHERE id = ?", (bytes([ct[0] ^ 1]) + ct[1:], rid))
    db.commit()
    db.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        plans = SafetyPlan(again)
        assert plans.get().household_plan == "newer" and plans.get().id == newer.id
        assert [p.id for p in plans.versions()] == [newer.id, older.id]
        named = {p.record_id: p for p in plans.problems}
        assert set(named) == {odd.id, no_zone.id, damaged.id}
        assert named[odd.id].code == "unreadable_safety_plan"
        assert "safety plan" in named[odd.id].message
        saved = plans.save(dataclasses.replace(plans.get(), support_services="POSH"))
        assert saved.id == newer.id
        # Saving the older version (chosen on purpose) writes over it and keeps its unknown field.
        revived = plans.save(dataclasses.replace(plans.versions()[1], support_services="both"))
        assert revived.id == older.id and SafetyPlan(again).get().id == older.id
        assert again.get(older.id).data["from_a_newer_kit"] == {"kept": True}
        assert revived.extra == {"from_a_newer_kit": {"kept": True}}
        assert len(SafetyPlan(again).versions()) == 2
        # Nothing unreadable was touched.
        assert again.get(odd.id).data["trusted_people"] == "Sam"


def test_fields_describe_the_plan_in_order() -> None:
    keys = [f.key for f in sp.SAFETY_FIELDS]
    assert keys == ["trusted_people", "police_references", "police_non_emergency",
                    "workplace_contact", "household_plan", "if_police_arrive",
                    "evidence_location", "support_services", "review_date"]
    base = {f.name for f in dataclasses.fields(PlanDocument)} - {"review_date"}
    assert set(keys) == {f.name for f in dataclasses.fields(SafetyPlanDocument)} - base
    assert all(f.label and f.hint.endswith(".") for f in sp.SAFETY_FIELDS)
    assert [f.kind for f in sp.SAFETY_FIELDS if f.kind != "text"] == ["contacts", "date"]
    advice = sp.FIELD_BY_KEY["if_police_arrive"].hint
    for words in ("calm", "hands", "sudden", "hoax", "who else is in the house", "names",
                  "reference"):
        assert words in advice
    assert "101" in sp.FIELD_BY_KEY["police_non_emergency"].hint
    # The hint is read in the app and printed on paper: a place, not a command to type.
    assert "under Incidents" in sp.FIELD_BY_KEY["evidence_location"].hint
    assert "Professionals Online Safety Helpline" in sp.FIELD_BY_KEY["support_services"].hint
    assert sp.FIELD_BY_KEY["household_plan"].option == "--household-plan"


def test_review_due_shows_on_the_home_list(vault: Vault) -> None:
    workspace = Workspace(vault)
    assert not workspace.safety_plan.review_due(date(2030, 1, 1))  # no plan: never due
    workspace.safety_plan.save(SafetyPlanDocument(household_plan="Meet at the shop",
                                                  review_date=date(2027, 3, 1)))
    assert not workspace.safety_plan.review_due(date(2027, 2, 28))
    assert workspace.safety_plan.review_due(date(2027, 3, 1))
    titles = [a.title for a in needs_attention(workspace, date(2027, 3, 1))]
    assert "Time to look at your safety plan again" in titles
    assert not any("safety plan" in a.title for a in needs_attention(workspace,
                                                                      date(2027, 2, 1)))
    workspace.refresh()  # the repository is forgotten and read again from the disk
    assert workspace.safety_plan.get().household_plan == "Meet at the shop"


# --- the commands ---


def show() -> dict[str, Any]:
    result = run_kit("safety-plan", "show", "--json")
    assert result.code == 0, result.err
    doc: dict[str, Any] = json.loads(result.out)
    return doc


def test_edit_and_show(cli_vault: Path) -> None:
    empty = run_kit("safety-plan", "show")
    assert empty.code == 0 and "not written a safety plan yet" in empty.out
    edited = run_kit("safety-plan", "edit", "--household-plan", "-",
                     "--police-references", "CAD 4411 (Devon and Cornwall)",
                     "--trusted-person", "Sam: 07700 900123",
                     "--trusted-person", "Desk: ext 2: ask for Jo",
                     "--review-date", "2020-01-01", input="Meet at the shop\nTake the dog\n")
    assert edited.code == 0, edited.err
    assert "safety plan is saved" in edited.err
    doc = show()
    assert {k: doc[k] for k in (*TEXT_KEYS, "trusted_people", "review_date", "review_due")} == {
        "police_references": "CAD 4411 (Devon and Cornwall)", "police_non_emergency": "",
        "workplace_contact": "", "household_plan": "Meet at the shop\nTake the dog",
        "if_police_arrive": "", "evidence_location": "", "support_services": "",
        "trusted_people": [{"name": "Sam", "how": "07700 900123"},
                           {"name": "Desk", "how": "ext 2: ask for Jo"}],
        "review_date": "2020-01-01", "review_due": True}
    assert doc["older_versions"] == 0
    human = run_kit("safety-plan", "show").out
    assert "Household plan\n  Meet at the shop\n  Take the dog" in human
    assert "Trusted people\n  Sam: 07700 900123" in human
    assert "Who to tell at work\n  (not filled in yet)" in human
    assert "time to look at the plan again" in human

    changed = run_kit("safety-plan", "edit", "--police-references", "",
                      "--clear-trusted-people", "--trusted-person", "Jo: 0161 496 0000",
                      "--clear-review-date", "--json")
    assert changed.code == 0, changed.err
    after = json.loads(changed.out)
    assert after == show()
    assert (after["police_references"], after["trusted_people"], after["review_date"],
            after["household_plan"]) == ("", [{"name": "Jo", "how": "0161 496 0000"}], None,
                                         "Meet at the shop\nTake the dog")
    same = run_kit("safety-plan", "edit", "--household-plan", "Meet at the shop\nTake the dog")
    assert same.code == 0 and "Nothing changed" in same.err


def test_bad_edits_exit_2_and_save_nothing(cli_vault: Path) -> None:
    assert run_kit("safety-plan", "edit", "--workplace-contact", "My manager, Ana").code == 0
    before = show()
    for args, named in ((["--trusted-person", "Sam 0770"], "NAME: HOW"),
                        (["--trusted-person", ": 0770"], "needs a name"),
                        (["--review-date", "next month"], "--review-date"),
                        (["--review-date", "2027-02-30"], "is not a date"),
                        (["--household-plan", "-", "--if-police-arrive", "-"], "one part"),
                        (["--review-date", "2027-01-01", "--clear-review-date"], "not both"),
                        (["--no-such-part", "x"], "No such option"),
                        ([], "run this in a terminal")):
        result = run_kit("safety-plan", "edit", *args, "--json", input="x")
        assert result.code == 2, (args, result.err)
        assert named in result.err, (args, result.err)
        assert json.loads(result.out)["error"]["exit"] == 2
    assert show() == before


def test_walk_through_at_a_terminal(cli_vault: Path) -> None:
    assert run_kit("safety-plan", "edit", "--household-plan", "Meet at the shop",
                   "--trusted-person", "Sam: 0770").code == 0
    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE}
    session = PtySession([sys.executable, "-m", "kit", "safety-plan", "edit"], env=env)
    session.expect("Your safety plan, one part at a time")
    session.expect(sp.FIELD_BY_KEY["trusted_people"].hint)  # people come first
    session.send("no colon here")
    session.expect("should look like")
    session.send("POSH: 0344 381 4772")
    session.expect("Added POSH")
    session.send("")
    answers = {"police_references": "CAD 77", "police_non_emergency": "",
               "workplace_contact": "Ana, DSL", "household_plan": "-",
               "if_police_arrive": "", "evidence_location": "", "support_services": ""}
    for key, answer in answers.items():
        session.expect(sp.FIELD_BY_KEY[key].hint)
        session.send(answer)
    session.expect(sp.FIELD_BY_KEY["review_date"].hint)
    session.send("someday")
    session.expect("is not a date")
    session.send("2027-09-01")
    assert session.wait() == 0, session.text
    assert "saved" in session.text
    doc = show()
    assert (doc["police_references"], doc["workplace_contact"], doc["household_plan"]) == (
        "CAD 77", "Ana, DSL", "")
    assert doc["trusted_people"] == [{"name": "Sam", "how": "0770"},
                                     {"name": "POSH", "how": "0344 381 4772"}]
    assert doc["review_date"] == "2027-09-01"


def test_export_markdown_and_pdf(cli_vault: Path, tmp_path: Path) -> None:
    assert run_kit("safety-plan", "edit", "--household-plan", "Meet at the corner shop",
                   "--trusted-person", "Łucja Nowak: 07700 900123").code == 0
    md = tmp_path / "plan.md"
    result = run_kit("safety-plan", "export", "--format", "md", "--out", str(md))
    assert result.code == 0, result.err
    assert f"WARNING: {md.resolve()} is NOT encrypted" in result.err
    assert "your safety plan" in result.err and result.out == ""
    assert stat.S_IMODE(md.stat().st_mode) == 0o600
    text = md.read_text(encoding="utf-8")
    for f in sp.SAFETY_FIELDS:
        assert f"## {f.label}" in text
    assert "Meet at the corner shop" in text and "Łucja Nowak: 07700 900123" in text

    pdf = tmp_path / "plan.pdf"
    result = run_kit("safety-plan", "export", "--format", "pdf", "--out", str(pdf), "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["out"] == str(pdf.resolve()) and doc["format"] == "pdf"
    assert doc["cut"] == [] and doc["empty"] is False
    assert f"WARNING: {pdf.resolve()} is NOT encrypted" in result.err
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    shown = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Household plan" in shown and "Meet at the corner shop" in shown
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info


def test_export_refuses_bad_targets_and_loses_nothing(cli_vault: Path, tmp_path: Path) -> None:
    assert run_kit("safety-plan", "edit", "--household-plan", "Meet at the shop").code == 0
    before = show()
    existing = tmp_path / "plan.pdf"
    existing.write_text("my own notes")
    # Refused before the passphrase is asked for: no secret is needed to be told.
    refused = run_kit("safety-plan", "export", "--format", "pdf", "--out", str(existing),
                      "--json", passphrase=None)
    assert refused.code == 1, refused.err
    assert "already exists; add --force" in refused.err
    assert json.loads(refused.out)["error"]["exit"] == 1
    assert existing.read_text() == "my own notes"

    missing = tmp_path / "no such folder" / "plan.md"
    result = run_kit("safety-plan", "export", "--format", "md", "--out", str(missing))
    assert result.code == 1 and "does not exist; nothing was written" in result.err
    assert not missing.parent.exists()

    unknown = run_kit("safety-plan", "export", "--format", "docx", "--out",
                      str(tmp_path / "plan.docx"), "--json")
    assert unknown.code == 2 and "docx" in unknown.err
    assert json.loads(unknown.out)["error"]["exit"] == 2
    assert not (tmp_path / "plan.docx").exists()
    folder = run_kit("safety-plan", "export", "--format", "md", "--out", str(tmp_path))
    assert folder.code == 2 and "directory" in folder.err

    no_secret = run_kit("safety-plan", "export", "--format", "md", "--out",
                        str(tmp_path / "plan.md"), passphrase=None)
    assert no_secret.code == 2 and not (tmp_path / "plan.md").exists()

    forced = run_kit("safety-plan", "export", "--format", "pdf", "--out", str(existing),
                     "--force")
    assert forced.code == 0, forced.err
    assert existing.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "plan.pdf"]  # no leftovers
    assert show() == before


def test_an_empty_plan_exports_a_blank_form(cli_vault: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "blank.pdf"
    result = run_kit("safety-plan", "export", "--format", "pdf", "--out", str(pdf), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["empty"] is True
    assert "blank form to fill in by hand" in result.err


def test_a_damaged_plan_record_is_reported_not_fatal(cli_vault: Path) -> None:
    with Vault.open(cli_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        SafetyPlan(vault).save(SafetyPlanDocument(household_plan="Meet at the shop"))
        vault.put(sp.KIND, {"updated": "yesterday"})
    result = run_kit("safety-plan", "show", "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["household_plan"] == "Meet at the shop"
    assert "Warning:" in result.err and "safety plan" in result.err


def test_every_command_needs_a_vault(kit_env: Path, tmp_path: Path) -> None:
    for args in (["show"], ["edit", "--household-plan", "x"],
                 ["export", "--format", "pdf", "--out", str(tmp_path / "plan.pdf")]):
        result = run_kit("safety-plan", *args)
        assert result.code == 1, (args, result.err)
        assert "no vault here" in result.err and "Traceback" not in result.err
    assert not (kit_env / "vault").exists() and not (tmp_path / "plan.pdf").exists()
