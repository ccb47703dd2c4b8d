"""Emails to the customer written from canned responses: rendered in the request, written to the
outbox in the same transaction, sent by the outbox's workers (its state shows on the case page)."""

import uuid
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.access import ensure_may_work_on
from complaints.canned import canned_context, render_canned
from complaints.errors import ComplaintError
from complaints.models import CannedResponse, Complaint, EventKind
from complaints.public.links import status_url
from complaints.services.case_work import mark_first_response
from complaints.services.timeline import record_event
from complaints.services.waiting import start_waiting_on_customer
from outbox.models import Audience, Message
from outbox.services import queue_text_email


def render_canned_response(
    *, canned: CannedResponse, complaint: Complaint, agent: User | None, message: str = ""
) -> tuple[str, str]:
    """Subject and plain-text body with the case's details, rendered in the sandbox of
    `complaints.canned` with plain values only."""
    context = canned_context(
        complaint=complaint, agent=agent, message=message, status_link=status_url(complaint)
    )
    rendered = render_canned(subject=canned.subject, body=canned.body, context=context)
    return rendered.subject, rendered.body


@transaction.atomic
def queue_case_email(
    *,
    complaint: Complaint,
    canned: CannedResponse,
    actor: User,
    message: str = "",
    now: datetime | None = None,
) -> Message:
    """Render the canned response for this case and write it to the outbox."""
    now = now or timezone.now()
    ensure_may_work_on(actor, complaint)
    if not complaint.customer.email:
        raise ComplaintError("The customer has no email address: call them or add one first.")
    subject, body = render_canned_response(canned=canned, complaint=complaint, agent=actor, message=message)
    email = queue_text_email(
        # Each press of Send is its own email; the form's single submit guards against doubles.
        key=f"case-email:{complaint.pk}:{uuid.uuid4().hex}",
        to=complaint.customer.email,
        subject=subject,
        text=body,
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.CUSTOMER,
        now=now,
    )
    if email is None:  # a fresh key is never taken; this guards against a changed key scheme
        raise ComplaintError("The email could not be written; please try again.")
    record_event(
        complaint=complaint,
        kind=EventKind.EMAIL_QUEUED,
        actor=actor,
        note=email.subject,
        data={"message": email.pk, "to": email.to, "canned_response": canned.pk},
    )
    mark_first_response(complaint, now)
    if canned.waits_on_customer and complaint.awaiting_customer_since is None and complaint.is_open:
        start_waiting_on_customer(
            complaint=complaint, actor=actor, note=f"Asked by email: {subject}", now=now
        )
    return email
