"""The official removal routes: the shipped file loads and passes the content lint; a bad file
or a date without its record fails; `kit removal routes` lists them, with --kind and --json."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kit.errors import BadInput
from kit.guidance.checklists import Problem
from kit.guidance.content_review import lint_routes, read_record, record_path
from kit.removals.advice import ICO_COMPLAINTS, next_step
from kit.removals.requests import TARGETS, Removal
from kit.removals.routes import KINDS, ico_complaint, parse_routes, routes, routes_for
from tests.conftest import KitRun

TODAY = date(2026, 12, 7)
HEAD = 'format = "frontline-kit-removal-routes"\nversion = 1\n'
GOOD = HEAD + '''
[[routes]]
id = "checked"
name = "A search engine: remove results"
target_kind = "search-engine"
url = "https://search.example/remove"
what = "Ask it to stop showing your address."
source_url = "https://search.example/remove"
last_verified = 2026-11-30

[[routes]]
id = "unchecked"
name = "The regulator: complain"
target_kind = "regulator"
url = "https://regulator.example/complain"
what = "Complain after a refusal."
source_url = "https://regulator.example/about"
'''
RECORD = '''format = "frontline-kit-content-review"
version = 1

[[routes]]
id = "checked"
compared_on = 2026-11-30
changed = "nothing"

[[routes.read]]
url = "https://search.example/remove"
copy = "a stored copy"
copy_date = 2026-11-30
says = "It removes addresses from results."

[[routes]]
id = "unchecked"
not_checked = "Not yet checked against its source: no copy found."
'''


def _lint(routes_text: str, record_text: str = RECORD, tmp: Path | None = None
          ) -> list[Problem]:
    assert tmp is not None
    record = tmp / "removal-routes.toml"
    record.write_text(record_text, encoding="utf-8")
    entries, problems = read_record(record, "routes")
    assert problems == []
    return lint_routes(parse_routes(routes_text), entries, "record", TODAY)


def test_the_good_fixture_loads_and_passes(tmp_path: Path) -> None:
    checked, unchecked = parse_routes(GOOD)
    assert checked.checked == "Checked against its source on 30 Nov 2026"
    assert unchecked.checked == "Not yet checked against its source"
    assert unchecked.to_json()["last_verified"] is None
    assert _lint(GOOD, tmp=tmp_path) == []


@pytest.mark.parametrize(("routes_text", "record_text", "problem", "words"), [
    # A date with no comparison behind it.
    (GOOD.replace('source_url = "https://regulator.example/about"\n',
                  'source_url = "https://regulator.example/about"\nlast_verified = 2026-11-30\n'),
     RECORD, ("unchecked", "last_verified"), "but no check record"),
    # The record's date differs from the route's.
    (GOOD, RECORD.replace("compared_on = 2026-11-30", "compared_on = 2026-12-01"),
     ("checked", "last_verified"), "the two must be the same day"),
    # The page read is not the route's source.
    (GOOD, RECORD.replace('url = "https://search.example/remove"',
                          'url = "https://elsewhere.example/"'),
     ("checked", "read[1].url"), "is not the route's source_url"),
    # A route with no entry, and an entry with no route.
    (GOOD.replace('id = "unchecked"', 'id = "new"'), RECORD, ("new", "id"),
     "has no [[routes]] entry"),
    # Command syntax in what the user reads.
    (GOOD.replace("Complain after a refusal.", "Run kit removal letter first."), RECORD,
     ("unchecked", "what"), "has command syntax"),
])
def test_a_bad_route_or_record_fails_the_lint(tmp_path: Path, routes_text: str,
                                              record_text: str, problem: tuple[str, str],
                                              words: str) -> None:
    found = [p for p in _lint(routes_text, record_text, tmp_path)
             if (p.item, p.field) == problem]
    assert found and words in found[0].message, _lint(routes_text, record_text, tmp_path)


@pytest.mark.parametrize(("change", "words"), [
    (('source_url = "https://search.example/remove"\n', ""), "'source_url' must be"),
    (('url = "https://search.example/remove"', 'url = "http://search.example/remove"'),
     "https://"),
    (('target_kind = "search-engine"', 'target_kind = "forum"'), "'target_kind' must be"),
    (("last_verified = 2026-11-30", 'last_verified = "2026-11-30"'), "must be a date"),
    (('id = "unchecked"', 'id = "checked"'), "same id"),
    (('what = "Ask', 'colour = "red"\nwhat = "Ask'), "unknown field"),
    (('version = 1', 'version = 2'), "not a version 1"),
])
def test_a_bad_routes_file_is_refused(change: tuple[str, str], words: str) -> None:
    with pytest.raises(BadInput, match=words):
        parse_routes(GOOD.replace(*change, 1))


def test_the_shipped_routes_pass_the_lint_and_cover_each_kind_they_name() -> None:
    entries, problems = read_record(record_path(), "routes")
    assert problems == []
    assert lint_routes(routes(), entries, str(record_path())) == []
    assert {r.id for r in routes()} == set(entries)
    assert set(KINDS) == {c.value for c in TARGETS} | {"regulator"}
    assert routes_for("search-engine") and routes_for("platform")
    # Only a recorded comparison gives a date; one route is honestly not yet checked.
    assert any(r.last_verified is None for r in routes())


def test_the_ico_address_lives_once_in_the_data_and_the_next_step_names_it() -> None:
    assert ico_complaint().url == ICO_COMPLAINTS
    assert ico_complaint().target_kind == "regulator"
    refused = Removal("r1", "people.example", "people-search", "erasure", "email", "refused",
                      sent_on=date(2026, 10, 1))
    assert ICO_COMPLAINTS in next_step(refused, TODAY)


def test_routes_for_an_unknown_kind_is_refused() -> None:
    with pytest.raises(BadInput):
        routes_for("forum")


def test_kit_removal_routes_lists_them_without_a_vault(kit_in_process: KitRun) -> None:
    listed = kit_in_process("removal", "routes", "--kind", "search-engine", "--json",
                            passphrase=None)
    assert listed.code == 0, listed.err
    doc = listed.json()
    assert doc["kind"] == "search-engine"
    shipped = [r.to_json() for r in routes_for("search-engine")]
    assert doc["routes"] == shipped and shipped
    assert all(r["source_url"].startswith("https://") for r in doc["routes"])
    human = kit_in_process("removal", "routes", passphrase=None)
    assert human.code == 0
    for route in routes():
        assert route.name in human.out and route.url in human.out
    assert human.out.count("Not yet checked against its source.") == sum(
        r.last_verified is None for r in routes())
