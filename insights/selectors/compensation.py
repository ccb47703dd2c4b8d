"""Compensation committed (approved or issued) in the range: by kind, by category against the
monthly budget, and the customers who received the most. Read from the compensation table itself:
it holds a row per grant, a small share of the cases, and its amounts must match to the penny."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from insights.selectors.filters import Filters
from resolutions.models import COMMITTED_STATUSES, Compensation, CompensationPolicy


def committed(filters: Filters) -> QuerySet[Compensation]:
    zone = timezone.get_current_timezone()
    low = datetime.combine(filters.start, time.min, tzinfo=zone)
    high = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=zone)
    rows = Compensation.objects.filter(
        status__in=COMMITTED_STATUSES, decided_at__gte=low, decided_at__lt=high
    )
    ids = filters.category_ids()
    if ids is not None:
        rows = rows.filter(budget_category_id__in=ids)
    if filters.channel is not None:
        rows = rows.filter(complaint__channel_id=filters.channel.pk)
    if filters.team is not None:
        rows = rows.filter(Q(complaint__owner_id__in=filters.member_ids() or []))
    return rows


def _months(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _budget(category_id: int, currency: str, on: date) -> Decimal | None:
    """The monthly budget of the policy that applies to the category (its own, else the general
    one), in that currency; None without a budget."""
    policies = CompensationPolicy.objects.filter(
        Q(category_id=category_id) | Q(category__isnull=True), severity__isnull=True, currency=currency
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on), effective_from__lte=on)
    policy = policies.order_by("category_id", "-effective_from").first()  # the category's own first
    if policy is None or policy.monthly_budget is None:
        return None
    return policy.monthly_budget


@dataclass
class BudgetRow:
    category: str
    currency: str
    spent: Decimal
    budget: Decimal | None

    @property
    def used_share(self) -> float | None:
        return round(float(100 * self.spent / self.budget), 1) if self.budget else None


def spend_by_kind(filters: Filters) -> list[Any]:
    return list(
        committed(filters)
        .values("kind__name", "currency")
        .annotate(spent=Sum("amount"), grants=Count("id"))
        .order_by("-spent", "kind__name")
    )


def spend_by_category(filters: Filters) -> list[BudgetRow]:
    """Spent per category against its budget for the range (monthly budget times the months)."""
    months = _months(filters.start, filters.end)
    rows = (
        committed(filters)
        .values("budget_category_id", "budget_category__name", "currency")
        .annotate(spent=Sum("amount"))
        .order_by("-spent", "budget_category__name")
    )
    result = []
    for r in rows:
        monthly = _budget(r["budget_category_id"], r["currency"], filters.end)
        result.append(
            BudgetRow(
                category=r["budget_category__name"],
                currency=r["currency"],
                spent=r["spent"],
                budget=monthly * months if monthly is not None else None,
            )
        )
    return result


def customer_extremes(filters: Filters, *, top: int = 5) -> dict[str, Any]:
    """The customers who received the most, and how many received any."""
    per_customer = (
        committed(filters)
        .values("complaint__customer_id", "complaint__customer__name", "currency")
        .annotate(total=Sum("amount"), grants=Count("id"), largest=Max("amount"))
    )
    return {
        "customers": per_customer.count(),
        "top": list(per_customer.order_by("-total", "complaint__customer__name")[:top]),
    }
