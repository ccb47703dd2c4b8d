"""Work recorded on a case's timeline: internal notes and logged calls."""

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone

from complaints.access import ensure_staff
from complaints.errors import ComplaintError
from complaints.models import Complaint, EventKind, TimelineEvent
from complaints.services.timeline import record_event


class CallDirection(models.TextChoices):
    INBOUND = "inbound", "Customer called us"
    OUTBOUND = "outbound", "We called the customer"


class CallOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke with the customer"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"


def mark_first_response(complaint: Complaint, now: datetime) -> None:
    """Reaching the customer is a first response; the first one stops that clock."""
    if complaint.first_responded_at is None:
        Complaint.objects.filter(pk=complaint.pk, first_responded_at__isnull=True).update(
            first_responded_at=now, updated_at=now
        )
        complaint.first_responded_at = now


@transaction.atomic
def add_note(*, complaint: Complaint, actor: User, text: str) -> TimelineEvent:
    """An internal note: staff only, never shown to the customer."""
    ensure_staff(actor)
    if not text.strip():
        raise ComplaintError("A note needs some text.")
    return record_event(complaint=complaint, kind=EventKind.NOTE, actor=actor, note=text.strip())


@transaction.atomic
def log_call(
    *,
    complaint: Complaint,
    actor: User,
    direction: CallDirection | str,
    duration: timedelta,
    outcome: CallOutcome | str,
    note: str = "",
    now: datetime | None = None,
) -> TimelineEvent:
    now = now or timezone.now()
    ensure_staff(actor)
    if duration < timedelta(0):
        raise ComplaintError("A call cannot last less than nothing.")
    if outcome == CallOutcome.SPOKE:
        mark_first_response(complaint, now)
    return record_event(
        complaint=complaint,
        kind=EventKind.CALL,
        actor=actor,
        note=note.strip(),
        data={
            "direction": str(direction),
            "duration_seconds": int(duration.total_seconds()),
            "outcome": str(outcome),
        },
    )
