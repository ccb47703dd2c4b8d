"""Compensation: limits per role, approvals, budgets, the case's flag, and bad input."""

import uuid
from decimal import Decimal

import pytest

from complaints.models import EventKind
from resolutions.errors import ResolutionError
from resolutions.models import BudgetUsage, CompensationStatus
from resolutions.services.compensation import (
    approve_compensation,
    cancel_compensation,
    issue_compensation,
    propose_compensation,
    reject_compensation,
)
from resolutions.services.policies import derived_budget_usage, month_of
from tests.factories import AdminUserFactory, ComplaintFactory, SupervisorFactory, kind

pytestmark = pytest.mark.django_db


def propose(case, actor, amount, *, code="refund", currency="GBP", key=None):
    return propose_compensation(
        complaint=case,
        actor=actor,
        kind=kind(code),
        amount=amount,
        currency=currency,
        reason="Parcel arrived broken.",
        idempotency_key=key or uuid.uuid4(),
    )


def field_errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.errors


def test_a_compensation_within_the_agents_limit_is_approved_at_once(case, agent) -> None:
    granted = propose(case, agent, Decimal("40.00"))

    assert granted.status == CompensationStatus.APPROVED
    assert granted.approved_by == agent
    case.refresh_from_db()
    assert case.compensation_given is True
    ledger = BudgetUsage.objects.get(category=case.category)
    assert ledger.committed == Decimal("40.00")
    assert case.events.filter(kind=EventKind.COMPENSATION).exists()


def test_a_compensation_above_the_agents_limit_waits_and_supervisors_are_told_through_the_outbox(
    case, agent, supervisor, mailoutbox
) -> None:
    from outbox.testing import flush_outbox

    waiting = propose(case, agent, Decimal("80.00"))

    assert waiting.status == CompensationStatus.PROPOSED
    assert mailoutbox == []
    case.refresh_from_db()
    assert case.compensation_given is False
    assert not BudgetUsage.objects.exists()
    flush_outbox()
    (message,) = mailoutbox
    assert message.to == [supervisor.email]
    assert "80.00 GBP" in message.subject


def test_the_agents_limit_counts_what_the_case_already_has(case, agent) -> None:
    propose(case, agent, Decimal("30.00"))
    second = propose(case, agent, Decimal("30.00"))
    assert second.status == CompensationStatus.PROPOSED


def test_a_supervisor_approves_within_their_limit_and_the_budget_is_spent(case, agent, supervisor) -> None:
    waiting = propose(case, agent, Decimal("200.00"))

    approve_compensation(compensation=waiting, actor=supervisor, reason="Long wait, fair.")

    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.APPROVED
    assert waiting.approved_by == supervisor and waiting.decided_at is not None
    assert waiting.budget_month == month_of(waiting.decided_at)
    case.refresh_from_db()
    assert case.compensation_given is True
    assert BudgetUsage.objects.get().committed == Decimal("200.00")


def test_an_agent_cannot_approve(case, agent) -> None:
    other = SupervisorFactory()
    waiting = propose(case, other, Decimal("300.00"))
    with pytest.raises(ResolutionError):
        approve_compensation(compensation=waiting, actor=agent)
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.PROPOSED


def test_a_supervisor_cannot_approve_their_own_request(case, supervisor) -> None:
    waiting = propose(case, supervisor, Decimal("300.00"))
    with pytest.raises(ResolutionError, match="someone else must decide"):
        approve_compensation(compensation=waiting, actor=supervisor)


def test_approval_above_the_supervisor_limit_is_refused_but_an_admin_may_approve(
    case, agent, supervisor
) -> None:
    waiting = propose(case, agent, Decimal("400.00"))

    with pytest.raises(ResolutionError, match=r"above your approval limit of 250\.00 GBP"):
        approve_compensation(compensation=waiting, actor=supervisor)
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.PROPOSED
    assert not BudgetUsage.objects.exists()

    approve_compensation(compensation=waiting, actor=AdminUserFactory())
    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.APPROVED


def test_nothing_above_the_hard_maximum_can_even_be_proposed(case, agent) -> None:
    with pytest.raises(ResolutionError) as excinfo:
        propose(case, agent, Decimal("1000.01"))
    assert "hard maximum of 1,000.00 GBP" in field_errors(excinfo)["amount"][0]
    assert not case.compensations.exists()


def test_an_admin_lowering_the_hard_maximum_stops_a_pending_approval(case, agent, policy) -> None:
    waiting = propose(case, agent, Decimal("200.00"))
    policy.supervisor_limit = policy.hard_maximum = Decimal("150.00")
    policy.save()
    with pytest.raises(ResolutionError, match=r"hard maximum of 150\.00 GBP"):
        approve_compensation(compensation=waiting, actor=AdminUserFactory())


