"""Compensation use cases: propose, approve, reject, issue, cancel. Every limit is checked here.

Lock order, everywhere: the complaint row, then the compensation row, then the budget row. The
complaint lock serialises everything on one case (its totals); the budget row lock serialises
approvals within one category and month, so two approvers can never overspend it.
"""

import uuid
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, has_role
from complaints.access import can_work_on
from complaints.models import Complaint, EventKind, Status
from complaints.services.locking import refresh_from
from complaints.services.timeline import record_event
from resolutions.conf import currencies
from resolutions.models import (
    COMMITTED_STATUSES,
    BudgetUsage,
    Compensation,
    CompensationKind,
    CompensationPolicy,
    CompensationStatus,
    Resolution,
)
from resolutions.services.notifications import queue_approval_request
from resolutions.services.policies import applicable_policy, case_total, grant_limit, month_of

CENT = Decimal("0.01")


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def check_amount(amount: object, *, zero_allowed: bool, field: str = "amount") -> Decimal:
    """A positive (or, where the kind allows it, zero) amount with at most two decimals."""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: "Enter an amount as a number, for example 25.00."}) from None
    if not value.is_finite():
        raise ValidationError({field: "Enter an amount as a number, for example 25.00."})
    if value < 0:
        raise ValidationError({field: "An amount cannot be negative."})
    if value == 0 and not zero_allowed:
        raise ValidationError({field: "Enter an amount above zero."})
    if value != value.quantize(CENT):
        raise ValidationError({field: "Use at most two decimal places."})
    if value >= Decimal("1e10"):
        raise ValidationError({field: "This amount is too large."})
    return value


