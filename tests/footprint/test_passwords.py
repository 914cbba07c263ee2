"""The password check: only the 5-character SHA-1 prefix leaves, padding is ignored, and the
password is never stored, logged or shown. Real loopback servers stand in for Pwned Passwords."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kit.errors import NetworkFailed, UsageError
from kit.footprint import passwords
from kit.footprint.transport import Response
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE, run_kit
from tests.footprint.conftest import LoopbackServer
from tests.pty_session import PtySession

CANARY = "Canary-Pw 7f3e9a!"  # a space inside: --stdin must keep it
DIGEST = hashlib.sha1(CANARY.encode()).hexdigest().upper()
PREFIX, SUFFIX = DIGEST[:5], DIGEST[5:]


def padded_range(suffix: str | None, count: int, *, padding: int = 400,
                 seed: int = 1) -> bytes:
    """A range answer as the real service pads it: random suffixes with count 0, a few real
    ones, the wanted suffix (if any) among them, CRLF line ends."""
    rng = random.Random(seed)
    lines = [f"{rng.getrandbits(140):035X}:0" for _ in range(padding)]
    lines += [f"{rng.getrandbits(140):035X}:{rng.randint(1, 99)}" for _ in range(50)]
    if suffix is not None:
        lines.append(f"{suffix}:{count}")
    rng.shuffle(lines)
    return "\r\n".join(lines).encode()


def range_server(http_server: Callable[..., LoopbackServer], body: bytes,
                 status: int = 200) -> LoopbackServer:
    def handler(method: str, path: str, headers: Mapping[str, str], _body: bytes
                ) -> tuple[int, dict[str, str], bytes]:
        return status, {"Content-Type": "text/plain"}, body

    return http_server(handler)


def env_for(server: LoopbackServer, **extra: str) -> dict[str, str]:
    return {"KIT_PWNED_PASSWORDS_URL": server.url, **extra}


def decrypted(vault_path: Path) -> str:
    """Every record in the vault, decrypted, as one text to search."""
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


def all_bytes_under(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


# --- the plan and the matching (pure) ---


def test_plan_sends_only_the_prefix_with_padding_asked_for() -> None:
    plan, suffix = passwords.plan(CANARY)
    assert suffix == SUFFIX
    (request,) = plan.requests
    assert request.method == "GET"
    assert request.url == f"{passwords.DEFAULT_URL}/range/{PREFIX}"
    assert ("Add-Padding", "true") in request.headers
    assert request.body is None
    assert any(PREFIX in value for value in request.sends)
    shown = plan.describe() + json.dumps(plan.to_json()) + repr(plan)
    for secret in (CANARY, SUFFIX, DIGEST, DIGEST.lower()):
        assert secret not in shown
    assert "never leaves" in plan.disclosure and "api.pwnedpasswords.com" in plan.disclosure


def test_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_PWNED_PASSWORDS_URL", "http://127.0.0.1:9/")
    plan, _ = passwords.plan("x")
    assert plan.requests[0].url.startswith("http://127.0.0.1:9/range/")


def test_an_empty_password_is_refused() -> None:
    with pytest.raises(UsageError, match="no password"):
        passwords.plan("")


def test_count_ignores_padding_and_malformed_lines() -> None:
    body = "\r\n".join([
        f"{SUFFIX}:0",  # a padding line for our very suffix: still "not found"
        f"{SUFFIX}",  # no count
        f"{SUFFIX}:many",  # not a number
        f"{SUFFIX}:-4",
        f"{SUFFIX}:１２",  # full-width digits are not ASCII digits
        f"{SUFFIX[:-1]}:9",  # a different suffix
        "",
        "garbage",
    ])
    assert passwords.count(body, SUFFIX) == 0
    assert passwords.count(body + f"\r\n{SUFFIX.lower()}:12\r\n", SUFFIX) == 12
    assert passwords.count(padded_range(SUFFIX, 3861).decode(), SUFFIX.lower()) == 3861
    assert passwords.count(padded_range(None, 0), SUFFIX) == 0


@given(st.text(max_size=500), st.integers(min_value=1, max_value=10**9))
def test_count_never_fails_on_any_answer(body: str, times: int) -> None:
    """Any text around the wanted line: no count is invented, and the real one is found."""
    assume(SUFFIX not in body.upper())
    assert passwords.count(body, SUFFIX) == 0
    assert passwords.count(body.encode("utf-8", "surrogatepass"), SUFFIX) == 0
    around = f"{body}\n{SUFFIX}:{times}\n{body}"
    assert passwords.count(around, SUFFIX) == times
    assert passwords.count(around.encode("utf-8", "surrogatepass"), SUFFIX) == times


def response(status: int, body: bytes = b"", truncated: bool = False) -> Response:
    return Response(status, {}, body, "https://api.pwnedpasswords.com/range/ABCDE", 0.1,
                    truncated)


def test_evaluate_reports_found_and_not_found() -> None:
    found = passwords.evaluate(response(200, padded_range(SUFFIX, 7)), SUFFIX)
    assert found.found and found.count == 7 and "do not use it" in found.message
    assert "found 7 times" in found.message
    clean = passwords.evaluate(response(200, padded_range(None, 0)), SUFFIX)
    assert not clean.found and "not found" in clean.message


@pytest.mark.parametrize("status", [404, 429, 500, 503])
def test_any_other_answer_is_a_service_failure(status: int) -> None:
    with pytest.raises(NetworkFailed, match=f"HTTP {status}"):
        passwords.evaluate(response(status), SUFFIX)


def test_a_cut_off_answer_is_a_failure_not_a_result() -> None:
    with pytest.raises(NetworkFailed, match="cut off"):
        passwords.evaluate(response(200, b"x" * 10, truncated=True), SUFFIX)


# --- the command, against a real loopback server ---


def test_found_password_only_the_prefix_reaches_the_server(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 42))
    result = run_kit("check", "password", "--stdin", "--yes", input=CANARY + "\n",
                     env=env_for(server))
    assert result.code == 0, result.err
    assert "found 42 times in known breaches — do not use it" in result.out
    (seen,) = server.received
    assert seen.method == "GET" and seen.path == f"/range/{PREFIX}"
    assert seen.headers.get("add-padding") == "true"
    assert seen.body == b""
    sent = json.dumps([seen.path, dict(seen.headers), seen.body.decode()])
    for secret in (CANARY, SUFFIX, SUFFIX.lower(), DIGEST, DIGEST.lower()):
        assert secret not in sent
    # The plan was shown on stderr before sending, and the password nowhere.
    assert f"/range/{PREFIX}" in result.err
    assert CANARY not in result.out + result.err


def test_not_found_password_exit_0(cli_vault: Path,
                                   http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(None, 0))
    result = run_kit("check", "password", "--stdin", "--yes", "--json", input=CANARY + "\n",
                     env=env_for(server))
    assert result.code == 0, result.err
    assert json.loads(result.out) == {"check": "password", "found": False, "count": 0}
    human = run_kit("check", "password", "--stdin", "--yes", input=CANARY, env=env_for(server))
    assert human.code == 0 and "not found" in human.out


def test_the_password_never_reaches_disk_or_the_vault(
        cli_vault: Path, kit_env: Path, http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 5))
    result = run_kit("check", "password", "--stdin", "--yes", "--json", input=CANARY + "\n",
                     env=env_for(server))
    assert result.code == 0, result.err
    assert json.loads(result.out)["count"] == 5
    on_disk = all_bytes_under(kit_env)
    inside = decrypted(cli_vault)
    for secret in (CANARY, SUFFIX, SUFFIX.lower(), DIGEST, DIGEST.lower()):
        assert secret.encode() not in on_disk
        assert secret not in inside
    # ... while the ledger did record the request, and the register the finding.
    (ledger,) = records_of(cli_vault, "network_ledger")
    (entry,) = ledger["requests"]  # type: ignore[misc]
    assert entry["host"] == f"127.0.0.1:{server.port}" and entry["status"] == 200
    (finding,) = records_of(cli_vault, "finding")
    assert finding["source"] == "password" and finding["severity"] == "high"
    assert finding["fix_item"] == "accounts-password-manager"


def test_without_yes_and_without_a_terminal_nothing_is_sent(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 1))
    result = run_kit("check", "password", "--stdin", input=CANARY + "\n", env=env_for(server))
    assert result.code == 6, result.err
    assert "--yes" in result.err and "Nothing was sent" in result.err
    assert server.received == []
    assert records_of(cli_vault, "network_ledger") == []


def test_offline_refuses_with_exit_6(cli_vault: Path,
                                     http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 1))
    result = run_kit("check", "password", "--stdin", "--yes", "--json", input=CANARY + "\n",
                     env=env_for(server, KIT_OFFLINE="1"))
    assert result.code == 6
    assert json.loads(result.out)["error"]["exit"] == 6
    assert "offline" in result.err and server.received == []


@pytest.mark.parametrize("status", [500, 429])
def test_a_failing_service_is_exit_7_and_still_in_the_ledger(
        cli_vault: Path, http_server: Callable[..., LoopbackServer], status: int) -> None:
    server = range_server(http_server, b"oops", status=status)
    result = run_kit("check", "password", "--stdin", "--yes", input=CANARY + "\n",
                     env=env_for(server))
    assert result.code == 7, result.err
    assert f"HTTP {status}" in result.err and "Traceback" not in result.err
    (ledger,) = records_of(cli_vault, "network_ledger")
    assert ledger["requests"][0]["status"] == status  # type: ignore[index]


def test_an_unreachable_service_is_exit_7(cli_vault: Path,
                                          http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, b"")
    url = server.url
    server.close()  # nothing listens there now
    result = run_kit("check", "password", "--stdin", "--yes", input=CANARY + "\n",
                     env={"KIT_PWNED_PASSWORDS_URL": url})
    assert result.code == 7 and "could not reach" in result.err
    assert CANARY not in result.err


@pytest.mark.parametrize("given", ["", "\n", "\r\n"])
def test_an_empty_stdin_is_a_usage_error(cli_vault: Path, given: str) -> None:
    result = run_kit("check", "password", "--stdin", "--yes", input=given)
    assert result.code == 2 and "no password" in result.err


def test_stdin_that_is_not_utf8_is_refused(cli_vault: Path) -> None:
    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE}
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "kit", "check", "password", "--stdin", "--yes"],
                          input=b"\xff\xfe secret\n", capture_output=True, env=env,
                          start_new_session=True, timeout=120)
    assert proc.returncode == 1 and b"not valid UTF-8" in proc.stderr
    assert b"secret" not in proc.stderr


def test_without_stdin_and_without_a_terminal_it_says_how(cli_vault: Path) -> None:
    result = run_kit("check", "password", "--yes")
    assert result.code == 2 and "--stdin" in result.err


def test_no_vault_means_nothing_is_asked_or_sent(
        http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 1))
    result = run_kit("check", "password", "--stdin", "--yes", input=CANARY,
                     env=env_for(server))
    assert result.code == 1 and "kit init" in result.err and server.received == []


def test_typed_at_the_terminal_without_echo_then_asked_to_send(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 2))
    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE, **env_for(server)}
    session = PtySession([sys.executable, "-m", "kit", "check", "password"], env=env)
    session.expect("Password to check")
    session.send(CANARY)
    session.expect("[y/N]")
    assert server.received == []  # nothing before the answer
    session.send("y")
    assert session.wait() == 0
    assert "found 2 times" in session.text
    assert CANARY not in session.text  # never echoed
    assert [r.path for r in server.received] == [f"/range/{PREFIX}"]


def test_answering_no_at_the_terminal_sends_nothing(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 2))
    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE, **env_for(server)}
    session = PtySession([sys.executable, "-m", "kit", "check", "password"], env=env)
    session.expect("Password to check")
    session.send(CANARY)
    session.expect("[y/N]")
    session.send("n")
    assert session.wait() == 6
    assert "not approved" in session.text and server.received == []


# --- what a script pipes in: a byte order mark, line endings, more than one line ---


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n", b"\r"])
def test_a_bom_and_one_line_ending_are_not_part_of_the_password(bom: bytes,
                                                                 ending: bytes) -> None:
    assert passwords.password_from_input(bom + CANARY.encode() + ending) == CANARY


@pytest.mark.parametrize("kept", [" lead", "trail ", "\ttab", "in\ufeffside", "\ufeff"])
def test_every_other_character_is_kept(kept: str) -> None:
    # Only one BOM at the very start goes: a second, or one elsewhere, is the user's own.
    assert passwords.password_from_input(b"\xef\xbb\xbf" + kept.encode() + b"\n") == kept


@pytest.mark.parametrize("given", [b"Pw1\nPw2", b"Pw1\nPw2\n", b"Pw1\n\n", b"Pw1\r\n\r\n",
                                   b"Pw1\rPw2", b"\xef\xbb\xbfPw1\r\nPw2\r\n"])
def test_more_than_one_line_is_refused(given: bytes) -> None:
    with pytest.raises(UsageError, match="more than one line") as caught:
        passwords.password_from_input(given)
    assert caught.value.exit_code == 2
    assert "Pw1" not in caught.value.message and "Pw2" not in caught.value.message


@pytest.mark.parametrize(("given", "message"), [
    (b"", "no password"), (b"\xef\xbb\xbf\r\n", "no password"),
    (b"x" * (passwords.MAX_STDIN_BYTES + 1), "more than 4096 bytes"),
    (b"\xff\xfep\x00w\x00", "UTF-16")])
def test_what_is_not_one_password_is_refused(given: bytes, message: str) -> None:
    from kit.errors import BadInput

    with pytest.raises((UsageError, BadInput), match=message):
        passwords.password_from_input(given)


def run_with_bytes(given: bytes, server: LoopbackServer) -> tuple[int, str, str]:
    import subprocess

    env = {**os.environ, "KIT_PASSPHRASE": PASSPHRASE, **env_for(server)}
    proc = subprocess.run([sys.executable, "-m", "kit", "check", "password", "--stdin", "--yes",
                           "--json"], input=given, capture_output=True, env=env,
                          start_new_session=True, timeout=120)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_the_issues_command_finds_the_password(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    # printf '\xef\xbb\xbfpassword\r\n' | kit check password --stdin: the BOM and the CRLF had
    # been hashed with it, so a breached password came back "not found".
    server = range_server(http_server, padded_range(SUFFIX, 9))
    code, out, err = run_with_bytes(b"\xef\xbb\xbf" + CANARY.encode() + b"\r\n", server)
    assert code == 0, err
    assert json.loads(out) == {"check": "password", "found": True, "count": 9}
    assert [r.path for r in server.received] == [f"/range/{PREFIX}"]


def test_two_lines_on_stdin_are_a_usage_error_and_nothing_is_sent(
        cli_vault: Path, http_server: Callable[..., LoopbackServer]) -> None:
    server = range_server(http_server, padded_range(SUFFIX, 9))
    code, out, err = run_with_bytes(CANARY.encode() + b"\nsecond line\n", server)
    assert code == 2, err
    assert json.loads(out)["error"]["exit"] == 2
    assert "more than one line" in err and "Nothing was sent" in err
    assert CANARY not in out + err and "second line" not in out + err
    assert server.received == []
