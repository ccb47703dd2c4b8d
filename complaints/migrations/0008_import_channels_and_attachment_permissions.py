from django.db import migrations

from accounts.role_permissions import sync_role_groups

# CFPB complaints also arrive by referral from another agency and by fax.
CHANNELS = [("referral", "Referral"), ("fax", "Fax")]


def add_channels(apps, schema_editor):
    Channel = apps.get_model("complaints", "Channel")
    for code, name in CHANNELS:
        Channel.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_attachment"), ("accounts", "0001_roles")]

    operations = [
        migrations.RunPython(add_channels, migrations.RunPython.noop),
        migrations.RunPython(sync_role_groups, migrations.RunPython.noop),
    ]
