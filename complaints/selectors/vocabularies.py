"""Choices for the case list's filter bar, read in one place."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from complaints.access import assignable_users
from complaints.models import Category, Channel, Severity


def person_label(user: User) -> str:
    return user.get_full_name() or user.get_username()


def filter_choices(owners: QuerySet[User] | None = None) -> dict[str, list[tuple[str, str]]]:
    owners = assignable_users() if owners is None else owners
    return {
        "categories": [
            (str(pk), name) for pk, name in Category.objects.order_by("name").values_list("pk", "name")
        ],
        "severities": [(str(pk), name) for pk, name in Severity.objects.values_list("pk", "name")],
        "channels": [(str(pk), name) for pk, name in Channel.objects.values_list("pk", "name")],
        "owners": [
            (str(u.pk), person_label(u)) for u in owners.only("pk", "username", "first_name", "last_name")
        ],
    }
