"""The weekly team digest: built from the rollups and written to the outbox, once per ISO week."""

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint
from insights.models import Team
from insights.selectors.figures import satisfaction_by_week
from insights.selectors.filters import Filters
from insights.selectors.problems import candidate_problems
from outbox.services import queue_email
from resolutions.models import Resolution

TEMPLATE = "insights/email/digest"
TREND_WEEKS = 6


def digest_key(team: Team, now: datetime) -> str:
    year, week, _ = timezone.localtime(now).isocalendar()
    return f"digest:{team.pk}:{year}-W{week:02d}"


def build_digest(*, team: Team, now: datetime) -> dict[str, Any]:
    """What the digest says. A team without members gets the whole service's digest."""
    today = timezone.localdate(now)
    members = list(team.members.values_list("pk", flat=True))
    overdue = Complaint.objects.filter(due_at__lt=now)
    lessons = Resolution.objects.filter(
        completed_at__gte=now - timedelta(days=7), status="completed"
    ).exclude(lesson_learned="")
    if members:
        overdue = overdue.filter(owner_id__in=members)
        lessons = lessons.filter(Q(resolved_by_id__in=members))
    trend_filters = Filters(
        start=today - timedelta(weeks=TREND_WEEKS) + timedelta(days=1),
        end=today,
        team=team if members else None,
    )
    return {
        "team": team,
        "week": digest_key(team, now).rsplit(":", 1)[-1],
        "problems": candidate_problems(today=today, days=28, top=5),
        "lessons": list(lessons.select_related("complaint", "root_cause").order_by("-completed_at")[:10]),
        "satisfaction": satisfaction_by_week(trend_filters),
        "overdue_count": overdue.count(),
        "overdue": list(overdue.select_related("owner", "category").order_by("due_at")[:10]),
    }


@transaction.atomic
def send_team_digest(*, team_id: int, now: datetime | None = None) -> bool:
    """Queue this week's digest for the team; False when it was queued before (a re-run of the
    task, a second Beat tick) or the team is gone."""
    now = now or timezone.now()
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        return False
    key = digest_key(team, now)
    context = build_digest(team=team, now=now)
    return queue_email(key=key, to=team.email, template=TEMPLATE, context=context, now=now) is not None
