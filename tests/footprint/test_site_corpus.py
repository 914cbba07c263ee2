"""The real site lists, read where they are (../shared/corpus/sites/: Sherlock's and Maigret's
data.json, WhatsMyName's wmn-data.json): each is imported, and every site ends up imported (asked),
skipped with a reason, or refused with a problem naming it, and what the issue named is so:
Discord imports, Evolution CMS is flagged, Maigret keeps its attribution and skips what the kit
cannot honour. Sherlock's and WhatsMyName's lists are read whole; Maigret's is read whole behind
--slow and as a sample (its engines and every 25th site, plus the ones named here) by default."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from kit.footprint.sites import PLACEHOLDER, SiteList, fill_body, load_file, parse

REPO = Path(__file__).resolve().parents[2]
SITES = REPO.parent / "shared" / "corpus" / "sites"
NAME = 'a"b\\c&d=e%f/ü'  # everything a body or an address must escape


def corpus_file(name: str) -> Path:
    path = SITES / name
    if not path.is_file():
        pytest.skip(f"the site-list corpus is not at {SITES} (CI has it)")
    return path


@dataclass(frozen=True)
class Tally:
    """Where every entry of a list went."""

    entries: int
    imported: tuple[str, ...]  # asked in a scan
    skipped: dict[str, str]  # site -> reason
    refused: dict[str, list[str]]  # site -> problems

    def reasons(self) -> Counter[str]:
        """Skip reasons, cut at their first bracket or colon, counted."""
        return Counter(re.split(r"[(:]", reason)[0].strip() for reason in self.skipped.values())


def tally(site_list: SiteList, entries: int) -> Tally:
    refused: dict[str, list[str]] = {}
    for problem in site_list.problems:
        refused.setdefault(problem.site, []).append(f"{problem.field}: {problem.message}")
    skipped = {s.name: s.skip or s.cannot_find for s in site_list.sites
               if s.skip or s.cannot_find}
    imported = tuple(s.name for s in site_list.sites if s.name not in skipped)
    return Tally(entries, imported, skipped, refused)


def check_accounting(result: Tally) -> None:
    """Every entry is in exactly one of the three (a duplicate name counts as refused)."""
    assert not set(result.imported) & set(result.skipped)
    assert not (set(result.imported) | set(result.skipped)) & set(result.refused)
    assert len(result.imported) + len(result.skipped) + len(result.refused) == result.entries


def check_bodies(site_list: SiteList) -> None:
    """Every body in the list carries a hostile name intact, in the format it declares."""
    for site in site_list.sites:
        if site.body is None:
            continue
        if PLACEHOLDER not in site.body:
            continue
        filled = fill_body(site.body, NAME, site.body_format).decode()
        if site.body_format == "form":
            values = [v for vs in parse_qs(filled).values() for v in vs]
            assert any(NAME in v for v in values), (site.name, filled)
            continue
        doc = json.loads(filled)
        strings: list[str] = []
        stack: list[Any] = [doc]
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                strings.append(value)
            elif isinstance(value, list | dict):
                stack.extend(value.values() if isinstance(value, dict) else value)
        quoted = json.dumps(NAME)  # as a string literal inside a query (GraphQL)
        assert any(NAME in s or quoted in s for s in strings), (site.name, filled)


# --- Sherlock ---


@pytest.fixture(scope="module")
def sherlock() -> tuple[SiteList, Tally]:
    path = corpus_file("sherlock-data.json")
    raw = json.loads(path.read_text())
    imported = load_file(path)
    return imported, tally(imported, sum(1 for k in raw if not k.startswith("$")))


def test_sherlock_every_site_is_imported_skipped_or_refused(
        sherlock: tuple[SiteList, Tally]) -> None:
    site_list, result = sherlock
    check_accounting(result)
    assert site_list.source_format == "sherlock" and site_list.licence == "MIT"
    assert len(result.imported) >= 450
    # only plain http and credential or framing headers are refused
    for site, problems in result.refused.items():
        assert all("plain http" in p or p.startswith("headers: a ") for p in problems), \
            (site, problems)


def test_sherlock_sites_named_only_in_the_probe_or_body_are_imported(
        sherlock: tuple[SiteList, Tally]) -> None:
    site_list, result = sherlock
    for name in ("Discord", "Diskusjon.no", "Kvinneguiden"):
        assert name in result.imported, result.refused.get(name)
    discord = site_list.get("Discord")
    assert discord is not None
    assert (discord.method, discord.body_format, PLACEHOLDER in discord.profile_url) == \
        ("POST", "json", False)
    check_bodies(site_list)


# --- WhatsMyName ---


@pytest.fixture(scope="module")
def wmn() -> tuple[SiteList, Tally]:
    path = corpus_file("wmn-data.json")
    raw = json.loads(path.read_text())
    imported = load_file(path)
    return imported, tally(imported, len(raw["sites"]))


def test_wmn_every_site_is_imported_skipped_or_refused(wmn: tuple[SiteList, Tally]) -> None:
    site_list, result = wmn
    check_accounting(result)
    assert "CC BY-SA 4.0" in site_list.attribution and site_list.authors
    assert len(result.imported) >= 650
    for site, problems in result.refused.items():
        assert all("plain http" in p or "header is not accepted" in p for p in problems), \
            (site, problems)


def test_wmn_evolution_cms_is_flagged_and_post_sites_import(wmn: tuple[SiteList, Tally]) -> None:
    site_list, result = wmn
    assert "can never find anyone" in result.skipped["Evolution CMS"]
    posts = [s for s in site_list.sites if s.method == "POST"]
    raw = json.loads(corpus_file("wmn-data.json").read_text())
    assert {s.name for s in posts} == {s["name"] for s in raw["sites"] if s.get("post_body")}
    assert {s.body_format for s in posts} == {"json", "form"}
    for name in ("Discord (User)", "twoplustwo", "AniList", "COLOURlovers"):
        assert name in result.imported, result.refused.get(name)
    check_bodies(site_list)


# --- Maigret ---

MAIGRET_NAMED = ("GitHub", "Discord", "LeetCode", "Holopin", "Ybox", "Snapchat", "Instagram")


def maigret_counts(raw: dict[str, Any]) -> tuple[Tally, SiteList]:
    imported = parse(json.dumps(raw).encode(), origin="maigret-data.json")
    return tally(imported, len(raw["sites"])), imported


def check_maigret(raw: dict[str, Any], result: Tally, site_list: SiteList) -> None:
    check_accounting(result)
    assert site_list.source_format == "maigret" and site_list.licence == "MIT"
    assert "soxoj/maigret" in site_list.attribution
    engines = raw["engines"]
    for name in result.imported:  # an asked site relies on nothing the kit cannot honour
        entry = raw["sites"][name]
        merged = {**engines.get(entry.get("engine"), {}).get("site", {}), **entry}
        for field in ("presenseStrs", "presenceStrs", "errors", "activation", "similarSearch"):
            assert not merged.get(field), (name, field)
        assert merged.get("disabled") is not True and merged.get("type") in (None, "username")
    for name, entry in raw["sites"].items():
        if entry.get("disabled") is True and name in result.skipped:
            assert "disabled" in result.skipped[name]
    assert "GitHub" in result.imported
    assert "error pages" in result.skipped["Discord"]  # its list names Discord's error texts
    check_bodies(site_list)


def test_maigret_sample_is_imported_skipped_or_refused() -> None:
    raw = json.loads(corpus_file("maigret-data.json").read_text())
    names = list(raw["sites"])
    keep = set(names[::25]) | set(MAIGRET_NAMED)
    sample = {**raw, "sites": {k: v for k, v in raw["sites"].items() if k in keep}}
    result, site_list = maigret_counts(sample)
    check_maigret(sample, result, site_list)
    assert len(result.imported) >= 20 and len(result.skipped) >= 40


@pytest.mark.slow
def test_maigret_whole_list_and_every_list_round_trips(slow: bool) -> None:
    if not slow:
        pytest.skip("the whole Maigret list runs with --slow")
    raw = json.loads(corpus_file("maigret-data.json").read_text())
    result, site_list = maigret_counts(raw)
    print(f"\nMaigret: {result.entries} entries, {len(result.imported)} imported, "
          f"{len(result.skipped)} skipped, {len(result.refused)} refused; "
          f"skipped for {dict(result.reasons())}")
    check_maigret(raw, result, site_list)
    assert len(result.imported) >= 800
    reasons = result.reasons()
    assert reasons["marked as not working in Maigret's list"] >= 400
    for name in ("sherlock-data.json", "wmn-data.json"):
        other = load_file(corpus_file(name))
        assert parse(json.dumps(other.to_json()).encode(), origin="x").sites == other.sites
    assert parse(json.dumps(site_list.to_json()).encode(), origin="x").sites == site_list.sites
