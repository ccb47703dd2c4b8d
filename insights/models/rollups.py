"""Daily rollups: one row per day and dimension, so the insights page sums a few thousand rows
instead of scanning a year of cases. Each count is keyed by the day of its own event (received,
first response, resolution, survey sent or answered), in the portal's time zone. See
docs/insights.md for how they are kept current.

Durations are counted into buckets (at most 1 h, 2 h, 4 h … 720 h, then longer): a median or
90th percentile is read from them as the bucket's upper bound, exact to the bucket.
"""

from django.conf import settings
from django.db import models

from complaints.models import Category, Channel, Product
from insights.models.teams import Team
from resolutions.models import RootCause

# Upper bounds of the duration buckets, in hours; a last bucket holds everything longer.
BUCKET_HOURS: tuple[int, ...] = (1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720)
BUCKETS = len(BUCKET_HOURS) + 1


def _bucket_fields(prefix: str) -> dict[str, models.PositiveIntegerField]:
    return {f"{prefix}_{i}": models.PositiveIntegerField(default=0) for i in range(BUCKETS)}


class DailyCases(models.Model):
    day = models.DateField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    received = models.PositiveIntegerField(default=0)
    # First responses given that day; "with target" had a due time to be measured against.
    first_responses = models.PositiveIntegerField(default=0)
    first_with_target = models.PositiveIntegerField(default=0)
    first_within_target = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_with_target = models.PositiveIntegerField(default=0)
    resolved_within_target = models.PositiveIntegerField(default=0)
    # Follow-ups: sent that day (and how many within a day of their due time), failed that day,
    # answered that day (resolved yes or no, satisfaction 1-5).
    followups_sent = models.PositiveIntegerField(default=0)
    followups_on_time = models.PositiveIntegerField(default=0)
    followups_failed = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    confirmed_resolved = models.PositiveIntegerField(default=0)
    reopened_by_answer = models.PositiveIntegerField(default=0)
    sat_1 = models.PositiveIntegerField(default=0)
    sat_2 = models.PositiveIntegerField(default=0)
    sat_3 = models.PositiveIntegerField(default=0)
    sat_4 = models.PositiveIntegerField(default=0)
    sat_5 = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily case figures"
        indexes = [models.Index(fields=["day", "category", "channel"], name="daily_cases_day")]

    def __str__(self) -> str:
        return f"{self.day}"


for _name, _field in {**_bucket_fields("fr"), **_bucket_fields("res")}.items():
    DailyCases.add_to_class(_name, _field)


class DailyCauses(models.Model):
    """Resolutions completed per day by category, product and root cause: the root-cause chart
    and the candidate recurring problems."""

    day = models.DateField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    root_cause = models.ForeignKey(RootCause, on_delete=models.CASCADE, related_name="+")
    resolutions = models.PositiveIntegerField(default=0)
    preventable = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily root causes"
        indexes = [models.Index(fields=["day", "category"], name="daily_causes_day")]

    def __str__(self) -> str:
        return f"{self.day}"


class DailyAgents(models.Model):
    """Per person and day: resolutions they completed (how long the cases took, whether the
    required recovery steps were all confirmed) and survey answers on the cases they own."""

    day = models.DateField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resolved = models.PositiveIntegerField(default=0)
    checklist_followed = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily figures per person"
        indexes = [models.Index(fields=["day", "agent"], name="daily_agents_day")]

    def __str__(self) -> str:
        return f"{self.day}"


for _name, _field in _bucket_fields("res").items():
    DailyAgents.add_to_class(_name, _field)


class DailyOutcomes(models.Model):
    """Cases received per day by where they ended: the status, or for imported cases the
    outcome the source recorded (for CFPB files, the company's response)."""

    day = models.DateField()
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=80)
    cases = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily outcomes"
        indexes = [models.Index(fields=["day", "category"], name="daily_outcomes_day")]

    def __str__(self) -> str:
        return f"{self.day}"


class RollupState(models.Model):
    """One row: when the rollups were last refreshed, shown on the page beside the figures."""

    refreshed_at = models.DateTimeField(null=True, blank=True)
    refreshed_from = models.DateField(null=True, blank=True)
    refreshed_to = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Rollups refreshed at {self.refreshed_at}"
