"""Recover customer mail that the normal path lost.

Mail is queued after commit (`transaction.on_commit(..., robust=True)`): when the broker is down
at that moment the action still stands and the row says the email is unsent, but no message
reached a worker. And a worker killed in the middle of a send leaves its email claimed. A periodic
task (`complaints.tasks.recover_unsent_mail`, every two minutes from Beat) finds both kinds here.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import CaseEmail, EventKind
from complaints.services.timeline import record_event

logger = logging.getLogger(__name__)

# Longer than the longest retry countdown of a failed send (160 s), so a retry on its way is not
# doubled; short enough that a lost acknowledgement still arrives the same hour.
REQUEUE_AFTER = timedelta(minutes=5)
# Longer than a task may run (CELERY_TASK_TIME_LIMIT, 180 s) plus the SMTP timeout: an email still
# claimed after this was interrupted.
SENDING_LEASE = timedelta(minutes=15)
BATCH = 500


def enqueue_quietly(send: Callable[[int], object], object_id: int) -> bool:
    """Hand one id to the broker; a failure is logged and left for the next sweep."""
    try:
        send(object_id)
    except Exception:  # the broker is still unreachable: the row stays unsent and is found again
        logger.warning("Could not queue %s for %s; trying again later.", send, object_id, exc_info=True)
        return False
    return True


def requeue_unsent_case_emails(*, now: datetime | None = None) -> list[int]:
    """Queue again the emails that have waited a few minutes without a send attempt. Sending
    claims the row first, so an email queued twice still goes out once."""
    from complaints.tasks import deliver_case_email_task

    now = now or timezone.now()
    cutoff = now - REQUEUE_AFTER
    with transaction.atomic():
        ids = list(
            CaseEmail.objects.select_for_update(skip_locked=True)
            .filter(state=CaseEmail.State.QUEUED, created_at__lt=cutoff)
            .filter(Q(handled_at__isnull=True) | Q(handled_at__lt=cutoff))
            .order_by("created_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        # Stamped, so a slow worker backlog is not flooded with copies at every sweep.
        CaseEmail.objects.filter(pk__in=ids).update(handled_at=now)
    return [pk for pk in ids if enqueue_quietly(deliver_case_email_task.delay, pk)]


def fail_interrupted_case_emails(*, now: datetime | None = None) -> list[int]:
    """Emails claimed for sending long ago: the worker died mid-send, so nobody knows whether the
    customer got it. They are not sent again (that could send twice): they are marked failed, on
    the case page and its timeline, for the agent to check with the customer or send again."""
    now = now or timezone.now()
    cutoff = now - SENDING_LEASE
    with transaction.atomic():
        stuck = list(
            CaseEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("complaint")
            .filter(state=CaseEmail.State.SENDING, created_at__lt=cutoff, handled_at__lt=cutoff)
            .order_by("created_at")[:BATCH]
        )
        reason = "The send was interrupted; we cannot tell whether it reached the customer."
        for email in stuck:
            CaseEmail.objects.filter(pk=email.pk).update(
                state=CaseEmail.State.FAILED, last_error=reason, handled_at=now
            )
            record_event(
                complaint=email.complaint,
                kind=EventKind.EMAIL_FAILED,
                actor_label="Mail delivery",
                note=f"{email.subject}: {reason} Not sent again, so it cannot arrive twice: check with "
                "the customer or send it again.",
                data={"email_id": email.pk, "final": True, "interrupted": True},
            )
    return [email.pk for email in stuck]
