"""The follow-up email: personal, HTML and text, with a signed survey link and an unsubscribe link."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from complaints.models import Complaint, Customer
from followups.models import FollowUp
from portal.emails import absolute_url, make_message
from portal.signing import make_link_token

SURVEY_PURPOSE = "followup-survey"
UNSUBSCRIBE_PURPOSE = "followup-unsubscribe"
DEFAULT_TEMPLATE = "followups/email/survey"
# Field names a resolution record may use for the text agreed with the customer.
_RESOLUTION_TEXT_FIELDS = ("text", "summary", "description", "agreed", "details", "body")


def survey_url(followup: FollowUp) -> str:
    token = make_link_token(purpose=SURVEY_PURPOSE, value=followup.pk)
    return absolute_url(reverse("followups:survey", args=[token]))


def unsubscribe_url(customer: Customer) -> str:
    token = make_link_token(purpose=UNSUBSCRIBE_PURPOSE, value=customer.pk)
    return absolute_url(reverse("followups:unsubscribe", args=[token]))


def _resolution_text(complaint: Complaint) -> str:
    """The latest resolution's text, if the case has one, found by shape rather than by import so
    this app works whatever the resolution records look like."""
    for attribute in ("resolution", "resolutions"):
        try:
            record = getattr(complaint, attribute, None)
        except ObjectDoesNotExist:
            continue
        if record is not None and hasattr(record, "order_by"):
            record = record.order_by("-pk").first()
        if record is None:
            continue
        for field in _RESOLUTION_TEXT_FIELDS:
            value = getattr(record, field, None)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def agreed_text(complaint: Complaint) -> str:
    parts = [complaint.outcome.strip()] if complaint.outcome.strip() else []
    resolution = _resolution_text(complaint)
    if resolution and resolution not in parts:
        parts.append(resolution)
    return "\n\n".join(parts)


def build_followup_email(followup: FollowUp) -> EmailMultiAlternatives:
    complaint = followup.complaint
    customer = followup.customer
    unsubscribe = unsubscribe_url(customer)
    template = (followup.step.email_template if followup.step_id else "") or DEFAULT_TEMPLATE
    return make_message(
        template=template,
        context={
            "customer": customer,
            "complaint": complaint,
            "agreed": agreed_text(complaint),
            "owner": complaint.owner,
            "survey_url": survey_url(followup),
            "unsubscribe_url": unsubscribe,
        },
        to=[customer.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
