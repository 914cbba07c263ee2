"""`kit check`: what others can learn about you, one check at a time.

Every check that uses the network goes the same way: build its plan (what leaves this machine,
to which host), show it on stderr and ask (`--yes` approves it without asking; with no terminal
and no --yes nothing is sent, exit 6), send exactly that through kit.footprint.transport, save
every request to the encrypted ledger whether the check worked or not, then record what was
found. Other areas add their own checks to this group (`check.add_command`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kit.commands.check_domain import check_domain
from kit.commands.check_photo import photo
from kit.commands.context import json_option, opts, out, say, warn_problems
from kit.errors import UsageError

if TYPE_CHECKING:
    from kit.footprint.breaches import Breach
    from kit.footprint.plan import Plan
    from kit.footprint.service import Footprint
    from kit.footprint.transport import LedgerEntry, Session

T = TypeVar("T")

HOW_PASSWORD = "pass it on standard input with --stdin, or run this in a terminal to type it"  # noqa: S105
HOW_KEY = ("set KIT_HIBP_API_KEY, or run this in a terminal to type it (a key comes from "
           "https://haveibeenpwned.com/API/Key)")


def yes_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--yes", is_flag=True,
                        help="Approve the plan without asking (it is still printed on "
                        "stderr).")(func)


@click.group("check")
def check() -> None:
    """Check what others can learn about you, and what to do about it.

    Each check shows exactly what it will send, and to whom, and asks first. Every request
    is recorded in the encrypted ledger (`kit ledger`). KIT_OFFLINE=1 blocks them all.
    """


check.add_command(check_domain)
check.add_command(photo)


def run_plan(fp: Footprint, plan: Plan, yes: bool, send: Callable[[Session, float], T]
             ) -> tuple[T, list[LedgerEntry]]:
    """Ask for approval, then let *send* use the plan's requests. Returns what *send* gave
    and the requests made, for the service to keep with what was found; should *send* fail,
    the requests are kept in the ledger before the failure goes on."""
    from kit import config
    from kit.commands.footprint_consent import approve

    settings = config.load()  # a broken config fails before anything is asked or sent
    approve(plan, yes)
    sent: list[LedgerEntry] = []
    try:
        return fp.send(plan, settings, sent, send), sent
    except BaseException:
        fp.keep(sent)
        raise


# --- password ---


def _read_password(from_stdin: bool) -> str:
    """The password to check: the one line on stdin, or typed at the terminal without echo."""
    from kit import credentials

    if not from_stdin:
        return credentials.prompt_secret("Password to check (it is not shown as you type): ",
                                         HOW_PASSWORD)
    if sys.stdin is None:
        raise UsageError(f"there is no standard input to read the password from; {HOW_PASSWORD}")
    from kit.footprint.passwords import MAX_STDIN_BYTES, password_from_input

    # Read to the end (bounded), so a second line is seen and refused rather than dropped; a
    # person typing after --stdin at a terminal ends the line with Enter.
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    if sys.stdin.isatty():
        raw = stream.readline(MAX_STDIN_BYTES + 1) if stream else \
            sys.stdin.readline(MAX_STDIN_BYTES + 1).encode()
    else:
        raw = stream.read(MAX_STDIN_BYTES + 1) if stream else \
            sys.stdin.read(MAX_STDIN_BYTES + 1).encode()
    return password_from_input(raw)


@check.command("password")
@click.option("--stdin", "from_stdin", is_flag=True,
              help="Read the password from standard input, one line (for scripts). "
              "Without it, you type it at the terminal and it is not shown.")
@yes_option
@json_option
def check_password(from_stdin: bool, yes: bool) -> None:
    """Is a password in known data breaches? (Pwned Passwords)

    Only the first 5 characters of the password's SHA-1 hash are sent; the match is made on
    this computer. The password is never stored, logged or sent.
    """
    from kit.commands.services import open_footprint
    from kit.footprint import passwords

    with open_footprint() as fp:
        plan, suffix = passwords.plan(_read_password(from_stdin))
        request = plan.requests[0]
        result, sent = run_plan(fp, plan, yes, lambda session, timeout: passwords.evaluate(
            session.send(request, timeout=timeout), suffix))
        fp.record_password(sent, result)
    if result.found:
        say("Change it wherever you use it, and use a different password for each site (a "
            "password manager makes that easy).")
    out(f"This password was {result.message}.", {"check": "password", **result.to_json()})


# --- email ---


def _api_key() -> tuple[str, str]:
    """The HIBP API key and where it came from: environment, keyring or terminal."""
    from kit import credentials
    from kit.errors import KeyringUnavailable
    from kit.footprint import breaches

    given = breaches.key_from_environment()
    if given is not None:
        return breaches.check_key(given), "environment"
    try:
        kept = breaches.stored_key()
    except KeyringUnavailable as exc:
        say(f"Note: {exc.message}")
        kept = None
    if kept is not None:
        return breaches.check_key(kept), "keyring"
    typed = credentials.prompt_secret("HIBP API key (it is not shown as you type): ", HOW_KEY)
    return breaches.check_key(typed), "terminal"


def _keep_key(api_key: str, key_source: str, remember: bool) -> bool:
    """Keep the key in the keyring only when asked to: --remember-key, or a yes (default no)
    when it was typed at the terminal. Says where it went, or that it was not kept."""
    from kit import credentials
    from kit.errors import KeyringUnavailable
    from kit.footprint import breaches

    if not remember and key_source != "terminal":
        return False  # from KIT_HIBP_API_KEY, or already in the keyring
    try:
        if not breaches.can_keep_key():
            say("Your HIBP API key was not kept: this computer has no secure keyring, so you "
                "will be asked for it next time.")
            return False
        place = breaches.key_place()
        if not remember and not credentials.confirm(
                f"Keep this HIBP API key in {place}, so you are not asked for it next time? "
                "Anyone who can use this computer's login could read it from there."):
            say("Your HIBP API key was not kept; you will be asked for it next time "
                "(--remember-key keeps it without asking).")
            return False
        breaches.keep_key(api_key)
    except KeyringUnavailable as exc:
        say(f"Note: your API key was not kept ({exc.message}); you will be asked again.")
        return False
    say(f"Your HIBP API key is now kept in {place}, so you are not asked again. "
        "`kit check email --forget-key` removes it.")
    return True


def _forget_key() -> dict[str, Any]:
    from kit.errors import KeyringUnavailable
    from kit.footprint import breaches

    try:
        removed = breaches.forget_key()
    except KeyringUnavailable as exc:
        say(f"Nothing to remove: {exc.message}.")
        return {"key_removed": False}
    say("Your HIBP API key was removed from the keyring." if removed else
        "No HIBP API key was kept in the keyring; nothing was removed.")
    return {"key_removed": removed}


@check.command("email")
@click.argument("address", required=False)
@click.option("--refresh-catalogue", is_flag=True,
              help="Fetch HIBP's public list of breaches again now (it is refreshed by itself "
              "when 30 days old).")
@click.option("--forget-key", is_flag=True,
              help="Remove the HIBP API key kept in the keyring (and stop there unless an "
              "ADDRESS is given).")
@click.option("--remember-key", is_flag=True,
              help="Keep the key used (typed, or from KIT_HIBP_API_KEY) in this computer's "
              "secure keyring without asking, once HIBP has accepted it.")
@yes_option
@json_option
def check_email(address: str | None, refresh_catalogue: bool, forget_key: bool,
                remember_key: bool, yes: bool) -> None:
    """Is ADDRESS in known data breaches? (Have I Been Pwned, with your API key)

    The FULL email address is sent to haveibeenpwned.com with your API key.

    \b
    The key comes from, in this order:
      KIT_HIBP_API_KEY  read once and taken out of the environment (programs the kit
                        starts never see it); never kept unless you add --remember-key
      the keyring       a key you chose to keep there earlier
      the terminal      typed, not shown; afterwards you are asked whether to keep it
                        in the keyring (the answer is no unless you say yes)
    Nothing is kept where there is no secure keyring. --forget-key removes a kept key.
    """
    from datetime import UTC, datetime

    from kit.commands.services import open_footprint
    from kit.footprint import breaches

    forgot = _forget_key() if forget_key else None
    if address is None:
        if forgot is not None:
            if opts().json:
                out("", forgot)
            return
        raise UsageError("give the email address to check: `kit check email ADDRESS`")
    email = breaches.normalise_email(address)
    with open_footprint() as fp:
        fp.catalogue()
        warn_problems(fp.problems)
        now = datetime.now(UTC)
        refresh = refresh_catalogue or fp.catalogue_needs_refresh(now)
        api_key, key_source = _api_key()
        plan = breaches.plan(email, api_key, refresh_catalogue=refresh)

        def send(session: Session, timeout: float) -> tuple[list[Breach], list[Breach] | None]:
            response = breaches.send_account(session, plan.requests[0], timeout=timeout,
                                             notify=say)
            found = breaches.evaluate_account(response, key_source=key_source)
            return found, _fetch_catalogue(session, plan, timeout) if refresh else None

        (found, fetched), sent = run_plan(fp, plan, yes, send)
        # The requests, the refreshed breach list and every breach: one commit, kept before
        # the question about the key (an answer never given loses none of it).
        result = fp.record_breaches(sent, email, found, fetched, now)
        _keep_key(api_key, key_source, remember_key)
    out(_email_text(email, result), {"check": "email", "email": email, **result.to_json()})


def _fetch_catalogue(session: Session, plan: Plan, timeout: float) -> list[Breach] | None:
    """The refreshed breach list, or None (with a note) if it could not be fetched: the
    account's own answer already came back, so this is no reason to fail the check."""
    from kit.errors import NetworkFailed
    from kit.footprint import breaches

    request = plan.requests[1]
    try:
        response = session.send(request, timeout=timeout)
        if response.status != 200 or response.truncated:
            raise NetworkFailed(f"HIBP answered HTTP {response.status}")
        return breaches.parse_breaches(response.body, request.host)
    except NetworkFailed as exc:
        say(f"Note: the public list of breaches could not be refreshed ({exc.message}); "
            "details come from the copy kept earlier, if any.")
        return None


