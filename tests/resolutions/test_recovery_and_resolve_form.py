"""The recovery checklist offers words for each step (admins edit them), the resolve form shows
the customer's own words, and a chosen refund, credit or discount becomes the compensation."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from complaints.models import Status
from resolutions.models import CompensationStatus, RecoveryStep, Resolution, ResolutionStatus
from resolutions.services.resolving import CompensationInput, SolutionInput, StepsTaken, resolve_complaint
from tests.factories import AdminUserFactory, kind, root_cause

pytestmark = pytest.mark.django_db

ALL_STEPS = StepsTaken(listened=True, emotion_acknowledged=True, apology_given=True, ownership_taken=True)


def resolve(case, agent, solutions, chosen=0, compensation=None):
    return resolve_complaint(
        complaint=case,
        actor=agent,
        idempotency_key=uuid.uuid4(),
        steps=ALL_STEPS,
        solutions=solutions,
        chosen=chosen,
        outcome="Refunded.",
        root_cause=root_cause("delivery"),
        preventable=True,
        compensation=compensation,
    )


def test_each_step_comes_with_the_methods_words() -> None:
    wording = dict(RecoveryStep.objects.values_list("code", "suggested_wording"))
    assert wording["emotion_acknowledged"] == "I understand how frustrating this is."
    assert wording["apology_given"] == "I'm sorry this happened."
    assert "I'll see this through myself" in wording["ownership_taken"]
    assert "Have I got that right?" in wording["listened"]


def test_the_resolve_form_and_the_case_page_show_the_words_an_admin_wrote(client, case, agent) -> None:
    admin = AdminUserFactory(username="ada", is_superuser=True)
    client.force_login(admin)
    step = RecoveryStep.objects.get(code="apology_given")
    client.post(
        reverse("admin:resolutions_recoverystep_change", args=[step.pk]),
        {
            "label": step.label,
            "help_text": step.help_text,
            "suggested_wording": "I'm truly sorry we let you down.",
            "is_required": "on",
            "position": step.position,
        },
    )
    step.refresh_from_db()
    assert step.suggested_wording == "I'm truly sorry we let you down."

    client.force_login(agent)
    form = client.get(reverse("resolutions:resolve", args=[case.reference])).content.decode()
    case_page = client.get(reverse("complaints:detail", args=[case.reference])).content.decode()

    for page in (form, case_page):
        assert "I&#x27;m truly sorry we let you down." in page
        assert "I understand how frustrating this is." in page


def test_the_resolve_form_shows_the_customers_own_words_and_what_they_want(client, case, agent) -> None:
    case.customer_words = "Third time the kettle came broken!"
    case.desired_outcome = "My money back."
    case.save()
    client.force_login(agent)

    page = client.get(reverse("resolutions:resolve", args=[case.reference])).content.decode()

    assert "Third time the kettle came broken!" in page[page.index('id="customer-own-words"') :][:200]
    assert "My money back." in page[page.index('id="customer-wanted-outcome"') :][:200]


def test_a_chosen_refund_becomes_the_compensation_without_typing_it_again(case, agent) -> None:
    resolution = resolve(
        case, agent, [SolutionInput(kind=kind("refund"), details="Full refund", value=Decimal("39.99"))]
    )

    (granted,) = case.compensations.all()
    assert (granted.kind.code, granted.amount, granted.currency) == ("refund", Decimal("39.99"), "GBP")
    assert granted.status == CompensationStatus.APPROVED and granted.resolution == resolution
    assert "Full refund" in granted.reason
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.compensation_given


def test_a_chosen_refund_above_the_agents_limit_waits_for_approval_like_any_compensation(case, agent) -> None:
    resolution = resolve(
        case, agent, [SolutionInput(kind=kind("store_credit"), details="Credit", value=Decimal("80"))]
    )

    assert resolution.status == ResolutionStatus.AWAITING_APPROVAL
    assert case.compensations.get().status == CompensationStatus.PROPOSED


def test_a_replacement_or_a_refund_not_chosen_gives_no_compensation(case, agent) -> None:
    resolve(
        case,
        agent,
        [
            SolutionInput(kind=kind("replacement"), details="New kettle", value=Decimal("39.99")),
            SolutionInput(kind=kind("refund"), details="Refund", value=Decimal("39.99")),
        ],
        chosen=0,
    )
    assert not case.compensations.exists()


def test_a_compensation_the_agent_typed_wins_over_the_chosen_solution(case, agent) -> None:
    resolve(
        case,
        agent,
        [SolutionInput(kind=kind("refund"), details="Full refund", value=Decimal("39.99"))],
        compensation=CompensationInput(
            kind=kind("refund"), amount=Decimal("20"), currency="GBP", reason="Half"
        ),
    )
    assert case.compensations.get().amount == Decimal("20.00")


def test_the_resolve_form_derives_the_compensation_from_the_chosen_refund(client, case, agent) -> None:
    client.force_login(agent)
    client.post(
        reverse("resolutions:resolve", args=[case.reference]),
        {
            "idempotency_key": str(uuid.uuid4()),
            "listened": "on",
            "emotion_acknowledged": "on",
            "apology_given": "on",
            "ownership_taken": "on",
            "solutions-TOTAL_FORMS": "1",
            "solutions-INITIAL_FORMS": "0",
            "solutions-MIN_NUM_FORMS": "0",
            "solutions-MAX_NUM_FORMS": "6",
            "solutions-0-kind": str(kind("refund").pk),
            "solutions-0-details": "Full refund",
            "solutions-0-value": "39.99",
            "solutions-0-currency": "GBP",
            "choice": "new-0",
            "outcome": "Refunded in full.",
            "root_cause": str(root_cause("delivery").pk),
            "preventable": "yes",
            "compensation-currency": "GBP",
        },
    )
    assert Resolution.objects.get(complaint=case).status == ResolutionStatus.COMPLETED
    assert case.compensations.get().amount == Decimal("39.99")
