"""Canned responses: emails admins maintain for agents to send to customers."""

from django.core.exceptions import ValidationError
from django.db import models
from django.template import TemplateSyntaxError

from complaints.canned import unknown_variables


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
