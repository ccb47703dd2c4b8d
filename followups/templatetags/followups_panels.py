"""Panels this app adds to pages owned by other apps (case page, agent home)."""

from datetime import timedelta
from typing import Any

from django import template
from django.utils import timezone

from complaints.models import Complaint
from followups.models import FollowUp, State
from followups.services.calls import calls_due, team_calls

register = template.Library()

# A home page shows a handful; the full lists have their own pages.
HOME_LIMIT = 10


@register.inclusion_tag("followups/_case_panel.html", takes_context=True)
def followups_case_panel(context: dict[str, Any], complaint: Complaint) -> dict[str, Any]:
    followups = FollowUp.objects.filter(complaint=complaint).order_by("due_at", "id")
    return {"complaint": complaint, "request": context.get("request"), "followups": list(followups[:50])}


@register.inclusion_tag("followups/_home_panel.html", takes_context=True)
def followups_home_panel(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"request": request}
    now = timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    due_today = (
        FollowUp.objects.filter(
            complaint__owner_id=user.pk,
            state__in=[State.SCHEDULED, State.QUEUED],
            due_at__gte=start,
            due_at__lt=start + timedelta(days=1),
        )
        .select_related("complaint", "customer")
        .order_by("due_at")[:HOME_LIMIT]
    )
    calls = calls_due(user, now=now)
    return {
        "request": request,
        "due_today": list(due_today),
        "calls_mine": calls.filter(complaint__owner_id=user.pk).count(),
        "calls_team": team_calls(calls).count(),
    }
