"""Emails of the customer side: the acknowledgement with the status link, and the owner's notice."""

from django.urls import reverse

from complaints.models import Complaint, EventKind
from complaints.public.links import status_max_age, status_url
from complaints.services.timeline import record_event
from portal.emails import absolute_url, make_message

ACKNOWLEDGEMENT = "acknowledgement"


def send_acknowledgement_email(*, complaint_id: int) -> bool:
    """Send the acknowledgement once; a redelivered task finds it recorded and sends nothing."""
    complaint = Complaint.objects.select_related("customer", "category").get(pk=complaint_id)
    if not complaint.customer.email:
        return False
    already = complaint.events.filter(kind=EventKind.EMAIL_SENT, data__template=ACKNOWLEDGEMENT)
    if already.exists():
        return False
    message = make_message(
        template="complaints/public/email/acknowledgement",
        context={
            "complaint": complaint,
            "customer": complaint.customer,
            "status_url": status_url(complaint),
            "link_days": status_max_age() // 86400,
        },
        to=[complaint.customer.email],
    )
    sent = message.send() == 1
    if sent:
        record_event(
            complaint=complaint,
            kind=EventKind.EMAIL_SENT,
            actor_label="System",
            note=str(message.subject),
            data={"template": ACKNOWLEDGEMENT, "to": complaint.customer.email},
        )
    return sent


def send_owner_customer_added_email(*, complaint_id: int) -> bool:
    complaint = Complaint.objects.select_related("owner").get(pk=complaint_id)
    if complaint.owner is None or not complaint.owner.email:
        return False
    message = make_message(
        template="complaints/public/email/owner_customer_added",
        context={
            "complaint": complaint,
            "case_url": absolute_url(reverse("complaints:detail", args=[complaint.reference])),
        },
        to=[complaint.owner.email],
    )
    return message.send() == 1
