from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_customer_email_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="caseemail",
            name="case_email_queued",
        ),
        migrations.AddField(
            model_name="caseemail",
            name="handled_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When delivery last acted on it: claimed it to send, recorded a failed attempt, or queued it again after the message to the worker was lost.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="caseemail",
            name="state",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("sending", "Sending"),
                    ("sent", "Sent"),
                    ("failed", "Failed"),
                ],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.AddIndex(
            model_name="caseemail",
            index=models.Index(
                condition=models.Q(("state__in", ["queued", "sending"])),
                fields=["created_at"],
                name="case_email_unsent",
            ),
        ),
    ]
