"""Hostile files for the tests that prove a bad file costs bounded memory and time: named pipes,
sparse giants, age files with a crafted scrypt cost, and the kit run under a memory limit."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE, Result

GIB = 1024**3
# A command refused before it reads or derives anything returns in well under this, even on a
# loaded two-core machine; one that blocks on a pipe or reads /dev/zero never does.
PROMPT = 60

# Runs the kit's CLI in a process whose address space is capped at argv[1] bytes more than
# it has once the kit is imported: the "3 GiB limit" of the issue, scaled to what a refusal
# needs. A read of a 3 GB file, or a 4 GiB scrypt, fails there instead of passing unnoticed.
_CAPPED = """
import resource, sys
from kit.cli import main
import pyrage, cryptography.hazmat.primitives.kdf.argon2
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
limit = size + int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
main(sys.argv[2:])
"""


def run_kit_capped(*args: str, headroom: int = GIB // 2, passphrase: str | None = PASSPHRASE,
                   env: dict[str, str] | None = None, timeout: float = PROMPT) -> Result:
    """Run `kit ARGS` with at most *headroom* bytes of address space beyond its start-up."""
    full_env = dict(os.environ)
    if passphrase is not None:
        full_env["KIT_PASSPHRASE"] = passphrase
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-c", _CAPPED, str(headroom), *args], input="",
                          capture_output=True, text=True, env=full_env, timeout=timeout,
                          start_new_session=True)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def fifo(path: Path) -> Path:
    """A named pipe with no writer: opening it for reading the usual way blocks for ever."""
    os.mkfifo(path)
    return path


def sparse(path: Path, size: int = 3 * GIB) -> Path:
    """A file of *size* bytes that takes no disk space (as `truncate -s 3G` makes)."""
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def age_with_scrypt(log_n: int | str, body: bytes = b"") -> bytes:
    """An age file whose header asks for scrypt work factor *log_n*: only the header text is
    crafted (no scrypt is computed), so it costs nothing to make, and everything to open if
    the kit did not read the header first."""
    return (b"age-encryption.org/v1\n"
            + b"-> scrypt " + _b64(os.urandom(16)) + b" " + str(log_n).encode() + b"\n"
            + _b64(os.urandom(32)) + b"\n"
            + b"--- " + _b64(os.urandom(32)) + b"\n" + os.urandom(64) + body)


def armored(data: bytes) -> bytes:
    """*data* in age's ASCII armor (PEM-like, 64 columns)."""
    text = base64.b64encode(data)
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    return (b"-----BEGIN AGE ENCRYPTED FILE-----\n" + b"\n".join(lines)
            + b"\n-----END AGE ENCRYPTED FILE-----\n")


def tree_state(root: Path) -> dict[str, tuple[str, int]]:
    """Every entry under *root*: a regular file by its content hash, anything else (a pipe)
    by its type; so a test can say that nothing changed on disk."""
    state: dict[str, tuple[str, int]] = {}
    if not root.exists():
        return state
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        if path.is_file() and not path.is_symlink():
            if st.st_size > 64 * 1024 * 1024:  # a sparse giant: its size says enough
                state[str(path)] = ("large", st.st_size)
            else:
                state[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_size)
        else:
            state[str(path)] = (f"mode {st.st_mode:o}", 0)
    return state


def age_passphrase_file(plaintext: bytes, passphrase: str, log_n: int = 10) -> bytes:
    """*plaintext* sealed with *passphrase* in the age format (C2SP age.md), at scrypt work
    factor *log_n*. pyrage picks about a second of work per file and offers no choice; tests
    that only need a real passphrase-sealed file (a backup to restore) make it here cheaply,
    and pyrage (the kit's reader) opens it like any other."""
    from cryptography.hazmat.primitives import hashes, hmac
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def b64(data: bytes) -> bytes:
        return base64.b64encode(data).rstrip(b"=")

    def hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 32, salt, info).derive(key)

    file_key, salt = os.urandom(16), os.urandom(16)
    wrap_key = hashlib.scrypt(passphrase.encode(), salt=b"age-encryption.org/v1/scrypt" + salt,
                              n=2**log_n, r=8, p=1, dklen=32, maxmem=2**31 - 1)
    body = ChaCha20Poly1305(wrap_key).encrypt(bytes(12), file_key, None)
    header = (b"age-encryption.org/v1\n-> scrypt " + b64(salt) + b" " + str(log_n).encode()
              + b"\n" + b64(body) + b"\n---")
    mac = hmac.HMAC(hkdf(file_key, b"", b"header"), hashes.SHA256())
    mac.update(header)
    nonce = os.urandom(16)
    stream = ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))
    size = 64 * 1024
    chunks = [plaintext[i:i + size] for i in range(0, len(plaintext), size)] or [b""]
    sealed = [stream.encrypt(index.to_bytes(11, "big") + bytes([index == len(chunks) - 1]),
                             chunk, None) for index, chunk in enumerate(chunks)]
    return header + b" " + b64(mac.finalize()) + b"\n" + nonce + b"".join(sealed)
