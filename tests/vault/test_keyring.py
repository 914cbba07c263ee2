"""The keyring device slot against real backends: the fail and null backends, plaintext ones,
backends that never answer, and a real Secret Service (gnome-keyring in a private D-Bus
session started here).

Every `kit` runs as a subprocess in its own session (no terminal), the backend chosen with
PYTHON_KEYRING_BACKEND. The test backends live in tests/keyring_backends/ and are never
imported by this process (importing one registers it with the keyring library).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit.errors import WrongSecret
from kit.vault import Credentials, Vault, device, recovery
from tests.conftest import PASSPHRASE, REPO, Result, run_kit

FAIL = "keyring.backends.fail.Keyring"
NULL = "keyring.backends.null.Keyring"
SECRET_SERVICE = "keyring.backends.SecretService.Keyring"
HANGING = "tests.keyring_backends.hanging.Keyring"
HANGING_DETECT = "tests.keyring_backends.hanging.DetectKeyring"
PLAINTEXT = "tests.keyring_backends.insecure.Keyring"
ALT_PLAINTEXT = "keyrings.alt.file.PlaintextKeyring"  # written to tmp_path by a fixture

BOUND = 20.0  # seconds: a command facing a hung keyring must be done well within this
NO_SECURE = "no secure system keyring"
NO_ANSWER = "did not answer"


def kit_with(backend: str, *args: str, passphrase: str | None = PASSPHRASE,
             env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """Run `kit` with *backend* as the keyring; tests/ importable for the test backends."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    full = {"PYTHON_KEYRING_BACKEND": backend, "PYTHONPATH": path, **(env or {})}
    return run_kit(*args, passphrase=passphrase, env=full, timeout=timeout)


def timed(backend: str, *args: str, passphrase: str | None = PASSPHRASE,
          env: dict[str, str] | None = None) -> tuple[Result, float]:
    """Run `kit`; a run that outlives BOUND is killed and fails the test (TimeoutExpired)."""
    start = time.monotonic()
    result = kit_with(backend, *args, passphrase=passphrase, env=env, timeout=BOUND)
    return result, time.monotonic() - start


def files_of(path: Path) -> dict[str, bytes]:
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


def slot_types(vault_path: Path) -> list[str]:
    with Vault.open(vault_path, Credentials(passphrase=PASSPHRASE)) as v:
        return v.slot_types()


def add_entry(vault_path: Path, text: str) -> None:
    result = run_kit("journal", "add", "-", input=text)
    assert result.code == 0, result.err


@pytest.fixture
def alt_site(tmp_path: Path) -> str:
    """A module at keyrings.alt.file, as keyrings.alt installs it, with a high priority so
    that only its module path gives it away."""
    package = tmp_path / "alt-site" / "keyrings" / "alt"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "file.py").write_text(
        "from tests.keyring_backends.insecure import Keyring\n\n\n"
        "class PlaintextKeyring(Keyring):\n"
        "    priority = 2\n"
    )
    return str(tmp_path / "alt-site")


# --- no secure backend: fail, null, plaintext ---


def test_fail_backend_status_says_plainly_there_is_none(cli_vault: Path) -> None:
    result = kit_with(FAIL, "keyring", "status", "--json", passphrase=None)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["secure_backend"] is False
    assert doc["enabled"] is False
    assert NO_SECURE in doc["detail"]

    human = kit_with(FAIL, "keyring", "status", passphrase=None)
    assert human.code == 0, human.err
    assert "Keyring unlock: off" in human.out
    assert NO_SECURE in human.out


