"""The outbox: one row per email to a customer or to staff, written in the transaction of the change
that causes it, and sent by one dispatcher.

Every send is recorded before and after it happens: `sending` is committed just before the SMTP
conversation and `sent` just after, so a worker that dies leaves at most the one message it was
sending in doubt (`uncertain`), and every message it had not tried goes back to the queue.
"""

from datetime import datetime

from django.db import models
from django.db.models import Q


class Audience(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    STAFF = "staff", "Staff"


class State(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    CLAIMED = "claimed", "Handed to a worker"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    UNCERTAIN = "uncertain", "May have been delivered"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Not sent"


# Messages that may still leave without anyone acting; cancelling a message stops only these.
WAITING_STATES = (State.PENDING, State.CLAIMED)
# Messages staff are asked to look at: a real failure, or a send nobody can vouch for.
ATTENTION_STATES = (State.FAILED, State.UNCERTAIN)
# Messages that reached, or may have reached, the recipient: never sent again by the system.
DELIVERED_OR_MAYBE = (State.SENDING, State.SENT, State.UNCERTAIN)


class Message(models.Model):
    key = models.CharField(
        max_length=200,
        unique=True,
        help_text="Unique per purpose (e.g. acknowledgement:42): writing the same message twice "
        "keeps the first.",
    )
    kind = models.CharField(max_length=100, help_text="What the message is, e.g. its template.")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300, blank=True)
    # Empty for kinds rendered at send time (follow-up surveys, password resets): their links are
    # signed when the message leaves, and secrets are never stored.
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # The case the message is about, for the case page and the timeline. Kept without a foreign
    # key: the outbox sits below the apps that use it and knows nothing of their models.
    case_id = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=20, blank=True)
    object_id = models.BigIntegerField(
        null=True, blank=True, help_text="The row a kind rendered at send time is built from."
    )

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    claim_token = models.UUIDField(null=True, blank=True, help_text="Which hand-off owns the lease.")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, max_length=2_000)
    note = models.CharField(max_length=300, blank=True, help_text="Why it was not sent.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    uncertain_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Cancelled at.")
    retried_by = models.CharField(max_length=150, blank=True, help_text="Who last sent it again.")
    outcome_told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the apps were told it was sent, failed or may have been delivered (the "
        "timeline, the follow-up's own row). Sent messages are told in groups after the send; a "
        "dispatcher tick tells any a stopped worker left untold.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("retry_message", "Can send an undelivered message again")]
        constraints = [
            models.CheckConstraint(name="outbox_state_valid", condition=Q(state__in=State.values)),
            models.CheckConstraint(name="outbox_audience_valid", condition=Q(audience__in=Audience.values)),
        ]
        indexes = [
            # The dispatcher's claim reads only these: small however many messages were sent.
            models.Index(fields=["due_at"], name="outbox_due", condition=Q(state="pending")),
            models.Index(
                fields=["lease_expires_at"],
                name="outbox_leased",
                condition=Q(state__in=["claimed", "sending"]),
            ),
            models.Index(
                fields=["-updated_at"],
                name="outbox_attention",
                condition=Q(state__in=["failed", "uncertain"]),
            ),
            # The few messages whose outcome the apps have not heard yet (a worker stopped between
            # recording the send and telling them).
            models.Index(
                fields=["updated_at"],
                name="outbox_untold",
                condition=Q(outcome_told_at__isnull=True, state__in=["sent", "failed", "uncertain"]),
            ),
            models.Index(
                fields=["case_id", "-created_at"], name="outbox_by_case", condition=Q(case_id__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject or self.kind} to {self.to} ({self.get_state_display().lower()})"

    def is_due(self, now: datetime) -> bool:
        return self.state == State.PENDING and self.due_at <= now

    @property
    def may_retry(self) -> bool:
        return self.state in ATTENTION_STATES

    @property
    def retry_needs_confirmation(self) -> bool:
        """An uncertain message may already be in the recipient's inbox: sending it again is a
        person's decision, after checking."""
        return self.state == State.UNCERTAIN
