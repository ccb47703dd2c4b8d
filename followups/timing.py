"""Due-time arithmetic: pure functions, no database, no clock.

Times are stored in UTC; the customer's IANA zone gives the local calendar and wall clock.
"+3 days" means three calendar days later at the same local time (so a follow-up does not drift by
an hour across a DST change); business days skip Saturdays, Sundays and the holidays given (the
portal's one business calendar, `complaints.clock`). A local time that does not
exist (the spring gap) moves forward by the gap, as clocks do; an ambiguous one (the autumn fold)
means its first occurrence. The result is then moved into the allowed local hours and weekdays.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from complaints.clock import add_business_days

DAYS = "days"
BUSINESS_DAYS = "business_days"
ELAPSED_UNITS = {"hours": "hours", "minutes": "minutes", "seconds": "seconds"}


@dataclass(frozen=True)
class Window:
    """Allowed local hours [start_hour, end_hour) on the allowed ISO weekdays (1 = Monday)."""

    start_hour: int = 0
    end_hour: int = 24
    weekdays: frozenset[int] = frozenset(range(1, 8))

    def __post_init__(self) -> None:
        if not 0 <= self.start_hour < self.end_hour <= 24:
            raise ValueError("The allowed hours must be 0 <= start < end <= 24.")
        if not self.weekdays or not self.weekdays <= set(range(1, 8)):
            raise ValueError("At least one weekday (1 = Monday … 7 = Sunday) must be allowed.")


ALWAYS = Window()


def localize(day: date, wall: time, tz: tzinfo) -> datetime:
    """The instant the customer's clock shows `wall` on `day`, as an aware datetime in UTC.

    fold=0 picks the first of two ambiguous instants; for a non-existent time zoneinfo applies the
    offset in force before the gap, which lands the same distance past the gap, as clocks do.
    """
    naive = datetime.combine(day, wall.replace(tzinfo=None, fold=0))
    return naive.replace(tzinfo=tz).astimezone(UTC)


def shift(
    start: datetime, *, amount: int, unit: str, tz: tzinfo, holidays: frozenset[date] = frozenset()
) -> datetime:
    """`start` moved by the delay, in UTC. Day units keep the local wall-clock time."""
    if unit in ELAPSED_UNITS:
        return (start + timedelta(**{ELAPSED_UNITS[unit]: amount})).astimezone(UTC)
    local = start.astimezone(tz)
    if unit == DAYS:
        target = local.date() + timedelta(days=amount)
    elif unit == BUSINESS_DAYS:
        target = add_business_days(local.date(), amount, holidays)
    else:
        raise ValueError(f"Unknown delay unit {unit!r}.")
    return localize(target, local.time(), tz)


def is_allowed(moment: datetime, *, tz: tzinfo, window: Window) -> bool:
    local = moment.astimezone(tz)
    return local.isoweekday() in window.weekdays and window.start_hour <= local.hour < window.end_hour


def next_allowed(moment: datetime, *, tz: tzinfo, window: Window) -> datetime:
    """The first instant at or after `moment` inside the window, in UTC."""
    moment = moment.astimezone(UTC)
    if is_allowed(moment, tz=tz, window=window):
        return moment
    day = moment.astimezone(tz).date()
    # Eight days always reach an allowed weekday; a few more cover a window start lost in a gap.
    for offset in range(15):
        candidate_day = day + timedelta(days=offset)
        if candidate_day.isoweekday() not in window.weekdays:
            continue
        candidate = localize(candidate_day, time(window.start_hour), tz)
        if candidate >= moment and is_allowed(candidate, tz=tz, window=window):
            return candidate
    raise ValueError("No allowed time within two weeks; check the window.")  # pragma: no cover


def due_at(
    *,
    start: datetime,
    amount: int,
    unit: str,
    tz: tzinfo,
    window: Window = ALWAYS,
    holidays: frozenset[date] = frozenset(),
) -> datetime:
    """When a step falls due: the delay after `start`, moved into the customer's allowed hours."""
    return next_allowed(
        shift(start, amount=amount, unit=unit, tz=tz, holidays=holidays), tz=tz, window=window
    )
