"""The encrypted vault (format v1, docs/vault-format.md)."""

from kit.vault.store import BlobInfo, Credentials, Problem, Record, Snapshot, Vault

__all__ = ["BlobInfo", "Credentials", "Problem", "Record", "Snapshot", "Vault"]
