from datetime import datetime, tzinfo
from typing import cast

import phonenumbers
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from complaints.errors import CustomerExists, DuplicateComplaint
from complaints.models import (
    OPEN_STATUSES,
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
from complaints.models.customers import CustomerQuerySet
from complaints.services.references import reserve_references
from complaints.services.targets import apply_response_target
from complaints.services.timeline import record_event

REFERENCE_PREFIX = "RD-"


def find_open_duplicate(*, customer: Customer, category: Category) -> Complaint | None:
    """The customer's most recent open case in this category, if any (one indexed lookup)."""
    return (
        Complaint.objects.filter(customer=customer, category=category, status__in=OPEN_STATUSES)
        .select_related("customer", "category")
        .order_by("-received_at")
        .first()
    )


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
    owner: User | None = None,
    refuse_duplicate: bool = False,
) -> Complaint:
    """Record a new complaint with its reference, its due times and the first timeline entry.

    With `refuse_duplicate`, an open case for the same customer and category raises
    `DuplicateComplaint` (the agent sees it and may confirm to go ahead). `owner` makes the case
    owned from the start; otherwise it waits, unowned, for someone to claim it.
    """
    if refuse_duplicate:
        existing = find_open_duplicate(customer=customer, category=category)
        if existing is not None:
            raise DuplicateComplaint(existing)
    received_at = received_at or timezone.now()
    complaint = Complaint(
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
        owner=owner,
    )
    apply_response_target(complaint)
    # Reserved last: the counter row stays locked until commit, so keep that stretch short.
    (complaint.reference,) = reserve_references(year=received_at.year)
    complaint.save(force_insert=True)
    record_event(
        complaint=complaint,
        kind=EventKind.CREATED,
        actor=actor,
        actor_label="" if actor else Source(source).label,
        to_status=complaint.status,
        data={"owner_id": owner.pk} if owner else None,
    )
    return complaint


@transaction.atomic
def create_customer(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    preferred_channel: str = Customer.PreferredChannel.EMAIL,
    time_zone: str | tzinfo = "UTC",
) -> Customer:
    """Record a new customer. Raises `CustomerExists` when the email is already on file: the form
    checks first, but a second agent (or the public form) may record the same person meanwhile,
    and the unique index is what decides."""
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives a refusal
            return Customer.objects.create(
                name=name.strip(),
                email=email.strip(),
                phone=phone,
                preferred_channel=preferred_channel,
                time_zone=time_zone,
            )
    except IntegrityError:
        existing = Customer.objects.get_by_email(email)
        if existing is None:
            raise
        raise CustomerExists(existing) from None


def normalise_phone(text: str, region: str) -> str | None:
    """E.164 form of a phone number as typed, or None when it is not one."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def find_customers(
    *, query: str, region: str, limit: int = 20, among: QuerySet[Customer] | None = None
) -> QuerySet[Customer]:
    """Customers matching what an agent typed: an earlier reference, an email, a phone number or
    the start of a name. Each form uses its own index; nothing scans the table."""
    query = " ".join(query.split())
    if not query:
        return Customer.objects.none()
    among = Customer.objects.all() if among is None else among
    if query.upper().startswith(REFERENCE_PREFIX):
        found = among.filter(complaints__reference=query.upper())
    elif "@" in query:
        # Every Customer queryset is a CustomerQuerySet (the model's manager makes them).
        found = cast(CustomerQuerySet, among).with_email(query)
    elif (phone := normalise_phone(query, region)) is not None and sum(c.isdigit() for c in query) >= 6:
        found = among.filter(phone=phone)
    else:
        found = among.alias(name_lower=Lower("name")).filter(name_lower__startswith=query.lower())
    return found.annotate(name_lower=Lower("name")).order_by("name_lower", "id")[:limit]
