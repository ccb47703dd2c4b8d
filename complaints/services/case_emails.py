"""Emails to the customer written from canned responses: rendered in the request, written to the
outbox in the same transaction, sent by the outbox's workers (its state shows on the case page)."""

import uuid
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.template import Context, Template
from django.utils import timezone
from django.utils.formats import date_format

from complaints.errors import ComplaintError
from complaints.models import CannedResponse, Complaint, EventKind
from complaints.services.case_work import mark_first_response
from complaints.services.timeline import record_event
from complaints.services.waiting import start_waiting_on_customer
from outbox.models import Audience, Message
from outbox.services import queue_text_email


def _local(moment: datetime | None, complaint: Complaint) -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment, complaint.customer.time_zone), "j F Y, H:i")


def render_canned_response(
    *, canned: CannedResponse, complaint: Complaint, agent: User | None, message: str = ""
) -> tuple[str, str]:
    """Subject and plain-text body with the case's details. Plain text: nothing is HTML-escaped,
    and nothing in it can run in a mail client."""
    context = Context(
        {
            "complaint": complaint,
            "customer": complaint.customer,
            "agent": agent,
            "agent_name": (agent.get_full_name() or agent.get_username()) if agent else "Customer care",
            "message": message.strip(),
            "first_response_due": _local(complaint.first_response_due_at, complaint),
            "resolution_due": _local(complaint.resolution_due_at, complaint),
        },
        autoescape=False,
    )
    subject = " ".join(Template(canned.subject).render(context).split())
    body = Template(canned.body).render(context)
    return subject, body


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
