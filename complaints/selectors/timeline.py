"""The case page's reads: the case itself, and its timeline, where each ownership change names the
new owner."""

from functools import partial

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from accounts.roles import user_roles
from complaints.access import visible_complaints
from complaints.models import Complaint, EventKind, TimelineEvent
from complaints.selectors.vocabularies import person_names
from portal import baked

OWNERSHIP_KINDS = frozenset({EventKind.ASSIGNED, EventKind.CLAIMED, EventKind.TRANSFERRED})


def case_for_page(user: AbstractBaseUser | AnonymousUser, reference: str) -> Complaint | None:
    """The case a case page shows, with its customer and product, when this user may see it: one
    statement compiled once per set of roles (`portal.baked`)."""
    shape = ("case:page", frozenset(user_roles(user)))
    found = baked.objects(shape, partial(_visible_case, user), reference=reference)
    return found[0] if found else None


def _visible_case(user: AbstractBaseUser | AnonymousUser, *, reference: str) -> QuerySet[Complaint]:
    return visible_complaints(user).select_related("customer", "product").filter(reference=reference)


def case_timeline(complaint: Complaint) -> list[TimelineEvent]:
    """Oldest first, each with `who_label` (the actor's name, or who acted when it was not staff) and
    `new_owner` (a name) on claims, assignments and transfers. Names come from the kept staff list
    (`person_names`), not from a join to the user table per event."""
    events = baked.objects(("case:timeline",), _events, complaint_id=complaint.pk)
    for event in events:
        event.complaint = complaint  # as `complaint.events.all()` would have set it
    owner_ids = {e.data.get("to_owner_id") for e in events if e.kind in OWNERSHIP_KINDS} - {None}
    names = person_names({e.actor_id for e in events if e.actor_id is not None} | owner_ids)
    for event in events:
        event.who_label = (  # type: ignore[attr-defined]
            names.get(event.actor_id, "") if event.actor_id is not None else event.actor_label or "System"
        )
        event.new_owner = names.get(event.data.get("to_owner_id"), "")  # type: ignore[attr-defined]
    return events


def _events(*, complaint_id: int) -> QuerySet[TimelineEvent]:
    return TimelineEvent.objects.filter(complaint_id=complaint_id)
