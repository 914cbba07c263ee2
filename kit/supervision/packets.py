"""Share packets: signed by the sender's vault, then sealed to the recipient in age format.

The format is described in docs/share-packet-format.md. In short, the sealed plaintext is

    Frontline Kit packet, version 1
    Signature: <base64 Ed25519 signature over CONTEXT + the body's exact bytes>
    <empty line>
    <body: JSON naming the packet id, type, sender, recipient, time and content>

and it is encrypted to one X25519 age recipient, so the standard `age` tool opens it with the
recipient's exported identity. Opening checks, in order: that it is an age file at all, that it
was sealed for this vault, that the body is well formed and addressed to this vault, that the
sender is a known contact whose keys match, that the signature holds, and that the packet was
not opened before. Each failure has its own error class (kit.errors), because each asks the
person to do something different.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pyrage

from kit.age_header import scrypt_work_factors
from kit.bounded_read import read_bounded
from kit.errors import (
    CostlyFile,
    FileRefused,
    PacketBadSignature,
    PacketDamaged,
    PacketNotForYou,
    PacketReplayed,
    PacketSenderMismatch,
    PacketUnknownSender,
    UnsupportedFormat,
    UsageError,
)
from kit.outside_data import Malformed, parse_json
from kit.supervision.cards import MAX_NAME, Card, check_label
from kit.terminal_text import shown
from kit.vault.identity import PublicIdentity, sign, verify_signature

if TYPE_CHECKING:
    from kit.vault import Record

FORMAT_LINE = "Frontline Kit packet, version 1"
CONTEXT = b"flk/v1/share-packet\n"
VERSION = 1
TYPES: Final = ("share", "record", "response", "handover")
MAX_PACKET_BYTES = 64 * 1024 * 1024
AGE_BINARY = b"age-encryption.org/v1\n"
AGE_ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"
_PACKET_ID = re.compile(r"[0-9a-f]{32}")
_FINGERPRINT = re.compile(r"[0-9a-f]{4}( [0-9a-f]{4}){7}")


@dataclass(frozen=True)
class Sender:
    name: str
    fingerprint: str
    recipient: str
    signing_key: bytes


@dataclass(frozen=True)
class Packet:
    """An opened (or just sealed) packet. `signed` is the exact signed text both sides keep."""

    id: str
    type: str
    sender: Sender
    recipient: str  # fingerprint
    recipient_name: str
    created: datetime
    content: dict[str, Any]
    signed: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type,
                "from": {"name": self.sender.name, "fingerprint": self.sender.fingerprint},
                "to": {"name": self.recipient_name, "fingerprint": self.recipient},
                "created": self.created.isoformat(), "content": self.content}


def new_packet_id() -> str:
    return secrets.token_hex(16)


def signed_text(records: Mapping[str, Record], me: Card, to: Card, packet_type: str,
                content: dict[str, Any], now: datetime, packet_id: str | None = None) -> str:
    """The signed plaintext of a new packet from this vault (*me*) to *to*."""
    if packet_type not in TYPES:
        raise ValueError(f"unknown packet type {packet_type!r}")
    body = {
        "format": "flk-packet", "version": VERSION, "id": packet_id or new_packet_id(),
        "type": packet_type,
        "from": {"name": me.name, "fingerprint": me.fingerprint, "age_recipient": me.recipient,
                 "signing_key": base64.b64encode(me.signing_key).decode("ascii")},
        "to": {"name": to.name, "fingerprint": to.fingerprint},
        "created": now.astimezone(UTC).isoformat(), "content": content,
    }
    body_bytes = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    signature = sign(records, CONTEXT, body_bytes)
    head = f"{FORMAT_LINE}\nSignature: {base64.b64encode(signature).decode('ascii')}\n\n"
    return head + body_bytes.decode("utf-8")


def encrypt(text: str, to: Card) -> bytes:
    """*text* sealed to *to*'s age recipient (binary age format)."""
    recipient = pyrage.x25519.Recipient.from_str(to.recipient)
    return bytes(pyrage.encrypt(text.encode("utf-8"), [recipient]))


def seal(records: Mapping[str, Record], me: Card, to: Card, packet_type: str,
         content: dict[str, Any], now: datetime) -> tuple[bytes, Packet]:
    """A new packet: its sealed bytes, and the packet as the sender keeps it."""
    text = signed_text(records, me, to, packet_type, content, now)
    return encrypt(text, to), parse_signed(text)


