"""Where secrets come from: the environment (taken out of it at once), a file, or the terminal.

Order: KIT_PASSPHRASE / KIT_NEW_PASSPHRASE / KIT_RECOVERY_KEY, then --passphrase-file, then a
prompt on the controlling terminal. With none of them the command stops with exit 2 and says
how to give one. Three wrong tries at a prompt end with exit 3.
"""

from __future__ import annotations

import getpass
import math
import os
import sys
from pathlib import Path
from typing import NamedTuple

from kit.errors import FileRefused, SecretMissing, UsageError

ENV_PASSPHRASE = "KIT_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
ENV_NEW_PASSPHRASE = "KIT_NEW_PASSPHRASE"  # noqa: S105
ENV_RECOVERY_KEY = "KIT_RECOVERY_KEY"
MIN_PASSPHRASE = 8
TRIES = 3
MAX_PASSPHRASE_FILE = 64 * 1024  # a passphrase is one line; anything larger is a wrong file

_taken: dict[str, str] = {}


def take_from_environment() -> None:
    """Move secrets out of os.environ so no child process inherits them."""
    for name in (ENV_PASSPHRASE, ENV_NEW_PASSPHRASE, ENV_RECOVERY_KEY):
        value = os.environ.pop(name, None)
        if value is not None:
            _taken[name] = value


def from_environment(name: str) -> str | None:
    return _taken.get(name)


def terminal_available() -> bool:
    if os.name == "nt":  # pragma: no cover
        return sys.stdin.isatty()
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def prompt_secret(prompt: str, how_to_supply: str) -> str:
    if not terminal_available():
        raise SecretMissing(
            f"a secret is needed and there is no terminal to ask on; {how_to_supply}")
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise SecretMissing(f"no secret was typed; {how_to_supply}") from None


def read_passphrase_file(path: Path) -> str:
    """The first line of a passphrase file. Anything that is not a small UTF-8 text file is a
    usage error (exit 2): a secret was asked for and not supplied."""
    from kit.bounded_read import read_bounded

    try:
        data = read_bounded(path, MAX_PASSPHRASE_FILE, "passphrase file")
    except FileRefused as exc:
        raise UsageError(f"could not read the passphrase file {path}: it {exc.reason}. "
                         "Nothing was changed.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"the passphrase file {path} is not UTF-8 text; save it as UTF-8 (plain "
                         "text) and try again. Nothing was changed.") from None
    line = text.splitlines()[0] if text else ""
    if not line:
        raise UsageError(f"the passphrase file {path} is empty")
    return line


def check_new_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        raise UsageError(
            f"the passphrase is too short: use at least {MIN_PASSPHRASE} characters "
            "(a few unrelated words is easy to remember and hard to guess)"
        )
    return passphrase


class Strength(NamedTuple):
    level: int  # 0 too short, 1 weak, 2 fair, 3 strong
    label: str
    advice: str  # what to do about it, never the label again ("strong: Strong.")

    def __str__(self) -> str:
        """"Strong. Make sure you can remember it: ...", as the app shows it."""
        return f"{self.label[:1].upper()}{self.label[1:]}. {self.advice}"


def strength(passphrase: str) -> Strength:
    """A rough, honest guide to how guessable a new passphrase is.

    It estimates the search space from the words or the kinds of characters used; it cannot
    know that a phrase is a famous quote, so it never calls anything unbreakable.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        return Strength(0, "too short", f"Use at least {MIN_PASSPHRASE} characters.")
    words = [w for w in passphrase.split() if len(w) >= 3]
    pools = [
        (any(c.islower() for c in passphrase), 26),
        (any(c.isupper() for c in passphrase), 26),
        (any(c.isdigit() for c in passphrase), 10),
        (any(not c.isalnum() for c in passphrase), 33),
    ]
    pool = sum(size for present, size in pools if present) or 26
    distinct = len(set(passphrase))
    by_characters = min(len(passphrase), distinct * 2) * math.log2(pool)
    by_words = len(words) * 11.0  # about a 2,000-word vocabulary per word
    bits = max(by_characters * 0.6, by_words)  # people choose characters far from randomly
    if bits < 40:
        return Strength(1, "weak", "Longer is stronger: try four or more unrelated words.")
    if bits < 55:
        return Strength(2, "fair", "One more unrelated word would make it much stronger.")
    return Strength(3, "strong", "Make sure you can remember it: it cannot be reset without "
                                 "your recovery key.")


def new_passphrase(env_name: str, what: str = "new passphrase") -> str:
    """A new passphrase from *env_name*, or typed twice at the terminal."""
    given = from_environment(env_name)
    if given is not None:
        return check_new_passphrase(given)
    how = f"set {env_name} or run this command in a terminal"
    for _ in range(TRIES):
        first = prompt_secret(f"Choose a {what}: ", how)
        try:
            check_new_passphrase(first)
        except UsageError as exc:
            print(exc.message, file=sys.stderr)
            continue
        if prompt_secret(f"Type the {what} again: ", how) == first:
            return first
        print("The two passphrases were different; please try again.", file=sys.stderr)
    raise UsageError(f"no {what} was set; nothing was changed")


def ask_terminal(question: str) -> str:
    """Write *question* to the user's terminal and read one line back from it (not stdin,
    which may carry private text)."""
    if not terminal_available():
        raise UsageError(f"{question} — there is no terminal to ask on; add --yes to confirm")
    reader, writer = ("CONIN$", "CONOUT$") if os.name == "nt" else ("/dev/tty", "/dev/tty")
    with open(writer, "w", encoding="utf-8") as out, open(reader, encoding="utf-8") as inp:
        out.write(question)
        out.flush()
        return inp.readline().strip()


def confirm(question: str) -> bool:
    """Ask a yes/no question on the terminal; False unless the answer is yes."""
    return ask_terminal(f"{question} [y/N] ").lower() in ("y", "yes")


def ask_word(question: str, word: str) -> bool:
    """Ask the user to type *word* to go ahead (for destroying things)."""
    return ask_terminal(f"{question}\nType {word!r} to go ahead: ") == word
