"""What this vault has sent and received: the packet log, and the shares received from it.

Each side keeps the signed text of every packet, so either can later show exactly what was said
and prove who said it. The ids of received packets are how a replay is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.records.source import RecordSource, read_kind
from kit.supervision.packets import Packet, parse_signed

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault
    from kit.vault.store import WriteTxn

SENT_KIND = "packet_sent"
RECEIVED_KIND = "packet_received"


@dataclass(frozen=True)
class LoggedPacket:
    direction: str  # "sent" | "received"
    packet: Packet
    at: datetime  # when it was sealed or opened here
    peer_name: str  # the name this vault gives the other person
    summary: str  # one line: what it held

    def to_json(self) -> dict[str, Any]:
        return {"direction": self.direction, "id": self.packet.id, "type": self.packet.type,
                "at": self.at.isoformat(), "with": self.peer_name,
                "fingerprint": (self.packet.recipient if self.direction == "sent"
                                else self.packet.sender.fingerprint),
                "summary": self.summary}


@dataclass(frozen=True)
class ReceivedShare:
    """A share packet opened by a supervisor."""

    packet_id: str
    sender: str  # fingerprint
    received_at: datetime
    start: str
    end: str
    fields: tuple[tuple[str, str, str], ...]  # (key, label, text)
    text: str  # exactly what the practitioner previewed

    def field(self, key: str) -> str | None:
        return next((text for k, _label, text in self.fields if k == key), None)


def share_from(packet: Packet, received_at: datetime) -> ReceivedShare:
    content = packet.content
    fields = content.get("fields", [])
    return ReceivedShare(
        packet.id, packet.sender.fingerprint, received_at, str(content.get("start", "")),
        str(content.get("end", "")),
        tuple((str(f.get("key", "")), str(f.get("label", "")), str(f.get("text", "")))
              for f in fields if isinstance(f, dict)),
        str(content.get("text", "")))


def _from_record(record: Record) -> LoggedPacket:
    data = record.data
    at = datetime.fromisoformat(data["at"])
    return LoggedPacket("sent" if record.kind == SENT_KIND else "received",
                        parse_signed(data["signed"]), at, str(data["peer_name"]),
                        str(data["summary"]))


class PacketLog:
    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._entries: dict[str, LoggedPacket] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> dict[str, LoggedPacket]:
        if self._entries is None:
            from kit.vault import Problem

            self._entries, self.problems = read_kind(
                self.source, (SENT_KIND, RECEIVED_KIND), _from_record, lambda r: Problem(
                    "unreadable_packet", f"packet log entry {r.id} cannot be read by this "
                    "version of the kit; it was left untouched", r.id))
        return self._entries

    def _add(self, kind: str, packet: Packet, peer_name: str, summary: str,
             at: datetime | None) -> LoggedPacket:
        at = at or datetime.now(UTC)
        record = self.vault.put(kind, {"at": at.isoformat(), "peer_name": peer_name,
                                       "summary": summary, "signed": packet.signed})
        entry = LoggedPacket("sent" if kind == SENT_KIND else "received", packet, at,
                             peer_name, summary)
        self._load()[record.id] = entry
        return entry

    def record_sent(self, packet: Packet, peer_name: str, summary: str,
                    at: datetime | None = None) -> LoggedPacket:
        """Note a packet written for *peer_name*, at *at* (default now)."""
        return self._add(SENT_KIND, packet, peer_name, summary, at)

    def record_received(self, packet: Packet, peer_name: str, summary: str,
                        at: datetime | None = None) -> LoggedPacket:
        """Note a packet opened here (its id is how a replay is recognised)."""
        return self._add(RECEIVED_KIND, packet, peer_name, summary, at)

    def entries(self) -> list[LoggedPacket]:
        """Newest first."""
        return sorted(self._load().values(), key=lambda e: (e.at, e.packet.id), reverse=True)

    def sent(self) -> list[LoggedPacket]:
        return [e for e in self.entries() if e.direction == "sent"]

    def received(self) -> list[LoggedPacket]:
        return [e for e in self.entries() if e.direction == "received"]

    def seen(self, packet_id: str) -> bool:
        """True if a packet with this id was opened here before."""
        return any(e.packet.id == packet_id for e in self.received())

    def shares(self) -> list[ReceivedShare]:
        """Shares received, newest first."""
        return [share_from(e.packet, e.at) for e in self.received() if e.packet.type == "share"]

    def delete_ids(self, packet_ids: set[str]) -> int:
        """Forget these packets (retention); returns how many log entries went."""
        gone = [rid for rid, e in self._load().items() if e.packet.id in packet_ids]
        if gone:
            def delete_all(txn: WriteTxn) -> None:
                for rid in gone:
                    txn.delete(rid)

            self.vault.write(delete_all)
            for rid in gone:
                del self._load()[rid]
        return len(gone)
