from django.db import migrations

from accounts.role_permissions import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_default_targets_and_canned_responses"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
