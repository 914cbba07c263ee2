"""The email breach check (HIBP v3 breachedaccount) and the cached breach catalogue, against
real loopback servers standing in for HIBP; the API key in the keyring, never in the ledger."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote

import keyring
import pytest

from kit.errors import KeyringUnavailable, NetworkFailed, UsageError
from kit.footprint import breaches
from kit.footprint.breaches import Breach, BreachCatalogue
from kit.footprint.transport import Response
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit
from tests.footprint.conftest import LoopbackServer
from tests.keyring_backends.memory import Keyring as MemoryKeyring
from tests.pty_session import PtySession

EMAIL = "alex.morgan+work@example.org"
KEY = "0123456789abcdef0123456789abcdef"

ADOBE = {"Name": "Adobe", "Title": "Adobe", "Domain": "adobe.com", "BreachDate": "2013-10-04",
         "AddedDate": "2013-12-04T00:00:00Z", "PwnCount": 152445165,
         "DataClasses": ["Email addresses", "Password hints", "Passwords", "Usernames"],
         "IsVerified": True, "IsSensitive": False, "IsSpamList": False}
CANVA = {"Name": "Canva", "Title": "Canva", "Domain": "canva.com", "BreachDate": "2019-05-24",
         "PwnCount": 137272116, "DataClasses": ["Email addresses", "Geographic locations",
                                                "Names", "Usernames"],
         "IsVerified": True}
OLDSITE = {"Name": "OldForum", "Title": "Old Forum", "BreachDate": "2011-01-01",
           "DataClasses": ["Email addresses"]}
CATALOGUE = [ADOBE, CANVA, OLDSITE, {"Name": "Other", "Title": "Unrelated", "DataClasses": []}]

Reply = tuple[int, dict[str, str], bytes]


class FakeHibp:
    """A stand-in HIBP: answers `breachedaccount` from a queue (the last answer repeats) and
    `/breaches` with the catalogue."""

    def __init__(self, http_server: Callable[..., LoopbackServer], *answers: Reply,
                 catalogue: Reply | None = None) -> None:
        self.answers = list(answers)
        self.catalogue = catalogue or (200, {"Content-Type": "application/json"},
                                       json.dumps(CATALOGUE).encode())
        self.server = http_server(self.handle)

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path.startswith("/api/v3/breaches"):
            return self.catalogue
        if path.startswith("/api/v3/breachedaccount/"):
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return 400, {}, b"unexpected"

    @property
    def url(self) -> str:
        return self.server.url + "/api/v3"

    def paths(self, prefix: str = "/api/v3/") -> list[str]:
        return [r.path for r in self.server.received if r.path.startswith(prefix)]

    def account_requests(self) -> list[str]:
        return self.paths("/api/v3/breachedaccount/")

    def catalogue_requests(self) -> list[str]:
        return self.paths("/api/v3/breaches")


def js(status: int, doc: object, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json", **headers}, json.dumps(doc).encode()


def check(hibp: FakeHibp, *args: str, key: str | None = KEY, **env: str):  # type: ignore[no-untyped-def]
    full = {"KIT_HIBP_URL": hibp.url, **env}
    if key is not None:
        full["KIT_HIBP_API_KEY"] = key
    return run_kit("check", "email", EMAIL, *args, env=full)


def decrypted(vault_path: Path) -> str:
    vault = Vault.open(vault_path, Credentials(passphrase=PASSPHRASE))
    try:
        return json.dumps([[r.kind, r.data] for r in vault.snapshot().records.values()])
    finally:
        vault.close()


def records_of(vault_path: Path, kind: str) -> list[dict[str, object]]:
    vault = Vault.open(vault_path, Credentials(passphrase=PASSPHRASE))
    try:
        return [r.data for r in vault.snapshot().records.values() if r.kind == kind]
    finally:
        vault.close()


# --- addresses, keys and the plan (pure) ---


@pytest.mark.parametrize("text", ["", "   ", "no-at-sign", "@example.org", "name@",
                                  "name@localhost", "two words@example.org",
                                  "name@exa\u202emple.org", "a@b\n.org",
                                  "x" * 250 + "@example.org"])
def test_what_is_not_an_email_address_is_refused(text: str) -> None:
    with pytest.raises(UsageError, match="not an email address"):
        breaches.normalise_email(text)


def test_an_address_keeps_its_case_but_loses_outer_spaces() -> None:
    assert breaches.normalise_email("  Alex@Example.org \n") == "Alex@Example.org"


@pytest.mark.parametrize("text", ["", "two words", "bad\x00key", "k" * 201, "clé"])
def test_what_is_not_an_api_key_is_refused_without_repeating_it(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        breaches.check_key(text)
    if text.strip():
        assert text not in caught.value.message


def test_the_plan_says_the_full_address_is_sent_and_hides_the_key(
        monkeypatch: pytest.MonkeyPatch) -> None:
    plan = breaches.plan(EMAIL, KEY, refresh_catalogue=False)
    (request,) = plan.requests
    assert request.url == (f"{breaches.DEFAULT_URL}/breachedaccount/"
                           "alex.morgan%2Bwork%40example.org?truncateResponse=false")
    assert (breaches.KEY_HEADER, KEY) in request.headers
    assert request.secret_headers == {"hibp-api-key"}
    assert not request.follow_redirects
    assert "FULL email address" in plan.disclosure and EMAIL in plan.disclosure
    shown = plan.describe() + json.dumps(plan.to_json())
    assert KEY not in shown and EMAIL in shown
    assert "FrontlineKit/" in dict(request.headers)["User-Agent"]
    with_catalogue = breaches.plan(EMAIL, KEY, refresh_catalogue=True)
    assert [r.url for r in with_catalogue.requests][1] == f"{breaches.DEFAULT_URL}/breaches"
    assert with_catalogue.requests[1].headers == (("User-Agent", breaches.USER_AGENT),)
    assert "public list of breaches" in with_catalogue.disclosure
    monkeypatch.setenv("KIT_HIBP_URL", "http://127.0.0.1:1/api/v3/")
    assert breaches.plan(EMAIL, KEY, refresh_catalogue=False).requests[0].url.startswith(
        "http://127.0.0.1:1/api/v3/breachedaccount/")


# --- reading HIBP's answers (pure) ---


def answer(status: int, body: object = b"", **headers: str) -> Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status, {k.replace("_", "-"): v for k, v in headers.items()}, raw,
                    "https://haveibeenpwned.com/api/v3/breachedaccount/x", 0.1, False)


def test_breaches_are_read_defensively() -> None:
    hostile = {"Name": "Evil\x1b[2J", "Title": "Evil \u202eSite\x07", "PwnCount": "lots",
               "DataClasses": ["Passwords", 7, None, "\x1b]0;pwned\x07Names"],
               "IsVerified": "yes"}
    found = breaches.evaluate_account(answer(200, [ADOBE, hostile, {"Title": "no name"}, 3]))
    assert [b.name for b in found] == ["Adobe", "Evil[2J"]
    evil = found[1]
    assert evil.title == "Evil Site" and evil.pwn_count is None and evil.is_verified is None
    assert evil.data_classes == ("Passwords", "]0;pwnedNames")
    assert all("\x1b" not in b.describe() for b in found)


def test_404_is_a_clean_result() -> None:
    assert breaches.evaluate_account(answer(404)) == []


@pytest.mark.parametrize(("status", "words"), [
    (401, "did not accept the API key"), (403, "refused the request"),
    (429, "rate limit"), (500, "having trouble"), (418, "does not expect")])
def test_each_refusal_is_explained(status: int, words: str) -> None:
    with pytest.raises(NetworkFailed, match=words) as caught:
        breaches.evaluate_account(answer(status))
    assert caught.value.exit_code == 7


def test_a_keyring_key_that_is_refused_says_how_to_forget_it() -> None:
    with pytest.raises(NetworkFailed, match="--forget-key"):
        breaches.evaluate_account(answer(401), key_source="keyring")


def test_a_200_that_is_not_a_list_is_a_failure() -> None:
    with pytest.raises(NetworkFailed, match="could not be read"):
        breaches.evaluate_account(answer(200, b"<html>maintenance</html>"))


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert breaches.retry_after({"retry-after": "2"}) == 2
    assert breaches.retry_after({"retry-after": "Sun, 01 Mar 2026 12:00:30 GMT"}, now) == 30
    assert breaches.retry_after({"retry-after": "Sun, 01 Mar 2026 11:00:00 GMT"}, now) == 0
    assert breaches.retry_after({"retry-after": "soon"}) is None
    assert breaches.retry_after({}) is None
    with pytest.raises(NetworkFailed, match="Try again in 3600 seconds"):
        breaches.evaluate_account(answer(429, retry_after="3600"))


def test_details_come_from_the_catalogue_when_the_answer_lacks_them() -> None:
    catalogue = breaches.Catalogue(datetime.now(UTC), tuple(
        b for b in (Breach.from_api(x) for x in CATALOGUE) if b))
    short = [Breach("adobe"), Breach("Canva", title="Canva (as answered)")]
    filled = breaches.with_details(short, catalogue)
    assert [b.title for b in filled] == ["Canva (as answered)", "Adobe"]  # newest first
    assert filled[1].data_classes == tuple(ADOBE["DataClasses"])  # type: ignore[arg-type]
    assert filled[1].name == "adobe"  # what the answer said stays


# --- the cached catalogue (a repository in the vault) ---


def test_catalogue_is_kept_in_the_vault_and_goes_stale_after_30_days(vault: Vault) -> None:
    repo = BreachCatalogue(vault)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert repo.current() is None and repo.needs_refresh(now)
    fetched = [b for b in (Breach.from_api(x) for x in CATALOGUE) if b]
    repo.save(fetched, now)
    again = BreachCatalogue(vault)
    current = again.current()
    assert current is not None and current.fetched_at == now
    assert [b.name for b in current.breaches] == ["Adobe", "Canva", "OldForum", "Other"]
    assert current.by_name()["adobe"].pwn_count == 152445165
    assert not again.needs_refresh(now + timedelta(days=29))
    assert again.needs_refresh(now + timedelta(days=30))
    again.save(fetched[:1], now + timedelta(days=31))  # replaced in place, not added
    assert len([r for r in vault.snapshot().records.values() if r.kind == "breach_catalogue"]) == 1


def test_catalogue_keeps_unknown_fields_and_reports_unreadable_records(vault: Vault) -> None:
    vault.put("breach_catalogue", {"fetched_at": "2026-01-01T00:00:00+00:00", "breaches": [],
                                   "from_a_newer_kit": {"x": 1}})
    vault.put("breach_catalogue", {"fetched_at": "yesterday", "breaches": []})
    repo = BreachCatalogue(vault)
    current = repo.current()
    assert current is not None and current.extra == {"from_a_newer_kit": {"x": 1}}
    assert [p.code for p in repo.problems] == ["unreadable_breach_catalogue"]
    repo.save([Breach("Adobe")], datetime(2026, 2, 1, tzinfo=UTC))
    kept = [r.data for r in vault.snapshot().records.values()
            if r.kind == "breach_catalogue" and "from_a_newer_kit" in r.data]
    assert len(kept) == 1 and kept[0]["breaches"][0]["name"] == "Adobe"


# --- the command, against a stand-in HIBP ---


def test_200_lists_the_breaches_with_details(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [ADOBE, CANVA]))
    result = check(hibp, "--yes")
    assert result.code == 0, result.err
    assert f"{EMAIL} appears in 2 known breaches" in result.out
    assert "Canva (2019-05-24): Email addresses, Geographic locations" in result.out
    assert "Adobe (2013-10-04)" in result.out
    # The full address went to the service, URL-encoded, with the key and a user agent.
    (account,) = [r for r in hibp.server.received if "breachedaccount" in r.path]
    assert unquote(account.path.split("/")[-1].split("?")[0]) == EMAIL
    assert account.path.endswith("?truncateResponse=false")
    assert account.headers["hibp-api-key"] == KEY
    assert account.headers["user-agent"].startswith("FrontlineKit/")
    assert "FULL email address" in result.err and KEY not in result.err + result.out


def test_404_is_not_found_and_exit_0(cli_vault: Path,
                                     http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, (404, {}, b""))
    result = check(hibp, "--yes", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["check"] == "email" and doc["found"] is False and doc["breaches"] == []
    human = check(hibp, "--yes")
    assert human.code == 0 and "was not found in any known breach" in human.out


@pytest.mark.parametrize(("status", "words"), [
    (401, "did not accept the API key"), (403, "refused the request"),
    (429, "rate limit")])
def test_refusals_exit_7_with_a_plain_message(
        cli_vault: Path, http_server: Callable[..., LoopbackServer], status: int,
        words: str) -> None:
    hibp = FakeHibp(http_server, js(status, {"statusCode": status}))
    result = check(hibp, "--yes", "--json")
    assert result.code == 7, result.err
    doc = json.loads(result.out)
    assert doc["error"]["exit"] == 7 and words in doc["error"]["message"]
    assert "Traceback" not in result.err and KEY not in result.err + result.out
    assert len(hibp.account_requests()) == 1  # no retry without a short Retry-After
    (ledger,) = records_of(cli_vault, "network_ledger")
    assert ledger["requests"][0]["status"] == status  # type: ignore[index]


def test_429_with_a_short_retry_after_is_waited_out_once(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(429, {"statusCode": 429}, **{"Retry-After": "1"}),
                    js(200, [ADOBE]))
    result = check(hibp, "--yes")
    assert result.code == 0, result.err
    assert "waiting 1 s before retrying once, as the server asked" in result.err
    assert "appears in 1 known breach:" in result.out
    assert len(hibp.account_requests()) == 2
    (ledger,) = records_of(cli_vault, "network_ledger")
    statuses = [e["status"] for e in ledger["requests"]  # type: ignore[attr-defined]
                if "breachedaccount" in e["path"]]
    assert statuses == [429, 200]


def test_429_twice_is_not_retried_again(cli_vault: Path,
                                        http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(429, {}, **{"Retry-After": "1"}))
    result = check(hibp, "--yes")
    assert result.code == 7 and "Try again in 1 second (" in result.err
    assert len(hibp.account_requests()) == 2


def test_429_with_a_long_retry_after_says_when_to_retry(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(429, {}, **{"Retry-After": "600"}), js(200, [ADOBE]))
    result = check(hibp, "--yes")
    assert result.code == 7 and "Try again in 600 seconds (after" in result.err
    assert len(hibp.account_requests()) == 1


def test_the_api_key_never_reaches_the_ledger_disk_or_output(
        cli_vault: Path, kit_env: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(401, {}))
    failed = check(hibp, "--yes")
    hibp.answers = [js(200, [ADOBE])]
    worked = check(hibp, "--yes", "--json")
    assert (failed.code, worked.code) == (7, 0)
    inside = decrypted(cli_vault)
    assert "network_ledger" in inside and KEY not in inside
    on_disk = b"".join(p.read_bytes() for p in kit_env.rglob("*") if p.is_file())
    assert KEY.encode() not in on_disk
    for result in (failed, worked):
        assert KEY not in result.out + result.err


def test_no_key_and_no_terminal_exit_2_and_nothing_sent(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [ADOBE]))
    result = check(hibp, "--yes", key=None)
    assert result.code == 2, result.err
    assert "KIT_HIBP_API_KEY" in result.err and hibp.server.received == []


def test_without_yes_and_without_a_terminal_nothing_is_sent(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [ADOBE]))
    result = check(hibp)
    assert result.code == 6 and hibp.server.received == []
    assert records_of(cli_vault, "network_ledger") == []


def test_offline_exit_6(cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [ADOBE]))
    result = check(hibp, "--yes", KIT_OFFLINE="1")
    assert result.code == 6 and "offline" in result.err and hibp.server.received == []


def test_bad_input_is_refused_before_anything_is_asked(cli_vault: Path) -> None:
    assert run_kit("check", "email", "not-an-address", "--yes").code == 2
    missing = run_kit("check", "email", "--yes")
    assert missing.code == 2 and "kit check email ADDRESS" in missing.err
    bad_key = run_kit("check", "email", EMAIL, "--yes", env={"KIT_HIBP_API_KEY": "a b"})
    assert bad_key.code == 2 and "a b" not in bad_key.err


def test_the_catalogue_is_fetched_once_then_kept_for_30_days(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [{"Name": "Adobe"}]))  # a truncated-style answer
    first = check(hibp, "--yes")
    assert first.code == 0, first.err
    assert "/breaches" in first.err  # the refresh was in the plan shown
    # Details the account answer lacked came from the catalogue.
    assert "Adobe (2013-10-04): Email addresses, Password hints, Passwords" in first.out
    assert len(hibp.catalogue_requests()) == 1
    (cached,) = records_of(cli_vault, "breach_catalogue")
    assert len(cached["breaches"]) == 4  # type: ignore[arg-type]
    second = check(hibp, "--yes", "--json")
    assert second.code == 0 and len(hibp.catalogue_requests()) == 1
    assert json.loads(second.out)["breaches"][0]["pwn_count"] == 152445165
    assert "/breaches" not in second.err
    forced = check(hibp, "--yes", "--refresh-catalogue")
    assert forced.code == 0 and len(hibp.catalogue_requests()) == 2
    assert len(records_of(cli_vault, "breach_catalogue")) == 1


def test_a_catalogue_older_than_30_days_is_refreshed(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    vault = Vault.open(cli_vault, Credentials(passphrase=PASSPHRASE))
    try:
        BreachCatalogue(vault).save([Breach("Adobe")], datetime.now(UTC) - timedelta(days=31))
    finally:
        vault.close()
    hibp = FakeHibp(http_server, (404, {}, b""))
    assert check(hibp, "--yes").code == 0
    assert len(hibp.catalogue_requests()) == 1
    (cached,) = records_of(cli_vault, "breach_catalogue")
    fetched = datetime.fromisoformat(cached["fetched_at"])  # type: ignore[arg-type]
    assert datetime.now(UTC) - fetched < timedelta(minutes=5)


def test_a_failed_catalogue_refresh_does_not_fail_the_check(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [ADOBE]), catalogue=(503, {}, b"busy"))
    result = check(hibp, "--yes")
    assert result.code == 0, result.err
    assert "could not be refreshed" in result.err and "Adobe" in result.out
    assert records_of(cli_vault, "breach_catalogue") == []


def test_each_breach_becomes_a_finding_and_a_vanished_one_is_fixed(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, js(200, [ADOBE, OLDSITE]))
    assert check(hibp, "--yes").code == 0
    findings = {f["key"]: f for f in records_of(cli_vault, "finding")}
    adobe = findings[f"{EMAIL} in Adobe"]
    assert adobe["severity"] == "high" and adobe["fix_item"] == "accounts-password-manager"
    assert "passwords" in adobe["exposed"] and adobe["status"] == "open"  # type: ignore[operator]
    old = findings[f"{EMAIL} in OldForum"]
    assert old["severity"] == "medium" and old["fix_item"] == "accounts-2fa-email"
    hibp.answers = [js(200, [ADOBE])]
    assert check(hibp, "--yes").code == 0
    findings = {f["key"]: f for f in records_of(cli_vault, "finding")}
    assert len(findings) == 2
    assert findings[f"{EMAIL} in OldForum"]["status"] == "fixed"
    assert findings[f"{EMAIL} in Adobe"]["seen_count"] == 2


# --- the API key in the keyring ---


def test_the_key_is_kept_read_and_forgotten_in_a_secure_keyring(
        secure_keyring: MemoryKeyring) -> None:
    assert breaches.stored_key() is None
    assert breaches.keep_key(KEY) is True
    assert secure_keyring.store == {("frontline-kit-hibp", "hibp-api-key"): KEY}
    assert breaches.stored_key() == KEY
    assert breaches.forget_key() is True
    assert breaches.stored_key() is None and breaches.forget_key() is False


def test_without_a_secure_keyring_nothing_is_kept() -> None:
    # The test environment's backend is keyring's "fail" backend, as on a headless server.
    assert breaches.stored_key() is None
    assert breaches.keep_key(KEY) is False
    with pytest.raises(KeyringUnavailable, match="never kept"):
        breaches.forget_key()


def test_a_hanging_keyring_is_given_up_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.keyring_backends.hanging import Keyring as HangingKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(HangingKeyring())
    monkeypatch.setenv("KIT_KEYRING_TIMEOUT", "0.3")
    try:
        with pytest.raises(KeyringUnavailable, match="did not answer"):
            breaches.stored_key()
    finally:
        keyring.set_keyring(previous)


def test_the_environment_key_is_taken_out_of_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_HIBP_API_KEY", KEY)
    assert breaches.key_from_environment() == KEY
    assert "KIT_HIBP_API_KEY" not in os.environ
    assert breaches.key_from_environment() is None


def test_forget_key_without_a_keyring_says_so(cli_vault: Path) -> None:
    result = run_kit("check", "email", "--forget-key", "--json")
    assert result.code == 0 and json.loads(result.out) == {"key_removed": False}
    assert "Nothing to remove" in result.err


def keyring_env(**extra: str) -> dict[str, str]:
    from tests.conftest import REPO

    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "KIT_PASSPHRASE": PASSPHRASE, "PYTHONPATH": path, **extra}


TRUSTED_KEYRING = "tests.keyring_backends.trusted_file.Keyring"  # a secure one, in a file


def kept_keys(path: Path) -> list[str]:
    """The secrets the file-backed trusted keyring holds (so each process sees the last's)."""
    return list(json.loads(path.read_text()).values()) if path.exists() else []


@pytest.mark.parametrize(("answer", "kept"), [("", False), ("y", True)])
def test_a_typed_key_is_kept_in_a_secure_keyring_only_if_the_user_says_yes(
        cli_vault: Path, tmp_path: Path, http_server: Callable[..., LoopbackServer],
        answer: str, kept: bool) -> None:
    hibp = FakeHibp(http_server, (404, {}, b""))
    store = tmp_path / "keyring.json"
    env = keyring_env(KIT_HIBP_URL=hibp.url, PYTHON_KEYRING_BACKEND=TRUSTED_KEYRING,
                      KIT_TEST_PLAINTEXT_KEYRING=str(store))
    session = PtySession([sys.executable, "-m", "kit", "check", "email", EMAIL, "--yes"],
                         env=env)
    session.expect("HIBP API key")
    session.send(KEY)
    # Asked, saying where it would go; Enter alone is no.
    session.expect("under the name \"frontline-kit-hibp\", so you are not asked")
    assert "[y/N]" in session.text
    session.send(answer)
    assert session.wait() == 0
    assert KEY not in session.text
    assert "not found in any known breach" in session.text
    assert kept_keys(store) == ([KEY] if kept else [])
    if kept:
        assert "is now kept in this computer's keyring, under the name" in session.text
        assert "--forget-key" in session.text
    else:
        assert "was not kept; you will be asked for it next time" in session.text
    (account,) = [r for r in hibp.server.received if "breachedaccount" in r.path]
    assert account.headers["hibp-api-key"] == KEY


def test_remember_key_keeps_the_environments_key_without_asking_and_forget_key_removes_it(
        cli_vault: Path, tmp_path: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, (404, {}, b""))
    store = tmp_path / "keyring.json"
    env = {"PYTHON_KEYRING_BACKEND": TRUSTED_KEYRING, "KIT_TEST_PLAINTEXT_KEYRING": str(store),
           "PYTHONPATH": keyring_env()["PYTHONPATH"]}
    plain = check(hibp, "--yes", **env)  # KIT_HIBP_API_KEY alone: used, never kept
    assert plain.code == 0, plain.err
    assert kept_keys(store) == [] and "API key is now kept" not in plain.err
    remembered = check(hibp, "--yes", "--remember-key", **env)  # no terminal: no question
    assert remembered.code == 0, remembered.err
    assert kept_keys(store) == [KEY] and KEY not in remembered.out + remembered.err
    assert "now kept in this computer's keyring, under the name" in remembered.err
    forgot = run_kit("check", "email", "--forget-key", env=env)
    assert forgot.code == 0 and "removed from the keyring" in forgot.err
    assert kept_keys(store) == []
    helped = run_kit("check", "email", "--help").out
    assert "KIT_HIBP_API_KEY" in helped and "--remember-key" in helped
    assert "never kept unless you add --remember-key" in " ".join(helped.split())


def test_a_typed_key_without_a_secure_keyring_is_not_kept(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    hibp = FakeHibp(http_server, (404, {}, b""))
    session = PtySession([sys.executable, "-m", "kit", "check", "email", EMAIL, "--yes"],
                         env=keyring_env(KIT_HIBP_URL=hibp.url))
    session.expect("HIBP API key")
    session.send(KEY)
    assert session.wait() == 0
    assert "not kept: this computer has no secure keyring" in session.text  # no question
    assert "[y/N]" not in session.text and KEY not in session.text
