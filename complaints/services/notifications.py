"""Emails to staff about their cases, written to the outbox with the change that causes them."""

import uuid
from datetime import datetime

from django.urls import reverse

from complaints.models import Complaint
from outbox.models import Audience
from outbox.services import queue_email
from portal.emails import absolute_url


def case_url(complaint: Complaint) -> str:
    return absolute_url(reverse("complaints:detail", args=[complaint.reference]))


def queue_owner_reopened_email(*, complaint: Complaint, reason: str, now: datetime) -> None:
    owner = complaint.owner
    if owner is None or not owner.is_active or not owner.email:
        return
    queue_email(
        key=f"case-reopened:{complaint.pk}:{now.isoformat()}",
        to=owner.email,
        template="complaints/email/owner_reopened",
        context={"complaint": complaint, "reason": reason, "case_url": case_url(complaint)},
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.STAFF,
        now=now,
    )


def queue_owner_customer_added_email(*, complaint: Complaint) -> None:
    owner = complaint.owner
    if owner is None or not owner.is_active or not owner.email:
        return
    queue_email(
        # One email per addition: each is news to the owner.
        key=f"customer-added:{complaint.pk}:{uuid.uuid4().hex}",
        to=owner.email,
        template="complaints/public/email/owner_customer_added",
        context={"complaint": complaint, "case_url": case_url(complaint)},
        reference=complaint.reference,
        case_id=complaint.pk,
        audience=Audience.STAFF,
    )
