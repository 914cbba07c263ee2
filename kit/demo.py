"""A throwaway demo vault full of made-up records, for `kit demo` and the README screenshots.

The vault lives in a fresh temporary folder (mode 0700) and opens with a random passphrase held
only in this process's memory; nothing about it is written to the user's own kit folder. The
folder is removed when the demo ends (and at interpreter exit). A crash can still leave one
behind, so each folder carries an owner file naming the process that made it, and
`sweep_stale()` removes folders whose process is gone. It touches nothing else: only folders
with our prefix, owned by this user, holding a well-formed owner file.

Every record is fictional: made-up people ("Alex Example", "Sam Sample"), made-up
organisations and made-up cases, in calm, non-graphic words. The content comes from a seeded
random generator with dates relative to *now*, so screenshots come out the same every time.
"""

from __future__ import annotations

import atexit
import os
import random
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from kit.records.checkins import CheckIns
from kit.records.exposure import Exposure
from kit.records.journal import Journal
from kit.records.wellbeing_plan import Contact, Plan, WellbeingPlan
from kit.vault import Vault

PREFIX = "frontline-kit-demo-"
OWNER_FILE = "frontline-kit-demo.owner"
VAULT_NAME = "vault"
KDF_PROFILE = "minimum"  # the data is made up: no reason to make people wait for the KDF
SEED = 20261123
SPAN_DAYS = 70  # about ten weeks of records
REVIEW_STARTS, REVIEW_ENDS = 43, 28  # days ago: the demanding stretch the story turns on
MAX_OWNER_BYTES = 64


@dataclass(frozen=True)
class DemoVault:
    """A prepared demo: its folder, the vault inside it and the passphrase that opens it."""

    root: Path
    passphrase: str = field(repr=False)

    @property
    def path(self) -> Path:
        """The vault directory (inside *root*)."""
        return self.root / VAULT_NAME

    def cleanup(self) -> None:
        """Remove the whole demo folder. Safe to call more than once."""
        atexit.unregister(self.cleanup)
        shutil.rmtree(self.root, ignore_errors=True)


def prepare_demo(now: datetime | None = None, *, seed: int = SEED,
                 parent: Path | None = None) -> DemoVault:
    """Create a demo vault filled with fictional records dated up to *now*.

    *parent* is where the temporary folder goes (default: the system's temporary folder).
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    demo = DemoVault(root, secrets.token_urlsafe(24))
    atexit.register(demo.cleanup)
    try:
        os.chmod(root, 0o700)  # mkdtemp already does; say it here, where it matters
        _write_owner(root)
        vault, _recovery = Vault.create(demo.path, demo.passphrase, KDF_PROFILE)
        with vault:
            fill(vault, now, seed)
    except BaseException:
        demo.cleanup()
        raise
    return demo


def _write_owner(root: Path) -> None:
    fd = os.open(root / OWNER_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as owner:
        owner.write(f"{os.getpid()}\n")


# --- leftovers from crashed demos ---


def sweep_stale(parent: Path | None = None) -> list[Path]:
    """Remove demo folders left by processes that no longer run; returns what was removed.

    A folder is removed only if its name has our prefix, it is a real directory (not a link)
    owned by this user, and it holds an owner file naming a process id that is not running.
    """
    base = Path(parent or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = [p for p in base.iterdir() if p.name.startswith(PREFIX)]
    except OSError:
        return removed
    for folder in sorted(candidates):
        pid = _owner_pid(folder)
        if pid is None or _pid_running(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        if not folder.exists():
            removed.append(folder)
    return removed


def _owner_pid(folder: Path) -> int | None:
    """The pid in *folder*'s owner file, or None if *folder* is not plainly one of ours."""
    try:
        info = folder.lstat()
        if not stat.S_ISDIR(info.st_mode):
            return None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return None
        owner = folder / OWNER_FILE
        owner_info = owner.lstat()
        if not stat.S_ISREG(owner_info.st_mode) or owner_info.st_size > MAX_OWNER_BYTES:
            return None
        text = owner.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.isdigit() or int(text) <= 0:
        return None
    return int(text)


