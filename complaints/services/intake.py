from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from complaints.models import (
    Category,
    Channel,
    Complaint,
    Customer,
    Emotion,
    EventKind,
    Product,
    Severity,
    Source,
)
from complaints.services.references import reserve_references
from complaints.services.timeline import record_event


@transaction.atomic
def submit_complaint(
    *,
    customer: Customer,
    channel: Channel,
    category: Category,
    severity: Severity,
    customer_words: str,
    source: Source | str = Source.AGENT,
    actor: User | None = None,
    summary: str = "",
    summary_confirmed: bool = False,
    emotion: Emotion | None = None,
    desired_outcome: str = "",
    product: Product | None = None,
    order_reference: str = "",
    issue: str = "",
    received_at: datetime | None = None,
) -> Complaint:
    """Record a new complaint with its reference and the first timeline entry."""
    received_at = received_at or timezone.now()
    (reference,) = reserve_references(year=received_at.year)
    complaint = Complaint.objects.create(
        reference=reference,
        customer=customer,
        channel=channel,
        category=category,
        severity=severity,
        customer_words=customer_words,
        source=source,
        created_by=actor,
        summary=summary,
        summary_confirmed=summary_confirmed,
        emotion=emotion,
        desired_outcome=desired_outcome,
        product=product,
        order_reference=order_reference,
        issue=issue,
        received_at=received_at,
    )
    record_event(
        complaint=complaint,
        kind=EventKind.CREATED,
        actor=actor,
        actor_label="" if actor else Source(source).label,
        to_status=complaint.status,
    )
    return complaint
