from django.db import migrations

NAME = "Recover unsent mail"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_2min, _ = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": "complaints.tasks.recover_unsent_mail",
            "interval": every_2min,
            "enabled": True,
            "description": "Queues again customer emails and acknowledgements whose message to the "
            "worker was lost (broker down when the action was saved), and marks case emails whose "
            "send was interrupted as failed.",
            # A sweep that waited longer than its period is replaced by the next one.
            "expires": None,
            "expire_seconds": 120,
        },
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_case_email_claimed_before_sending"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
