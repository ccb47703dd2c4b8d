"""Resolving a case: steps, solutions, the customer's choice, compensation, follow-ups, emails."""

import uuid
from decimal import Decimal

import pytest

from complaints.models import EventKind, Status
from complaints.services.reopening import reopen_complaint
from followups.models import FollowUp
from outbox.models import Message
from outbox.testing import flush_outbox
from resolutions.errors import ResolutionError
from resolutions.models import CompensationStatus, RecoveryStep, Resolution, ResolutionStatus
from resolutions.services.compensation import approve_compensation, reject_compensation
from resolutions.services.resolving import CompensationInput, SolutionInput, StepsTaken, resolve_complaint
from tests.factories import kind, root_cause

pytestmark = pytest.mark.django_db

ALL_STEPS = StepsTaken(listened=True, emotion_acknowledged=True, apology_given=True, ownership_taken=True)


def two_solutions() -> list[SolutionInput]:
    return [
        SolutionInput(kind=kind("replacement"), details="New kettle by Friday", value=Decimal("39.99")),
        SolutionInput(kind=kind("refund"), details="Full refund", value=Decimal("39.99")),
    ]


def resolve(case, actor, **overrides):
    arguments = {
        "complaint": case,
        "actor": actor,
        "idempotency_key": uuid.uuid4(),
        "steps": ALL_STEPS,
        "solutions": two_solutions(),
        "chosen": 0,  # the replacement: not money, so no compensation is derived
        "outcome": "Refunded in full; courier briefed.",
        "root_cause": root_cause("delivery"),
        "preventable": True,
        "lesson_learned": "Fragile items need the padded box.",
        **overrides,
    }
    return resolve_complaint(**arguments)


@pytest.fixture
def followup_calls():
    """The cases that have follow-up rows, as the follow-ups app scheduled them (one per step)."""

    class Scheduled:
        def __eq__(self, other: object) -> bool:
            return list(FollowUp.objects.order_by("id").values_list("complaint_id", flat=True)) == other

        def __repr__(self) -> str:
            return repr(list(FollowUp.objects.values_list("complaint_id", flat=True)))

    return Scheduled()


def test_resolving_records_everything_resolves_the_case_and_schedules_its_followups(
    case, agent, followup_calls
) -> None:
    resolution = resolve(case, agent)

    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.resolved_at is not None
    assert case.outcome == "Refunded in full; courier briefed."
    assert resolution.status == ResolutionStatus.COMPLETED
    assert [(s.details, s.chosen) for s in resolution.solutions.order_by("id")] == [
        ("New kettle by Friday", True),
        ("Full refund", False),
    ]
    assert resolution.root_cause.code == "delivery" and resolution.preventable
    assert followup_calls == [case.pk]
    assert case.events.filter(kind=EventKind.RESOLUTION).exists()
    assert case.events.filter(kind=EventKind.STATUS_CHANGED, to_status=Status.RESOLVED).exists()
    assert Message.objects.filter(key=f"resolution-confirmation:{resolution.pk}").exists()


def test_the_confirmation_email_tells_the_customer_what_was_agreed(case, agent, mailoutbox) -> None:
    resolve(
        case,
        agent,
        compensation=CompensationInput(
            kind=kind("refund"), amount=Decimal("20.00"), currency="GBP", reason="Late"
        ),
    )

    flush_outbox()

    (message,) = mailoutbox
    assert message.to == [case.customer.email]
    assert case.reference in message.subject
    assert "Refunded in full; courier briefed." in message.body
    assert "Replacement: New kettle by Friday" in message.body
    assert "20.00 GBP" in message.body


def test_a_double_submit_creates_one_resolution(case, agent, followup_calls) -> None:
    key = uuid.uuid4()
    first = resolve(case, agent, idempotency_key=key)
    again = resolve(case, agent, idempotency_key=key)

    assert first.pk == again.pk
    assert Resolution.objects.filter(complaint=case).count() == 1
    assert followup_calls == [case.pk]


