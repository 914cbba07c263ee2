"""Every failure the kit reports to a person, with its exit code.

Each error carries a message written for the user (what happened and what to do next); the
CLI maps the class to an exit code in exactly one place, here.
"""

from __future__ import annotations

from pathlib import Path


class KitError(Exception):
    """Base of all errors the user may see. Never shown as a traceback."""

    exit_code = 1
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(KitError):
    exit_code = 2
    code = "usage"


class FileAlreadyExists(KitError):
    """A file is already at the path the user chose to write to; it is never replaced unless
    they say so (--force on the command line, a yes in the app)."""

    code = "file_exists"

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; add --force to overwrite it, or choose "
                         "another name; nothing was written")
        self.path = path


class SecretMissing(KitError):
    """A passphrase or key was needed but neither the environment nor a terminal gave one."""

    exit_code = 2
    code = "secret_missing"


class PassphraseNeeded(SecretMissing):
    """A copy that leaves the vault's protection was asked for in a session opened by the
    keyring: the passphrase itself must be given for it."""

    code = "passphrase_needed"


class NoVault(KitError):
    code = "no_vault"


class VaultExists(KitError):
    code = "vault_exists"


class NotFound(KitError):
    code = "not_found"


class WrongSecret(KitError):
    """Wrong passphrase, recovery key or device key."""

    exit_code = 3
    code = "wrong_secret"


class VaultDamaged(KitError):
    """The vault's files are damaged or have been altered."""

    exit_code = 4
    code = "vault_damaged"


class HeaderDamaged(VaultDamaged):
    code = "header_damaged"


class HeaderTampered(VaultDamaged):
    code = "header_tampered"


class RecordDamaged(VaultDamaged):
    code = "record_damaged"

    def __init__(self, message: str, record_id: str) -> None:
        super().__init__(message)
        self.record_id = record_id


class RollbackDetected(VaultDamaged):
    code = "rollback"


class ManifestMismatch(VaultDamaged):
    code = "manifest_mismatch"


class UnsupportedFormat(KitError):
    """A vault or file written by a newer, unknown format version."""

    code = "unsupported_format"


class VaultBusy(KitError):
    exit_code = 5
    code = "vault_busy"


class KeyChanged(VaultBusy):
    """Another process changed the data key while this one held the old one open: busy in
    the contract's sense (try again), not damage."""

    code = "key_changed"


class KeyChangeStopped(KitError):
    """A key change stopped part-way; the message says exactly which secrets work now."""

    code = "key_change_stopped"


class KeyringUnavailable(KitError):
    code = "keyring_unavailable"


class BadInput(KitError):
    """A file or value given to the kit is malformed (an import, a backup, an option)."""

    code = "bad_input"


class FileRefused(BadInput):
    """A path that is not an ordinary file, is larger than its reader allows, or cannot be
    read; refused before anything was read (kit.bounded_read). `reason` completes a sentence
    about the file: "is a named pipe, not an ordinary file"."""

    code = "file_refused"

    def __init__(self, path: Path, reason: str, *, too_large: bool = False) -> None:
        super().__init__(f"{path} {reason}, so it was not read. Nothing was changed.")
        self.path = path
        self.reason = reason
        self.too_large = too_large


class CostlyFile(BadInput):
    """A file that would take more memory or time to open than any file the kit writes."""

    code = "too_costly"


class OutOfMemory(KitError):
    """The computer ran short of memory for work within the kit's own limits (not damage)."""

    code = "out_of_memory"


class VaultClosed(KitError):
    """A closed (locked) vault was used: a program error, not the user's."""

    code = "vault_closed"


class NetworkRefused(KitError):
    """Nothing was sent: offline (KIT_OFFLINE=1), not approved, or outside the approved plan."""

    exit_code = 6
    code = "network_refused"


class NetworkFailed(KitError):
    """A request was sent but failed: no connection, a timeout, or the remote service refused."""

    exit_code = 7
    code = "network_failed"


# --- identity cards and share packets ---
#
# Each way a card or packet can be refused has its own class and code, so the person is told
# what happened (and --json callers can tell them apart). Forgery and damage exit 4, like a
# tampered vault; the rest are ordinary failures.


class CardInvalid(KitError):
    """An identity card whose text is malformed or whose self-signature does not check."""

    exit_code = 4
    code = "card_invalid"


class FingerprintMismatch(KitError):
    """A card whose fingerprint is not the one the person read out."""

    exit_code = 4
    code = "fingerprint_mismatch"


class PacketDamaged(KitError):
    """Not a packet, or one cut short or altered after it was sealed."""

    exit_code = 4
    code = "packet_damaged"


class PacketNotForYou(KitError):
    """A packet sealed for, or addressed to, someone else."""

    code = "packet_wrong_recipient"


class PacketUnknownSender(KitError):
    """A packet from someone whose identity card this vault has not recorded."""

    code = "packet_unknown_sender"


class PacketSenderMismatch(KitError):
    """A packet that names a known person but carries keys that are not theirs."""

    exit_code = 4
    code = "packet_sender_mismatch"


class PacketBadSignature(KitError):
    """A packet whose signature does not match its sender's key."""

    exit_code = 4
    code = "packet_bad_signature"


class PacketReplayed(KitError):
    """A packet this vault has already opened."""

    code = "packet_replayed"