def read_packet_file(path: Path) -> bytes:
    """A packet file's bytes: only an ordinary file, at most MAX_PACKET_BYTES, checked before
    it is read (a pipe or a device named by mistake is refused, not waited on)."""
    try:
        return read_bounded(path, MAX_PACKET_BYTES, "packet")
    except FileRefused as exc:
        if exc.too_large:  # as docs/share-packet-format.md says: not a packet (exit 4)
            raise PacketDamaged(exc.message) from None
        raise


def decrypt(data: bytes, identity: pyrage.x25519.Identity) -> str:
    """The signed text inside a sealed packet; PacketDamaged or PacketNotForYou otherwise."""
    if len(data) > MAX_PACKET_BYTES:
        raise PacketDamaged(f"this file is larger than any packet can be "
                            f"({MAX_PACKET_BYTES // (1024 * 1024)} MiB); it is not a packet")
    if not (data.startswith(AGE_BINARY) or data.lstrip().startswith(AGE_ARMOR)):
        raise PacketDamaged("this file is not a Frontline Kit packet: it is not an age file")
    try:
        passphrase_stanzas = scrypt_work_factors(data)
    except CostlyFile as exc:
        raise PacketDamaged(f"this file is not a Frontline Kit packet: {exc.message}") from None
    if passphrase_stanzas:
        # A packet is sealed to a person's key, never with a passphrase; and a passphrase
        # stanza's work factor could be set to stall the computer.
        raise PacketDamaged("this file is not a Frontline Kit packet: it is sealed with a "
                            "passphrase, not to your identity. Nothing was changed.")
    try:
        plain = bytes(pyrage.decrypt(data, [identity]))
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            # age stanzas do not say whom they are for, so a damaged stanza looks the same.
            raise PacketNotForYou(
                "this packet was sealed for someone else, not for this vault, so it cannot be "
                "opened here. Ask the sender to seal it to your identity card (or, if it was "
                "meant for you, the file was damaged on the way).") from None
        raise PacketDamaged("this packet is damaged: it was cut short or changed after it was "
                            "sealed. Ask the sender for a fresh copy.") from None
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise PacketDamaged("this packet's contents are not text; it is not a Frontline Kit "
                            "packet") from None


def _damaged(why: str) -> PacketDamaged:
    return PacketDamaged(f"this packet is malformed ({why}); it was not made by the kit, or was "
                         "made by a broken copy of it")


def _split(text: str) -> tuple[bytes, bytes]:
    """(signature, body bytes) of a signed packet text."""
    first, sep, rest = text.partition("\n")
    if first != FORMAT_LINE:
        if first.startswith("Frontline Kit packet, version "):
            raise UnsupportedFormat(f"this packet is in a newer format ({first!r}); update the "
                                    "kit to open it")
        raise _damaged("no format line")
    sig_line, sep2, body = rest.partition("\n\n")
    if not sep or not sep2 or not sig_line.startswith("Signature: "):
        raise _damaged("no signature line")
    try:
        signature = base64.b64decode(sig_line[len("Signature: "):], validate=True)
    except binascii.Error:
        raise _damaged("the signature is garbled") from None
    return signature, body.encode("utf-8")


def _text(value: object, what: str, limit: int = 200) -> str:
    if not isinstance(value, str):
        raise _damaged(f"{what} is missing")
    if len(value) > limit:
        raise _damaged(f"{what} is longer than {limit} characters")
    return value


def _label(value: object, what: str) -> str:
    """A name, as a card allows it: one line of at most MAX_NAME characters."""
    text = _text(value, what, MAX_NAME)
    try:
        return check_label(text, what, MAX_NAME, required=True)
    except UsageError as exc:
        raise _damaged(exc.message) from None


def _fingerprint(value: object, what: str) -> str:
    text = _text(value, what)
    if not _FINGERPRINT.fullmatch(text):
        raise _damaged(f"{what} is not a fingerprint (eight groups of four hex digits)")
    return text


def _recipient(value: object) -> str:
    text = _text(value, "the sender's key")
    try:
        pyrage.x25519.Recipient.from_str(text)
    except Exception:  # pyrage raises its own RecipientError, or ValueError
        raise _damaged("the sender's key is not an age X25519 recipient") from None
    return text


def _signing_key(value: object) -> bytes:
    try:
        key = base64.b64decode(_text(value, "the signing key"), validate=True)
    except (ValueError, binascii.Error):
        raise _damaged("the sender's signing key is garbled") from None
    if len(key) != 32:
        raise _damaged("the sender's signing key has the wrong length")
    return key


