"""Property tests for the vault's formats: the header, record padding, sealing and the recovery
key codec; and hostile headers, which must fail with the vault's own errors only, quickly and
without allocating what they ask for.
"""

from __future__ import annotations

import copy
import hashlib
import json
import resource
import struct
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kit.errors import (
    HeaderDamaged,
    HeaderTampered,
    KitError,
    UnsupportedFormat,
    UsageError,
    WrongSecret,
)
from kit.vault import Credentials, Vault, recovery
from kit.vault import header as hdr
from kit.vault.crypto import (
    SealError,
    bucket_size,
    open_sealed,
    pad,
    record_aad,
    seal,
    unpad,
)
from kit.vault.header import Commit, Header, Slot
from kit.vault.kdf import KdfParams
from tests.conftest import PASSPHRASE, run_kit

MIB = 1024 * 1024
GIB_KIB = 1024 * 1024  # 1 GiB expressed in KiB, the unit of the header's "m"
CREDS = Credentials(passphrase=PASSPHRASE)
PREFIX = struct.Struct(">8sHHI")  # magic, major, minor, body length: format v1, section 3
# The bounds DESIGN.md sets for a passphrase slot: OWASP floor, caps checked on open (what the
# `strong` profile writes, and no more).
FLOOR_M, CAP_M = 19 * 1024, GIB_KIB // 4
FLOOR_T, CAP_T = 2, 3
CAP_P = 4
CAP_WORK = 3 * GIB_KIB // 4  # memory x passes: 256 MiB x 3

# The kit's autouse fixture only sets environment variables, the same for every example.
PROPS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- strategies ---

ids8 = st.binary(min_size=8, max_size=8)
ids16 = st.binary(min_size=16, max_size=16)
digests = st.binary(min_size=32, max_size=32)
wrapped = st.binary(min_size=60, max_size=60)