def _email_text(email: str, result: Any) -> str:
    if not result.found:
        return f"{email} was not found in any known breach."
    count = len(result.breaches)
    lines = [f"{email} appears in {count} known breach{'es' if count != 1 else ''}:"]
    lines += [f"  - {b.describe()}" for b in result.breaches]
    lines += ["", "For each one: change that site's password, and the same password anywhere "
              "else you used it. Watch for emails and calls that quote these details."]
    return "\n".join(lines)


# --- gravatar ---


@check.command("gravatar")
@click.argument("address")
@click.option("--profile", "with_profile", is_flag=True,
              help="Also look up the public Gravatar profile and list what it shows (a second "
              "request).")
@yes_option
@json_option
def check_gravatar(address: str, with_profile: bool, yes: bool) -> None:
    """Does ADDRESS have a public Gravatar picture or profile?

    Only the SHA-256 hash of the address is sent. That hash is the same everywhere, and anyone
    who knows or guesses the address can compute it.
    """
    from kit.commands.services import open_footprint
    from kit.footprint import breaches, gravatar

    email = breaches.normalise_email(address)
    with open_footprint() as fp:
        plan = gravatar.plan(email, profile=with_profile)

        def send(session: Session, timeout: float) -> gravatar.GravatarResult:
            avatar = gravatar.evaluate_avatar(session.send(plan.requests[0], timeout=timeout))
            digest = gravatar.email_hash(email)
            if not with_profile:
                return gravatar.GravatarResult(digest, avatar)
            fields = gravatar.evaluate_profile(session.send(plan.requests[1], timeout=timeout))
            return gravatar.GravatarResult(digest, avatar, True, fields is not None,
                                           fields or ())

        result, sent = run_plan(fp, plan, yes, send)
        fp.record_gravatar(sent, email, result)
    out(_gravatar_text(email, result), {"check": "gravatar", "email": email, **result.to_json()})


def _gravatar_text(email: str, result: Any) -> str:
    lines = [f"{email}: " + ("a public Gravatar picture exists. Any site that shows it links "
                             "your accounts through the same hash."
                             if result.avatar else "no public Gravatar picture.")]
    if result.profile_checked:
        if not result.profile:
            lines.append("No public Gravatar profile.")
        elif result.fields:
            lines.append("The public Gravatar profile shows:")
            lines += [f"  {f.label}: {f.value}" for f in result.fields]
        else:
            lines.append("A public Gravatar profile exists, but shows nothing beyond the "
                         "picture.")
    if result.exposed:
        lines.append("To remove or change them, sign in at https://gravatar.com with this "
                     "address.")
    return "\n".join(lines)
