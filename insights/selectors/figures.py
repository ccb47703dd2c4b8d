"""Every figure of the insights page, read from the daily rollups (compensation from its own,
much smaller, table). Each function returns plain rows a table, a chart and a CSV all share."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Sum

from complaints.models import Category, Channel, Status
from insights.models import BUCKET_HOURS, DailyAgents, DailyCases, DailyCauses, DailyOutcomes
from insights.selectors.filters import Filters, percentile_hours, select_days, share
from resolutions.models import RootCause

CASE_DIMS = ("category", "channel", "team")
BUCKET_RANGE = range(len(BUCKET_HOURS) + 1)
STATUS_LABELS = dict(Status.choices)


def week_of(day: date) -> date:
    """The Monday that starts the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def weeks_in(filters: Filters) -> list[date]:
    first, last = week_of(filters.start), week_of(filters.end)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _top_level_names() -> dict[int, str]:
    """Each category's top-level name: the page counts sub-categories under their parent."""
    rows = list(Category.objects.values_list("pk", "name", "parent_id"))
    names = {pk: name for pk, name, _ in rows}
    parents = {pk: parent for pk, _, parent in rows}

    def top(pk: int) -> str:
        seen = 0
        while parents.get(pk) and seen < 10:
            pk, seen = parents[pk], seen + 1  # type: ignore[assignment]
        return names[pk]

    return {pk: top(pk) for pk in names}


@dataclass
class Series:
    """Counts per week per label, in week order: one chart, one table, one CSV."""

    weeks: list[date]
    labels: list[str]
    counts: dict[str, dict[date, int]]

    def rows(self) -> list[list[Any]]:
        return [[week, *(self.counts[label].get(week, 0) for label in self.labels)] for week in self.weeks]

    def totals(self) -> dict[str, int]:
        return {label: sum(self.counts[label].values()) for label in self.labels}


def _series(filters: Filters, pairs: list[tuple[date, str, int]]) -> Series:
    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for day, label, n in pairs:
        counts[label][week_of(day)] += n
    labels = sorted(counts, key=lambda label: (-sum(counts[label].values()), label))
    return Series(weeks=weeks_in(filters), labels=labels, counts=counts)


def volume_by_category(filters: Filters) -> Series:
    names = _top_level_names()
    rows = (
        select_days(DailyCases.objects, filters, dims=CASE_DIMS)
        .values("day", "category_id")
        .annotate(n=Sum("received"))
    )
    return _series(filters, [(r["day"], names[r["category_id"]], r["n"]) for r in rows if r["n"]])


def volume_by_channel(filters: Filters) -> Series:
    names = dict(Channel.objects.values_list("pk", "name"))
    rows = (
        select_days(DailyCases.objects, filters, dims=CASE_DIMS)
        .values("day", "channel_id")
        .annotate(n=Sum("received"))
    )
    return _series(filters, [(r["day"], names[r["channel_id"]], r["n"]) for r in rows if r["n"]])


def outcomes(filters: Filters) -> list[tuple[str, int]]:
    """Cases received in the range by outcome, most common first."""
    rows = (
        select_days(DailyOutcomes.objects, filters, dims=CASE_DIMS)
        .values("outcome")
        .annotate(n=Sum("cases"))
        .order_by("-n", "outcome")
    )
    return [(STATUS_LABELS.get(r["outcome"], r["outcome"]), r["n"]) for r in rows]


def _sums(filters: Filters, fields: list[str]) -> dict[str, int]:
    totals = select_days(DailyCases.objects, filters, dims=CASE_DIMS).aggregate(
        **{name: Sum(name) for name in fields}
    )
    return {name: totals[name] or 0 for name in fields}


@dataclass
class Timing:
    label: str
    count: int
    median_hours: int | None
    p90_hours: int | None
    with_target: int
    within_target: int

    @property
    def within_share(self) -> float | None:
        return share(self.within_target, self.with_target)


def response_times(filters: Filters) -> list[Timing]:
    prefixes = {"fr": "first", "res": "resolved"}
    fields = [f"{p}_{i}" for p in prefixes for i in BUCKET_RANGE]
    fields += ["first_responses", "first_with_target", "first_within_target"]
    fields += ["resolved", "resolved_with_target", "resolved_within_target"]
    totals = _sums(filters, fields)
    timings = []
    for prefix, label, name in (
        ("fr", "first", "Time to first response"),
        ("res", "resolved", "Time to resolution"),
    ):
        buckets = [totals[f"{prefix}_{i}"] for i in BUCKET_RANGE]
        count = totals["first_responses" if label == "first" else "resolved"]
        timings.append(
            Timing(
                label=name,
                count=count,
                median_hours=percentile_hours(buckets, 0.5),
                p90_hours=percentile_hours(buckets, 0.9),
                with_target=totals[f"{label}_with_target"],
                within_target=totals[f"{label}_within_target"],
            )
        )
    return timings


