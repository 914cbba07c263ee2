"""The encrypted vault (format v1, docs/vault-format.md).

Names are loaded on first use (PEP 562), so importing a light module such as kit.vault.files
does not pull in the cryptography stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kit.vault.store import BlobInfo, Credentials, Problem, Record, Snapshot, Vault

__all__ = ["BlobInfo", "Credentials", "Problem", "Record", "Snapshot", "Vault"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kit.vault import store

        return getattr(store, name)
    raise AttributeError(f"module 'kit.vault' has no attribute {name!r}")
