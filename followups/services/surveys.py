"""The customer's side: answering the satisfaction check and unsubscribing."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, Customer, EventKind
from complaints.services.reopening import reopen_complaint
from complaints.services.timeline import record_event
from followups import conf
from followups.errors import FollowUpError
from followups.models import FollowUp, State
from followups.models.followups import PENDING_STATES
from followups.services.scheduling import FOLLOW_UP_STATUSES, stop_followups
from outbox.models import State as MessageState

CUSTOMER_SURVEY = "Customer (survey)"


def amend_deadline(followup: FollowUp) -> datetime | None:
    if followup.first_answered_at is None:
        return None
    return followup.first_answered_at + conf.survey_amend_window()


def can_answer(followup: FollowUp, now: datetime) -> bool:
    # An uncertain survey may be in the customer's inbox: its link must work like a sent one's.
    if followup.state in (State.SENT, State.UNCERTAIN):
        return True
    if followup.state == State.QUEUED and followup.message_id is not None:
        # Sent a moment ago: the row hears of it within seconds, the customer may be quicker.
        return followup.message.state in (MessageState.SENT, MessageState.UNCERTAIN)  # type: ignore[union-attr,operator]
    deadline = amend_deadline(followup)
    return followup.state == State.ANSWERED and deadline is not None and now <= deadline


def skip_fallbacks(followup: FollowUp, now: datetime) -> int:
    return stop_followups(
        FollowUp.objects.filter(parent=followup), state=State.SKIPPED, note="Customer answered", now=now
    )


@transaction.atomic
def record_survey_answer(
    *,
    followup: FollowUp,
    resolved: bool,
    satisfaction: int,
    comment: str = "",
    now: datetime | None = None,
) -> FollowUp:
    """Record (or amend, for a while) the customer's answer; "not resolved" reopens the case."""
    now = now or timezone.now()
    row = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("complaint", "message")
        .get(pk=followup.pk)
    )
    if not can_answer(row, now):
        if row.state == State.ANSWERED:
            raise FollowUpError("Your answer is recorded and can no longer be changed. Thank you.")
        raise FollowUpError("This check is no longer open.")
    if not 1 <= satisfaction <= 5:
        raise FollowUpError("Choose a satisfaction from 1 to 5.")
    amended = row.state == State.ANSWERED
    previously_resolved = row.answer_resolved
    row.state = State.ANSWERED
    row.answer_resolved = resolved
    row.answer_satisfaction = satisfaction
    row.answer_comment = comment.strip()
    row.answered_at = now
    row.first_answered_at = row.first_answered_at or now
    row.save()
    skip_fallbacks(row, now)
    record_event(
        complaint=row.complaint,
        kind=EventKind.SURVEY,
        actor_label=CUSTOMER_SURVEY,
        note=(
            f"{'Amended: ' if amended else ''}{'Resolved' if resolved else 'Not resolved'}, "
            f"satisfaction {satisfaction}/5." + (f"\n{row.answer_comment}" if row.answer_comment else "")
        ),
        data={"followup": row.pk, "resolved": resolved, "satisfaction": satisfaction, "amended": amended},
    )
    reopen = not resolved and previously_resolved is not False
    if reopen and row.complaint.status in FOLLOW_UP_STATUSES:
        reason = "The customer answered the follow-up: not resolved."
        if row.answer_comment:
            reason += f" “{row.answer_comment}”"
        reopen_complaint(complaint=row.complaint, reason=reason, actor_label=CUSTOMER_SURVEY, now=now)
    followup.refresh_from_db()
    return row


@transaction.atomic
def unsubscribe_customer(
    *, customer: Customer, complaint: Complaint | None = None, now: datetime | None = None
) -> int:
    """Stop every further follow-up for this customer; return how many pending ones were stopped."""
    now = now or timezone.now()
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.followups_opted_out_at is None:
        locked.followups_opted_out_at = now
        locked.save(update_fields=["followups_opted_out_at"])
    customer.followups_opted_out_at = locked.followups_opted_out_at
    pending = FollowUp.objects.filter(customer=locked, state__in=PENDING_STATES)
    complaint_ids = set(pending.values_list("complaint_id", flat=True))
    if complaint is not None:
        complaint_ids.add(complaint.pk)
    count = stop_followups(pending, state=State.SKIPPED, note="Customer unsubscribed", now=now)
    for case in Complaint.objects.filter(pk__in=complaint_ids):
        record_event(
            complaint=case,
            kind=EventKind.FOLLOWUP,
            actor_label="Customer",
            note="The customer unsubscribed from follow-ups.",
        )
    return count