@pytest.mark.parametrize("backend", [FAIL, NULL, PLAINTEXT, ALT_PLAINTEXT])
def test_enable_is_refused_without_a_secure_backend(
        backend: str, cli_vault: Path, tmp_path: Path, alt_site: str) -> None:
    plaintext_file = tmp_path / "plaintext-keyring.json"
    env = {"KIT_TEST_PLAINTEXT_KEYRING": str(plaintext_file)}
    if backend == ALT_PLAINTEXT:
        env["PYTHONPATH"] = os.pathsep.join([alt_site, str(REPO)])
    before = files_of(cli_vault)

    status = kit_with(backend, "keyring", "status", "--json", passphrase=None, env=env)
    assert status.code == 0, status.err
    doc = json.loads(status.out)
    assert doc["secure_backend"] is False
    assert doc["backend"] == backend
    assert NO_SECURE in doc["detail"]

    result = kit_with(backend, "keyring", "enable", "--yes", env=env)
    assert result.code == 1, result.err
    assert NO_SECURE in result.err
    assert "kit:" in result.err and "Traceback" not in result.err

    as_json = kit_with(backend, "keyring", "enable", "--yes", "--json", env=env)
    assert as_json.code == 1
    assert json.loads(as_json.out)["error"]["code"] == "keyring_unavailable"

    assert files_of(cli_vault) == before, "a refused enable changed the vault"
    assert "device" not in slot_types(cli_vault)
    assert not plaintext_file.exists(), "the device key reached a plaintext keyring"


def test_device_slot_with_fail_backend_falls_back_to_passphrase(vault: Vault,
                                                               vault_path: Path) -> None:
    """A vault whose keyring is gone (a server, an SSH session) still opens with the
    passphrase, and without one says how to give it."""
    vault.add_device_slot(os.urandom(32))
    vault.close()
    add_entry(vault_path, "written before the keyring went away")

    opened = kit_with(FAIL, "journal", "list", "--json")
    assert opened.code == 0, opened.err
    assert json.loads(opened.out)["total"] == 1

    locked = kit_with(FAIL, "journal", "list", passphrase=None)
    assert locked.code == 2, locked.err
    assert NO_SECURE in locked.err
    assert "KIT_PASSPHRASE" in locked.err


# --- a backend that never answers ---


@pytest.mark.parametrize("backend", [HANGING, HANGING_DETECT])
def test_hanging_backend_status_and_enable_time_out(backend: str, cli_vault: Path) -> None:
    env = {"KIT_KEYRING_TIMEOUT": "1"}
    before = files_of(cli_vault)

    status, took = timed(backend, "keyring", "status", "--json", passphrase=None, env=env)
    assert status.code == 0, status.err
    doc = json.loads(status.out)
    assert doc["secure_backend"] is False
    assert NO_ANSWER in doc["detail"]
    assert took < BOUND

    enable, took = timed(backend, "keyring", "enable", "--yes", env=env)
    assert enable.code == 1, enable.err
    assert NO_ANSWER in enable.err
    assert took < BOUND

    assert files_of(cli_vault) == before, "a timed-out enable changed the vault"
    assert "device" not in slot_types(cli_vault)


@pytest.mark.parametrize("backend", [HANGING, HANGING_DETECT])
def test_hanging_backend_never_locks_out_a_device_slot_vault(
        backend: str, vault: Vault, vault_path: Path) -> None:
    vault.add_device_slot(os.urandom(32))
    vault.close()
    add_entry(vault_path, "the keyring hangs but this stays readable")
    env = {"KIT_KEYRING_TIMEOUT": "1"}

    opened, took = timed(backend, "journal", "list", "--json", env=env)
    assert opened.code == 0, opened.err
    entries = json.loads(opened.out)["entries"]
    assert [e["text"] for e in entries] == ["the keyring hangs but this stays readable"]
    assert took < BOUND

    info, _took = timed(backend, "vault", "info", "--json", env=env)
    assert info.code == 0, info.err
    doc = json.loads(info.out)
    assert doc["keyring_unlock"] is True
    assert doc["unlocked_by"] == "passphrase"

    locked, took = timed(backend, "journal", "list", passphrase=None, env=env)
    assert locked.code == 2, locked.err
    assert NO_ANSWER in locked.err
    assert "KIT_PASSPHRASE" in locked.err
    assert took < BOUND


# --- a real Secret Service: gnome-keyring in a private D-Bus session ---

DBUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={socket_dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""
# No <servicedir>: nothing is D-Bus-activated behind the test's back; the only Secret Service
# on this bus is the gnome-keyring-daemon started below.

PROBE = """
import keyring, sys
keyring.set_password("kit-test-probe", "probe", "ok")
assert keyring.get_password("kit-test-probe", "probe") == "ok"
keyring.delete_password("kit-test-probe", "probe")
"""

READ_KEY = """
import json, keyring, sys
print(json.dumps(keyring.get_password(sys.argv[1], sys.argv[2])))
"""


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A private session bus with an unlocked gnome-keyring on it; yields the environment
    that points `kit` (and the keyring library) at it. Both daemons die at teardown."""
    missing = [tool for tool in ("gnome-keyring-daemon", "dbus-daemon") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed (.ci/run installs gnome-keyring "
                    "and dbus); the real Secret Service test cannot run here")
    runtime = Path(tempfile.mkdtemp(prefix="kit-ss-"))  # short: it holds unix sockets
    home = tmp_path / "keyring-home"
    home.mkdir()
    config = tmp_path / "session.conf"
    config.write_text(DBUS_CONFIG.format(socket_dir=runtime))
    log = (tmp_path / "daemons.log").open("wb")
    procs: list[subprocess.Popen[bytes]] = []
    try:
        bus = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log,
            start_new_session=True)
        procs.append(bus)
        assert bus.stdout is not None
        ready, _, _ = select.select([bus.stdout], [], [], 15)
        address = bus.stdout.readline().decode().strip() if ready else ""
        assert address.startswith("unix:"), "the private D-Bus session did not start"

        daemon_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),
            "DBUS_SESSION_BUS_ADDRESS": address,
        }
        keyring_daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=log, stderr=log, env=daemon_env,
            start_new_session=True)
        procs.append(keyring_daemon)
        assert keyring_daemon.stdin is not None
        keyring_daemon.stdin.write(b"login keyring password")  # creates and unlocks "login"
        keyring_daemon.stdin.close()

        env = {"PYTHON_KEYRING_BACKEND": SECRET_SERVICE, "DBUS_SESSION_BUS_ADDRESS": address,
               "KIT_KEYRING_TIMEOUT": "15"}
        probe_env = {**os.environ, **env}
        deadline = time.monotonic() + 30
        while True:
            probe = subprocess.run([sys.executable, "-c", PROBE], env=probe_env, timeout=30,
                                   capture_output=True, text=True, start_new_session=True)
            if probe.returncode == 0:
                break
            if time.monotonic() > deadline or keyring_daemon.poll() is not None:
                log.flush()
                pytest.fail("gnome-keyring did not come up on the private bus:\n"
                            f"{probe.stderr}\n{(tmp_path / 'daemons.log').read_text()}")
            time.sleep(0.3)
        yield env
    finally:
        for proc in reversed(procs):
            _stop(proc)
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)


def read_keyring(env: dict[str, str], vault_id: bytes) -> str | None:
    probe = subprocess.run(
        [sys.executable, "-c", READ_KEY, device.SERVICE, device.account(vault_id)],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
        start_new_session=True)
    assert probe.returncode == 0, probe.stderr
    value: str | None = json.loads(probe.stdout)
    return value


def test_real_secret_service_device_slot(secret_service: dict[str, str],
                                         vault_path: Path) -> None:
    env = secret_service

    def kit(*args: str, passphrase: str | None = None) -> Result:
        return kit_with(SECRET_SERVICE, *args, passphrase=passphrase, env=env)

    created = kit("init", "--json", passphrase=PASSPHRASE)
    assert created.code == 0, created.err
    first_recovery = json.loads(created.out)["recovery_key"]
    add_entry(vault_path, "opened by the keyring, not the passphrase")

    status = kit("keyring", "status", "--json")
    assert status.code == 0, status.err
    assert json.loads(status.out) | {"detail": ""} == {
        "enabled": False, "backend": SECRET_SERVICE, "secure_backend": True, "detail": ""}

    # enabling needs the passphrase and shows the warning
    refused = kit("keyring", "enable", "--yes")
    assert refused.code == 2, refused.err
    assert "device" not in slot_types(vault_path)
    enabled = kit("keyring", "enable", "--yes", passphrase=PASSPHRASE)
    assert enabled.code == 0, enabled.err
    assert "anyone who can use your login" in enabled.err
    assert json.loads(kit("keyring", "status", "--json").out)["enabled"] is True

    # the keyring holds a random device key: not the passphrase, not the recovery key
    info = kit("vault", "info", "--json")
    assert info.code == 0, info.err
    doc = json.loads(info.out)
    assert doc["keyring_unlock"] is True
    assert doc["unlocked_by"] == "device"
    vault_id = bytes.fromhex(doc["vault_id"])
    stored = read_keyring(env, vault_id)
    assert stored is not None
    assert PASSPHRASE not in stored and first_recovery not in stored
    device_key = base64.b64decode(stored)
    assert len(device_key) == 32
    with Vault.open(vault_path, Credentials(device_key=device_key)) as v:
        assert v.unlocked_by == "device"

    # no passphrase and no terminal: the journal opens through the device slot
    listed = kit("journal", "list", "--json")
    assert listed.code == 0, listed.err
    assert "Opened with this computer's keyring" in listed.err
    assert [e["text"] for e in json.loads(listed.out)["entries"]] == [
        "opened by the keyring, not the passphrase"]

    # ... but a backup still needs the passphrase itself
    backup_file = vault_path.parent / "backup.age"
    backup = kit("vault", "backup", "--out", str(backup_file))
    assert backup.code == 2, backup.err
    assert "KIT_PASSPHRASE" in backup.err
    assert not backup_file.exists()
    # ... and so does a plaintext export
    export_file = vault_path.parent / "journal.md"
    export = kit("journal", "export", "--format", "md", "--out", str(export_file))
    assert export.code == 2, export.err
    assert not export_file.exists()

    # disable: the key leaves the keyring and the data key changes
    disabled = kit("keyring", "disable", "--yes", "--json", passphrase=PASSPHRASE)
    assert disabled.code == 0, disabled.err
    result = json.loads(disabled.out)
    assert result["rotated"] is True
    new_recovery = result["recovery_key"]
    assert new_recovery != first_recovery
    assert "no longer works" in disabled.err

    assert read_keyring(env, vault_id) is None
    assert json.loads(kit("keyring", "status", "--json").out)["enabled"] is False
    assert "device" not in slot_types(vault_path)

    locked = kit("journal", "list")
    assert locked.code == 2, locked.err
    with pytest.raises(WrongSecret):
        Vault.open(vault_path, Credentials(device_key=device_key))
    with pytest.raises(WrongSecret):
        Vault.open(vault_path, Credentials(recovery_key=recovery.parse(first_recovery)))
    with Vault.open(vault_path, Credentials(recovery_key=recovery.parse(new_recovery))) as v:
        assert v.unlocked_by == "recovery"

    reopened = kit("journal", "list", "--json", passphrase=PASSPHRASE)
    assert reopened.code == 0, reopened.err
    assert json.loads(reopened.out)["total"] == 1

    # A rotation (here `passwd --rotate`) retires keyring unlock too, and says so.
    assert kit("keyring", "enable", "--yes", passphrase=PASSPHRASE).code == 0
    vault_key = read_keyring(env, vault_id)
    assert vault_key is not None
    rotated = kit("passwd", "--rotate", "--yes", passphrase=PASSPHRASE)
    assert rotated.code == 0, rotated.err
    assert "Keyring unlock is now OFF" in rotated.err
    assert "device" not in slot_types(vault_path)
    assert read_keyring(env, vault_id) is None
    with pytest.raises(WrongSecret):
        Vault.open(vault_path, Credentials(device_key=base64.b64decode(vault_key)))
