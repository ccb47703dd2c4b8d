from django.db import migrations

from accounts.role_permissions import sync_role_groups


class Migration(migrations.Migration):
    dependencies = [("followups", "0003_dispatcher_schedule"), ("accounts", "0001_roles")]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
