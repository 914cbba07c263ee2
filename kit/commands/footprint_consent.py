"""Consent on the command line: a footprint check's plan is shown, then approved or not.

The plan goes to stderr (stdout stays clean for --json data). `--yes` approves it without
asking; with no terminal to ask on and no --yes, nothing is sent (exit 6, NetworkRefused).
"""

from __future__ import annotations

from kit import credentials
from kit.commands.context import say
from kit.errors import NetworkRefused
from kit.footprint.plan import Plan
from kit.footprint.transport import offline


def approve(plan: Plan, yes: bool) -> None:
    """Show `plan` and return once it is approved; raise NetworkRefused (nothing sent) if not."""
    if offline():
        raise NetworkRefused("offline (KIT_OFFLINE=1); nothing was sent")
    if not plan.requests:
        return  # nothing leaves the machine, so there is nothing to agree to
    say(plan.describe())
    if yes:
        say("Approved with --yes.")
        return
    if not credentials.terminal_available():
        raise NetworkRefused("this check sends the requests above only once you approve them, "
                             "and there is no terminal to ask on; run it again with --yes to "
                             "approve. Nothing was sent")
    count = len(plan.requests)
    what = "this request" if count == 1 else f"these {count} requests"
    if not credentials.confirm(f"Send {what}?"):
        raise NetworkRefused(f"the {plan.check} check was not approved; nothing was sent")
