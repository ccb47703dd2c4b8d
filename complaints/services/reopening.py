from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from complaints.models import Complaint, Status
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
    the owner is told by email. A case whose owner has left goes back to the unowned queue."""
    if not reason.strip():
        raise ValueError("A reason is required to reopen a case.")
    change_status(
        complaint=complaint,
        to_status=Status.REOPENED,
        actor=actor,
        actor_label=actor_label,
        note=reason,
        now=now,
    )
    owner = complaint.owner
    if owner is not None and not owner.is_active:
        complaint.owner = None
        complaint.save(update_fields=["owner", "updated_at"])
    elif owner is not None and owner.email:
        from complaints.tasks import notify_owner_reopened

        transaction.on_commit(lambda: notify_owner_reopened.delay(complaint.pk))
    return complaint
