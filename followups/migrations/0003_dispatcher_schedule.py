from django.db import migrations

NAME = "Dispatch due follow-ups"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=60, period="seconds")
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "followups.tasks.dispatch_followups",
            "interval": every_minute,
            "enabled": True,
            "description": (
                "Claims due follow-ups and hands them to the workers in batches. One entry for all "
                "follow-ups: change its interval here to change the cadence."
            ),
            # A run that waited longer than a tick is superseded by the next one.
            "expire_seconds": 120,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0002_default_policies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
