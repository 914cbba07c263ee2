"""Identity cards: a vault's public keys, with a name and role, signed by the vault itself.

A card is a few lines of text that survive email and chat, so colleagues can swap them any way
they like. The self-signature proves that whoever made the card holds its signing key; it does
not prove who that is. That is what the fingerprint is for: the two people read it to each other
in person or on a call, and `kit id add --fingerprint` checks it (docs/share-packet-format.md).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pyrage

from kit.errors import CardInvalid, FingerprintMismatch, UsageError
from kit.vault.identity import PublicIdentity, public_identity, sign, verify_signature

if TYPE_CHECKING:
    from kit.vault import Record

HEADER = "Frontline Kit identity card, version 1"
CONTEXT = b"flk/v1/identity-card\n"
LABELS = ("Name", "Role", "Receiving key (age)", "Signing key (Ed25519)", "Fingerprint", "Made")
SIGNATURE = "Signature"
MAX_NAME = 100
MAX_ROLE = 60
MAX_CARD_TEXT = 16_384


def check_label(value: str, what: str, limit: int, *, required: bool) -> str:
    """One line of text for a name or role: no control characters, within *limit*."""
    value = value.strip()
    if required and not value:
        raise UsageError(f"the {what} cannot be empty")
    if len(value) > limit:
        raise UsageError(f"the {what} is longer than {limit} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise UsageError(f"the {what} must be one line of text, without control characters")
    return value


def normalize_fingerprint(text: str) -> str:
    """A fingerprint as typed (any spacing or case) in the kit's own form, or UsageError."""
    digits = re.sub(r"[\s:-]", "", text).lower()
    if not re.fullmatch(r"[0-9a-f]{32}", digits):
        raise UsageError("a fingerprint is 32 hexadecimal characters, in eight groups of four, "
                         f"not {text!r}")
    return " ".join(digits[i:i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class Card:
    name: str
    role: str
    recipient: str  # age1...
    signing_key: bytes  # raw Ed25519 public key
    made: date
    signature: bytes

    @property
    def public(self) -> PublicIdentity:
        return PublicIdentity(self.recipient, self.signing_key)

    @property
    def fingerprint(self) -> str:
        return self.public.fingerprint

    def signed_text(self) -> str:
        values = (self.name, self.role, self.recipient,
                  base64.b64encode(self.signing_key).decode("ascii"), self.fingerprint,
                  self.made.isoformat())
        return "".join(f"{line}\n" for line in
                       (HEADER, *(f"{k}: {v}" for k, v in zip(LABELS, values, strict=True))))

    def text(self) -> str:
        """The whole card, ready to send."""
        signature = base64.b64encode(self.signature).decode("ascii")
        return f"{self.signed_text()}{SIGNATURE}: {signature}\n"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "age_recipient": self.recipient,
                "signing_key": base64.b64encode(self.signing_key).decode("ascii"),
                "fingerprint": self.fingerprint, "made": self.made.isoformat(),
                "card": self.text()}


def make_card(records: Mapping[str, Record], name: str, role: str, today: date) -> Card:
    """This vault's card, signed with its own key."""
    ident = public_identity(records)
    unsigned = Card(check_label(name, "name", MAX_NAME, required=True),
                    check_label(role, "role", MAX_ROLE, required=False),
                    ident.recipient, ident.signing_key, today, b"")
    signature = sign(records, CONTEXT, unsigned.signed_text().encode("utf-8"))
    return Card(unsigned.name, unsigned.role, unsigned.recipient, unsigned.signing_key,
                unsigned.made, signature)


def _invalid(why: str) -> CardInvalid:
    return CardInvalid(f"this is not a valid identity card: {why}")


def parse_card(text: str) -> Card:
    """Read a card from text (surrounding lines, such as an email's, are ignored) and check
    its self-signature. Raises CardInvalid, naming what is wrong."""
    if len(text) > MAX_CARD_TEXT:
        raise _invalid(f"it is longer than {MAX_CARD_TEXT} characters")
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    try:
        start = lines.index(HEADER)
    except ValueError:
        raise _invalid(f"the line {HEADER!r} is missing") from None
    body = [line for line in lines[start + 1:] if line][:len(LABELS) + 1]
    values: list[str] = []
    for label, line in zip((*LABELS, SIGNATURE), body, strict=False):
        prefix = f"{label}: "
        if not line.startswith(prefix) and line != f"{label}:":
            raise _invalid(f"expected a line starting {prefix!r}, found {line[:40]!r}")
        values.append(line[len(prefix):].strip())
    if len(values) != len(LABELS) + 1:
        raise _invalid("it is cut short")
    name, role, recipient, key_text, fingerprint, made_text, signature_text = values
    try:
        name = check_label(name, "name", MAX_NAME, required=True)
        role = check_label(role, "role", MAX_ROLE, required=False)
    except UsageError as exc:
        raise _invalid(exc.message) from None
    try:
        pyrage.x25519.Recipient.from_str(recipient)
    except Exception:  # pyrage raises its own RecipientError, or ValueError
        raise _invalid("the receiving key is not an age X25519 recipient") from None
    try:
        signing_key = base64.b64decode(key_text, validate=True)
        signature = base64.b64decode(signature_text, validate=True)
        made = date.fromisoformat(made_text)
    except (binascii.Error, ValueError):
        raise _invalid("the signing key, signature or date is garbled") from None
    if len(signing_key) != 32 or len(signature) != 64:
        raise _invalid("the signing key or signature has the wrong length")
    card = Card(name, role, recipient, signing_key, made, signature)
    if fingerprint != card.fingerprint:
        raise _invalid("its fingerprint line does not match its keys")
    if not verify_signature(signing_key, CONTEXT, card.signed_text().encode("utf-8"), signature):
        raise CardInvalid("this identity card's self-signature does not check: it was changed "
                          "after it was made, or damaged on the way. Ask for a fresh copy.")
    return card


def check_fingerprint(card: Card, given: str) -> None:
    """Raise FingerprintMismatch unless *given* is *card*'s fingerprint."""
    if normalize_fingerprint(given) != card.fingerprint:
        raise FingerprintMismatch(
            f"the fingerprint you were given ({normalize_fingerprint(given)}) is not this "
            f"card's ({card.fingerprint}). Do not add it: ask {card.name} again, in person or on "
            "a call, and get a fresh copy of their card.")
