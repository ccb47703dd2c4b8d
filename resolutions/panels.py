"""This app's panels on the complaints app's pages, registered in `ResolutionsConfig.ready()`
(see `complaints.panels`)."""

from collections import defaultdict
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Func, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from accounts.roles import Role, has_role, user_roles
from complaints.access import can_work_on
from complaints.models import Complaint, Customer, Status
from complaints.panels import register
from complaints.selectors.vocabularies import person_names
from complaints.states import ALLOWED_TRANSITIONS
from portal import baked
from portal.baked import Statement, statement
from resolutions.forms import IssueForm
from resolutions.models import (
    COMMITTED_STATUSES,
    Compensation,
    CompensationStatus,
    Resolution,
    SolutionOffered,
)
from resolutions.selectors import recent_decisions, recovery_steps
from resolutions.services.approvers import requests_for


def register_panels() -> None:
    register("case_actions", "resolutions/_case_actions.html", case_actions, order=10)
    register("case_page", "resolutions/_case_panel.html", case_panel, order=10)
    register("home", "resolutions/_home_panel.html", home_panel, order=10)
    register("customer", "resolutions/_customer_panel.html", customer_panel, order=10)


def _user(request: HttpRequest | None) -> Any:
    return getattr(request, "user", None)


def _customers_compensations(complaint: Complaint) -> list[Compensation]:
    """Every compensation on this customer's cases, read once for the case page's panels: the
    case's own table and the customer's lifetime totals come from the same few rows."""
    held: list[Compensation] | None = getattr(complaint, "_customer_compensations", None)
    if held is None:
        held = baked.objects(("case:compensation",), _customers_awards, customer_id=complaint.customer_id)
        # Who proposed and who decided, by name from the kept staff list: joining the user table
        # three times cost more to build than the rows cost to read.
        deciders = {c.approved_by_id for c in held if c.approved_by_id is not None}
        names = person_names({c.proposed_by_id for c in held} | deciders)
        for c in held:
            c.proposer_name = names.get(c.proposed_by_id, "")  # type: ignore[attr-defined]
            c.approver_name = names.get(c.approved_by_id, "") if c.approved_by_id else ""  # type: ignore[attr-defined]
        complaint._customer_compensations = held  # type: ignore[attr-defined]
    return held


# The case page's reads, compiled once per process (`portal.baked`).
def _customers_awards(*, customer_id: int) -> QuerySet[Compensation]:
    return Compensation.objects.filter(complaint__customer_id=customer_id).select_related("kind")


def _offers(*, complaint_id: int) -> QuerySet[SolutionOffered]:
    return SolutionOffered.objects.filter(complaint_id=complaint_id).select_related("kind")


def _resolutions(*, complaint_id: int) -> QuerySet[Resolution]:
    return Resolution.objects.filter(complaint_id=complaint_id).select_related("root_cause")


def _compensations(complaint: Complaint) -> list[Compensation]:
    """The case's own compensation, for both of this app's panels on the case page."""
    return [c for c in _customers_compensations(complaint) if c.complaint_id == complaint.pk]


def _lifetime_totals(compensations: list[Compensation]) -> list[dict[str, Any]]:
    """Committed awards' total and number per currency, for the customer panel (on the case page
    from the rows its compensation table reads anyway)."""
    totals: dict[str, dict[str, Any]] = {}
    for c in compensations:
        if c.status in COMMITTED_STATUSES:
            row = totals.setdefault(c.currency, {"currency": c.currency, "total": Decimal("0"), "count": 0})
            row["total"] += c.amount
            row["count"] += 1
    return [totals[currency] for currency in sorted(totals)]


def case_actions(request: HttpRequest | None, complaint: Complaint) -> dict[str, Any] | None:
    """Resolve, propose, send options, reopen: shown with the case's other actions."""
    user = _user(request)
    if user is None or not can_work_on(user, complaint):
        return None
    waiting = any(c.status == CompensationStatus.PROPOSED for c in _compensations(complaint))
    return {
        "complaint": complaint,
        "can_resolve": Status.RESOLVED in ALLOWED_TRANSITIONS[complaint.status] and not waiting,
        "can_reopen": Status.REOPENED in ALLOWED_TRANSITIONS[complaint.status],
        "is_open": complaint.is_open,
    }


def case_panel(request: HttpRequest | None, complaint: Complaint) -> dict[str, Any]:
    user = _user(request)
    may_act = user is not None and can_work_on(user, complaint)
    # Every solution offered on the case in one read, split here: those of each resolution and
    # those still open (sent to the customer, no resolution yet).
    offered: dict[int | None, list[SolutionOffered]] = defaultdict(list)
    for offer in baked.objects(("case:offers",), _offers, complaint_id=complaint.pk):
        offered[offer.resolution_id].append(offer)
    resolutions = baked.objects(("case:resolutions",), _resolutions, complaint_id=complaint.pk)
    # Who resolved, by name from the kept staff list (as for compensation), not a user join.
    names = person_names({r.resolved_by_id for r in resolutions})
    for resolution in resolutions:
        resolution.offered = offered.get(resolution.pk, [])  # type: ignore[attr-defined]
        resolution.resolver_name = names.get(resolution.resolved_by_id, "")  # type: ignore[attr-defined]
    return {
        "complaint": complaint,
        "resolutions": resolutions,
        "compensations": _compensations(complaint),
        "open_offers": offered.get(None, []),
        "may_act": may_act,
        "issue_form": IssueForm(),
        "recovery_steps": recovery_steps() if complaint.is_open and may_act else [],
        "customer": complaint.customer,
        "totals": _lifetime_totals(_customers_compensations(complaint)),
    }


def home_panel(request: HttpRequest | None, _: object = None) -> dict[str, Any] | None:
    """Approvals waiting (for those who decide) and decisions on what this user proposed."""
    user = _user(request)
    if user is None or not user.is_authenticated:
        return None
    decisions = recent_decisions(user, now=timezone.now())
    if not has_role(user, Role.SUPERVISOR):
        return {"show": False, "decisions": decisions}
    # The oldest five and how many wait in all, in one baked statement (`portal.baked`; the
    # count is a window over every waiting request, computed before the limit).
    shape = ("home:approvals", frozenset(user_roles(user)))
    oldest = baked.rows(shape, partial(_oldest_requests, user), named=True, user_id=user.pk)
    return {
        "show": True,
        "count": oldest[0].waiting if oldest else 0,
        "oldest": oldest,
        "decisions": decisions,
    }


def _oldest_requests(user: Any, *, user_id: int) -> Statement:
    # The count as a subquery of its own, run once: as a window over the rows, every waiting
    # request was first joined to its case and kind (0.9 ms for 300), only for five to be shown.
    waiting = requests_for(user, user_id=user_id)
    count = waiting.order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    waiting = waiting.annotate(waiting=Subquery(count))
    return statement(
        waiting.order_by("proposed_at", "pk").values_list(
            "complaint__reference", "kind__name", "amount", "currency", "proposed_at", "waiting"
        )[:5]
    )


def customer_panel(request: HttpRequest | None, customer: Customer) -> dict[str, Any]:
    """The customer's lifetime compensation, shown wherever an agent looks at a customer."""
    given = list(
        Compensation.objects.filter(complaint__customer=customer, status__in=list(COMMITTED_STATUSES)).only(
            "currency", "amount", "status"
        )
    )
    return {"customer": customer, "totals": _lifetime_totals(given)}
