"""Site lists: the shipped one, the kit's own format, Sherlock and WhatsMyName imports recognised
from content, every check on untrusted data (each problem naming site and field), safe username
patterns, and the user's list kept in the vault."""

from __future__ import annotations

import contextlib
import json
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kit.footprint import sites as site_data
from kit.footprint.sites import (
    NEVER_CHECKED,
    SiteList,
    SiteListError,
    diff,
    fill_body,
    fill_url,
    load_file,
    parse,
    pattern_problem,
    shipped,
)
from kit.footprint.transport import Transport
from kit.footprint.usernames import ScanSettings, plan_scan, scan
from kit.vault import Vault
from tests.footprint.fake_sites import SHERLOCK, WMN


def name_is_sent(site: Any) -> bool:
    """The name reaches the site: in the address asked or the body sent."""
    return "{username}" in site.probe_url or "{username}" in (site.body or "")


def kit_doc(*sites: dict[str, Any], **meta: Any) -> dict[str, Any]:
    return {"format": 1, "name": "mine", "version": "1", "date": "2026-11-23", **meta,
            "sites": list(sites)}


def one(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"name": "Site", "profile": "https://a.example/{username}",
                              "detect": "status_code"}
    values.update(fields)
    return values


def read(doc: Any) -> SiteList:
    return parse(json.dumps(doc).encode(), origin="test.json")


def problems(doc: Any) -> list[str]:
    try:
        return [str(p) for p in read(doc).problems]
    except SiteListError as exc:
        return [str(p) for p in exc.problems] or [exc.message]


# --- the shipped list ---


def test_the_shipped_list_is_valid_versioned_and_honest() -> None:
    from kit.guidance.checklists import load_library

    kit_list = shipped()
    assert kit_list.problems == ()
    assert kit_list.version and kit_list.date and kit_list.attribution
    assert "Sherlock" in kit_list.attribution and "MIT" in kit_list.attribution
    probed = [s for s in kit_list.sites if not s.skip]
    assert 25 <= len(probed) <= 40
    assert all(s.last_checked == NEVER_CHECKED for s in kit_list.sites)
    names = {s.name for s in kit_list.sites}
    for wanted in ("Instagram", "TikTok", "X (Twitter)", "Reddit", "Twitch", "Steam",
                   "Discord", "Roblox", "Telegram", "YouTube", "Snapchat", "GitHub",
                   "Pinterest", "Tumblr", "Kick", "Xbox", "PlayStation"):
        assert wanted in names
    assert "invite-only" in kit_list.get("Discord").skip  # type: ignore[union-attr]
    library = load_library()
    assert {s.fix_item for s in kit_list.sites} <= set(library.items)
    # the kit sends a name only to the site itself, never to a third-party mirror as
    # Sherlock does for some (imginn for Instagram, nitter for X)
    mirrors = ("imginn", "nitter", "picuki", "xboxgamertag", "psnprofiles", "namemc")
    assert not [s.name for s in probed if any(m in s.probe_url for m in mirrors)]
    assert {s.category for s in kit_list.sites} >= {"social", "gaming", "messaging",
                                                     "streaming"}


def test_a_list_round_trips_through_its_json_form() -> None:
    kit_list = shipped()
    again = read(kit_list.to_json())
    assert again.sites == kit_list.sites
    assert again.digest == kit_list.digest
    assert (again.name, again.version, again.attribution) == \
        (kit_list.name, kit_list.version, kit_list.attribution)


def test_the_kit_format_reads_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('format = 1\nname = "Mine"\nversion = "3"\ndate = 2026-01-02\n\n'
                    '[[site]]\nname = "One"\nprofile = "https://one.example/@{username}"\n'
                    'detect = "message"\nmissing_text = ["gone"]\n')
    mine = load_file(path)
    assert (mine.name, mine.version, mine.date, mine.source_format) == \
        ("Mine", "3", "2026-01-02", "kit")
    assert mine.sites[0].detect == ("message",)
    assert mine.sites[0].last_checked == NEVER_CHECKED


# --- imports recognised from the content ---


