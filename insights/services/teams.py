"""Teams and their digest schedule: one django-celery-beat entry per team, Monday 09:00 in the
team's time zone unless an admin changes it."""

from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from insights.models import Team

DIGEST_TASK = "insights.tasks.send_team_digest"


def digest_entry_name(team: Team) -> str:
    return f"Weekly digest: {team.name}"[:200]


@transaction.atomic
def ensure_digest_schedule(*, team: Team) -> PeriodicTask:
    """The team's Beat entry, created Monday 09:00 in its time zone; an existing entry (perhaps
    edited in admin) is kept as it is."""
    if team.digest_schedule_id is not None:
        return team.digest_schedule  # type: ignore[return-value]
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="9", day_of_week="1", day_of_month="*", month_of_year="*", timezone=team.time_zone
    )
    entry, _ = PeriodicTask.objects.get_or_create(
        name=digest_entry_name(team),
        defaults={
            "task": DIGEST_TASK,
            "crontab": crontab,
            "kwargs": f'{{"team_id": {team.pk}}}',
            "description": "Sends the team's weekly digest (sent once per ISO week, however often it runs).",
        },
    )
    team.digest_schedule = entry
    team.save(update_fields=["digest_schedule"])
    return entry
