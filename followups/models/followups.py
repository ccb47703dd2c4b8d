"""Follow-up rows: the outbox written with the resolution and worked off by the dispatcher."""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from complaints.models import Complaint, Customer
from followups.models.policies import FollowUpChannel, FollowUpStep


class State(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    UNCERTAIN = "uncertain", "May have been delivered"
    ANSWERED = "answered", "Answered"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    SKIPPED = "skipped", "Skipped"


# Rows in these states may still reach the customer; reopening a case cancels them.
PENDING_STATES = (State.SCHEDULED, State.QUEUED, State.FAILED)
# A survey in these states reached, is reaching, or may have reached the customer: it counts for
# the one-survey-in-N-days rule, and its link works. `queued` counts from the moment it is handed
# to the outbox, so two workers can never both decide a customer is due a survey.
SURVEY_OUT_STATES = (State.QUEUED, State.SENDING, State.SENT, State.UNCERTAIN, State.ANSWERED)


class Purpose(models.TextChoices):
    PRIMARY = "primary", "Planned step"
    FALLBACK = "fallback", "Fallback after no answer"


class FollowUpCallOutcome(models.TextChoices):
    SATISFIED = "satisfied", "Reached, satisfied"
    NOT_SATISFIED = "not_satisfied", "Reached, not satisfied (reopens the case)"
    VOICEMAIL = "voicemail", "Voicemail left"
    NO_ANSWER = "no_answer", "No answer"


class FollowUp(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="followups")
    # Copied from the case so per-customer rules (one survey in N days, unsubscribe) need no join.
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="followups")
    step = models.ForeignKey(FollowUpStep, on_delete=models.PROTECT, related_name="followups")
    resolved_at = models.DateTimeField(help_text="The resolution this follow-up belongs to.")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.PRIMARY)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="fallbacks"
    )
    channel = models.CharField(max_length=10, choices=FollowUpChannel.choices)

    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    due_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True, max_length=2_000)
    note = models.CharField(max_length=300, blank=True, help_text="Why it was skipped or cancelled.")
    message = models.OneToOneField(
        "outbox.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The outbox message of an email follow-up, once it is due.",
    )
    queued_at = models.DateTimeField(null=True, blank=True, help_text="Handed to the outbox at.")
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True, help_text="Cancelled or skipped at.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    answered_at = models.DateTimeField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    answer_resolved = models.BooleanField(null=True, blank=True)
    answer_satisfaction = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    answer_comment = models.TextField(blank=True, max_length=5_000)
    call_outcome = models.CharField(max_length=20, choices=FollowUpCallOutcome.choices, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "step", "resolved_at", "purpose"], name="followup_once_per_step"
            ),
            models.CheckConstraint(name="followup_state_valid", condition=Q(state__in=State.values)),
            models.CheckConstraint(
                name="followup_satisfaction_1_to_5",
                condition=Q(answer_satisfaction__isnull=True) | Q(answer_satisfaction__range=(1, 5)),
            ),
        ]
        indexes = [
            # The dispatcher's claim reads only these: small however many rows are sent.
            models.Index(
                fields=["due_at"],
                name="followup_email_due",
                condition=Q(state="scheduled", channel="email"),
            ),
            models.Index(
                fields=["due_at"], name="followup_call_due", condition=Q(state="scheduled", channel="call")
            ),
            models.Index(
                fields=["customer", "last_attempt_at"],
                name="followup_customer_surveys",
                condition=Q(
                    channel="email", state__in=["queued", "sending", "sent", "uncertain", "answered"]
                ),
            ),
            # The failed list pages by key on (failed_at, id); surveys in doubt are listed newest first.
            models.Index(fields=["-failed_at", "-id"], name="followup_failed", condition=Q(state="failed")),
            models.Index(fields=["-updated_at"], name="followup_uncertain", condition=Q(state="uncertain")),
            # With the two due indexes above, the home page's "due today" reads three small ranges;
            # without it, queued rows had no index and PostgreSQL scanned every follow-up.
            models.Index(fields=["due_at"], name="followup_queued_due", condition=Q(state="queued")),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_channel_display()} follow-up on {self.complaint_id} due {self.due_at:%Y-%m-%d %H:%M}"
        )

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    def is_due(self, now: datetime) -> bool:
        return self.state == State.SCHEDULED and self.due_at <= now

    @property
    def has_answer(self) -> bool:
        return self.answered_at is not None
