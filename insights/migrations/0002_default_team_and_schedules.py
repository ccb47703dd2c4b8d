from django.conf import settings
from django.db import migrations

REFRESH = "Refresh insights figures"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    Team = apps.get_model("insights", "Team")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=300, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=REFRESH,
        defaults={
            "task": "insights.tasks.refresh_insights",
            "interval": every_five,
            "description": "Recounts the insights rollups of today and the two days before.",
            "expire_seconds": 280,
        },
    )
    zone = settings.TIME_ZONE if settings.TIME_ZONE != "UTC" else "Europe/London"
    team, _ = Team.objects.get_or_create(
        name="Customer care", defaults={"email": "care-team@redress.localhost", "time_zone": zone}
    )
    monday_nine, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="9", day_of_week="1", day_of_month="*", month_of_year="*", timezone=team.time_zone
    )
    entry, _ = PeriodicTask.objects.get_or_create(
        name=f"Weekly digest: {team.name}",
        defaults={
            "task": "insights.tasks.send_team_digest",
            "crontab": monday_nine,
            "kwargs": f'{{"team_id": {team.pk}}}',
            "description": "Sends the team's weekly digest (sent once per ISO week, however often it runs).",
        },
    )
    team.digest_schedule = entry
    team.save(update_fields=["digest_schedule"])


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__startswith="insights.tasks.").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_rollups_problems_teams"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
