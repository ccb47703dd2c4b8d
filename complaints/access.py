"""The one rule for who may see which cases, shared by every list and page."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet

from accounts.roles import Role, has_role
from complaints.errors import NotAllowed
from complaints.models import Complaint, Customer


def visible_cases_q(user: AbstractBaseUser | AnonymousUser, *, via: str = "") -> Q:
    """The rule as a condition, for queries that start from the case or from a row that points at
    one (`via="complaint"` for follow-ups, compensation). Staff in the service team see every
    case: they pick up calls on cases owned by colleagues and must see a customer's history.
    Anyone else sees none (customers use signed links).

    A condition rather than `complaint__in=<cases>`: for staff it adds nothing to the query, where
    `IN (SELECT id FROM complaints_complaint)` costs PostgreSQL 10-18 ms to plan and run at a
    million cases; for anyone else Django answers without asking the database."""
    if has_role(user, Role.AGENT):
        return Q()
    return Q(**{f"{via}__pk__in" if via else "pk__in": []})


def visible_complaints(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    """Cases this user may see (`visible_cases_q` on the case table)."""
    return Complaint.objects.filter(visible_cases_q(user))


def visible_customers(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Customer]:
    """Customers follow their cases: whoever sees cases sees the people who raised them."""
    if has_role(user, Role.AGENT):
        return Customer.objects.all()
    return Customer.objects.none()


def can_work_on(user: AbstractBaseUser | AnonymousUser, complaint: Complaint) -> bool:
    """Work on a case (status, resolution, compensation, files) needs an owner first, so that no
    case is worked on unowned: agents act on their own cases, supervisors on any owned case.
    An unowned case is claimed (`can_claim`) or assigned by a supervisor before anything else."""
    if complaint.owner_id is None:
        return False
    if has_role(user, Role.SUPERVISOR):
        return True
    return has_role(user, Role.AGENT) and complaint.owner_id == user.pk


def ensure_may_work_on(user: AbstractBaseUser | AnonymousUser, complaint: Complaint) -> None:
    """`can_work_on` as a refusal the services raise, worded for the person refused."""
    if can_work_on(user, complaint):
        return
    if not has_role(user, Role.AGENT):
        raise NotAllowed("Only the service team can work on cases.")
    if complaint.owner_id is None:
        raise NotAllowed("You cannot do that on this case: nobody owns it yet; claim it first.")
    raise NotAllowed("You cannot do that on this case: it is owned by someone else.")


def ensure_may_transfer(user: AbstractBaseUser | AnonymousUser, complaint: Complaint) -> None:
    """`can_transfer` (or a supervisor's reassigning) as a refusal the services raise."""
    if not (can_reassign(user) or can_transfer(user, complaint)):
        raise NotAllowed("Only the case's owner or a supervisor can hand it to someone else.")


def ensure_staff(user: AbstractBaseUser | AnonymousUser) -> None:
    """Notes and logged calls are open to the whole team: whoever took the call records it."""
    if not has_role(user, Role.AGENT):
        raise NotAllowed("Only the service team can record work on cases.")


def can_claim(user: AbstractBaseUser | AnonymousUser, complaint: Complaint) -> bool:
    """Unowned open cases are visible to every agent until one of them claims it."""
    return has_role(user, Role.AGENT) and complaint.owner_id is None and complaint.is_open


def can_transfer(user: AbstractBaseUser | AnonymousUser, complaint: Complaint) -> bool:
    """The owner hands an open case on; supervisors may move any open case."""
    if not complaint.is_open:
        return False
    if has_role(user, Role.SUPERVISOR):
        return True
    return has_role(user, Role.AGENT) and complaint.owner_id is not None and complaint.owner_id == user.pk


def can_reassign(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Supervisors assign unowned cases and move any case, one or many at a time."""
    return has_role(user, Role.SUPERVISOR)


def assignable_users() -> QuerySet[User]:
    """Active staff who can own cases (agents, supervisors, admins)."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[Role.AGENT, Role.SUPERVISOR, Role.ADMIN]) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
