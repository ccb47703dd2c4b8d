"""Use cases of the public pages: a customer files a complaint, or adds to one."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from complaints.errors import ComplaintError
from complaints.models import (
    Category,
    Channel,
    Complaint,
    Customer,
    EventKind,
    Severity,
    Source,
    Status,
)
from complaints.public.notifications import queue_acknowledgement
from complaints.services.attachments import attach_file
from complaints.services.intake import submit_complaint
from complaints.services.notifications import queue_owner_customer_added_email
from complaints.services.timeline import record_event

CUSTOMER = "Customer"
PUBLIC_FORM_CHANNEL = "web"
# A person on the web form does not grade their own complaint; an agent adjusts it on triage.
PUBLIC_FORM_SEVERITY = "medium"
CLOSED_TO_ADDITIONS = frozenset({Status.CLOSED, Status.WITHDRAWN})
# The web channel and medium severity are seeded by migrations, protected from deletion by every
# case that uses them, and keep their codes: looking them up once per process takes two queries
# off every public submission.
_defaults: dict[str, Channel | Severity] = {}


def _public_form_defaults() -> tuple[Channel, Severity]:
    if not _defaults:
        _defaults["channel"] = Channel.objects.get(code=PUBLIC_FORM_CHANNEL)
        _defaults["severity"] = Severity.objects.get(code=PUBLIC_FORM_SEVERITY)
    channel, severity = _defaults["channel"], _defaults["severity"]
    if not isinstance(channel, Channel) or not isinstance(severity, Severity):
        raise TypeError("the public form's defaults were cached under the wrong names")
    return channel, severity


def find_or_create_customer(*, name: str, email: str, phone: str = "", time_zone: str = "UTC") -> Customer:
    """Reuse the customer with this email (any case), or create one.

    An unauthenticated form never overwrites what we hold about a known customer: it only
    fills a phone number we did not have.
    """
    existing = Customer.objects.get_by_email(email)
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the complaint's transaction goes on
                return Customer.objects.create(name=name, email=email, phone=phone, time_zone=time_zone)
        except IntegrityError:
            # The same person submitted twice at once and the other request recorded them first;
            # the unique index made this one wait for it, so it is visible now.
            existing = Customer.objects.get_by_email(email)
            if existing is None:
                raise
    if phone and not existing.phone:
        existing.phone = phone
        existing.save(update_fields=["phone"])
    return existing


@transaction.atomic
def submit_public_complaint(
    *,
    name: str,
    email: str,
    category: Category,
    customer_words: str,
    desired_outcome: str,
    phone: str = "",
    order_reference: str = "",
    time_zone: str = "UTC",
    files: Sequence[UploadedFile] = (),
) -> Complaint:
    """File a complaint from the public form; the acknowledgement email goes out after commit."""
    customer = find_or_create_customer(name=name, email=email, phone=phone, time_zone=time_zone)
    channel, severity = _public_form_defaults()
    complaint = submit_complaint(
        customer=customer,
        channel=channel,
        category=category,
        severity=severity,
        customer_words=customer_words,
        desired_outcome=desired_outcome,
        order_reference=order_reference,
        source=Source.PUBLIC_FORM,
    )
    if customer.name != name:
        record_event(
            complaint=complaint,
            kind=EventKind.NOTE,
            actor_label=Source.PUBLIC_FORM.label,
            note=f"Submitted under the name “{name}”; the customer record with this email is kept as it was.",
        )
    for uploaded in files:
        attach_file(complaint=complaint, uploaded_file=uploaded, actor_label=CUSTOMER)

    queue_acknowledgement(complaint=complaint)
    return complaint


@transaction.atomic
def add_customer_information(
    *, complaint: Complaint, text: str = "", files: Sequence[UploadedFile] = ()
) -> Complaint:
    """The customer adds details or files from their status page; the owner, if any, is told."""
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status in CLOSED_TO_ADDITIONS:
        raise ComplaintError(
            "This complaint is closed, so we cannot add to it. Please file a new complaint and "
            f"mention {locked.reference}."
        )
    if not text.strip() and not files:
        raise ComplaintError("Please write something or choose a file to send.")
    if text.strip():
        record_event(complaint=locked, kind=EventKind.CUSTOMER_ADDED, actor_label=CUSTOMER, note=text)
    for uploaded in files:
        attach_file(complaint=locked, uploaded_file=uploaded, actor_label=CUSTOMER)
    queue_owner_customer_added_email(complaint=locked)
    return locked
