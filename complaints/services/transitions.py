"""Status changes: the only way a case's status moves, each one a timeline entry."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.access import ensure_may_work_on, ensure_staff
from complaints.errors import TransitionNotAllowed
from complaints.models import Complaint, EventKind, Status
from complaints.services.locking import refresh_from
from complaints.services.timeline import record_event
from complaints.signals import case_reopened, case_withdrawn
from complaints.states import refusal_reason


def _stamp(complaint: Complaint, to_status: str, now: datetime) -> list[str]:
    """Set the timestamps a status implies; return the fields changed."""
    fields = ["status"]
    if to_status != Status.NEW and complaint.first_responded_at is None:
        complaint.first_responded_at = now
        fields.append("first_responded_at")
    if to_status == Status.RESOLVED:
        complaint.resolved_at = now
        fields.append("resolved_at")
    elif to_status == Status.CLOSED:
        complaint.closed_at = now
        fields.append("closed_at")
    elif to_status == Status.REOPENED:
        complaint.reopened_at = now
        complaint.closed_at = None
        fields += ["reopened_at", "closed_at"]
    if to_status in (Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN) and (
        complaint.awaiting_customer_since is not None
    ):
        complaint.awaiting_customer_since = None
        fields.append("awaiting_customer_since")
    return fields


@transaction.atomic
def change_status(
    *,
    complaint: Complaint,
    to_status: Status | str,
    actor: User | None,
    note: str = "",
    actor_label: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Move a case to `to_status` if the workflow allows it and `actor` may, or raise with the
    reason. `actor=None` is the customer or the system (named by `actor_label`)."""
    now = now or timezone.now()
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if actor is not None:
        # Anyone on the team may reopen a finished case (the customer may call anyone back);
        # every other move is work on the case, for its owner or a supervisor.
        if to_status == Status.REOPENED:
            ensure_staff(actor)
        else:
            ensure_may_work_on(actor, locked)
    reason = refusal_reason(locked.status, to_status)
    if reason:
        raise TransitionNotAllowed(reason)
    from_status = locked.status
    locked.status = to_status
    fields = _stamp(locked, to_status, now)
    locked.save(update_fields=[*fields, "updated_at"])
    record_event(
        complaint=locked,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        actor_label=actor_label,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )
    if to_status in (Status.REOPENED, Status.WITHDRAWN):
        signal = case_reopened if to_status == Status.REOPENED else case_withdrawn
        signal.send(
            sender=Complaint, complaint=locked, reason=f"Case {Status(to_status).label.lower()}", now=now
        )
    refresh_from(complaint, locked)
    return complaint