def test_sherlock_data_json_is_recognised_and_attributed(tmp_path: Path) -> None:
    path = tmp_path / "anything.txt"  # the name does not matter; the content does
    path.write_text(json.dumps(SHERLOCK))
    imported = load_file(path)
    assert imported.source_format == "sherlock"
    assert imported.licence == "MIT"
    assert "sherlock-project/sherlock" in imported.attribution
    github = imported.get("GitHub")
    assert github is not None
    assert github.method == "HEAD"  # status code alone: Sherlock asks with HEAD
    assert github.profile_url == "https://www.github.com/{username}"
    assert github.pattern and github.claimed == "blue"
    reddit = imported.get("Reddit")
    assert reddit is not None and reddit.method == "GET"
    assert reddit.missing_text == ("Sorry, nobody on Reddit goes by that name.",)
    holopin = imported.get("Holopin")
    assert holopin is not None and holopin.method == "POST"
    assert holopin.body == '{"username": "{username}"}'
    assert ("Content-Type", "application/json") in holopin.headers  # as requests' json= sends
    assert fill_body(holopin.body, 'a"b') == b'{"username": "a\\"b"}'
    found = {str(p) for p in imported.problems}
    assert any(p.startswith("CookieSite: headers: a Cookie header is not accepted")
               for p in found), found
    assert any(p.startswith("PlainHttp: url: the address is plain http") for p in found), found
    assert {s.name for s in imported.sites} == {"GitHub", "Reddit", "Discord", "Holopin"}
    # Discord has no page per name: the name goes only in the body sent to its API
    discord = imported.get("Discord")
    assert discord is not None
    assert (discord.method, discord.profile_url, discord.body_format) == \
        ("POST", "https://discord.com", "json")
    assert discord.probe_url.endswith("/username-attempt-unauthed")
    assert discord.body == '{"username": "{username}"}'


def test_whatsmyname_json_is_recognised_and_keeps_its_licence_and_authors() -> None:
    imported = read(WMN)
    assert imported.source_format == "whatsmyname"
    assert "Creative Commons Attribution-ShareAlike" in imported.licence
    assert imported.authors == ("WebBreacher", "Munchko")
    assert "CC BY-SA 4.0" in imported.attribution
    cups = imported.get("7cup")
    assert cups is not None
    assert cups.detect == ("markers",)
    assert (cups.found_code, cups.found_text, cups.missing_codes) == \
        (200, "Profile - 7 Cups", (404,))
    assert cups.method == "GET" and cups.body is None  # an empty post_body is no body
    assert cups.profile_url == cups.probe_url == "https://www.7cups.com/@{username}"
    bandlab = imported.get("Bandlab")
    assert bandlab is not None
    assert bandlab.profile_url == "https://www.bandlab.com/{username}"
    assert bandlab.probe_url.startswith("https://www.bandlab.com/api/")
    assert bandlab.strip_chars == "."
    broken = imported.get("Broken")
    assert broken is not None and "valid: false" in broken.skip


def test_wmn_problems_use_wmn_field_names() -> None:
    doc = {**WMN, "sites": [{"name": "Bad", "uri_check": "https://bad.example/{account}",
                             "e_code": 200, "e_string": "x", "m_code": "404", "m_string": "y",
                             "cat": "misc", "known": []}]}
    assert problems(doc)[0].startswith("Bad: m_code: must be HTTP statuses")


# --- untrusted data: each problem names the site and the field ---


@pytest.mark.parametrize(("fields", "expected"), [
    ({"profile": "https://a.example/user"}, "Site: profile: must contain the username"),
    ({"profile": "ftp://a.example/{username}"}, "Site: profile: the address uses ftp scheme"),
    ({"profile": "http://a.example/{username}"}, "Site: profile: the address is plain http"),
    ({"profile": "https://user:pw@a.example/{username}"}, "carries a user name or password"),
    ({"profile": "https://a.example/{username}/{id}"}, "a placeholder other than"),
    ({"probe": "https://a.example/api"}, "Site: probe: the username placeholder"),
    ({"headers": {"Authorization": "Bearer x"}}, "Site: headers: a Authorization header"),
    ({"headers": {"X-Api-Token": "x"}}, "Site: headers: a X-Api-Token header"),
    ({"headers": {"Host": "other.example"}}, "Site: headers: a Host header"),
    ({"headers": {"Accept": "a\r\nCookie: x"}}, "Site: headers: the Accept value must be one"),
    ({"headers": {"Accept": "\x1b[2J"}}, "Site: headers: the Accept value must be one"),
    ({"detect": "message", "missing_text": ["\x1b]0;owned\x07"]},
     "Site: missing_text: must not contain control characters"),
    ({"pattern": "^a\x1b$"}, "Site: pattern: must not contain control characters"),
    ({"headers": {f"X-{n}": "v" for n in range(11)}}, "Site: headers: must be a table of at most"),
    ({"pattern": "(a+)+$"}, "Site: pattern: repeats a group"),
    ({"pattern": "a" * 201}, "Site: pattern: is longer than 200 characters"),
    ({"pattern": "([a-z"}, "Site: pattern: is not a valid regular expression"),
    ({"detect": "magic"}, "Site: detect: must be one or more of"),
    ({"detect": ["markers", "message"]}, "cannot be combined"),
    ({"detect": "message"}, "Site: missing_text: message detection needs"),
    ({"detect": "message", "missing_text": [""]}, "non-empty"),
    ({"detect": "message", "missing_text": ["x" * 501]}, "Site: missing_text: must be at most"),
    ({"detect": "markers", "missing_status": [404]}, "Site: found_status: markers detection"),
    ({"missing_status": [200, 1000]}, "Site: missing_status: must be HTTP statuses"),
    ({"method": "PUT"}, "Site: method: 'PUT' is not one of GET, HEAD, POST"),
    ({"method": "POST"}, "Site: method: POST needs a body"),
    ({"body": "{username}"}, "Site: body: a request body needs method POST"),
    ({"method": "POST", "body": '{"id": {username}}',
      "headers": {"Content-Type": "application/json"}}, "Site: body: is declared JSON but is not"),
    ({"method": "POST", "body": '{"{username}": 1}'}, "Site: body: the username placeholder "
                                                      "{username} may not be a JSON key"),
    ({"method": "POST", "body": "{username}", "headers": {"Content-Type": "text/plain"}},
     "Site: body: its Content-Type is neither JSON nor a form"),
    ({"method": "POST", "body": "n=\x1b[2J{username}"}, "Site: body: must be text"),
    ({"fix_item": "Not An Id!"}, "Site: fix_item: must be a checklist item id"),
    ({"name": "x" * 81}, "must be text of 1 to 80 characters"),
    ({"name": "two\nlines"}, "must be text of 1 to 80 characters on one line"),
])
def test_each_problem_names_site_and_field(fields: dict[str, Any], expected: str) -> None:
    found = problems(kit_doc(one(**fields), one(name="Fine")))
    assert any(expected in p for p in found), found


