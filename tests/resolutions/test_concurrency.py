"""Two approvals at once never overspend a budget; a double submit at once records one resolution."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import connection

from resolutions.errors import ResolutionError
from resolutions.models import BudgetUsage, CompensationPolicy, CompensationStatus, Resolution
from resolutions.services.compensation import approve_compensation, propose_compensation
from resolutions.services.policies import derived_budget_usage, month_of
from resolutions.services.resolving import SolutionInput, StepsTaken, resolve_complaint
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CompensationPolicyFactory,
    ComplaintFactory,
    SupervisorFactory,
    kind,
    root_cause,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_at_once(*calls):
    """Start every call on its own thread and connection at the same moment; return results."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_supervisors_approving_at_once_cannot_overspend_the_budget() -> None:
    category = CategoryFactory(name="Billing")
    CompensationPolicy.objects.all().delete()
    CompensationPolicyFactory(category=category, monthly_budget=Decimal("160.00"))
    agent = AgentFactory()
    # Something was already spent this month, so the budget row exists and only its lock can
    # keep the two approvals apart.
    propose_compensation(
        complaint=ComplaintFactory(owner=agent, category=category),
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("10.00"),
        currency="GBP",
        reason="Small gesture",
        idempotency_key=uuid.uuid4(),
    )
    waiting = [
        propose_compensation(
            complaint=ComplaintFactory(owner=agent, category=category),
            actor=agent,
            kind=kind("refund"),
            amount=Decimal("100.00"),
            currency="GBP",
            reason="Overcharged",
            idempotency_key=uuid.uuid4(),
        )
        for _ in range(2)
    ]
    approvers = [SupervisorFactory(), SupervisorFactory()]

    results = run_at_once(
        *[
            (lambda c=c, a=a: approve_compensation(compensation=c, actor=a))
            for c, a in zip(waiting, approvers, strict=True)
        ]
    )

    refused = [r for r in results if isinstance(r, ResolutionError)]
    assert len(refused) == 1, results
    assert "Only 50.00 GBP is left" in refused[0].messages[0]
    statuses = sorted(type(c).objects.get(pk=c.pk).status for c in waiting)
    assert statuses == [CompensationStatus.APPROVED, CompensationStatus.PROPOSED]
    ledger = BudgetUsage.objects.get(category=category)
    assert ledger.committed == Decimal("110.00")
    assert (
        derived_budget_usage(category_id=category.pk, month=ledger.month, currency="GBP") == ledger.committed
    )
    approved = next(c for c in waiting if type(c).objects.get(pk=c.pk).status == CompensationStatus.APPROVED)
    assert ledger.month == month_of(type(approved).objects.get(pk=approved.pk).decided_at)


def test_many_agents_granting_at_once_spend_exactly_up_to_the_budget() -> None:
    category = CategoryFactory(name="Delivery")
    CompensationPolicy.objects.all().delete()
    CompensationPolicyFactory(category=category, monthly_budget=Decimal("100.00"))
    agents = [AgentFactory() for _ in range(5)]
    cases = [ComplaintFactory(owner=a, category=category) for a in agents]

    results = run_at_once(
        *[
            (
                lambda c=c, a=a: propose_compensation(
                    complaint=c,
                    actor=a,
                    kind=kind("refund"),
                    amount=Decimal("30.00"),
                    currency="GBP",
                    reason="Late",
                    idempotency_key=uuid.uuid4(),
                )
            )
            for c, a in zip(cases, agents, strict=True)
        ]
    )

    assert sum(isinstance(r, ResolutionError) for r in results) == 2, results
    ledger = BudgetUsage.objects.get(category=category)
    assert ledger.committed == Decimal("90.00")
    assert derived_budget_usage(category_id=category.pk, month=ledger.month, currency="GBP") == Decimal(
        "90.00"
    )


def test_a_form_submitted_twice_at_once_records_one_resolution() -> None:
    from complaints.models import Status
    from complaints.services.transitions import change_status

    agent = AgentFactory()
    case = ComplaintFactory(owner=agent)
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)
    key = uuid.uuid4()

    def submit():
        return resolve_complaint(
            complaint=case,
            actor=agent,
            idempotency_key=key,
            steps=StepsTaken(
                listened=True, emotion_acknowledged=True, apology_given=True, ownership_taken=True
            ),
            solutions=[SolutionInput(kind=kind("refund"), details="Full refund", value=Decimal("20"))],
            chosen=0,
            outcome="Refunded.",
            root_cause=root_cause("billing"),
            preventable=True,
        )

    first, second = run_at_once(submit, submit)

    assert isinstance(first, Resolution) and isinstance(second, Resolution), (first, second)
    assert first.pk == second.pk
    assert Resolution.objects.filter(complaint=case).count() == 1
    assert case.solutions.count() == 1
