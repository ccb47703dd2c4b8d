"""Panels this app adds to pages owned by other apps (case page, agent home, customer)."""

from typing import Any

from django import template
from django.db.models import Count, Prefetch, Sum
from django.utils import timezone

from accounts.roles import Role, has_role
from complaints.access import can_work_on
from complaints.models import Complaint, Customer, Status
from complaints.states import ALLOWED_TRANSITIONS
from resolutions.forms import IssueForm
from resolutions.models import (
    COMMITTED_STATUSES,
    Compensation,
    CompensationStatus,
    RecoveryStep,
    Resolution,
    SolutionOffered,
)
from resolutions.selectors import recent_decisions
from resolutions.services.approvers import requests_for

register = template.Library()


@register.inclusion_tag("resolutions/_case_panel.html", takes_context=True)
def resolutions_case_panel(context: dict[str, Any], complaint: Complaint) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    resolutions = list(
        Resolution.objects.filter(complaint=complaint)
        .select_related("root_cause", "resolved_by")
        .prefetch_related(Prefetch("solutions", queryset=SolutionOffered.objects.select_related("kind")))
    )
    compensations = list(
        Compensation.objects.filter(complaint=complaint).select_related(
            "kind", "proposed_by", "approved_by", "issued_by"
        )
    )
    open_offers = list(
        SolutionOffered.objects.filter(complaint=complaint, resolution__isnull=True).select_related("kind")
    )
    may_act = user is not None and can_work_on(user, complaint)
    return {
        "request": request,
        "complaint": complaint,
        "resolutions": resolutions,
        "compensations": compensations,
        "open_offers": open_offers,
        "may_act": may_act,
        "can_resolve": Status.RESOLVED in ALLOWED_TRANSITIONS[complaint.status]
        and not any(c.status == CompensationStatus.PROPOSED for c in compensations),
        "can_reopen": Status.REOPENED in ALLOWED_TRANSITIONS[complaint.status],
        "is_open": complaint.is_open,
        "issue_form": IssueForm(),
        "recovery_steps": list(RecoveryStep.objects.all()) if complaint.is_open and may_act else [],
    }


@register.inclusion_tag("resolutions/_home_panel.html", takes_context=True)
def resolutions_home_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"request": request, "show": False, "decisions": []}
    decisions = recent_decisions(user, now=timezone.now())
    if not has_role(user, Role.SUPERVISOR):
        return {"request": request, "show": False, "decisions": decisions}
    waiting = requests_for(user).select_related("complaint", "kind")
    return {
        "request": request,
        "show": True,
        "count": waiting.count(),
        "oldest": list(waiting.order_by("proposed_at")[:5]),
        "decisions": decisions,
    }


@register.inclusion_tag("resolutions/_customer_panel.html", takes_context=True)
def resolutions_customer_panel(context: dict[str, Any], customer: Customer) -> dict[str, Any]:
    """The customer's lifetime compensation, shown wherever an agent looks at a customer."""
    totals = list(
        Compensation.objects.filter(complaint__customer=customer, status__in=list(COMMITTED_STATUSES))
        .values("currency")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("currency")
    )
    return {"customer": customer, "request": context.get("request"), "totals": totals}
