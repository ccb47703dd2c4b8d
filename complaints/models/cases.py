from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from complaints.models.customers import Customer
from complaints.models.taxonomy import Category, Channel, Emotion, Product, Severity
from complaints.models.urgency import Urgency, next_due_expression, risk_point_expression, urgency_at


class Status(models.TextChoices):
    NEW = "new", "New"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Investigating"
    SOLUTION_PROPOSED = "solution_proposed", "Solution proposed"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    REOPENED = "reopened", "Reopened"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Cases in these states are finished: they need no owner and no clock.
FINISHED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.WITHDRAWN})
OPEN_STATUSES = frozenset(set(Status) - FINISHED_STATUSES)


class Source(models.TextChoices):
    AGENT = "agent", "Taken by an agent"
    PUBLIC_FORM = "public_form", "Public web form"
    IMPORT = "import", "Imported"


class Complaint(models.Model):
    reference = models.CharField(max_length=20, unique=True, editable=False)
    # Indexed by `complaint_customer_newest` below (a customer's cases newest first), not on its own.
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", db_index=False
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.AGENT)

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="complaints")
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    order_reference = models.CharField("product or order reference", max_length=200, blank=True)
    issue = models.CharField(max_length=300, blank=True)

    customer_words = models.TextField("customer's own words", max_length=20_000)
    summary = models.TextField("agent's summary", max_length=5_000, blank=True)
    summary_confirmed = models.BooleanField("summary confirmed by the customer", default=False)
    emotion = models.ForeignKey(Emotion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    severity = models.ForeignKey(Severity, on_delete=models.PROTECT, related_name="+")
    desired_outcome = models.TextField("outcome the customer wants", max_length=5_000, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    received_at = models.DateTimeField(help_text="When the customer complained.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last reopening; reopened cases go to the top of the queue.",
    )
    first_response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    clock_hours_kind = models.CharField(
        max_length=10,
        blank=True,
        help_text="How the due times count (calendar or business hours); empty without a target.",
    )
    awaiting_customer_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set while the case waits on the customer: its clock is paused.",
    )
    due_at = models.GeneratedField(
        expression=next_due_expression(),
        output_field=models.DateTimeField(),
        db_persist=True,
        verbose_name="next due",
        help_text="The earliest pending due time while the clock runs; empty when finished or paused.",
    )
    risk_at = models.GeneratedField(
        expression=risk_point_expression(),
        output_field=models.DateTimeField(),
        db_persist=True,
        verbose_name="at risk from",
        help_text="When less than a quarter of the time to the next due time is left.",
    )
    compensation_given = models.BooleanField(
        default=False, help_text="Kept up to date by the compensation services."
    )
    outcome = models.TextField(max_length=5_000, blank=True)
    external_id = models.CharField(
        max_length=100, null=True, blank=True, unique=True, help_text="Key of an imported record."
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["owner", "status", "-reopened_at", "resolution_due_at"],
                name="complaint_owner_queue",
            ),
            models.Index(
                fields=["status", "received_at"],
                name="complaint_unowned",
                condition=Q(owner__isnull=True),
            ),
            models.Index(fields=["customer", "category", "status"], name="complaint_customer_cat"),
            # A customer's cases newest first, from the index alone (a surname's search reads the
            # cases of a hundred customers); it serves the foreign key too.
            models.Index(
                fields=["customer", "-received_at"], name="complaint_customer_newest", include=["id"]
            ),
            models.Index(fields=["status", "-received_at"], name="complaint_status_received"),
            # The case list pages by key on (received_at, id), newest first. It carries the urgency
            # columns so that "at risk" chooses a page's keys from the index alone.
            models.Index(
                fields=["-received_at", "-id"],
                name="complaint_received_urgency",
                include=["due_at", "risk_at"],
            ),
            models.Index(fields=["owner", "-received_at", "-id"], name="complaint_owner_received"),
            models.Index(fields=["category", "-received_at", "-id"], name="complaint_category_received"),
            # Queues, "most urgent first" and the urgency counts read only cases whose clock runs (a
            # small part of the table): partial indexes, covering the filters so that counting
            # "overdue" or "at risk" under any filter never visits the table.
            models.Index(
                fields=["due_at", "id"],
                name="complaint_due",
                condition=Q(due_at__isnull=False),
                include=["risk_at", "status", "category", "severity", "channel", "owner", "received_at"],
            ),
            models.Index(
                fields=["owner", "due_at", "id"],
                name="complaint_owner_due",
                condition=Q(due_at__isnull=False),
                include=["risk_at"],
            ),
            models.Index(
                fields=["category", "due_at", "id"],
                name="complaint_category_due",
                condition=Q(due_at__isnull=False),
                include=["risk_at"],
            ),
            # "owner IS NULL" cannot lead an index scan in order: unowned cases get their own.
            models.Index(
                fields=["due_at", "id"],
                name="complaint_unowned_due",
                condition=Q(due_at__isnull=False, owner__isnull=True),
                include=["risk_at"],
            ),
        ]
        constraints = [
            models.CheckConstraint(name="complaint_status_valid", condition=Q(status__in=Status.values)),
        ]
        permissions = [("supervise_complaint", "Can reassign cases and supervise the team")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def urgency(self, now: datetime) -> Urgency | None:
        """Overdue or at risk in words, from the generated columns; None when no clock runs."""
        return urgency_at(self.due_at, self.risk_at, now)

    def is_overdue(self, now: datetime) -> bool:
        if not self.is_open or self.awaiting_customer_since is not None:
            return False
        first_response_late = (
            self.first_responded_at is None
            and self.first_response_due_at is not None
            and now > self.first_response_due_at
        )
        if first_response_late:
            return True
        return self.resolution_due_at is not None and now > self.resolution_due_at


class ReferenceCounter(models.Model):
    """Last reference number handed out per year: RD-2026-000123 comes from (2026, 123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
