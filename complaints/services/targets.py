"""Response targets applied to cases: which target, which calendar, which due times."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from phonenumbers import region_code_for_number

from complaints.clock import BusinessCalendar, add_working_time
from complaints.models import (
    Category,
    Complaint,
    Customer,
    Holiday,
    HoursKind,
    OpeningHours,
    ResponseTarget,
    Severity,
)
from portal.matching import most_specific


def target_for(*, severity: Severity, category: Category | None) -> ResponseTarget | None:
    """The category's own target for this severity if there is one, else the severity's general one
    (the portal's one "most specific wins" rule, `portal.matching`)."""
    scope = Q(category__isnull=True) if category is None else Q(category=category) | Q(category__isnull=True)
    return most_specific(
        ResponseTarget.objects.filter(scope, severity=severity), criteria=lambda t: (t.category_id,)
    )


# Opening hours and upcoming holidays in one round trip: intake runs this on every business-hours case.
_CALENDAR_SQL = (
    "SELECT weekday, opens, closes, CAST(NULL AS date) FROM {hours} "
    "UNION ALL SELECT NULL, NULL, NULL, date FROM {holidays} WHERE date >= %s AND region IN ('', %s)"
)


def _as_time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)  # SQLite returns text


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def business_calendar(*, since: datetime | None = None) -> BusinessCalendar:
    """Opening hours and holidays from admin, in the portal's time zone."""
    since = since or timezone.now()
    tz = timezone.get_default_timezone()
    hours: dict[int, list[tuple[time, time]]] = {}
    holidays: set[date] = set()
    sql = _CALENDAR_SQL.format(
        hours=connection.ops.quote_name(OpeningHours._meta.db_table),
        holidays=connection.ops.quote_name(Holiday._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since.astimezone(tz).date(), settings.PHONENUMBER_DEFAULT_REGION.upper()])
        for weekday, opens, closes, holiday in cursor.fetchall():
            if holiday is not None:
                holidays.add(_as_date(holiday))
            else:
                hours.setdefault(weekday, []).append((_as_time(opens), _as_time(closes)))
    return BusinessCalendar(
        tz=tz if isinstance(tz, ZoneInfo) else ZoneInfo(str(tz)),
        hours={day: tuple(sorted(spans)) for day, spans in hours.items()},
        holidays=frozenset(holidays),
    )


def region_of(customer: Customer) -> str:
    """The customer's region for holidays: their phone number's country, else the portal's
    default region (PHONENUMBER_DEFAULT_REGION)."""
    number = customer.phone
    region = region_code_for_number(number) if number and number.is_valid() else None
    return (region or settings.PHONENUMBER_DEFAULT_REGION or "").upper()


def holidays_for(region: str, *, since: date | None = None) -> frozenset[date]:
    """The holidays of `region` (and those of every region) from `since` on."""
    since = since or timezone.localdate()
    return frozenset(
        Holiday.objects.filter(Q(region="") | Q(region=region.upper()), date__gte=since).values_list(
            "date", flat=True
        )
    )


def calendar_for(kind: str, *, since: datetime | None = None) -> BusinessCalendar | None:
    """None means calendar hours: time counts around the clock."""
    return business_calendar(since=since) if kind == HoursKind.BUSINESS else None


def apply_response_target(complaint: Complaint) -> ResponseTarget | None:
    """Set the unsaved case's due times from its target, counted from when the customer complained."""
    target = target_for(severity=complaint.severity, category=complaint.category)
    if target is None:
        complaint.clock_hours_kind = ""
        complaint.first_response_due_at = complaint.resolution_due_at = None
        return None
    calendar = calendar_for(target.hours_kind, since=complaint.received_at)
    complaint.clock_hours_kind = target.hours_kind
    complaint.first_response_due_at = add_working_time(complaint.received_at, target.first_response, calendar)
    complaint.resolution_due_at = add_working_time(complaint.received_at, target.resolution, calendar)
    return target


def restart_resolution_clock(complaint: Complaint, *, since: datetime) -> None:
    """A reopened case gets a fresh resolution target counted from the reopening (unsaved)."""
    target = target_for(severity=complaint.severity, category=complaint.category)
    if target is None:
        return
    calendar = calendar_for(target.hours_kind, since=since)
    complaint.clock_hours_kind = target.hours_kind
    complaint.resolution_due_at = add_working_time(since, target.resolution, calendar)
