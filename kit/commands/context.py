"""What every command shares: the global options, how output is printed, how the vault is
opened, and the small rules more than one area's commands follow (private text from stdin, a
time or a choice as commands show it, asking before going ahead, a letter's missing details).
Command modules import from here, never each other's private helpers; `kit.cli` puts them
together.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit import paths
from kit.errors import BadInput, UsageError
from kit.terminal_text import for_terminal, json_text

if TYPE_CHECKING:
    from kit.records.fields import Labelled
    from kit.records.my_details import Details
    from kit.workspace import Workspace

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Options:
    vault: str | None = None
    passphrase_file: Path | None = None
    json: bool = False

    @property
    def vault_path(self) -> Path:
        return paths.vault_dir(self.vault)


def opts() -> Options:
    obj = click.get_current_context().find_object(Options)
    assert obj is not None
    return obj


def choice_of(options: Sequence[Labelled], *, case_sensitive: bool = True) -> click.Choice[str]:
    """An option's type that accepts the stored values of *options* (kit.records.fields)."""
    return click.Choice([o.value for o in options], case_sensitive=case_sensitive)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    def remember(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
        ctx.ensure_object(Options).json = value
        return value

    return click.option("--json", "as_json", is_flag=True, expose_value=False, callback=remember,
                        is_eager=True, help="Print one JSON document on stdout.")(func)


# Every message is passed through for_terminal() here, the one place output is written: a
# value from outside that was not escaped where the message was built still cannot act on the
# terminal (see kit/terminal_text.py).


def say(text: str) -> None:
    """A human message: stderr, so stdout stays clean for data."""
    click.echo(for_terminal(text), err=True)


def out(human: str, data: Any) -> None:
    if opts().json:
        click.echo(json_text(data, indent=2))
    else:
        click.echo(for_terminal(human))


def local_time(when: datetime) -> str:
    """*when* as the commands show a time: "YYYY-MM-DD HH:MM" on this computer's clock."""
    return f"{when.astimezone():%Y-%m-%d %H:%M}"


def indent_lines(text: str, by: str = "  ") -> str:
    """*text* with *by* before every line, blank ones too (the last line break dropped)."""
    return "\n".join(by + line for line in text.splitlines())


def warn_problems(problems: Sequence[Any]) -> None:
    for problem in problems:
        say(f"Warning: {problem.message}. Run `kit vault verify` for details.")


def read_private_text(text: str | None) -> str:
    """Text from the argument, or stdin for '-' or no argument (safer: not in shell history)."""
    if text is not None and text != "-":
        return text
    if sys.stdin is None:
        raise UsageError("no text given: pass it on stdin (recommended) or as an argument")
    if sys.stdin.isatty():
        say("Type the entry, then press Ctrl-D on a new line (Ctrl-Z then Enter on Windows).")
    raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        # Strict, whatever the locale: surrogate-escaped bytes must not reach the vault.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput("the text on stdin is not valid UTF-8; nothing was saved") from None


def optional_private_text(text: str | None) -> str:
    """An optional text option's value: '-' reads stdin (safer: not in shell history), and an
    option not given is empty."""
    if text == "-":
        return read_private_text("-")
    return text or ""


def go_ahead(yes: bool, question: str, *, to_do: str, otherwise: str) -> None:
    """Continue only with --yes or a yes typed at the terminal (never read from stdin).

    *to_do* finishes "add --yes to ..."; *otherwise* says what did not happen ("nothing was
    written"). Without a terminal and without --yes, that is a usage error (exit 2)."""
    from kit import credentials
    from kit.errors import KitError

    if yes:
        return
    if not credentials.terminal_available():
        raise UsageError(f"there is no terminal to ask on: add --yes to {to_do}; {otherwise}")
    if not credentials.confirm(question):
        raise KitError(otherwise)


def complete_letter_details(details: Details, *, keep_hint: str) -> Details:
    """*details* with a name and a reply address, as every letter needs: whatever is still
    blank is asked for at the terminal (never read from stdin). With no terminal, a usage error
    (exit 2) names the option that gives it and, in *keep_hint*, how this command keeps it in
    the vault for next time ("add --save-details to keep it ...")."""
    import dataclasses

    from kit import credentials

    def ask(what: str, option: str) -> str:
        if not credentials.terminal_available():
            raise UsageError(f"the letter needs {what}: give {option} ({keep_hint}); nothing "
                             "was written")
        return credentials.ask_terminal(f"The letter needs {what}.\n> ")

    if not details.name.strip():
        details = dataclasses.replace(details, name=ask("your name", "--name NAME"))
    if not details.reply_to.strip():
        details = dataclasses.replace(details, reply_to=ask(
            "an address for their reply (email or postal)", "--reply-to ADDRESS"))
    return details


def unlocked_workspace(allow_device: bool = True) -> Workspace:
    """The unlocked vault and its repositories: every command that reads records opens here."""
    from kit.unlock import unlock
    from kit.workspace import Workspace

    return Workspace(unlock(opts().vault_path, opts().passphrase_file,
                            allow_device=allow_device))
