"""The one business calendar: pure functions, no database, no "now" of their own.

Response targets count business hours: only while the service is open (opening intervals per
weekday, in the service's time zone, minus holidays). Follow-ups count business days: Monday to
Friday, minus the holidays of the customer's region. Weekdays are ISO numbers everywhere (1 is
Monday, 7 is Sunday), as admins type them. Every datetime in and out is timezone-aware; results
are in UTC.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# A calendar whose opening hours are all empty would never reach a due time; stop looking after this.
_SEARCH_DAYS = 800


@dataclass(frozen=True)
class BusinessCalendar:
    tz: ZoneInfo
    # ISO weekday (Monday is 1) -> sorted, non-overlapping (opens, closes) local times
    hours: Mapping[int, tuple[tuple[time, time], ...]]
    holidays: frozenset[date] = field(default_factory=frozenset)

    def open_intervals(
        self, start: datetime, days: int = _SEARCH_DAYS
    ) -> Iterator[tuple[datetime, datetime]]:
        """Opening intervals in UTC, in order, for `days` local days from the one holding `start`."""
        day = start.astimezone(self.tz).date()
        for offset in range(days):
            current = day + timedelta(days=offset)
            if current in self.holidays:
                continue
            for opens, closes in self.hours.get(current.isoweekday(), ()):
                # A local time in a DST gap resolves with fold=0, as zoneinfo does by default.
                yield (
                    datetime.combine(current, opens, tzinfo=self.tz).astimezone(UTC),
                    datetime.combine(current, closes, tzinfo=self.tz).astimezone(UTC),
                )


# Business days: Monday to Friday.
BUSINESS_WEEKDAYS = frozenset({1, 2, 3, 4, 5})


def is_business_day(day: date, holidays: frozenset[date] = frozenset()) -> bool:
    return day.isoweekday() in BUSINESS_WEEKDAYS and day not in holidays


def add_business_days(day: date, count: int, holidays: frozenset[date] = frozenset()) -> date:
    """`count` business days after `day`: Friday + 1 is Monday, Saturday + 1 is Monday, and a
    holiday is stepped over like a weekend."""
    current = day
    while count > 0:
        current += timedelta(days=1)
        if is_business_day(current, holidays):
            count -= 1
    return current


def add_working_time(start: datetime, duration: timedelta, calendar: BusinessCalendar | None) -> datetime:
    """The moment `duration` of counted time after `start`. `None` counts calendar hours."""
    if duration < timedelta(0):
        raise ValueError("A duration to add cannot be negative.")
    start = start.astimezone(UTC)
    if calendar is None or duration == timedelta(0):
        return start + duration
    remaining = duration
    for opens, closes in calendar.open_intervals(start):
        if closes <= start:
            continue
        segment_start = max(opens, start)
        available = closes - segment_start
        if remaining <= available:
            return segment_start + remaining
        remaining -= available
    raise ValueError("The business calendar has no opening hours: no due time can be reached.")


def working_time_between(start: datetime, end: datetime, calendar: BusinessCalendar | None) -> timedelta:
    """Counted time from `start` to `end` (zero when `end` is not after `start`)."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        return timedelta(0)
    if calendar is None:
        return end - start
    total = timedelta(0)
    # Two spare days cover local days that straddle the UTC ends.
    for opens, closes in calendar.open_intervals(start, days=(end - start).days + 2):
        if opens >= end:
            break
        if closes <= start:
            continue
        total += min(closes, end) - max(opens, start)
    return total


def shift_for_pause(
    due: datetime | None, paused_from: datetime, paused_until: datetime, calendar: BusinessCalendar | None
) -> datetime | None:
    """A due time moved later by the counted time the case spent waiting on the customer."""
    if due is None:
        return None
    return add_working_time(due, working_time_between(paused_from, paused_until, calendar), calendar)


class ClockState(StrEnum):
    MET = "met"
    PAUSED = "paused"
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"


# A target is at risk once less than this share of its window is left.
AT_RISK_SHARE = 0.25


def clock_state(
    *,
    now: datetime,
    started: datetime,
    due: datetime | None,
    done_at: datetime | None = None,
    paused: bool = False,
) -> ClockState | None:
    """Where one target stands: met, paused, on time, at risk or overdue (None without a target)."""
    if due is None:
        return None
    if done_at is not None:
        return ClockState.MET if done_at <= due else ClockState.OVERDUE
    if paused:
        return ClockState.PAUSED
    if now > due:
        return ClockState.OVERDUE
    window = (due - started).total_seconds()
    if window <= 0 or (due - now).total_seconds() < AT_RISK_SHARE * window:
        return ClockState.AT_RISK
    return ClockState.ON_TIME
