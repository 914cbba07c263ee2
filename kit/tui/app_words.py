"""Messages from the core in the app's words.

The core's messages are shared with the command line, and some end by telling its user what to
run next (`kit vault verify`, `kit passwd --rotate`). The app's user has no terminal, so every
message the app shows from outside kit.tui passes through `app_words`: a command the app has its
own action for is replaced by that action's name; any other command is left out with the words
that named it, and the rest of the message (what happened) is kept.
"""

from __future__ import annotations

import re
from functools import partial

# A command as the core writes one: backticked, starting with the program's name.
COMMAND = r"`kit\s[^`]*`"

# Commands the app has its own way to do: the whole instruction, and the app's words for it.
INSTEAD: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words) for pattern, words in (
        (r"\b[Rr]un `kit vault verify`(?: to see all the damage| for the full list)?",
         'choose "Check the vault" in the command palette (ctrl+p) to see what is damaged'),
        (r"\b[Rr]un `kit passwd --rotate`(?: again)?",
         'choose "Finish the key change" in the command palette (ctrl+p)'),
        (r"`kit check email --forget-key` removes it",
         "Forget key on Footprint (F8) removes it"),
        (r"\brestore them with `kit supervision archive --undo`",
         "restore them with Restore… on Supervision's Team tab"),
        (r"\buse `kit supervision accept` or `(?:kit supervision )?comment`",
         "use Accept… or Comment… on Supervision's Records tab"),
        (r"`kit recover` opens it with your recovery key",
         'choose "I have forgotten my passphrase" on the lock screen'),
        (r"\bAdd someone with `kit id add`", "Add someone with Add a contact… on Supervision"),
    ))

# What is left out, tried in order: a parenthesis naming a command, then a clause after ";" or
# ":" or ",", then the whole sentence.
LEFT_OUT = (
    re.compile(r"\s*\([^()]*" + COMMAND + r"[^()]*\)"),
    re.compile(r"\s*[;:,—-]\s*[^;:,.—]*" + COMMAND + r"[^.;]*"),
    re.compile(r"[^.;:]*" + COMMAND + r"[^.]*\.?"),
)


def _instead(words: str, found: re.Match[str]) -> str:
    return _cased(words, found.group(0))


def app_words(message: str) -> str:
    """*message* with every command-line instruction in it replaced or left out."""
    if "`kit" not in message:
        return message
    for pattern, words in INSTEAD:
        message = pattern.sub(partial(_instead, words), message)
    for pattern in LEFT_OUT:
        message = pattern.sub("", message)
    return re.sub(r"\s{2,}", " ", message).strip()


def _cased(words: str, replaced: str) -> str:
    """*words* starting with a capital where what they replace did ("Run …" began a sentence)."""
    return words[0].upper() + words[1:] if replaced[0].isupper() else words
