"""Response targets per severity (optionally per category) and the service's business calendar."""

from datetime import timedelta
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from complaints.models.taxonomy import Category, Severity


class HoursKind(models.TextChoices):
    CALENDAR = "calendar", "Calendar hours (around the clock)"
    BUSINESS = "business", "Business hours (opening hours, minus holidays)"


class ResponseTarget(models.Model):
    """How soon a case gets a first response and a resolution. A target for the case's severity and
    category wins over the severity's general one (category left empty)."""

    severity = models.ForeignKey(Severity, on_delete=models.CASCADE, related_name="response_targets")
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="response_targets",
        help_text="Leave empty for the severity's general target.",
    )
    first_response_hours = models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    resolution_hours = models.DecimalField(
        max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    hours_kind = models.CharField(max_length=10, choices=HoursKind.choices, default=HoursKind.CALENDAR)

    class Meta:
        ordering = ["-severity__rank", "category__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["severity"],
                condition=Q(category__isnull=True),
                name="target_one_general_per_severity",
            ),
            models.UniqueConstraint(fields=["severity", "category"], name="target_one_per_severity_category"),
            models.CheckConstraint(
                condition=Q(resolution_hours__gte=F("first_response_hours")),
                name="target_resolution_after_first_response",
            ),
        ]

    def __str__(self) -> str:
        scope = f" / {self.category}" if self.category_id else ""
        return f"{self.severity}{scope}: {self.first_response_hours} h, {self.resolution_hours} h"

    @property
    def first_response(self) -> timedelta:
        return timedelta(hours=float(self.first_response_hours))

    @property
    def resolution(self) -> timedelta:
        return timedelta(hours=float(self.resolution_hours))


class Weekday(models.IntegerChoices):
    """ISO numbers, as follow-up windows use them: one numbering in the whole portal."""

    MONDAY = 1, "Monday"
    TUESDAY = 2, "Tuesday"
    WEDNESDAY = 3, "Wednesday"
    THURSDAY = 4, "Thursday"
    FRIDAY = 5, "Friday"
    SATURDAY = 6, "Saturday"
    SUNDAY = 7, "Sunday"


class OpeningHours(models.Model):
    """One opening interval, in the portal's time zone (TIME_ZONE). A day may have several."""

    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=Q(closes__gt=F("opens")), name="opening_closes_after_opens"),
            models.UniqueConstraint(fields=["weekday", "opens"], name="opening_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Holiday(models.Model):
    """A day off. Response targets stop on the holidays of the service's region; follow-up business
    days skip the holidays of the customer's region. No region: a holiday everywhere."""

    date = models.DateField()
    name = models.CharField(max_length=120)
    region = models.CharField(
        max_length=2,
        blank=True,
        help_text="Two-letter country code (GB, US, FR …); empty for a holiday in every region.",
    )

    class Meta:
        ordering = ["date", "region"]
        constraints = [models.UniqueConstraint(fields=["date", "region"], name="holiday_once_per_region")]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}" + (f" ({self.region})" if self.region else "")

    def save(self, *args: object, **kwargs: object) -> None:
        self.region = self.region.strip().upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]
