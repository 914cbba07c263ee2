"""The field helpers the records share (kit/records/fields.py): what a person gives is refused
with a UsageError naming the field; what the kit stored is refused with TypeError or ValueError,
which read_kind reports as a record this kit cannot read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kit.errors import UsageError
from kit.records.fields import (
    Choice,
    aware,
    check_text,
    label,
    parse_date,
    parse_when,
    stored_day,
    stored_stamp,
    stored_text,
    stored_texts,
    stored_whole,
)
from kit.records.source import UNREADABLE


def test_a_label_for_a_known_value_and_the_value_for_an_unknown_one() -> None:
    choices = (Choice("open", "Open"), Choice("closed", "Closed"))
    assert label(choices, "closed") == "Closed"
    assert label(choices, "snoozed") == "snoozed"  # a newer kit's value still shows


def test_checked_text_is_trimmed_within_its_limit_and_free_of_control_characters() -> None:
    assert check_text("the note", "  two\n\tlines \n", 20) == "two\n\tlines"
    # Another computer's line breaks become newlines where lines are allowed: a carriage return
    # alone would move a terminal's cursor back over what it showed.
    assert check_text("the note", "a\r\nb\rc\r\n", 20) == "a\nb\nc"
    for value, limit, one_line, said in [
            (5, 10, False, "the note must be text"),
            ("x" * 11, 10, False, "the note is 11 characters long; at most 10 are allowed"),
            ("a\nb", 10, True, "the note must be one line, without control characters"),
            ("a\rb", 10, True, "the note must be one line, without control characters"),
            ("a\x1b[2Jb", 10, False, "the note must be without control characters"),
            ("   ", 10, False, None)]:
        if said is None:
            assert check_text("the note", value, limit, one_line=one_line) == ""
            with pytest.raises(UsageError, match="the note is empty; it is needed"):
                check_text("the note", value, limit, required=True)
            continue
        with pytest.raises(UsageError) as caught:
            check_text("the note", value, limit, one_line=one_line)
        assert caught.value.message == said


def test_typed_dates_and_times_parse_and_times_are_aware_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert aware(datetime(2026, 3, 1, 12, tzinfo=plus_two), "when") == datetime(
        2026, 3, 1, 10, tzinfo=UTC)
    with pytest.raises(UsageError, match="since needs a time zone"):
        aware(datetime(2026, 3, 1, 12), "since")
    assert parse_when("2026-03-01 12:00+02:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert parse_when("2026-03-01").tzinfo is UTC  # a date alone: local midnight, as UTC
    with pytest.raises(UsageError, match="--when 'yesterday' is not a date"):
        parse_when("yesterday", "--when")
    assert parse_date(" 2026-02-28 ") == date(2026, 2, 28)
    with pytest.raises(UsageError, match="--recheck '2026-02-30' is not a date; use YYYY-MM-DD"):
        parse_date("2026-02-30", "--recheck")


def test_stored_fields_are_read_back_with_their_types_checked() -> None:
    assert stored_text("x") == "x"
    assert stored_texts(["a", "b"]) == ("a", "b")
    assert stored_whole(3) == 3
    assert stored_stamp("2026-03-01T10:00:00+00:00") == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert stored_day("2026-03-01") == date(2026, 3, 1)
    assert stored_day(None) is None


@pytest.mark.parametrize(("read", "value"), [
    (stored_text, 5), (stored_texts, "ab"), (stored_texts, ["a", 1]), (stored_whole, True),
    (stored_whole, "3"), (stored_stamp, None), (stored_stamp, "not a time"),
    (stored_stamp, "2026-03-01T10:00:00"),  # no zone: it would break every sort
    (stored_day, 20260301), (stored_day, "2026-02-30"),
], ids=lambda v: getattr(v, "__name__", repr(v)))
def test_a_stored_field_of_the_wrong_shape_is_one_read_kind_reports(
        read: Callable[[object], object], value: object) -> None:
    with pytest.raises(UNREADABLE) as caught:
        read(value)
    assert not isinstance(caught.value, UsageError)  # not a person's mistake: the record's
