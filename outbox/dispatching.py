"""The dispatcher: one Beat entry runs it every few seconds (and each commit that writes a message
wakes it). It lets the producers write what has become due, recovers leases of dead workers, then
claims due messages in batches and hands each batch to one send task.

Claiming is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING id` on
PostgreSQL: two dispatchers skip each other's rows, and the claim token lets a send task act only
on the messages its own task message was given.
"""

import logging
import time
import uuid
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from outbox import conf, registry
from outbox.models import Message, State
from outbox.services import tell_outcome

logger = logging.getLogger(__name__)

# An idle tick is this one statement: both probes read partial indexes (leased rows, pending rows),
# so its cost does not grow with the number of messages ever sent.
PROBE_SQL = """
SELECT EXISTS (SELECT 1 FROM outbox_message
                WHERE state IN ('claimed', 'sending') AND lease_expires_at < %s),
       EXISTS (SELECT 1 FROM outbox_message WHERE state = 'pending' AND due_at <= %s),
       EXISTS (SELECT 1 FROM outbox_message
                WHERE outcome_told_at IS NULL AND state IN ('sent', 'failed', 'uncertain')
                  AND updated_at < %s)
"""
# A live worker tells the apps within seconds of a send; after this, the sender is presumed gone.
UNTOLD_GRACE = timedelta(seconds=60)

CLAIM_SQL = """
UPDATE outbox_message
   SET state = 'claimed', claim_token = %s, lease_expires_at = %s, updated_at = %s
 WHERE id IN (
       SELECT id FROM outbox_message
        WHERE state = 'pending' AND due_at <= %s
        ORDER BY due_at
        LIMIT %s
          FOR UPDATE SKIP LOCKED)
RETURNING id
"""


def probe(*, now: datetime) -> tuple[bool, bool, bool]:
    """(some lease has expired, some message is due, some outcome is untold), in one round trip."""
    value = connection.ops.adapt_datetimefield_value(now)
    grace = connection.ops.adapt_datetimefield_value(now - UNTOLD_GRACE)
    with connection.cursor() as cursor:
        cursor.execute(PROBE_SQL, [value, value, grace])
        stuck, due, untold = cursor.fetchone()
    return bool(stuck), bool(due), bool(untold)


def tell_untold(*, now: datetime, limit: int = 500) -> int:
    """Tell the apps the outcomes a stopped worker recorded but did not tell (the case timeline,
    the follow-up rows): once each, like the worker would have."""
    untold = list(
        Message.objects.filter(
            outcome_told_at__isnull=True,
            state__in=[State.SENT, State.FAILED, State.UNCERTAIN],
            updated_at__lt=now - UNTOLD_GRACE,
        ).order_by("updated_at")[:limit]
    )
    for state in (State.SENT, State.FAILED, State.UNCERTAIN):
        tell_outcome([m for m in untold if m.state == state], state, now)
    return len(untold)


def recover_expired_leases(*, now: datetime) -> dict[str, int]:
    """Claimed messages whose worker stopped renewing go back to the queue: nothing was tried. A
    message left `sending` may or may not have reached the server: it becomes uncertain, is never
    sent again by the system, and is shown to staff. Its claim token stays, so a worker that was
    only slow may still record it as sent."""
    requeued = Message.objects.filter(state=State.CLAIMED, lease_expires_at__lt=now).update(
        state=State.PENDING, claim_token=None, lease_expires_at=None, updated_at=now
    )
    with transaction.atomic():
        stuck = list(
            Message.objects.select_for_update(skip_locked=True).filter(
                state=State.SENDING, lease_expires_at__lt=now
            )
        )
        for message in stuck:
            message.state = State.UNCERTAIN
            message.uncertain_at = now
            message.lease_expires_at = None
            message.last_error = (
                "The worker stopped while sending: the mail server may or may not have accepted it."
            )
        Message.objects.bulk_update(stuck, ["state", "uncertain_at", "lease_expires_at", "last_error"])
        tell_outcome(stuck, State.UNCERTAIN, now)
    if requeued or stuck:
        logger.warning("Outbox leases recovered: %s queued again, %s uncertain", requeued, len(stuck))
    return {"requeued": requeued, "uncertain": len(stuck)}


