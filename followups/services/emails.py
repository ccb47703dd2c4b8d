"""The follow-up email: personal, HTML and text, with a signed survey link and an unsubscribe link.

A send task builds hundreds of these in a row, so `FollowUpMailer` does the per-batch work once
(templates looked up, URL prefixes reversed, signers keyed) and each email costs only its
rendering and two signatures.
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.signing import TimestampSigner
from django.template import loader
from django.urls import reverse

from complaints.models import Complaint, Customer
from followups.models import FollowUp
from portal.emails import absolute_url
from portal.signing import make_link_token

SURVEY_PURPOSE = "followup-survey"
UNSUBSCRIBE_PURPOSE = "followup-unsubscribe"
DEFAULT_TEMPLATE = "followups/email/survey"
_PLACEHOLDER = "TOKEN"


def survey_url(followup: FollowUp) -> str:
    token = make_link_token(purpose=SURVEY_PURPOSE, value=followup.pk)
    return absolute_url(reverse("followups:survey", args=[token]))


def unsubscribe_url(customer: Customer) -> str:
    token = make_link_token(purpose=UNSUBSCRIBE_PURPOSE, value=customer.pk)
    return absolute_url(reverse("followups:unsubscribe", args=[token]))


def agreed_text(complaint: Complaint) -> str:
    """What was agreed: completing a resolution copies its outcome onto the case."""
    return complaint.outcome.strip()


def _signer(purpose: str) -> TimestampSigner:
    # The same salt as portal.signing.make_link_token, so read_link_token accepts these tokens.
    return TimestampSigner(salt=f"redress.{purpose}")


def _url_around_token(name: str) -> tuple[str, str]:
    prefix, _, suffix = absolute_url(reverse(name, args=[_PLACEHOLDER])).partition(_PLACEHOLDER)
    return prefix, suffix


class FollowUpMailer:
    """Builds the follow-up emails of one batch."""

    def __init__(self) -> None:
        self._templates: dict[str, tuple[Any, Any, Any]] = {}
        self._survey_signer = _signer(SURVEY_PURPOSE)
        self._unsubscribe_signer = _signer(UNSUBSCRIBE_PURPOSE)
        self._survey_url = _url_around_token("followups:survey")
        self._unsubscribe_url = _url_around_token("followups:unsubscribe")

    def _templates_for(self, name: str) -> tuple[Any, Any, Any]:
        if name not in self._templates:
            subject, text, html = (
                loader.get_template(f"{name}{part}") for part in ("_subject.txt", "_body.txt", "_body.html")
            )
            self._templates[name] = (subject, text, html)
        return self._templates[name]

    def survey_url(self, followup: FollowUp) -> str:
        prefix, suffix = self._survey_url
        return f"{prefix}{self._survey_signer.sign(str(followup.pk))}{suffix}"

    def unsubscribe_url(self, customer: Customer) -> str:
        prefix, suffix = self._unsubscribe_url
        return f"{prefix}{self._unsubscribe_signer.sign(str(customer.pk))}{suffix}"

    def build(self, followup: FollowUp) -> EmailMultiAlternatives:
        complaint = followup.complaint
        customer = followup.customer
        unsubscribe = self.unsubscribe_url(customer)
        name = (followup.step.email_template if followup.step_id else "") or DEFAULT_TEMPLATE
        subject_template, text_template, html_template = self._templates_for(name)
        context = {
            "site_url": settings.SITE_URL,
            "customer": customer,
            "complaint": complaint,
            "agreed": agreed_text(complaint),
            "owner": complaint.owner,
            "survey_url": self.survey_url(followup),
            "unsubscribe_url": unsubscribe,
        }
        message = EmailMultiAlternatives(
            subject=" ".join(subject_template.render(context).split()),
            body=text_template.render(context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[customer.email],
            # RFC 8058: a mailbox provider's "unsubscribe" button POSTs to this URL, token and all.
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html_template.render(context), "text/html")
        return message
