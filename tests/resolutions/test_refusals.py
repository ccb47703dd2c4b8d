"""Resolution services refuse in one vocabulary (`ResolutionError`), check the actor themselves,
and views show a refusal in one place; a programming error is never shown as a message."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from resolutions.errors import ResolutionError
from resolutions.services.choices import send_solution_options
from resolutions.services.compensation import issue_compensation, propose_compensation
from resolutions.services.resolving import SolutionInput
from tests.factories import AgentFactory, kind

pytestmark = pytest.mark.django_db


def test_a_refusal_says_what_is_wrong_and_names_the_field_it_is_about(case, agent) -> None:
    with pytest.raises(ResolutionError) as refused:
        propose_compensation(
            complaint=case,
            actor=agent,
            kind=kind("refund"),
            amount=Decimal("-5"),
            currency="GBP",
            reason="Late",
            idempotency_key=uuid.uuid4(),
        )
    assert refused.value.field == "amount"
    assert refused.value.errors == {"amount": ["An amount cannot be negative."]}


@pytest.mark.parametrize("service", ["propose", "issue", "send_options"])
def test_services_check_the_actor_themselves_whatever_the_caller(case, agent, service) -> None:
    stranger = AgentFactory(username="stranger")
    granted = propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("10"),
        currency="GBP",
        reason="Late",
        idempotency_key=uuid.uuid4(),
    )
    calls = {
        "propose": lambda: propose_compensation(
            complaint=case,
            actor=stranger,
            kind=kind("refund"),
            amount=Decimal("10"),
            currency="GBP",
            reason="Late",
            idempotency_key=uuid.uuid4(),
        ),
        "issue": lambda: issue_compensation(compensation=granted, actor=stranger, external_reference="TX"),
        "send_options": lambda: send_solution_options(
            complaint=case, actor=stranger, solutions=[SolutionInput(kind=kind("refund"), details="Refund")]
        ),
    }
    with pytest.raises(ResolutionError, match="cannot work on this case"):
        calls[service]()


def test_a_refusal_without_a_form_becomes_a_message_on_the_next_page(client, case, agent) -> None:
    waiting = propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("90"),
        currency="GBP",
        reason="Late",
        idempotency_key=uuid.uuid4(),
    )
    client.force_login(agent)

    response = client.post(
        reverse("resolutions:issue", args=[waiting.pk]), {"external_reference": "TX-9"}, follow=True
    )

    assert "Only approved compensation can be issued" in response.content.decode()


def test_a_programming_error_in_a_service_is_not_turned_into_a_message(
    client, case, agent, monkeypatch
) -> None:
    def broken(**kwargs: object) -> None:
        raise ValueError("a bug, not a refusal")

    monkeypatch.setattr("resolutions.views.cases.propose_compensation", broken)
    client.force_login(agent)

    with pytest.raises(ValueError, match="a bug"):
        client.post(
            reverse("resolutions:propose", args=[case.reference]),
            {
                "idempotency_key": str(uuid.uuid4()),
                "kind": kind("refund").pk,
                "amount": "10",
                "currency": "GBP",
                "reason": "Late",
            },
        )
