"""Demo follow-ups for `make run`: resolved demo cases get their schedule, some already played out
(sent, one answered, one failed, one call due now), so every follow-up page has something to show."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, EventKind, Status
from complaints.services.timeline import record_event
from followups.models import FollowUp, FollowUpChannel, FollowUpStep, State
from followups.services import schedule_followups


@transaction.atomic
def seed_demo_followups() -> int:
    """Schedule follow-ups for the resolved demo cases and age a few; return how many rows exist."""
    now = timezone.now()
    resolved = list(
        Complaint.objects.filter(status=Status.RESOLVED, followups__isnull=True)
        .select_related("customer", "owner")
        .order_by("received_at")
    )
    for complaint in resolved:
        # Demo customers get a phone number so the call steps are real calls, not skipped ones.
        if not complaint.customer.phone:
            complaint.customer.phone = "+12025550100"
            complaint.customer.save(update_fields=["phone"])
        schedule_followups(complaint=complaint, now=complaint.resolved_at)
    emails = list(
        FollowUp.objects.filter(complaint__in=resolved, channel=FollowUpChannel.EMAIL, state=State.SCHEDULED)
        .select_related("complaint", "customer")
        .order_by("id")
    )
    for index, followup in enumerate(emails[:4]):
        sent_at = now - timedelta(days=2, hours=index)
        followup.state, followup.sent_at, followup.last_attempt_at = State.SENT, sent_at, sent_at
        followup.due_at, followup.attempts = sent_at, 1
        followup.save()
        record_event(complaint=followup.complaint, kind=EventKind.FOLLOWUP, note="Follow-up email sent.")
    if emails:
        answered = emails[0]
        answered.state, answered.answered_at = State.ANSWERED, now - timedelta(days=1)
        answered.first_answered_at = answered.answered_at
        answered.answer_resolved, answered.answer_satisfaction = True, 4
        answered.answer_comment = "Thanks, the refund arrived and the staff were kind."
        answered.save()
        record_event(
            complaint=answered.complaint,
            kind=EventKind.SURVEY,
            actor_label="Customer (survey)",
            note=f"Resolved, satisfaction 4/5.\n{answered.answer_comment}",
        )
    if len(emails) > 4:
        failed = emails[4]
        failed.state, failed.failed_at, failed.attempts = State.FAILED, now - timedelta(hours=3), 1
        failed.due_at = failed.failed_at
        failed.last_error = "SMTPRecipientsRefused: 550 5.1.1 No such user here"
        failed.save()
        record_event(
            complaint=failed.complaint,
            kind=EventKind.FOLLOWUP,
            note=f"Follow-up email failed: {failed.last_error}",
        )
    call = (
        FollowUp.objects.filter(complaint__in=resolved, channel=FollowUpChannel.CALL, state=State.SCHEDULED)
        .order_by("id")
        .first()
    )
    if call is None and len(resolved) > 1:
        # The demo's resolved cases may all be low severity: give one a call from a calling policy.
        step = FollowUpStep.objects.filter(channel=FollowUpChannel.CALL, policy__is_active=True).first()
        if step is not None:
            case = resolved[1]
            call = FollowUp.objects.create(
                complaint=case,
                customer=case.customer,
                step=step,
                resolved_at=case.resolved_at or now,
                channel=FollowUpChannel.CALL,
                due_at=now,
            )
    if call is not None:
        call.due_at = now - timedelta(hours=1)
        call.save(update_fields=["due_at", "updated_at"])
    return FollowUp.objects.count()
