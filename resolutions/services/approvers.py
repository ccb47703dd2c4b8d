"""Who is asked to approve a compensation, and who may approve it: one rule, read by the request
email, the approval queue and the approval itself, so the three can never disagree.

What decides is the case total the approval would commit: what is already approved or issued on
the case in the same currency, plus this amount. Up to the policy's supervisor limit, supervisors
decide (and admins may); above it, only admins, so admins are the ones asked. Nobody decides on a
request they made themselves.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.roles import Role, has_role
from complaints.access import visible_cases_q
from resolutions.models import COMMITTED_STATUSES, Compensation, CompensationPolicy, CompensationStatus
from resolutions.services.policies import case_total

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def approver_role(*, policy: CompensationPolicy, total: Decimal) -> Role:
    """The role that decides a request that would bring the case to `total`."""
    return Role.SUPERVISOR if total <= policy.supervisor_limit else Role.ADMIN


def total_if_approved(compensation: Compensation) -> Decimal:
    committed = case_total(
        complaint=compensation.complaint,
        currency=compensation.currency,
        statuses=COMMITTED_STATUSES,
        exclude_pk=compensation.pk,
    )
    return committed + compensation.amount


def may_approve(
    user: AbstractBaseUser | AnonymousUser, compensation: Compensation, *, total: Decimal | None = None
) -> bool:
    if not user.is_authenticated or user.pk == compensation.proposed_by_id:
        return False
    total = total_if_approved(compensation) if total is None else total
    return has_role(user, approver_role(policy=compensation.policy, total=total))


def approvers_to_ask(compensation: Compensation) -> QuerySet[User]:
    """Active people of the deciding role with an email address, the proposer left out."""
    role = approver_role(policy=compensation.policy, total=total_if_approved(compensation))
    holders = Q(groups__name=Role.ADMIN) | Q(is_superuser=True)
    if role == Role.SUPERVISOR:
        holders = Q(groups__name=Role.SUPERVISOR)
    users: QuerySet[User] = get_user_model().objects.all()  # type: ignore[assignment]
    return (
        users.filter(holders, is_active=True)
        .exclude(email="")
        .exclude(pk=compensation.proposed_by_id)
        .distinct()
        .order_by("pk")
    )


def with_total_if_approved(requests: QuerySet[Compensation]) -> QuerySet[Compensation]:
    """`total_if_approved` computed by the database for every row, for queues of many requests."""
    committed = (
        Compensation.objects.filter(
            complaint=OuterRef("complaint"),
            currency=OuterRef("currency"),
            status__in=list(COMMITTED_STATUSES),
        )
        .order_by()
        .values("complaint")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return requests.annotate(
        committed_on_case=Coalesce(Subquery(committed), ZERO),
        total_if_approved=F("committed_on_case") + F("amount"),
    )


def requests_awaiting(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Compensation]:
    """Requests waiting for a decision, each with its `total_if_approved`."""
    return with_total_if_approved(
        Compensation.objects.filter(
            visible_cases_q(user, via="complaint"), status=CompensationStatus.PROPOSED
        )
    )


def requests_for(
    user: AbstractBaseUser | AnonymousUser, *, user_id: int | None = None
) -> QuerySet[Compensation]:
    """The requests this user may decide: `may_approve` as a query. `user_id`: the user's id as
    the query should hold it (a baked read passes a stand-in; see `portal.baked`)."""
    if not has_role(user, Role.SUPERVISOR):
        return Compensation.objects.none()
    awaiting = requests_awaiting(user).exclude(proposed_by_id=user.pk if user_id is None else user_id)
    if has_role(user, Role.ADMIN):
        return awaiting
    return awaiting.filter(**{"total_if_approved__lte": F("policy__supervisor_limit")})


def requests_for_admins(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Compensation]:
    """Requests above the supervisor limit, which only an admin may decide."""
    return requests_awaiting(user).filter(**{"total_if_approved__gt": F("policy__supervisor_limit")})
