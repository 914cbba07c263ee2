"""Shared fixtures: every test gets its own KIT_HOME, the fast KDF profile, no secrets in the
environment, and no way to reach any host but loopback."""

from __future__ import annotations

import hashlib
import io
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring
import pytest

from kit.vault import Credentials, Vault
from tests.keyring_backends.memory import Keyring as MemoryKeyring

if TYPE_CHECKING:
    from kit.workspace import Workspace

PASSPHRASE = "correct horse battery staple"
REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the full-depth tamper and crash sweeps")


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """Hostile inputs run to megabytes: name such a case by its start, its length and a digest,
    so the test's name stays readable and the same on every xdist worker."""
    if isinstance(val, str | bytes) and len(val) > 60:
        raw = val.encode("utf-8", "surrogatepass") if isinstance(val, str) else val
        start = raw[:24].decode("ascii", "backslashreplace")
        return f"{start}...({len(val)} long, {hashlib.sha256(raw).hexdigest()[:8]})"
    return None


@pytest.fixture
def slow(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--slow"))


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
# Non-loopback connections tried by the running test. The guard raises, but code under test may
# catch that (the transport turns it into NetworkFailed), so the test is also failed afterwards.
_blocked: list[str] = []


class InternetBlocked(ConnectionRefusedError):
    """A test tried to connect beyond loopback (127.0.0.0/8, ::1)."""


def _check_loopback(sock: socket.socket, address: object) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = str(address[0])
        try:
            loopback = ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            _blocked.append(host)
            raise InternetBlocked(f"tests may not reach {host}")


def _loopback_only(self: socket.socket, address: object) -> object:
    _check_loopback(self, address)
    return _real_connect(self, address)  # type: ignore[arg-type]


def _loopback_only_ex(self: socket.socket, address: object) -> int:
    _check_loopback(self, address)
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


NETGUARD = Path(__file__).parent / "netguard"


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No test reaches beyond this machine: a connection elsewhere raises, and fails the test
    even when the code under test swallowed the error. Child Pythons get the same rule
    (tests/netguard/sitecustomize.py) and report what they tried in a file read here."""
    _blocked.clear()
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.setattr(socket.socket, "connect_ex", _loopback_only_ex)
    child_log = tmp_path / "netguard-blocked.log"
    monkeypatch.setenv("FLK_TEST_BLOCKED_LOG", str(child_log))
    paths = [str(NETGUARD), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    yield
    if child_log.exists():
        _blocked.extend(child_log.read_text(encoding="utf-8").split())
    if _blocked:
        tried = ", ".join(sorted(set(_blocked)))
        _blocked.clear()
        pytest.fail(f"the test tried to reach {tried}; tests may use loopback only",
                    pytrace=False)


@pytest.fixture(autouse=True)
def kit_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private KIT_HOME and a clean environment for every test."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith(("KIT_", "TEXTUAL")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIT_HOME", str(home))
    monkeypatch.setenv("KIT_KDF_PROFILE", "minimum")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


@pytest.fixture(autouse=True)
def cheap_age_sealing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """pyrage seals a passphrase age file at the scrypt cost that takes about a second on the
    writing computer, and opening it costs as much again: most of what an encrypted pack costs
    a test. In this process such files are sealed at work factor 10 instead, in the same format
    (tests/hostile_files.py), and pyrage still opens each one. A test marked real_age_sealing
    keeps pyrage's own sealing, as `kit` run as a command always does."""
    if request.node.get_closest_marker("real_age_sealing"):
        return
    import pyrage

    from tests.hostile_files import age_passphrase_file

    def seal(plaintext: bytes, passphrase: str) -> bytes:
        return age_passphrase_file(plaintext, passphrase)

    monkeypatch.setattr(pyrage.passphrase, "encrypt", seal)


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_kit(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            passphrase: str | None = PASSPHRASE, timeout: float = 120) -> Result:
    """Run the installed CLI as a user would, in its own session (no controlling terminal)."""
    full_env = dict(os.environ)
    if passphrase is not None:
        full_env["KIT_PASSPHRASE"] = passphrase
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "kit", *args], input=input if input is not None else "",
        capture_output=True, text=True, env=full_env, timeout=timeout, start_new_session=True,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def loaded_modules(*args: str) -> set[str]:
    """The modules `kit ARGS` has imported by the time it ends, from a fresh interpreter."""
    code = ("import sys, runpy\n"
            f"sys.argv = ['kit', *{list(args)!r}]\n"
            "try:\n"
            "    runpy.run_module('kit', run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n"
            "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          start_new_session=True, env={**os.environ, "KIT_PASSPHRASE": "x" * 10})
    return set(proc.stderr.split())


@pytest.fixture
def kit() -> type[Result] | object:
    return run_kit


@pytest.fixture
def vault_path(kit_env: Path) -> Path:
    return kit_env / "vault"


@pytest.fixture(scope="session")
def new_vault_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty vault per test process, made as a person makes one (`kit init`, minimum KDF
    profile, in a private KIT_HOME), never opened by a test. Tests that only need *a* new
    vault get a copy (new_vault_at): making one costs a process, two key derivations and a
    dozen fsyncs, about 0.3 s of CPU and more of waiting, and some 500 tests ask for one.
    A test about making vaults makes its own."""
    home = tmp_path_factory.mktemp("template-home")
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("KIT_", "TEXTUAL"))}
    env.update(KIT_HOME=str(home), KIT_KDF_PROFILE="minimum", KIT_PASSPHRASE=PASSPHRASE,
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    proc = subprocess.run([sys.executable, "-m", "kit", "init"], input="", capture_output=True,
                          text=True, env=env, timeout=120, start_new_session=True)
    assert proc.returncode == 0, proc.stderr
    template = home / "vault"
    assert (template / "vault.header").is_file() and (template / "vault.sqlite").is_file()
    return template


def new_vault_at(template: Path, path: Path) -> Path:
    """A copy of the template vault at *path* (modes and times kept), as `kit init` left it."""
    shutil.copytree(template, path, symlinks=True)
    return path


@pytest.fixture
def vault(vault_path: Path, new_vault_template: Path) -> Iterator[Vault]:
    """A new vault (minimum KDF profile) opened through the API."""
    v = Vault.open(new_vault_at(new_vault_template, vault_path),
                   Credentials(passphrase=PASSPHRASE))
    try:
        yield v
    finally:
        v.close()


@pytest.fixture
def workspace(vault: Vault) -> Workspace:
    """The repositories over the new vault, as the app and the commands use them."""
    from kit.workspace import Workspace

    return Workspace(vault)


@pytest.fixture
def cli_vault(vault_path: Path, new_vault_template: Path) -> Path:
    """A vault created through `kit init`, closed, ready for CLI commands."""
    return new_vault_at(new_vault_template, vault_path)


@pytest.fixture
def secure_keyring() -> Iterator[MemoryKeyring]:
    """A keyring the kit trusts, in memory, for this test only."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@dataclass
class Ran:
    """What a command run in this process left: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


KitRun = Callable[..., Ran]


@pytest.fixture
def kit_in_process(kit_env: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> KitRun:
    """Run `kit ARGS` through kit.cli.main in this process (the one place errors become exit
    codes), faster than run_kit's subprocess: stdin is *stdin*, the passphrase is taken as
    if from KIT_PASSPHRASE (None: no passphrase at all), *env* is set for this run only, and
    a traceback fails the test. As under run_kit there is no terminal to ask on, even when
    the tests themselves were started from one."""
    from kit import credentials
    from kit.cli import main

    monkeypatch.setattr(credentials, "terminal_available", lambda: False)

    def run(*args: str, stdin: bytes | str = b"", passphrase: str | None = PASSPHRASE,
            env: dict[str, str] | None = None) -> Ran:
        raw = stdin.encode() if isinstance(stdin, str) else stdin
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        secrets = {credentials.ENV_PASSPHRASE: passphrase} if passphrase else {}
        monkeypatch.setattr(credentials, "_taken", secrets)
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as scoped, pytest.raises(SystemExit) as caught:
            for name, value in (env or {}).items():
                scoped.setenv(name, value)
            main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return Ran(int(caught.value.code or 0), out, err)

    return run


class Cli:
    """`kit ARGS` in this process (kit_in_process) with run_kit's keywords, for tests of what a
    command says and does rather than of the process: each subprocess costs about a second of
    start-up and imports. run_kit stays for the contract (tests/test_cli.py), truly no
    terminal, killed and capped processes."""

    def __init__(self, kit: KitRun) -> None:
        self._kit = kit

    def run(self, *args: str, input: str | None = None, env: dict[str, str] | None = None,
            passphrase: str | None = PASSPHRASE) -> Ran:
        return self._kit(*args, stdin=input or "", env=env, passphrase=passphrase)

    def ok(self, *args: str, **options: Any) -> str:
        """The command's stdout, once it has exited 0."""
        result = self.run(*args, **options)
        assert result.code == 0, f"kit {' '.join(args[:2])} exited {result.code}: {result.err}"
        return result.out

    def state(self) -> tuple[int, dict[str, int]]:
        """The vault's commit counter and its records by kind (`kit vault info`)."""
        doc = json.loads(self.ok("vault", "info", "--json"))
        return doc["commit"], doc["records"]


@pytest.fixture
def cli(kit_in_process: KitRun) -> Cli:
    return Cli(kit_in_process)


@pytest.fixture
def made_vault(vault_path: Path, new_vault_template: Path) -> Path:
    """An empty vault at the test's vault path, locked, for a command to open."""
    return new_vault_at(new_vault_template, vault_path)
