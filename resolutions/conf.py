"""Settings this app reads, with defaults so the project's settings module needs no edit."""

from django.conf import settings

DEFAULT_CURRENCIES = ("GBP", "EUR", "USD")


def currencies() -> tuple[str, ...]:
    """ISO 4217 codes compensation may be recorded in (`COMPENSATION_CURRENCIES`)."""
    return tuple(getattr(settings, "COMPENSATION_CURRENCIES", DEFAULT_CURRENCIES))


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in currencies()]


def choice_link_max_age() -> int:
    """How long the customer's choice link stays valid, in seconds (14 days by default)."""
    return int(getattr(settings, "SOLUTION_CHOICE_LINK_MAX_AGE", 60 * 60 * 24 * 14))
