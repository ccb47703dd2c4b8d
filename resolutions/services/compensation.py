"""Compensation use cases: propose, approve, reject, issue, cancel. Every limit is checked here.

Lock order, everywhere: the complaint row, then the compensation row, then the budget row. The
complaint lock serialises everything on one case (its totals); the budget row lock serialises
approvals within one category and month, so two approvers can never overspend it.
"""

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, has_role
from complaints.access import can_work_on
from complaints.models import Complaint, EventKind, Status
from complaints.services.locking import refresh_from
from complaints.services.timeline import record_event
from portal.money import format_money
from resolutions.conf import currencies
from resolutions.errors import ResolutionError
from resolutions.models import (
    COMMITTED_STATUSES,
    Compensation,
    CompensationKind,
    CompensationPolicy,
    CompensationStatus,
    Resolution,
)
from resolutions.services.approvers import approver_role, may_approve, total_if_approved
from resolutions.services.budget import commit_to_budget, release_budget
from resolutions.services.notifications import queue_approval_request, queue_decision_notice
from resolutions.services.policies import applicable_policy, case_total, grant_limit

CENT = Decimal("0.01")


def money(amount: Decimal, currency: str) -> str:
    return format_money(amount, currency)


def check_amount(amount: object, *, zero_allowed: bool, field: str = "amount") -> Decimal:
    """A positive (or, where the kind allows it, zero) amount with at most two decimals."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ResolutionError("Enter an amount as a number, for example 25.00.", field=field) from None
    if not value.is_finite():
        raise ResolutionError("Enter an amount as a number, for example 25.00.", field=field)
    if value < 0:
        raise ResolutionError("An amount cannot be negative.", field=field)
    if value == 0 and not zero_allowed:
        raise ResolutionError("Enter an amount above zero.", field=field)
    if value != value.quantize(CENT):
        raise ResolutionError("Use at most two decimal places.", field=field)
    if value >= Decimal("1e10"):
        raise ResolutionError("This amount is too large.", field=field)
    return value


def check_currency(currency: str, *, field: str = "currency") -> str:
    if currency not in currencies():
        raise ResolutionError(
            f"Unknown currency “{currency}”; use one of {', '.join(currencies())}.", field=field
        )
    return currency


def check_against_policy(
    *,
    complaint: Complaint,
    policy: CompensationPolicy | None,
    kind: CompensationKind,
    amount: object,
    currency: str,
    exclude_pk: int | None = None,
) -> tuple[CompensationPolicy, Decimal]:
    """Validate a compensation for this case; refusals name the form field they are about."""
    check_currency(currency)
    if policy is None:
        raise ResolutionError(
            "No compensation policy covers this case; ask an admin to add one.", field="kind"
        )
    if not kind.is_active or not policy.allowed_kinds.filter(pk=kind.pk).exists():
        allowed = ", ".join(k.name.lower() for k in policy.allowed_kinds.all()) or "none"
        raise ResolutionError(
            f"The policy “{policy}” does not allow {kind.name.lower()}; allowed: {allowed}.", field="kind"
        )
    value = check_amount(amount, zero_allowed=kind.zero_value_allowed)
    if currency != policy.currency:
        raise ResolutionError(
            f"The policy “{policy}” sets its limits in {policy.currency}.", field="currency"
        )
    already = case_total(complaint=complaint, currency=currency, exclude_pk=exclude_pk)
    if already + value > policy.hard_maximum:
        raise ResolutionError(
            f"Above the hard maximum of {money(policy.hard_maximum, currency)} per case "
            f"({money(already, currency)} already granted or requested).",
            field="amount",
        )
    return policy, value


def sync_compensation_flag(complaint: Complaint) -> None:
    """`Complaint.compensation_given` is true while any compensation is approved or issued."""
    given = Compensation.objects.filter(complaint=complaint, status__in=list(COMMITTED_STATUSES)).exists()
    Complaint.objects.filter(pk=complaint.pk).exclude(compensation_given=given).update(
        compensation_given=given, updated_at=timezone.now()
    )
    complaint.compensation_given = given


def _lock_case(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _require_work_on(actor: User, complaint: Complaint) -> None:
    if not can_work_on(actor, complaint):
        raise ResolutionError("You cannot work on this case: only its owner or a supervisor can.")


def _event(compensation: Compensation, actor: User, note: str, **data: object) -> None:
    record_event(
        complaint=compensation.complaint,
        kind=EventKind.COMPENSATION,
        actor=actor,
        note=note,
        data={
            "compensation": compensation.pk,
            "status": compensation.status,
            "amount": str(compensation.amount),
            "currency": compensation.currency,
            **data,
        },
    )


@transaction.atomic
def propose_compensation(
    *,
    complaint: Complaint,
    actor: User,
    kind: CompensationKind,
    amount: object,
    currency: str,
    reason: str,
    idempotency_key: uuid.UUID,
    resolution: Resolution | None = None,
    now: datetime | None = None,
) -> Compensation:
    """Record a compensation. Within the proposer's own limit it is approved at once (and spends
    budget); above it, it waits for a decision and the people who may decide are emailed."""
    now = now or timezone.now()
    case = _lock_case(complaint)
    # Under the case lock, so a double submit waits here and then finds the first one's record.
    # Only this case's: a key sent with another case's form must not return (or reveal) that
    # case's record before the permission check.
    existing = Compensation.objects.filter(complaint=case, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    _check_proposal(case=case, actor=actor, idempotency_key=idempotency_key, reason=reason)
    policy, value = check_against_policy(
        complaint=case,
        policy=applicable_policy(complaint=case, on=timezone.localdate(now)),
        kind=kind,
        amount=amount,
        currency=currency,
    )
    compensation = Compensation(
        complaint=case,
        resolution=resolution,
        idempotency_key=idempotency_key,
        kind=kind,
        amount=value,
        currency=currency,
        reason=reason.strip(),
        policy=policy,
        budget_category_id=case.category_id,
        proposed_by=actor,
        proposed_at=now,
        status=CompensationStatus.PROPOSED,
    )
    if case_total(complaint=case, currency=currency) + value <= grant_limit(actor, policy):
        _grant_within_own_limit(compensation, actor=actor, now=now)
    else:
        _request_approval(compensation, actor=actor)
    return compensation


def _check_proposal(*, case: Complaint, actor: User, idempotency_key: uuid.UUID, reason: str) -> None:
    _require_work_on(actor, case)
    if Compensation.objects.filter(idempotency_key=idempotency_key).exists():
        raise ResolutionError("This form was already sent for another case. Reload the page and try again.")
    if case.status == Status.WITHDRAWN:
        raise ResolutionError("A withdrawn case gets no compensation.")
    if not reason.strip():
        raise ResolutionError("Say why the customer is compensated.", field="reason")


def _grant_within_own_limit(compensation: Compensation, *, actor: User, now: datetime) -> None:
    commit_to_budget(compensation=compensation, policy=compensation.policy, now=now)
    compensation.status = CompensationStatus.APPROVED
    compensation.approved_by = actor
    compensation.decided_at = now
    compensation.decision_reason = "Within the proposer's own limit."
    compensation.save()
    amount = money(compensation.amount, compensation.currency)
    _event(compensation, actor, f"{compensation.kind} of {amount} granted: {compensation.reason}")
    sync_compensation_flag(compensation.complaint)


def _request_approval(compensation: Compensation, *, actor: User) -> None:
    compensation.save()
    who = "an admin" if _needs_admin(compensation) else "a supervisor"
    amount = money(compensation.amount, compensation.currency)
    _event(
        compensation,
        actor,
        f"{compensation.kind} of {amount} proposed, awaiting {who}: {compensation.reason}",
    )
    queue_approval_request(compensation=compensation)


def _needs_admin(compensation: Compensation) -> bool:
    return approver_role(policy=compensation.policy, total=total_if_approved(compensation)) == Role.ADMIN


def _locked_for_decision(compensation: Compensation) -> Compensation:
    _lock_case(compensation.complaint)
    return (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("complaint", "policy", "kind", "budget_category", "resolution", "proposed_by")
        .get(pk=compensation.pk)
    )


def _check_decision(locked: Compensation, actor: User, *, approving: bool) -> None:
    """The actor may decide this request, now: the approvers' rule (`services.approvers`)."""
    if not has_role(actor, Role.SUPERVISOR):
        raise ResolutionError("Only a supervisor or an admin may approve or reject compensation.")
    if locked.status != CompensationStatus.PROPOSED:
        raise ResolutionError(f"This compensation is already {locked.get_status_display().lower()}.")
    if locked.proposed_by_id == actor.pk:
        raise ResolutionError("You proposed this compensation; someone else must decide on it.")
    policy = locked.policy  # re-read: an admin's later change to its limits applies
    committed = case_total(
        complaint=locked.complaint,
        currency=locked.currency,
        statuses=COMMITTED_STATUSES,
        exclude_pk=locked.pk,
    )
    total = committed + locked.amount
    if approving and total > policy.hard_maximum:
        hard_maximum = money(policy.hard_maximum, locked.currency)
        raise ResolutionError(f"Approving would take the case above the hard maximum of {hard_maximum}.")
    if not may_approve(actor, locked, total=total):
        raise ResolutionError(
            f"Approving would take the case to {money(total, locked.currency)}, above "
            f"your approval limit of {money(policy.supervisor_limit, locked.currency)}; an admin must decide."
        )


