"""The three staff roles and the one place that says who holds which."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models


class Role(models.TextChoices):
    AGENT = "Agent", "Agent"
    SUPERVISOR = "Supervisor", "Supervisor"
    ADMIN = "Admin", "Admin"


# A supervisor can do what an agent can, an admin what a supervisor can.
_IMPLIED: dict[str, set[str]] = {
    Role.AGENT: {Role.AGENT, Role.SUPERVISOR, Role.ADMIN},
    Role.SUPERVISOR: {Role.SUPERVISOR, Role.ADMIN},
    Role.ADMIN: {Role.ADMIN},
}


def user_roles(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    cached: set[str] | None = getattr(user, "_redress_roles", None)
    if cached is None:
        cached = remember_groups(user, user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    return cached


def remember_groups(user: AbstractBaseUser | AnonymousUser, group_names: Iterable[str]) -> set[str]:
    """Keep the roles of `user`, read from its groups, on the user object for this request (the
    sign-in backend reads the groups with the user)."""
    names = set(group_names)
    if getattr(user, "is_superuser", False):
        names.add(Role.ADMIN)
    user._redress_roles = names  # type: ignore[union-attr]
    return names


def has_role(user: AbstractBaseUser | AnonymousUser, role: str) -> bool:
    return bool(user_roles(user) & _IMPLIED[role])
