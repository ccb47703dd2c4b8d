"""A case's timeline as the case page shows it: each ownership change names the new owner."""

from complaints.models import Complaint, EventKind, TimelineEvent
from complaints.selectors.vocabularies import person_names

OWNERSHIP_KINDS = frozenset({EventKind.ASSIGNED, EventKind.CLAIMED, EventKind.TRANSFERRED})


def case_timeline(complaint: Complaint) -> list[TimelineEvent]:
    """Oldest first, each with `who_label` (the actor's name, or who acted when it was not staff) and
    `new_owner` (a name) on claims, assignments and transfers. Names come from the kept staff list
    (`person_names`), not from a join to the user table per event."""
    events = list(complaint.events.all())
    owner_ids = {e.data.get("to_owner_id") for e in events if e.kind in OWNERSHIP_KINDS} - {None}
    names = person_names({e.actor_id for e in events if e.actor_id is not None} | owner_ids)
    for event in events:
        event.who_label = (  # type: ignore[attr-defined]
            names.get(event.actor_id, "") if event.actor_id is not None else event.actor_label or "System"
        )
        event.new_owner = names.get(event.data.get("to_owner_id"), "")  # type: ignore[attr-defined]
    return events
