"""What happened on a case: the resolution, the solutions offered, the compensation granted."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from complaints.models import Category, Complaint
from resolutions.conf import currency_choices
from resolutions.models.policies import CompensationPolicy
from resolutions.models.taxonomy import CompensationKind, RootCause


class ResolutionStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting compensation approval"
    COMPLETED = "completed", "Completed"
    SET_ASIDE = "set_aside", "Set aside (compensation rejected)"


class Resolution(models.Model):
    """One resolution of a case. A reopened case resolved again gets a second one.

    With a compensation above the resolver's limit it waits: the case becomes resolved when the
    compensation is approved, or the resolution is set aside when it is rejected.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="resolutions")
    idempotency_key = models.UUIDField(unique=True, editable=False)
    listened = models.BooleanField("customer listened to and summary confirmed", default=False)
    emotion_acknowledged = models.BooleanField(default=False)
    apology_given = models.BooleanField(default=False)
    ownership_taken = models.BooleanField(default=False)
    outcome = models.TextField("outcome in words", max_length=5_000)
    root_cause = models.ForeignKey(RootCause, on_delete=models.PROTECT, related_name="resolutions")
    preventable = models.BooleanField()
    lesson_learned = models.TextField(
        max_length=5_000, blank=True, help_text="Shared with the team; leave empty if there is none."
    )
    status = models.CharField(max_length=20, choices=ResolutionStatus.choices)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["complaint", "-created_at"], name="resolution_by_case")]

    def __str__(self) -> str:
        return f"Resolution of {self.complaint_id} on {self.created_at:%Y-%m-%d}"

    @property
    def chosen_solution(self) -> "SolutionOffered | None":
        return next((s for s in self.solutions.all() if s.chosen), None)


class SolutionOffered(models.Model):
    """A remedy put to the customer. Offers emailed before resolving have no resolution yet."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="solutions")
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.PROTECT, related_name="solutions"
    )
    kind = models.ForeignKey(CompensationKind, on_delete=models.PROTECT, related_name="+")
    details = models.CharField(max_length=500)
    value = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, choices=currency_choices, default="GBP")
    chosen = models.BooleanField(default=False)
    chosen_by_customer_at = models.DateTimeField(null=True, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "solutions offered"
        constraints = [
            models.CheckConstraint(name="solution_value_not_negative", condition=Q(value__gte=0)),
            # One chosen solution per resolution, and one among the offers still open.
            models.UniqueConstraint(
                fields=["resolution"], condition=Q(chosen=True), name="one_chosen_solution_per_resolution"
            ),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(chosen=True, resolution__isnull=True),
                name="one_chosen_open_offer_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.details}"


class CompensationStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ISSUED = "issued", "Issued"
    CANCELLED = "cancelled", "Cancelled"


# Statuses whose amount counts against the case's limits and the month's budget.
COMMITTED_STATUSES = (CompensationStatus.APPROVED, CompensationStatus.ISSUED)
# Statuses whose amount counts against the case's limits (a pending request is not yet spent).
LIVE_STATUSES = (CompensationStatus.PROPOSED, *COMMITTED_STATUSES)


class Compensation(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="compensations")
    resolution = models.ForeignKey(
        Resolution, null=True, blank=True, on_delete=models.SET_NULL, related_name="compensations"
    )
    idempotency_key = models.UUIDField(unique=True, editable=False)
    kind = models.ForeignKey(CompensationKind, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=currency_choices)
    reason = models.TextField(max_length=2_000)
    status = models.CharField(max_length=20, choices=CompensationStatus.choices)
    policy = models.ForeignKey(
        CompensationPolicy,
        on_delete=models.PROTECT,
        related_name="compensations",
        help_text="The policy that applied when it was proposed.",
    )
    # The budget it counts against: copied so later edits to the case cannot move spent money.
    budget_category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    budget_month = models.DateField(null=True, blank=True, help_text="Set while it counts against a budget.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=2_000, blank=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    external_reference = models.CharField(
        max_length=200, blank=True, help_text="For example the refund's transaction id."
    )

    class Meta:
        ordering = ["-proposed_at"]
        indexes = [
            models.Index(
                fields=["proposed_at"],
                name="compensation_awaiting",
                condition=Q(status="proposed"),
            ),
            models.Index(fields=["complaint", "status"], name="compensation_by_case"),
            # The proposer's home page lists the latest decisions on their requests: newest first
            # from here, instead of every compensation they ever proposed.
            models.Index(
                fields=["proposed_by", "-decided_at", "-id"],
                name="compensation_decided_for",
                condition=Q(decided_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(name="compensation_amount_not_negative", condition=Q(amount__gte=0)),
            models.CheckConstraint(
                name="compensation_status_valid", condition=Q(status__in=CompensationStatus.values)
            ),
            models.CheckConstraint(
                name="compensation_issued_has_reference",
                condition=~Q(status="issued") | ~Q(external_reference=""),
            ),
        ]
        permissions = [("approve_compensation", "Can approve or reject compensation")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} on {self.complaint_id}"

    @property
    def awaiting_approval(self) -> bool:
        return self.status == CompensationStatus.PROPOSED
