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
from outbox.models import Audience
from outbox.services import queue_email

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
    """One email per case per interval: the key holds the interval, so asking again is a no-op."""
    message = queue_email(
        key=new_link_key(complaint, now),
        to=complaint.customer.email,
        template=NEW_LINK_TEMPLATE,
        context=link_email_context(complaint),
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.CUSTOMER,
        now=now,
    )
    if message is None:
        return False
    record_event(
        complaint=complaint,
        kind=EventKind.EMAIL_QUEUED,
        actor_label="Customer",
        note="The customer asked for a new link to follow this case; a fresh one is on its way.",
        data={"message": message.pk},
    )
    return True
