"""The one rule for who may see which cases, shared by every list and page."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import Role, has_role
from complaints.models import Complaint


def visible_complaints(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """Staff in the service team see every case: they pick up calls on cases owned by colleagues
    and must see a customer's history. Anyone else sees none (customers use signed links)."""
    if has_role(user, Role.AGENT):
        return Complaint.objects.all()
    return Complaint.objects.none()


def can_work_on(user: AbstractBaseUser | AnonymousUser, complaint: Complaint) -> bool:
    """Agents act on unowned cases and their own; supervisors on any."""
    if has_role(user, Role.SUPERVISOR):
        return True
    if not has_role(user, Role.AGENT):
        return False
    return complaint.owner_id is None or complaint.owner_id == user.pk