def test_the_monthly_budget_cannot_be_overspent(case, agent, supervisor, policy, category) -> None:
    policy.monthly_budget = Decimal("100.00")
    policy.save()
    for _ in range(2):
        propose(ComplaintFactory(owner=agent, category=category), agent, Decimal("45.00"))
    waiting = propose(case, agent, Decimal("60.00"))

    with pytest.raises(ResolutionError, match=r"Only 10\.00 GBP is left in this month's budget"):
        approve_compensation(compensation=waiting, actor=supervisor)
    with pytest.raises(ResolutionError) as excinfo:
        propose(ComplaintFactory(owner=agent, category=category), agent, Decimal("10.01"))
    assert "Only 10.00 GBP" in field_errors(excinfo)["amount"][0]
    assert BudgetUsage.objects.get().committed == Decimal("90.00")
    propose(ComplaintFactory(owner=agent, category=category), agent, Decimal("10.00"))
    assert BudgetUsage.objects.get().committed == Decimal("100.00")


def test_rejecting_needs_a_reason_and_clears_the_flag(case, agent, supervisor) -> None:
    waiting = propose(case, agent, Decimal("80.00"))
    with pytest.raises(ResolutionError):
        reject_compensation(compensation=waiting, actor=supervisor, reason="  ")

    reject_compensation(compensation=waiting, actor=supervisor, reason="Already refunded by the courier.")

    waiting.refresh_from_db()
    assert waiting.status == CompensationStatus.REJECTED
    assert waiting.decision_reason == "Already refunded by the courier."
    case.refresh_from_db()
    assert case.compensation_given is False
    with pytest.raises(ResolutionError, match="already rejected"):
        approve_compensation(compensation=waiting, actor=supervisor)


def test_cancelling_gives_the_budget_back_and_the_flag_follows(case, agent) -> None:
    granted = propose(case, agent, Decimal("40.00"))
    cancel_compensation(compensation=granted, actor=agent, reason="Customer declined it.")

    granted.refresh_from_db()
    assert granted.status == CompensationStatus.CANCELLED
    assert BudgetUsage.objects.get().committed == Decimal("0.00")
    assert (
        derived_budget_usage(category_id=case.category_id, month=month_of(granted.decided_at), currency="GBP")
        == 0
    )
    case.refresh_from_db()
    assert case.compensation_given is False


def test_issuing_records_the_external_reference_and_issued_money_cannot_be_cancelled(case, agent) -> None:
    granted = propose(case, agent, Decimal("40.00"))
    with pytest.raises(ResolutionError):
        issue_compensation(compensation=granted, actor=agent, external_reference=" ")

    issue_compensation(compensation=granted, actor=agent, external_reference="RF-778812")

    granted.refresh_from_db()
    assert granted.status == CompensationStatus.ISSUED and granted.external_reference == "RF-778812"
    case.refresh_from_db()
    assert case.compensation_given is True
    with pytest.raises(ResolutionError, match="cannot be cancelled"):
        cancel_compensation(compensation=granted, actor=agent, reason="Oops")


def test_a_waiting_compensation_cannot_be_issued(case, agent) -> None:
    waiting = propose(case, agent, Decimal("80.00"))
    with pytest.raises(ResolutionError, match="Only approved"):
        issue_compensation(compensation=waiting, actor=agent, external_reference="RF-1")


def test_a_double_submit_records_one_compensation(case, agent) -> None:
    key = uuid.uuid4()
    first = propose(case, agent, Decimal("40.00"), key=key)
    again = propose(case, agent, Decimal("40.00"), key=key)
    assert first.pk == again.pk
    assert case.compensations.count() == 1
    assert BudgetUsage.objects.get().committed == Decimal("40.00")


@pytest.mark.parametrize(
    ("amount", "code", "currency", "field", "message"),
    [
        (Decimal("-5"), "refund", "GBP", "amount", "cannot be negative"),
        (Decimal("0"), "refund", "GBP", "amount", "above zero"),
        ("twelve", "refund", "GBP", "amount", "as a number"),
        (Decimal("NaN"), "refund", "GBP", "amount", "as a number"),
        (Decimal("10.005"), "refund", "GBP", "amount", "two decimal places"),
        (Decimal("1e12"), "refund", "GBP", "amount", "too large"),
        (Decimal("10"), "refund", "XYZ", "currency", "Unknown currency"),
        (Decimal("10"), "refund", "EUR", "currency", "sets its limits in GBP"),
        (Decimal("10"), "store_credit", "GBP", "kind", "does not allow store credit"),
    ],
)
def test_bad_input_is_refused_with_a_message_for_its_field(
    case, agent, policy, amount, code, currency, field, message
) -> None:
    policy.allowed_kinds.remove(kind("store_credit"))
    with pytest.raises(ResolutionError) as excinfo:
        propose(case, agent, amount, code=code, currency=currency)
    assert message in " ".join(field_errors(excinfo)[field])
    assert not case.compensations.exists()
    assert not BudgetUsage.objects.exists()


def test_zero_is_allowed_for_a_kind_that_has_no_money_value(case, agent) -> None:
    granted = propose(case, agent, Decimal("0"), code="priority_service")
    assert granted.status == CompensationStatus.APPROVED


def test_without_a_policy_no_compensation_is_granted(case, agent, policy) -> None:
    policy.delete()
    with pytest.raises(ResolutionError) as excinfo:
        propose(case, agent, Decimal("10"))
    assert "No compensation policy covers this case" in field_errors(excinfo)["kind"][0]
