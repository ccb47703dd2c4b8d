"""Emails to customers written from canned responses, each send recorded and retried."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.template import TemplateSyntaxError

from complaints.canned import unknown_variables
from complaints.models.cases import Complaint


class CannedPurpose(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    APOLOGY = "apology", "Apology"
    REQUEST_INFORMATION = "request_information", "Request for information"
    UPDATE = "update", "Progress update"
    SOLUTION = "solution", "Proposed solution"
    CLOSING = "closing", "Closing"
    OTHER = "other", "Other"


class CannedResponse(models.Model):
    """An email admins maintain. Subject and body are templates rendered in a sandbox with plain
    values only (`complaints.canned`: names, reference, dates, the status link, the agent's message)."""

    name = models.CharField(max_length=120, unique=True)
    purpose = models.CharField(max_length=30, choices=CannedPurpose.choices, default=CannedPurpose.OTHER)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20_000)
    is_active = models.BooleanField(default=True)
    waits_on_customer = models.BooleanField(
        default=False, help_text="Sending it pauses the case's clock until the customer answers."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A template the sandbox cannot render is refused in admin, not when an agent sends it."""
        errors = {}
        for field in ("subject", "body"):
            try:
                unknown = unknown_variables(getattr(self, field))
            except TemplateSyntaxError as error:
                errors[field] = f"Template error: {error}"
                continue
            if unknown:
                names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
                errors[field] = f"Not available here: {names}. Use the variables listed under the body."
        if errors:
            raise ValidationError(errors)


class CaseEmail(models.Model):
    """One email to the customer, rendered when queued; its delivery is tracked here and on the
    timeline so a failure is visible on the case, never swallowed."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        # Claimed by one worker, which is talking to the mail server: nobody else may send it.
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="emails")
    canned_response = models.ForeignKey(
        CannedResponse, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField(max_length=50_000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, max_length=2_000)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When delivery last acted on it: claimed it to send, recorded a failed attempt, "
        "or queued it again after the message to the worker was lost.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["complaint", "-created_at"], name="case_email_by_case"),
            # The few emails not yet delivered, for the sweeper that recovers lost or stuck sends.
            models.Index(
                fields=["created_at"], name="case_email_unsent", condition=Q(state__in=["queued", "sending"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to_address} ({self.state})"
