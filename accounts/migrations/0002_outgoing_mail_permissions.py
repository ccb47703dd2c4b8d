from django.db import migrations

from accounts.role_permissions import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("outbox", "0001_initial"),
        ("complaints", "0013_case_emails_move_to_the_outbox"),
        ("followups", "0006_followups_send_through_the_outbox"),
        ("resolutions", "0003_role_permissions"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
