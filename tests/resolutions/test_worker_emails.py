"""With a real worker on Redis and a real SMTP server: the emails these services enqueue arrive."""

import uuid
from decimal import Decimal

import pytest

from complaints.models import Status
from complaints.services.transitions import change_status
from resolutions.services.compensation import propose_compensation
from resolutions.services.resolving import SolutionInput, StepsTaken, resolve_complaint
from tests.factories import AgentFactory, ComplaintFactory, SupervisorFactory, kind, root_cause
from tests.support.smtp import text_body

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_customer_confirmation_and_the_supervisors_request_travel_through_the_worker(
    celery_worker, smtp_server
) -> None:
    agent = AgentFactory(username="alex")
    SupervisorFactory(username="morgan", email="morgan@staff.example.com")
    case = ComplaintFactory(owner=agent)
    change_status(complaint=case, to_status=Status.INVESTIGATING, actor=agent)
    other = ComplaintFactory(owner=agent)

    resolve_complaint(
        complaint=case,
        actor=agent,
        idempotency_key=uuid.uuid4(),
        steps=StepsTaken(listened=True, emotion_acknowledged=True, apology_given=True, ownership_taken=True),
        solutions=[SolutionInput(kind=kind("refund"), details="Full refund", value=Decimal("19.99"))],
        chosen=0,
        outcome="Refunded in full.",
        root_cause=root_cause("billing"),
        preventable=True,
    )
    propose_compensation(
        complaint=other,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("90.00"),
        currency="GBP",
        reason="Charged twice",
        idempotency_key=uuid.uuid4(),
    )

    messages = smtp_server.wait_for(2)
    by_recipient = {m["To"]: m for m in messages}
    confirmation = by_recipient[case.customer.email]
    assert case.reference in confirmation["Subject"]
    assert "Refunded in full." in text_body(confirmation)
    request = by_recipient["morgan@staff.example.com"]
    assert "90.00 GBP" in request["Subject"]
    assert "/approvals/" in text_body(request)
