"""Resolving a case writes its follow-up rows; reopening or withdrawing cancels the pending ones."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from complaints.models import Complaint, Customer, EventKind, Status
from complaints.services.targets import holidays_for, region_of
from complaints.services.timeline import record_event
from followups import timing
from followups.matching import choose_policy
from followups.models import FollowUp, FollowUpChannel, FollowUpPolicy, FollowUpStep, Purpose, State
from followups.models.followups import PENDING_STATES
from outbox.services import cancel_messages

# Cases in these states may be followed up: closed is resolved and filed.
FOLLOW_UP_STATUSES = (Status.RESOLVED, Status.CLOSED)


def customer_zone(complaint: Complaint) -> ZoneInfo:
    return zone_of(complaint.customer)


def zone_of(customer: Customer) -> ZoneInfo:
    zone = customer.time_zone
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


def step_due_at(
    *,
    step: FollowUpStep,
    start: datetime,
    tz: ZoneInfo,
    fallback: bool = False,
    holidays: frozenset[date] = frozenset(),
) -> datetime:
    if fallback:
        return timing.due_at(
            start=start,
            amount=step.fallback_delay,
            unit=step.fallback_unit,
            tz=tz,
            window=step.window,
            holidays=holidays,
        )
    return timing.due_at(
        start=start, amount=step.delay, unit=step.delay_unit, tz=tz, window=step.window, holidays=holidays
    )


def customer_holidays(
    customer: Customer, *, since: datetime, known: dict[str, frozenset[date]] | None = None
) -> frozenset[date]:
    """Business days of a customer's follow-ups skip the holidays of their region. `known` keeps
    each region's holidays across a batch: one query per region rather than per customer."""
    region = region_of(customer)
    if known is None:
        return holidays_for(region, since=since.date())
    if region not in known:
        known[region] = holidays_for(region, since=since.date())
    return known[region]


def _unreachable_reason(complaint: Complaint, channel: str) -> str:
    if channel == FollowUpChannel.EMAIL and not complaint.customer.email:
        return "The customer has no email address."
    if channel == FollowUpChannel.CALL and not complaint.customer.phone:
        return "The customer has no phone number."
    return ""


@transaction.atomic
def schedule_followups(*, complaint: Complaint, now: datetime | None = None) -> list[FollowUp]:
    """Write the resolved case's follow-up rows in the caller's transaction; return them.

    Called by the resolution service right after the case becomes resolved, so the rows exist if
    and only if the resolution committed. Calling it twice for one resolution returns the rows
    already written (the unique constraint would refuse duplicates anyway).
    """
    now = now or timezone.now()
    case = Complaint.objects.select_related("customer", "severity").get(pk=complaint.pk)
    if case.status != Status.RESOLVED:
        raise ValueError(f"{case.reference} is not resolved; only resolved cases are followed up.")
    resolved_at = case.resolved_at or now
    existing = list(FollowUp.objects.filter(complaint=case, resolved_at=resolved_at))
    if existing:
        return existing
    # Resolving again starts afresh: anything left from an earlier resolution stops here.
    cancel_pending_followups(complaint=case, reason="Superseded by a new resolution", now=now)
    if not case.customer.followups_allowed:
        record_event(
            complaint=case, kind=EventKind.FOLLOWUP, note="No follow-ups: the customer unsubscribed."
        )
        return []
    policies = FollowUpPolicy.objects.filter(is_active=True).select_related("min_severity")
    policy = choose_policy(
        policies,
        category_id=case.category_id,
        severity_rank=case.severity.rank,
        compensated=case.compensation_given,
    )
    if policy is None:
        return []
    tz = customer_zone(case)
    holidays = customer_holidays(case.customer, since=resolved_at)
    rows = []
    for step in policy.steps.order_by("order", "id"):
        reason = _unreachable_reason(case, step.channel)
        rows.append(
            FollowUp(
                complaint=case,
                customer=case.customer,
                step=step,
                resolved_at=resolved_at,
                purpose=Purpose.PRIMARY,
                channel=step.channel,
                due_at=step_due_at(step=step, start=resolved_at, tz=tz, holidays=holidays),
                state=State.SKIPPED if reason else State.SCHEDULED,
                note=reason,
                finished_at=now if reason else None,
            )
        )
    FollowUp.objects.bulk_create(rows)
    if rows:
        record_event(
            complaint=case,
            kind=EventKind.FOLLOWUP,
            note=f"Follow-ups scheduled ({policy.name}): " + "; ".join(describe(row, tz) for row in rows),
            data={"policy": policy.pk, "followups": [row.pk for row in rows]},
        )
    return rows


def stop_followups(queryset: QuerySet[FollowUp], *, state: State, note: str, now: datetime) -> int:
    """Cancel or skip the pending rows of `queryset`, and the outbox messages of those queued."""
    pending = queryset.filter(state__in=PENDING_STATES)
    message_ids = list(pending.filter(message__isnull=False).values_list("message_id", flat=True))
    count = pending.update(state=state, note=note[:300], finished_at=now, updated_at=now)
    cancel_messages(ids=message_ids, note=note, now=now)
    return count


def describe(row: FollowUp, tz: ZoneInfo) -> str:
    local = row.due_at.astimezone(tz)
    text = f"{row.get_channel_display()} on {local:%a %d %b %Y %H:%M} ({tz.key})"
    return f"{text}, skipped: {row.note}" if row.state == State.SKIPPED else text


def cancel_pending_followups(*, complaint: Complaint, reason: str, now: datetime | None = None) -> int:
    """Cancel the case's follow-ups that have not been sent; return how many were cancelled.

    A survey already being sent cannot be called back; everything before that stops here: its
    outbox message is cancelled, and the send task re-checks each row under lock anyway.
    """
    now = now or timezone.now()
    count = stop_followups(
        FollowUp.objects.filter(complaint=complaint), state=State.CANCELLED, note=reason, now=now
    )
    if count:
        record_event(
            complaint=complaint,
            kind=EventKind.FOLLOWUP,
            note=f"{count} pending follow-up(s) cancelled: {reason}",
        )
    return count
