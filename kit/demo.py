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
The preparedness records (checklist progress, a safety plan, two incidents with their evidence)
are fixed text with dates relative to *now*: phone numbers from Ofcom's drama ranges, web
addresses under example.org and example.com, and a police reference that follows no real
force's format. The evidence file is a small picture drawn here, byte for byte the same every
time. The owner is also a supervisor: their supervisor and three supervisees are made-up
colleagues whose keys exist only in this process's memory while the demo is built, and the
packets exchanged with them are real ones, sealed, signed and opened (fill_supervision).

Why one long module: most of it is the made-up content itself, one builder per area read top to
bottom like a script (the records, Prepare, Supervision), plus the few lines that keep the folder
safe. Split, the one story the screenshots tell would be spread over files that only the demo uses.
"""

from __future__ import annotations

import atexit
import os
import random
import secrets
import shutil
import stat
import struct
import sys
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from kit.records.exposure import Exposure, ExposureEntry
from kit.records.incidents import Incidents, Reference
from kit.records.journal import Journal
from kit.records.my_details import Details, MyDetails
from kit.records.progress import ProgressLog
from kit.records.safety_plan import SafetyPlan, SafetyPlanDocument
from kit.records.wellbeing_plan import Contact, Plan, WellbeingPlan
from kit.supervision import packets, share
from kit.supervision.cards import Card, make_card
from kit.supervision.records import Action, Agreement, Session, SupervisionDoc, digest_of
from kit.supervision.service import Supervision
from kit.vault import Record, Vault
from kit.vault.identity import age_identity, create_identity
from kit.wellbeing.checkins import CheckIn, CheckIns
from kit.wellbeing.instruments import Instrument
from kit.wellbeing.scoring import score
from kit.workspace import Workspace

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
    fill_details(vault)
    fill_progress(vault, now.date())
    fill_safety_plan(vault, now)
    fill_incidents(vault, now)
    fill_supervision(vault, now, rng)


# --- preparing for doxing and swatting: fixed text, dates relative to now ---

# The person whose kit this is; colleagues and friends are the journal's made-up people.
OWNER_NAME = "Morgan Example"
POLICE_REFERENCE = "CR/0000/26"
PLATFORM_REPORT = "EX-REPORT-0001"
THREAD_URL = "https://forum.example.org/t/0000-example-thread"
REPLY_URL = "https://forum.example.com/t/0000-example-thread?page=2"
DOXING_DAYS_AGO, THREAT_DAYS_AGO = 12, 5


def fill_details(vault: Vault) -> None:
    MyDetails(vault).save(Details(name=OWNER_NAME, reply_to="morgan@example.org"))


class Marked(NamedTuple):
    item_id: str  # an item in the shipped checklists
    status: str
    days_ago: int
    note: str = ""
    delegated_to: str = ""


# Steps done a while ago (one now due for its re-check), one not applicable, one handed on.
PROGRESS = (
    Marked("accounts-sessions-devices", "done", 100),
    Marked("records-open-register", "done", 64),
    Marked("accounts-2fa-email", "done", 58, "Used the authenticator app on my phone; backup "
           "codes are in the fire safe."),
    Marked("accounts-password-manager", "done", 52),
    Marked("support-save-posh", "done", 47),
    Marked("records-companies-house", "na", 47, "Not a director or a trustee of anything."),
    Marked("swatting-household-plan", "done", 20, "Agreed with my partner at the weekend; "
           "it is written up in the safety plan."),
    Marked("search-people-finder-sites", "delegated", 9, "Casey Demo is working through the "
           "list on Saturday and will send me the replies.", "Casey Demo"),
)


def fill_progress(vault: Vault, today: date) -> None:
    from kit.guidance.checklists import load_library  # the shipped lists only, never config

    items = load_library().items
    log = ProgressLog(vault)
    for m in PROGRESS:
        log.mark(m.item_id, m.status, today=today - timedelta(days=m.days_ago),
                 note=m.note or None, delegated_to=m.delegated_to or None,
                 recheck_days=items[m.item_id].recheck_days if m.status == "done" else None)


def fill_safety_plan(vault: Vault, now: datetime) -> None:
    reported = (now - timedelta(days=DOXING_DAYS_AGO - 1)).date()
    SafetyPlan(vault).save(SafetyPlanDocument(
        trusted_people=(
            Contact("Casey Demo (friend)", "07700 900456 (made up for the demo)"),
            Contact("Sam Sample (supervisor)", "07700 900123 (made up for the demo)"),
            Contact("Jordan Placeholder (office manager)",
                    "07700 900789 (made up for the demo)")),
        police_references=f"{POLICE_REFERENCE}, Exampleton Police, given on {reported.day} "
                          f"{reported:%B %Y} for the forum thread (made up for the demo).",
        police_non_emergency="101, and ask for the Exampleton neighbourhood team. They agreed "
                             "to put a note on our address (made up for the demo).",
        workplace_contact="Jordan Placeholder, the designated safeguarding lead at the "
                          "Exampleton office: 01632 960001 (made up for the demo).",
        household_plan="My partner and I both have a printed copy of this plan. If we ever "
                       "need to leave, we meet at Casey Demo's flat on Sample Street and ring "
                       "Sam Sample from there.",
        if_police_arrive="Hands empty and where they can see them; do what the officers say. "
                         "Once it is calm: \"We believe this is a hoax call. Exampleton Police "
                         f"have a note on this address, reference {POLICE_REFERENCE}. Two "
                         "adults live here and nobody else is in the house.\"",
        evidence_location="In Frontline Kit on my laptop (Incidents, F7). The original "
                          "screenshots are on the encrypted USB stick in the desk drawer.",
        support_services="The Professionals Online Safety Helpline (its details are in the "
                         "kit's support panel). The employee assistance line: 01632 960000 "
                         "(made up for the demo).",
        review_date=now.date() + timedelta(days=60),
    ))


def demo_png() -> bytes:
    """A small picture of a made-up forum page (a title bar and grey lines of text), as a
    valid PNG written byte by byte: the same bytes on every machine, so its SHA-256 is too."""
    width, height = 160, 96
    page, bar, ink, box = (246, 246, 242), (52, 78, 120), (150, 150, 150), (222, 226, 236)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type 0: the row as it is
        for x in range(width):
            colour = page
            if y < 14:
                colour = bar
            elif 22 <= y < 58 and 8 <= x < 152:
                colour = box
                if y % 8 in (2, 3) and 16 <= x < (140 if y < 50 else 96):
                    colour = ink
            elif y % 8 in (2, 3) and y >= 66 and 8 <= x < (150 - y) + 40:
                colour = ink
            row += bytes(colour)
        rows.append(bytes(row))
    raw = b"".join(rows)
    # A zlib stream of stored (uncompressed) blocks, so no compressor's choices show.
    stream = bytearray(b"\x78\x01")
    for start in range(0, len(raw), 0xFFFF):
        block = raw[start:start + 0xFFFF]
        final = 1 if start + 0xFFFF >= len(raw) else 0
        stream += struct.pack("<BHH", final, len(block), len(block) ^ 0xFFFF) + block
    stream += struct.pack(">I", zlib.adler32(raw))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", bytes(stream)) + chunk(b"IEND", b""))


def fill_incidents(vault: Vault, now: datetime) -> None:
    incidents = Incidents(vault)
    doxed = _at(now, DOXING_DAYS_AGO, 21, 40)
    doxing = incidents.add(
        category="doxing", platform="a made-up forum", when=doxed, status="reported",
        description="A thread on a made-up forum posted my full name, my work email address "
                    "and the name of my street, next to a photo of the Exampleton office. "
                    "Casey Demo spotted it and sent me the link. Nothing in it was a threat.",
        urls=(THREAD_URL,), usernames=("example_user_01",),
        references=(Reference("police", POLICE_REFERENCE, "Exampleton Police, made up"),
                    Reference("platform", PLATFORM_REPORT, "the forum's report button")))
    # The evidence file is written to a folder of its own inside the demo folder, copied in
    # the way a user's screenshot would be, and deleted with that folder straight after.
    with tempfile.TemporaryDirectory(prefix="evidence-", dir=vault.path.parent) as scratch:
        shot = Path(scratch) / "forum-thread-screenshot.png"
        shot.write_bytes(demo_png())
        incidents.add_file(doxing.id, shot, captured_by="Casey Demo",
                           method="screenshot on a laptop", captured_at=doxed +
                           timedelta(minutes=25), note="The whole thread, with its date and "
                           "the poster's username showing.")
    incidents.add_url(doxing.id, THREAD_URL, captured_by=OWNER_NAME,
                      captured_at=doxed + timedelta(minutes=40),
                      note="Reported to the forum's moderators the same evening.")
    incidents.add_note(doxing.id, "Rang 101 the next morning and gave the link and the "
                       f"screenshot. The call handler gave me reference {POLICE_REFERENCE}.",
                       title="Reported to the police on 101", captured_by=OWNER_NAME,
                       captured_at=_at(now, DOXING_DAYS_AGO - 1, 9, 15))

    threatened = _at(now, THREAT_DAYS_AGO, 19, 5)
    threat = incidents.add(
        category="threat", platform="a made-up forum", when=threatened, status="open",
        description="A new reply in the same thread said they would \"come and say hello at "
                    "the office\". Told Jordan Placeholder at work, who has let reception "
                    "know.",
        urls=(REPLY_URL,), usernames=("example_user_02",))
    incidents.add_url(threat.id, REPLY_URL, captured_by=OWNER_NAME,
                      captured_at=threatened + timedelta(minutes=10),
                      note="Screenshot kept on the USB stick with the others.")
    fill_removals(vault, now, doxing.id)


# A made-up people-search site: .example names are reserved and lead nowhere.
PEOPLE_SEARCH = "peoplefinder.example"
LISTING_URL = "https://peoplefinder.example/people/morgan-example-exampleton"


def fill_removals(vault: Vault, now: datetime, incident_id: str) -> None:
    """Three requests to take the doxing down: the forum report (answered: removed), an
    erasure request to a people-search site whose month has passed without a reply, and a
    search engine delisting waiting for a second look."""
    from kit.removals.requests import Removals

    removals = Removals(vault)
    today = now.date()
    reported = removals.add(
        "a made-up forum", "platform", "platform-report", "web-form", pages=(THREAD_URL,),
        sent_on=today - timedelta(days=DOXING_DAYS_AGO), reference=PLATFORM_REPORT,
        incident_id=incident_id, today=today, now=_at(now, DOXING_DAYS_AGO, 22, 5))
    removals.recheck(reported.id, gone=True, today=today - timedelta(days=DOXING_DAYS_AGO - 2),
                     now=_at(now, DOXING_DAYS_AGO - 2, 8, 30))
    removals.add(
        PEOPLE_SEARCH, "people-search", "erasure", "email", pages=(LISTING_URL,),
        sent_on=today - timedelta(days=40), incident_id=incident_id,
        note="Found it when I searched my name after the thread. Sent the kit's letter.",
        today=today, now=_at(now, 40, 20, 10))
    removals.add(
        "a made-up search engine", "search-engine", "delisting", "web-form",
        pages=(LISTING_URL,), sent_on=today - timedelta(days=14), incident_id=incident_id,
        today=today, now=_at(now, 14, 20, 30))


# --- supervision: the owner is supervised by Sam Sample and supervises three people ---
#
# Everyone else's keys are made here, in this process's memory only: their identity records
# are caught on the way to a vault that does not exist, and are gone when the demo is built.
# Their packets are real ones, sealed and signed with those keys and opened by the demo's own
# vault, so the demo takes the same paths a real exchange does. The packet files the owner
# "sends" are written to a scratch folder inside the demo folder and deleted straight after.

OWNER_ROLE = "Senior practitioner"
SUPERVISOR = ("Sam Sample", "Practice supervisor")
JORDAN = ("Jordan Test", "Social worker")
PRIYA = ("Priya Placeholder", "Social worker")
CHRIS = ("Chris Specimen", "Newly qualified social worker")
UTC_ZONE = ZoneInfo("UTC")  # the demo's own dates are UTC, like every other record in it

CONFIDENTIALITY = ("What we talk about stays between us, unless someone's safety or safe "
                   "practice is at risk; then I say first who I need to tell.")
RECORDS_KEPT = ("We both keep the signed records in Frontline Kit. Nobody else sees them "
                "unless we both agree.")
DISAGREEMENT = "Add a comment to the record; it is kept with the record, word for word."
CANCELLATIONS = ("Either of us can move a session with a day's notice. We note the reason "
                 "and rebook within a week.")


class _KeyCatcher:
    """Stands in for a vault while create_identity() makes a made-up colleague's keys."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}

    def put(self, kind: str, data: dict[str, Any]) -> Record:
        record = Record(f"demo-{kind}", 1, kind, data)
        self.records[record.id] = record
        return record