def _created(value: object) -> datetime:
    try:
        created = datetime.fromisoformat(_text(value, "the time", 40))
    except ValueError:
        raise _damaged("the time is garbled") from None
    if created.tzinfo is None:
        raise _damaged("the time has no zone")
    return created


def parse_signed(text: str) -> Packet:
    """A packet's fields, read from its signed text and each checked against its documented
    type and bounds (docs/share-packet-format.md). Checks the shape, not the signature."""
    _signature, body_bytes = _split(text)
    try:
        body = parse_json(body_bytes)
    except Malformed as exc:
        raise _damaged(f"the body {exc.reason}") from None
    if not isinstance(body, dict) or body.get("format") != "flk-packet":
        raise _damaged("the body is not a packet")
    version = body.get("version")
    if type(version) is not int:  # 1.0 and true compare equal to 1
        raise _damaged("the version is not a whole number")
    if version != VERSION:
        raise UnsupportedFormat(f"this packet is in format version {version!r}, "
                                "which this kit does not know; update the kit to open it")
    sender, to, content = body.get("from"), body.get("to"), body.get("content")
    if not isinstance(sender, dict) or not isinstance(to, dict) or not isinstance(content, dict):
        raise _damaged("sender, recipient or content is missing")
    packet_id = _text(body.get("id"), "the id")
    if not _PACKET_ID.fullmatch(packet_id):
        raise _damaged("the id is not 32 lowercase hex digits")
    packet_type = _text(body.get("type"), "the type")
    if packet_type not in TYPES:
        raise _damaged(f"unknown type {packet_type[:20]!r}")
    return Packet(
        id=packet_id, type=packet_type,
        sender=Sender(_label(sender.get("name"), "the sender's name"),
                      _fingerprint(sender.get("fingerprint"), "the sender's fingerprint"),
                      _recipient(sender.get("age_recipient")),
                      _signing_key(sender.get("signing_key"))),
        recipient=_fingerprint(to.get("fingerprint"), "the recipient's fingerprint"),
        recipient_name=_label(to.get("name"), "the recipient's name"),
        created=_created(body.get("created")), content=content, signed=text)


def check_signed(text: str, own_fingerprint: str, sender_card: Callable[[str], Card | None],
                 seen: Callable[[str], bool]) -> Packet:
    """Check a packet's signed text as received by this vault; return it, or raise the error
    that says exactly what is wrong."""
    packet = parse_signed(text)
    if packet.recipient != own_fingerprint:
        raise PacketNotForYou(
            f"this packet is addressed to {shown(packet.recipient_name)} "
            f"({shown(packet.recipient)}), not to "
            "you. It was passed on by someone else; it has not been opened.")
    card = sender_card(packet.sender.fingerprint)
    if card is None:
        raise PacketUnknownSender(
            f"this packet says it is from {shown(packet.sender.name)} "
            f"({shown(packet.sender.fingerprint)}), "
            "who is not in your contacts. Ask them for their identity card, check its "
            "fingerprint with them, and add them as a contact before opening this.")
    claimed = PublicIdentity(packet.sender.recipient, packet.sender.signing_key)
    if (claimed.fingerprint != card.fingerprint or card.recipient != packet.sender.recipient
            or card.signing_key != packet.sender.signing_key):
        raise PacketSenderMismatch(
            f"this packet claims to be from your contact {card.name} but carries keys that are "
            "not theirs. Someone may be impersonating them: do not trust it.")
    signature, body_bytes = _split(text)
    if not verify_signature(card.signing_key, CONTEXT, body_bytes, signature):
        raise PacketBadSignature(
            f"this packet's signature is not {card.name}'s: its contents were changed after "
            "it was signed, or it was forged. Do not trust it; ask them for a fresh copy.")
    if seen(packet.id):
        raise PacketReplayed(
            f"this packet ({shown(packet.id[:8])}, from {card.name}, "
            f"{packet.created:%d %b %Y}) was opened here before; opening it again would repeat "
            "what it did, so it was refused.")
    return packet


def open_sealed(data: bytes, identity: pyrage.x25519.Identity, own_fingerprint: str,
                sender_card: Callable[[str], Card | None],
                seen: Callable[[str], bool]) -> Packet:
    """Decrypt and check a packet file's bytes."""
    return check_signed(decrypt(data, identity), own_fingerprint, sender_card, seen)
