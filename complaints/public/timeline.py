"""What a customer sees of their case's timeline: progress, never internal notes or staff names."""

from dataclasses import dataclass
from datetime import datetime

from complaints.models import Complaint, EventKind, Status


@dataclass(frozen=True)
class PublicEntry:
    when: datetime
    title: str
    text: str = ""
    who: str = ""


_PUBLIC_KINDS = [
    EventKind.CREATED,
    EventKind.STATUS_CHANGED,
    EventKind.CUSTOMER_ADDED,
    EventKind.ATTACHMENT,
    EventKind.EMAIL_SENT,
    EventKind.WAITING,
    EventKind.REOPENED,
]


def _first_name(event_actor: object | None) -> str:
    first = getattr(event_actor, "first_name", "") if event_actor is not None else ""
    return f"{first} (our team)" if first else "Our team"


def public_timeline(complaint: Complaint) -> list[PublicEntry]:
    entries: list[PublicEntry] = []
    events = complaint.events.filter(kind__in=_PUBLIC_KINDS).select_related("actor")
    for event in events:
        kind = event.kind
        if kind == EventKind.CREATED:
            entries.append(PublicEntry(event.created_at, "We received your complaint"))
        elif kind == EventKind.STATUS_CHANGED and event.to_status in Status.values:
            label = Status(event.to_status).label
            entries.append(PublicEntry(event.created_at, f"Status: {label}", who=_first_name(event.actor)))
        elif kind == EventKind.CUSTOMER_ADDED:
            entries.append(PublicEntry(event.created_at, "You added information", text=event.note))
        elif kind == EventKind.ATTACHMENT and event.actor_id is None:
            # Files staff attach may be internal evidence; the customer sees only their own.
            entries.append(PublicEntry(event.created_at, "You sent a file", text=event.note))
        elif kind == EventKind.EMAIL_SENT:
            entries.append(PublicEntry(event.created_at, "We emailed you"))
        elif kind == EventKind.WAITING:
            entries.append(PublicEntry(event.created_at, "We are waiting for information from you"))
        elif kind == EventKind.REOPENED:
            entries.append(PublicEntry(event.created_at, "Your complaint was reopened"))
    return entries
