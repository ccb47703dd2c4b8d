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


def call_overdue_after() -> timedelta:
    """A follow-up call still not made this long after it fell due is shown as overdue."""
    return timedelta(hours=getattr(settings, "FOLLOWUPS_CALL_OVERDUE_HOURS", 24))
