"""Identity cards and share packets between two real vaults: every refusal is its own error."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kit import errors
from kit.supervision import packets
from kit.supervision.cards import Card, check_fingerprint, make_card, normalize_fingerprint
from kit.supervision.cards import parse_card as parse
from kit.supervision.contacts import Contacts
from kit.vault import Vault
from kit.vault.identity import age_identity
from tests.conftest import PASSPHRASE

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


class Side:
    def __init__(self, path: Path, name: str) -> None:
        self.vault, _ = Vault.create(path, PASSPHRASE, "minimum")
        self.records = self.vault.snapshot().records
        self.card = make_card(self.records, name, "Supervisor", date(2026, 11, 23))
        self.contacts = Contacts(self.vault)
        self.seen: set[str] = set()

    def open(self, data: bytes) -> packets.Packet:
        def lookup(fpr: str) -> Card | None:
            contact = self.contacts.by_fingerprint(fpr)
            return contact.card if contact else None

        packet = packets.open_sealed(data, age_identity(self.records), self.card.fingerprint,
                                     lookup, self.seen.__contains__)
        self.seen.add(packet.id)
        return packet

    def knows(self, other: Side, name: str) -> None:
        self.contacts.add(other.card.text(), name, "colleague", verified=True,
                          own_fingerprint=self.card.fingerprint)


@pytest.fixture(scope="module")
def vaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Side, Side, Side]]:
    """Three vaults, made once for the module (vault creation is most of the cost): Ana and
    Bo know each other, Cy knows Ana, and Bo does not know Cy."""
    folder = tmp_path_factory.mktemp("packets")
    sides = (Side(folder / "a", "Ana Practitioner"), Side(folder / "b", "Bo Supervisor"),
             Side(folder / "c", "Cy Other"))
    sides[1].knows(sides[0], "Ana")
    sides[0].knows(sides[1], "Bo")
    sides[2].knows(sides[0], "Ana")
    yield sides
    for side in sides:
        side.vault.close()


@pytest.fixture
def trio(vaults: tuple[Side, Side, Side]) -> tuple[Side, Side, Side]:
    """The three vaults, with no packet opened yet in this test."""
    for side in vaults:
        side.seen.clear()
    return vaults


def test_card_round_trip_and_fingerprint(trio: tuple[Side, Side, Side]) -> None:
    ana = trio[0]
    text = "From my email:\r\n> ignored\r\n" + ana.card.text().replace("\n", "\r\n") + "-- \nsig"
    card = parse(text)
    assert card == ana.card
    assert len(card.fingerprint.replace(" ", "")) * 4 >= 128
    check_fingerprint(card, card.fingerprint.upper().replace(" ", ""))
    with pytest.raises(errors.FingerprintMismatch):
        check_fingerprint(card, "0" * 32)
    with pytest.raises(errors.UsageError):
        normalize_fingerprint("not one")


@pytest.mark.parametrize("change", [
    ("Name: Ana Practitioner", "Name: Ana Impostor"),
    ("Role: Supervisor", "Role: Director"),
    ("Made: 2026-11-23", "Made: 2026-11-24"),
])
def test_edited_card_fails_its_self_signature(trio: tuple[Side, Side, Side],
                                              change: tuple[str, str]) -> None:
    text = trio[0].card.text()
    assert change[0] in text
    with pytest.raises(errors.CardInvalid, match="self-signature"):
        parse(text.replace(*change))


def test_card_with_someone_elses_keys_is_refused(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, _ = trio
    swapped = ana.card.text().replace(ana.card.recipient, bo.card.recipient)
    with pytest.raises(errors.CardInvalid, match="fingerprint line"):
        parse(swapped)


@pytest.mark.parametrize("text", ["", "hello", "Frontline Kit identity card, version 1\nName: x",
                                  "Frontline Kit identity card, version 1\n" + "Name: x\n" * 9])
def test_malformed_cards(text: str) -> None:
    with pytest.raises(errors.CardInvalid):
        parse(text)


def test_contacts_refuse_duplicates_and_self(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, cy = trio
    with pytest.raises(errors.UsageError, match="already in your contacts"):
        bo.knows(ana, "Ana again")
    with pytest.raises(errors.UsageError, match="already have a contact called"):
        bo.knows(cy, "ana")
    assert bo.contacts.by_fingerprint(cy.card.fingerprint) is None
    with pytest.raises(errors.UsageError, match="own card"):
        bo.contacts.add(bo.card.text(), "Me", "colleague", verified=False,
                        own_fingerprint=bo.card.fingerprint)
    assert bo.contacts.find("ANA").card == ana.card
    assert bo.contacts.find(ana.card.fingerprint[:9]).name == "Ana"
    with pytest.raises(errors.NotFound):
        bo.contacts.find("nobody")
    reopened = Contacts(bo.vault)
    assert [c.name for c in reopened.all()] == ["Ana"]


def seal(sender: Side, to: Side, content: dict[str, object] | None = None) -> bytes:
    data, _packet = packets.seal(sender.records, sender.card, to.card, "share",
                                 content or {"text": "hello"}, NOW)
    return data


def test_round_trip(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, _ = trio
    data = seal(ana, bo, {"text": "Three sessions of images; WHO-5 band: low"})
    packet = bo.open(data)
    assert packet.type == "share"
    assert packet.sender.fingerprint == ana.card.fingerprint
    assert packet.content == {"text": "Three sessions of images; WHO-5 band: low"}
    assert packet.signed.startswith(packets.FORMAT_LINE)


def test_replay_is_refused(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, _ = trio
    data = seal(ana, bo)
    bo.open(data)
    with pytest.raises(errors.PacketReplayed):
        bo.open(data)


def test_sealed_for_someone_else(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, cy = trio
    with pytest.raises(errors.PacketNotForYou, match="sealed for someone else"):
        cy.open(seal(ana, bo))


def test_forwarded_to_someone_else(trio: tuple[Side, Side, Side]) -> None:
    """Bo opens a packet meant for Bo and re-seals it to Cy: the body still names Bo."""
    ana, bo, cy = trio
    text = packets.decrypt(seal(ana, bo), age_identity(bo.records))
    with pytest.raises(errors.PacketNotForYou, match="addressed to"):
        cy.open(packets.encrypt(text, cy.card))


def test_unknown_sender(trio: tuple[Side, Side, Side]) -> None:
    _ana, bo, cy = trio
    with pytest.raises(errors.PacketUnknownSender, match="Cy Other"):
        bo.open(seal(cy, bo))


def test_bad_signature(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, _ = trio
    text = packets.decrypt(seal(ana, bo, {"text": "all fine"}), age_identity(bo.records))
    forged = text.replace("all fine", "all awful")
    assert forged != text
    with pytest.raises(errors.PacketBadSignature):
        bo.open(packets.encrypt(forged, bo.card))


def test_sender_mismatch(trio: tuple[Side, Side, Side]) -> None:
    """Cy signs with Cy's key but claims Ana's name and fingerprint."""
    ana, bo, cy = trio
    text = packets.signed_text(cy.records, cy.card, bo.card, "share", {"text": "x"}, NOW)
    signature, body = text.split("\n\n", 1)
    doc = json.loads(body)
    doc["from"]["fingerprint"] = ana.card.fingerprint
    doc["from"]["name"] = ana.card.name
    lying = signature + "\n\n" + json.dumps(doc, indent=2, sort_keys=True)
    with pytest.raises(errors.PacketSenderMismatch):
        bo.open(packets.encrypt(lying, bo.card))


@pytest.mark.parametrize("how", ["truncate", "flip-payload", "flip-mac", "garbage", "empty"])
def test_damaged_file(trio: tuple[Side, Side, Side], how: str) -> None:
    ana, bo, _ = trio
    data = bytearray(seal(ana, bo))
    header_end = data.index(b"\n---") + 1
    if how == "truncate":
        data = data[:-7]
    elif how == "flip-payload":
        data[-5] ^= 0x01
    elif how == "flip-mac":
        data[header_end + 6] ^= 0x01
    elif how == "garbage":
        data = bytearray(b"PK\x03\x04 not an age file")
    else:
        data = bytearray()
    with pytest.raises(errors.PacketDamaged):
        bo.open(bytes(data))


def test_errors_are_distinct() -> None:
    kinds = [errors.PacketDamaged, errors.PacketNotForYou, errors.PacketUnknownSender,
             errors.PacketSenderMismatch, errors.PacketBadSignature, errors.PacketReplayed]
    assert len({k.code for k in kinds}) == len(kinds)


def test_signature_cannot_be_reused_as_a_card(trio: tuple[Side, Side, Side]) -> None:
    """The contexts differ, so a packet signature over card text never checks as a card."""
    ana, _bo, _ = trio
    card_bytes = ana.card.signed_text().encode()
    from kit.vault.identity import sign, verify_signature

    packet_sig = sign(ana.records, packets.CONTEXT, card_bytes)
    assert not verify_signature(ana.card.signing_key, b"flk/v1/identity-card\n", card_bytes,
                                packet_sig)
    forged = ana.card.text().rsplit("Signature: ", 1)[0] + "Signature: " + \
        base64.b64encode(packet_sig).decode() + "\n"
    with pytest.raises(errors.CardInvalid):
        parse(forged)


def test_newer_format_is_named(trio: tuple[Side, Side, Side]) -> None:
    ana, bo, _ = trio
    text = packets.decrypt(seal(ana, bo), age_identity(bo.records))
    newer = text.replace("version 1", "version 2", 1)
    with pytest.raises(errors.UnsupportedFormat):
        bo.open(packets.encrypt(newer, bo.card))
