"""Outbox settings. Their defaults and environment names are set once, in portal/settings.py
(README: Configuration); a default here would never be read."""

from datetime import timedelta

from django.conf import settings


def batch_size() -> int:
    """Messages per send task. Small enough that a batch spreads over the workers and finishes in a
    few seconds; large enough that the broker is not the bottleneck."""
    return int(settings.OUTBOX_BATCH_SIZE)


def max_in_flight() -> int:
    """Messages handed to workers and not yet started that the dispatcher allows at once: a claim
    waiting in the broker does not renew its lease, so the queue must drain well within one."""
    return int(settings.OUTBOX_MAX_IN_FLIGHT)


def max_attempts() -> int:
    """Transient failures retried this many times before the message becomes a visible failure."""
    return int(settings.OUTBOX_MAX_ATTEMPTS)


def claim_lease() -> timedelta:
    """A claimed message whose worker does not renew its lease within this goes back to the queue:
    this bounds how long work lost with the broker or a dead worker waits."""
    return timedelta(seconds=int(settings.OUTBOX_CLAIM_LEASE_SECONDS))


def sending_lease() -> timedelta:
    """Longer than one SMTP conversation can take (connect and data, each bounded by EMAIL_TIMEOUT):
    a message still `sending` after this was interrupted, and is shown as uncertain."""
    timeout = int(settings.EMAIL_TIMEOUT or 20)
    return timedelta(seconds=2 * timeout + 30)


def renew_every() -> float:
    """Seconds between lease renewals while a batch is being sent (a third of the lease)."""
    return claim_lease().total_seconds() / 3


def send_time_budget() -> float:
    """Seconds a send task keeps sending before handing the rest of its batch back to the queue:
    well inside the soft time limit, so a slow mail server never strands a batch."""
    return float(settings.OUTBOX_SEND_BUDGET_SECONDS)


def dispatch_time_budget() -> float:
    """Seconds one dispatcher run keeps claiming before leaving the rest to the next tick."""
    return float(settings.OUTBOX_DISPATCH_BUDGET_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Wait before retrying a transient failure: 15 s, 30 s, 1 min … capped at 30 min; with the
    default 12 attempts a mail server down for four hours is ridden out before anything fails."""
    return timedelta(seconds=min(1_800, 15 * 2 ** max(0, attempts - 1)))


def reply_to() -> list[str]:
    value = str(settings.DEFAULT_REPLY_TO_EMAIL or "")
    return [value] if value else []
