"""The dispatcher: claim due email rows in batches and hand each batch to one send task.

One Beat entry runs it every minute. Claiming is `SELECT … FOR UPDATE SKIP LOCKED` then an UPDATE
to `queued` with a lease and a claim token, committed per batch: two dispatchers skip each
other's rows, and the token lets a send task act only on the rows its own message was given.
"""

import logging
import time
import uuid
from datetime import datetime
from functools import partial

from django.db import connection, transaction
from django.utils import timezone

from complaints.models import EventKind
from complaints.services.timeline import record_event
from followups import conf
from followups.models import Channel, FollowUp, State
from followups.models.followups import LEASED_STATES

logger = logging.getLogger(__name__)

INTERRUPTED = (
    "Interrupted while sending (the worker stopped): the email may or may not have reached the "
    "customer. Retry only if they did not get it."
)


# An idle tick is this one statement: both probes use partial indexes (leased rows, scheduled
# email rows), so its cost does not grow with the table. Only when one says yes does more run.
PROBE_SQL = """
SELECT EXISTS (SELECT 1 FROM followups_followup
                WHERE state IN ('queued', 'sending') AND lease_expires_at < %s),
       EXISTS (SELECT 1 FROM followups_followup
                WHERE state = 'scheduled' AND channel = 'email' AND due_at <= %s)
"""


def probe(*, now: datetime) -> tuple[bool, bool]:
    """(some lease has expired, some email row is due), in one round trip."""
    value = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(PROBE_SQL, [value, value])
        stuck, due = cursor.fetchone()
    return bool(stuck), bool(due)


def recover_stuck_leases(*, now: datetime | None = None) -> dict[str, int]:
    """Rows whose worker died: queued ones go back to the schedule (nothing was sent); rows caught
    mid-send become visible failures, because sending again could reach the customer twice."""
    now = now or timezone.now()
    # The common case is that nothing is stuck: one indexed probe, then done.
    if not FollowUp.objects.filter(state__in=LEASED_STATES, lease_expires_at__lt=now).exists():
        return {"requeued": 0, "failed": 0}
    return _recover(now)


def _recover(now: datetime) -> dict[str, int]:
    requeued = FollowUp.objects.filter(state=State.QUEUED, lease_expires_at__lt=now).update(
        state=State.SCHEDULED, claim_token=None, lease_expires_at=None, note="Hand-off expired; queued again"
    )
    with transaction.atomic():
        stuck = list(
            FollowUp.objects.select_for_update(skip_locked=True)
            .filter(state=State.SENDING, lease_expires_at__lt=now)
            .select_related("complaint")
        )
        for row in stuck:
            row.state = State.FAILED
            row.failed_at = now
            row.last_error = INTERRUPTED
            row.claim_token = None
            row.lease_expires_at = None
            row.save(
                update_fields=[
                    "state",
                    "failed_at",
                    "last_error",
                    "claim_token",
                    "lease_expires_at",
                    "updated_at",
                ]
            )
            record_event(
                complaint=row.complaint, kind=EventKind.FOLLOWUP, note=f"Follow-up failed: {INTERRUPTED}"
            )
    if requeued or stuck:
        logger.warning("Recovered follow-up leases: %s requeued, %s failed mid-send", requeued, len(stuck))
    return {"requeued": requeued, "failed": len(stuck)}


# One statement claims a batch on PostgreSQL: the subquery locks due rows others have not locked,
# the UPDATE leases them, RETURNING says which. A row another dispatcher changed in between fails
# the re-check PostgreSQL applies to locked rows, so it is never claimed twice.
CLAIM_SQL = """
UPDATE followups_followup
   SET state = 'queued', claim_token = %s, queued_at = %s, lease_expires_at = %s, updated_at = %s
 WHERE id IN (
       SELECT id FROM followups_followup
        WHERE state = 'scheduled' AND channel = 'email' AND due_at <= %s
        ORDER BY due_at
        LIMIT %s
          FOR UPDATE SKIP LOCKED)
RETURNING id
"""


def claim_due_batch(*, now: datetime, batch_size: int) -> tuple[str, list[int]]:
    """Claim up to `batch_size` due email rows; return the claim token and their ids."""
    token = uuid.uuid4()
    lease = now + conf.queued_lease()
    if connection.vendor == "postgresql":
        # A single statement is atomic on its own: no BEGIN/COMMIT round trips on an idle tick.
        with connection.cursor() as cursor:
            cursor.execute(CLAIM_SQL, [token, now, lease, now, now, batch_size])
            ids = [row[0] for row in cursor.fetchall()]
        return (str(token), ids) if ids else ("", [])
    # Other databases (SQLite for `make run`) serialise writers, so a plain claim is safe there.
    with transaction.atomic():
        ids = list(
            FollowUp.objects.filter(state=State.SCHEDULED, channel=Channel.EMAIL, due_at__lte=now)
            .order_by("due_at")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return "", []
        FollowUp.objects.filter(id__in=ids, state=State.SCHEDULED).update(
            state=State.QUEUED, claim_token=token, queued_at=now, lease_expires_at=lease, updated_at=now
        )
    return str(token), ids


def dispatch_due_followups(
    *, now: datetime | None = None, batch_size: int | None = None, time_budget: float | None = None
) -> int:
    """Recover stuck leases, then claim due rows batch by batch and enqueue one send task per batch.

    Returns how many rows were handed over. Stops when no due row is left or the time budget is
    spent (the next tick carries on), so a run never overlaps the next one for long.
    """
    from followups.tasks import send_followups

    now = now or timezone.now()
    batch_size = batch_size or conf.batch_size()
    deadline = time.monotonic() + (time_budget if time_budget is not None else conf.dispatch_time_budget())
    stuck, due = probe(now=now)
    if stuck:
        _recover(now)
        # Recovered queued rows are due again; claim them in this same run.
        due = True
    if not due:
        return 0
    handed = 0
    while True:
        token, ids = claim_due_batch(now=now, batch_size=batch_size)
        if not ids:
            break
        # A claim is committed before its message leaves: if publishing fails, the lease expires
        # and the rows are claimed again; a message never points at uncommitted rows.
        transaction.on_commit(partial(send_followups.delay, ids, token))
        handed += len(ids)
        if len(ids) < batch_size or time.monotonic() > deadline:
            break
    return handed
