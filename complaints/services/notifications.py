"""Emails to staff about their cases."""

from django.urls import reverse

from complaints.models import Complaint, EventKind
from portal.emails import absolute_url, make_message


def send_owner_reopened_email(*, complaint_id: int) -> bool:
    complaint = Complaint.objects.select_related("owner", "customer").get(pk=complaint_id)
    if complaint.owner is None or not complaint.owner.email:
        return False
    reason = (
        complaint.events.filter(kind=EventKind.STATUS_CHANGED, to_status="reopened")
        .order_by("-created_at")
        .values_list("note", flat=True)
        .first()
    )
    message = make_message(
        template="complaints/email/owner_reopened",
        context={
            "complaint": complaint,
            "reason": reason or "",
            "case_url": absolute_url(reverse("complaints:detail", args=[complaint.reference])),
        },
        to=[complaint.owner.email],
    )
    return message.send() == 1
