"""Recovery keys: 255 random bits written as Crockford base32 with a check symbol.

51 data symbols plus one check symbol make 52, shown as 13 groups of four. The check symbol
(the key's value mod 37, as Crockford specifies) catches any single mistyped symbol before any
cryptography runs, so a typo is reported as a typo and not as a wrong key.
"""

from __future__ import annotations

import os

from kit.errors import UsageError

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHECK_ALPHABET = _ALPHABET + "*~$=U"
_DATA_SYMBOLS = 51
_BITS = 5 * _DATA_SYMBOLS  # 255
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def generate() -> tuple[str, bytes]:
    """A new recovery key: (the text shown once to the user, the 32 key bytes)."""
    value = int.from_bytes(os.urandom(32), "big") >> (256 - _BITS)
    return format_key(value), value.to_bytes(32, "big")


def format_key(value: int) -> str:
    symbols = []
    remaining = value
    for _ in range(_DATA_SYMBOLS):
        symbols.append(_ALPHABET[remaining & 31])
        remaining >>= 5
    text = "".join(reversed(symbols)) + _CHECK_ALPHABET[value % 37]
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse(text: str) -> bytes:
    """The key bytes for a typed recovery key, forgiving case, spaces, dashes and O/I/L."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    cleaned = cleaned.translate(_ALIASES)
    if len(cleaned) != _DATA_SYMBOLS + 1:
        raise UsageError(
            f"a recovery key has {_DATA_SYMBOLS + 1} characters (13 groups of four); "
            f"this one has {len(cleaned)}. Check it against your written copy."
        )
    value = 0
    for position, ch in enumerate(cleaned[:_DATA_SYMBOLS], start=1):
        digit = _ALPHABET.find(ch)
        if digit < 0:
            raise UsageError(
                f"character {position} of the recovery key ({ch!r}) is not one the kit uses; "
                "check it against your written copy"
            )
        value = (value << 5) | digit
    check = _CHECK_ALPHABET.find(cleaned[-1])
    if check != value % 37:
        raise UsageError(
            "the recovery key's check character does not match: one character is mistyped. "
            "Check it against your written copy."
        )
    return value.to_bytes(32, "big")
