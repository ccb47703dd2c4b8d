"""The customer side's email: the acknowledgement with the signed status link."""

from complaints.models import Complaint
from complaints.public.links import status_max_age, status_url
from outbox.models import Audience
from outbox.services import queue_email


def queue_acknowledgement(*, complaint: Complaint) -> None:
    """Written with the complaint: it exists if and only if the complaint does, and once."""
    queue_email(
        key=f"acknowledgement:{complaint.pk}",
        to=complaint.customer.email,
        template="complaints/public/email/acknowledgement",
        context={
            "complaint": complaint,
            "customer": complaint.customer,
            "status_url": status_url(complaint),
            "link_days": status_max_age() // 86400,
        },
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.CUSTOMER,
    )
