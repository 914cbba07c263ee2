"""Keyring backends for tests, selected in subprocesses with PYTHON_KEYRING_BACKEND.

Importing one registers its classes with the keyring library, so the test process itself
never imports them: they are named only by their dotted path.
"""
