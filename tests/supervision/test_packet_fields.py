"""Every field of a packet body is checked against docs/share-packet-format.md: its type and its
bounds, even in a packet whose signature is good (a sender's broken or hostile kit signs what it
sends). And the age file around it is read before pyrage is: a passphrase stanza is refused."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from kit import errors
from kit.supervision import packets
from kit.supervision.cards import make_card
from kit.vault import Vault
from kit.vault.identity import age_identity, sign
from tests.conftest import PASSPHRASE
from tests.hostile_files import age_with_scrypt, armored

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Pair:
    """Ana seals, Bo opens; Bo knows Ana's card."""

    def __init__(self, folder: Path) -> None:
        self.ana, _ = Vault.create(folder / "a", PASSPHRASE, "minimum")
        self.bo, _ = Vault.create(folder / "b", PASSPHRASE, "minimum")
        self.ana_records = self.ana.snapshot().records
        self.bo_records = self.bo.snapshot().records
        self.ana_card = make_card(self.ana_records, "Ana Practitioner", "", date(2026, 11, 23))
        self.bo_card = make_card(self.bo_records, "Bo Supervisor", "", date(2026, 11, 23))

    def body(self) -> dict[str, Any]:
        """The body the kit itself writes, as a dict to spoil one field of."""
        text = packets.signed_text(self.ana_records, self.ana_card, self.bo_card, "share",
                                   {"fields": [], "text": "hello"}, NOW)
        return dict(json.loads(text.split("\n\n", 1)[1]))

    def seal(self, body: dict[str, Any] | bytes) -> bytes:
        """*body* signed by Ana, as her kit would if it were broken, and sealed to Bo."""
        raw = body if isinstance(body, bytes) else json.dumps(body, indent=2).encode()
        signature = base64.b64encode(sign(self.ana_records, packets.CONTEXT, raw)).decode()
        text = f"{packets.FORMAT_LINE}\nSignature: {signature}\n\n" + raw.decode()
        return packets.encrypt(text, self.bo_card)

    def open(self, data: bytes) -> packets.Packet:
        cards = {self.ana_card.fingerprint: self.ana_card}
        return packets.open_sealed(data, age_identity(self.bo_records), self.bo_card.fingerprint,
                                   cards.get, lambda _id: False)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    made = Pair(tmp_path_factory.mktemp("fields"))
    yield made
    made.ana.close()
    made.bo.close()


def test_the_body_the_kit_writes_opens(pair: Pair) -> None:
    packet = pair.open(pair.seal(pair.body()))
    assert packet.content["text"] == "hello" and len(packet.id) == 32


def _spoil(body: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    *parents, last = path.split(".")
    target = body
    for key in parents:
        target = target[key]
    if value is _DROP:
        del target[last]
    else:
        target[last] = value
    return body


_DROP = object()


@pytest.mark.parametrize(("path", "value", "words"), [
    ("id", "a" * 1_000_000, "the id is longer than 200 characters"),
    ("id", "A" * 32, "the id is not 32 lowercase hex digits"),
    ("id", "ab" * 17, "the id is not 32 lowercase hex digits"),
    ("id", 12345, "the id is missing"),
    ("version", 1.0, "the version is not a whole number"),
    ("version", True, "the version is not a whole number"),
    ("version", "1", "the version is not a whole number"),
    ("type", "share" * 100, "the type is longer than"),
    ("from.name", "Ana\x1b[2J", "control characters"),
    ("from.name", "A" * 101, "longer than 100 characters"),
    ("from.name", "", "cannot be empty"),
    ("to.name", ["Bo"], "the recipient's name is missing"),
    ("from.fingerprint", "not a fingerprint", "the sender's fingerprint is not a fingerprint"),
    ("to.fingerprint", "0" * 10_000, "the recipient's fingerprint is longer than"),
    ("from.age_recipient", "age1nothing", "not an age X25519 recipient"),
    ("from.signing_key", base64.b64encode(b"short").decode(), "signing key has the wrong length"),
    ("from.signing_key", "!!", "signing key is garbled"),
    ("created", "yesterday", "the time is garbled"),
    ("created", "2026-11-23T10:00:00", "the time has no zone"),
    ("created", "2026-11-23T10:00:00+00:00" + " " * 100, "the time is longer than 40"),
    ("content", _DROP, "sender, recipient or content is missing"),
])
def test_each_field_out_of_its_type_or_bounds_is_damage(pair: Pair, path: str, value: object,
                                                        words: str) -> None:
    with pytest.raises(errors.PacketDamaged) as caught:
        pair.open(pair.seal(_spoil(pair.body(), path, value)))
    assert words in caught.value.message and caught.value.exit_code == 4


@pytest.mark.parametrize(("content", "words"), [
    ('{"deep": ' + "[" * 100 + "]" * 100 + "}", "nested too deeply"),
    ('{"deep": ' + "[" * 50_000 + "]" * 50_000 + "}", "nested too deeply"),
    ('{"n": ' + "9" * 5000 + "}", "holds a number too large"),
    ('{"n": ' + "9" * 30 + "}", "holds a number too large"),  # the vault cannot store it
    ('{"n": 1e400}', "holds a number too large"),
    ('{"n": NaN}', "holds NaN, which is not a number"),
], ids=["nested-100", "nested-50000", "digits-5000", "digits-30", "1e400", "NaN"])
def test_hostile_json_in_a_signed_body_is_damage_not_a_crash(pair: Pair, content: str,
                                                              words: str) -> None:
    text = json.dumps(pair.body(), indent=2)
    raw = text.replace('"content": {\n    "fields": [],\n    "text": "hello"\n  }',
                       f'"content": {content}')
    assert raw != text
    with pytest.raises(errors.PacketDamaged) as caught:
        pair.open(pair.seal(raw.encode()))
    assert words in caught.value.message


# Explicit ids: the files hold random bytes, and every xdist worker must collect the same names.
@pytest.mark.parametrize("data", [
    age_with_scrypt(22), age_with_scrypt(10), armored(age_with_scrypt(22)),
    b"  \n" + armored(age_with_scrypt(40)),
], ids=["work-factor-22", "work-factor-10", "armored-22", "armored-40-after-blank-line"])
def test_a_passphrase_sealed_file_is_not_a_packet(pair: Pair, data: bytes) -> None:
    # No scrypt runs: a work factor of 22 would take 4 GiB and many seconds.
    with pytest.raises(errors.PacketDamaged, match="sealed with a passphrase"):
        pair.open(data)


@pytest.mark.parametrize(("data", "words"), [
    (age_with_scrypt("022"), "passphrase stanza is malformed"),
    (age_with_scrypt("22 extra"), "passphrase stanza is malformed"),
    (b"age-encryption.org/v1\n" + b"-> X25519 abc\n" * 6000, "longer than 64 KiB"),
    (b"-----BEGIN AGE ENCRYPTED FILE-----\n%%%%\n", "armored text is damaged"),
], ids=["zero-padded-factor", "extra-argument", "long-header", "damaged-armor"])
def test_an_unreadable_age_header_is_damage(pair: Pair, data: bytes, words: str) -> None:
    with pytest.raises(errors.PacketDamaged, match=words):
        pair.open(data)


def test_the_longest_name_a_card_allows_is_accepted(pair: Pair) -> None:
    # The bounds are the card's (MAX_NAME), so every packet the kit writes still opens.
    body = pair.body()
    body["to"]["name"] = "N" * 100
    assert pair.open(pair.seal(body)).recipient_name == "N" * 100
