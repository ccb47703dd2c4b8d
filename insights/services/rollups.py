"""Keeping the daily rollups current: recompute whole days from the source tables.

A day is recomputed as a whole (delete its rows, insert fresh ones, one transaction), so a refresh
is idempotent and two refreshes of the same day cannot double-count. The periodic task refreshes
the last few days, where nearly every change lands; imports and back-dated edits refresh their
range (`refresh_insights` or the import signal).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import Count, DurationField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models import When as SqlWhen
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from complaints.models import Complaint
from followups.models import FollowUp
from insights.models import (
    BUCKET_HOURS,
    DailyAgents,
    DailyCases,
    DailyCauses,
    DailyOutcomes,
    RollupState,
    Team,
)
from resolutions.models import RecoveryStep, Resolution, ResolutionStatus

# A follow-up sent within this long after its due time counts as on time (the dispatcher runs
# every minute; a day allows for the customer's allowed hours and a retry or two).
ON_TIME_GRACE = timedelta(days=1)
# Days the periodic task recomputes each run: today and the two before it.
RECENT_DAYS = 3
# A long range is recomputed a month at a time, so one transaction never holds a year of rows.
CHUNK_DAYS = 31

Key = tuple[Any, ...]


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def team_expression(owner_field: str) -> Any:
    """The owner's team as a SQL CASE (a person in two teams counts for the first by name)."""
    whens = []
    seen: set[int] = set()
    for team in Team.objects.prefetch_related("members").order_by("name"):
        ids = [m.pk for m in team.members.all() if m.pk not in seen]
        seen.update(ids)
        if ids:
            whens.append(SqlWhen(**{f"{owner_field}__in": ids}, then=Value(team.pk)))
    if not whens:
        return Value(None, output_field=IntegerField())
    return SqlCase(*whens, default=Value(None), output_field=IntegerField())


def bucket_counts(prefix: str, duration: str) -> dict[str, Count]:
    """One COUNT per duration bucket of the `duration` alias."""
    bounds = [None, *(timedelta(hours=h) for h in BUCKET_HOURS), None]
    counts = {}
    for i in range(len(BUCKET_HOURS) + 1):
        low, high = bounds[i], bounds[i + 1]
        condition = Q()
        if low is not None:
            condition &= Q(**{f"{duration}__gt": low})
        if high is not None:
            condition &= Q(**{f"{duration}__lte": high})
        counts[f"{prefix}_{i}"] = Count("id", filter=condition)
    return counts


