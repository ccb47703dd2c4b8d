"""This app's panels on the complaints app's pages, registered in `FollowupsConfig.ready()`
(see `complaints.panels`)."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from complaints.models import Complaint
from complaints.panels import register
from followups.models import FollowUp, FollowUpChannel, State
from followups.selectors import home_call_counts, home_due_today
from followups.services.calls import calls_due
from portal import baked
from portal.baked import Statement, statement

# A home page shows a handful; the full lists have their own pages.
HOME_LIMIT = 10


def register_panels() -> None:
    register("case_page", "followups/_case_panel.html", case_panel, order=20)
    register("home", "followups/_home_panel.html", home_panel, order=20)


def case_panel(request: HttpRequest | None, complaint: Complaint) -> dict[str, Any]:
    if complaint.resolved_at is None:
        # Follow-ups are written when a case is resolved (`schedule_followups` refuses any other
        # case), resolving stamps `resolved_at` and nothing clears it (a reopened case keeps it):
        # a case never resolved has none to read, and most open cases' pages skip the query.
        return {"complaint": complaint, "followups": []}
    followups = FollowUp.objects.filter(complaint=complaint).order_by("due_at", "id")
    return {"complaint": complaint, "followups": list(followups[:50])}


def _due_today(*, user_id: int, start: datetime, end: datetime) -> Statement:
    # Spelled per state and channel so each branch reads one of the partial indexes on due rows.
    pending = (
        Q(state=State.SCHEDULED, channel=FollowUpChannel.EMAIL)
        | Q(state=State.SCHEDULED, channel=FollowUpChannel.CALL)
        | Q(state=State.QUEUED)
    )
    due = FollowUp.objects.filter(pending, complaint__owner_id=user_id, due_at__gte=start, due_at__lt=end)
    # The four things shown, not three whole rows joined: building those cost the home page more
    # than reading them.
    return statement(
        due.order_by("due_at", "pk").values_list(
            "channel", "due_at", "complaint__reference", "customer__name"
        )[:HOME_LIMIT]
    )


def home_panel(request: HttpRequest | None, _: object = None) -> dict[str, Any] | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    now = timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    # Baked (`portal.baked`), and kept with the call counts until the minute turns.
    due_today = home_due_today(
        lambda: baked.rows(
            ("home:due-today",), _due_today, user_id=user.pk, start=start, end=start + timedelta(days=1)
        ),
        user_id=user.pk,
        now=now,
    )
    rows = [
        {"channel": FollowUpChannel(channel).label, "due_at": due_at, "reference": reference, "name": name}
        for channel, due_at, reference, name in due_today
    ]
    calls_mine, calls_team = home_call_counts(lambda: calls_due(user, now=now), user_id=user.pk, now=now)
    return {"due_today": rows, "calls_mine": calls_mine, "calls_team": calls_team}
