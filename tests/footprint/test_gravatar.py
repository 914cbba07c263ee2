"""The Gravatar check: the SHA-256 of the normalised address is computed here and is all that
is sent; 200 means a public avatar, 404 none; the profile lookup only when asked for."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from kit.errors import NetworkFailed, UsageError
from kit.footprint import gravatar
from kit.footprint.transport import Response
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit
from tests.footprint.conftest import LoopbackServer

EMAIL = "  Alex.Morgan@Example.org "
NORMAL = "alex.morgan@example.org"
HASH = hashlib.sha256(NORMAL.encode()).hexdigest()

PROFILE = {
    "hash": HASH, "display_name": "Alex Morgan", "profile_url": "https://gravatar.com/alexm",
    "avatar_url": f"https://0.gravatar.com/avatar/{HASH}", "avatar_alt_text": "",
    "location": "Leeds, UK", "description": "Youth worker.\x1b[31m Dad of two.",
    "job_title": "Social worker", "company": "Leeds City Council", "pronunciation": "",
    "pronouns": "they/them",
    "verified_accounts": [
        {"service_type": "instagram", "service_label": "Instagram",
         "url": "https://instagram.com/alexm", "is_hidden": False},
        {"service_type": "x", "service_label": "X", "url": "https://x.com/secret",
         "is_hidden": True}],
    "links": [{"label": "Blog", "url": "https://alexm.example"}],
    "contact_info": {"cell_phone": "07700 900123", "email": "", "home_phone": None},
    "payments": {"links": [], "crypto_wallets": []},
    "gallery": [],
}

Reply = tuple[int, dict[str, str], bytes]


class FakeGravatar:
    def __init__(self, http_server: Callable[..., LoopbackServer], avatar: int = 200,
                 profile: Reply | None = None) -> None:
        self.avatar = avatar
        self.profile = profile or (200, {"Content-Type": "application/json"},
                                   json.dumps(PROFILE).encode())
        self.server = http_server(self.handle)

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Reply:
        if path.startswith("/avatar/"):
            return self.avatar, {"Content-Type": "image/png"}, b"\x89PNG fake" \
                if self.avatar == 200 else b"not found"
        if path.startswith("/v3/profiles/"):
            return self.profile
        return 400, {}, b""

    def check(self, *args: str, **env: str):  # type: ignore[no-untyped-def]
        return run_kit("check", "gravatar", EMAIL, *args,
                       env={"KIT_GRAVATAR_URL": self.server.url, **env})

    def paths(self) -> list[str]:
        return [r.path for r in self.server.received]


def findings_of(vault_path: Path) -> dict[str, dict[str, object]]:
    vault = Vault.open(vault_path, Credentials(passphrase=PASSPHRASE))
    try:
        return {r.data["key"]: r.data for r in vault.snapshot().records.values()
                if r.kind == "finding"}
    finally:
        vault.close()


# --- pure parts ---


def test_the_hash_is_sha256_of_the_trimmed_lower_cased_address() -> None:
    assert gravatar.email_hash(EMAIL) == HASH
    assert gravatar.email_hash(NORMAL) == HASH


def test_the_plan_sends_only_the_hash_and_says_it_is_a_stable_identifier() -> None:
    plan = gravatar.plan(EMAIL)
    (avatar,) = plan.requests
    assert avatar.url == f"https://gravatar.com/avatar/{HASH}?d=404"
    assert avatar.headers == ()
    assert "stable identifier" in plan.disclosure and "compute" in plan.disclosure
    shown = plan.describe() + json.dumps(plan.to_json())
    assert HASH in shown and NORMAL not in shown.lower()
    with_profile = gravatar.plan(EMAIL, profile=True)
    assert [r.url for r in with_profile.requests] == [
        f"https://gravatar.com/avatar/{HASH}?d=404",
        f"https://api.gravatar.com/v3/profiles/{HASH}"]
    assert "gravatar.com and api.gravatar.com" in with_profile.disclosure


def test_both_bases_follow_kit_gravatar_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_GRAVATAR_URL", "http://127.0.0.1:8/")
    plan = gravatar.plan(NORMAL, profile=True)
    assert [r.url for r in plan.requests] == [
        f"http://127.0.0.1:8/avatar/{HASH}?d=404", f"http://127.0.0.1:8/v3/profiles/{HASH}"]


def test_an_invalid_address_is_refused() -> None:
    with pytest.raises(UsageError):
        gravatar.plan("nobody")


def response(status: int, body: object = b"") -> Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Response(status, {}, raw, "https://api.gravatar.com/v3/profiles/x", 0.1, False)


def test_the_profile_lists_the_public_fields_it_exposes() -> None:
    fields = gravatar.evaluate_profile(response(200, PROFILE))
    assert fields is not None
    shown = {f.key: f.value for f in fields}
    assert list(shown) == ["display_name", "location", "job_title", "company", "description",
                           "pronouns", "verified_accounts", "links", "contact_info",
                           "profile_url"]
    assert shown["verified_accounts"] == "Instagram https://instagram.com/alexm"  # not hidden X
    assert shown["contact_info"] == "cell phone: 07700 900123"
    assert shown["description"] == "Youth worker.[31m Dad of two."  # escape removed
    assert gravatar.evaluate_profile(response(200, {"hash": HASH})) == ()
    for photos, said in ((1, "1 photo"), (3, "3 photos")):
        gallery = gravatar.evaluate_profile(response(200, {**PROFILE, "gallery": [
            {"url": f"https://0.gravatar.com/g/{n}"} for n in range(photos)]}))
        assert gallery is not None and {f.key: f.value for f in gallery}["gallery"] == said


def test_profile_answers_other_than_200_and_404() -> None:
    assert gravatar.evaluate_profile(response(404)) is None
    with pytest.raises(NetworkFailed, match="100 lookups an hour"):
        gravatar.evaluate_profile(response(429))
    with pytest.raises(NetworkFailed, match="could not be read"):
        gravatar.evaluate_profile(response(200, b"[1, 2"))
    with pytest.raises(NetworkFailed, match="HTTP 503"):
        gravatar.evaluate_avatar(response(503))


# --- the command, against a stand-in Gravatar ---


def test_an_avatar_exists(cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, avatar=200)
    result = fake.check("--yes")
    assert result.code == 0, result.err
    assert "a public Gravatar picture exists" in result.out
    assert fake.paths() == [f"/avatar/{HASH}?d=404"]  # no profile lookup unless asked
    received = json.dumps([[r.path, dict(r.headers), r.body.decode()]
                           for r in fake.server.received]).lower()
    assert NORMAL not in received and "example.org" not in received
    assert "stable identifier" in result.err
    (finding,) = findings_of(cli_vault).values()
    assert finding["source"] == "gravatar" and finding["severity"] == "low"


def test_no_avatar(cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, avatar=404)
    result = fake.check("--yes", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["avatar"] is False and doc["profile_checked"] is False and doc["hash"] == HASH
    assert findings_of(cli_vault) == {}


def test_the_profile_lookup_is_opt_in_and_reports_its_fields(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, avatar=200)
    result = fake.check("--profile", "--yes")
    assert result.code == 0, result.err
    assert fake.paths() == [f"/avatar/{HASH}?d=404", f"/v3/profiles/{HASH}"]
    assert "The public Gravatar profile shows:" in result.out
    assert "Location: Leeds, UK" in result.out and "Links: Blog https://alexm.example" in result.out
    assert "x.com/secret" not in result.out
    profile = findings_of(cli_vault)[f"{NORMAL} profile"]
    assert profile["severity"] == "medium" and "location" in profile["exposed"]  # type: ignore[operator]
    doc = json.loads(fake.check("--profile", "--yes", "--json").out)
    assert doc["profile"] is True and {"field": "company", "label": "Company",
                                       "value": "Leeds City Council"} in doc["fields"]


def test_no_public_profile(cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, avatar=404, profile=(404, {}, b'{"error": "not found"}'))
    result = fake.check("--profile", "--yes")
    assert result.code == 0, result.err
    assert "no public Gravatar picture" in result.out and "No public Gravatar profile" in result.out


def test_what_is_gone_is_marked_fixed(cli_vault: Path,
                                      http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, avatar=200)
    assert fake.check("--profile", "--yes").code == 0
    assert {f["status"] for f in findings_of(cli_vault).values()} == {"open"}
    fake.avatar, fake.profile = 404, (404, {}, b"")
    assert fake.check("--yes").code == 0  # the profile was not looked up: it stays open
    found = findings_of(cli_vault)
    assert found[f"{NORMAL} avatar"]["status"] == "fixed"
    assert found[f"{NORMAL} profile"]["status"] == "open"
    assert fake.check("--profile", "--yes").code == 0
    assert findings_of(cli_vault)[f"{NORMAL} profile"]["status"] == "fixed"


def test_a_rate_limited_profile_is_exit_7(cli_vault: Path,
                                          http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, profile=(429, {}, b""))
    result = fake.check("--profile", "--yes")
    assert result.code == 7 and "rate limit" in result.err
    assert len(fake.paths()) == 2


def test_a_failing_service_is_exit_7(cli_vault: Path,
                                     http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server, avatar=500)
    result = fake.check("--yes", "--json")
    assert result.code == 7 and json.loads(result.out)["error"]["exit"] == 7


def test_without_yes_and_without_a_terminal_nothing_is_sent(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server)
    result = fake.check("--profile")
    assert result.code == 6 and fake.server.received == []


def test_offline_exit_6(cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    fake = FakeGravatar(http_server)
    result = fake.check("--yes", KIT_OFFLINE="1")
    assert result.code == 6 and fake.server.received == []


def test_a_bad_address_is_exit_2(cli_vault: Path) -> None:
    result = run_kit("check", "gravatar", "nobody", "--yes")
    assert result.code == 2 and "not an email address" in result.err
