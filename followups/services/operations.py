"""Staff actions on single follow-ups: send a failed or uncertain one again, cancel a pending one."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.models import EventKind
from complaints.services.timeline import record_event
from followups import timing
from followups.errors import FollowUpError
from followups.models import FollowUp, FollowUpChannel, State
from followups.models.followups import PENDING_STATES
from followups.services.scheduling import FOLLOW_UP_STATUSES, customer_zone, stop_followups
from outbox.errors import OutboxError
from outbox.models import ATTENTION_STATES
from outbox.services import retry_message

RETRYABLE = (State.FAILED, State.UNCERTAIN)


@transaction.atomic
def retry_followup(
    *, followup: FollowUp, actor: User, confirmed: bool = False, now: datetime | None = None
) -> FollowUp:
    """Send a failed follow-up again. One that may have been delivered (uncertain) is sent again
    only when the person `confirmed` they checked with the customer; a sent one never is."""
    now = now or timezone.now()
    row = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("complaint", "customer", "step", "message")
        .get(pk=followup.pk)
    )
    if row.state == State.SENT:
        raise FollowUpError("This follow-up was delivered to the mail server: it is not sent twice.")
    if row.state not in RETRYABLE:
        state = row.get_state_display().lower()
        raise FollowUpError(f"Only failed or uncertain follow-ups can be sent again; this one is {state}.")
    if row.complaint.status not in FOLLOW_UP_STATUSES:
        raise FollowUpError(f"{row.complaint.reference} is no longer resolved; it is not followed up.")
    if not row.customer.followups_allowed:
        raise FollowUpError("The customer unsubscribed from follow-ups.")
    if row.channel == FollowUpChannel.EMAIL and not row.customer.email:
        raise FollowUpError("The customer has no email address: add one first.")
    was = row.get_state_display().lower()
    if row.message is not None and row.message.state in ATTENTION_STATES:
        try:
            retry_message(
                message=row.message, actor=actor, confirmed=confirmed, to=row.customer.email, now=now
            )
        except OutboxError as error:
            raise FollowUpError(str(error)) from None
    else:
        # Never handed to the outbox (it failed before, e.g. no address then): due again now.
        row.state = State.SCHEDULED
        row.due_at = timing.next_allowed(now, tz=customer_zone(row.complaint), window=row.step.window)
        row.failed_at = None
        row.save(update_fields=["state", "due_at", "failed_at", "updated_at"])
    record_event(
        complaint=row.complaint,
        kind=EventKind.FOLLOWUP,
        actor=actor,
        note=f"Follow-up ({was}) sent again (last error: {row.last_error or 'none'}).",
        data={"followup": row.pk, "confirmed": confirmed},
    )
    followup.refresh_from_db()
    return followup


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
    stop_followups(FollowUp.objects.filter(pk=row.pk), state=State.CANCELLED, note=reason, now=now)
    record_event(
        complaint=row.complaint,
        kind=EventKind.FOLLOWUP,
        actor=actor,
        note=f"Follow-up cancelled: {reason}",
        data={"followup": row.pk},
    )
    row.refresh_from_db()
    return row
