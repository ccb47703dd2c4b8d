"""Reads with rules: the approval queue with what a decision needs, and the decisions an agent is
told about on their home page. Each is a fixed number of queries, whatever the number of rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from accounts.roles import Role, has_role
from resolutions.models import COMMITTED_STATUSES, BudgetUsage, Compensation, CompensationStatus
from resolutions.services.approvers import approver_role, requests_for, requests_for_admins
from resolutions.services.policies import month_of

QUEUE_LIMIT = 100
# What a customer was given before: the most recent awards shown per request.
PREVIOUS_LIMIT = 10
DECISIONS_SHOWN_FOR = timedelta(days=14)


@dataclass
class ApprovalRequest:
    compensation: Compensation
    total_if_approved: Decimal
    needs_admin: bool
    budget_left: Decimal | None
    previous: list[Compensation] = field(default_factory=list)

    @property
    def previous_totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for award in self.previous:
            totals[award.currency] += award.amount
        return dict(totals)


@dataclass(frozen=True)
class ApprovalQueue:
    requests: list[ApprovalRequest]
    waiting_for_an_admin: int  # requests above the supervisor limit this user may not decide


def approval_queue(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> ApprovalQueue:
    """The requests this user may decide (the approvers' rule), oldest first, each with the
    customer's earlier awards and the budget its category has left this month."""
    rows = list(
        requests_for(user)
        .select_related("complaint__customer", "complaint__category", "kind", "proposed_by", "policy")
        .order_by("proposed_at", "pk")[:QUEUE_LIMIT]
    )
    previous = _previous_awards({c.complaint.customer_id for c in rows})
    budgets = _budgets_used(rows, now=now)
    requests = []
    for c in rows:
        total = c.total_if_approved  # type: ignore[attr-defined]
        used = budgets.get((c.budget_category_id, c.currency), Decimal("0"))
        budget = c.policy.monthly_budget
        requests.append(
            ApprovalRequest(
                compensation=c,
                total_if_approved=total,
                needs_admin=approver_role(policy=c.policy, total=total) == Role.ADMIN,
                budget_left=None if budget is None else max(budget - used, Decimal("0")),
                previous=previous.get(c.complaint.customer_id, [])[:PREVIOUS_LIMIT],
            )
        )
    above = 0 if has_role(user, Role.ADMIN) else requests_for_admins(user).count()
    return ApprovalQueue(requests=requests, waiting_for_an_admin=above)


def _previous_awards(customer_ids: set[int]) -> dict[int, list[Compensation]]:
    awards: dict[int, list[Compensation]] = defaultdict(list)
    if not customer_ids:
        return awards
    rows = (
        Compensation.objects.filter(
            complaint__customer_id__in=customer_ids, status__in=list(COMMITTED_STATUSES)
        )
        .select_related("kind", "complaint")
        .order_by("-proposed_at", "-pk")
    )
    for award in rows:
        awards[award.complaint.customer_id].append(award)
    return awards


def _budgets_used(rows: list[Compensation], *, now: datetime) -> dict[tuple[int, str], Decimal]:
    if not rows:
        return {}
    wanted = Q()
    for category_id, currency in {(c.budget_category_id, c.currency) for c in rows}:
        wanted |= Q(category_id=category_id, currency=currency)
    ledger = BudgetUsage.objects.filter(wanted, month=month_of(now)).values_list(
        "category_id", "currency", "committed"
    )
    return {(category_id, currency): committed for category_id, currency, committed in ledger}


def recent_decisions(
    user: AbstractBaseUser | AnonymousUser, *, now: datetime, limit: int = 5
) -> list[Compensation]:
    """Decisions others made on compensation this user proposed, newest first (a grant within the
    proposer's own limit is no news to them)."""
    if not user.is_authenticated:
        return []
    return list(
        Compensation.objects.filter(
            proposed_by_id=user.pk,
            status__in=[CompensationStatus.APPROVED, CompensationStatus.REJECTED, CompensationStatus.ISSUED],
            decided_at__gte=now - DECISIONS_SHOWN_FOR,
        )
        .exclude(approved_by_id=user.pk)
        .select_related("complaint", "kind", "approved_by")
        .order_by("-decided_at", "-pk")[:limit]
    )
