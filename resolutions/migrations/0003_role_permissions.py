from django.db import migrations

from accounts.role_permissions import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [
        ("resolutions", "0002_default_vocabularies_and_policy"),
        ("accounts", "0001_roles"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
