"""Compensation policies (who may grant how much) and the monthly budget ledger."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from complaints.models import Category, Severity
from resolutions.conf import currency_choices
from resolutions.models.taxonomy import CompensationKind

NON_NEGATIVE = [MinValueValidator(Decimal("0"))]


class CompensationPolicy(models.Model):
    """Scope (category, severity: both optional, the most specific match wins), limits and budget."""

    name = models.CharField(max_length=120)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: every category.",
    )
    severity = models.ForeignKey(
        Severity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: every severity.",
    )
    allowed_kinds = models.ManyToManyField(CompensationKind, related_name="policies")
    suggested_remedy = models.TextField(max_length=2_000, blank=True)
    currency = models.CharField(max_length=3, choices=currency_choices, default="GBP")
    agent_limit = models.DecimalField(
        "agent limit per case",
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
        help_text="Total an agent may grant alone on one case.",
    )
    supervisor_limit = models.DecimalField(
        "supervisor limit per case",
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
        help_text="Total a supervisor may approve on one case; above it only an admin may approve.",
    )
    hard_maximum = models.DecimalField(
        "hard maximum per case",
        max_digits=12,
        decimal_places=2,
        validators=NON_NEGATIVE,
        help_text="Nobody may grant more on one case.",
    )
    monthly_budget = models.DecimalField(
        "monthly budget per category",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text="Approved compensation per category and calendar month. Empty: no budget limit.",
    )
    effective_from = models.DateField(default=date.today)
    effective_to = models.DateField(null=True, blank=True, help_text="Last day it applies; empty: open.")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[allowed_kinds])

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "compensation policies"
        constraints = [
            models.CheckConstraint(
                name="policy_limits_ordered",
                condition=Q(agent_limit__gte=0)
                & Q(agent_limit__lte=F("supervisor_limit"))
                & Q(supervisor_limit__lte=F("hard_maximum")),
            ),
            models.CheckConstraint(
                name="policy_dates_ordered",
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if None not in (self.agent_limit, self.supervisor_limit) and self.agent_limit > self.supervisor_limit:
            errors["agent_limit"] = "The agent limit cannot be above the supervisor limit."
        if (
            None not in (self.supervisor_limit, self.hard_maximum)
            and self.supervisor_limit > self.hard_maximum
        ):
            errors["supervisor_limit"] = "The supervisor limit cannot be above the hard maximum."
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = "The policy cannot end before it starts."
        if errors:
            raise ValidationError(errors)

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class BudgetUsage(models.Model):
    """Compensation committed per category, month and currency: the row approvals lock.

    A derived SUM cannot be locked: two approvals under READ COMMITTED would both read the same
    total and both commit. Locking this one row serialises approvals within a category and month
    (and only those), so the budget check and the write happen as one step.
    """

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    month = models.DateField(help_text="First day of the month.")
    currency = models.CharField(max_length=3)
    committed = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "category__name"]
        verbose_name = "budget usage"
        verbose_name_plural = "budget usage per month"
        constraints = [
            models.UniqueConstraint(fields=["category", "month", "currency"], name="budget_usage_unique"),
            models.CheckConstraint(name="budget_usage_not_negative", condition=Q(committed__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.month:%Y-%m}: {self.committed} {self.currency}"
