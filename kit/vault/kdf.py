"""Passphrase stretching with Argon2id, its profiles and the limits enforced on open."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kit.errors import HeaderDamaged, OutOfMemory, UsageError

SALT_BYTES = 16

# (memory KiB, iterations, lanes)
PROFILES: dict[str, tuple[int, int, int]] = {
    # RFC 9106 section 4, second recommended option.
    "default": (64 * 1024, 3, 4),
    # OWASP Password Storage Cheat Sheet floor; there is no weaker mode.
    "minimum": (19 * 1024, 2, 1),
    # For those who can wait about a second.
    "strong": (256 * 1024, 3, 4),
}

FLOOR_MEMORY_KIB = 19 * 1024
FLOOR_ITERATIONS = 2
# Caps checked before any derivation, so a crafted header cannot exhaust memory or time. They
# are what the `strong` profile writes and no more: the kit never writes a stronger header, and
# the old cap (1 GiB x 8 passes) cost 11 s and 1 GB before "wrong passphrase".
CAP_MEMORY_KIB, CAP_ITERATIONS, CAP_LANES = PROFILES["strong"]
CAP_WORK = CAP_MEMORY_KIB * CAP_ITERATIONS  # memory KiB x iterations


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes

    @classmethod
    def new(cls, profile: str) -> KdfParams:
        if profile not in PROFILES:
            choices = ", ".join(sorted(PROFILES))
            raise UsageError(f"unknown KDF profile {profile!r}; choose one of: {choices}")
        memory, iterations, lanes = PROFILES[profile]
        return cls(memory, iterations, lanes, os.urandom(SALT_BYTES))

    def check_bounds(self) -> None:
        """Refuse parameters outside the floor and caps (raised as header damage)."""
        if not (FLOOR_MEMORY_KIB <= self.memory_kib <= CAP_MEMORY_KIB):
            raise HeaderDamaged(
                f"the vault header asks for {self.memory_kib} KiB of KDF memory, outside the "
                f"allowed {FLOOR_MEMORY_KIB}..{CAP_MEMORY_KIB} KiB; the header is damaged or forged"
            )
        if not (FLOOR_ITERATIONS <= self.iterations <= CAP_ITERATIONS):
            raise HeaderDamaged(
                f"the vault header asks for {self.iterations} KDF passes, outside the allowed "
                f"{FLOOR_ITERATIONS}..{CAP_ITERATIONS}; the header is damaged or forged"
            )
        if not (1 <= self.lanes <= CAP_LANES):
            raise HeaderDamaged(f"the vault header asks for {self.lanes} KDF lanes, outside the "
                                f"allowed 1..{CAP_LANES}; the header is damaged or forged")
        if self.memory_kib * self.iterations > CAP_WORK:
            raise HeaderDamaged("the vault header asks for more KDF work than the kit allows")
        if len(self.salt) != SALT_BYTES:
            raise HeaderDamaged("the vault header's KDF salt has the wrong length")

    def profile_name(self) -> str:
        for name, values in PROFILES.items():
            if values == (self.memory_kib, self.iterations, self.lanes):
                return name
        return "custom"


def normalize_passphrase(passphrase: str) -> bytes:
    # NFC so the same passphrase typed on another system (composed vs decomposed) still opens it.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive(passphrase: str, params: KdfParams) -> bytes:
    """The 256-bit key-encryption key for a passphrase slot."""
    params.check_bounds()
    kdf = Argon2id(
        salt=params.salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    try:
        return kdf.derive(normalize_passphrase(passphrase))
    except MemoryError:
        # Within the caps, so the header is sound: this computer is short of memory right now.
        raise OutOfMemory(
            f"there was not enough free memory for the passphrase protection (it needs "
            f"{params.memory_kib // 1024} MiB). Nothing was changed; close other programs and "
            "try again.") from None
