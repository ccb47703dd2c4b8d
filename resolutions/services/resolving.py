"""Resolving a case: recovery steps, solutions offered, the customer's choice, compensation.

The case becomes RESOLVED through the complaints app's transition service, and its follow-ups
are scheduled in the same transaction. With a compensation above the resolver's limit the
resolution waits: the case resolves when a supervisor approves it.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.access import can_work_on
from complaints.models import Complaint, EventKind, Status
from complaints.services.timeline import record_event
from complaints.services.transitions import change_status
from complaints.states import ALLOWED_TRANSITIONS, refusal_reason
from followups import services as followup_services
from resolutions.errors import ResolutionError
from resolutions.models import (
    Compensation,
    CompensationKind,
    CompensationStatus,
    RecoveryStep,
    Resolution,
    ResolutionStatus,
    RootCause,
    SolutionOffered,
)
from resolutions.services.compensation import check_amount, check_currency, propose_compensation
from resolutions.services.notifications import queue_resolution_confirmation


@dataclass(frozen=True)
class StepsTaken:
    listened: bool = False
    emotion_acknowledged: bool = False
    apology_given: bool = False
    ownership_taken: bool = False


@dataclass(frozen=True)
class SolutionInput:
    kind: CompensationKind
    details: str
    value: Decimal = Decimal("0")
    currency: str = "GBP"


@dataclass(frozen=True)
class CompensationInput:
    kind: CompensationKind
    amount: Decimal
    currency: str
    reason: str


MAX_SOLUTIONS = 6


def check_solutions(solutions: list[SolutionInput], *, field: str = "solutions") -> None:
    if len(solutions) > MAX_SOLUTIONS:
        raise ResolutionError(f"Offer at most {MAX_SOLUTIONS} solutions at a time.", field=field)
    for number, solution in enumerate(solutions, start=1):
        if not solution.kind.is_active:
            raise ResolutionError(f"Solution {number}: {solution.kind} is no longer offered.", field=field)
        if not solution.details.strip():
            raise ResolutionError(f"Solution {number}: describe what is offered.", field=field)
        try:
            check_amount(solution.value, zero_allowed=True, field=field)
            check_currency(solution.currency, field=field)
        except ResolutionError as error:
            raise ResolutionError(f"Solution {number}: {error}", field=field) from None


def _check_steps(steps: StepsTaken) -> None:
    missing = {
        step.code: f"Required: confirm “{step.label}” before resolving."
        for step in RecoveryStep.objects.filter(is_required=True)
        if not getattr(steps, step.code)
    }
    if missing:
        raise ResolutionError.about_fields(missing)


def derived_compensation(offer: SolutionOffered | SolutionInput | None) -> CompensationInput | None:
    """A chosen refund, credit or discount with a value is the compensation: the agent does not
    type the same money twice. Kinds say whether they are money (`CompensationKind.is_money`)."""
    if offer is None or not offer.kind.is_money or not offer.value:
        return None
    return CompensationInput(
        kind=offer.kind,
        amount=offer.value,
        currency=offer.currency,
        reason=f"The customer's chosen solution: {offer.details.strip()}",
    )


@transaction.atomic
def resolve_complaint(
    *,
    complaint: Complaint,
    actor: User,
    idempotency_key: uuid.UUID,
    steps: StepsTaken,
    solutions: list[SolutionInput],
    chosen: int | SolutionOffered | None,
    outcome: str,
    root_cause: RootCause,
    preventable: bool,
    lesson_learned: str = "",
    compensation: CompensationInput | None = None,
    now: datetime | None = None,
) -> Resolution:
    """Record the resolution. `chosen` is the index of the customer's pick in `solutions`, or an
    offer already emailed to them; None takes the pick they made through their link. Without an
    explicit `compensation`, a chosen solution that is money becomes it (`derived_compensation`)."""
    now = now or timezone.now()
    case = Complaint.objects.select_for_update().get(pk=complaint.pk)
    # Under the case lock, so a double submit waits here and then finds the first one's record.
    # Only this case's: a key sent with another case's form must not return (or reveal) that
    # case's record before the permission check.
    existing = Resolution.objects.filter(complaint=case, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _check_case_can_resolve(case=case, actor=actor, idempotency_key=idempotency_key)
    _check_record(steps=steps, outcome=outcome, root_cause=root_cause, solutions=solutions)
    chosen_offer = _chosen_offer(chosen, solutions, case=case)
    resolution = _record_resolution(
        case=case,
        actor=actor,
        idempotency_key=idempotency_key,
        steps=steps,
        outcome=outcome,
        root_cause=root_cause,
        preventable=preventable,
        lesson_learned=lesson_learned,
    )
    picked = _attach_solutions(
        case=case,
        resolution=resolution,
        solutions=solutions,
        chosen=chosen,
        chosen_offer=chosen_offer,
        actor=actor,
    )
    granted = _grant(
        case=case,
        resolution=resolution,
        actor=actor,
        compensation=compensation or derived_compensation(picked),
        key=uuid.uuid5(idempotency_key, "compensation"),
        now=now,
    )
    if granted is not None and granted.status == CompensationStatus.PROPOSED:
        _wait_for_approval(case=case, actor=actor, now=now)
    else:
        _complete(resolution=resolution, case=case, actor=actor, now=now)
    complaint.refresh_from_db()
    return resolution


def _record_resolution(
    *,
    case: Complaint,
    actor: User,
    idempotency_key: uuid.UUID,
    steps: StepsTaken,
    outcome: str,
    root_cause: RootCause,
    preventable: bool,
    lesson_learned: str,
) -> Resolution:
    """The resolution row, waiting until its compensation (if any) is settled, and its event."""
    resolution = Resolution.objects.create(
        complaint=case,
        idempotency_key=idempotency_key,
        **{name: getattr(steps, name) for name in StepsTaken.__dataclass_fields__},
        outcome=outcome.strip(),
        root_cause=root_cause,
        preventable=preventable,
        lesson_learned=lesson_learned.strip(),
        status=ResolutionStatus.AWAITING_APPROVAL,
        resolved_by=actor,
    )
    record_event(
        complaint=case,
        kind=EventKind.RESOLUTION,
        actor=actor,
        note=resolution.outcome,
        data={"resolution": resolution.pk, "root_cause": root_cause.code, "preventable": preventable},
    )
    return resolution


def _check_case_can_resolve(*, case: Complaint, actor: User, idempotency_key: uuid.UUID) -> None:
    if not can_work_on(actor, case):
        raise ResolutionError("You cannot work on this case: only its owner or a supervisor can.")
    if Resolution.objects.filter(idempotency_key=idempotency_key).exists():
        raise ResolutionError("This form was already sent for another case. Reload the page and try again.")
    if case.compensations.filter(status=CompensationStatus.PROPOSED).exists():
        raise ResolutionError("A compensation on this case awaits approval; resolve it once it is decided.")
    reason = refusal_reason(case.status, Status.RESOLVED)
    if reason:
        raise ResolutionError(reason)


def _check_record(
    *, steps: StepsTaken, outcome: str, root_cause: RootCause, solutions: list[SolutionInput]
) -> None:
    _check_steps(steps)
    if not outcome.strip():
        raise ResolutionError("Describe the outcome in a sentence or two.", field="outcome")
    if not root_cause.is_active:
        raise ResolutionError("This root cause is no longer in use.", field="root_cause")
    check_solutions(solutions)


def _chosen_offer(
    chosen: int | SolutionOffered | None, solutions: list[SolutionInput], *, case: Complaint
) -> SolutionOffered | None:
    """The emailed offer the customer chose, None when they chose one of the new `solutions`."""
    open_offers = list(case.solutions.filter(resolution__isnull=True).select_related("kind"))
    if not solutions and not open_offers:
        raise ResolutionError("Offer at least one solution.", field="solutions")
    if isinstance(chosen, SolutionOffered):
        if chosen.pk not in {o.pk for o in open_offers}:
            raise ResolutionError("That solution was not offered on this case.", field="choice")
        return chosen
    if isinstance(chosen, int):
        if not 0 <= chosen < len(solutions):
            raise ResolutionError("Pick one of the solutions offered.", field="choice")
        return None
    picked = next((o for o in open_offers if o.chosen), None)
    if picked is None:
        raise ResolutionError("Record which solution the customer chose.", field="choice")
    return picked


def _attach_solutions(
    *,
    case: Complaint,
    resolution: Resolution,
    solutions: list[SolutionInput],
    chosen: int | SolutionOffered | None,
    chosen_offer: SolutionOffered | None,
    actor: User,
) -> SolutionOffered | None:
    """Keep the emailed offers and the new solutions with the resolution; return the chosen one."""
    case.solutions.filter(resolution__isnull=True).update(resolution=resolution)
    if chosen_offer is None or not chosen_offer.chosen:
        # The agent recorded a different pick than the link did: the agent's (latest) one stands.
        case.solutions.filter(resolution=resolution, chosen=True).update(chosen=False)
    if chosen_offer is not None:
        SolutionOffered.objects.filter(pk=chosen_offer.pk).update(chosen=True)
    created = SolutionOffered.objects.bulk_create(
        [
            SolutionOffered(
                complaint=case,
                resolution=resolution,
                kind=s.kind,
                details=s.details.strip(),
                value=s.value,
                currency=s.currency,
                chosen=isinstance(chosen, int) and chosen == index,
                offered_by=actor,
            )
            for index, s in enumerate(solutions)
        ]
    )
    return chosen_offer or next((o for o in created if o.chosen), None)


def _grant(
    *,
    case: Complaint,
    resolution: Resolution,
    actor: User,
    compensation: CompensationInput | None,
    key: uuid.UUID,
    now: datetime,
) -> Compensation | None:
    if compensation is None:
        return None
    return propose_compensation(
        complaint=case,
        actor=actor,
        kind=compensation.kind,
        amount=compensation.amount,
        currency=compensation.currency,
        reason=compensation.reason,
        idempotency_key=key,
        resolution=resolution,
        now=now,
    )


def _wait_for_approval(*, case: Complaint, actor: User, now: datetime) -> None:
    if Status.SOLUTION_PROPOSED in ALLOWED_TRANSITIONS[case.status]:
        change_status(
            complaint=case,
            to_status=Status.SOLUTION_PROPOSED,
            actor=actor,
            note="Resolution waits for the compensation to be approved.",
            now=now,
        )


def _complete(*, resolution: Resolution, case: Complaint, actor: User, now: datetime) -> None:
    change_status(complaint=case, to_status=Status.RESOLVED, actor=actor, now=now)
    case.outcome = resolution.outcome
    case.save(update_fields=["outcome", "updated_at"])
    resolution.status = ResolutionStatus.COMPLETED
    resolution.completed_at = now
    resolution.save(update_fields=["status", "completed_at"])
    # Looked up on the module at call time, so the follow-ups app's implementation is the one run.
    followup_services.schedule_followups(complaint=case, now=now)
    queue_resolution_confirmation(resolution=resolution)


def complete_waiting_resolution(*, resolution: Resolution, actor: User, now: datetime) -> bool:
    """After an approval: resolve the case if its resolution waited and nothing else is pending."""
    case = Complaint.objects.select_for_update().get(pk=resolution.complaint_id)
    resolution.refresh_from_db()
    if resolution.status != ResolutionStatus.AWAITING_APPROVAL:
        return False
    if case.compensations.filter(status=CompensationStatus.PROPOSED).exists():
        return False
    if refusal_reason(case.status, Status.RESOLVED):
        return False
    _complete(resolution=resolution, case=case, actor=actor, now=now)
    return True


def set_aside_waiting_resolution(*, resolution: Resolution, actor: User) -> bool:
    """After a rejection: the waiting resolution will not happen as agreed; the agent resolves again."""
    resolution.refresh_from_db()
    if resolution.status != ResolutionStatus.AWAITING_APPROVAL:
        return False
    resolution.status = ResolutionStatus.SET_ASIDE
    resolution.save(update_fields=["status"])
    record_event(
        complaint=resolution.complaint,
        kind=EventKind.RESOLUTION,
        actor=actor,
        note="Resolution set aside: its compensation was not approved. Resolve the case again.",
        data={"resolution": resolution.pk, "set_aside": True},
    )
    return True
