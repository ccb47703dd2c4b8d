"""Reads with rules: the approval queue with what a decision needs, and the decisions an agent is
told about on their home page. Each is a fixed number of queries, whatever the number of rows.

The queue's rows are read with three joins, not six: planning a seven-table query with the rule's
subqueries cost PostgreSQL 7-10 ms at a million cases, more than reading the rows (each join past
four adds about a millisecond of planning). The proposers come in a small query of their own, the
category names from the case list's vocabularies."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from accounts.roles import Role, has_role
from complaints.models import Complaint
from complaints.selectors.vocabularies import filter_choices
from portal.db import RowCompare
from resolutions.models import COMMITTED_STATUSES, BudgetUsage, Compensation, CompensationStatus, RecoveryStep
from resolutions.services.approvers import approver_role, requests_for, requests_for_admins
from resolutions.services.policies import month_of

# Requests per page, oldest first; later ones follow by key, as the case list's pages do.
QUEUE_PAGE = 25
# What a customer was given before: the most recent awards shown per request.
PREVIOUS_LIMIT = 10
DECISIONS_SHOWN_FOR = timedelta(days=14)
# What the queue shows of an earlier award.
PREVIOUS_FIELDS = (
    "kind__name",
    "amount",
    "currency",
    "status",
    "proposed_at",
    "complaint__reference",
    "complaint__customer_id",
)


@dataclass
class ApprovalRequest:
    compensation: Compensation
    total_if_approved: Decimal
    needs_admin: bool
    budget_left: Decimal | None
    category: str = ""
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
    next_cursor: str | None = None


def _parse_cursor(cursor: str) -> tuple[datetime, int] | None:
    stamp, _, pk = cursor.rpartition("_")
    try:
        return datetime.fromisoformat(stamp), int(pk)
    except ValueError:
        return None


def approval_queue(
    user: AbstractBaseUser | AnonymousUser, *, now: datetime, cursor: str = "", size: int | None = None
) -> ApprovalQueue:
    """The requests this user may decide (the approvers' rule), oldest first, a page after
    `cursor`, each with the customer's earlier awards and the budget its category has left."""
    size = QUEUE_PAGE if size is None else size
    page = (
        requests_for(user)
        .select_related("complaint__customer", "policy", "kind")
        .order_by("proposed_at", "pk")
    )
    after = _parse_cursor(cursor) if cursor else None
    if after is not None:
        page = page.filter(RowCompare(["proposed_at", "id"], ">", list(after)))
    rows = list(page.prefetch_related("proposed_by")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    categories = dict(filter_choices()["categories"])
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
                category=categories.get(str(c.complaint.category_id)) or str(c.complaint.category),
                previous=previous.get(c.complaint.customer_id, [])[:PREVIOUS_LIMIT],
            )
        )
    above = 0 if has_role(user, Role.ADMIN) else requests_for_admins(user).count()
    last = rows[-1] if more else None
    return ApprovalQueue(
        requests=requests,
        waiting_for_an_admin=above,
        next_cursor=f"{last.proposed_at.isoformat()}_{last.pk}" if last else None,
    )


def _previous_awards(customer_ids: set[int]) -> dict[int, list[Compensation]]:
    awards: dict[int, list[Compensation]] = defaultdict(list)
    if not customer_ids:
        return awards
    # The customers' cases first, then their awards by case: joined in one statement, PostgreSQL
    # reads every committed award of every customer (7 ms at 20,000 awards) to find a few.
    cases = list(Complaint.objects.filter(customer_id__in=customer_ids).values_list("pk", flat=True))
    rows = (
        Compensation.objects.filter(complaint_id__in=cases, status__in=list(COMMITTED_STATUSES))
        .select_related("kind", "complaint")
        .only(*PREVIOUS_FIELDS)
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


# The recovery checklist changes when an admin edits it, a few times a year; every open case's
# page shows it. Kept a minute per process; an edit in this process is seen at once.
RECOVERY_STEPS_MAX_AGE = 60.0
_steps: dict[str, tuple[float, list[RecoveryStep]]] = {}


def recovery_steps() -> list[RecoveryStep]:
    held = _steps.get("steps")
    if held is not None and time.monotonic() - held[0] < RECOVERY_STEPS_MAX_AGE:
        return held[1]
    steps = list(RecoveryStep.objects.all())
    _steps["steps"] = (time.monotonic(), steps)
    return steps


def forget_recovery_steps(**kwargs: object) -> None:
    _steps.clear()


post_save.connect(forget_recovery_steps, sender=RecoveryStep, dispatch_uid="recovery-steps-kept")
post_delete.connect(forget_recovery_steps, sender=RecoveryStep, dispatch_uid="recovery-steps-kept-del")
