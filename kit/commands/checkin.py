"""`kit checkin`: answer a wellbeing check-in and see the scores (with where to find support
when they suggest things are hard), list past ones, see when each is due, set the rhythm."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import click

from kit import credentials
from kit.commands.context import (
    json_option,
    local_time,
    opts,
    out,
    read_private_text,
    say,
    warn_problems,
)
from kit.commands.instrument import scale_hint
from kit.commands.services import open_wellbeing
from kit.commands.support import helpline_region, support_text
from kit.errors import KitError, NotFound, UsageError
from kit.plurals import counted

if TYPE_CHECKING:
    from kit.wellbeing.checkins import CheckIn
    from kit.wellbeing.instruments import Instrument
    from kit.wellbeing.scoring import SubscaleScore


@click.group("checkin")
def checkin() -> None:
    """Wellbeing check-ins: a few questions now and then, kept private and encrypted."""


def _parse_answers(pairs: Sequence[str]) -> dict[str, int]:
    answers: dict[str, int] = {}
    for pair in pairs:
        item, sep, value = pair.partition("=")
        item = item.strip()
        if not sep or not item:
            raise UsageError(f"--answer {pair!r}: write it as ITEM=N, for example energy=7")
        try:
            answers_value = int(value.strip())
        except ValueError:
            raise UsageError(f"--answer {pair!r}: the answer must be a whole number") from None
        if item in answers:
            raise UsageError(f"--answer: item '{item}' is answered twice")
        answers[item] = answers_value
    return answers




def _ask_answers(instrument: Instrument) -> dict[str, int]:
    """Ask each item in turn on the terminal (never stdin, which may carry the note)."""
    scale, total = instrument.scale, len(instrument.items)
    say(f"{instrument.name}\n{instrument.credit}\nLicence: {instrument.licence}")
    if instrument.description:
        say(f"\n{instrument.description}")
    say(f"\nThink about how things have been {instrument.recall_period}. Answer each of the "
        f"{counted(total, 'question')} with a number from {scale.min} to {scale.max}:\n  "
        f"{scale_hint(instrument)}\nYour answers are saved only in your encrypted vault. "
        "Press Ctrl-C to stop without saving.")
    answers: dict[str, int] = {}
    for n, item in enumerate(instrument.items, 1):
        for _attempt in range(credentials.TRIES):
            reply = credentials.ask_terminal(
                f"\n{n}/{total}. {item.text}\n     ({scale.min} to {scale.max}) ").strip()
            if reply.lstrip("-").isdigit() and int(reply) in scale.values:
                answers[item.id] = int(reply)
                break
            say(f"Please type a whole number from {scale.min} to {scale.max}.")
        else:
            raise UsageError(f"no answer for item '{item.id}'; nothing was saved")
    return answers


def _score_lines(instrument: Instrument | None, checkin: CheckIn) -> list[str]:
    from kit.wellbeing.instruments import show_number

    lines = []
    for s in checkin.scores:
        line = f"{s.name}: {show_number(s.score)}"
        try:
            sub = instrument.subscale(s.subscale) if instrument else None
        except KeyError:
            sub = None
        if sub is not None and instrument is not None:
            low, high, _step = sub.possible(instrument.scale)
            line += f" (on a scale from {show_number(low)} to {show_number(high)})"
            band = next((b for b in sub.bands if b.name == s.band), None)
            line += f" — {band.shown}. {band.description}" if band else f" — {s.band}"
        else:
            line += f" — {s.band}"
        lines.append(line)
    return lines




@checkin.command("add")
@click.option("--instrument", "instrument_id", default="pulse", show_default=True,
              metavar="ID", help="Which check-in to answer (`kit instrument list`).")
@click.option("--answer", "answers", multiple=True, metavar="ITEM=N",
              help="An answer, e.g. energy=7 (repeat for every item). Without any, the "
              "questions are asked one by one at the terminal.")
@click.option("--note", metavar="TEXT", help="A private note to keep with it; '-' reads it "
              "from stdin (safer: text typed as an argument can end up in shell history).")
@json_option
def checkin_add(instrument_id: str, answers: tuple[str, ...], note: str | None) -> None:
    """Answer a check-in and see your scores. Prints the scores and, when they suggest
    things are hard, where to find support."""
    from kit.wellbeing.helplines import helplines_json

    given = _parse_answers(answers)
    note_text = read_private_text(note) if note == "-" else note
    with open_wellbeing() as wellbeing:
        try:
            instrument = wellbeing.instrument(instrument_id)
        except NotFound:
            # Asked for by name, so a usage slip: say what is loaded and how to load more.
            loaded = ", ".join(i.id for i in wellbeing.instruments())
            raise UsageError(
                f"the questionnaire {instrument_id!r} is not loaded in this vault (loaded: "
                f"{loaded}). A questionnaire your organisation holds a licence for is loaded "
                "from its file with `kit instrument add FILE`") from None
        if not given and not credentials.terminal_available():
            raise UsageError("no answers given and no terminal to ask on: give every answer "
                             f"as --answer ITEM=N (`kit instrument show {instrument_id}` "
                             "lists the items)")
        if not given:
            given = _ask_answers(instrument)
        checked = wellbeing.check_in(instrument, given, note=note_text)
        warn_problems(wellbeing.problems)
    saved, prompt = checked.checkin, checked.support
    human = "\n".join([f"Saved your {instrument.short_name} check-in ({saved.short_id}).",
                       *_score_lines(instrument, saved)])
    support = (None if prompt is None
               else {**prompt.to_json(), **helplines_json(helpline_region())})
    out(human, {"checkin": saved.to_json(), "support": support})
    if prompt is not None and not opts().json:
        say("\n" + support_text(prompt))


@checkin.command("list")
@click.option("--instrument", "instrument_id", metavar="ID", help="Only this instrument's.")
@json_option
def checkin_list(instrument_id: str | None) -> None:
    """List check-ins with their scores, newest first."""
    from kit.wellbeing.instruments import show_number

    with open_wellbeing() as wellbeing:
        entries = wellbeing.checkins(instrument_id)  # an unknown id is a mistake: NotFound
        known = {i.id: i for i in wellbeing.instruments()}
        warn_problems(wellbeing.problems)

    def shown(c: CheckIn, s: SubscaleScore) -> str:
        found = known.get(c.instrument)
        return found.band_label(s.subscale, s.band) if found else s.band

    rows = [f"{c.short_id}  {local_time(c.when)}  "
            f"{known[c.instrument].short_name if c.instrument in known else c.instrument}  "
            + "; ".join(f"{s.name} {show_number(s.score)} ({shown(c, s)})" for s in c.scores)
            for c in entries]
    human = "\n".join(rows) if rows else "No check-ins yet. `kit checkin add` starts one."
    out(human, {"checkins": [c.to_json() for c in entries], "total": len(entries)})


@checkin.command("due")
@json_option
def checkin_due() -> None:
    """When each check-in is next due, by the rhythm you chose (`kit checkin rhythm`)."""
    today = date.today()
    with open_wellbeing() as wellbeing:
        due = wellbeing.due(today)
        warn_problems(wellbeing.problems)
    lines = []
    for d in due:
        head = f"{d.instrument.short_name} ({d.instrument.id})"
        last = f"last done {d.last_done.astimezone():%Y-%m-%d}" if d.last_done else \
            "not done yet"
        if d.next_due is None:
            lines.append(f"{head}: reminders off; {last}")
        elif d.overdue:
            lines.append(f"{head}: due since {d.next_due}; {last}")
        elif d.next_due == today:
            lines.append(f"{head}: due today; {last}")
        else:
            lines.append(f"{head}: next on {d.next_due}; {last}")
    out("\n".join(lines), {"today": today.isoformat(),
                           "due": [{**d.to_json(), "due_now": d.is_due(today)} for d in due]})


@checkin.command("rhythm")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("days", type=int)
@json_option
def checkin_rhythm(instrument_id: str, days: int) -> None:
    """Be reminded of INSTRUMENT every DAYS days (0 turns its reminders off)."""
    with open_wellbeing() as wellbeing:
        instrument = wellbeing.set_rhythm(instrument_id, days)
    say(f"{instrument.short_name}: reminders are off." if days == 0 else
        f"{instrument.short_name}: you will be reminded every {counted(days, 'day')}.")
    if opts().json:
        out("", {"instrument": instrument.id, "every_days": days})


@checkin.command("delete")
@click.argument("checkin_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def checkin_delete(checkin_id: str, yes: bool) -> None:
    """Delete a check-in (asks first unless --yes)."""
    with open_wellbeing() as wellbeing:
        entry = wellbeing.checkin(checkin_id)
        if not yes and not credentials.confirm(
                f"Delete the check-in {entry.short_id} from {entry.when.astimezone():%Y-%m-%d}?"):
            raise KitError("nothing was deleted")
        wellbeing.delete_checkin(entry.id)
    say(f"Check-in {entry.short_id} deleted.")
    if opts().json:
        out("", {"deleted": entry.id})