def _record_decision(locked: Compensation, *, actor: User, status: str, reason: str, now: datetime) -> None:
    locked.status = status
    locked.approved_by = actor
    locked.decided_at = now
    locked.decision_reason = reason.strip()
    locked.save(update_fields=["status", "approved_by", "decided_at", "decision_reason", "budget_month"])
    verb = "approved" if status == CompensationStatus.APPROVED else "rejected"
    note = (
        f"Compensation {verb}: {locked.decision_reason}"
        if locked.decision_reason
        else f"Compensation {verb}."
    )
    _event(locked, actor, note, decided_by=actor.pk, decided_at=now.isoformat())
    sync_compensation_flag(locked.complaint)
    queue_decision_notice(compensation=locked)


@transaction.atomic
def approve_compensation(
    *, compensation: Compensation, actor: User, reason: str = "", now: datetime | None = None
) -> Compensation:
    now = now or timezone.now()
    locked = _locked_for_decision(compensation)
    _check_decision(locked, actor, approving=True)
    commit_to_budget(compensation=locked, policy=locked.policy, now=now)
    _record_decision(locked, actor=actor, status=CompensationStatus.APPROVED, reason=reason, now=now)
    if locked.resolution_id is not None:
        from resolutions.services.resolving import complete_waiting_resolution

        complete_waiting_resolution(resolution=locked.resolution, actor=actor, now=now)  # type: ignore[arg-type]
    refresh_from(compensation, locked)
    return compensation


