"""Staff actions on single follow-ups: retry a failure, cancel a pending one."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.models import EventKind
from complaints.services.timeline import record_event
from followups import timing
from followups.errors import FollowUpError
from followups.models import Channel, FollowUp, State
from followups.models.followups import PENDING_STATES
from followups.services.scheduling import FOLLOW_UP_STATUSES, customer_zone


@transaction.atomic
def retry_followup(*, followup: FollowUp, actor: User | None, now: datetime | None = None) -> FollowUp:
    """Put a failed follow-up back on the schedule, at the next allowed time from now."""
    now = now or timezone.now()
    row = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("complaint", "customer", "step")
        .get(pk=followup.pk)
    )
    if row.state != State.FAILED:
        raise FollowUpError(
            f"Only failed follow-ups can be retried; this one is {row.get_state_display().lower()}."
        )
    if row.complaint.status not in FOLLOW_UP_STATUSES:
        raise FollowUpError(f"{row.complaint.reference} is no longer resolved; it is not followed up.")
    if not row.customer.followups_allowed:
        raise FollowUpError("The customer unsubscribed from follow-ups.")
    if row.channel == Channel.EMAIL and not row.customer.email:
        raise FollowUpError("The customer has no email address: add one first.")
    row.state = State.SCHEDULED
    row.due_at = timing.next_allowed(now, tz=customer_zone(row.complaint), window=row.step.window)
    row.attempts = 0
    row.failed_at = None
    row.claim_token = None
    row.lease_expires_at = None
    row.save()
    record_event(
        complaint=row.complaint,
        kind=EventKind.FOLLOWUP,
        actor=actor,
        note=f"Failed follow-up retried (last error: {row.last_error or 'none'}).",
        data={"followup": row.pk},
    )
    return row


@transaction.atomic
def cancel_followup(
    *, followup: FollowUp, actor: User | None, reason: str, now: datetime | None = None
) -> FollowUp:
    now = now or timezone.now()
    row = FollowUp.objects.select_for_update(of=("self",)).select_related("complaint").get(pk=followup.pk)
    if row.state not in PENDING_STATES:
        raise FollowUpError(
            f"Only pending follow-ups can be cancelled; this one is {row.get_state_display().lower()}."
        )
    row.state = State.CANCELLED
    row.note = reason[:300]
    row.finished_at = now
    row.claim_token = None
    row.lease_expires_at = None
    row.save()
    record_event(
        complaint=row.complaint,
        kind=EventKind.FOLLOWUP,
        actor=actor,
        note=f"Follow-up cancelled: {reason}",
        data={"followup": row.pk},
    )
    return row
