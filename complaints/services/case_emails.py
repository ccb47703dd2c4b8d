"""Emails to the customer from canned responses: rendered and recorded in the request, sent by Celery.

The send is recorded before and after it happens (CaseEmail state and the timeline), so a failure
is visible on the case and retried, never swallowed.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from complaints.canned import canned_context, render_canned
from complaints.errors import ComplaintError
from complaints.models import CannedResponse, CaseEmail, Complaint, EventKind
from complaints.public.links import status_url
from complaints.services.case_work import mark_first_response
from complaints.services.timeline import record_event
from complaints.services.waiting import start_waiting_on_customer

MAX_ATTEMPTS = 5


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
) -> CaseEmail:
    """Render the canned response for this case, record it, and send it after commit."""
    now = now or timezone.now()
    if not complaint.customer.email:
        raise ComplaintError("The customer has no email address: call them or add one first.")
    subject, body = render_canned_response(canned=canned, complaint=complaint, agent=actor, message=message)
    email = CaseEmail.objects.create(
        complaint=complaint,
        canned_response=canned,
        sent_by=actor,
        to_address=complaint.customer.email,
        subject=subject[:300],
        body=body,
    )
    mark_first_response(complaint, now)
    if canned.waits_on_customer and complaint.awaiting_customer_since is None and complaint.is_open:
        start_waiting_on_customer(
            complaint=complaint, actor=actor, note=f"Asked by email: {subject}", now=now
        )
    from complaints.tasks import deliver_case_email_task

    # Robust: if the broker is down the email stays queued (and the agent's action stands); the
    # sweeper (`complaints.services.mail_recovery`) queues it again a few minutes later.
    transaction.on_commit(lambda: deliver_case_email_task.delay(email.pk), robust=True)
    return email


class DeliveryFailed(Exception):
    """A send attempt failed and will be retried."""


def deliver_case_email(*, email_id: int, final_attempt: bool = False) -> CaseEmail:
    """Send one queued email; record the outcome on the email and the case's timeline.

    The email is claimed before it is sent: a conditional UPDATE moves it from queued to sending,
    and only the task whose UPDATE changed the row sends. A redelivered task, or a second one
    queued by the sweeper, finds it sending or sent and does nothing, so the customer never gets
    it twice. Raises `DeliveryFailed` after recording a failure that should be retried (the email
    goes back to queued).
    """
    claimed = CaseEmail.objects.filter(pk=email_id, state=CaseEmail.State.QUEUED).update(
        state=CaseEmail.State.SENDING, handled_at=timezone.now()
    )
    email = CaseEmail.objects.select_related("complaint").get(pk=email_id)
    if not claimed:
        return email
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers={"X-Redress-Reference": email.complaint.reference},
    )
    try:
        message.send()
    except Exception as error:  # any transport error: SMTP, socket, DNS
        return _record_failure(email, error, final_attempt=final_attempt)
    with transaction.atomic():
        CaseEmail.objects.filter(pk=email.pk).update(
            state=CaseEmail.State.SENT, sent_at=timezone.now(), attempts=email.attempts + 1, last_error=""
        )
        record_event(
            complaint=email.complaint,
            kind=EventKind.EMAIL_SENT,
            actor=email.sent_by,
            note=email.subject,
            data={"email_id": email.pk, "to": email.to_address},
        )
    email.refresh_from_db()
    return email


def _record_failure(email: CaseEmail, error: Exception, *, final_attempt: bool) -> CaseEmail:
    attempts = email.attempts + 1
    give_up = final_attempt or attempts >= MAX_ATTEMPTS
    reason = f"{type(error).__name__}: {error}"[:2_000]
    with transaction.atomic():
        CaseEmail.objects.filter(pk=email.pk).update(
            attempts=attempts,
            last_error=reason,
            handled_at=timezone.now(),
            state=CaseEmail.State.FAILED if give_up else CaseEmail.State.QUEUED,
        )
        record_event(
            complaint=email.complaint,
            kind=EventKind.EMAIL_FAILED,
            actor_label="Mail delivery",
            note=f"{email.subject}: attempt {attempts} failed ({reason}). "
            + ("Giving up: send it again or call the customer." if give_up else "Retrying."),
            data={"email_id": email.pk, "attempt": attempts, "final": give_up},
        )
    email.refresh_from_db()
    if not give_up:
        raise DeliveryFailed(reason)
    return email
