"""Response targets applied to cases: which target, which calendar, which due times."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import F, Q
from django.utils import timezone

from complaints.clock import BusinessCalendar, add_working_time
from complaints.models import Category, Complaint, Holiday, HoursKind, OpeningHours, ResponseTarget, Severity


def target_for(*, severity: Severity, category: Category | None) -> ResponseTarget | None:
    """The category's own target for this severity if there is one, else the severity's general one."""
    scope = Q(category__isnull=True) if category is None else Q(category=category) | Q(category__isnull=True)
    return (
        ResponseTarget.objects.filter(scope, severity=severity)
        .order_by(F("category_id").asc(nulls_last=True))
        .first()
    )


def business_calendar(*, since: datetime | None = None) -> BusinessCalendar:
    """Opening hours and holidays from admin, in the portal's time zone."""
    since = since or timezone.now()
    tz = timezone.get_default_timezone()
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in OpeningHours.objects.values_list("weekday", "opens", "closes"):
        hours.setdefault(weekday, []).append((opens, closes))
    holidays = Holiday.objects.filter(date__gte=since.astimezone(tz).date()).values_list("date", flat=True)
    return BusinessCalendar(
        tz=tz if isinstance(tz, ZoneInfo) else ZoneInfo(str(tz)),
        hours={day: tuple(sorted(spans)) for day, spans in hours.items()},
        holidays=frozenset(holidays),
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
