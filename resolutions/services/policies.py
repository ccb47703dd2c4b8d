"""Which compensation policy applies to a case, and how much of its budget is left."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, Sum
from django.utils import timezone

from accounts.roles import Role, has_role
from complaints.models import Complaint
from portal.matching import most_specific
from resolutions.models import (
    COMMITTED_STATUSES,
    LIVE_STATUSES,
    BudgetUsage,
    Compensation,
    CompensationPolicy,
)


def pick_most_specific(policies: Iterable[CompensationPolicy]) -> CompensationPolicy | None:
    """The portal's one rule (`portal.matching`): both scopes beat one, category beats severity,
    both beat neither; among equals, the one that took effect last, then the newest row."""
    return most_specific(
        policies,
        criteria=lambda p: (p.category_id, p.severity_id),
        newer=lambda p: (p.effective_from, p.pk or 0),
    )


def applicable_policy(*, complaint: Complaint, on: date | None = None) -> CompensationPolicy | None:
    on = on or timezone.localdate()
    candidates = (
        CompensationPolicy.objects.filter(
            Q(category__isnull=True) | Q(category_id=complaint.category_id),
            Q(severity__isnull=True) | Q(severity_id=complaint.severity_id),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
            effective_from__lte=on,
        )
        .select_related("category", "severity")
        .prefetch_related("allowed_kinds")
    )
    return pick_most_specific(candidates)


def month_of(moment: datetime) -> date:
    """The budget month a moment falls in, in the portal's time zone."""
    return timezone.localtime(moment).date().replace(day=1)


def grant_limit(user: AbstractBaseUser | AnonymousUser, policy: CompensationPolicy) -> Decimal:
    """The case total this user may grant or approve alone under the policy."""
    if has_role(user, Role.ADMIN):
        return policy.hard_maximum
    if has_role(user, Role.SUPERVISOR):
        return policy.supervisor_limit
    return policy.agent_limit


def case_total(
    *,
    complaint: Complaint,
    currency: str,
    statuses: Iterable[str] = LIVE_STATUSES,
    exclude_pk: int | None = None,
) -> Decimal:
    rows = Compensation.objects.filter(complaint=complaint, currency=currency, status__in=list(statuses))
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@dataclass(frozen=True)
class BudgetStatus:
    budget: Decimal | None
    committed: Decimal
    currency: str
    month: date

    @property
    def remaining(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.committed


def budget_status(
    *, policy: CompensationPolicy, category_id: int, now: datetime | None = None
) -> BudgetStatus:
    month = month_of(now or timezone.now())
    committed = (
        BudgetUsage.objects.filter(category_id=category_id, month=month, currency=policy.currency)
        .values_list("committed", flat=True)
        .first()
    )
    return BudgetStatus(
        budget=policy.monthly_budget,
        committed=committed or Decimal("0"),
        currency=policy.currency,
        month=month,
    )


def derived_budget_usage(*, category_id: int, month: date, currency: str) -> Decimal:
    """What the ledger should say, recomputed from the compensation rows (for audits and tests)."""
    total = Compensation.objects.filter(
        budget_category_id=category_id,
        budget_month=month,
        currency=currency,
        status__in=list(COMMITTED_STATUSES),
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")
