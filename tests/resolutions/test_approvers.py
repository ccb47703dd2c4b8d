"""One rule decides who is asked to approve a compensation and who may: supervisors up to their
limit, only admins above it; the request email, the queue and the approval all follow it."""

from decimal import Decimal

import pytest

from outbox.models import Message
from resolutions.errors import ResolutionError
from resolutions.models import CompensationStatus
from resolutions.services.approvers import approvers_to_ask, may_approve, requests_for
from resolutions.services.compensation import approve_compensation
from tests.factories import AdminUserFactory, AgentFactory, SupervisorFactory, propose_refund

pytestmark = pytest.mark.django_db


def propose(case, actor, amount: str):  # type: ignore[no-untyped-def]
    return propose_refund(case, actor, amount)


def emailed(compensation) -> set[str]:
    return set(
        Message.objects.filter(key__startswith=f"approval-request:{compensation.pk}:").values_list(
            "to", flat=True
        )
    )


def test_within_the_supervisor_limit_the_supervisors_are_asked_and_may_approve(
    case, agent, supervisor
) -> None:
    admin = AdminUserFactory(username="ada")

    waiting = propose(case, agent, "200")  # policy: agents 50, supervisors 250

    assert emailed(waiting) == {supervisor.email}
    assert list(approvers_to_ask(waiting)) == [supervisor]
    assert may_approve(supervisor, waiting) and may_approve(admin, waiting)
    assert not may_approve(agent, waiting)
    assert list(requests_for(supervisor)) == [waiting]


def test_above_the_supervisor_limit_only_admins_are_asked_see_it_queued_and_may_approve(
    case, agent, supervisor
) -> None:
    admin = AdminUserFactory(username="ada")

    waiting = propose(case, agent, "300")

    assert emailed(waiting) == {admin.email}  # supervisors are not asked what they may not decide
    assert not may_approve(supervisor, waiting) and may_approve(admin, waiting)
    assert list(requests_for(supervisor)) == [] and list(requests_for(admin)) == [waiting]
    with pytest.raises(ResolutionError, match="an admin must decide"):
        approve_compensation(compensation=waiting, actor=supervisor, reason="Fine by me")
    approve_compensation(compensation=waiting, actor=admin, reason="Exceptional case")
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.APPROVED and waiting.approved_by == admin


def test_what_the_case_already_has_counts_towards_the_supervisor_limit(case, agent, supervisor) -> None:
    AdminUserFactory(username="ada")
    propose(case, agent, "40")  # granted at once, within the agent's limit
    waiting = propose(case, agent, "220")  # 260 in all: above the supervisor limit

    assert not may_approve(supervisor, waiting)
    assert list(requests_for(supervisor)) == []


def test_nobody_decides_on_their_own_request(case, supervisor) -> None:
    other = SupervisorFactory(username="sam")
    waiting = propose(case, supervisor, "200")

    assert not may_approve(supervisor, waiting) and may_approve(other, waiting)
    assert list(approvers_to_ask(waiting)) == [other]
    assert list(requests_for(supervisor)) == []


@pytest.mark.parametrize("amount", ["60", "249.99", "250", "250.01", "900"])
def test_the_queue_the_email_and_the_approval_agree_for_every_amount(case, agent, supervisor, amount) -> None:
    admin = AdminUserFactory(username="ada")
    waiting = propose(case, agent, amount)

    for user in (supervisor, admin, AgentFactory(username="bo")):
        in_queue = waiting in requests_for(user)
        assert in_queue == may_approve(user, waiting)
        assert (user in approvers_to_ask(waiting)) == (
            in_queue and (user == admin) == (Decimal(amount) > Decimal("250"))
        )
