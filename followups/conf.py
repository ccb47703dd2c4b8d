"""Follow-up settings, each overridable in Django settings under the name shown."""

from datetime import timedelta

from django.conf import settings


def survey_min_interval() -> timedelta:
    """A customer gets at most one survey email in this many days, whatever the number of cases."""
    return timedelta(days=getattr(settings, "FOLLOWUPS_SURVEY_MIN_INTERVAL_DAYS", 14))


def survey_link_max_age() -> int:
    return int(getattr(settings, "FOLLOWUPS_SURVEY_LINK_DAYS", 30)) * 86_400


def unsubscribe_link_max_age() -> int:
    return int(getattr(settings, "FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS", 365)) * 86_400


def survey_amend_window() -> timedelta:
    """How long after the first answer the customer may still change it."""
    return timedelta(hours=getattr(settings, "FOLLOWUPS_SURVEY_AMEND_HOURS", 48))


def max_attempts() -> int:
    """Transient sending failures retried this many times before the row becomes a visible failure."""
    return int(getattr(settings, "FOLLOWUPS_MAX_ATTEMPTS", 6))


def batch_size() -> int:
    """Rows per send message: one message per row cannot keep up (the broker, not the database, is
    the bottleneck); 500 claims and hands over about 13,000 rows a second on the bench machine."""
    return int(getattr(settings, "FOLLOWUPS_BATCH_SIZE", 500))


def queued_lease() -> timedelta:
    """A queued row whose send task has not started within this is handed out again."""
    return timedelta(seconds=getattr(settings, "FOLLOWUPS_QUEUED_LEASE_SECONDS", 900))


def sending_lease() -> timedelta:
    """Longer than the send task may run (its hard time limit), so only a dead worker exceeds it."""
    limit = int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 180))
    return timedelta(seconds=limit + 60)


def dispatch_time_budget() -> float:
    """Seconds one dispatcher run keeps claiming before leaving the rest to the next tick."""
    return float(getattr(settings, "FOLLOWUPS_DISPATCH_BUDGET_SECONDS", 45))


def send_time_budget() -> float:
    """Seconds a send task keeps sending before handing the rest of its batch back to the
    schedule: well inside the soft time limit, so a slow mail server never strands a batch."""
    soft_limit = float(getattr(settings, "CELERY_TASK_SOFT_TIME_LIMIT", 120))
    return float(getattr(settings, "FOLLOWUPS_SEND_BUDGET_SECONDS", soft_limit / 2))


def call_overdue_after() -> timedelta:
    """A follow-up call still not made this long after it fell due is shown as overdue."""
    return timedelta(hours=getattr(settings, "FOLLOWUPS_CALL_OVERDUE_HOURS", 24))
