"""The staff sign-in backend: Django's own, reading a signed-in user's groups with the user.

Every staff page asks which roles its user holds (the navigation, the access rule), which cost a
second query per request. On PostgreSQL the group names come in the same statement as the user,
as an array; on the embedded SQLite default the roles are read on first use, as before."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef

from accounts.roles import remember_groups


class StaffBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        if connection.vendor != "postgresql":
            return super().get_user(user_id)
        users = get_user_model()._default_manager.annotate(
            group_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name"))
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        remember_groups(user, user.group_names)
        return user
