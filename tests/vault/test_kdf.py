"""Passphrase stretching: a known-answer vector, profiles, floor and caps."""

from __future__ import annotations

import unicodedata

import pytest
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kit.errors import HeaderDamaged, UsageError
from kit.vault import kdf


def test_argon2id_matches_rfc_9106_vector() -> None:
    # RFC 9106 section 5.3: guards against a build whose Argon2id is not the standard one.
    tag = Argon2id(salt=b"\x02" * 16, length=32, iterations=3, lanes=4, memory_cost=32,
                   ad=b"\x04" * 12, secret=b"\x03" * 8).derive(b"\x01" * 32)
    assert tag.hex() == "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"


def test_profiles() -> None:
    assert kdf.PROFILES["default"] == (65536, 3, 4)  # RFC 9106 second recommendation
    assert kdf.PROFILES["minimum"] == (19456, 2, 1)  # OWASP floor
    params = kdf.KdfParams.new("minimum")
    assert params.profile_name() == "minimum" and len(params.salt) == 16
    assert kdf.KdfParams.new("minimum").salt != params.salt
    with pytest.raises(UsageError):
        kdf.KdfParams.new("weak")


def test_derive_is_deterministic_and_salted() -> None:
    params = kdf.KdfParams.new("minimum")
    assert kdf.derive("passphrase one", params) == kdf.derive("passphrase one", params)
    assert kdf.derive("passphrase one", params) != kdf.derive("passphrase two", params)
    other = kdf.KdfParams(params.memory_kib, params.iterations, params.lanes, b"\x00" * 16)
    assert kdf.derive("passphrase one", params) != kdf.derive("passphrase one", other)


def test_composed_and_decomposed_passphrases_are_the_same() -> None:
    params = kdf.KdfParams.new("minimum")
    composed = unicodedata.normalize("NFC", "café réunion")
    decomposed = unicodedata.normalize("NFD", "café réunion")
    assert composed != decomposed
    assert kdf.derive(composed, params) == kdf.derive(decomposed, params)


@pytest.mark.parametrize(("memory", "iterations", "lanes"), [
    (4 * 1024 * 1024, 3, 4),   # 4 GiB
    (1024, 3, 4),              # below the floor
    (65536, 1, 4),             # too few passes
    (65536, 1000, 4),          # too many passes
    (65536, 3, 0),
    (65536, 3, 64),
    (1024 * 1024, 10, 4),      # within each cap but too much work overall
    (1024 * 1024, 8, 16),      # the old cap: 11 s and 1 GB of work before "wrong passphrase"
    (256 * 1024 + 1, 3, 4),    # the caps are what `strong` writes, and no more
    (256 * 1024, 4, 4),
    (256 * 1024, 3, 5),
])
def test_out_of_bounds_parameters_are_refused_before_any_work(
        memory: int, iterations: int, lanes: int) -> None:
    params = kdf.KdfParams(memory, iterations, lanes, b"\x00" * 16)
    with pytest.raises(HeaderDamaged):
        kdf.derive("anything", params)


def test_every_profile_is_within_the_caps() -> None:
    for name in kdf.PROFILES:
        kdf.KdfParams.new(name).check_bounds()
    assert kdf.PROFILES["strong"] == (kdf.CAP_MEMORY_KIB, kdf.CAP_ITERATIONS, kdf.CAP_LANES)