def test_a_site_with_a_problem_is_left_out_and_the_rest_kept() -> None:
    kept = read(kit_doc(one(name="Bad", headers={"Cookie": "x"}), one(name="Good")))
    assert [s.name for s in kept.sites] == ["Good"]
    assert [p.site for p in kept.problems] == ["Bad"]
    assert kept.problems[0].to_json()["field"] == "headers"


def test_duplicate_names_keep_the_first() -> None:
    kept = read(kit_doc(one(name="Same"), one(name="same", category="gaming")))
    assert [s.category for s in kept.sites] == ["other"]
    assert "another site has the same name" in str(kept.problems[0])


def test_loopback_http_is_allowed_for_tests() -> None:
    kept = read(kit_doc(one(profile="http://127.0.0.5:8080/{username}")))
    assert kept.sites[0].profile_url.startswith("http://127.0.0.5")


# --- files that cannot be used at all ---


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
    (b'{"sites": [', "is not valid JSON"),
    (b"format = = 1", "neither JSON nor valid TOML"),
    (b"a = " + b"9" * 5000, "holds a number too large"),
    (b'{"hello": "world"}', "is not a site list the kit knows"),
    (b'format = 2\n[[site]]\nname = "x"', "is site format 2; this kit reads format 1"),
    (b'format = 1.0\n[[site]]\nname = "x"', "is site format 1.0; this kit reads format 1"),
    (b'{"format": true, "sites": []}', "is site format True; this kit reads format 1"),
    (b'{"format": 1, "sites": "none"}', "has no list of sites"),
    (b'{"format": 1, "sites": [{"name": "x"}]}', "has no usable sites"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "nested too deeply", id="deep"),
])
def test_unusable_files_are_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "sites.json"
    path.write_bytes(content)
    with pytest.raises(SiteListError) as caught:
        load_file(path)
    assert message in caught.value.message
    assert caught.value.exit_code == 1


def test_missing_files_folders_and_huge_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SiteListError, match="does not exist"):
        load_file(tmp_path / "nope.json")
    with pytest.raises(SiteListError, match="is a folder"):
        load_file(tmp_path)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (site_data.MAX_FILE_BYTES + 1))
    with pytest.raises(SiteListError, match=r"larger than any site list can be \(at most 4 MiB\)"):
        load_file(big)


def test_too_many_sites_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_data, "MAX_SITES", 3)
    with pytest.raises(SiteListError, match="lists 4 sites; at most 3"):
        read(kit_doc(*(one(name=f"S{n}") for n in range(4))))
    with pytest.raises(SiteListError, match="lists 7 sites; at most 3"):
        read(SHERLOCK | {"More": SHERLOCK["GitHub"]})


