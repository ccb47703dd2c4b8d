"""A case's timeline as the case page shows it: each ownership change names the new owner."""

from django.contrib.auth import get_user_model

from complaints.models import Complaint, EventKind, TimelineEvent

OWNERSHIP_KINDS = frozenset({EventKind.ASSIGNED, EventKind.CLAIMED, EventKind.TRANSFERRED})


def case_timeline(complaint: Complaint) -> list[TimelineEvent]:
    """Oldest first, with `new_owner` (a name) on claims, assignments and transfers; one extra
    query for all their names, only when the case has any."""
    events = list(complaint.events.select_related("actor"))
    owner_ids = {e.data.get("to_owner_id") for e in events if e.kind in OWNERSHIP_KINDS} - {None}
    names: dict[int, str] = {}
    if owner_ids:
        names = {
            user.pk: user.get_full_name() or user.get_username()
            for user in get_user_model().objects.filter(pk__in=owner_ids)
        }
    for event in events:
        event.new_owner = names.get(event.data.get("to_owner_id"), "")  # type: ignore[attr-defined]
    return events
