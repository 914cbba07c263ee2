"""What to do next about a removal request, in plain words for the app and the command line.

Where it speaks of the ICO, it follows the ICO's pages as docs/content-review/50-people-search
.toml records them (compared on 7 December 2026): complain to the organisation first and
follow it up, then to the ICO within three months of your last contact with it
(https://ico.org.uk/make-a-complaint/data-protection-complaints/what-to-expect/). The reply
dates are kit.removals.deadlines's.
"""

from __future__ import annotations

from datetime import date

from kit.removals.requests import Removal
from kit.removals.routes import ico_complaint

# The ICO's complaints page, kept once, with its source and checked date, in data/routes.toml.
ICO_COMPLAINTS = ico_complaint().url


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def next_step(request: Removal, today: date, nation: str = "england") -> str:
    """One or two sentences: where the request stands and the one thing to do now."""
    due = request.reply_due(nation)
    status = request.status
    if request.recheck_due(today) and status not in ("draft", "removed"):
        return ("It is time to look again at the pages. If they are gone, record that; if "
                "they are still there, the kit suggests what to do next.")
    if status == "draft":
        return "When you have sent it, record the day you sent it, and the clock starts."
    if request.waiting() and due is not None:
        if today > due:
            return (f"Their reply was due by {long_date(due)} and has not come. Send a short "
                    "reminder (the kit can write it) and keep a copy. If there is still no "
                    "answer, you can complain to the ICO, normally within three months of "
                    "your last contact with them.")
        told = "" if request.extended else (
            " If they need more time, they must tell you by then, and say why.")
        return f"Their reply is due by {long_date(due)}.{told}"
    if request.waiting():
        if request.recheck_on:
            return (f"There is no legal deadline for this kind of request. Look again on "
                    f"{long_date(request.recheck_on)}.")
        return "There is no legal deadline for this kind of request: choose a day to look again."
    if status in ("refused", "no-reply"):
        if request.has_legal_clock:
            return ("You can complain to the ICO (the Information Commissioner's Office), "
                    "normally within three months of your last contact with them, through its "
                    f"complaints page: {ICO_COMPLAINTS}. The kit can write a summary of what "
                    "you asked, when, and what came back.")
        return ("You can ask again, appeal if they offer it, or, for your personal details, "
                "send an erasure request under the UK GDPR instead.")
    if status == "partly-removed":
        return "Some of it is still there: write again, naming the pages that remain."
    if status == "removed":
        when = f" on {long_date(request.recheck_on)}" if request.recheck_on else ""
        return (f"Done. Listings can come back, so the kit will remind you to look again"
                f"{when}.")
    if status == "escalated":
        return "Record what comes back when they reply."
    return "Nothing more to do." if status == "closed" else "Record what happens next."
