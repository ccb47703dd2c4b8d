"""Settings this app reads. Their defaults and environment names are set once, in
portal/settings.py (README: Configuration)."""

from django.conf import settings


def currencies() -> tuple[str, ...]:
    """ISO 4217 codes compensation may be recorded in (`COMPENSATION_CURRENCIES`)."""
    return tuple(settings.COMPENSATION_CURRENCIES)


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in currencies()]


def choice_link_max_age() -> int:
    """How long the customer's choice link stays valid, in seconds (14 days by default)."""
    return int(settings.SOLUTION_CHOICE_LINK_MAX_AGE)