@st.composite
def kdf_params(draw: st.DrawFn) -> KdfParams:
    """Any parameters the kit accepts on open."""
    iterations = draw(st.integers(FLOOR_T, CAP_T))
    memory = draw(st.integers(FLOOR_M, min(CAP_M, CAP_WORK // iterations)))
    return KdfParams(memory, iterations, draw(st.integers(1, CAP_P)), draw(ids16))


slots = st.one_of(
    st.builds(Slot, type=st.just("passphrase"), id=ids8, wrapped=wrapped, kdf=kdf_params()),
    st.builds(Slot, type=st.just("recovery"), id=ids8, wrapped=wrapped, salt=ids16),
    st.builds(Slot, type=st.just("device"), id=ids8, wrapped=wrapped),
)
commits = st.builds(Commit, counter=st.integers(0, 2**63 - 1), mac=digests)
headers = st.builds(
    Header,
    vault_id=ids16,
    key_id=ids16,
    # The kit writes at most one slot of each kind.
    slots=st.lists(slots, min_size=1, max_size=3, unique_by=lambda s: s.type).map(tuple),
    state=commits,
    pending=st.none() | commits,
    minor=st.integers(0, 2**16 - 1),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                 max_size=4),
    max_leaves=16,
)


def signed_header(body: bytes, major: int = hdr.MAJOR, mac: bytes = bytes(32)) -> bytes:
    """Header bytes around *body* with a correct checksum, so the parser gets past it."""
    signed = PREFIX.pack(hdr.MAGIC, major, 0, len(body)) + body
    return signed + hashlib.sha256(signed).digest() + mac


def sample_header(kdf: KdfParams | None = None) -> Header:
    params = kdf or KdfParams(FLOOR_M, FLOOR_T, 1, bytes(16))
    return Header(
        vault_id=bytes(range(16)), key_id=bytes(16),
        slots=(Slot("passphrase", bytes(8), bytes(60), kdf=params),
               Slot("recovery", bytes(range(8)), bytes(60), salt=bytes(16))),
        state=Commit(3, bytes(32)),
    )


VALID_BODY: dict[str, Any] = json.loads(
    hdr.decode(hdr.encode(sample_header(), bytes(32)))[1][PREFIX.size :])
KDF_FIELDS = {"m", "t", "p"}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document that a value can be replaced or removed."""
    children: Iterator[tuple[Any, Any]] = iter(())
    if isinstance(value, dict):
        children = iter(value.items())
    elif isinstance(value, list):
        children = iter(enumerate(value))
    for key, child in children:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


BODY_PATHS = sorted(_paths(VALID_BODY), key=repr)


@st.composite
def mutated_bodies(draw: st.DrawFn) -> bytes:
    """A valid header body with one value replaced by arbitrary JSON, or removed."""
    body = copy.deepcopy(VALID_BODY)
    path = draw(st.sampled_from(BODY_PATHS))
    parent = body
    for key in path[:-1]:
        parent = parent[key]
    value = draw(json_values)
    # An in-bounds memory cost is a legitimate header: its KDF runs, up to the 256 MiB cap by
    # design, which is not what this property bounds. The out-of-bounds ones are what matter.
    assume(not (path[-1] == "m" and type(value) is int and FLOOR_M < value <= CAP_M))
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return json.dumps(body).encode()


@st.composite
def hostile_kdf(draw: st.DrawFn) -> KdfParams:
    """Passphrase-slot parameters outside the floor or the caps, one way or another."""
    ok = draw(kdf_params())
    # No "work" case: with the caps at the `strong` profile, memory x passes within both caps
    # is within the work cap too.
    field = draw(st.sampled_from(["memory", "iterations", "lanes", "salt"]))
    huge = st.integers(2**31, 2**80)
    if field == "memory":
        return KdfParams(draw(st.integers(-(2**40), FLOOR_M - 1) | st.integers(CAP_M + 1, 2**40)),
                         ok.iterations, ok.lanes, ok.salt)
    if field == "iterations":
        return KdfParams(ok.memory_kib, draw(st.integers(-5, FLOOR_T - 1) | st.integers(
            CAP_T + 1, 10**6) | huge), ok.lanes, ok.salt)
    if field == "lanes":
        return KdfParams(ok.memory_kib, ok.iterations, draw(
            st.integers(-5, 0) | st.integers(CAP_P + 1, 2**24) | huge), ok.salt)
    return KdfParams(ok.memory_kib, ok.iterations, ok.lanes, draw(st.binary(max_size=64).filter(
        lambda salt: len(salt) != 16)))


# --- header round trip ---


@PROPS
@given(header=headers, key=digests, other=digests)
def test_header_round_trips_and_its_mac_binds_the_key(header: Header, key: bytes,
                                                      other: bytes) -> None:
    data = hdr.encode(header, key)
    decoded, signed, tag = hdr.decode(data)
    assert decoded == header
    assert signed + hashlib.sha256(signed).digest() + tag == data
    hdr.check_mac(signed, tag, key)
    assume(other != key)
    with pytest.raises(HeaderTampered):
        hdr.check_mac(signed, tag, other)


@PROPS
@given(header=headers, key=digests, data=st.data())
def test_any_bit_flip_in_a_header_is_refused(header: Header, key: bytes,
                                             data: st.DataObject) -> None:
    """A flip before the MAC fails the checksum (or magic, version or length check) as
    damage; a flip in the MAC fails check_mac as tampering."""
    encoded = hdr.encode(header, key)
    at = data.draw(st.integers(0, len(encoded) - 1))
    bit = data.draw(st.integers(0, 7))
    bad = encoded[:at] + bytes([encoded[at] ^ (1 << bit)]) + encoded[at + 1 :]
    if at < len(encoded) - 32:
        with pytest.raises(HeaderDamaged):
            hdr.decode(bad)
    else:
        _header, signed, tag = hdr.decode(bad)
        with pytest.raises(HeaderTampered):
            hdr.check_mac(signed, tag, key)


@PROPS
@given(header=headers, major=st.integers(0, 2**16 - 1).filter(lambda m: m != hdr.MAJOR))
def test_unknown_major_version_is_unsupported(header: Header, major: int) -> None:
    """A header written (checksum and all) by a kit with another major version is refused as
    unsupported - not as damage, which a version field flipped by accident is."""
    body = hdr.decode(hdr.encode(header, bytes(32)))[1][PREFIX.size :]
    with pytest.raises(UnsupportedFormat):
        hdr.decode(signed_header(body, major=major))


@PROPS
@given(header=headers, critical=st.lists(st.text(max_size=20), min_size=1, max_size=4))
def test_unknown_critical_extension_is_unsupported(header: Header, critical: list[str]) -> None:
    data = hdr.encode(replace(header, critical=tuple(critical)), bytes(32))
    with pytest.raises(UnsupportedFormat):
        hdr.decode(data)


def test_unknown_major_version_and_extension_refuse_to_open(tmp_path: Path) -> None:
    body = hdr.decode(hdr.encode(sample_header(), bytes(32)))[1][PREFIX.size :]
    (tmp_path / "vault.header").write_bytes(signed_header(body, major=2))
    with pytest.raises(UnsupportedFormat):
        Vault.open(tmp_path, CREDS)
    critical = replace(sample_header(), critical=("sharded-records",))
    (tmp_path / "vault.header").write_bytes(hdr.encode(critical, bytes(32)))
    with pytest.raises(UnsupportedFormat):
        Vault.open(tmp_path, CREDS)


def test_header_with_a_forged_mac_is_tampered(vault: Vault, vault_path: Path) -> None:
    """Re-encoded under another key: the checksum is right, so only the MAC, checked once
    the passphrase has opened a slot, can tell."""
    vault.close()
    genuine = (vault_path / "vault.header").read_bytes()
    header, _signed, _tag = hdr.decode(genuine)
    forged = hdr.encode(header, bytes(range(32)))
    assert hdr.decode(forged)[0] == header  # the checksum passes
    (vault_path / "vault.header").write_bytes(forged)
    with pytest.raises(HeaderTampered):
        Vault.open(vault_path, CREDS)
    with pytest.raises(WrongSecret):
        Vault.open(vault_path, Credentials(passphrase="not the passphrase"))
    result = run_kit("vault", "verify")
    assert result.code == 4 and "Traceback" not in result.err and "altered" in result.err
    # The control: the genuine header opens with the same passphrase.
    (vault_path / "vault.header").write_bytes(genuine)
    Vault.open(vault_path, CREDS).close()


# --- hostile headers ---


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory whose header each example overwrites (tmp_path is per test, not per
    example)."""
    return tmp_path_factory.mktemp("hostile")


def _max_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def attempt(data: bytes, where: Path) -> tuple[KitError | None, KitError | None]:
    """Parse *data* and open a vault with it as its header; return the vault's errors from
    each (None where that step succeeded).

    Anything else escaping fails the test, and so does taking 2 s or allocating 50 MiB:
    a safety bound showing no KDF ran on the hostile parameters, not a speed benchmark.
    tracemalloc sees Python's allocations (a huge body); the peak RSS sees native ones
    (Argon2's memory is filled, so a real 4 GiB request would show in full).
    """
    (where / "vault.header").write_bytes(data)
    steps: list[Callable[[], object]] = [
        lambda: hdr.decode(data), lambda: Vault.open(where, CREDS).close()]
    errors: list[KitError | None] = []
    rss_before = _max_rss_bytes()
    tracemalloc.start()
    started = time.monotonic()
    try:
        for step in steps:
            try:
                step()
            except KitError as exc:
                errors.append(exc)
            else:
                errors.append(None)
        elapsed = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2.0, f"took {elapsed:.1f} s"
    assert peak < 50 * MIB, f"Python allocated {peak // MIB} MiB"
    assert _max_rss_bytes() - rss_before < 50 * MIB, "the process grew by 50 MiB or more"
    return errors[0], errors[1]


@PROPS
@given(data=st.binary(max_size=4096)
       | st.binary(max_size=600).map(lambda tail: hdr.MAGIC + tail)
       | st.binary(max_size=600).map(lambda tail: PREFIX.pack(hdr.MAGIC, 1, 0, len(tail)) + tail))
def test_arbitrary_bytes_raise_only_vault_errors(scratch: Path, data: bytes) -> None:
    parsed, opened = attempt(data, scratch)
    assert parsed is not None and opened is not None


@PROPS
@given(body=json_values.map(lambda v: json.dumps(v).encode()) | st.binary(max_size=600)
       | mutated_bodies())
@example(body=b'{"critical": [[]]}')
@example(body=b'{"critical": [{}]}')
@example(body=b'{"critical": [], "x": ' + b"9" * 5000 + b"}")
@example(body=b"[" * 100_000 + b"]" * 100_000)
@example(body=b'"\\ud800"')
def test_hostile_bodies_behind_a_valid_checksum_raise_only_vault_errors(
        scratch: Path, body: bytes) -> None:
    """Past the checksum, the parser meets the body as an attacker wrote it. A mutation may
    leave a well-formed header (its slots then hold no key this passphrase opens)."""
    _parsed, opened = attempt(signed_header(body), scratch)
    assert opened is not None


@PROPS
@given(params=hostile_kdf())
@example(params=KdfParams(4 * GIB_KIB, 2, 1, bytes(16)))  # 4 GiB
@example(params=KdfParams(FLOOR_M, 1000, 1, bytes(16)))  # 1000 passes
@example(params=KdfParams(FLOOR_M, 2, 0, bytes(16)))  # no lanes
def test_hostile_kdf_parameters_are_refused_before_deriving(scratch: Path,
                                                            params: KdfParams) -> None:
    data = hdr.encode(sample_header(params), bytes(32))
    errors = attempt(data, scratch)
    assert tuple(map(type, errors)) == (HeaderDamaged, HeaderDamaged), errors


def test_many_passphrase_slots_cannot_multiply_the_kdf(scratch: Path) -> None:
    """Each passphrase slot costs one Argon2id run on open: a header stuffed with them must be
    refused, not tried one by one."""
    stuffed = sample_header()
    many = tuple(Slot("passphrase", i.to_bytes(8, "big"), bytes(60), kdf=KdfParams(
        FLOOR_M, FLOOR_T, 1, bytes(16))) for i in range(100))
    data = hdr.encode(replace(stuffed, slots=many), bytes(32))
    errors = attempt(data, scratch)
    assert tuple(map(type, errors)) == (HeaderDamaged, HeaderDamaged), errors


_CHILD = """
import resource, sys
from pathlib import Path
limit = 1024 ** 3
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
if sys.argv[1] == "open":
    from kit.errors import KitError
    from kit.vault import Credentials, Vault
    try:
        Vault.open(Path(sys.argv[2]), Credentials(passphrase="anything"))
    except KitError as exc:
        print(type(exc).__name__)
else:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    Argon2id(salt=bytes(16), length=32, iterations=2, lanes=1,
             memory_cost=4 * 1024 * 1024).derive(b"x")
    print("derived")
"""


def test_a_4_gib_kdf_request_never_allocates(tmp_path: Path) -> None:
    """Under a 1 GiB address-space limit, opening a vault whose header asks for 4 GiB fails
    cleanly as damage; the control shows the same limit stops a real 4 GiB derivation, so the
    first result means the KDF never ran."""
    data = hdr.encode(sample_header(KdfParams(4 * GIB_KIB, 2, 1, bytes(16))), bytes(32))
    (tmp_path / "vault.header").write_bytes(data)
    opened = subprocess.run([sys.executable, "-c", _CHILD, "open", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert (opened.returncode, opened.stdout.strip()) == (0, "HeaderDamaged"), opened.stderr
    control = subprocess.run([sys.executable, "-c", _CHILD, "derive"],
                             capture_output=True, text=True, timeout=60)
    assert control.returncode != 0 and "derived" not in control.stdout
    # And the user sees a plain message with exit 4, no traceback.
    result = run_kit("vault", "verify", env={"KIT_VAULT": str(tmp_path)})
    assert result.code == 4 and result.err.strip() and "Traceback" not in result.err


# --- record padding and sealing ---


def _is_bucket(size: int) -> bool:
    """Powers of two from 256 B to 64 KiB, then whole multiples of 64 KiB."""
    if size <= 64 * 1024:
        return size >= 256 and size & (size - 1) == 0
    return size % (64 * 1024) == 0


payloads = st.binary(max_size=1024) | st.builds(
    lambda n, fill, head: head + bytes([fill]) * n,
    st.sampled_from([252, 253, 508, 65532, 65533, 131068, 131069]) | st.integers(0, 200_000),
    st.integers(0, 255), st.binary(max_size=16))


@PROPS
@given(payload=payloads)
def test_padding_round_trips_into_the_smallest_bucket(payload: bytes) -> None:
    padded = pad(payload)
    assert unpad(padded) == payload
    need = len(payload) + 4  # the length prefix
    assert len(padded) >= need and _is_bucket(len(padded))
    smaller = len(padded) // 2 if len(padded) <= 64 * 1024 else len(padded) - 64 * 1024
    assert len(padded) == 256 or smaller < need, "a smaller bucket would have held it"
    assert len(padded) == bucket_size(need)


@PROPS
@given(payload=payloads, data=st.data())
def test_altered_padding_is_refused(payload: bytes, data: st.DataObject) -> None:
    padded = pad(payload)
    assume(len(padded) > len(payload) + 4)
    at = data.draw(st.integers(len(payload) + 4, len(padded) - 1))
    bad = padded[:at] + bytes([data.draw(st.integers(1, 255))]) + padded[at + 1 :]
    with pytest.raises(ValueError):
        unpad(bad)
    longer = struct.pack(">I", len(padded) - 3) + padded[4:]
    with pytest.raises(ValueError):
        unpad(longer)


@PROPS
@given(data=st.binary(max_size=600))
def test_unpad_of_arbitrary_bytes_returns_a_prefix_or_refuses(data: bytes) -> None:
    try:
        result = unpad(data)
    except ValueError:
        return
    assert data[4 : 4 + len(result)] == result


@PROPS
@given(key=digests, plaintext=st.binary(max_size=4096), aad=st.binary(max_size=128),
       other=st.binary(max_size=128), data=st.data())
def test_seal_round_trips_and_binds_its_associated_data(key: bytes, plaintext: bytes, aad: bytes,
                                                        other: bytes,
                                                        data: st.DataObject) -> None:
    aead = AESGCM(key)
    sealed = seal(aead, plaintext, aad)
    assert len(sealed) == 12 + len(plaintext) + 16
    assert open_sealed(aead, sealed, aad) == plaintext
    if other != aad:
        with pytest.raises(SealError):
            open_sealed(aead, sealed, other)
    at = data.draw(st.integers(0, len(sealed) - 1))
    bit = data.draw(st.integers(0, 7))
    flipped = sealed[:at] + bytes([sealed[at] ^ (1 << bit)]) + sealed[at + 1 :]
    with pytest.raises(SealError):
        open_sealed(aead, flipped, aad)
    with pytest.raises(SealError):
        open_sealed(aead, sealed[: data.draw(st.integers(0, len(sealed) - 1))], aad)


@PROPS
@given(key=digests, vault_id=ids16, record_id=ids16, gen=st.integers(0, 2**64 - 1),
       data=st.data())
def test_a_record_opens_only_under_its_own_vault_id_record_id_and_generation(
        key: bytes, vault_id: bytes, record_id: bytes, gen: int, data: st.DataObject) -> None:
    """What makes a swapped, replayed or transplanted record fail to open."""
    aead = AESGCM(key)
    sealed = seal(aead, pad(b'{"kind":"journal","data":{}}'), record_aad(vault_id, record_id, gen))
    other = data.draw(st.tuples(ids16, ids16, st.integers(0, 2**64 - 1)).filter(
        lambda t: t != (vault_id, record_id, gen)))
    with pytest.raises(SealError):
        open_sealed(aead, sealed, record_aad(*other))


# --- the recovery key codec ---

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = CROCKFORD + "*~$=U"
# Crockford: O reads as 0, I and L as 1, case does not matter. A substitution by one of these
# is the same key, not a typo.
SAME = {"0": "0Oo", "1": "1IiLl"}
values255 = st.integers(0, 2**255 - 1)


def _same_symbol(a: str, b: str) -> bool:
    return b.upper() == a.upper() or b in SAME.get(a, "")


@PROPS
@given(value=values255)
@example(value=0)
@example(value=2**255 - 1)
def test_recovery_key_round_trips(value: int) -> None:
    text = recovery.format_key(value)
    groups = text.split("-")
    assert len(groups) == 13 and all(len(g) == 4 for g in groups)
    assert recovery.parse(text) == value.to_bytes(32, "big")
    # Forgiving of case, spaces and missing dashes, as a person types it.
    assert recovery.parse(" ".join(groups).lower()) == value.to_bytes(32, "big")


@PROPS
@given(value=values255, data=st.data())
def test_any_single_substitution_in_a_recovery_key_is_refused(value: int,
                                                              data: st.DataObject) -> None:
    text = recovery.format_key(value)
    at = data.draw(st.sampled_from([i for i, ch in enumerate(text) if ch != "-"]))
    replacement = data.draw(st.sampled_from(CHECK_SYMBOLS + CHECK_SYMBOLS.lower() + "!#Ü.")
                            .filter(lambda ch: not _same_symbol(text[at], ch)))
    with pytest.raises(UsageError):
        recovery.parse(text[:at] + replacement + text[at + 1 :])


def test_every_single_substitution_in_one_key_is_refused() -> None:
    """Exhaustively, for a few keys: the mod-37 check symbol catches every one-symbol typo."""
    for value in (0, 2**255 - 1, int.from_bytes(hashlib.sha256(b"flk").digest()) >> 1):
        text = recovery.format_key(value)
        for at, original in enumerate(text):
            if original == "-":
                continue
            for replacement in CHECK_SYMBOLS:
                if _same_symbol(original, replacement):
                    continue
                typo = text[:at] + replacement + text[at + 1 :]
                with pytest.raises(UsageError):
                    recovery.parse(typo)


@pytest.mark.parametrize(("field", "value"), [
    ("cipher", "xchacha20-poly1305"), ("slot_type", "fido2"), ("kdf_alg", "balloon")])
def test_features_of_a_newer_kit_are_unsupported_not_damage(field: str, value: str) -> None:
    header = sample_header()
    data = hdr.encode(header, bytes(32))
    length = struct.unpack_from(">I", data, 12)[0]
    body = json.loads(data[16 : 16 + length])
    if field == "cipher":
        body["cipher"] = value
    elif field == "slot_type":
        body["slots"][0]["type"] = value
    else:
        body["slots"][0]["kdf"]["alg"] = value
    raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    signed = data[:12] + struct.pack(">I", len(raw)) + raw
    forged = signed + hashlib.sha256(signed).digest() + bytes(32)
    with pytest.raises(UnsupportedFormat, match="update Frontline Kit"):
        hdr.decode(forged)


def test_fields_from_a_newer_minor_version_survive_rewrites(tmp_path: Path) -> None:
    """A v1.x writer's additions must not be lost when this kit writes the header."""
    from kit.records.journal import Journal
    from kit.vault.files import HEADER_FILE

    vault, _key = Vault.create(tmp_path / "v", "a passphrase for this", "minimum")
    with vault:
        header = replace(vault.header, minor=3,
                         extra=(("x_future", '{"level":2,"note":"kept"}'),))
        vault._write_header(header)
        Journal(vault).add("a write rewrites the header twice")
        vault.change_passphrase("another passphrase here")
        rotated_recovery = vault.rotate("another passphrase here")
    assert rotated_recovery
    data = (tmp_path / "v" / HEADER_FILE).read_bytes()
    decoded = hdr.decode(data)[0]
    assert decoded.minor == 3
    assert decoded.extra == (("x_future", '{"level":2,"note":"kept"}'),)
    assert b'"x_future":{"level":2,"note":"kept"}' in data
