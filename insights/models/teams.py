"""Teams: who the weekly digest goes to, and a filter of the insights page (cases their members own)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{value}” is not an IANA time zone (for example Europe/London).") from None


class Team(models.Model):
    name = models.CharField(max_length=120, unique=True)
    email = models.EmailField(help_text="Where the weekly digest goes (the team's shared address).")
    time_zone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_time_zone],
        help_text="The digest's default schedule (Monday 09:00) is in this zone.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="insight_teams",
        help_text="The team's cases are the cases its members own. A team without members covers "
        "the whole service.",
    )
    digest_schedule = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The Beat entry that sends the digest; edit its schedule in Periodic tasks.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