def clear_error_or_usable(reading: Callable[[], SiteList]) -> None:
    """A list whose every site is sent the name, or a SiteListError whose message has no
    control characters but line breaks."""
    try:
        listed = reading()
    except SiteListError as exc:
        message = str(exc)
        assert message and not any(unicodedata.category(ch) == "Cc" and ch != "\n"
                                   for ch in message), message
    else:
        assert all(name_is_sent(site) for site in listed.sites)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_site_list_or_a_clear_error(raw: bytes) -> None:
    clear_error_or_usable(lambda: parse(raw, origin="fuzz"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["name", "url", "errorType", "profile", "detect",
                                       "uri_check", "e_code", "sites", "format", "headers",
                                       "regexCheck", "pattern", "errorMsg", "checkType",
                                       "engine", "engines", "site", "urlMain", "tags",
                                       "requestPayload", "absenceStrs"]), children,
                      max_size=5),
    max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(json_values)
@example({"format": "\x1f", "sites": None})  # found: the format's value was echoed raw
def test_any_json_shape_gives_a_site_list_or_a_clear_error(doc: Any) -> None:
    clear_error_or_usable(lambda: read(doc))


maigret_texts = st.sampled_from([
    "https://a.example/{username}", "{urlMain}{urlSubpath}/u/{username}", "{{ q(\"{username}\") }}",
    "{username}", "{{username}}", "{other}", "}{", "https://a.example", "message", "status_code",
    "response_url", "POST", "GET", "tor", "steam_id", "\x1b[2J", ""]) | st.text(max_size=12)
maigret_values = st.recursive(
    st.none() | st.booleans() | st.integers() | maigret_texts,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(maigret_texts, children, max_size=3), max_leaves=4)
maigret_sites = st.dictionaries(st.sampled_from(sorted(
    site_data.MAIGRET_READ | site_data.MAIGRET_INERT | {"getParams"})), maigret_values,
    max_size=6).map(lambda d: {"checkType": "message", **d})


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(maigret_texts, maigret_sites, min_size=1, max_size=3),
       st.dictionaries(st.sampled_from(["E", "F"]), st.fixed_dictionaries({"site": maigret_sites}),
                       max_size=2))
def test_any_maigret_shape_gives_a_site_list_or_a_clear_error(sites: dict[str, Any],
                                                              engines: dict[str, Any]) -> None:
    with contextlib.suppress(SiteListError):
        for site in read({"sites": sites, "engines": engines}).sites:
            assert name_is_sent(site)

# --- username patterns ---


@pytest.mark.parametrize("pattern", [
    "^[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,38}$",  # GitHub, in Sherlock's data
    "^[a-zA-Z0-9_]{3,32}[^_]$", "^((?!\\.).)*$", "^[^.]*?$", "(?i)^[a-z]+$",
    "^[\\w@-]+?$", "^(?!.*__)[a-z0-9_]{2,30}$"])
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert pattern_problem(pattern) == ""


@pytest.mark.parametrize(("pattern", "why"), [
    ("(a+)+$", "repeats a group that has a repetition"),
    ("(\\w+\\s?)+$", "repeats a group that has a repetition"),
    ("(a?a?)+$", "repeats a group that has a repetition or an optional part"),
    ("(a|a)*$", "can match the same character"),
    ("([a-z]|[0-9a-f])+$", "can match the same character"),
    ("(a|aa)*$", "longer than one character"),
    ("((a|ab)(c|bcd))*", "nested alternatives"),
    (".*.*.*.*x", "repeats more than 3 times"),
    ("(.)\\1", "back-reference"),
    ("(?P<x>a)(?P=x)", "back-reference"),
    ("(a)(?(1)a|b)", "conditional"),
])
def test_patterns_that_could_run_for_ever_are_refused(pattern: str, why: str) -> None:
    assert why in pattern_problem(pattern)


def test_accepted_patterns_match_adversarial_names_quickly() -> None:
    import re

    for pattern in ("^[a-zA-Z0-9](?:[a-zA-Z0-9]|-(?=[a-zA-Z0-9])){0,38}$", "^((?!\\.).)*$",
                    "^[a-z]*[a-z0-9]*[0-9]*$"):
        assert pattern_problem(pattern) == ""
        started = time.monotonic()
        for name in ("a" * 64, "a-" * 32, "a" * 63 + "!", "-" * 64):
            re.search(pattern, name)
        assert time.monotonic() - started < 0.5


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab()[]|*+?{},.^$\\-:=!<>P1", max_size=30))
def test_pattern_check_never_raises(pattern: str) -> None:
    assert isinstance(pattern_problem(pattern), str)


# --- filling in a name ---


def test_names_in_a_host_must_be_dns_labels() -> None:
    assert fill_url("https://{username}.tumblr.com/", "Goku") == "https://goku.tumblr.com/"
    with pytest.raises(ValueError):
        fill_url("https://{username}.tumblr.com/", "a.b")
    assert fill_url("https://a.example/{username}", "a b/c") == "https://a.example/a%20b%2Fc"