def check_currency(currency: str, *, field: str = "currency") -> str:
    if currency not in currencies():
        raise ValidationError(
            {field: f"Unknown currency “{currency}”; use one of {', '.join(currencies())}."}
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
    """Validate a compensation for this case; raise ValidationError keyed by form field."""
    check_currency(currency)
    if policy is None:
        raise ValidationError({"kind": "No compensation policy covers this case; ask an admin to add one."})
    if not kind.is_active or not policy.allowed_kinds.filter(pk=kind.pk).exists():
        allowed = ", ".join(k.name.lower() for k in policy.allowed_kinds.all()) or "none"
        raise ValidationError(
            {"kind": f"The policy “{policy}” does not allow {kind.name.lower()}; allowed: {allowed}."}
        )
    value = check_amount(amount, zero_allowed=kind.zero_value_allowed)
    if currency != policy.currency:
        raise ValidationError({"currency": f"The policy “{policy}” sets its limits in {policy.currency}."})
    already = case_total(complaint=complaint, currency=currency, exclude_pk=exclude_pk)
    if already + value > policy.hard_maximum:
        raise ValidationError(
            {
                "amount": f"Above the hard maximum of {money(policy.hard_maximum, currency)} per case "
                f"({money(already, currency)} already granted or requested)."
            }
        )
    return policy, value


def _lock_budget(*, compensation: Compensation, month: datetime) -> BudgetUsage:
    key = {
        "category_id": compensation.budget_category_id,
        "month": month_of(month),
        "currency": compensation.currency,
    }
    # The first approval of a month creates the row; concurrent creators wait on the unique index.
    BudgetUsage.objects.bulk_create([BudgetUsage(**key)], ignore_conflicts=True)
    return BudgetUsage.objects.select_for_update().get(**key)


def _commit_to_budget(*, compensation: Compensation, policy: CompensationPolicy, now: datetime) -> None:
    ledger = _lock_budget(compensation=compensation, month=now)
    if policy.monthly_budget is not None and ledger.committed + compensation.amount > policy.monthly_budget:
        left = max(policy.monthly_budget - ledger.committed, Decimal("0"))
        raise ValidationError(
            {
                "amount": f"Only {money(left, ledger.currency)} is left in this month's budget for "
                f"{compensation.budget_category}."
            }
        )
    ledger.committed += compensation.amount
    ledger.save(update_fields=["committed", "updated_at"])
    compensation.budget_month = ledger.month


def _release_budget(*, compensation: Compensation) -> None:
    if compensation.budget_month is None:
        return
    ledger = BudgetUsage.objects.select_for_update().get(
        category_id=compensation.budget_category_id,
        month=compensation.budget_month,
        currency=compensation.currency,
    )
    ledger.committed -= compensation.amount
    ledger.save(update_fields=["committed", "updated_at"])
    compensation.budget_month = None


def sync_compensation_flag(complaint: Complaint) -> None:
    """`Complaint.compensation_given` is true while any compensation is approved or issued."""
    given = Compensation.objects.filter(complaint=complaint, status__in=list(COMMITTED_STATUSES)).exists()
    Complaint.objects.filter(pk=complaint.pk).exclude(compensation_given=given).update(
        compensation_given=given, updated_at=timezone.now()
    )
    complaint.compensation_given = given


def _lock_case(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


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
    budget); above it, it waits for a supervisor and the supervisors are emailed."""
    now = now or timezone.now()
    case = _lock_case(complaint)
    # Under the case lock, so a double submit waits here and then finds the first one's record.
    # Only this case's: a key sent with another case's form must not return (or reveal) that
    # case's record before the permission check.
    existing = Compensation.objects.filter(complaint=case, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if not can_work_on(actor, case):
        raise PermissionDenied("You cannot work on this case.")
    if Compensation.objects.filter(idempotency_key=idempotency_key).exists():
        raise ValidationError("This form was already sent for another case. Reload the page and try again.")
    if case.status == Status.WITHDRAWN:
        raise ValidationError("A withdrawn case gets no compensation.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the customer is compensated."})
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
    within_own_limit = case_total(complaint=case, currency=currency) + value <= grant_limit(actor, policy)
    if within_own_limit:
        _commit_to_budget(compensation=compensation, policy=policy, now=now)
        compensation.status = CompensationStatus.APPROVED
        compensation.approved_by = actor
        compensation.decided_at = now
        compensation.decision_reason = "Within the proposer's own limit."
    compensation.save()
    if within_own_limit:
        _event(compensation, actor, f"{kind} of {money(value, currency)} granted: {compensation.reason}")
        sync_compensation_flag(complaint)
    else:
        _event(
            compensation,
            actor,
            f"{kind} of {money(value, currency)} proposed, awaiting a supervisor: {compensation.reason}",
        )
        queue_approval_request(compensation=compensation)
    return compensation


def _locked_for_decision(compensation: Compensation) -> Compensation:
    _lock_case(compensation.complaint)
    return (
        Compensation.objects.select_for_update(of=("self",))
        .select_related("complaint", "policy", "kind", "budget_category", "resolution")
        .get(pk=compensation.pk)
    )


def _require_supervisor(actor: User) -> None:
    if not has_role(actor, Role.SUPERVISOR):
        raise PermissionDenied("Only a supervisor may approve or reject compensation.")


@transaction.atomic
def approve_compensation(
    *, compensation: Compensation, actor: User, reason: str = "", now: datetime | None = None
) -> Compensation:
    _require_supervisor(actor)
    now = now or timezone.now()
    locked = _locked_for_decision(compensation)
    if locked.status != CompensationStatus.PROPOSED:
        raise ValidationError(f"This compensation is already {locked.get_status_display().lower()}.")
    if locked.proposed_by_id == actor.pk:
        raise ValidationError("You proposed this compensation; another supervisor must approve it.")
    policy = locked.policy  # re-read: an admin's later change to its limits applies
    committed = case_total(
        complaint=locked.complaint,
        currency=locked.currency,
        statuses=COMMITTED_STATUSES,
        exclude_pk=locked.pk,
    )
    if committed + locked.amount > policy.hard_maximum:
        hard_maximum = money(policy.hard_maximum, locked.currency)
        raise ValidationError(f"Approving would take the case above the hard maximum of {hard_maximum}.")
    limit = grant_limit(actor, policy)
    if committed + locked.amount > limit:
        raise ValidationError(
            f"Approving would take the case to {money(committed + locked.amount, locked.currency)}, above "
            f"your approval limit of {money(limit, locked.currency)}; an admin must approve it."
        )
    _commit_to_budget(compensation=locked, policy=policy, now=now)
    locked.status = CompensationStatus.APPROVED
    locked.approved_by = actor
    locked.decided_at = now
    locked.decision_reason = reason.strip()
    locked.save(update_fields=["status", "approved_by", "decided_at", "decision_reason", "budget_month"])
    _event(locked, actor, f"Compensation approved. {locked.decision_reason}".strip())
    sync_compensation_flag(locked.complaint)
    if locked.resolution_id is not None:
        from resolutions.services.resolving import complete_waiting_resolution

        complete_waiting_resolution(resolution=locked.resolution, actor=actor, now=now)  # type: ignore[arg-type]
    refresh_from(compensation, locked)
    return compensation


@transaction.atomic
def reject_compensation(
    *, compensation: Compensation, actor: User, reason: str, now: datetime | None = None
) -> Compensation:
    _require_supervisor(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for rejecting it; the agent reads it."})
    now = now or timezone.now()
    locked = _locked_for_decision(compensation)
    if locked.status != CompensationStatus.PROPOSED:
        raise ValidationError(f"This compensation is already {locked.get_status_display().lower()}.")
    locked.status = CompensationStatus.REJECTED
    locked.approved_by = actor
    locked.decided_at = now
    locked.decision_reason = reason.strip()
    locked.save(update_fields=["status", "approved_by", "decided_at", "decision_reason"])
    _event(locked, actor, f"Compensation rejected: {locked.decision_reason}")
    sync_compensation_flag(locked.complaint)
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
        raise ValidationError({"external_reference": "Enter the refund's or shipment's reference."})
    locked = _locked_for_decision(compensation)
    if not can_work_on(actor, locked.complaint):
        raise PermissionDenied("You cannot work on this case.")
    if locked.status != CompensationStatus.APPROVED:
        raise ValidationError(
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
        raise ValidationError({"reason": "Say why it is cancelled."})
    locked = _locked_for_decision(compensation)
    if not can_work_on(actor, locked.complaint):
        raise PermissionDenied("You cannot work on this case.")
    if locked.status not in (CompensationStatus.PROPOSED, CompensationStatus.APPROVED):
        raise ValidationError(
            f"A compensation that is {locked.get_status_display().lower()} cannot be cancelled."
        )
    was_waiting = locked.status == CompensationStatus.PROPOSED
    _release_budget(compensation=locked)
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