@dataclass
class FollowUpOutcomes:
    sent: int
    on_time: int
    failed: int
    answered: int
    confirmed_resolved: int
    reopened: int
    distribution: list[int]  # answers scoring 1, 2, 3, 4, 5

    @property
    def rated(self) -> int:
        return sum(self.distribution)

    @property
    def satisfaction_average(self) -> float | None:
        if not self.rated:
            return None
        return round(sum(n * (i + 1) for i, n in enumerate(self.distribution)) / self.rated, 2)

    @property
    def confirmed_share(self) -> float | None:
        return share(self.confirmed_resolved, self.answered)

    @property
    def reopen_rate(self) -> float | None:
        return share(self.reopened, self.answered)

    @property
    def on_time_share(self) -> float | None:
        return share(self.on_time, self.sent)


def followup_outcomes(filters: Filters) -> FollowUpOutcomes:
    names = ["followups_sent", "followups_on_time", "followups_failed", "answered"]
    names += ["confirmed_resolved", "reopened_by_answer", *(f"sat_{n}" for n in range(1, 6))]
    t = _sums(filters, names)
    return FollowUpOutcomes(
        sent=t["followups_sent"],
        on_time=t["followups_on_time"],
        failed=t["followups_failed"],
        answered=t["answered"],
        confirmed_resolved=t["confirmed_resolved"],
        reopened=t["reopened_by_answer"],
        distribution=[t[f"sat_{n}"] for n in range(1, 6)],
    )


def satisfaction_by_week(filters: Filters) -> list[tuple[date, float | None, int]]:
    """(week, average score, answers) for each week of the range."""
    rows = select_days(DailyCases.objects, filters, dims=CASE_DIMS).values(
        "day", *(f"sat_{n}" for n in range(1, 6))
    )
    scores: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        week = scores[week_of(row["day"])]
        for n in range(1, 6):
            week[0] += n * row[f"sat_{n}"]
            week[1] += row[f"sat_{n}"]
    return [
        (week, round(scores[week][0] / scores[week][1], 2) if scores[week][1] else None, scores[week][1])
        for week in weeks_in(filters)
    ]


def root_causes(filters: Filters, *, top: int = 8) -> Series:
    """Resolutions per week by root cause, the `top` most frequent (root causes follow the dates
    and the category; they are not kept per channel or team)."""
    names = dict(RootCause.objects.values_list("pk", "name"))
    rows = (
        select_days(DailyCauses.objects, filters, dims=("category",))
        .values("day", "root_cause_id")
        .annotate(n=Sum("resolutions"))
    )
    series = _series(filters, [(r["day"], names[r["root_cause_id"]], r["n"]) for r in rows if r["n"]])
    series.labels = series.labels[:top]
    return series


@dataclass
class AgentRow:
    name: str
    handled: int
    median_hours: int | None
    satisfaction: float | None
    answers: int
    checklist_share: float | None


def agents(filters: Filters) -> list[AgentRow]:
    """Per person: resolutions completed, median time to resolution, satisfaction on the cases
    they own, recovery-checklist adherence (dates and team; not kept per category or channel)."""
    fields = [
        "resolved",
        "checklist_followed",
        "answered",
        "satisfaction_sum",
        *(f"res_{i}" for i in BUCKET_RANGE),
    ]
    rows = (
        select_days(DailyAgents.objects, filters, dims=("agent",))
        .values("agent_id")
        .annotate(**{f: Sum(f) for f in fields})
    )
    users = get_user_model().objects.in_bulk([r["agent_id"] for r in rows])
    result = []
    for r in rows:
        user = users[r["agent_id"]]
        result.append(
            AgentRow(
                name=user.get_full_name() or user.get_username(),
                handled=r["resolved"],
                median_hours=percentile_hours([r[f"res_{i}"] for i in BUCKET_RANGE], 0.5),
                satisfaction=round(r["satisfaction_sum"] / r["answered"], 2) if r["answered"] else None,
                answers=r["answered"],
                checklist_share=share(r["checklist_followed"], r["resolved"]),
            )
        )
    return sorted(result, key=lambda a: (-a.handled, a.name))
