"""Saved case list filters: a staff member names the filters they use often."""

from django.contrib.auth.models import User
from django.db import transaction

from accounts.roles import Role, has_role
from complaints.errors import ComplaintError
from complaints.models import SavedFilter

MAX_SAVED_FILTERS = 30


@transaction.atomic
def save_filter(*, user: User, name: str, query: str) -> SavedFilter:
    """Keep `query` (the list's filters) under `name`; saving under a name already used replaces
    what that name held."""
    if not has_role(user, Role.AGENT):
        raise ComplaintError("Only staff who work on cases can save case filters.")
    name = " ".join(name.split())
    if not name:
        raise ComplaintError("Give the filters a name.")
    existing = SavedFilter.objects.select_for_update().filter(user=user, name=name).first()
    if existing is not None:
        existing.query = query
        existing.save(update_fields=["query"])
        return existing
    if SavedFilter.objects.filter(user=user).count() >= MAX_SAVED_FILTERS:
        raise ComplaintError(f"You can keep {MAX_SAVED_FILTERS} saved filters; delete one first.")
    return SavedFilter.objects.create(user=user, name=name, query=query)


@transaction.atomic
def delete_filter(*, user: User, saved_filter: SavedFilter) -> None:
    if saved_filter.user_id != user.pk:
        raise ComplaintError("This saved filter belongs to someone else.")
    saved_filter.delete()
