"""The wellbeing plan: its repository on a real vault, and its commands as a user runs them."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kit.errors import UsageError
from kit.records import wellbeing_plan as wp
from kit.records.wellbeing_plan import Contact, Plan, WellbeingPlan
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit
from tests.pty_session import PtySession


def stored(updated: datetime, **texts: Any) -> dict[str, Any]:
    """A plan record as another device would have written it."""
    return {**{key: "" for key in wp.TEXT_KEYS}, "contacts": [], "review_date": None,
            **texts, "updated": updated.isoformat()}


# --- the repository ---


def test_empty_until_saved_then_round_trip(vault: Vault, vault_path: Path) -> None:
    plans = WellbeingPlan(vault)
    empty = plans.get()
    assert empty == Plan() and empty.is_empty and empty.id is None and plans.versions() == []
    saved = plans.save(dataclasses.replace(
        empty, keeps_me_well="Walks at lunch\n", if_worse="Tell my supervisor",
        contacts=(Contact(" Sam ", "07700 900123"), Contact("Sam", "07700 900123")),
        review_date=date(2026, 6, 1)))
    assert saved.id and saved.updated is not None and not saved.is_empty
    assert saved.keeps_me_well == "Walks at lunch"  # trimmed
    assert saved.contacts == (Contact("Sam", "07700 900123"),)  # checked, no repeats
    vault.close()
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as again:
        plans = WellbeingPlan(again)
        assert plans.get() == saved
        resaved = plans.save(dataclasses.replace(plans.get(), triggers="Unexpected video"))
        assert resaved.id == saved.id and len(plans.versions()) == 1
        assert (resaved.triggers, resaved.keeps_me_well) == ("Unexpected video", "Walks at lunch")


def test_bad_contacts_and_dates_are_refused(vault: Vault) -> None:
    plans = WellbeingPlan(vault)
    for contact in (Contact("", "0800"), Contact("Sam", "  ")):
        with pytest.raises(UsageError):
            plans.save(Plan(contacts=(contact,)))
    with pytest.raises(UsageError):
        plans.save(Plan(review_date=datetime(2026, 1, 1, tzinfo=UTC)))  # a datetime is a date
    assert plans.versions() == []
    assert wp.parse_contact("EAP: 0800 000 000: option 2") == Contact(
        "EAP", "0800 000 000: option 2")
    with pytest.raises(UsageError) as caught:
        wp.parse_contact("Sam 07700 900123")
    assert "NAME: HOW" in caught.value.message
    assert wp.parse_date(" 2026-02-28 ") == date(2026, 2, 28)
    with pytest.raises(UsageError):
        wp.parse_date("2026-02-30")


def test_review_due(vault: Vault) -> None:
    plans = WellbeingPlan(vault)
    assert not plans.review_due(date(2030, 1, 1))  # no plan, no date: never due
    plans.save(Plan(what_helps="A walk"))
    assert not plans.review_due(date(2030, 1, 1))
    plans.save(dataclasses.replace(plans.get(), review_date=date(2026, 3, 1)))
    assert not plans.review_due(date(2026, 2, 28))
    assert plans.review_due(date(2026, 3, 1)) and plans.review_due(date(2026, 3, 2))


def test_two_devices_newest_wins_and_nothing_is_lost(vault: Vault) -> None:
    older = vault.put(wp.KIND, stored(datetime(2026, 1, 1, tzinfo=UTC), triggers="older",
                                      from_a_newer_kit={"kept": True}))
    newer = vault.put(wp.KIND, stored(datetime(2026, 2, 1, tzinfo=UTC), triggers="newer"))
    odd = vault.put(wp.KIND, {"updated": 7})
    plans = WellbeingPlan(vault)
    assert plans.get().triggers == "newer" and plans.get().id == newer.id
    assert [p.id for p in plans.versions()] == [newer.id, older.id]
    assert [p.record_id for p in plans.problems] == [odd.id]
    saved = plans.save(dataclasses.replace(plans.get(), what_helps="talking"))
    assert saved.id == newer.id
    # Saving the older version (chosen on purpose) writes over it and keeps its unknown field.
    revived = plans.save(dataclasses.replace(plans.versions()[1], what_helps="both"))
    assert revived.id == older.id and WellbeingPlan(vault).get().id == older.id
    assert vault.get(older.id).data["from_a_newer_kit"] == {"kept": True}
    assert len(WellbeingPlan(vault).versions()) == 2


def test_field_metadata_covers_the_plan() -> None:
    keys = [f.key for f in wp.PLAN_FIELDS]
    assert set(keys) == {f.name for f in dataclasses.fields(Plan)} - {"updated", "id", "extra"}
    assert all(f.label and f.hint.endswith(".") for f in wp.PLAN_FIELDS)
    assert wp.FIELD_BY_KEY["keeps_me_well"].option == "--keeps-me-well"


# --- the commands ---


def show() -> dict[str, Any]:
    result = run_kit("wellbeing-plan", "show", "--json")
    assert result.code == 0, result.err
    doc: dict[str, Any] = json.loads(result.out)
    return doc


def test_edit_and_show(cli_vault: Path) -> None:
    empty = run_kit("wellbeing-plan", "show")
    assert empty.code == 0 and "not written a wellbeing plan yet" in empty.out
    edited = run_kit("wellbeing-plan", "edit", "--keeps-me-well", "-", "--triggers",
                     "Unexpected video", "--contact", "Sam: 07700 900123", "--contact",
                     "EAP: 0800 000: option 2", "--review-date", "2020-01-01",
                     input="Walks\nwith the dog\n")
    assert edited.code == 0, edited.err
    doc = show()
    assert {k: doc[k] for k in (*wp.TEXT_KEYS, "contacts", "review_date", "review_due")} == {
        "keeps_me_well": "Walks\nwith the dog", "warning_signs": "", "triggers":
        "Unexpected video", "what_helps": "", "if_worse": "",
        "contacts": [{"name": "Sam", "how": "07700 900123"},
                     {"name": "EAP", "how": "0800 000: option 2"}],
        "review_date": "2020-01-01", "review_due": True}
    human = run_kit("wellbeing-plan", "show").out
    assert "What keeps me well\n  Walks\n  with the dog" in human
    assert "time to look at the plan again" in human

    changed = run_kit("wellbeing-plan", "edit", "--triggers", "", "--clear-contacts",
                      "--contact", "Jo: desk by the window", "--clear-review-date", "--json")
    assert changed.code == 0, changed.err
    after = json.loads(changed.out)
    assert after == show()
    assert (after["triggers"], after["contacts"], after["review_date"], after["keeps_me_well"]
            ) == ("", [{"name": "Jo", "how": "desk by the window"}], None, "Walks\nwith the dog")


def test_bad_edits_exit_2_and_save_nothing(cli_vault: Path) -> None:
    assert run_kit("wellbeing-plan", "edit", "--what-helps", "tea").code == 0
    before = show()
    for args, named in ((["--contact", "Sam 0770"], "NAME: HOW"),
                        (["--review-date", "next month"], "--review-date"),
                        (["--what-helps", "-", "--if-worse", "-"], "one part"),
                        (["--review-date", "2026-01-01", "--clear-review-date"], "not both"),
                        ([], "run this in a terminal")):
        result = run_kit("wellbeing-plan", "edit", *args, "--json", input="x")
        assert result.code == 2, (args, result.err)
        assert named in result.err
        assert json.loads(result.out)["error"]["exit"] == 2
    assert show() == before


def test_walk_through_at_a_terminal(cli_vault: Path) -> None:
    assert run_kit("wellbeing-plan", "edit", "--keeps-me-well", "Walks", "--triggers", "Noise",
                   "--contact", "Sam: 0770").code == 0
    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE}
    session = PtySession([sys.executable, "-m", "kit", "wellbeing-plan", "edit"], env=env)
    answers = {"keeps_me_well": "", "warning_signs": "Short temper", "triggers": "-",
               "what_helps": "", "if_worse": "Call Sam"}
    for key, answer in answers.items():
        session.expect(wp.FIELD_BY_KEY[key].hint)
        session.send(answer)
    session.expect(wp.FIELD_BY_KEY["contacts"].hint)
    session.send("no colon here")
    session.expect("should look like")
    session.send("GP: 0161 000 0000")
    session.expect("Added GP")
    session.send("")
    session.expect(wp.FIELD_BY_KEY["review_date"].hint)
    session.send("someday")
    session.expect("is not a date")
    session.send("2026-09-01")
    assert session.wait() == 0, session.text
    assert "saved" in session.text
    doc = show()
    assert (doc["keeps_me_well"], doc["warning_signs"], doc["triggers"], doc["if_worse"]) == (
        "Walks", "Short temper", "", "Call Sam")
    assert doc["contacts"] == [{"name": "Sam", "how": "0770"},
                               {"name": "GP", "how": "0161 000 0000"}]
    assert doc["review_date"] == "2026-09-01"