@dataclass(frozen=True)
class Colleague:
    """A made-up colleague: their signed card, and their keys (in memory only)."""

    card: Card
    records: Mapping[str, Record] = field(repr=False)

    @property
    def name(self) -> str:
        return self.card.name


def colleague(name: str, role: str, made: date) -> Colleague:
    catcher = _KeyCatcher()
    create_identity(cast("Vault", catcher))
    return Colleague(make_card(catcher.records, name, role, made), catcher.records)


class _Clock:
    """The service's clock, moved to each moment of the story in turn."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _action(rng: random.Random, text: str, owner: str, due: date | None) -> Action:
    return Action(id=f"{rng.getrandbits(48):012x}", text=text, owner=owner, due=due)


def _pulse(instrument: Instrument, when: datetime, level: int, n: int) -> CheckIn:
    """A colleague's check-in (theirs, so never saved here) with every answer at *level*."""
    answers = {item.id: (10 - level if item.reverse else level) for item in instrument.items}
    return CheckIn(f"demo-checkin-{n}", when, instrument.id, instrument.digest, answers,
                   score(instrument, answers).scores)


def _exposure(when: datetime, minutes: int, material: tuple[str, ...], volume: str,
              steps: tuple[str, ...], impact: int) -> ExposureEntry:
    return ExposureEntry(f"demo-exposure-{when:%Y%m%d%H%M}", when, minutes, material, volume,
                         (), steps, None, impact, None, when, when)


