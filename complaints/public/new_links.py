"""A fresh status link for a customer whose link expired or was lost.

The customer types their reference and email. When both match a case we hold, a new status link
is emailed to the address on file (never to the address typed, though they match); the page
answers the same either way, so it tells nobody whether a reference exists or whose it is. At
most one such email per case per `NEW_LINK_EMAIL_INTERVAL`, whatever is submitted.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from complaints.models import Complaint, EventKind
from complaints.public.links import status_max_age, status_url
from complaints.services.timeline import record_event

NEW_LINK_TEMPLATE = "complaints/public/email/new_status_link"
NEW_LINK_EMAIL_INTERVAL = timedelta(hours=1)


def normalise_reference(reference: str) -> str:
    return "".join(reference.split()).upper()


def _matching_case(*, reference: str, email: str) -> Complaint | None:
    complaint = (
        Complaint.objects.select_related("customer")
        .filter(reference=normalise_reference(reference)[:30])
        .first()
    )
    if complaint is None:
        return None
    on_file = (complaint.customer.email or "").strip()
    if not on_file or on_file.casefold() != email.strip().casefold():
        return None
    return complaint


def new_link_key(complaint: Complaint, now: datetime) -> str:
    slot = int(now.timestamp() // NEW_LINK_EMAIL_INTERVAL.total_seconds())
    return f"status-link:{complaint.pk}:{slot}"


@transaction.atomic
def request_status_link(*, reference: str, email: str, now: datetime | None = None) -> bool:
    """Email a fresh status link if `reference` and `email` match a case; return whether one was
    queued. Callers must not show the result to the person asking."""
    now = now or timezone.now()
    complaint = _matching_case(reference=reference, email=email)
    if complaint is None:
        return False
    return _queue_link_email(complaint=complaint, now=now)


def link_email_context(complaint: Complaint) -> dict[str, object]:
    return {
        "customer_name": complaint.customer.name,
        "reference": complaint.reference,
        "status_url": status_url(complaint),
        "link_days": status_max_age() // 86400,
    }


def _queue_link_email(*, complaint: Complaint, now: datetime) -> bool:
    """Until the outbox sends it, the owner (or the team) is asked on the case's timeline to send
    the link with a canned response (`{{ status_link }}`); once per interval, like the email."""
    note = (
        "The customer asked for a new link to follow this case (theirs expired or was lost). "
        "Send it with a canned response that contains {{ status_link }}."
    )
    since = now - NEW_LINK_EMAIL_INTERVAL
    if complaint.events.filter(kind=EventKind.NOTE, note=note, created_at__gte=since).exists():
        return False
    record_event(complaint=complaint, kind=EventKind.NOTE, actor_label="Customer", note=note)
    return True
