"""An age file's header, read before the file is handed to pyrage (C2SP age.md, "Header").

A passphrase-encrypted age file names its own scrypt work factor, `-> scrypt <salt> <log2 N>`,
and decrypting it costs 128 x 8 x 2^N bytes of memory: 4 GiB and many seconds at 22, age's own
ceiling. Under a memory limit pyrage does not fail cleanly but aborts the whole process. So the
kit reads the header itself and refuses any work factor above the most it could have written:
pyrage picks the factor that takes about a second on the writing machine, 19 on the machines
the kit is tested on (`pyrage.passphrase.encrypt`, measured), so MAX_LOG_N leaves one step for a
faster computer and no more.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Final

from kit.errors import CostlyFile

MAX_LOG_N: Final = 20  # 1 GiB of scrypt memory: a few seconds here
# age's own ceiling. pyrage calibrates the factor to the writing computer, so a much faster
# one can write 21 or 22: the kit's own backups and packs open up to here when the person
# asks (--allow-costly), having been told the cost.
AGE_MAX_LOG_N: Final = 22
MAX_HEADER_BYTES: Final = 64 * 1024  # the kit's files carry one or two short stanzas
INTRO: Final = b"age-encryption.org/v1\n"
ARMOR_BEGIN: Final = b"-----BEGIN AGE ENCRYPTED FILE-----"
_ARMOR_LINES: Final = MAX_HEADER_BYTES // 48 + 1  # 64 base64 characters carry 48 bytes
_LOG_N = re.compile(rb"[1-9][0-9]?")


def _binary_head(data: bytes) -> bytes | None:
    """The first MAX_HEADER_BYTES of the binary file, decoding the ASCII armor if there is
    one; None if this is not an age file at all (pyrage gives its own answer then)."""
    if data.startswith(INTRO):
        return data[:MAX_HEADER_BYTES]
    stripped = data.lstrip()
    if not stripped.startswith(ARMOR_BEGIN):
        return None
    lines = stripped[len(ARMOR_BEGIN):].split(b"\n", _ARMOR_LINES + 1)[1:_ARMOR_LINES + 1]
    encoded = b"".join(line.strip() for line in lines if not line.startswith(b"-----END"))
    encoded = encoded[:len(encoded) // 4 * 4]
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CostlyFile("its armored text is damaged, so it cannot be opened") from None


def scrypt_work_factors(data: bytes) -> list[int] | None:
    """The log2 work factor of each scrypt stanza in the header of the age file *data*, or
    None when *data* is not an age file. CostlyFile if the header cannot be read safely."""
    head = _binary_head(data)
    if head is None:
        return None
    factors: list[int] = []
    for line in head.split(b"\n")[1:]:
        if line.startswith(b"---"):
            return factors  # the header's MAC line: no stanza follows it
        if not line.startswith(b"-> "):
            continue  # a stanza body line (base64)
        args = line[3:].split(b" ")
        if args[0] != b"scrypt":
            continue
        if len(args) != 3 or not _LOG_N.fullmatch(args[2]):
            raise CostlyFile("its passphrase stanza is malformed, so it cannot be opened")
        factors.append(int(args[2]))
    raise CostlyFile(f"its header is longer than {MAX_HEADER_BYTES // 1024} KiB, far longer than "
                     "any file the kit writes, so it cannot be opened")


def scrypt_gib(log_n: int) -> float:
    """The memory scrypt needs at work factor *log_n* (r = 8, as age uses), in GiB."""
    return float(128 * 8 * 2**log_n) / 2**30


def costly_note(path: Path, opened_by: str) -> str | None:
    """For an age file the kit has just written at *path*: a note for the person if this
    computer chose a work factor above what the kit opens by default, saying how to open it
    (*opened_by* is the command, such as `kit vault restore`). None when there is nothing to
    say."""
    with open(path, "rb") as fh:
        factors = scrypt_work_factors(fh.read(MAX_HEADER_BYTES)) or []
    highest = max(factors, default=0)
    if highest <= MAX_LOG_N:
        return None
    return (f"Note: this computer is fast, so it protected the file more strongly than the kit "
            f"opens by default (scrypt work factor {highest}). To open it, add --allow-costly to "
            f"`{opened_by}` (it then needs {scrypt_gib(highest):,.0f} GiB of memory), "
            "or use the age tool.")


def refuse_costly(data: bytes, what: str, *, allow_costly: bool = False) -> None:
    """Raise CostlyFile, naming *what* the file is, if opening the age file *data* would cost
    more than any file the kit writes (up to age's own ceiling with *allow_costly*). Runs
    before any key derivation."""
    try:
        factors = scrypt_work_factors(data)
    except CostlyFile as exc:
        raise CostlyFile(f"this {what} was refused: {exc.message}. Nothing was "
                         "changed.") from None
    ceiling = AGE_MAX_LOG_N if allow_costly else MAX_LOG_N
    for log_n in factors or ():
        if log_n > ceiling:
            own = "" if allow_costly or log_n > AGE_MAX_LOG_N else (
                f" If the kit made this file on a faster computer, add --allow-costly to open "
                f"it anyway: it needs {scrypt_gib(log_n):,.0f} GiB of memory and may take a "
                "minute.")
            raise CostlyFile(
                f"this {what} was refused: its passphrase protection asks for far more work to "
                f"open (scrypt work factor {log_n}, {scrypt_gib(log_n):,.0f} GiB of memory) than "
                f"the kit accepts (work factor {ceiling} at most). A file asking that much may be "
                f"made to stall or crash the computer.{own} If you made it yourself with the "
                "age tool, decrypt it with age instead. Nothing was changed.")
