"""The insights filter (dates, category, channel, team) and the rollup rows it selects."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from complaints.models import Category, Channel
from insights.models import BUCKET_HOURS, Team

DEFAULT_WEEKS = 12


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    category: Category | None = None
    channel: Channel | None = None
    team: Team | None = None

    @classmethod
    def default(cls, today: date) -> "Filters":
        return cls(start=today - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1), end=today)

    def category_ids(self) -> list[int] | None:
        """The category and its sub-categories (imported products file sub-products under them)."""
        if self.category is None:
            return None
        return [self.category.pk, *Category.objects.filter(parent=self.category).values_list("pk", flat=True)]

    def member_ids(self) -> list[int] | None:
        if self.team is None:
            return None
        return list(self.team.members.values_list("pk", flat=True))

    def as_query(self) -> dict[str, str]:
        """The filter as GET parameters, for the CSV links."""
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for name in ("category", "channel", "team"):
            value = getattr(self, name)
            if value is not None:
                query[name] = str(value.pk)
        return query


def select_days(queryset: Any, filters: Filters, *, dims: tuple[str, ...]) -> QuerySet[Any]:
    """Rollup rows in the filter; `dims` names the filters this rollup has columns for."""
    queryset = queryset.filter(day__gte=filters.start, day__lte=filters.end)
    ids = filters.category_ids()
    if ids is not None and "category" in dims:
        queryset = queryset.filter(category_id__in=ids)
    if filters.channel is not None and "channel" in dims:
        queryset = queryset.filter(channel_id=filters.channel.pk)
    if filters.team is not None and "team" in dims:
        queryset = queryset.filter(team_id=filters.team.pk)
    if filters.team is not None and "agent" in dims:
        queryset = queryset.filter(Q(agent_id__in=filters.member_ids() or []))
    return queryset


def percentile_hours(buckets: list[int], share: float) -> int | None:
    """The nearest-rank percentile of bucketed durations, as the bucket's upper bound in hours;
    None when nothing was counted; -1 for the open bucket (longer than the last bound)."""
    total = sum(buckets)
    if total == 0:
        return None
    rank = max(1, -(-int(share * total * 1000) // 1000))  # ceil(share * total) without float noise
    running = 0
    for i, count in enumerate(buckets):
        running += count
        if running >= rank:
            return BUCKET_HOURS[i] if i < len(BUCKET_HOURS) else -1
    return -1  # pragma: no cover - running reaches total


def share(part: int, whole: int) -> float | None:
    """A share in per cent to one decimal, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None
