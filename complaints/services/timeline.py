from typing import Any

from django.contrib.auth.models import User

from complaints.models import Complaint, EventKind, TimelineEvent


def record_event(
    *,
    complaint: Complaint,
    kind: EventKind | str,
    actor: User | None = None,
    actor_label: str = "",
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> TimelineEvent:
    return TimelineEvent.objects.create(
        complaint=complaint,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        note=note,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
    )