@transaction.atomic
def reject_compensation(
    *, compensation: Compensation, actor: User, reason: str, now: datetime | None = None
) -> Compensation:
    if not reason.strip():
        raise ResolutionError("Give the reason for rejecting it; the agent reads it.", field="reason")
    now = now or timezone.now()
    locked = _locked_for_decision(compensation)
    _check_decision(locked, actor, approving=False)
    _record_decision(locked, actor=actor, status=CompensationStatus.REJECTED, reason=reason, now=now)
    if locked.resolution_id is not None:
        from resolutions.services.resolving import set_aside_waiting_resolution

        set_aside_waiting_resolution(resolution=locked.resolution, actor=actor)  # type: ignore[arg-type]
    refresh_from(compensation, locked)
    return compensation


@transaction.atomic
def issue_compensation(
    *, compensation: Compensation, actor: User, external_reference: str, now: datetime | None = None
) -> Compensation:
    """Mark an approved compensation as paid or sent, with the payment's reference."""
    if not external_reference.strip():
        raise ResolutionError("Enter the refund's or shipment's reference.", field="external_reference")
    locked = _locked_for_decision(compensation)
    _require_work_on(actor, locked.complaint)
    if locked.status != CompensationStatus.APPROVED:
        raise ResolutionError(
            f"Only approved compensation can be issued; this one is {locked.get_status_display().lower()}."
        )
    locked.status = CompensationStatus.ISSUED
    locked.issued_by = actor
    locked.issued_at = now or timezone.now()
    locked.external_reference = external_reference.strip()
    locked.save(update_fields=["status", "issued_by", "issued_at", "external_reference"])
    _event(locked, actor, f"Compensation issued, reference {locked.external_reference}.")
    refresh_from(compensation, locked)
    return compensation


@transaction.atomic
def cancel_compensation(*, compensation: Compensation, actor: User, reason: str) -> Compensation:
    """Withdraw a requested or approved compensation; its budget is given back. Issued money stays."""
    if not reason.strip():
        raise ResolutionError("Say why it is cancelled.", field="reason")
    locked = _locked_for_decision(compensation)
    _require_work_on(actor, locked.complaint)
    if locked.status not in (CompensationStatus.PROPOSED, CompensationStatus.APPROVED):
        raise ResolutionError(
            f"A compensation that is {locked.get_status_display().lower()} cannot be cancelled."
        )
    was_waiting = locked.status == CompensationStatus.PROPOSED
    release_budget(compensation=locked)
    locked.status = CompensationStatus.CANCELLED
    locked.decision_reason = reason.strip()
    locked.save(update_fields=["status", "decision_reason", "budget_month"])
    _event(locked, actor, f"Compensation cancelled: {locked.decision_reason}")
    sync_compensation_flag(locked.complaint)
    if was_waiting and locked.resolution_id is not None:
        from resolutions.services.resolving import set_aside_waiting_resolution

        set_aside_waiting_resolution(resolution=locked.resolution, actor=actor)  # type: ignore[arg-type]
    refresh_from(compensation, locked)
    return compensation
