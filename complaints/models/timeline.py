from typing import Any

from django.conf import settings
from django.db import models

from complaints.models.cases import Complaint, Status


class EventKind(models.TextChoices):
    CREATED = "created", "Complaint recorded"
    STATUS_CHANGED = "status_changed", "Status changed"
    ASSIGNED = "assigned", "Assigned"
    CLAIMED = "claimed", "Claimed"
    TRANSFERRED = "transferred", "Transferred"
    NOTE = "note", "Internal note"
    CALL = "call", "Call logged"
    EMAIL_QUEUED = "email_queued", "Email written to the customer"
    EMAIL_SENT = "email_sent", "Email sent to the customer"
    EMAIL_FAILED = "email_failed", "Email could not be sent"
    EMAIL_UNCERTAIN = "email_uncertain", "Email may have been delivered"
    CUSTOMER_ADDED = "customer_added", "Customer added information"
    ATTACHMENT = "attachment", "File attached"
    WAITING = "waiting", "Waiting on the customer"
    RESOLUTION = "resolution", "Resolution recorded"
    COMPENSATION = "compensation", "Compensation"
    CHOICE = "choice", "Customer chose a solution"
    FOLLOWUP = "followup", "Follow-up"
    SURVEY = "survey", "Satisfaction answer"
    REOPENED = "reopened", "Reopened"


class TimelineEvent(models.Model):
    """One step on a case, by whom and when. Rows are written once and never edited."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=100,
        blank=True,
        help_text="Who acted when it was not a staff user (customer, system).",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True, max_length=20_000)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="timeline_by_case")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} at {self.created_at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Timeline events cannot be edited after the fact.")
        super().save(*args, **kwargs)

    @property
    def from_status_label(self) -> str:
        return _status_label(self.from_status)

    @property
    def to_status_label(self) -> str:
        return _status_label(self.to_status)

    @property
    def who(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()  # type: ignore[union-attr]
        return self.actor_label or "System"


def _status_label(code: str) -> str:
    """ "solution_proposed" reads "Solution proposed"; a code no longer in use reads as written."""
    return str(Status(code).label) if code in Status.values else code
