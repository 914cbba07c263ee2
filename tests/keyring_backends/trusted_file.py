"""A keyring the kit trusts (priority 5, like the macOS Keychain) that keeps its entries in
the JSON file named by KIT_TEST_PLAINTEXT_KEYRING, as tests.keyring_backends.insecure does,
so that one `kit` process can turn keyring unlock on and the next can open the vault with it.

For command-line tests of what a keyring unlock may do where no Secret Service is running;
tests/vault/test_keyring.py uses a real gnome-keyring where it can.
"""

from __future__ import annotations

from tests.keyring_backends.insecure import Keyring as FileKeyring


class Keyring(FileKeyring):
    priority = 5  # type: ignore[assignment]
