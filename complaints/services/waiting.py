"""Waiting on the customer: the case's clock stops, and starts again when they answer."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.access import ensure_may_work_on
from complaints.clock import shift_for_pause
from complaints.errors import ComplaintError
from complaints.models import Complaint, EventKind
from complaints.services.targets import calendar_for
from complaints.services.timeline import record_event


@transaction.atomic
def start_waiting_on_customer(
    *, complaint: Complaint, actor: User | None, note: str = "", now: datetime | None = None
) -> Complaint:
    now = now or timezone.now()
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if actor is not None:
        ensure_may_work_on(actor, locked)
    if not locked.is_open:
        raise ComplaintError("A finished case does not wait on the customer.")
    if locked.awaiting_customer_since is not None:
        raise ComplaintError("The case is already waiting on the customer.")
    locked.awaiting_customer_since = now
    locked.save(update_fields=["awaiting_customer_since", "updated_at"])
    record_event(complaint=locked, kind=EventKind.WAITING, actor=actor, note=note, data={"waiting": True})
    complaint.awaiting_customer_since = now
    return complaint


@transaction.atomic
def stop_waiting_on_customer(
    *,
    complaint: Complaint,
    actor: User | None,
    actor_label: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """The customer answered (or the agent stops waiting): due times move later by the time paused,
    counted the way the case's target counts (calendar or business hours)."""
    now = now or timezone.now()
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if actor is not None:  # None: the customer answered
        ensure_may_work_on(actor, locked)
    since = locked.awaiting_customer_since
    if since is None:
        raise ComplaintError("The case is not waiting on the customer.")
    calendar = calendar_for(locked.clock_hours_kind, since=since)
    if locked.first_responded_at is None:
        locked.first_response_due_at = shift_for_pause(locked.first_response_due_at, since, now, calendar)
    locked.resolution_due_at = shift_for_pause(locked.resolution_due_at, since, now, calendar)
    locked.awaiting_customer_since = None
    locked.save(
        update_fields=["awaiting_customer_since", "first_response_due_at", "resolution_due_at", "updated_at"]
    )
    record_event(
        complaint=locked,
        kind=EventKind.WAITING,
        actor=actor,
        actor_label=actor_label,
        note=note,
        data={"waiting": False, "paused_seconds": int((now - since).total_seconds())},
    )
    for field in ("awaiting_customer_since", "first_response_due_at", "resolution_due_at"):
        setattr(complaint, field, getattr(locked, field))
    return complaint