def _share_from(peer: Colleague, me: Card, exposure: Sequence[ExposureEntry],
                checkins: Sequence[CheckIn], instruments: share.InstrumentNames,
                end: datetime, note: str) -> bytes:
    """A share packet as the colleague's own kit would build it: the default fields over the
    28 days before *end*, and their note."""
    start = share.default_start(None, end)
    fields = share.candidate_fields(exposure, checkins, instruments, start, end,
                                    zone=UTC_ZONE)
    chosen = share.defaults(fields)
    content = {"start": start.isoformat(), "end": end.isoformat(),
               "fields": [{"key": f.key, "label": f.label, "text": f.text}
                          for f in share.chosen_fields(fields, chosen, note)],
               "text": share.render(fields, chosen, note, peer.name, me.name, start, end,
                                    zone=UTC_ZONE)}
    data, _packet = packets.seal(peer.records, peer.card, me, "share", content, end)
    return data


class _Exchange:
    """The owner's side through the supervision service; the colleagues' side in memory."""

    def __init__(self, sup: Supervision, clock: _Clock, scratch: Path) -> None:
        self.sup, self.clock, self.scratch = sup, clock, scratch

    def send(self, doc: SupervisionDoc, peer: Colleague, sent: datetime,
             answered: datetime | None = None, comment: str = "") -> None:
        """Send the record's latest version; the colleague opens it with their own key and,
        if *answered*, accepts it (or comments, if there is a *comment*)."""
        self.clock.at = sent
        sealed = self.sup.send_record(doc)
        # One scratch name for every send: the last one has been read already.
        self.sup.save(sealed, self.scratch / "record.age", overwrite=True)
        if answered is None:
            return
        me = self.sup.me()
        packet = packets.open_sealed(sealed.data, age_identity(peer.records),
                                     peer.card.fingerprint,
                                     lambda fpr: me if fpr == me.fingerprint else None,
                                     lambda _packet_id: False)
        c = packet.content
        reply = {"doc": c["doc"], "n": c["n"], "digest": c["digest"],
                 "decision": "commented" if comment else "accepted", "comment": comment,
                 "late": False}
        data, _packet = packets.seal(peer.records, peer.card, me, "response", reply, answered)
        self.clock.at = answered
        self.sup.open(data)