def test_form_bodies_are_form_encoded() -> None:
    assert fill_body("user={username}&x=1", "a&b=c") == b"user=a%26b%3Dc&x=1"


# --- diff and the user's list in the vault ---


def test_diff_names_added_removed_and_changed_sites() -> None:
    old = read(kit_doc(one(name="Kept"), one(name="Gone"), one(name="Moved")))
    new = read(kit_doc(one(name="Kept"), one(name="Moved", category="gaming"),
                       one(name="New")))
    change = diff(old, new)
    assert change.to_json() == {"added": ["New"], "removed": ["Gone"], "changed": ["Moved"]}
    assert diff(old, old).empty


def test_the_users_list_is_kept_in_the_vault_and_can_be_reset(vault: Vault) -> None:
    store = site_data.UserSites(vault)
    assert store.current() is None
    assert store.active().origin == "shipped"
    mine = read(WMN)
    store.save(mine)
    again = site_data.UserSites(vault)
    kept = again.current()
    assert kept is not None
    assert kept.origin == "your list"
    assert kept.sites == mine.sites
    assert (kept.source_format, kept.licence, kept.authors) == \
        ("whatsmyname", mine.licence, mine.authors)
    store.save(read(SHERLOCK))  # replaces, never adds a second list
    assert sum(1 for r in vault.snapshot().records.values() if r.kind == "site_list") == 1
    assert site_data.UserSites(vault).active().source_format == "sherlock"
    assert site_data.UserSites(vault).reset() is True
    assert site_data.UserSites(vault).current() is None
    assert site_data.UserSites(vault).reset() is False


def test_an_unreadable_saved_list_falls_back_to_the_shipped_one(vault: Vault) -> None:
    vault.put("site_list", {"list": {"format": 99}})
    store = site_data.UserSites(vault)
    assert store.active().origin == "shipped"
    assert [p.code for p in store.problems] == ["unreadable_site_list"]
    assert store.reset() is True


# --- rules that can never find anyone ---


def wmn_site(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"name": "Evolution CMS", "uri_check": "https://e.example/{account}",
                              "e_code": 200, "e_string": 'id="user-search"', "m_code": 200,
                              "m_string": 'id="user-search"', "known": ["a"], "cat": "tech"}
    values.update(fields)
    return values


@pytest.mark.parametrize(("fields", "why"), [
    ({}, "“found” and “missing” markers are the same"),  # Evolution CMS as the issue found it
    ({"m_string": ""}, "“missing” marker is empty"),  # Evolution CMS in today's list
    ({"m_string": "user-search"}, "“missing” marker is part of its “found” marker"),
    ({"m_code": [404, 200], "m_string": ["gone", 'id="user-search"']}, "are the same"),
    ({"e_code": 101, "m_code": 404}, "never a site's final answer"),
])
def test_a_rule_that_can_never_find_anyone_is_flagged(fields: dict[str, Any], why: str) -> None:
    site = read({**WMN, "sites": [wmn_site(**fields)]}).sites[0]
    assert why in site.cannot_find and "can never find anyone" in site.cannot_find
    assert "cannot_find" not in site.to_json()  # worked out from the rule, never stored
    again = read(read({**WMN, "sites": [wmn_site(**fields)]}).to_json())
    assert again.sites[0].cannot_find == site.cannot_find


@pytest.mark.parametrize("fields", [
    {"m_code": 404, "m_string": ""},  # a different status tells them apart
    {"m_string": "No such user"},  # a found page need not hold the missing text
    {"e_string": "", "m_code": 404, "m_string": "x"},
])
def test_a_rule_that_can_find_someone_is_not_flagged(fields: dict[str, Any]) -> None:
    assert read({**WMN, "sites": [wmn_site(**fields)]}).sites[0].cannot_find == ""


def test_a_status_rule_that_calls_200_missing_is_flagged() -> None:
    flagged = read(kit_doc(one(missing_status=[200, 404]), one(name="Fine",
                                                               missing_status=[404])))
    assert "HTTP 200" in flagged.sites[0].cannot_find
    assert flagged.sites[1].cannot_find == ""


# --- the name in a probe address or a request body, as it reaches a site ---

TRICKY = ['a"b\\c', "a&b=c%20", "ü/..?#x"]  # quote, backslash, form and URL syntax, non-ASCII


