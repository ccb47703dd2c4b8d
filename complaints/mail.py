"""How the case timeline hears about mail: every email about a case that reaches the customer, fails,
or may have been delivered becomes a timeline entry, in the transaction that records it."""

from datetime import datetime

from django.urls import reverse

from complaints.models import EventKind, TimelineEvent
from outbox.models import Audience, Message, State

MAIL_DELIVERY = "Mail delivery"


def record_mail_on_timeline(messages: list[Message], state: str, now: datetime) -> None:
    events: list[tuple[int, str, str, dict[str, object]]] = []
    for message in messages:
        case_id = message.case_id
        if case_id is None:
            continue
        data: dict[str, object] = {"message": message.pk, "to": message.to}
        what = message.subject or "Email"
        if state == State.SENT and message.audience == Audience.CUSTOMER:
            events.append((case_id, EventKind.EMAIL_SENT, f"{what} (to {message.to})", data))
        elif state == State.FAILED:
            note = (
                f"{what} to {message.to} could not be delivered: {message.last_error} "
                "Send it again from Undelivered mail once the cause is fixed, or call the customer."
            )
            events.append((case_id, EventKind.EMAIL_FAILED, note, data))
        elif state == State.UNCERTAIN:
            note = (
                f"{what} to {message.to} may have been delivered: sending stopped midway. It is not "
                "sent again by itself; check with the recipient before sending it again."
            )
            events.append((case_id, EventKind.EMAIL_UNCERTAIN, note, data))
    TimelineEvent.objects.bulk_create(
        TimelineEvent(complaint_id=case_id, kind=kind, actor_label=MAIL_DELIVERY, note=note, data=data)
        for case_id, kind, note, data in events
    )


def case_url(reference: str) -> str:
    return reverse("complaints:detail", args=[reference])