def claim_due_batch(*, now: datetime, batch_size: int) -> tuple[str, list[int]]:
    """Claim up to `batch_size` due messages; return the claim token and their ids."""
    token = uuid.uuid4()
    lease = now + conf.claim_lease()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_SQL, [token, lease, now, now, batch_size])
            ids = [row[0] for row in cursor.fetchall()]
        return (str(token), ids) if ids else ("", [])
    # SQLite (the embedded default) serialises writers, so a plain claim is safe there.
    with transaction.atomic():
        ids = list(
            Message.objects.filter(state=State.PENDING, due_at__lte=now)
            .order_by("due_at")
            .values_list("id", flat=True)[:batch_size]
        )
        if ids:
            Message.objects.filter(id__in=ids, state=State.PENDING).update(
                state=State.CLAIMED, claim_token=token, lease_expires_at=lease, updated_at=now
            )
    return (str(token), ids) if ids else ("", [])


PRODUCER_FAILURES = "outbox:producer-failures"


def run_producers(*, now: datetime) -> int:
    written = 0
    failures: dict[str, dict[str, str]] = {}
    for producer in registry.producers():
        name = getattr(producer, "__qualname__", str(producer))
        try:
            written += producer(now)
        except Exception as error:
            # One app's failure must not stop every other message. It is logged with its trace,
            # tried again at the next tick, and shown to staff on Undelivered mail until a run
            # succeeds: the messages it should have written exist nowhere else to be seen.
            logger.exception("Outbox producer %s failed", name)
            failures[name] = {"at": now.isoformat(), "error": f"{type(error).__name__}: {error}"[:500]}
    _remember_failures(failures)
    return written


# A producer that keeps failing rewrites its failure every tick; one that recovers drops out of
# sight within this time even where another process recorded the failure.
FAILURE_SHOWN_SECONDS = 120
_failed_here = False


def _remember_failures(failures: dict[str, dict[str, str]]) -> None:
    """The shared cache holds the last failures, for every web process to show. Nothing is read
    on a good tick, so an idle tick stays two statements: a process clears what it wrote itself
    when its producers succeed again, and the entry expires by itself otherwise."""
    global _failed_here
    if failures:
        cache.set(PRODUCER_FAILURES, failures, timeout=FAILURE_SHOWN_SECONDS)
        _failed_here = True
    elif _failed_here:
        cache.delete(PRODUCER_FAILURES)
        _failed_here = False


def producer_failures() -> list[dict[str, str]]:
    """What staff are told: which producer failed, when and why, as of the last tick."""
    stored = cache.get(PRODUCER_FAILURES) or {}
    return [{"producer": name, **details} for name, details in sorted(stored.items())]


def dispatch(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Produce, recover, then claim and hand over due messages; return how many were handed over.

    Stops when nothing is due, when as many messages are in flight as the workers can start within
    a lease, or when its time budget is spent; the next tick carries on."""
    from outbox.tasks import send_messages

    now = now or timezone.now()
    batch_size = batch_size or conf.batch_size()
    deadline = time.monotonic() + conf.dispatch_time_budget()
    run_producers(now=now)
    stuck, due, untold = probe(now=now)
    if untold:
        tell_untold(now=now)
    if stuck:
        recover_expired_leases(now=now)
        due = True
    if not due:
        return 0
    room = conf.max_in_flight() - Message.objects.filter(state=State.CLAIMED).count()
    handed = 0
    while room > 0:
        token, ids = claim_due_batch(now=now, batch_size=min(batch_size, room))
        if not ids:
            break
        try:
            send_messages.delay(ids, token)
        except Exception:
            # The broker is unreachable: the claim expires and the messages are claimed again.
            logger.warning(
                "Could not hand %s message(s) to the workers; retrying later", len(ids), exc_info=True
            )
            break
        handed += len(ids)
        room -= len(ids)
        if len(ids) < batch_size or time.monotonic() > deadline:
            break
    return handed
