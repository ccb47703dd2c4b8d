from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.errors import ComplaintError
from complaints.models import Complaint, Status
from complaints.services.notifications import queue_owner_reopened_email
from complaints.services.targets import restart_resolution_clock
from complaints.services.transitions import change_status


@transaction.atomic
def reopen_complaint(
    *,
    complaint: Complaint,
    reason: str,
    actor: User | None = None,
    actor_label: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Reopen a resolved or closed case: pending follow-ups stop, compensation records stay, and
    the owner is told by email; the resolution clock starts again from now. A case whose
    owner has left goes back to the unowned queue."""
    if not reason.strip():
        raise ComplaintError("A reason is required to reopen a case.")
    now = now or timezone.now()
    change_status(
        complaint=complaint,
        to_status=Status.REOPENED,
        actor=actor,
        actor_label=actor_label,
        note=reason,
        now=now,
    )
    restart_resolution_clock(complaint, since=now)
    fields = ["clock_hours_kind", "resolution_due_at", "updated_at"]
    owner = complaint.owner
    if owner is not None and not owner.is_active:
        complaint.owner = None
        fields.append("owner")
    complaint.save(update_fields=fields)
    queue_owner_reopened_email(complaint=complaint, reason=reason, now=now)
    return complaint
