"""Follow-up policies: which cases they apply to and the ordered steps they schedule."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from complaints.models import Category, Severity
from followups.timing import Window


class DelayUnit(models.TextChoices):
    DAYS = "days", "Calendar days"
    BUSINESS_DAYS = "business_days", "Business days (Monday to Friday)"
    HOURS = "hours", "Hours"
    MINUTES = "minutes", "Minutes"
    SECONDS = "seconds", "Seconds (for trials)"


class FollowUpChannel(models.TextChoices):
    EMAIL = "email", "Email"
    CALL = "call", "Phone call"


# The email templates an admin may pick; the copy itself lives in git (three files each).
EMAIL_TEMPLATES = [("followups/email/survey", "Satisfaction check (standard)")]
WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def validate_weekdays(value: str) -> None:
    try:
        days = {int(part) for part in value.split(",") if part.strip()}
    except ValueError:
        raise ValidationError("Use weekday numbers separated by commas, 1 = Monday … 7 = Sunday.") from None
    if not days or not days <= set(range(1, 8)):
        raise ValidationError("Use weekday numbers separated by commas, 1 = Monday … 7 = Sunday.")


class FollowUpPolicy(models.Model):
    """Applies to the cases matching every criterion it sets; the most specific match wins."""

    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField(default=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only cases in this category. Empty: any category.",
    )
    min_severity = models.ForeignKey(
        Severity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only cases of this severity or higher. Empty: any severity.",
    )
    compensation_given = models.BooleanField(
        null=True,
        blank=True,
        help_text="Yes: only compensated cases; No: only cases without compensation; empty: either.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "follow-up policies"

    def __str__(self) -> str:
        return self.name


class FollowUpStep(models.Model):
    policy = models.ForeignKey(FollowUpPolicy, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=1)
    channel = models.CharField(max_length=10, choices=FollowUpChannel.choices, default=FollowUpChannel.EMAIL)
    delay = models.PositiveIntegerField(default=3, help_text="After the resolution.")
    delay_unit = models.CharField(max_length=20, choices=DelayUnit.choices, default=DelayUnit.DAYS)
    email_template = models.CharField(
        max_length=100, choices=EMAIL_TEMPLATES, default=EMAIL_TEMPLATES[0][0], blank=True
    )
    call_script = models.TextField(blank=True, max_length=5_000, help_text="What the agent says and asks.")
    start_hour = models.PositiveSmallIntegerField(
        default=9, validators=[MaxValueValidator(23)], help_text="Earliest local hour (customer's time)."
    )
    end_hour = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="Local hour by which it must have happened (exclusive).",
    )
    weekdays = models.CharField(
        max_length=20,
        default="1,2,3,4,5,6",
        validators=[validate_weekdays],
        help_text="Allowed local weekdays: 1 = Monday … 7 = Sunday, separated by commas.",
    )
    retries = models.PositiveSmallIntegerField(
        default=2, help_text="Calls only: how many more tries after no answer or voicemail."
    )
    retry_delay = models.PositiveSmallIntegerField(
        default=1, help_text="Calls only: business days between tries."
    )
    fallback_channel = models.CharField(
        max_length=10,
        choices=FollowUpChannel.choices,
        blank=True,
        help_text="If the customer does not answer this step, follow up this way instead.",
    )
    fallback_delay = models.PositiveIntegerField(
        default=2, help_text="After an unanswered email is sent, or after the last unanswered call."
    )
    fallback_unit = models.CharField(
        max_length=20, choices=DelayUnit.choices, default=DelayUnit.BUSINESS_DAYS
    )

    class Meta:
        ordering = ["policy", "order", "id"]
        constraints = [
            models.CheckConstraint(
                name="followup_step_window", condition=Q(start_hour__lt=models.F("end_hour"))
            ),
        ]

    def __str__(self) -> str:
        unit = self.get_delay_unit_display().lower()
        return f"{self.policy}: {self.get_channel_display()} after {self.delay} {unit}"

    def clean(self) -> None:
        if self.start_hour is not None and self.end_hour is not None and self.start_hour >= self.end_hour:
            raise ValidationError({"end_hour": "The allowed hours must end after they start."})
        if self.channel == FollowUpChannel.CALL and not self.call_script.strip():
            raise ValidationError({"call_script": "A call step needs a script for the agent."})

    @property
    def window(self) -> Window:
        return Window(
            start_hour=self.start_hour,
            end_hour=self.end_hour,
            weekdays=frozenset(int(part) for part in self.weekdays.split(",") if part.strip()),
        )