def _between(field: str, start: datetime, end: datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _dur(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _case_rows(start: datetime, end: datetime) -> dict[Key, dict[str, int]]:
    team = team_expression("owner_id")
    dims = ("day", "category_id", "channel_id", "team")
    rows: dict[Key, dict[str, int]] = defaultdict(dict)

    def merge(queryset: QuerySet[Any], **aggregates: Any) -> None:
        for row in queryset.values(*dims).annotate(**aggregates):
            rows[tuple(row[d] for d in dims)].update({k: row[k] for k in aggregates})

    cases = Complaint.objects.annotate(team=team)
    merge(
        cases.filter(_between("received_at", start, end)).annotate(day=TruncDate("received_at")),
        received=Count("id"),
    )
    merge(
        cases.filter(_between("first_responded_at", start, end))
        .annotate(day=TruncDate("first_responded_at"))
        .alias(wait=_dur("first_responded_at", "received_at")),
        first_responses=Count("id"),
        first_with_target=Count("id", filter=Q(first_response_due_at__isnull=False)),
        first_within_target=Count("id", filter=Q(first_responded_at__lte=F("first_response_due_at"))),
        **bucket_counts("fr", "wait"),
    )
    merge(
        cases.filter(_between("resolved_at", start, end))
        .annotate(day=TruncDate("resolved_at"))
        .alias(took=_dur("resolved_at", "received_at")),
        resolved=Count("id"),
        resolved_with_target=Count("id", filter=Q(resolution_due_at__isnull=False)),
        resolved_within_target=Count("id", filter=Q(resolved_at__lte=F("resolution_due_at"))),
        **bucket_counts("res", "took"),
    )
    _merge_followups(rows, dims, start, end)
    return rows


def _merge_followups(
    rows: dict[Key, dict[str, int]], dims: tuple[str, ...], start: datetime, end: datetime
) -> None:
    followups = FollowUp.objects.annotate(
        category_id=F("complaint__category_id"),
        channel_id=F("complaint__channel_id"),
        team=team_expression("complaint__owner_id"),
    )
    groups: list[tuple[QuerySet[Any], dict[str, Any]]] = [
        (
            followups.filter(_between("sent_at", start, end))
            .annotate(day=TruncDate("sent_at"))
            .alias(late=_dur("sent_at", "due_at")),
            {
                "followups_sent": Count("id"),
                "followups_on_time": Count("id", filter=Q(late__lte=ON_TIME_GRACE)),
            },
        ),
        (
            followups.filter(_between("failed_at", start, end), state="failed").annotate(
                day=TruncDate("failed_at")
            ),
            {"followups_failed": Count("id")},
        ),
        (
            followups.filter(_between("answered_at", start, end), answer_resolved__isnull=False).annotate(
                day=TruncDate("answered_at")
            ),
            {
                "answered": Count("id"),
                "confirmed_resolved": Count("id", filter=Q(answer_resolved=True)),
                "reopened_by_answer": Count("id", filter=Q(answer_resolved=False)),
                **{f"sat_{n}": Count("id", filter=Q(answer_satisfaction=n)) for n in range(1, 6)},
            },
        ),
    ]
    for queryset, aggregates in groups:
        for row in queryset.values(*dims).annotate(**aggregates):
            rows[tuple(row[d] for d in dims)].update({k: row[k] for k in aggregates})


def _cause_rows(start: datetime, end: datetime) -> Iterable[Any]:
    return (
        Resolution.objects.filter(_between("completed_at", start, end), status=ResolutionStatus.COMPLETED)
        .annotate(day=TruncDate("completed_at"))
        .values(
            "day",
            "root_cause_id",
            category_id=F("complaint__category_id"),
            product_id=F("complaint__product_id"),
        )
        .annotate(resolutions=Count("id"), preventable=Count("id", filter=Q(preventable=True)))
    )


def _agent_rows(start: datetime, end: datetime) -> dict[Key, dict[str, int]]:
    required = Q()
    for code in RecoveryStep.objects.filter(is_required=True).values_list("code", flat=True):
        required &= Q(**{code: True})
    rows: dict[Key, dict[str, int]] = defaultdict(dict)
    resolved = (
        Resolution.objects.filter(_between("completed_at", start, end), status=ResolutionStatus.COMPLETED)
        .annotate(day=TruncDate("completed_at"))
        .alias(took=_dur("completed_at", "complaint__received_at"))
        .values("day", agent_id=F("resolved_by_id"))
        .annotate(
            resolved=Count("id"),
            checklist_followed=Count("id", filter=required),
            **bucket_counts("res", "took"),
        )
    )
    answers = (
        FollowUp.objects.filter(
            _between("answered_at", start, end),
            answer_satisfaction__isnull=False,
            complaint__owner_id__isnull=False,
        )
        .annotate(day=TruncDate("answered_at"))
        .values("day", agent_id=F("complaint__owner_id"))
        .annotate(answered=Count("id"), satisfaction_sum=Sum("answer_satisfaction"))
    )
    for queryset in (resolved, answers):
        for row in queryset:
            values: dict[str, Any] = dict(row)
            key = (values.pop("day"), values.pop("agent_id"))
            rows[key].update(values)
    return rows


def outcome_expression() -> Any:
    """Imported cases keep the outcome their source recorded; the portal's own cases, whose
    outcome is free text, are counted by status."""
    return SqlCase(
        SqlWhen(Q(source="import") & ~Q(outcome=""), then=Substr("outcome", 1, 80)),
        default=F("status"),
    )


def _outcome_rows(start: datetime, end: datetime) -> Iterable[Any]:
    return (
        Complaint.objects.filter(_between("received_at", start, end))
        .annotate(
            day=TruncDate("received_at"), team=team_expression("owner_id"), outcome_label=outcome_expression()
        )
        .values("day", "category_id", "channel_id", "team", "outcome_label")
        .annotate(cases=Count("id"))
    )


def _refresh_chunk(start: date, end: date) -> int:
    low, high = _span(start, end)
    with transaction.atomic():
        for model in (DailyCases, DailyCauses, DailyAgents, DailyOutcomes):
            model.objects.filter(day__gte=start, day__lte=end).delete()
        cases = [
            DailyCases(day=day, category_id=category, channel_id=channel, team_id=team, **values)
            for (day, category, channel, team), values in _case_rows(low, high).items()
        ]
        causes = [DailyCauses(**row) for row in _cause_rows(low, high)]
        agents = [
            DailyAgents(day=day, agent_id=agent, **values)
            for (day, agent), values in _agent_rows(low, high).items()
        ]
        outcomes = [
            DailyOutcomes(
                day=row["day"],
                category_id=row["category_id"],
                channel_id=row["channel_id"],
                team_id=row["team"],
                outcome=row["outcome_label"],
                cases=row["cases"],
            )
            for row in _outcome_rows(low, high)
        ]
        DailyOutcomes.objects.bulk_create(outcomes, batch_size=2_000)
        DailyCases.objects.bulk_create(cases, batch_size=2_000)
        DailyCauses.objects.bulk_create(causes, batch_size=2_000)
        DailyAgents.objects.bulk_create(agents, batch_size=2_000)
    return len(cases) + len(causes) + len(agents) + len(outcomes)


def refresh_rollups(*, start: date, end: date, now: datetime | None = None) -> int:
    """Recompute every rollup row of the days from `start` to `end` (inclusive); return how many
    rows were written."""
    now = now or timezone.now()
    written = 0
    chunk_start = start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + timedelta(days=CHUNK_DAYS - 1))
        written += _refresh_chunk(chunk_start, chunk_end)
        chunk_start = chunk_end + timedelta(days=1)
    RollupState.objects.update_or_create(
        pk=1, defaults={"refreshed_at": now, "refreshed_from": start, "refreshed_to": end}
    )
    return written


def refresh_recent_rollups(*, now: datetime | None = None) -> int:
    """What the periodic task runs: today and the days just before it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return refresh_rollups(start=today - timedelta(days=RECENT_DAYS - 1), end=today, now=now)


def recount_imported(*, first_received: datetime, last_received: datetime) -> int:
    """The days an import touched, from its first case's day until today: its cases' responses,
    resolutions and follow-ups may fall on any later day."""
    now = timezone.now()
    start = timezone.localdate(first_received)
    return refresh_rollups(
        start=start, end=max(timezone.localdate(last_received), timezone.localdate(now)), now=now
    )


def refresh_all_rollups(*, now: datetime | None = None) -> int:
    """Every day that has a case: after an import or a change of team membership."""
    first = Complaint.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return 0
    now = now or timezone.now()
    return refresh_rollups(start=timezone.localdate(first), end=timezone.localdate(now), now=now)
