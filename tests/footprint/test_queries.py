"""Self-search queries: built offline from your details, each saying what it looks for, as
links the kit never fetches; `--open N` hands one to the browser ($BROWSER here, a script that
writes what it was given to a file) and nothing else ever does."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kit.errors import UsageError
from kit.footprint.queries import build_queries, phone_forms
from kit.records.search_details import SearchDetails, SearchDetailsStore, check_details
from kit.vault import Vault
from tests.conftest import run_kit

DETAILS = SearchDetails(names=("Jane Smith",), usernames=("@janes_safe",),
                        emails=("jane@example.org",), phones=("07700 900123",),
                        towns=("Leeds",))


def q_param(url: str) -> str:
    return parse_qs(urlsplit(url).query)["q"][0]


def test_queries_cover_every_detail_on_three_engines() -> None:
    queries = build_queries(check_details(DETAILS))
    assert [q.number for q in queries] == list(range(1, len(queries) + 1))
    by_text: dict[str, set[str]] = {}
    for q in queries:
        by_text.setdefault(q.text, set()).add(q.engine.id)
        assert q.looks_for and q.fix_item
        assert q_param(q.url) == q.text  # the link carries exactly the query shown
        assert urlsplit(q.url).scheme == "https"
    web = {"google", "bing", "duckduckgo"}
    assert by_text['"Jane Smith" "Leeds"'] == web
    assert by_text['"janes_safe"'] == web  # the @ is dropped
    assert by_text['"jane@example.org"'] == web
    assert by_text['"07700 900123" OR "07700900123" OR "+44 7700900123" OR "+447700900123"'] \
        == web
    assert '"Jane Smith" site:192.com' in by_text
    assert by_text['"Jane Smith"'] == web | {"google-images", "bing-images"}
    first = queries[0]
    assert first.text == '"Jane Smith" "Leeds"'  # the most revealing search comes first
    assert "Leeds" in first.looks_for
    people = next(q for q in queries if q.text.endswith("site:192.com"))
    assert people.fix_item == "search-people-finder-sites" and "192.com" in people.looks_for


def test_phone_numbers_are_searched_in_their_usual_forms() -> None:
    assert phone_forms("+44 7700 900123") == ("+44 7700 900123", "447700900123",
                                              "07700900123", "+44 7700900123")
    assert phone_forms("0113 496 0000") == ("0113 496 0000", "01134960000", "+44 1134960000",
                                            "+441134960000")
    assert phone_forms("555-0100 123") == ("555-0100 123", "5550100123")


@pytest.mark.parametrize(("details", "message"), [
    (SearchDetails(emails=("not-an-email",)), "not an email"),
    (SearchDetails(phones=("call me",)), "not a phone"),
    (SearchDetails(phones=("12",)), "not a phone"),
    (SearchDetails(usernames=("two words",)), "contains a space"),
    (SearchDetails(names=('Jane "JJ" Smith',)), "double quote"),
    (SearchDetails(names=("x" * 201,)), "too long"),
    (SearchDetails(names=("a\x1bb",)), "control characters"),
    (SearchDetails(towns=tuple(f"T{i}" for i in range(21))), "too many"),
])
def test_bad_details_are_refused(details: SearchDetails, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        check_details(details)


def test_details_are_tidied_and_saved_encrypted(vault: Vault) -> None:
    checked = check_details(SearchDetails(names=("  Jane   Smith ", "jane smith", "J Smith")))
    assert checked.names == ("Jane Smith", "J Smith")  # repeats (any case) dropped
    store = SearchDetailsStore(vault)
    assert store.get().is_empty
    saved = store.save(DETAILS)
    assert SearchDetailsStore(vault).get() == saved
    assert saved.usernames == ("janes_safe",)


# --- the command line ---


@pytest.fixture
def browser(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """$BROWSER pointing at a script that appends each address it is given to a file, with
    the passphrase it inherited (there should be none)."""
    opened = tmp_path / "opened.txt"
    script = tmp_path / "fake-browser"
    script.write_text(f'#!/bin/sh\nprintf "%s %s\\n" "$1" "${{KIT_PASSPHRASE:-none}}" '
                      f'>> "{opened}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return {"BROWSER": str(script), "DISPLAY": "", "WAYLAND_DISPLAY": ""}, opened


def test_queries_need_no_vault_and_open_nothing_unless_asked(
        browser: tuple[dict[str, str], Path]) -> None:
    env, opened = browser
    args = ("search-queries", "--name", "Jane Smith", "--town", "Leeds", "--phone",
            "07700 900123")
    human = run_kit(*args, env=env, passphrase=None)
    assert human.code == 0, human.err
    assert "the kit sends nothing" in human.out
    assert "Looks for: pages that link your name to Leeds" in human.out
    assert "  1. Google" in human.out
    doc = json.loads(run_kit(*args, "--json", env=env, passphrase=None).out)
    assert doc["queries"][0]["query"] == '"Jane Smith" "Leeds"'
    assert all(q["looks_for"] and q["url"].startswith("https://") for q in doc["queries"])
    assert not opened.exists()  # listing never starts a browser

    result = run_kit(*args, "--open", "2", "--json", env=env, passphrase=None)
    assert result.code == 0, result.err
    assert opened.read_text().splitlines() == [doc["queries"][1]["url"] + " none"]
    assert json.loads(result.out)["opened"]["number"] == 2
    assert "Your browser sends it, not the kit" in result.err


def test_open_refuses_a_number_out_of_range_and_needs_details(
        browser: tuple[dict[str, str], Path]) -> None:
    env, opened = browser
    out_of_range = run_kit("search-queries", "--name", "Jane Smith", "--open", "999",
                           env=env, passphrase=None)
    assert out_of_range.code == 2 and "from 1 to" in out_of_range.err
    zero = run_kit("search-queries", "--name", "Jane Smith", "--open", "0", env=env,
                   passphrase=None)
    assert zero.code == 2
    nothing = run_kit("search-queries", "--json", env=env, passphrase=None)
    assert nothing.code == 2
    assert "--name" in json.loads(nothing.out)["error"]["message"]
    town_only = run_kit("search-queries", "--town", "Leeds", env=env, passphrase=None)
    assert town_only.code == 2 and "give --name" in town_only.err
    bad_email = run_kit("search-queries", "--email", "nope", env=env, passphrase=None)
    assert bad_email.code == 2 and "not an email" in bad_email.err
    assert not opened.exists()


def test_saved_details_are_used_when_none_are_given(
        cli_vault: Path, browser: tuple[dict[str, str], Path]) -> None:
    env, opened = browser
    none_yet = run_kit("search-queries", env=env)
    assert none_yet.code == 2 and "no search details are saved" in none_yet.err
    saved = run_kit("search-queries", "--name", "Jane Smith", "--username", "janes_safe",
                    "--save", env=env)
    assert saved.code == 0, saved.err
    assert "saved in the vault" in saved.err
    again = run_kit("search-queries", "--json", env=env)
    assert again.code == 0, again.err
    texts = {q["query"] for q in json.loads(again.out)["queries"]}
    assert {'"Jane Smith"', '"janes_safe"'} <= texts
    # The details are encrypted: nothing in the vault folder holds them in plain form.
    for path in cli_vault.rglob("*"):
        if path.is_file():
            assert b"janes_safe" not in path.read_bytes()
    assert not opened.exists()
    # Opening one after unlocking: the browser does not inherit the passphrase.
    first = json.loads(again.out)["queries"][0]["url"]
    assert run_kit("search-queries", "--open", "1", env=env).code == 0
    assert opened.read_text().splitlines() == [f"{first} none"]
    assert os.environ.get("BROWSER") is None  # the test's own environment is untouched


def test_open_is_refused_offline_and_the_browser_never_starts(
        cli_vault: Path, browser: tuple[dict[str, str], Path]) -> None:
    env, opened = browser
    offline = {**env, "KIT_OFFLINE": "1"}
    human = run_kit("search-queries", "--name", "Jane Smith", "--open", "1", env=offline,
                    passphrase=None)
    assert human.code == 6
    assert "offline (KIT_OFFLINE=1); the web browser was not opened and nothing was sent" \
        in human.err
    assert "Jane" not in human.err  # not even the search is echoed
    as_json = run_kit("search-queries", "--name", "Jane Smith", "--open", "1", "--json",
                      env=offline, passphrase=None)
    assert as_json.code == 6
    assert json.loads(as_json.out)["error"]["exit"] == 6
    # Saved details, opened from the vault, are held to the same rule.
    assert run_kit("search-queries", "--name", "Jane Smith", "--save", env=env).code == 0
    before = sorted((p.name, p.stat().st_size) for p in cli_vault.rglob("*") if p.is_file())
    saved = run_kit("search-queries", "--open", "1", env=offline)
    assert saved.code == 6 and "the web browser was not opened" in saved.err
    assert not opened.exists()
    after = sorted((p.name, p.stat().st_size) for p in cli_vault.rglob("*") if p.is_file())
    assert after == before


def test_only_the_browser_module_hands_links_to_a_browser() -> None:
    """The offline rule for the browser holds because there is one door to it."""
    kit_dir = Path(__file__).resolve().parents[2] / "kit"
    openers = re.compile(r"\bwebbrowser\b|\bopen_url\(|os\.startfile|xdg-open")
    users = sorted(str(p.relative_to(kit_dir)) for p in kit_dir.rglob("*.py")
                   if openers.search(p.read_text(encoding="utf-8")))
    assert users == ["footprint/browser.py"]
