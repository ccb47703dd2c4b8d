"""Panels this app adds to pages owned by other apps (case page, agent home)."""

from datetime import timedelta
from typing import Any

from django import template
from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint
from followups.models import Channel, FollowUp, State
from followups.selectors import call_counts
from followups.services.calls import calls_due

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
    # Spelled per state and channel so each branch reads one of the partial indexes on due rows.
    pending = (
        Q(state=State.SCHEDULED, channel=Channel.EMAIL)
        | Q(state=State.SCHEDULED, channel=Channel.CALL)
        | Q(state=State.QUEUED)
    )
    due_today = (
        FollowUp.objects.filter(
            pending,
            complaint__owner_id=user.pk,
            due_at__gte=start,
            due_at__lt=start + timedelta(days=1),
        )
        .select_related("complaint", "customer")
        .order_by("due_at")[:HOME_LIMIT]
    )
    calls_mine, calls_team = call_counts(calls_due(user, now=now), user_id=user.pk)
    return {
        "request": request,
        "due_today": list(due_today),
        "calls_mine": calls_mine,
        "calls_team": calls_team,
    }
