"""Pilot tests for the preparedness screens: "It's happening now" (F9, locked or not), the
"do this first" list with marking, and the safety plan with its export."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, OptionList, Select, Static, TextArea

from kit.guidance.checklists import load_library
from kit.guidance.planner import happening_now, next_steps
from kit.records.progress import ItemProgress, ProgressLog
from kit.records.safety_plan import SafetyPlan
from kit.tui.app import KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.area_helpers import show_tab
from tests.tui.conftest import FIXED_NOW, SIZE, showing, unlock, wait_for

TODAY = FIXED_NOW.date()


def _text(widget: object) -> str:
    return str(widget.render())  # type: ignore[attr-defined]


async def answer(pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    """Open the walk-through (F9) and answer its first question."""
    await pilot.press("f9")
    await wait_for(pilot, lambda: showing(pilot, "HappeningNowScreen"), "the walk-through")
    await pilot.click(f"#path-{path}")
    await wait_for(pilot, lambda: pilot.app.screen.query_one("#now-stage").display,
                   "the first stage")



async def open_prepare(pilot) -> None:  # type: ignore[no-untyped-def]
    """Unlock, then open Prepare (F6)."""
    await unlock(pilot)
    await pilot.press("f6")
    await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "the prepare area")

async def test_happening_now_opens_from_the_lock_screen_without_unlocking(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    stages = happening_now(load_library(), "uk", "doxing")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await pilot.press("f9")
        await wait_for(pilot, lambda: showing(pilot, "HappeningNowScreen"), "the walk-through")
        screen = app.screen
        # Said plainly, first, before any step; then one question, and no step yet.
        assert _text(screen.query_one("#now-intro")).startswith("This is not your fault.")
        assert screen.query_one("#now-question").display
        assert not screen.query_one("#now-stage").display
        await pilot.click("#path-doxing")
        await pilot.pause()
        assert _text(screen.query_one("#now-stage")) == f"Step 1 of {len(stages)}: {stages[0][1]}"
        shown = " ".join(_text(s) for s in screen.query(".now-item"))
        assert all(item.title in shown for item in stages[0][2])
        # Locked: nothing to tick, and it says how to keep a record.
        assert not screen.query(Checkbox)
        assert "Unlock the kit" in _text(screen.query_one("#now-after"))
        for number in range(2, len(stages) + 1):
            await pilot.press("ctrl+right")
            await pilot.pause()
            assert _text(screen.query_one("#now-stage")).startswith(f"Step {number} of")
        assert screen.query_one("#now-next-button").disabled
        for _ in stages:  # back past the first stage: the question again
            await pilot.press("ctrl+left")
            await pilot.pause()
        assert screen.query_one("#now-question").display
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "back to the lock")
        assert app.workspace is None
        await unlock(pilot)  # the lock screen still works afterwards


CAPTURE = ("screenshot", "screen recording", "capture")


@pytest.mark.parametrize("path", ["danger", "swatting", "doxing"])
async def test_each_answer_walks_its_own_steps_in_a_safe_order(
        make_app, closed_vault: Path, path: str) -> None:  # type: ignore[no-untyped-def]
    """Safety first; telling someone and securing email before any evidence; the warning about
    images of children before any capture step; never a command on this screen."""
    app: KitApp = make_app()
    expected = happening_now(load_library(), "uk", path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await answer(pilot, path)
        screen = app.screen
        seen: list[tuple[str, str]] = []  # (stage title, item text) in the order shown
        for number in range(1, len(expected) + 1):
            stage = _text(screen.query_one("#now-stage"))
            assert stage.startswith(f"Step {number} of {len(expected)}")
            seen += [(stage, _text(item)) for item in screen.query(".now-item")]
            everything = " ".join(_text(w) for w in screen.query("#now-body Static"))
            assert "`" not in everything and "kit incident" not in everything
            await pilot.press("ctrl+right")
            await pilot.pause()
    stage_ids = [stage for stage, _title, _items in expected]
    assert stage_ids[0] == "safety"
    assert stage_ids.index("tell") < stage_ids.index("evidence")
    assert len(seen) == sum(len(items) for _s, _t, items in expected)
    texts = [text for _stage, text in seen]
    warning = next(n for n, text in enumerate(texts) if "don't save or share it" in text)
    first_capture = next(n for n, text in enumerate(texts) if n != warning
                         and any(word in text.lower() for word in CAPTURE))
    assert warning < first_capture
    armed = any("armed police" in text.lower() for text in texts)
    assert armed == (path == "swatting")


async def test_the_evidence_stage_opens_with_the_warning_about_images_of_children(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    stages = happening_now(load_library(), "uk", "doxing")
    evidence = [stage for stage, _t, _i in stages].index("evidence")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")
        await answer(pilot, "doxing")
        for _ in range(evidence):
            await pilot.press("ctrl+right")
            await pilot.pause()
        screen = app.screen
        assert "Keep a record" in _text(screen.query_one("#now-stage"))
        first = _text(screen.query(".now-item").first())
        assert "don't save or share it" in first and "Never screenshot" in first


async def test_happening_now_ticks_steps_off_once_unlocked(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    first = happening_now(load_library(), "uk", "doxing")[0][2][0]
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await answer(pilot, "doxing")
        box = app.screen.query_one(f"#done-{first.id}", Checkbox)
        assert box.value is False
        box.value = True
        await pilot.pause()
        await pilot.press("escape")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "home again")
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert ProgressLog(vault).get(first.id).status == "done"


async def test_the_blank_screen_gives_nothing_away_on_f9(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: showing(pilot, "HiddenScreen"), "the blank screen")
        await pilot.press("f9")
        await wait_for(pilot, lambda: showing(pilot, "LockScreen"), "the lock screen")


async def test_do_this_first_then_mark_done_delegate_and_filter_by_time(
        make_app, closed_vault: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    library = load_library()
    expected_first = next_steps(library, {}, TODAY).first
    assert expected_first is not None
    async with app.run_test(size=SIZE) as pilot:
        await open_prepare(pilot)
        screen = app.screen
        steps = screen.query_one("#steps", OptionList)
        assert steps.highlighted_option is not None
        assert steps.highlighted_option.id == expected_first.item.id
        detail = _text(screen.query_one("#prepare-detail"))
        assert "Do this first" in detail and expected_first.item.title in detail
        assert expected_first.item.sources[0].url in detail
        await pilot.press("d")
        await pilot.pause()
        after = next_steps(library, {expected_first.item.id: _done(expected_first.item.id)},
                           TODAY).first
        assert after is not None
        assert screen.query_one("#steps", OptionList).get_option_at_index(1).id == \
            after.item.id
        assert "1 of" in _text(screen.query_one("#prepare-count"))
        # Delegating needs a name: the dialog says so and saves nothing until it has one.
        # (A step only the user can take is never offered: the first that can be handed on.)
        steps = screen.query_one("#steps", OptionList)
        handed = next(option.id for option in (steps.get_option_at_index(i)
                                               for i in range(steps.option_count))
                      if option.id and not library.items[option.id].only_you)
        steps.highlighted = steps.get_option_index(handed)
        await pilot.press("g")
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-who")), "the delegate dialog")
        await pilot.click("#ask-ok")
        await pilot.pause()
        assert "Please fill in" in _text(app.screen.query_one("#ask-problem"))
        who = app.screen.query_one("#ask-who", Input)
        who.value = "Sam"
        who.focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: showing(pilot, "PrepareScreen"), "back to the list")
        # Only steps that fit in five minutes are offered.
        screen.query_one("#minutes", Select).value = 5
        await pilot.pause()
        shown = [screen.query_one("#steps", OptionList).get_option_at_index(i).id
                 for i in range(screen.query_one("#steps", OptionList).option_count)]
        ids = [i for i in shown if i]
        assert ids and all(library.items[i].minutes <= 5 for i in ids)
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        progress = ProgressLog(vault).all()
        assert progress[expected_first.item.id].status == "done"
        assert progress[handed].status == "delegated"
        assert progress[handed].delegated_to == "Sam"


def _done(item_id: str) -> ItemProgress:
    return ItemProgress(item_id, status="done", done_on=TODAY)


async def test_safety_plan_saves_keeps_a_draft_and_exports_a_pdf(
        make_app, closed_vault: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()
    out = tmp_path / "plan.pdf"
    async with app.run_test(size=SIZE) as pilot:
        await open_prepare(pilot)
        screen = app.screen
        await show_tab(pilot, "prepare-tabs", "safety")
        screen.query_one("#safety-trusted_people", TextArea).text = "no colon here"
        status = screen.query_one("#safety-status")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Not saved" in _text(status), "the refusal")
        screen.query_one("#safety-trusted_people", TextArea).text = "Sam: 07700 900123"
        screen.query_one("#safety-household_plan", TextArea).text = "Meet at the corner shop"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: _text(status).startswith("Saved"), "saved")
        # Typed, not saved, then locked: the words come back after unlocking.
        screen.query_one("#safety-if_police_arrive", TextArea).text = "Hands visible"
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: showing(pilot, "HiddenScreen"), "the blank screen")
        await pilot.press("enter")
        await open_prepare(pilot)
        screen = app.screen
        assert screen.query_one("#safety-if_police_arrive", TextArea).text == "Hands visible"
        await show_tab(pilot, "prepare-tabs", "safety")
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen.export("pdf")
        await wait_for(pilot, lambda: bool(app.screen.query("#ask-path")), "the export dialog")
        assert "NOT encrypted" in _text(app.screen.query_one("Static"))
        app.screen.query_one("#ask-path", Input).value = str(out)
        await pilot.click("#ask-ok")
        await wait_for(pilot, lambda: out.exists(), "the exported PDF")
    assert out.read_bytes().startswith(b"%PDF")
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        plan = SafetyPlan(vault).get()
        assert plan.household_plan == "Meet at the corner shop"
        assert plan.if_police_arrive == "Hands visible"
        assert [(c.name, c.how) for c in plan.trusted_people] == [("Sam", "07700 900123")]


def _listed(screen) -> list[str]:  # type: ignore[no-untyped-def]
    steps = screen.query_one("#steps", OptionList)
    return [option.id for i in range(steps.option_count)
            if (option := steps.get_option_at_index(i)).id]


async def test_a_scotland_user_sees_the_scottish_land_register(
        make_app, closed_vault: Path, kit_env: Path) -> None:  # type: ignore[no-untyped-def]
    app: KitApp = make_app()  # the config says nothing: the whole UK
    async with app.run_test(size=SIZE) as pilot:
        await open_prepare(pilot)
        screen = app.screen
        listed = _listed(screen)
        assert {"records-land-registry", "records-land-register-scotland"} <= set(listed)
        steps = screen.query_one("#steps", OptionList)
        scottish = steps.get_option(
            "records-land-register-scotland").prompt  # labelled for a UK-wide user
        assert str(scottish).endswith("(Scotland) · " + str(
            load_library().items["records-land-register-scotland"].minutes) + " min")
        screen.query_one("#region", Select).value = "scotland"
        await wait_for(pilot, lambda: "records-land-registry" not in _listed(screen),
                       "the list for Scotland")
        listed = _listed(screen)
        assert "records-land-register-scotland" in listed
        assert "records-land-register-northern-ireland" not in listed
        assert "(Scotland)" not in str(steps.get_option(
            "records-land-register-scotland").prompt)
        assert app.services.config.region == "scotland"
        # Home's support lines follow the choice: Scotland's own, not England and Wales's.
        await pilot.press("f2")
        await wait_for(pilot, lambda: showing(pilot, "HomeScreen"), "Home")
        support = str(app.screen.query_one("#support-lines", Static).render())
        assert "Breathing Space" in support and "Oscar Kilo" not in support
    # Saved for next time, outside the vault: the walk-through reads it before unlocking.
    assert 'region = "scotland"' in (kit_env / "config.toml").read_text()


async def test_a_step_only_you_can_take_offers_no_delegation(
        make_app, closed_vault: Path, kit_env: Path) -> None:  # type: ignore[no-untyped-def]
    from kit.config import Config
    from tests.guidance.conftest import only_you_checklist

    folder = only_you_checklist(kit_env)
    app: KitApp = make_app(config=Config(checklist_folders=(folder,)))
    async with app.run_test(size=SIZE) as pilot:
        await open_prepare(pilot)
        screen = app.screen
        steps = screen.query_one("#steps", OptionList)
        steps.highlighted = steps.get_option_index("team-one")
        await pilot.pause()
        assert screen.query_one("#mark-delegated").disabled
        assert "Only you can take this step" in _text(screen.query_one("#prepare-detail"))
        await pilot.press("g")
        await pilot.pause()
        assert showing(pilot, "PrepareScreen") and not app.screen.query("#ask-who")
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        assert "team-one" not in ProgressLog(vault).all()
