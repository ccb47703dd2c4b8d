"""Who owns a case: claimed from the unowned queue, transferred with a note, reassigned by supervisors.

Once a case has an owner it keeps exactly one until it is finished: nothing here clears `owner`.
"""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role, has_role
from complaints.access import can_claim, can_reassign, ensure_may_transfer
from complaints.errors import OwnershipError
from complaints.models import OPEN_STATUSES, Complaint, EventKind
from complaints.services.timeline import record_event


def _check_new_owner(to_user: User) -> None:
    if not to_user.is_active or not has_role(to_user, Role.AGENT):
        raise OwnershipError(f"{to_user.get_username()} is not an active agent.")


@transaction.atomic
def claim_complaint(*, complaint: Complaint, actor: User, now: datetime | None = None) -> Complaint:
    """Take an unowned case. Two agents claiming at once: the conditional UPDATE lets one win."""
    if not can_claim(actor, complaint):
        raise OwnershipError(_claim_refusal(actor, complaint))
    won = Complaint.objects.filter(pk=complaint.pk, owner__isnull=True, status__in=OPEN_STATUSES).update(
        owner=actor, updated_at=now or timezone.now()
    )
    if not won:
        complaint.refresh_from_db(fields=["owner", "status"])
        owner = complaint.owner.get_full_name() if complaint.owner else "nobody"
        raise OwnershipError(f"Someone got there first: the case is now owned by {owner}.")
    complaint.owner = actor
    record_event(complaint=complaint, kind=EventKind.CLAIMED, actor=actor, data={"to_owner_id": actor.pk})
    return complaint


def _claim_refusal(actor: User, complaint: Complaint) -> str:
    if not has_role(actor, Role.AGENT):
        return "Only agents can claim cases."
    if complaint.owner_id is not None:
        if complaint.owner_id == actor.pk:
            return "You already own this case."
        owner = complaint.owner.get_full_name() or complaint.owner.get_username() if complaint.owner else ""
        return f"Someone got there first: the case is now owned by {owner}."
    return f"This case is {complaint.get_status_display().lower()}: only open cases can be claimed."


def _move(*, complaint: Complaint, to_user: User, actor: User, note: str, kind: EventKind) -> Complaint:
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not locked.is_open:
        raise OwnershipError("A finished case keeps its last owner.")
    if locked.owner_id == to_user.pk:
        raise OwnershipError(f"The case is already owned by {to_user.get_full_name() or to_user}.")
    from_owner_id = locked.owner_id
    locked.owner = to_user
    locked.save(update_fields=["owner", "updated_at"])
    record_event(
        complaint=locked,
        kind=kind,
        actor=actor,
        note=note,
        data={"from_owner_id": from_owner_id, "to_owner_id": to_user.pk},
    )
    complaint.owner = to_user
    return complaint


@transaction.atomic
def transfer_complaint(*, complaint: Complaint, to_user: User, actor: User, note: str) -> Complaint:
    """The owner hands the case to a colleague and says why; supervisors may move any open case."""
    ensure_may_transfer(actor, complaint)
    supervising = can_reassign(actor)
    if not supervising and not note.strip():
        raise OwnershipError("Say why you are transferring the case: the new owner reads it first.")
    _check_new_owner(to_user)
    kind = EventKind.TRANSFERRED if complaint.owner_id == actor.pk else EventKind.ASSIGNED
    return _move(complaint=complaint, to_user=to_user, actor=actor, note=note.strip(), kind=kind)


@transaction.atomic
def reassign_complaints(
    *, complaints: Iterable[Complaint], to_user: User, actor: User, note: str = ""
) -> list[Complaint]:
    """A supervisor moves many cases at once (all or none); cases already with `to_user` are skipped."""
    if not can_reassign(actor):
        raise OwnershipError("Only supervisors can reassign cases.")
    _check_new_owner(to_user)
    moved = []
    # Locked in id order so two bulk reassignments cannot deadlock each other.
    for complaint in sorted(complaints, key=lambda c: c.pk):
        if complaint.owner_id == to_user.pk:
            continue
        moved.append(
            _move(
                complaint=complaint, to_user=to_user, actor=actor, note=note.strip(), kind=EventKind.ASSIGNED
            )
        )
    return moved
