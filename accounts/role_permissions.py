"""Which model permissions each role's group holds (used in Django admin).

Data migrations call `sync_role_groups` so every deployment gets the same groups; a later
migration that adds models calls it again.
"""

from typing import Any

from django.contrib.auth.management import create_permissions

# Permissions are matched by app label and codename prefix ("view", "add", ...).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "Agent": {
        "complaints": ("view", "add", "change"),
        "followups": ("view", "change"),
        "resolutions": ("view",),
        "outbox": ("view", "retry"),
    },
    "Supervisor": {
        "complaints": ("view", "add", "change", "supervise", "approve"),
        "followups": ("view", "add", "change"),
        "resolutions": ("view", "approve"),
        "outbox": ("view", "retry"),
    },
    "Admin": {
        "complaints": ("view", "add", "change", "delete", "supervise", "approve"),
        "followups": ("view", "add", "change", "delete"),
        "resolutions": ("view", "add", "change", "delete", "approve"),
        "django_celery_beat": ("view", "add", "change", "delete"),
        "auth": ("view", "add", "change"),
        "accounts": ("view", "change"),
        "portal": ("view",),
        "outbox": ("view", "retry"),
    },
}


def sync_role_groups(apps: Any, schema_editor: Any) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # create_permissions skips apps it thinks have no models
        create_permissions(app_config, verbosity=0, apps=apps)
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [
            perm.pk
            for perm in Permission.objects.select_related("content_type")
            if perm.codename.split("_", 1)[0] in grants.get(perm.content_type.app_label, ())
        ]
        group.permissions.set(wanted)
