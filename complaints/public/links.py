"""Signed, expiring links to a case's status page; the only way a customer reaches a case."""

from django.conf import settings
from django.urls import reverse

from complaints.models import Complaint
from portal.emails import absolute_url
from portal.signing import LinkError, make_link_token, read_link_token

STATUS_PURPOSE = "complaint-status"
RECEIVED_PURPOSE = "complaint-received"
RECEIVED_MAX_AGE = 60 * 60  # the confirmation page is for the person who just submitted


def status_max_age() -> int:
    return settings.PUBLIC_STATUS_LINK_MAX_AGE_DAYS * 24 * 60 * 60


def status_path(complaint: Complaint) -> str:
    token = make_link_token(purpose=STATUS_PURPOSE, value=complaint.reference)
    return reverse("complaints:public:status", args=[complaint.reference, token])


def status_url(complaint: Complaint) -> str:
    return absolute_url(status_path(complaint))


def complaint_for_status_link(*, reference: str, token: str) -> Complaint:
    """The case a status link opens, or LinkError saying why it does not open any."""
    signed_reference = read_link_token(purpose=STATUS_PURPOSE, token=token, max_age=status_max_age())
    if signed_reference != reference:
        raise LinkError("This link belongs to a different complaint, so we cannot show it here.")
    complaint = (
        Complaint.objects.select_related("category", "owner", "customer").filter(reference=reference).first()
    )
    if complaint is None:
        raise LinkError("We cannot find this complaint any more.")
    return complaint


def received_path(complaint: Complaint) -> str:
    token = make_link_token(purpose=RECEIVED_PURPOSE, value=complaint.reference)
    return reverse("complaints:public:received", args=[token])


def reference_from_received_token(token: str) -> str:
    return read_link_token(purpose=RECEIVED_PURPOSE, token=token, max_age=RECEIVED_MAX_AGE)
