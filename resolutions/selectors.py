"""Reads with rules: the approval queue with what a decision needs, and the decisions an agent is
told about on their home page. Each is a fixed number of queries, whatever the number of rows.

The queue's rows are read with three joins, not six: planning a seven-table query with the rule's
subqueries cost PostgreSQL 7-10 ms at a million cases, more than reading the rows (each join past
four adds about a millisecond of planning). The proposers' and categories' names come from the
case list's kept vocabularies."""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Subquery
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from accounts.roles import Role, has_role
from complaints.models import Complaint
from complaints.selectors.rows import stamp
from complaints.selectors.vocabularies import filter_choices, person_names
from portal import baked
from portal.baked import Statement, statement
from portal.db import RowCompare
from portal.kept import MinuteKeep
from portal.money import format_money
from resolutions.models import (
    COMMITTED_STATUSES,
    BudgetUsage,
    Compensation,
    CompensationPolicy,
    CompensationStatus,
    RecoveryStep,
)
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
STATUS_LABELS = dict(CompensationStatus.choices)
# What a request in the queue shows: of the case, only what its card reads (its dozen time stamps
# and other texts stay in the database).
QUEUE_FIELDS = (
    "complaint_id",
    "kind_id",
    "amount",
    "currency",
    "reason",
    "status",
    "policy_id",
    "budget_category_id",
    "proposed_by_id",
    "proposed_at",
    "complaint__reference",
    "complaint__category_id",
    "complaint__customer_id",
    "complaint__summary",
    "complaint__customer_words",
    "complaint__desired_outcome",
    "complaint__customer__name",
    "kind__name",
    "policy",
)


@dataclass(frozen=True)
class PreviousAward:
    """An earlier award to the same customer, as the queue reads it out."""

    text: str
    amount: Decimal
    currency: str