def test_required_recovery_steps_are_configurable(case, agent) -> None:
    without_apology = StepsTaken(listened=True, emotion_acknowledged=True, ownership_taken=True)
    with pytest.raises(ResolutionError) as excinfo:
        resolve(case, agent, steps=without_apology)
    assert "apology_given" in excinfo.value.errors
    assert not Resolution.objects.exists()

    RecoveryStep.objects.filter(code="apology_given").update(is_required=False)
    resolution = resolve(case, agent, steps=without_apology)
    assert resolution.apology_given is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"outcome": "  "}, "outcome"),
        ({"solutions": []}, "solutions"),
        ({"chosen": 5}, "choice"),
        ({"chosen": None}, "choice"),
        ({"solutions": "one with a negative value"}, "solutions"),
    ],
)
def test_an_incomplete_resolution_is_refused_and_nothing_is_saved(case, agent, overrides, field) -> None:
    if overrides.get("solutions") == "one with a negative value":
        overrides = {"solutions": [SolutionInput(kind=kind("refund"), details="Refund", value=Decimal("-1"))]}
    with pytest.raises(ResolutionError) as excinfo:
        resolve(case, agent, **overrides)
    assert field in excinfo.value.errors
    case.refresh_from_db()
    assert case.status == Status.INVESTIGATING
    assert not Resolution.objects.exists() and not case.solutions.exists()


def test_a_case_cannot_be_resolved_while_a_compensation_awaits_approval(case, agent) -> None:
    from resolutions.services.compensation import propose_compensation

    propose_compensation(
        complaint=case,
        actor=agent,
        kind=kind("refund"),
        amount=Decimal("90"),
        currency="GBP",
        reason="Ruined birthday",
        idempotency_key=uuid.uuid4(),
    )
    with pytest.raises(ResolutionError, match="awaits approval"):
        resolve(case, agent)
    assert not Resolution.objects.exists()


def test_a_compensation_above_the_limit_holds_the_resolution_until_a_supervisor_approves(
    case, agent, supervisor, followup_calls
) -> None:
    resolution = resolve(
        case,
        agent,
        compensation=CompensationInput(
            kind=kind("refund"), amount=Decimal("120"), currency="GBP", reason="Twice late"
        ),
    )

    case.refresh_from_db()
    assert resolution.status == ResolutionStatus.AWAITING_APPROVAL
    assert case.status == Status.SOLUTION_PROPOSED
    assert followup_calls == []
    (waiting,) = case.compensations.all()
    assert waiting.status == CompensationStatus.PROPOSED and waiting.resolution == resolution

    approve_compensation(compensation=waiting, actor=supervisor, reason="OK")

    case.refresh_from_db()
    resolution.refresh_from_db()
    assert case.status == Status.RESOLVED and case.compensation_given
    assert resolution.status == ResolutionStatus.COMPLETED
    # Compensation was given: the default policy adds a call to the email.
    assert followup_calls == [case.pk, case.pk]
    assert Message.objects.filter(key=f"resolution-confirmation:{resolution.pk}").exists()


def test_a_rejected_compensation_sets_the_resolution_aside_and_the_agent_resolves_again(
    case, agent, supervisor
) -> None:
    first = resolve(
        case,
        agent,
        compensation=CompensationInput(
            kind=kind("refund"), amount=Decimal("120"), currency="GBP", reason="Late"
        ),
    )
    reject_compensation(compensation=case.compensations.get(), actor=supervisor, reason="Too generous")

    first.refresh_from_db()
    case.refresh_from_db()
    assert first.status == ResolutionStatus.SET_ASIDE
    assert case.status == Status.SOLUTION_PROPOSED

    second = resolve(case, agent)
    case.refresh_from_db()
    assert second.status == ResolutionStatus.COMPLETED and case.status == Status.RESOLVED


def test_reopening_keeps_the_compensation_and_a_second_resolution_is_possible(case, agent) -> None:
    resolve(
        case,
        agent,
        compensation=CompensationInput(
            kind=kind("refund"), amount=Decimal("20"), currency="GBP", reason="Late"
        ),
    )
    reopen_complaint(complaint=case, reason="The refund never arrived.", actor=agent)

    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.compensations.get().status == CompensationStatus.APPROVED
    assert case.compensation_given is True

    resolve(case, agent)
    assert Resolution.objects.filter(complaint=case, status=ResolutionStatus.COMPLETED).count() == 2
