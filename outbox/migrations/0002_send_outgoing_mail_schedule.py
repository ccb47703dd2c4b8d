from django.db import migrations

NAME = "Send outgoing mail"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_10s, _ = IntervalSchedule.objects.get_or_create(every=10, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "outbox.tasks.dispatch_outbox",
            "interval": every_10s,
            "enabled": True,
            "description": (
                "Writes the follow-ups that have fallen due, takes back work from stopped workers, and "
                "hands due messages to the workers. One entry for all outgoing mail; each commit that "
                "writes a message also wakes it, so this cadence bounds only how fast lost work resumes."
            ),
            # A run that waited longer than a few ticks is superseded by a newer one.
            "expire_seconds": 60,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
