"""Due-time arithmetic: calendar and business hours, holidays, DST, pauses, at-risk and overdue."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaints.clock import (
    BusinessCalendar,
    ClockState,
    add_working_time,
    clock_state,
    shift_for_pause,
    working_time_between,
)

LONDON = ZoneInfo("Europe/London")
NINE_TO_FIVE = {day: ((time(9), time(17)),) for day in range(1, 6)}  # ISO: Monday 1 … Friday 5
OFFICE = BusinessCalendar(tz=LONDON, hours=NINE_TO_FIVE, holidays=frozenset({date(2026, 12, 25)}))
SPLIT = BusinessCalendar(
    tz=ZoneInfo("America/New_York"),
    hours={day: ((time(8), time(12)), (time(13), time(18))) for day in range(1, 7)},
)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


def test_calendar_hours_count_around_the_clock() -> None:
    start = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)  # a Friday afternoon
    assert add_working_time(start, timedelta(hours=8), None) == datetime(2026, 3, 7, 0, 0, tzinfo=UTC)


def test_business_hours_skip_the_night_and_the_weekend() -> None:
    friday_4pm = london(2026, 3, 6, 16, 0)
    # One hour left on Friday, seven more from Monday 09:00.
    assert add_working_time(friday_4pm, timedelta(hours=8), OFFICE) == london(2026, 3, 9, 16, 0)


def test_a_complaint_received_at_night_starts_counting_at_opening_time() -> None:
    assert add_working_time(london(2026, 3, 10, 22, 30), timedelta(hours=1), OFFICE) == london(
        2026, 3, 11, 10
    )


def test_holidays_do_not_count() -> None:
    christmas_eve_4pm = london(2026, 12, 24, 16, 0)
    # Thursday 24th: one hour; Friday 25th is a holiday; the weekend is closed; Monday 28th: one hour.
    assert add_working_time(christmas_eve_4pm, timedelta(hours=2), OFFICE) == london(2026, 12, 28, 10, 0)


def test_business_hours_follow_the_local_clock_across_the_dst_change() -> None:
    # London moves to summer time on Sunday 29 March 2026: opening stays 09:00 local, 08:00 UTC.
    friday_5pm = london(2026, 3, 27, 17, 0)
    due = add_working_time(friday_5pm, timedelta(hours=1), OFFICE)
    assert due == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert due.astimezone(LONDON).hour == 10


def test_a_calendar_without_opening_hours_is_refused_not_looped_forever() -> None:
    closed = BusinessCalendar(tz=LONDON, hours={})
    with pytest.raises(ValueError, match="no opening hours"):
        add_working_time(london(2026, 1, 5, 9), timedelta(hours=1), closed)
    assert working_time_between(london(2026, 1, 5), london(2026, 1, 9), closed) == timedelta(0)


def test_a_pause_moves_the_due_time_by_the_business_time_it_lasted() -> None:
    due = london(2026, 3, 11, 12, 0)
    # Paused from Monday 16:00 to Tuesday 10:00: two business hours.
    shifted = shift_for_pause(due, london(2026, 3, 9, 16), london(2026, 3, 10, 10), OFFICE)
    assert shifted == london(2026, 3, 11, 14, 0)
    assert shift_for_pause(None, london(2026, 3, 9, 16), london(2026, 3, 10, 10), OFFICE) is None


def test_clock_states() -> None:
    start = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    due = start + timedelta(hours=100)
    assert clock_state(now=start + timedelta(hours=10), started=start, due=due) == ClockState.ON_TIME
    assert clock_state(now=start + timedelta(hours=80), started=start, due=due) == ClockState.AT_RISK
    assert clock_state(now=start + timedelta(hours=101), started=start, due=due) == ClockState.OVERDUE
    assert (
        clock_state(now=start + timedelta(hours=101), started=start, due=due, paused=True)
        == ClockState.PAUSED
    )
    done = start + timedelta(hours=99)
    assert (
        clock_state(now=start + timedelta(hours=200), started=start, due=due, done_at=done) == ClockState.MET
    )
    late = start + timedelta(hours=120)
    assert clock_state(now=late, started=start, due=due, done_at=late) == ClockState.OVERDUE
    assert clock_state(now=start, started=start, due=None) is None


moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=200 * 60).map(lambda m: timedelta(minutes=m))
calendars = st.sampled_from([None, OFFICE, SPLIT])


@given(start=moments, duration=durations, calendar=calendars)
def test_adding_then_measuring_gives_back_the_duration(start, duration, calendar) -> None:
    due = add_working_time(start, duration, calendar)
    assert due >= start
    assert working_time_between(start, due, calendar) == duration


@given(start=moments, first=durations, second=durations, calendar=calendars)
def test_adding_is_monotonic_and_composes(start, first, second, calendar) -> None:
    shorter, longer = sorted([first, second])
    assert add_working_time(start, shorter, calendar) <= add_working_time(start, longer, calendar)
    step = add_working_time(add_working_time(start, first, calendar), second, calendar)
    # Adding in two steps lands in the same place, except that a step ending at closing time
    # may resume at the next opening: the counted time is what must agree.
    assert working_time_between(start, step, calendar) == first + second


@given(
    start=moments,
    duration=st.integers(min_value=1, max_value=200 * 60),
    calendar=st.sampled_from([OFFICE, SPLIT]),
)
def test_business_due_times_fall_inside_opening_hours(start, duration, calendar) -> None:
    due = add_working_time(start, timedelta(minutes=duration), calendar).astimezone(calendar.tz)
    assert due.date() not in calendar.holidays
    spans = calendar.hours[due.isoweekday()]
    assert any(opens < due.time() <= closes for opens, closes in spans), due


@given(a=moments, b=moments, c=moments, calendar=calendars)
def test_measured_time_adds_up_over_consecutive_stretches(a, b, c, calendar) -> None:
    a, b, c = sorted([a, b, c])
    total = working_time_between(a, c, calendar)
    assert working_time_between(a, b, calendar) + working_time_between(b, c, calendar) == total
    assert total <= c - a