def test_names_in_probe_addresses_and_bodies_arrive_intact(http_server: Any) -> None:
    """Sherlock sites whose name is only in urlProbe or the body, and WhatsMyName's JSON, form
    and GraphQL bodies, each fill in a name that reaches a real server as exactly that name."""
    import re
    from urllib.parse import parse_qs, unquote, urlsplit

    server = http_server(lambda method, path, headers, body: (200, {}, b"{}"))
    base = server.url
    sherlock = read({
        "Discord": {"errorType": "message", "url": "https://discord.com",
                    "urlProbe": f"{base}/discord", "errorMsg": ['{"taken":false}'],
                    "request_method": "POST", "request_payload": {"username": "{}"}},
        "Diskusjon.no": {"errorType": "message", "errorMsg": '{"result":"ok"}',
                         "urlProbe": f"{base}/disk?do=usernameExists&input={{}}",
                         "url": "https://www.diskusjon.no"}})
    wmn = read({**WMN, "sites": [
        {"name": "COLOURlovers", "uri_check": f"{base}/form", "post_body": "userName={account}",
         "uri_pretty": "https://www.colourlovers.com/lover/{account}",
         "headers": {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"},
         "e_code": 200, "e_string": "unavailable", "m_code": 200, "m_string": '"available"',
         "known": ["a"], "cat": "hobby"},
        {"name": "AniList", "uri_check": f"{base}/graphql",
         "uri_pretty": "https://anilist.co/user/{account}",
         "post_body": '{"query":"query{User(name:\\"{account}\\"){id name}}"}',
         "headers": {"Content-Type": "application/json"}, "e_code": 200, "e_string": '"id":',
         "m_string": "Not Found", "m_code": 404, "known": ["test"], "cat": "social"}]})
    assert sherlock.problems == () and wmn.problems == ()
    sites = SiteList(name="t", version="1", date="", source_format="kit",
                     sites=sherlock.sites + wmn.sites)
    scan_plan = plan_scan(TRICKY, sites)
    with Transport() as transport:
        session = transport.open(scan_plan.plan, approved=True)
        results = list(scan(session, scan_plan, ScanSettings(timeout=2)))
    assert len(results) == 12 and not [r for r in results if r.status == "skipped"]
    got: dict[str, list[str]] = {}
    for r in server.received:
        path = urlsplit(r.path).path
        if path == "/discord":
            got.setdefault(path, []).append(json.loads(r.body)["username"])
        elif path == "/disk":
            got.setdefault(path, []).append(parse_qs(urlsplit(r.path).query)["input"][0])
        elif path == "/form":
            got.setdefault(path, []).append(parse_qs(r.body.decode())["userName"][0])
        else:  # the GraphQL query holds the name as a string literal of its own
            query = json.loads(r.body)["query"]
            literal = re.fullmatch(r'query\{User\(name:("(?:[^"\\]|\\.)*")\)\{id name\}\}',
                                   query)
            assert literal is not None, query
            got.setdefault(path, []).append(json.loads(literal.group(1)))
        assert r.method == ("GET" if path == "/disk" else "POST")
    assert {path: sorted(names) for path, names in got.items()} == {
        path: sorted(TRICKY) for path in ("/discord", "/disk", "/form", "/graphql")}
    assert unquote(next(r.path for r in server.received if r.path.startswith("/disk"))
                   .split("input=")[1]) in TRICKY


def test_the_plan_shows_the_method_and_the_body_of_each_post() -> None:
    sites = read({**SHERLOCK, "Discord": {**SHERLOCK["Discord"], "urlProbe":
                                          "https://discord.com/api/check"}})
    scan_plan = plan_scan(['al"ice'], SiteList(
        name="t", version="1", date="", source_format="kit",
        sites=(sites.get("Discord"), read(WMN).get("7cup"))))  # type: ignore[arg-type]
    text = scan_plan.plan.describe()
    assert "POST /api/check" in text
    assert 'sends the username al"ice (in a JSON request body)' in text
    assert 'sends a JSON body: {"username": "al\\"ice"}' in text
    assert "header Content-Type: application/json" in text
    assert "GET /@al%22ice" in text and "(in the web address)" in text
    form = read({**WMN, "sites": [{**WMN["sites"][0], "post_body": "u={account}&x=1",
                                   "uri_check": "https://c.example/check"}]})
    shown = plan_scan(["a&b"], form).plan.describe()
    assert "POST /check" in shown and "sends a form body: u=a%26b&x=1" in shown


def test_a_body_shown_in_the_plan_cannot_drive_the_terminal() -> None:
    body = '{"u": "{username}", "n": "\u202e\u2066"}'  # bidi controls, raw in the file
    sites = read(kit_doc(one(method="POST", probe="https://a.example/api", body=body)))
    text = plan_scan(["x"], sites).plan.describe()
    assert "\u202e" not in text and "\u2066" not in text
    assert '"n": "\\u202e\\u2066"' in text


def test_a_body_is_escaped_as_its_format_says() -> None:
    assert fill_body('{"a": "{username}"}', 'x"y', "json") == b'{"a": "x\\"y"}'
    with pytest.raises(ValueError):
        fill_body("{username}", "x", "other")


# --- Maigret's data.json ---

# Entries in Maigret's data.json format, adapted from soxoj/maigret
# (maigret/resources/data.json, MIT licence, copyright Soxoj and the Maigret contributors), with
# made-up ones added to test what the kit cannot honour.
MAIGRET: dict[str, Any] = {
    "engines": {
        "Flarum": {"name": "Flarum", "site": {
            "absenceStrs": ["NotFound"], "checkType": "message",
            "url": "{urlMain}{urlSubpath}/u/{username}"}},
        "engine404": {"name": "engine404", "site": {"checkType": "status_code"}},
        "XenForo": {"name": "XenForo", "site": {
            "ignore403": True, "absenceStrs": ["The specified member cannot be found."],
            "presenseStrs": ["You must be logged-in to do that."], "checkType": "message",
            "url": "{urlMain}{urlSubpath}/members/?username={username}"}},
    },
    "tags": ["forum", "gaming"],
    "sites": {
        "GitHub": {"tags": ["coding"], "regexCheck": "^[a-zA-Z0-9-]{1,39}$",
                   "checkType": "status_code", "urlMain": "https://github.com/",
                   "url": "https://github.com/{username}", "usernameClaimed": "blue",
                   "usernameUnclaimed": "noonewouldeverusethis7", "alexaRank": 26},
        "Forum": {"engine": "Flarum", "urlMain": "https://forum.example/", "urlSubpath": "/x",
                  "usernameClaimed": "a", "usernameUnclaimed": "b", "tags": ["forum"]},
        "Gamer": {"engine": "engine404", "url": "{urlMain}/player/{username}", "ignore403": True,
                  "requestHeadOnly": True, "urlMain": "https://game.example",
                  "tags": ["us", "gaming"], "usernameClaimed": "a"},
        "Ybox": {"tags": ["blog"], "checkType": "message", "urlMain": "https://ybox.vn/",
                 "url": "https://ybox.vn/profile/{username}",
                 "urlProbe": "https://api.ybox.vn/graphql", "requestMethod": "POST",
                 "requestPayload": {"query": "{{ user(username: \"{username}\") {{ id }} }}"},
                 "headers": {"Content-Type": "application/json"}, "absenceStrs": ['"user":null'],
                 "usernameClaimed": "admin"},
        "Xen": {"engine": "XenForo", "urlMain": "https://xen.example", "usernameClaimed": "a"},
        "Off": {"disabled": True, "checkType": "status_code", "url": "https://off.example/{username}"},
        "Steam id": {"type": "steam_id", "checkType": "status_code",
                     "url": "https://steam.example/profiles/{username}"},
        "Errs": {"checkType": "message", "absenceStrs": ["gone"], "url": "https://e.example/{username}",
                 "errors": {"Please log in": "Log in needed"}},
        "Token": {"checkType": "message", "absenceStrs": ["gone"], "url": "https://t.example/{username}",
                  "activation": {"method": "twitter", "marks": ["x"]}},
        "Similar": {"checkType": "status_code", "similarSearch": True,
                    "url": "https://s.example/search?q={username}"},
        "Onion": {"checkType": "status_code", "protocol": "tor",
                  "url": "https://o.example/{username}"},
        "Future": {"checkType": "status_code", "url": "https://f.example/{username}",
                   "getParams": {"x": "1"}},
        "Other field": {"checkType": "status_code", "url": "https://o.example/{userId}"},
        "Spelled name": {"checkType": "status_code", "requestMethod": "POST",
                         "url": "https://b.example/u", "requestPayload": {"q": "{{username}}"}},
    },
}


def test_maigret_data_json_is_recognised_attributed_and_read() -> None:
    imported = read(MAIGRET)
    assert imported.source_format == "maigret"
    assert imported.licence == "MIT" and "soxoj/maigret" in imported.attribution
    github = imported.get("GitHub")
    assert github is not None
    assert (github.method, github.detect, github.category, github.claimed) == \
        ("GET", ("status_code",), "coding", "blue")
    forum = imported.get("Forum")  # the engine's rule, the site's address
    assert forum is not None and not forum.skip
    assert forum.profile_url == "https://forum.example/x/u/{username}"  # slashes as Maigret
    assert (forum.detect, forum.missing_text) == (("message",), ("NotFound",))
    gamer = imported.get("Gamer")
    assert gamer is not None
    assert (gamer.method, gamer.missing_codes, gamer.category) == ("HEAD", (403,), "gaming")
    ybox = imported.get("Ybox")
    assert ybox is not None and ybox.method == "POST" and ybox.body_format == "json"
    assert ybox.body == '{"query": "{ user(username: \\"{username}\\") { id } }"}'
    assert json.loads(fill_body(ybox.body, 'a"b', "json")) == \
        {"query": '{ user(username: "a\\"b") { id } }'}
    again = read(imported.to_json())  # kept in the vault in the kit's format
    assert again.sites == imported.sites and again.source_format == "maigret"


@pytest.mark.parametrize(("name", "why"), [
    ("Xen", "needs a text that shows the account exists"),
    ("Off", "disabled"),
    ("Steam id", "an account number there (steam_id)"),
    ("Errs", "the site's own error pages"),
    ("Token", "activation"),
    ("Similar", "similar names"),
    ("Onion", "over tor"),
    ("Future", "settings the kit does not know (getParams)"),
])
def test_maigret_features_the_kit_cannot_honour_skip_the_site(name: str, why: str) -> None:
    site = read(MAIGRET).get(name)
    assert site is not None, [str(p) for p in read(MAIGRET).problems]
    assert why in site.skip
    plan = plan_scan(["alice"], SiteList(name="t", version="", date="", source_format="kit",
                                         sites=(site,)))
    assert plan.probes == () and plan.skipped[0].reason == site.skip


def test_maigret_templates_the_kit_cannot_read_are_refused() -> None:
    found = {str(p) for p in read(MAIGRET).problems}
    assert "Other field: url: has a {field} other than {username}, {urlMain} or {urlSubpath}, " \
           "or a stray brace" in found
    # {{username}} is Maigret's literal text "{username}", not the name: never turned into one
    assert any(p.startswith("Spelled name: requestPayload: has a {field}") for p in found), found
    odd_tags = {**MAIGRET, "sites": {"T": {**MAIGRET["sites"]["GitHub"],
                                           "tags": [["gaming"], {"a": 1}, 3, "photo"]}}}
    assert read(odd_tags).sites[0].category == "creative"
    broken = {**MAIGRET, "sites": {"X": {"engine": "Nope", "urlMain": "https://x.example"},
                                   **MAIGRET["sites"]}}
    assert "X: engine: names an engine (Nope) the file does not describe" in \
        {str(p) for p in read(broken).problems}


def test_a_maigret_list_is_asked_as_maigret_would_over_loopback(http_server: Any) -> None:
    def handler(method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any, bytes]:
        if path.startswith("/x/u/"):
            return 200, {}, b"<p>profile</p>" if path.endswith("/alice") else b"NotFound"
        if path.startswith("/player/"):
            return (200, {}, b"") if path.endswith("/alice") else (403, {}, b"")
        wanted = json.loads(body)["query"].split('"')[1]
        return 200, {}, b'{"user":{"id":1}}' if wanted == "alice" else b'{"user":null}'

    server = http_server(handler)
    doc = json.loads(json.dumps(MAIGRET).replace("https://forum.example", server.url)
                     .replace("https://game.example", server.url)
                     .replace("https://api.ybox.vn/graphql", server.url + "/graphql"))
    doc["sites"] = {k: doc["sites"][k] for k in ("Forum", "Gamer", "Ybox")}
    sites = read(doc)
    scan_plan = plan_scan(["alice", "bob"], sites)
    with Transport() as transport:
        session = transport.open(scan_plan.plan, approved=True)
        results = {(r.username, r.site): r.status
                   for r in scan(session, scan_plan, ScanSettings(timeout=2))}
    assert results == {("alice", "Forum"): "found", ("bob", "Forum"): "not_found",
                       ("alice", "Gamer"): "found", ("bob", "Gamer"): "not_found",
                       ("alice", "Ybox"): "found", ("bob", "Ybox"): "not_found"}
    assert sorted({r.method for r in server.received}) == ["GET", "HEAD", "POST"]


names = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
                min_size=1, max_size=64)


@settings(max_examples=100, deadline=None)
@given(names)
def test_any_name_fills_a_body_and_comes_back_out_intact(name: str) -> None:
    from urllib.parse import parse_qs

    plain = json.loads(fill_body('{"u": "{username}", "n": 1}', name, "json"))
    assert plain == {"u": name, "n": 1}
    query = json.loads(fill_body('{"q": "user(name: \\"{username}\\") { id }"}', name,
                                 "json"))["q"]
    assert json.loads(query.removeprefix("user(name: ").removesuffix(") { id }")) == name
    form = parse_qs(fill_body("a=1&u={username}", name, "form").decode(), keep_blank_values=True)
    assert form == {"a": ["1"], "u": [name]}
