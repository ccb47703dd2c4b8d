"""Recurring problems: candidate groups of cases, problems' cases per week, suggested links."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from complaints.access import visible_cases_q
from complaints.models import Complaint
from insights.models import DailyCauses, Problem
from insights.selectors.figures import week_of
from resolutions.models import Resolution

TREND_WEEKS = 4


@dataclass
class Candidate:
    category: str
    product: str
    root_cause: str
    category_id: int
    product_id: int | None
    root_cause_id: int
    count: int
    first_seen: date
    last_seen: date
    recent: int  # the last four weeks
    before: int  # the four weeks before those

    @property
    def trend(self) -> str:
        if self.recent > self.before:
            return "rising"
        if self.recent < self.before:
            return "falling"
        return "steady"


def candidate_problems(*, today: date, days: int = 90, minimum: int = 2, top: int = 20) -> list[Candidate]:
    """Resolutions grouped by category, product and root cause over the last `days` days, the
    groups of at least `minimum` cases, the largest first."""
    start = today - timedelta(days=days - 1)
    recent_from = today - timedelta(weeks=TREND_WEEKS) + timedelta(days=1)
    before_from = recent_from - timedelta(weeks=TREND_WEEKS)
    groups = (
        DailyCauses.objects.filter(day__gte=start, day__lte=today)
        .values(
            "category_id",
            "category__name",
            "product_id",
            "product__name",
            "root_cause_id",
            "root_cause__name",
        )
        .annotate(count=Sum("resolutions"), first_seen=Min("day"), last_seen=Max("day"))
        .filter(count__gte=minimum)
        .order_by("-count", "category__name")[:top]
    )
    result = []
    for g in groups:
        days_of_group = DailyCauses.objects.filter(
            category_id=g["category_id"], product_id=g["product_id"], root_cause_id=g["root_cause_id"]
        )
        recent = days_of_group.filter(day__gte=recent_from, day__lte=today).aggregate(n=Sum("resolutions"))[
            "n"
        ]
        before = days_of_group.filter(day__gte=before_from, day__lt=recent_from).aggregate(
            n=Sum("resolutions")
        )["n"]
        result.append(
            Candidate(
                category=g["category__name"],
                product=g["product__name"] or "",
                root_cause=g["root_cause__name"],
                category_id=g["category_id"],
                product_id=g["product_id"],
                root_cause_id=g["root_cause_id"],
                count=g["count"],
                first_seen=g["first_seen"],
                last_seen=g["last_seen"],
                recent=recent or 0,
                before=before or 0,
            )
        )
    return result


def similar_wording(
    *, today: date, days: int = 30, limit: int = 400, threshold: float = 0.5
) -> list[list[Complaint]]:
    """Recent cases whose issue and summary read alike, in groups of two or more. On PostgreSQL
    pg_trgm's similarity() pairs them; elsewhere word trigrams compared in Python."""
    since = today - timedelta(days=days)
    recent = list(
        Complaint.objects.filter(received_at__date__gte=since)
        .exclude(issue="", summary="")
        .order_by("-received_at")
        .only("pk", "reference", "issue", "summary", "received_at")[:limit]
    )
    if len(recent) < 2:
        return []
    ids = [c.pk for c in recent]
    pairs = (
        _pairs_postgres(ids, threshold)
        if connection.vendor == "postgresql"
        else _pairs_python(recent, threshold)
    )
    parent = {pk: pk for pk in ids}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in pairs:
        parent[root(a)] = root(b)
    sizes = Counter(root(pk) for pk in ids)
    by_id = {c.pk: c for c in recent}
    groups = [[by_id[pk] for pk in ids if root(pk) == r] for r, n in sizes.most_common() if n > 1]
    return groups[:10]


def _pairs_postgres(ids: list[int], threshold: float) -> list[tuple[int, int]]:
    sql = (
        "SELECT a.id, b.id FROM complaints_complaint a JOIN complaints_complaint b ON a.id < b.id "
        "WHERE a.id = ANY(%s) AND b.id = ANY(%s) "
        "AND similarity(a.issue || ' ' || a.summary, b.issue || ' ' || b.summary) >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids, ids, threshold])
        return [(a, b) for a, b in cursor.fetchall()]


def _trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in text.lower().split():
        padded = f"  {''.join(ch for ch in word if ch.isalnum())} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def _pairs_python(cases: list[Complaint], threshold: float) -> list[tuple[int, int]]:
    grams = [(c.pk, _trigrams(f"{c.issue} {c.summary}")) for c in cases]
    pairs = []
    for i, (a, ga) in enumerate(grams):
        for b, gb in grams[i + 1 :]:
            if ga and gb and len(ga & gb) / len(ga | gb) >= threshold:
                pairs.append((a, b))
    return pairs


def problem_cases(problem: Problem, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Complaint]:
    return Complaint.objects.filter(
        visible_cases_q(user), pk__in=problem.links.values("complaint_id")
    ).select_related("category")


def weekly_before_after(problem: Problem, *, weeks: int = 8) -> dict[str, Any]:
    """Linked cases received per week, `weeks` before and after the corrective action (or the
    last `weeks` weeks while none is recorded), and the weekly average of each side."""
    fix = problem.corrective_action_on
    anchor = week_of(fix) if fix else week_of(timezone.localdate()) + timedelta(weeks=1)
    first = anchor - timedelta(weeks=weeks)
    last = anchor + timedelta(weeks=weeks if fix else 0)
    counts: Counter[date] = Counter()
    rows = (
        Complaint.objects.filter(pk__in=problem.links.values("complaint_id"), received_at__date__gte=first)
        .annotate(day=TruncDate("received_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[week_of(row["day"])] += row["n"]
    series = []
    week = first
    while week < last:
        series.append((week, counts[week], "after" if fix and week >= anchor else "before"))
        week += timedelta(weeks=1)
    before = [n for _, n, side in series if side == "before"]
    after = [n for _, n, side in series if side == "after"]
    return {
        "series": series,
        "before_average": round(sum(before) / len(before), 2) if before else None,
        "after_average": round(sum(after) / len(after), 2) if after else None,
    }


def suggested_cases(problem: Problem, *, days: int = 60, limit: int = 20) -> list[Complaint]:
    """Recent cases not yet linked that share the problem's signature: its category (and product),
    and, when it names one, a resolution with its root cause."""
    if problem.category_id is None and problem.product_id is None and problem.root_cause_id is None:
        return []
    since = timezone.now() - timedelta(days=days)
    cases = Complaint.objects.filter(received_at__gte=since).exclude(
        pk__in=problem.links.values("complaint_id")
    )
    if problem.category_id:
        cases = cases.filter(category_id=problem.category_id)
    if problem.product_id:
        cases = cases.filter(product_id=problem.product_id)
    if problem.root_cause_id:
        cases = cases.filter(
            pk__in=Resolution.objects.filter(root_cause_id=problem.root_cause_id).values("complaint_id")
        )
    return list(cases.select_related("category").order_by("-received_at")[:limit])


def lessons(*, q: str = "", limit: int = 50) -> QuerySet[Resolution]:
    """Lessons recorded at resolution, newest first, matching every word of `q`."""
    rows = Resolution.objects.exclude(lesson_learned="").filter(status="completed")
    for word in q.split()[:8]:
        rows = rows.filter(lesson_learned__icontains=word)
    return rows.select_related("complaint__category", "root_cause", "resolved_by").order_by("-completed_at")[
        :limit
    ]
