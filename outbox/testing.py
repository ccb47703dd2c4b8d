"""Send the outbox in-process, for tests and for `manage.py send_outbox`: the same claim and the
same send path as the workers, without a broker."""

from datetime import datetime

from django.utils import timezone

from outbox import conf
from outbox.dispatching import claim_due_batch, probe, recover_expired_leases, run_producers, tell_untold
from outbox.sending import BatchResult, send_batch


def flush_outbox(*, now: datetime | None = None, max_batches: int = 1_000) -> BatchResult:
    """Write what has become due, then send every due message; return what happened to them."""
    now = now or timezone.now()
    total = BatchResult()
    stuck, _, untold = probe(now=now)
    if untold:
        tell_untold(now=now)
    if stuck:
        recover_expired_leases(now=now)
    for _ in range(max_batches):
        produced = run_producers(now=now)
        token, ids = claim_due_batch(now=now, batch_size=conf.batch_size())
        if not ids and not produced:
            break
        if ids:
            result = send_batch(ids=ids, token=token, now=now)
            for name, values in vars(result).items():
                getattr(total, name).extend(values)
    return total