@dataclass
class ApprovalRequest:
    """A request and what a decision needs, its figures already put into words: the queue draws
    25 of these, and money, dates and URLs formatted per cell by the template cost more than
    reading them."""

    compensation: Compensation
    total_if_approved: Decimal
    needs_admin: bool
    budget_left: Decimal | None
    category: str = ""
    previous: list[PreviousAward] = field(default_factory=list)
    case_url: str = ""
    customer_url: str = ""
    decide_url: str = ""
    proposer: str = ""
    proposed: str = ""
    amount_text: str = ""
    total_text: str = ""
    limits_text: str = ""
    budget_text: str = ""
    complaint_text: str = ""

    @property
    def previous_totals(self) -> dict[str, str]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for award in self.previous:
            totals[award.currency] += award.amount
        return {currency: format_money(total, currency) for currency, total in totals.items()}


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
    rows = list(page.only(*QUEUE_FIELDS)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    choices = filter_choices()
    categories = dict(choices["categories"])
    people = person_names({c.proposed_by_id for c in rows})
    previous = _previous_awards({c.complaint.customer_id for c in rows})
    budgets = _budgets_used(rows, now=now)
    urls = _Urls()
    limits: dict[int, str] = {}
    requests = []
    for c in rows:
        total = c.total_if_approved  # type: ignore[attr-defined]
        used = budgets.get((c.budget_category_id, c.currency), Decimal("0"))
        budget = c.policy.monthly_budget
        left = None if budget is None else max(budget - used, Decimal("0"))
        if c.policy_id not in limits:
            limits[c.policy_id] = _limits_text(c.policy)
        complaint = c.complaint
        requests.append(
            ApprovalRequest(
                compensation=c,
                total_if_approved=total,
                needs_admin=approver_role(policy=c.policy, total=total) == Role.ADMIN,
                budget_left=left,
                category=categories.get(str(complaint.category_id)) or str(complaint.category),
                previous=previous.get(complaint.customer_id, [])[:PREVIOUS_LIMIT],
                case_url=urls.case(complaint.reference),
                customer_url=urls.customer(complaint.customer_id),
                decide_url=urls.decide(c.pk),
                proposer=people[c.proposed_by_id],
                proposed=stamp(c.proposed_at),
                amount_text=format_money(c.amount, c.currency),
                total_text=format_money(total, c.currency),
                limits_text=limits[c.policy_id],
                budget_text="No budget limit"
                if left is None
                else f"{format_money(left, c.currency)} of {format_money(budget, c.currency)}",
                complaint_text=_shortened(complaint.summary or complaint.customer_words),
            )
        )
    above = 0 if has_role(user, Role.ADMIN) else _waiting_for_an_admin(user, now=now)
    last = rows[-1] if more else None
    return ApprovalQueue(
        requests=requests,
        waiting_for_an_admin=above,
        next_cursor=f"{last.proposed_at.isoformat()}_{last.pk}" if last else None,
    )


# How many requests only an admin may decide, per supervisor: a line of information that their
# own decisions seldom change, whose count (each request's case total against its policy's limit)
# cost about as much as reading the page's requests. Kept until the minute turns.
_for_admins = MinuteKeep()


def _waiting_for_an_admin(user: AbstractBaseUser | AnonymousUser, *, now: datetime) -> int:
    count: int = _for_admins.get(user.pk, now=now, count=lambda: requests_for_admins(user).count())
    return count


def _shortened(text: str, limit: int = 400) -> str:
    """The text cut to `limit` characters, the last an ellipsis (what `truncatechars` shows).
    Truncator does the same but walks every character of a long text looking for combining
    marks, a millisecond per customer's story; they are rare in what is typed, and a cut
    between a letter and its mark still reads."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Urls:
    """The queue's links, each pattern reversed once and filled per request."""

    def __init__(self) -> None:
        self._case = reverse("complaints:detail", args=["RD"])[: -len("RD/")]
        self._customer = reverse("complaints:intake_customer", args=[0]).replace("/0/", "/{}/")
        self._decide = reverse("resolutions:decide", args=[0]).replace("/0/", "/{}/")

    def case(self, reference: str) -> str:
        return f"{self._case}{reference}/"

    def customer(self, pk: int) -> str:
        return self._customer.format(pk)

    def decide(self, pk: int) -> str:
        return self._decide.format(pk)


def _limits_text(policy: CompensationPolicy) -> str:
    currency = policy.currency
    return (
        f"agents {format_money(policy.agent_limit, currency)}, "
        f"supervisors {format_money(policy.supervisor_limit, currency)}, "
        f"hard maximum {format_money(policy.hard_maximum, currency)}"
    )


def _previous_awards(customer_ids: set[int]) -> dict[int, list[PreviousAward]]:
    awards: dict[int, list[PreviousAward]] = defaultdict(list)
    if not customer_ids:
        return awards
    # The customers' cases first, then their awards by case, in one statement: as a subquery the
    # cases lead (a nested loop over the awards' case index, about 1.4 ms); joined on the customer,
    # PostgreSQL read every committed award of every customer (7 ms at 20,000 awards).
    cases = Complaint.objects.filter(customer_id__in=customer_ids).order_by().values("pk")
    rows = (
        Compensation.objects.filter(complaint_id__in=Subquery(cases), status__in=list(COMMITTED_STATUSES))
        .order_by("-proposed_at", "-pk")
        .values_list(*PREVIOUS_FIELDS)
    )
    for kind, amount, currency, status, proposed_at, reference, customer_id in rows:
        label = STATUS_LABELS.get(status, status).lower()
        text = (
            f"{kind} of {format_money(amount, currency)} on {reference} "
            f"({label}, {stamp(proposed_at, time=False)})"
        )
        awards[customer_id].append(PreviousAward(text=text, amount=amount, currency=currency))
    return awards


def _budgets_used(rows: list[Compensation], *, now: datetime) -> dict[tuple[int, str], Decimal]:
    """This month's committed amount per (category, currency) of the requests shown."""
    wanted = {(c.budget_category_id, c.currency) for c in rows}
    if not wanted:
        return {}
    ledger = BudgetUsage.objects.filter(
        month=month_of(now), category_id__in={category for category, _ in wanted}
    ).values_list("category_id", "currency", "committed")
    return {
        (category, currency): committed
        for category, currency, committed in ledger
        if (category, currency) in wanted
    }


@dataclass(frozen=True)
class Decision:
    """A decision on compensation an agent proposed, as their home page tells it."""

    reference: str
    kind: str
    amount: Decimal
    currency: str
    rejected: bool
    decided_by: str
    decided_at: datetime
    reason: str


def recent_decisions(
    user: AbstractBaseUser | AnonymousUser, *, now: datetime, limit: int = 5
) -> list[Decision]:
    """Decisions others made on compensation this user proposed, newest first (a grant within the
    proposer's own limit is no news to them). Read as the few columns the home page shows, the
    deciders' names from the kept staff list: whole rows of four joined tables cost the home page
    more to build than to read."""
    if not user.is_authenticated:
        return []
    # Baked (`portal.baked`): the same statement on every home page visit.
    decisions = partial(_decisions, limit=limit)  # a LIMIT is written into the SQL: in the key
    rows = baked.rows(("home:decisions", limit), decisions, user_id=user.pk, since=now - DECISIONS_SHOWN_FOR)
    names = person_names({row[5] for row in rows if row[5] is not None})
    return [
        Decision(
            reference=reference,
            kind=kind,
            amount=amount,
            currency=currency,
            rejected=status == CompensationStatus.REJECTED,
            decided_by=names.get(decider, "") if decider is not None else "",
            decided_at=cast(datetime, decided_at),  # set on every decision (filtered above)
            reason=reason,
        )
        for reference, kind, amount, currency, status, decider, decided_at, reason in rows
    ]


def _decisions(*, user_id: int, since: datetime, limit: int) -> Statement:
    decided = Compensation.objects.filter(
        proposed_by_id=user_id,
        status__in=[CompensationStatus.APPROVED, CompensationStatus.REJECTED, CompensationStatus.ISSUED],
        decided_at__gte=since,
    ).exclude(approved_by_id=user_id)
    return statement(
        decided.order_by("-decided_at", "-pk").values_list(
            "complaint__reference",
            "kind__name",
            "amount",
            "currency",
            "status",
            "approved_by_id",
            "decided_at",
            "decision_reason",
        )[:limit]
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
