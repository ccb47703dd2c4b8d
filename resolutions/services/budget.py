"""The monthly budget ledger: approvals spend from it, cancellations give back.

Locked after the case row and the compensation row (the lock order of `services.compensation`).
"""

from datetime import datetime
from decimal import Decimal

from portal.money import format_money
from resolutions.errors import ResolutionError
from resolutions.models import BudgetUsage, Compensation, CompensationPolicy
from resolutions.services.policies import month_of


def _lock_budget(*, compensation: Compensation, month: datetime) -> BudgetUsage:
    key = {
        "category_id": compensation.budget_category_id,
        "month": month_of(month),
        "currency": compensation.currency,
    }
    # The first approval of a month creates the row; concurrent creators wait on the unique index.
    BudgetUsage.objects.bulk_create([BudgetUsage(**key)], ignore_conflicts=True)
    return BudgetUsage.objects.select_for_update().get(**key)


def commit_to_budget(*, compensation: Compensation, policy: CompensationPolicy, now: datetime) -> None:
    ledger = _lock_budget(compensation=compensation, month=now)
    if policy.monthly_budget is not None and ledger.committed + compensation.amount > policy.monthly_budget:
        left = max(policy.monthly_budget - ledger.committed, Decimal("0"))
        raise ResolutionError(
            f"Only {format_money(left, ledger.currency)} is left in this month's budget for "
            f"{compensation.budget_category}.",
            field="amount",
        )
    ledger.committed += compensation.amount
    ledger.save(update_fields=["committed", "updated_at"])
    compensation.budget_month = ledger.month


def release_budget(*, compensation: Compensation) -> None:
    if compensation.budget_month is None:
        return
    ledger = BudgetUsage.objects.select_for_update().get(
        category_id=compensation.budget_category_id,
        month=compensation.budget_month,
        currency=compensation.currency,
    )
    ledger.committed -= compensation.amount
    ledger.save(update_fields=["committed", "updated_at"])
    compensation.budget_month = None
