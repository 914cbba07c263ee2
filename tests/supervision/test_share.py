"""The share builder: what each field says, the period, defaults, directions, and that private
notes never reach a packet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kit.errors import NotFound, UsageError
from kit.records.exposure import ExposureEntry
from kit.supervision import share
from kit.supervision.share import ShareField, candidate_fields, parse_fields, render
from kit.wellbeing.checkins import CheckIn
from kit.wellbeing.instruments import Instrument, builtin_instruments
from kit.wellbeing.scoring import SubscaleScore

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 10, 1, tzinfo=LONDON)
END = datetime(2026, 10, 29, tzinfo=LONDON)
CANARY = "CANARY-7f3a"


class Names:
    """The built-in pulse and one made-up instrument; anything else is unknown."""

    def get(self, instrument_id: str) -> Instrument:
        pulse = builtin_instruments()[0]
        if instrument_id == "pulse":
            return pulse
        if instrument_id == "who5":
            return Instrument(**{**pulse.__dict__, "id": "who5", "name": "WHO-5 wellbeing"})
        raise NotFound(f"no instrument '{instrument_id}'")


def entry(when: datetime, material: tuple[str, ...] = ("image",), *, volume: str | None = "few",
          flags: tuple[str, ...] = (), steps: tuple[str, ...] = (), impact: int = 2,
          outcome_known: bool | None = None, note: str | None = None) -> ExposureEntry:
    return ExposureEntry(f"e{when.timestamp():.0f}{material}", when.astimezone(UTC), 30,
                         material, volume, flags, steps, outcome_known, impact, note, when, when)


def checkin(when: datetime, *scores: tuple[str, float, str], instrument: str = "pulse",
            note: str | None = None) -> CheckIn:
    return CheckIn(f"c{when.timestamp():.0f}{instrument}", when.astimezone(UTC), instrument,
                   "d" * 64, {"energy": 5},
                   # "Overall" is the pulse's real subscale, so its bands show their labels.
                   tuple(SubscaleScore("total" if sub == "Overall" else sub.lower(), sub, score,
                                       band, band == "struggling")
                         for sub, score, band in scores), note)


def fields(exposure: list[ExposureEntry] | None = None, checkins: list[CheckIn] | None = None,
           start: datetime = START, end: datetime = END) -> dict[str, ShareField]:
    found = candidate_fields(exposure or [], checkins or [], Names(), start, end, zone=LONDON)
    return {f.key: f for f in found}


def day(n: int, hour: int = 10) -> datetime:
    return datetime(2026, 10, n, hour, tzinfo=LONDON)


# --- exposure ---


def test_sessions_by_type_count_with_singular_and_plural_and_a_total() -> None:
    got = fields([entry(day(2)), entry(day(3)), entry(day(4)), entry(day(5), ("video",))])
    assert got["exposure_sessions"].text == (
        "Images: 3 sessions\nVideo: 1 session\nTotal: 4 sessions")
    assert got["exposure_sessions"].label == "Exposure sessions by type"


def test_a_session_of_two_types_counts_under_each_and_says_so() -> None:
    text = fields([entry(day(2), ("video", "image"))])["exposure_sessions"].text
    assert text == ("Images: 1 session\nVideo: 1 session\n"
                    "Total: 1 session (a session can involve more than one type)")


def test_a_type_from_a_newer_kit_shows_its_raw_value() -> None:
    text = fields([entry(day(2), ("hologram",))])["exposure_sessions"].text
    assert text.splitlines()[0] == "hologram: 1 session"


def test_no_exposure_says_so_in_every_exposure_field() -> None:
    got = fields([entry(day(1) - timedelta(days=3))])  # before the period
    for key in ("exposure_sessions", "exposure_volume", "exposure_flags", "exposure_steps",
                "exposure_outcome", "exposure_impact"):
        assert got[key].text == "No exposure logged in this period."


def test_volume_counts_per_band_and_unrecorded() -> None:
    got = fields([entry(day(2), volume="single"), entry(day(3), volume="many"),
                  entry(day(4), volume="many"), entry(day(5), volume=None)])
    assert got["exposure_volume"].text == ("One item: 1 session\nMany (101 to 1,000): 2 sessions\n"
                                           "Not recorded: 1 session")


def test_flags_count_every_flag_out_of_the_total() -> None:
    got = fields([entry(day(2), flags=("violent", "unexpected")), entry(day(3), flags=("violent",)),
                  entry(day(4))])
    assert got["exposure_flags"].text == ("Violent: 2 of 3 sessions\n"
                                          "Came without warning: 1 of 3 sessions\n"
                                          "Felt close to home: 0 of 3 sessions")


def test_steps_count_each_protective_step_and_the_outcome_is_its_own_field() -> None:
    got = fields([entry(day(2), steps=("breaks", "greyscale"), outcome_known=True),
                  entry(day(3), steps=("breaks",), outcome_known=False)])
    assert got["exposure_steps"].text.splitlines() == [
        "Regular breaks: 2 of 2 sessions", "Filters or blurring: 0 of 2 sessions",
        "Sound off or separate: 0 of 2 sessions", "Viewed in greyscale: 1 of 2 sessions",
        "Smaller view or thumbnails: 0 of 2 sessions",
        "Stopped at the cut-off time: 0 of 2 sessions"]
    assert got["exposure_outcome"].label == "Knew how the case turned out"
    assert got["exposure_outcome"].text.splitlines() == ["Yes: 1 of 2 sessions",
                                                         "No: 1 of 2 sessions"]


def test_an_outcome_never_recorded_is_unknown_not_no() -> None:
    got = fields([entry(day(n + 2), outcome_known=None) for n in range(4)])
    assert got["exposure_outcome"].text.splitlines() == [
        "Yes: 0 of 4 sessions", "No: 0 of 4 sessions", "Not recorded: 4 of 4 sessions"]
    assert "Knew how" not in got["exposure_steps"].text


def test_impact_is_shared_as_bands_never_as_numbers() -> None:
    impacts = [0, 3, 4, 6, 7, 9, 10]
    text = fields([entry(day(n + 2), impact=i) for n, i in enumerate(impacts)])[
        "exposure_impact"].text
    assert text == ("Low (0 to 3): 2 sessions\nMedium (4 to 6): 2 sessions\n"
                    "High (7 to 10): 3 sessions")
    # Impact 9 appears nowhere; the band edges in the labels are the only numbers.
    assert "9" not in text


def test_period_includes_its_start_and_excludes_its_end() -> None:
    got = fields([entry(START), entry(END), entry(END - timedelta(seconds=1), ("video",)),
                  entry(START - timedelta(seconds=1), ("audio",))])
    assert got["exposure_sessions"].text == "Images: 1 session\nVideo: 1 session\nTotal: 2 sessions"


def test_a_period_needs_time_zones_and_a_start_before_its_end() -> None:
    with pytest.raises(UsageError, match="time zone"):
        fields(start=datetime(2026, 10, 1))  # naive on purpose
    with pytest.raises(UsageError, match="start before it ends"):
        fields(start=END, end=START)


# --- check-ins ---


def test_bands_give_the_latest_in_the_period_against_the_one_before() -> None:
    checkins = [checkin(day(1) - timedelta(days=20), ("Overall", 7.5, "steady")),  # before
                checkin(day(5), ("Overall", 5.0, "stretched")),
                checkin(day(12), ("Overall", 3.0, "struggling"))]
    text = fields(checkins=checkins)["checkin_bands"].text
    assert text == ("Frontline Kit pulse check-in, Overall (12 Oct 2026): band 'things are hard' "
                    "(lower; was 'some things are weighing on you')")


def test_direction_compares_with_a_check_in_before_the_period() -> None:
    checkins = [checkin(day(1) - timedelta(days=40), ("Overall", 2.0, "struggling")),
                checkin(day(9), ("Overall", 7.0, "steady"))]
    assert fields(checkins=checkins)["checkin_bands"].text.endswith(
        "band 'fairly steady' (higher; was 'things are hard')")


def test_direction_same_band_and_first_check_in() -> None:
    same = [checkin(day(2), ("Overall", 5.0, "stretched")),
            checkin(day(9), ("Overall", 6.0, "stretched"))]
    assert fields(checkins=same)["checkin_bands"].text.endswith(
        "band 'some things are weighing on you' (the same band as the check-in before)")
    first = [checkin(day(9), ("Overall", 6.0, "stretched"))]
    assert fields(checkins=first)["checkin_bands"].text.endswith(
        "band 'some things are weighing on you' (first check-in)")


def test_direction_only_looks_at_the_same_instrument() -> None:
    checkins = [checkin(day(2), ("Overall", 9.0, "steady"), instrument="who5"),
                checkin(day(9), ("Overall", 6.0, "stretched"))]
    assert fields(checkins=checkins)["checkin_bands"].text.splitlines() == [
        "Frontline Kit pulse check-in, Overall (9 Oct 2026): band 'some things are weighing on "
        "you' (first check-in)",
        "WHO-5 wellbeing, Overall (2 Oct 2026): band 'fairly steady' (first check-in)"]


def test_an_unknown_instrument_is_named_by_its_id() -> None:
    text = fields(checkins=[checkin(day(3), ("Mood", 4.0, "ok"), instrument="gone")])[
        "checkin_bands"].text
    assert text == "gone, Mood (3 Oct 2026): band 'ok' (first check-in)"


def test_every_subscale_gets_a_line() -> None:
    checkins = [checkin(day(2), ("Burnout", 20, "low"), ("Satisfaction", 40, "high")),
                checkin(day(9), ("Burnout", 30, "average"), ("Satisfaction", 40, "high"))]
    assert fields(checkins=checkins)["checkin_bands"].text.splitlines() == [
        "Frontline Kit pulse check-in, Burnout (9 Oct 2026): band 'average' (higher; was 'low')",
        "Frontline Kit pulse check-in, Satisfaction (9 Oct 2026): band 'high' "
        "(the same band as the check-in before)"]


def test_scores_list_every_check_in_in_the_period_with_dates() -> None:
    checkins = [checkin(day(1) - timedelta(days=2), ("Overall", 1.0, "struggling")),
                checkin(day(12), ("Overall", 3.5, "struggling")),
                checkin(day(5), ("Overall", 5.0, "stretched"))]
    assert fields(checkins=checkins)["checkin_scores"].text == (
        "5 Oct 2026, Frontline Kit pulse check-in, Overall: 5 ('some things are weighing on "
        "you')\n"
        "12 Oct 2026, Frontline Kit pulse check-in, Overall: 3.5 ('things are hard')")


def test_no_check_ins_says_so() -> None:
    got = fields()
    assert got["checkin_bands"].text == got["checkin_scores"].text == "No check-ins in this period."


# --- defaults, keys, render ---


def test_fields_come_in_a_fixed_order_and_impact_and_scores_are_not_ticked() -> None:
    found = candidate_fields([], [], Names(), START, END, zone=LONDON)
    assert [f.key for f in found] == ["exposure_sessions", "exposure_volume", "exposure_flags",
                                      "exposure_steps", "exposure_outcome",
                                      "exposure_impact", "checkin_bands",
                                      "checkin_scores"]
    assert share.defaults(found) == {"exposure_sessions", "exposure_volume", "exposure_flags",
                                     "exposure_steps", "exposure_outcome", "checkin_bands"}


def test_parse_fields() -> None:
    assert parse_fields(" exposure_sessions, checkin_bands,,note") == {
        "exposure_sessions", "checkin_bands", "note"}
    with pytest.raises(UsageError) as caught:
        parse_fields("exposure_sessions,journal")
    assert "'journal'" in caught.value.message
    assert "exposure_sessions, exposure_volume" in caught.value.message
    assert "checkin_scores, note" in caught.value.message
    with pytest.raises(UsageError, match="no fields"):
        parse_fields(" , ")


def test_render_shows_heading_period_chosen_fields_in_order_and_note() -> None:
    found = candidate_fields([entry(day(2)), entry(day(3), ("video",))], [], Names(), START,
                             END, zone=LONDON)
    text = render(found, {"exposure_volume", "exposure_sessions"}, "  Busy month.\nOK now.  \n",
                  "Alex Jones", "Sam Patel", START, END, zone=LONDON)
    assert text == (
        "Shared with Sam Patel by Alex Jones\n"
        "Period: 1 Oct 2026 to 28 Oct 2026\n"
        "\n"
        "Exposure sessions by type:\n"
        "  Images: 1 session\n"
        "  Video: 1 session\n"
        "  Total: 2 sessions\n"
        "\n"
        "Amount of material:\n"
        "  A few (2 to 10): 2 sessions\n"
        "\n"
        "Note:\n"
        "  Busy month.\n"
        "  OK now.\n")


def test_render_leaves_out_a_blank_note_and_unchosen_fields() -> None:
    found = candidate_fields([entry(day(2), impact=9)], [], Names(), START, END, zone=LONDON)
    text = render(found, {"exposure_sessions"}, " \n ", "A", "B", START, END, zone=LONDON)
    assert "Note" not in text
    assert "Low (0 to 3)" not in text and "High" not in text
    assert render(found, set(), "", "A", "B", START, END, zone=LONDON) == (
        "Shared with B by A\nPeriod: 1 Oct 2026 to 28 Oct 2026\n")


def test_render_period_end_mid_day_counts_that_day() -> None:
    text = render([], set(), "", "A", "B", START, day(1, 15), zone=LONDON)
    assert "Period: 1 Oct 2026\n" in text


def test_render_refuses_an_unknown_key() -> None:
    with pytest.raises(UsageError, match="'journal'"):
        render([], {"journal"}, "", "A", "B", START, END)


def test_note_is_capped_and_plain_text() -> None:
    assert share.note_field("x" * share.MAX_NOTE) == ShareField("note", "Note",
                                                             "x" * share.MAX_NOTE, True)
    assert share.note_field("a\r\nb\tc") == ShareField("note", "Note", "a\nb\tc", True)
    with pytest.raises(UsageError, match="control characters"):
        share.note_field("look \x1b[2J here")
    with pytest.raises(UsageError, match="10,000"):
        render([], set(), "x" * (share.MAX_NOTE + 1), "A", "B", START, END)


def test_chosen_fields_is_what_render_shows() -> None:
    found = candidate_fields([entry(day(2))], [], Names(), START, END, zone=LONDON)
    chosen = share.chosen_fields(found, {"checkin_bands", "exposure_flags"}, "hello")
    assert [(f.key, f.label) for f in chosen] == [
        ("exposure_flags", "Violent, unexpected or close to home"),
        ("checkin_bands", "Check-in bands"), ("note", "Note")]


def test_default_start() -> None:
    now = datetime(2026, 11, 10, 12, tzinfo=UTC)
    assert share.default_start(None, now) == now - timedelta(days=28)
    assert share.default_start(now - timedelta(days=3), now) == now - timedelta(days=3)


def test_private_notes_never_reach_any_field_or_the_rendered_text() -> None:
    exposure = [entry(day(2), note=f"what I saw: {CANARY}", flags=("violent",), impact=8,
                      steps=("breaks",), outcome_known=True)]
    checkins = [checkin(day(1) - timedelta(days=5), ("Overall", 7.0, "steady"), note=CANARY),
                checkin(day(3), ("Overall", 4.0, "stretched"), note=f"private {CANARY}")]
    found = candidate_fields(exposure, checkins, Names(), START, END, zone=LONDON)
    assert all(CANARY not in f.text and CANARY not in f.label for f in found)
    text = render(found, share.KEYS, "my note", "A", "B", START, END, zone=LONDON)
    assert CANARY not in text
    assert "my note" in text and "band 'some things are weighing on you'" in text