def _pid_running(pid: int) -> bool:
    """Whether a process with this id exists (when unsure, say yes: keep the folder)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate the process on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError and the like: someone else's live process
        return True
    return True


# --- the made-up records ---


def wellness(days_ago: float) -> float:
    """The story the records tell, 0 (low) to 1 (well): steady, a dip during a demanding
    case review five to six weeks ago, then a recovery."""
    if days_ago > REVIEW_STARTS:
        return 0.75
    if days_ago > 36:  # sliding into the dip
        return 0.75 - (REVIEW_STARTS - days_ago) / (REVIEW_STARTS - 36) * 0.42
    if days_ago > 26:  # the lowest stretch
        return 0.33
    return min(0.75, 0.33 + (26 - days_ago) / 20 * 0.42)  # recovering


class Entry(NamedTuple):
    title: str
    tags: tuple[str, ...]


STEADY = (
    Entry("A good supervision with Sam Sample today.", ("supervision", "work")),
    Entry("Quiet day at the Exampleton office.", ("work",)),
    Entry("School visit at Sampleford Academy went well.", ("visit", "school")),
    Entry("Online safety training with the whole team.", ("training", "team")),
    Entry("Long day, but a satisfying one.", ("work",)),
    Entry("Team lunch for Riley Test's first week.", ("team",)),
    Entry("Wrote up three visits before noon.", ("work",)),
    Entry("Walked home instead of taking the bus.", ("selfcare",)),
    Entry("The core group meeting ran on time for once.", ("meeting", "work")),
    Entry("Caught up with Casey Demo after work.", ("selfcare", "friends")),
    Entry("A calm Friday.", ("work",)),
    Entry("Felt useful today.", ("work", "hopeful")),
    Entry("Short entry: tired but fine.", ("tired",)),
)
DIP = (
    Entry("Started on the EX-42 case review today.", ("review", "work")),
    Entry("The review is heavier than I expected.", ("review", "exposure")),
    Entry("Slept badly again.", ("sleep", "tired")),
    Entry("Hard to switch off tonight.", ("review",)),
    Entry("Told Sam Sample the review is getting to me.", ("supervision", "review")),
    Entry("Skipped lunch, which I know does not help.", ("selfcare",)),
    Entry("A heavy day. Writing it down so I can put it away.", ("review", "exposure")),
    Entry("Short with my partner tonight, and sorry about it.", ("home",)),
    Entry("Took the afternoon off, as agreed in supervision.", ("selfcare", "supervision")),
    Entry("Alex Example covered my visit so I could rest.", ("team",)),
    Entry("Too tired to write much.", ("tired",)),
    Entry("Kept thinking about work on the walk home.", ("review",)),
    Entry("Opened my wellbeing plan for the first time in weeks.", ("selfcare",)),
    Entry("Finished my part of the EX-42 review.", ("review", "hopeful")),
)
RECOVERY = (
    Entry("First full night's sleep in a while.", ("sleep",)),
    Entry("Back to a normal caseload this week.", ("work",)),
    Entry("Team debrief about the review.", ("team", "review")),
    Entry("Went to choir again.", ("selfcare",)),
    Entry("Felt more like myself today.", ("hopeful",)),
    Entry("A good visit with the Sample family.", ("visit",)),
    Entry("Sam Sample and I went over my wellbeing plan.", ("supervision", "selfcare")),
    Entry("Booked the leave I kept putting off.", ("selfcare",)),
    Entry("Helped Riley Test with their first conference report.", ("team",)),
    Entry("Lunch outside with Jordan Placeholder.", ("team", "selfcare")),
    Entry("A steady week.", ("work",)),
    Entry("Noticed I was rushing, and slowed down.", ("selfcare",)),
    Entry("Grateful for the team today.", ("team", "hopeful")),
)

STEADY_LINES = (
    "Sam Sample asked what is going well, and for once I had a long answer.",
    "I left on time and cooked something proper.",
    "Riley Test asked good questions; it reminded me why I like this work.",
    "The Exampleton team room was almost empty, so I caught up on notes.",
    "Jordan Placeholder thanked the team at the huddle, which was nice to hear.",
    "The head of year at Sampleford Academy had everything ready for us.",
    "I kept to my plan of a proper break at lunchtime.",
    "Nothing dramatic happened, and that is fine.",
    "I noticed the evenings are getting lighter.",
    "Choir tonight. I always feel better for singing.",
    "Plenty to do tomorrow, but it feels manageable.",
    "Alex Example and I shared the driving, which made the day easier.",
)
DIP_LINES = (
    "The EX-42 review means long stretches of reading case files.",
    "I took breaks every forty minutes, as the guidance says, but it still felt long.",
    "My shoulders were tight by the end of the afternoon.",
    "I kept meaning to go for a walk and did not.",
    "Sam Sample suggested I stop reading review material after three o'clock.",
    "Alex Example noticed I was quiet and asked if I was all right.",
    "I said I was fine, which was not quite true.",
    "Writing this helps me leave the day here rather than carry it to bed.",
    "Jordan Placeholder moved two of my visits so I have more room this week.",
    "I woke at four and could not get back to sleep.",
    "I want to remember that this is a normal response to a demanding piece of work.",
    "Tomorrow I will take a proper lunch away from the desk.",
)
RECOVERY_LINES = (
    "It is good to have the review behind me.",
    "Sam Sample said it was a hard piece of work and that I handled it with care.",
    "I walked at lunchtime and noticed the trees by the office have turned.",
    "Sleeping better, and the mornings feel easier.",
    "Casey Demo came round for dinner; we did not talk about work at all.",
    "I want to keep the three o'clock cut-off even for ordinary cases.",
    "The team debrief helped: I was not the only one who found it heavy.",
    "I am looking forward to the leave.",
    "Riley Test's report was good; they just needed someone to say so.",
    "Small things feel small again.",
    "I wrote down what helped, so I can find it next time.",
    "A steady day, and I am grateful for it.",
)


def journal_texts(rng: random.Random) -> list[tuple[int, Entry, str]]:
    """(days ago, entry, text) for every entry, oldest first, in the order of the story."""
    steady = sorted(rng.sample(range(REVIEW_STARTS + 1, SPAN_DAYS), len(STEADY)), reverse=True)
    # The review's first and last entries fall on the days it starts and ends.
    dip = [REVIEW_STARTS, *sorted(rng.sample(range(REVIEW_ENDS + 1, REVIEW_STARTS),
                                             len(DIP) - 2), reverse=True), REVIEW_ENDS]
    recovery = sorted(rng.sample(range(1, REVIEW_ENDS), len(RECOVERY)), reverse=True)
    out: list[tuple[int, Entry, str]] = []
    for entries, lines, days in ((STEADY, STEADY_LINES, steady), (DIP, DIP_LINES, dip),
                                 (RECOVERY, RECOVERY_LINES, recovery)):
        deck: list[str] = []
        for entry, days_ago in zip(entries, days, strict=True):
            # Dealt from a shuffled deck, so neighbouring entries do not repeat each other.
            count = rng.randint(2, 4)
            if len(deck) < count:
                deck = rng.sample(lines, len(lines))
            body, deck = deck[:count], deck[count:]
            paragraphs = [entry.title, " ".join(body[:2])]
            if len(body) > 2:
                paragraphs.append(" ".join(body[2:]))
            out.append((days_ago, entry, "\n\n".join(paragraphs)))
    return out


def _at(now: datetime, days_ago: int, hour: int, minute: int) -> datetime:
    day = (now - timedelta(days=days_ago)).date()
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _clamp(value: float, low: int = 0, high: int = 10) -> int:
    return max(low, min(high, round(value)))


def fill_journal(vault: Vault, now: datetime, rng: random.Random) -> None:
    journal = Journal(vault)
    for days_ago, entry, text in journal_texts(rng):
        when = _at(now, days_ago, rng.randint(17, 21), rng.choice((5, 12, 20, 34, 41, 50)))
        mood = None if rng.random() < 0.15 else _clamp(
            2 + wellness(days_ago) * 7 + rng.uniform(-1, 1), 1, 9)
        journal.add(text, entry.tags, mood, when=when)


# Days ago, minutes spent, material, volume, and a short note on how it left me (never on
# what the material was: the log keeps categories only).
EXPOSURES: Sequence[tuple[int, int | None, tuple[str, ...], str, str | None]] = (
    (66, 30, ("text",), "few", None),
    (58, 45, ("text", "image"), "few", "Fine afterwards; walked home."),
    (51, None, ("live-disclosure",), "single", "Talked it over with Sam Sample the same day."),
    (43, 90, ("text", "image"), "some", "First day of the EX-42 review."),
    (41, 120, ("image", "text"), "some", None),
    (39, 100, ("image", "video"), "some", "Stopped at three o'clock as planned."),
    (36, 140, ("image", "text"), "many", "A long session. Felt flat in the evening."),
    (34, 80, ("video",), "few", "Sound off throughout; that helped."),
    (31, 120, ("image", "text"), "some", "Took the afternoon off afterwards."),
    (28, 60, ("text",), "some", "Last session of my part of the review."),
    (20, 40, ("text",), "few", None),
    (13, None, ("live-disclosure",), "single", "Debriefed with Alex Example."),
    (6, 25, ("text",), "few", None),
)


def fill_exposure(vault: Vault, now: datetime, rng: random.Random) -> None:
    log = Exposure(vault)
    for days_ago, minutes, material, volume, note in EXPOSURES:
        low = 1 - wellness(days_ago)
        steps = ["breaks"]
        if "image" in material or "video" in material:
            steps += rng.sample(["greyscale", "smaller-view", "filters", "audio-off"], 2)
        if days_ago < 40:
            steps.append("stopped-by-cut-off")
        flags = ["unexpected"] if days_ago in (36, 51) else []
        outcome = True if "live-disclosure" in material else None
        log.add(material=material, impact=_clamp(1 + low * 9 + rng.uniform(-0.5, 0.5), 1, 9),
                when=_at(now, days_ago, rng.randint(9, 15), rng.choice((0, 15, 30, 45))),
                minutes=minutes, volume=volume, flags=flags, steps=steps,
                outcome_known=outcome, note=note)


PULSE_DAYS = (69, 62, 55, 48, 41, 34, 27, 20, 13, 6)
PULSE_NOTES = {34: "The review week. Everything feels like an effort.",
               20: "Better. Sleeping more."}


def pulse_answers(days_ago: int, rng: random.Random) -> dict[str, int]:
    """Answers whose mean follows the story: about 7.5, down to about 3, back to about 7."""
    target = 0.5 + wellness(days_ago) * 9
    answers = {item: _clamp(target + rng.uniform(-1.2, 1.2))
               for item in ("energy", "sleep", "connected", "switch-off", "coping")}
    answers["intrusions"] = 10 - _clamp(target + rng.uniform(-1.2, 1.2))  # reverse-scored
    return answers


def fill_checkins(vault: Vault, now: datetime, rng: random.Random) -> None:
    checkins = CheckIns(vault)
    for days_ago in PULSE_DAYS:
        checkins.add("pulse", pulse_answers(days_ago, rng),
                     when=_at(now, days_ago, 8, rng.choice((40, 45, 50, 55))),
                     note=PULSE_NOTES.get(days_ago))


def fill_plan(vault: Vault, today: date) -> None:
    WellbeingPlan(vault).save(Plan(
        keeps_me_well="A walk at lunchtime, even ten minutes. Choir on Wednesdays. Cooking "
                      "something proper at the weekend. Leaving on time at least three days "
                      "a week.",
        warning_signs="Skipping lunch. Waking early and thinking about work. Going quiet in "
                      "the team room. Cancelling choir.",
        triggers="Long stretches of reading review material. Reviews with tight deadlines. "
                 "Several court weeks in a row.",
        what_helps="A cut-off time for review material (three o'clock). Breaks every forty "
                   "minutes. Telling Sam Sample early rather than late. Alex Example is happy "
                   "to swap visits.",
        if_worse="Ask Sam Sample for an extra supervision. Talk to my GP. Call the employee "
                 "assistance line. Take the leave I have been putting off.",
        contacts=(Contact("Sam Sample (supervisor)", "07700 900123 (made up for the demo)"),
                  Contact("Casey Demo (friend)", "07700 900456 (made up for the demo)"),
                  Contact("Employee assistance line", "01632 960000 (made up for the demo)")),
        review_date=today + timedelta(days=21),
    ))


def fill(vault: Vault, now: datetime, seed: int = SEED) -> None:
    """Write the whole fictional story into *vault*, dated up to *now*."""
    rng = random.Random(seed)  # noqa: S311 - made-up content, reproducible on purpose
    fill_journal(vault, now, rng)
    fill_exposure(vault, now, rng)
    fill_checkins(vault, now, rng)
    fill_plan(vault, now.date())
