"""The network ledger: every request a footprint check made, kept encrypted in the vault.

One record per run of a check (`network_ledger`), holding that run's requests: when, which check,
method, host, path without its query string, status, bytes received and a short error word. Never
a header value, query string, body or anything the user typed: kit.footprint.transport builds the
entries and cannot put those in them. Records are only ever added, never rewritten, so fields a
newer kit wrote stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kit.records.fields import stored_stamp, stored_text, stored_whole
from kit.records.source import RecordSource, read_kind

if TYPE_CHECKING:
    from kit.vault import Problem, Record, Vault

KIND = "network_ledger"


@dataclass(frozen=True)
class LedgerEntry:
    """One request as the ledger keeps it: never secrets, header values, query strings or bodies.
    kit.footprint.transport makes them (and names this class too)."""

    at: datetime
    check: str
    method: str
    host: str
    path: str  # without query string
    status: int | None
    bytes_received: int
    error: str = ""


def entry_to_json(entry: LedgerEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(), "check": entry.check, "method": entry.method,
        "host": entry.host, "path": entry.path, "status": entry.status,
        "bytes": entry.bytes_received, "error": entry.error,
    }


def _entry(item: object, check: str) -> LedgerEntry:
    if not isinstance(item, dict):
        raise TypeError("a ledger entry must be an object")
    status = item.get("status")
    return LedgerEntry(at=stored_stamp(item["at"], "at"),
                       check=stored_text(item.get("check", check), "check"),
                       method=stored_text(item["method"], "method"),
                       host=stored_text(item["host"], "host"),
                       path=stored_text(item["path"], "path"),
                       status=None if status is None else stored_whole(status, "status"),
                       bytes_received=stored_whole(item.get("bytes", 0), "bytes"),
                       error=stored_text(item.get("error", ""), "error"))


def _from_record(record: Record) -> list[LedgerEntry]:
    check = stored_text(record.data["check"], "check")
    items = record.data["requests"]
    if not isinstance(items, list):
        raise TypeError("requests must be a list")
    return [_entry(item, check) for item in items]


class Ledger:
    """The encrypted record of network requests, decrypted once and kept in memory."""

    def __init__(self, vault: Vault, source: RecordSource | None = None) -> None:
        self.vault = vault
        self.source: RecordSource = source or vault
        self._entries: list[LedgerEntry] | None = None
        self.problems: list[Problem] = []

    def _load(self) -> list[LedgerEntry]:
        if self._entries is None:
            from kit.vault import Problem  # here: the CLI imports this module at start

            runs, self.problems = read_kind(self.source, KIND, _from_record, lambda r: Problem(
                "unreadable_ledger", f"a network ledger record ({r.id}) has a shape this "
                "version of the kit cannot read; it was left untouched", r.id))
            entries = [entry for run in runs.values() for entry in run]
            entries.sort(key=lambda e: e.at, reverse=True)
            self._entries = entries
        return self._entries

    def entries(self) -> list[LedgerEntry]:
        """Every recorded request, newest first."""
        return list(self._load())

    def add(self, entries: Sequence[LedgerEntry]) -> None:
        """Save one run's requests as one record (nothing is written for a run that sent none)."""
        if not entries:
            return
        checks = sorted({e.check for e in entries})
        held = self._load()  # before the write: a snapshot read after it may not hold it
        self.vault.put(KIND, {
            "check": checks[0] if len(checks) == 1 else ", ".join(checks),
            "saved": datetime.now(UTC).isoformat(),
            "requests": [entry_to_json(e) for e in entries],
        })
        held.extend(entries)
        held.sort(key=lambda e: e.at, reverse=True)
