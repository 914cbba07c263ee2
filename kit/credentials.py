"""Where secrets come from: the environment (taken out of it at once), a file, or the terminal.

Order: KIT_PASSPHRASE / KIT_NEW_PASSPHRASE / KIT_RECOVERY_KEY, then --passphrase-file, then a
prompt on the controlling terminal. With none of them the command stops with exit 2 and says
how to give one. Three wrong tries at a prompt end with exit 3.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from kit.errors import SecretMissing, UsageError

ENV_PASSPHRASE = "KIT_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
ENV_NEW_PASSPHRASE = "KIT_NEW_PASSPHRASE"  # noqa: S105
ENV_RECOVERY_KEY = "KIT_RECOVERY_KEY"
MIN_PASSPHRASE = 8
TRIES = 3

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
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"could not read the passphrase file {path}: {exc.strerror}") from exc
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
