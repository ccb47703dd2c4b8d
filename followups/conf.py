"""Follow-up settings. Their defaults and environment names are set once, in portal/settings.py
(README: Configuration)."""

from datetime import timedelta

from django.conf import settings


def survey_min_interval() -> timedelta:
    """A customer gets at most one survey email in this many days, whatever the number of cases."""
    return timedelta(days=settings.FOLLOWUPS_SURVEY_MIN_INTERVAL_DAYS)


def survey_link_max_age() -> int:
    return int(settings.FOLLOWUPS_SURVEY_LINK_DAYS) * 86_400


def unsubscribe_link_max_age() -> int:
    return int(settings.FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS) * 86_400


def survey_amend_window() -> timedelta:
    """How long after the first answer the customer may still change it."""
    return timedelta(hours=settings.FOLLOWUPS_SURVEY_AMEND_HOURS)


def call_overdue_after() -> timedelta:
    """A follow-up call still not made this long after it fell due is shown as overdue."""
    return timedelta(hours=settings.FOLLOWUPS_CALL_OVERDUE_HOURS)
