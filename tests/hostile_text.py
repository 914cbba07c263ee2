"""Text a stranger might plant in a packet, card, site list, server reply or file, and the checks
that it reaches the terminal only as visible escapes (see kit/terminal_text.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from tests.conftest import PASSPHRASE

FORGED = "The packet opened fine."
# OSC (sets the window title), CSI (clears the screen), CR and LF (forge a line), the 8-bit CSI,
# and a right-to-left override that makes what follows read backwards.
HOSTILE = f"Eve\x1b]0;PWNED\x07\x1b[2J\r\n{FORGED}\x9b2J\u202eexe.txt"
# How HOSTILE reads once made safe for one line of a message.
HOSTILE_SHOWN = "Eve\\x1b]0;PWNED\\x07\\x1b[2J\\r\\nThe packet opened fine.\\x9b2J\\u202eexe.txt"

_FORBIDDEN = {chr(c) for c in [*range(0x00, 0x20), *range(0x7f, 0xa0)] if chr(c) not in "\n\t"}
_FORBIDDEN |= set("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e"
                  "\u2066\u2067\u2068\u2069")


@dataclass
class Raw:
    code: int
    out: bytes
    err: bytes


def run_kit_raw(*args: str, env: dict[str, str] | None = None,
                passphrase: str | None = PASSPHRASE, input: bytes = b"") -> Raw:
    """The installed CLI as a user runs it, its output kept as the exact bytes written."""
    full_env = dict(os.environ)
    if passphrase is not None:
        full_env["KIT_PASSPHRASE"] = passphrase
    full_env.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "kit", *args], input=input,
                          capture_output=True, env=full_env, timeout=120,
                          start_new_session=True)
    return Raw(proc.returncode, proc.stdout, proc.stderr)


def terminal_safe(data: bytes) -> str:
    """*data* decoded, after checking that no byte in it would act on a terminal: no ESC, BEL,
    CR or other control but newline and tab, no C1 (8-bit CSI included), no bidi character, no
    undecodable byte, and no line forged by a stranger's newline."""
    text = data.decode("utf-8")  # strict: a stray 0x9b byte is not valid UTF-8 either
    found = sorted({f"U+{ord(ch):04X}" for ch in text if ch in _FORBIDDEN})
    assert not found, f"raw control or bidi characters reached the terminal: {found}"
    assert not any(line.lstrip().startswith(FORGED) for line in text.splitlines()), \
        "a stranger's newline forged a line of output"
    return text