def fill_supervision(vault: Vault, now: datetime, rng: random.Random) -> None:
    """The owner's card, their supervisor and three supervisees, agreements, session records
    with actions (one overdue), a post-incident session with its 72-hour follow-up due today,
    shares both ways, and a record from Sam Sample waiting for the owner's answer."""
    today = now.date()

    def day(days: int) -> date:
        return today + timedelta(days=days)

    clock = _Clock(_at(now, 90, 9, 0))
    sup = Supervision(Workspace(vault), zone=UTC_ZONE, clock=clock)
    me = sup.set_me(OWNER_NAME, OWNER_ROLE)
    sam = colleague(*SUPERVISOR, day(-200))
    jordan, priya, chris = (colleague(name, role, day(-made)) for (name, role), made in
                            ((JORDAN, 150), (PRIYA, 120), (CHRIS, 30)))
    contacts = {peer.name: sup.add_contact(peer.card.text(), peer.name, relation,
                                           peer.card.fingerprint)
                for peer, relation in ((sam, "supervisor"), (jordan, "supervisee"),
                                       (priya, "supervisee"), (chris, "supervisee"))}
    instruments = sup.workspace.instruments
    pulse = instruments.get("pulse")

    def agreement(every: int) -> Agreement:
        return Agreement(frequency_days=every, comment_window_days=5,
                         confidentiality=CONFIDENTIALITY, records_kept=RECORDS_KEPT,
                         disagreement=DISAGREEMENT, cancellations=CANCELLATIONS,
                         review_date=day(120))

    with tempfile.TemporaryDirectory(prefix="packets-", dir=vault.path.parent) as folder:
        send = _Exchange(sup, clock, Path(folder))

        # The owner's own supervision: a share to Sam before their session, covering the
        # demanding review, and Sam's record of that session, sent yesterday, not yet answered.
        clock.at = _at(now, 14, 9, 0)
        start, end = sup.share_period(contacts[sam.name])
        fields = sup.share_fields(start, end)
        sealed = sup.seal_share(contacts[sam.name], fields, share.defaults(fields),
                                "The EX-42 review is finished. I would like to talk about "
                                "keeping the three o'clock cut-off.", start, end)
        sup.save(sealed, Path(folder) / "share.age")
        doc_id = f"{rng.getrandbits(128):032x}"
        mine = Session(
            held=_at(now, 13, 14, 0), attendees=(sam.name, OWNER_NAME),
            share_packet=sealed.packet.id,
            summary_received="Morgan's share: the weeks of the EX-42 review, a dip in the "
                             "check-ins during it, and a recovery since.",
            impact="The review was heavy while it lasted: sleep and evenings suffered.",
            coping="The three o'clock cut-off, breaks every forty minutes, and saying early "
                   "that it was getting to them.",
            actions=tuple(replace(a, agreed_in=doc_id) for a in (
                _action(rng, "Keep the three o'clock cut-off for review material.",
                        OWNER_NAME, day(14)),
                _action(rng, "Book the leave that was put off during the review.", OWNER_NAME,
                        day(25)))))
        content = mine.to_json()
        record = {"doc": doc_id, "type": "session", "supervisor": sam.card.fingerprint,
                  "supervisee": me.fingerprint, "n": 1, "content": content,
                  "digest": digest_of(content)}
        data, _packet = packets.seal(sam.records, sam.card, me, "record", record,
                                     _at(now, 1, 16, 0))
        clock.at = _at(now, 1, 16, 30)
        sup.open(data)

        # Jordan: up to date, with an action past its due date; he commented on the record.
        jordan_contact = contacts[jordan.name]
        sup.add_agreement(jordan_contact, agreement(28))
        clock.at = now  # each record is written today, about a session already held
        held = sup.add_session(jordan_contact, Session(
            held=_at(now, 17, 10, 0), attendees=(OWNER_NAME, jordan.name),
            summary_received="Jordan's share: steady; a new case with a lot of reading.",
            impact="The reading is heavy but manageable with breaks.",
            coping="A fixed finish time on court days, and walks at lunchtime.",
            actions=(_action(rng, "Book a half day to catch up on case notes.", jordan.name,
                             day(-3)),
                     _action(rng, "Ask the team manager about a second reader for the long "
                             "case file.", OWNER_NAME, day(4))),
            review_date=day(11)))
        send.send(held, jordan, _at(now, 16, 12, 0), _at(now, 15, 8, 45),
                  "Agreed. I would add that two of those court days were also short-staffed.")

        # Priya: a session on the day of a difficult call; the 72-hour follow-up is due today.
        priya_contact = contacts[priya.name]
        sup.add_agreement(priya_contact, agreement(28))
        clock.at = now
        after = sup.add_session(priya_contact, Session(
            held=_at(now, 3, 15, 30), attendees=(OWNER_NAME, priya.name),
            type="post-incident", incident_at=_at(now, 3, 11, 0),
            summary_received="A parent was very angry on the phone and said they would "
                             "complain about Priya by name online. Priya ended the call "
                             "politely and logged it.",
            impact="Shaken afterwards; went over the call several times.",
            coping="Talked it through with a colleague straight away, and went home on time.",
            actions=(_action(rng, "Go through the lone-working guidance together at the "
                             "72-hour follow-up.", OWNER_NAME, day(1)),
                     _action(rng, "Decide whether to call the employee assistance line.",
                             priya.name, day(7))),
            escalation="Told the team manager the same afternoon.",
            referrals=("employee-assistance",)))
        send.send(after, priya, _at(now, 2, 9, 0))

        # Chris: new, meets every fortnight, and the next session is overdue. The records
        # are drafts, not sent yet; Chris has not shared anything.
        chris_contact = contacts[chris.name]
        sup.add_agreement(chris_contact, agreement(14))
        clock.at = now
        sup.add_session(chris_contact, Session(
            held=_at(now, 20, 14, 0), attendees=(OWNER_NAME, chris.name),
            summary_received="No share yet: Chris is still setting up the kit.",
            impact="Settling in; a lot of new names and systems at once.",
            coping="Asks questions early and keeps a list of what helped.",
            actions=(_action(rng, "Shadow Priya Placeholder on two home visits.", chris.name,
                             day(6)),)))

    # Shares from Jordan and Priya (with their check-in bands, for the team view).
    def when(days: int, hour: int) -> datetime:
        return _at(now, days, hour, 0)

    clock.at = now
    sup.open(_share_from(
        jordan, me,
        [_exposure(when(20, 10), 60, ("text",), "some", ("breaks",), 3),
         _exposure(when(12, 14), 45, ("text", "image"), "few", ("breaks", "greyscale"), 4),
         _exposure(when(5, 11), 30, ("text",), "few", ("breaks",), 2)],
        [_pulse(pulse, when(16, 8), 7, 1), _pulse(pulse, when(3, 8), 8, 2)], instruments,
        when(2, 17), "Court next week; otherwise a steady fortnight."))
    sup.open(_share_from(
        priya, me,
        [_exposure(when(10, 15), 40, ("text",), "few", ("breaks",), 3),
         _exposure(when(3, 11), 20, ("live-disclosure",), "single", ("breaks",), 6)],
        [_pulse(pulse, when(15, 8), 7, 3), _pulse(pulse, when(2, 8), 5, 4)], instruments,
        when(1, 18), "Thank you for making time on the day of the call. I am sleeping better "
        "than I expected."))
