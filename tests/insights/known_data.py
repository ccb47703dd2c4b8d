"""One small, known set of cases over two weeks of March 2026, with every figure worked out by
hand in the tests that read it."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from complaints.models import Category, Complaint
from followups.models import FollowUp
from insights.models import Team
from insights.selectors.filters import Filters
from insights.services.rollups import refresh_rollups
from resolutions.models import Compensation
from tests.factories import (
    AgentFactory,
    CategoryFactory,
    CompensationPolicyFactory,
    ComplaintFactory,
    CustomerFactory,
    FollowUpStepFactory,
    ResolutionFactory,
    TeamFactory,
    channel,
    kind,
    only_policy,
    root_cause,
)

WEEK_1 = date(2026, 3, 2)  # a Monday
WEEK_2 = date(2026, 3, 9)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return START + timedelta(hours=hours)


@dataclass
class Known:
    deliveries: Category
    billing: Category
    team: Team
    cases: dict[str, Complaint]
    filters: Filters


def _case(name: str, **fields: object) -> Complaint:
    return ComplaintFactory(customer_words=f"Case {name}", **fields)


def build_known_data() -> Known:
    deliveries = CategoryFactory(name="Deliveries")
    late = CategoryFactory(name="Late parcels", parent=deliveries)
    billing = CategoryFactory(name="Billing")
    ada, bob = (
        AgentFactory(username="ada", first_name="Ada", last_name="Lovelace"),
        AgentFactory(username="bob", first_name="Bob", last_name="Hope"),
    )
    team = TeamFactory(name="Parcels")
    team.members.add(ada)
    phone, email = channel("phone"), channel("email")
    first_customer = CustomerFactory(name="Grace Hopper")
    a = _case(
        "A",
        category=deliveries,
        channel=phone,
        owner=ada,
        status="resolved",
        customer=first_customer,
        received_at=at(0),
        first_responded_at=at(1),
        first_response_due_at=at(4),
        resolved_at=at(20),
        resolution_due_at=at(40),
    )
    b = _case(
        "B",
        category=deliveries,
        channel=phone,
        owner=ada,
        status="resolved",
        customer=first_customer,
        received_at=at(0),
        first_responded_at=at(3),
        first_response_due_at=at(4),
        resolved_at=at(60),
        resolution_due_at=at(40),
    )
    c = _case(
        "C",
        category=late,
        channel=email,
        owner=ada,
        status="investigating",
        received_at=at(24 * 7),
        first_responded_at=at(24 * 7 + 10),
        first_response_due_at=at(24 * 7 + 4),
    )
    d = _case(
        "D",
        category=billing,
        channel=email,
        owner=bob,
        status="resolved",
        customer=CustomerFactory(name="Alan Turing"),
        received_at=at(2),
        first_responded_at=at(3),
        resolved_at=at(102),
    )
    ResolutionFactory(
        complaint=a,
        resolved_by=ada,
        completed_at=a.resolved_at,
        root_cause=root_cause("delivery"),
        lesson_learned="Check the courier's scan before promising a date.",
    )
    ResolutionFactory(
        complaint=b,
        resolved_by=ada,
        completed_at=b.resolved_at,
        root_cause=root_cause("delivery"),
        apology_given=False,
    )
    ResolutionFactory(
        complaint=d,
        resolved_by=bob,
        completed_at=d.resolved_at,
        root_cause=root_cause("billing"),
        preventable=False,
    )
    _followups(a, b, c, d)
    _compensation(ada, a, b, d)
    refresh_rollups(start=date(2026, 3, 1), end=date(2026, 3, 20))
    return Known(
        deliveries=deliveries,
        billing=billing,
        team=team,
        cases={"A": a, "B": b, "C": c, "D": d},
        filters=Filters(start=WEEK_1, end=date(2026, 3, 15)),
    )


def _followups(a: Complaint, b: Complaint, c: Complaint, d: Complaint) -> None:
    step = FollowUpStepFactory(policy=only_policy(name="Known"))
    call_step = FollowUpStepFactory(policy=step.policy, channel="call")

    def followup(case: Complaint, due: float, **fields: object) -> FollowUp:
        return FollowUp.objects.create(
            complaint=case,
            customer=case.customer,
            step=fields.pop("step", step),
            resolved_at=at(due - 48),
            channel=fields.pop("channel", "email"),
            due_at=at(due),
            **fields,
        )

    followup(
        a,
        50,
        state="answered",
        sent_at=at(50.1),
        answered_at=at(70),
        answer_resolved=True,
        answer_satisfaction=5,
    )
    followup(
        b,
        74,
        state="answered",
        sent_at=at(74 + 50),
        answered_at=at(130),
        answer_resolved=False,
        answer_satisfaction=2,
    )
    followup(d, 98, state="failed", failed_at=at(99), last_error="550 no such mailbox")
    followup(
        c,
        24 * 6,
        step=call_step,
        channel="call",
        state="answered",
        sent_at=at(24 * 6 + 2),
        answered_at=at(24 * 6 + 2),
        answer_resolved=True,
        answer_satisfaction=4,
    )


def _compensation(agent: object, a: Complaint, b: Complaint, d: Complaint) -> None:
    policy = CompensationPolicyFactory(name="General", monthly_budget=Decimal("5000.00"))

    def grant(case: Complaint, code: str, amount: str, status: str, **fields: object) -> None:
        Compensation.objects.create(
            complaint=case,
            idempotency_key=uuid.uuid4(),
            kind=kind(code),
            amount=Decimal(amount),
            currency="GBP",
            reason="Known",
            status=status,
            policy=policy,
            budget_category=case.category,
            proposed_by=agent,
            proposed_at=at(30),
            decided_at=at(30) if status != "proposed" else None,
            **fields,
        )

    grant(a, "refund", "30.00", "approved")
    grant(b, "refund", "20.00", "approved")
    grant(d, "discount", "100.00", "issued", external_reference="TX-1")
    grant(d, "refund", "500.00", "proposed")  # awaiting approval: not spent
