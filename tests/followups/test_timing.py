"""Due-time arithmetic: calendar and business days in the customer's zone, allowed hours, DST."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints.clock import add_business_days
from followups.timing import (
    ALWAYS,
    BUSINESS_DAYS,
    DAYS,
    Window,
    due_at,
    is_allowed,
    next_allowed,
    shift,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TRICKY_ZONES = [
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Asia/Kathmandu",  # +05:45
    "America/Havana",  # transitions at midnight
    "America/Santiago",
    "Pacific/Chatham",
    "Asia/Tehran",
]

zones = st.sampled_from(TRICKY_ZONES).map(ZoneInfo) | st.timezones()
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2037, 12, 31), timezones=st.just(UTC)
)


@st.composite
def windows(draw: st.DrawFn) -> Window:
    start = draw(st.integers(0, 23))
    end = draw(st.integers(start + 1, 24))
    days = draw(st.frozensets(st.integers(1, 7), min_size=1))
    return Window(start_hour=start, end_hour=end, weekdays=days)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def exists(day: date, wall: time, tz: ZoneInfo) -> bool:
    """The wall-clock time occurs on that day (not in a spring gap)."""
    naive = datetime.combine(day, wall)
    round_trip = naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    return round_trip == naive


# Named DST cases --------------------------------------------------------------------------------


def test_three_days_keep_the_local_time_across_the_london_spring_change() -> None:
    # Friday 28 March 2025 10:00 GMT; clocks go forward on Sunday 30 March.
    assert due_at(start=utc(2025, 3, 28, 10), amount=3, unit=DAYS, tz=LONDON) == utc(2025, 3, 31, 9)


def test_a_london_time_lost_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    # 01:30 on 30 March 2025 does not exist in London: it becomes 02:30 BST (01:30 UTC).
    result = due_at(start=utc(2025, 3, 27, 1, 30), amount=3, unit=DAYS, tz=LONDON)
    assert result == utc(2025, 3, 30, 1, 30)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "02:30 BST"


def test_a_london_time_repeated_in_the_autumn_fold_means_its_first_occurrence() -> None:
    # 01:30 on 26 October 2025 happens twice; the first is BST (00:30 UTC).
    result = due_at(start=utc(2025, 10, 23, 0, 30), amount=3, unit=DAYS, tz=LONDON)
    assert result == utc(2025, 10, 26, 0, 30)
    assert result.astimezone(LONDON).strftime("%H:%M %Z") == "01:30 BST"


def test_a_new_york_time_lost_in_the_spring_gap_moves_forward_by_the_gap() -> None:
    # 02:30 EST on Thursday 6 March 2025; 02:30 on Sunday 9 March does not exist.
    result = due_at(start=utc(2025, 3, 6, 7, 30), amount=3, unit=DAYS, tz=NEW_YORK)
    assert result.astimezone(NEW_YORK).strftime("%Y-%m-%d %H:%M %Z") == "2025-03-09 03:30 EDT"


def test_a_new_york_time_in_the_autumn_fold_means_its_first_occurrence() -> None:
    result = due_at(start=utc(2025, 10, 30, 5, 30), amount=3, unit=DAYS, tz=NEW_YORK)
    assert result == utc(2025, 11, 2, 5, 30)
    assert result.astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:30 EDT"


def test_new_york_waking_hours_follow_the_autumn_change() -> None:
    window = Window(start_hour=9, end_hour=20, weekdays=frozenset(range(1, 8)))
    # 05:00 EST on Sunday 2 November 2025 (10:00 UTC) is too early: 09:00 EST is 14:00 UTC.
    assert next_allowed(utc(2025, 11, 2, 10), tz=NEW_YORK, window=window) == utc(2025, 11, 2, 14)


def test_a_late_evening_resolution_is_followed_up_next_morning() -> None:
    window = Window(start_hour=9, end_hour=20, weekdays=frozenset({1, 2, 3, 4, 5}))
    # Friday 22:00 London (BST) + 3 days = Monday 22:00, too late: Tuesday 09:00 BST.
    result = due_at(start=utc(2025, 6, 6, 21), amount=3, unit=DAYS, tz=LONDON, window=window)
    assert result == utc(2025, 6, 10, 8)


def test_a_sunday_due_time_moves_to_monday_when_weekends_are_not_allowed() -> None:
    window = Window(start_hour=9, end_hour=20, weekdays=frozenset({1, 2, 3, 4, 5}))
    result = due_at(start=utc(2025, 6, 5, 12), amount=3, unit=DAYS, tz=LONDON, window=window)
    assert result.astimezone(LONDON) == datetime(2025, 6, 9, 9, tzinfo=LONDON)


def test_a_window_start_inside_the_spring_gap_still_gives_an_allowed_time() -> None:
    window = Window(start_hour=1, end_hour=3, weekdays=frozenset(range(1, 8)))
    # Sunday 30 March 2025, 00:30 GMT: 01:00 does not exist; 02:00 BST is the first allowed instant.
    result = next_allowed(utc(2025, 3, 30, 0, 30), tz=LONDON, window=window)
    assert result == utc(2025, 3, 30, 1)
    assert is_allowed(result, tz=LONDON, window=window)


def test_business_days_skip_the_weekend() -> None:
    friday = date(2025, 6, 6)
    assert add_business_days(friday, 1) == date(2025, 6, 9)
    assert add_business_days(date(2025, 6, 7), 1) == date(2025, 6, 9)  # Saturday
    assert add_business_days(friday, 5) == date(2025, 6, 13)
    result = shift(utc(2025, 6, 6, 15), amount=2, unit=BUSINESS_DAYS, tz=LONDON)
    assert result == utc(2025, 6, 10, 15)


def test_elapsed_units_are_exact_durations() -> None:
    assert shift(utc(2025, 3, 30, 0, 30), amount=90, unit="minutes", tz=LONDON) == utc(2025, 3, 30, 2)
    assert shift(utc(2025, 1, 1), amount=5, unit="seconds", tz=LONDON) == utc(2025, 1, 1, 0, 0, 5)


def test_an_empty_window_is_refused() -> None:
    with pytest.raises(ValueError):
        Window(start_hour=10, end_hour=10)
    with pytest.raises(ValueError):
        Window(weekdays=frozenset())


# Properties -------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    start=moments,
    tz=zones,
    amount=st.integers(0, 60),
    unit=st.sampled_from([DAYS, BUSINESS_DAYS]),
    window=windows(),
)
def test_a_due_time_is_inside_the_window_never_early_and_the_first_allowed_instant(
    start: datetime, tz: ZoneInfo, amount: int, unit: str, window: Window
) -> None:
    shifted = shift(start, amount=amount, unit=unit, tz=tz)
    result = due_at(start=start, amount=amount, unit=unit, tz=tz, window=window)
    local = result.astimezone(tz)
    assert result.tzinfo is UTC
    assert local.isoweekday() in window.weekdays
    assert window.start_hour <= local.hour < window.end_hour
    assert result >= shifted
    assert result - shifted < timedelta(days=9)
    # Either nothing had to move, or the instant just before was not allowed: nothing earlier fits.
    assert result == shifted or not is_allowed(result - timedelta(minutes=1), tz=tz, window=window)
    assert next_allowed(result, tz=tz, window=window) == result


@settings(max_examples=300, deadline=None)
@given(start=moments, tz=zones, amount=st.integers(0, 400))
def test_calendar_days_land_on_the_right_local_date_at_the_same_local_time_when_it_exists(
    start: datetime, tz: ZoneInfo, amount: int
) -> None:
    result = shift(start, amount=amount, unit=DAYS, tz=tz)
    begin = start.astimezone(tz)
    target_day = begin.date() + timedelta(days=amount)
    local = result.astimezone(tz)
    if exists(target_day, begin.time().replace(tzinfo=None), tz):
        assert local.replace(tzinfo=None) == datetime.combine(target_day, begin.time().replace(tzinfo=None))
        assert local.fold == 0 or local.replace(fold=0).astimezone(UTC) == result
    else:
        # A time lost in a gap moves forward, by at most the gap (never more than a few hours).
        assert local.date() >= target_day
        naive_target = datetime.combine(target_day, begin.time().replace(tzinfo=None))
        assert timedelta(0) < local.replace(tzinfo=None) - naive_target <= timedelta(hours=3)


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2037, 1, 1)), count=st.integers(0, 100))
def test_business_days_count_only_weekdays(day: date, count: int) -> None:
    result = add_business_days(day, count)
    weekdays_between = sum(
        (day + timedelta(days=offset)).isoweekday() <= 5 for offset in range(1, (result - day).days + 1)
    )
    assert weekdays_between == count
    if count:
        assert result.isoweekday() <= 5


@settings(max_examples=200, deadline=None)
@given(moment=moments, tz=zones)
def test_the_always_window_never_moves_a_time(moment: datetime, tz: ZoneInfo) -> None:
    assert next_allowed(moment, tz=tz, window=ALWAYS) == moment
