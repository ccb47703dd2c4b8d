import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """One customer per email address, case-insensitively. The unique partial index replaces the
    plain `lower(email)` index (it serves the same lookups) and leaves out customers without email.
    A database that already holds two customers with the same email stops here, naming the address:
    merge them first."""

    dependencies = [
        ("complaints", "0009_timeline_no_delete"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="customer",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="customer_email_unique_ci",
                violation_error_message="Another customer already has this email address.",
            ),
        ),
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_email_lower",
        ),
    ]
