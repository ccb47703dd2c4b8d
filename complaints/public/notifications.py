"""Emails of the customer side: the acknowledgement with the status link, and the owner's notice."""

from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, EventKind, Source, TimelineEvent
from complaints.public.links import status_max_age, status_url
from complaints.services.mail_recovery import BATCH, REQUEUE_AFTER, SENDING_LEASE, enqueue_quietly
from complaints.services.timeline import record_event
from portal.emails import absolute_url, make_message

ACKNOWLEDGEMENT = "acknowledgement"
# Acknowledgements older than this are not sent late: by then an agent has usually written.
ACKNOWLEDGEMENT_RECOVERY_WINDOW = timedelta(days=1)


def _sending_key(complaint_id: int) -> str:
    return f"acknowledgement-sending:{complaint_id}"


def send_acknowledgement_email(*, complaint_id: int) -> bool:
    """Send the acknowledgement once. Its record is the `EMAIL_SENT` timeline entry, written after
    the send; in between, a short lease in the shared cache (an atomic `add`) claims the send, so a
    redelivered task or one queued again by the sweeper, running at the same moment, sends nothing."""
    complaint = Complaint.objects.select_related("customer", "category").get(pk=complaint_id)
    if not complaint.customer.email:
        return False
    if _acknowledged(complaint):
        return False
    if not cache.add(_sending_key(complaint_id), 1, timeout=int(SENDING_LEASE.total_seconds())):
        return False  # another worker is sending it now
    sent = False
    try:
        # Checked again under the claim: the previous holder may have finished just before.
        if _acknowledged(complaint):
            return False
        message = make_message(
            template="complaints/public/email/acknowledgement",
            context={
                "complaint": complaint,
                "customer": complaint.customer,
                "status_url": status_url(complaint),
                "link_days": status_max_age() // 86400,
            },
            to=[complaint.customer.email],
        )
        sent = message.send() == 1
        if sent:
            record_event(
                complaint=complaint,
                kind=EventKind.EMAIL_SENT,
                actor_label="System",
                note=str(message.subject),
                data={"template": ACKNOWLEDGEMENT, "to": complaint.customer.email},
            )
    finally:
        if not sent:
            cache.delete(_sending_key(complaint_id))  # free for the retry
    return sent


def _acknowledged(complaint: Complaint) -> bool:
    return complaint.events.filter(kind=EventKind.EMAIL_SENT, data__template=ACKNOWLEDGEMENT).exists()


def requeue_unsent_acknowledgements(*, now: datetime | None = None) -> list[int]:
    """Queue again the acknowledgements of the last day that were not sent within a few minutes
    (the broker was down when the complaint was filed). Each case is queued again at most once
    per `REQUEUE_AFTER`, remembered in the shared cache."""
    from complaints.public.tasks import send_public_acknowledgement

    now = now or timezone.now()
    unsent = (
        Complaint.objects.filter(
            source=Source.PUBLIC_FORM,
            received_at__gte=now - ACKNOWLEDGEMENT_RECOVERY_WINDOW,
            received_at__lt=now - REQUEUE_AFTER,
        )
        .exclude(customer__email="")
        .exclude(
            Exists(
                TimelineEvent.objects.filter(
                    complaint=OuterRef("pk"), kind=EventKind.EMAIL_SENT, data__template=ACKNOWLEDGEMENT
                )
            )
        )
        .order_by("received_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    timeout = int(REQUEUE_AFTER.total_seconds())
    return [
        pk
        for pk in unsent
        if cache.add(f"acknowledgement-requeued:{pk}", 1, timeout=timeout)
        and enqueue_quietly(send_public_acknowledgement.delay, pk)
    ]


def send_owner_customer_added_email(*, complaint_id: int) -> bool:
    complaint = Complaint.objects.select_related("owner").get(pk=complaint_id)
    if complaint.owner is None or not complaint.owner.email:
        return False
    message = make_message(
        template="complaints/public/email/owner_customer_added",
        context={
            "complaint": complaint,
            "case_url": absolute_url(reverse("complaints:detail", args=[complaint.reference])),
        },
        to=[complaint.owner.email],
    )
    return message.send() == 1
