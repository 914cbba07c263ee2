"""Letters written from a removal request's record: a reminder when the reply is late, and a
summary of what happened for a complaint to the ICO.

The erasure letter itself is kit.reports.letters's. These two say only what the record holds
(what was asked, when, what came back) and the one legal point the deadline rests on: a reply
is due within one calendar month of receipt, or three if the organisation said it needed more
time (kit.removals.deadlines, which cites the ICO). The ICO's complaint route follows its
pages as docs/content-review/50-people-search.toml records them: complain to the organisation
first and follow it up, then to the ICO within three months of your last contact with it.
"""

from __future__ import annotations

from datetime import date

from kit.errors import UsageError
from kit.records.fields import label
from kit.records.my_details import Details, check_details
from kit.removals.advice import ICO_COMPLAINTS
from kit.removals.requests import CHANNELS, TARGETS, Removal
from kit.reports.letters import long_date, wrap

KINDS = ("chaser", "complaint")


def _asked(request: Removal) -> str:
    return {
        "erasure": "to erase my personal data (UK GDPR Article 17)",
        "objection": "to stop processing my personal data (UK GDPR Article 21)",
        "platform-report": "to take down content about me under your own rules",
        "delisting": "to stop showing results about me in your search results",
    }.get(request.asked, request.asked_label.lower())


def _needs(details: Details) -> Details:
    details = check_details(details)
    if not details.name:
        raise UsageError("the letter needs your name (--name)")
    if not details.reply_to:
        raise UsageError("the letter needs an address for their reply (--reply-to): an email "
                         "address or a postal address")
    return details


def _sent(request: Removal) -> date:
    if request.sent_on is None:
        raise UsageError("this request has not been sent yet, so there is nothing to follow "
                         "up; record the day you sent it first")
    return request.sent_on


def check_can_write(kind: str, request: Removal) -> None:
    """Refuse a letter the request's record cannot support, before asking for anything."""
    _sent(request)
    if kind == "complaint" and not request.has_legal_clock:
        raise UsageError("a complaint to the ICO is about a data protection request (erasure "
                         "or objection); this one was "
                         f"{request.asked_label.lower()}, so the ICO summary does not apply")


def chaser_letter(details: Details, request: Removal, today: date,
                  nation: str = "england") -> str:
    """A short reminder: what was asked and when, that the reply is late (where the law sets
    a date), and what happens next."""
    details = _needs(details)
    sent = _sent(request)
    due = request.reply_due(nation)
    by = label(CHANNELS, request.channel).lower()
    ref = f" (your reference: {request.reference})" if request.reference else ""
    parts = [
        f"{details.name}\n{details.reply_to}",
        long_date(today),
        f"To: {request.target}" + (", data protection team" if request.has_legal_clock
                                    else ""),
        wrap(f"Subject: Reminder about my request of {long_date(sent)}{ref}"),
        "Dear " + ("data protection team," if request.has_legal_clock else "team,"),
        wrap(f"On {long_date(sent)} I asked you, by {by}, {_asked(request)}."),
    ]
    if request.pages:
        parts.append("It concerns these pages:\n\n"
                     + "\n".join(f"  - {page}" for page in request.pages))
    if due is not None:
        time = ("within three months of receiving it, as you told me you needed more time"
                if request.extended else "within one month of receiving it")
        parts.append(wrap(f"You had to respond without undue delay, and at the latest {time}: "
                           f"by {long_date(due)}. I have not had your reply."))
        parts.append(wrap("Please do what I asked without further delay, and confirm it to "
                           "me in writing at the address above. If I do not hear from you, I "
                           "will complain to the Information Commissioner's Office (ICO)."))
    else:
        parts.append(wrap("I have not heard back. Please deal with it, and tell me what you "
                           "have done, at the address above."))
    parts += ["Yours faithfully,", details.name]
    return "\n\n".join(parts) + "\n"


def complaint_summary(details: Details, request: Removal, today: date,
                      nation: str = "england") -> str:
    """What happened, date by date, to attach to or copy into a complaint to the ICO."""
    check_can_write("complaint", request)
    details = _needs(details)
    sent = _sent(request)
    due = request.reply_due(nation)
    lines = [
        "Summary for a complaint to the Information Commissioner's Office (ICO)",
        "",
        f"From: {details.name}, {details.reply_to}",
        f"About: {request.target} ({label(TARGETS, request.target_kind).lower()})",
        f"Written: {long_date(today)}",
        "",
        wrap(f"What I asked: {_asked(request)}."),
        f"How: {label(CHANNELS, request.channel).lower()}, on {long_date(sent)}"
        + (f"; they received it on {long_date(request.received_on)}"
           if request.received_on and request.received_on != sent else ""),
    ]
    if request.reference:
        lines.append(f"Their reference: {request.reference}")
    if due is not None:
        lines.append(f"Their reply was due by: {long_date(due)}"
                     + (" (after they extended the time)" if request.extended else ""))
    if request.pages:
        lines += ["Pages concerned:", *(f"  - {page}" for page in request.pages)]
    lines += ["", "What happened (after the first line, each date is when I noted it):",
              f"  {sent.isoformat()}  I sent the request"]
    # The kit's own "written" and "sent" notes repeat the first line.
    lines += [f"  {e.at.astimezone():%Y-%m-%d}  {e.what or e.status}" for e in request.history
              if e.what not in ("written", "sent")]
    lines += ["", f"Where it stands on {long_date(today)}: {request.status_label.lower()}."]
    return "\n".join(lines) + "\n"


def complaint_next_steps() -> str:
    """For the user, not the ICO: where the summary goes and the time limit to keep."""
    return "\n\n".join([
        "Where this goes",
        wrap("You should normally have told the organisation about your concern first and "
              "followed it up. Then complain to the ICO within three months of your last "
              f"contact with the organisation, through its complaints page: {ICO_COMPLAINTS}. "
              "Attach copies of your request and any replies, and this summary."),
    ]) + "\n"


def letter_pdf(text: str, title: str) -> bytes:
    """*text* (a letter or summary above) as an A4 PDF, its lines kept as they are. The PDF's
    own title is *title* and it names no author, so its details say nothing about whose it is.
    Characters no font here can show become '?' (the text version keeps them)."""
    from kit.reports.safety_plan_export import Page, font_candidates
    from kit.reports.supervision_export import Writer

    page = Page(font_candidates())
    page.pdf.set_title(title)
    page.pdf.set_text_color(0, 0, 0)
    writer = Writer(page)
    for paragraph in text.rstrip("\n").split("\n"):
        writer.text(paragraph, 10.5, where="the letter")
    return bytes(page.pdf.output())
